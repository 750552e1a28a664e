# Root inside a new user namespace is not root: EPERM on every mutating
# command, in the handset's netns and in a netns of its own.
. /cw/guest/lib.sh
cw_require
check_all() {
	for cmd in claim begin "add analytics ip=198.51.100.99" commit abort \
		   "consent analytics 1"; do
		out=$(unshare "$@" cwnl $cmd || true)
		assert_match "unshare $* cwnl $cmd" '^error EPERM' "$out"
	done
}
[ "$(unshare -U -r id -u)" = 0 ] || fail "unshare -U -r does not map root"
check_all -U -r
check_all -U -r -n
assert_eq "handset still unclaimed" 0 "$(status_get owner)"
owner_std
check_all -U -r
check_all -U -r -n
assert_eq "consent unchanged" 0 "$(consent_of analytics)"
