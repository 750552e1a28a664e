# Without CAP_NET_ADMIN every mutating command is refused with EPERM,
# before and after the namespace is claimed; reading works.
. /cw/guest/lib.sh
cw_require
as_user() { setpriv --reuid=1000 --regid=1000 --clear-groups "$@"; }
check_all() {
	for cmd in claim begin "add analytics ip=198.51.100.99" commit abort \
		   "consent analytics 1"; do
		out=$(as_user cwnl $cmd || true)
		assert_match "uid 1000 $cmd ($1)" '^error EPERM' "$out"
	done
}
check_all unclaimed
assert_eq "still unclaimed" 0 "$(status_get owner)"
owner_std
check_all claimed
assert_eq "consent unchanged" 0 "$(consent_of analytics)"
out=$(as_user cwnl status)
assert_match "uid 1000 can read the status" '^generation [1-9]' "$out"
