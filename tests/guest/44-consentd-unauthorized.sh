# A local user who is neither root nor in the control group can read but
# not change consent, and is told why.
. /cw/guest/lib.sh
. /cw/guest/4x-consentd.sh

cd_analytics
chmod 755 "$CW_OUT" "$CD"

rc=0
out=$(as_user consentctl --socket "$CD/sock" allow analytics 2>&1) || rc=$?
assert_eq "exit status of an unauthorized allow" 1 "$rc"
# (sh -x traces start with '+': they are the harness's, not consentctl's)
out=$(printf '%s\n' "$out" | grep -v '^+')
assert_eq "one clear line" "consentctl: permission denied: changing consent needs root (you are uid 1000)" "$out"
expect_blocked tcp 198.51.100.10 80
assert_eq "kernel consent untouched" 0 "$(consent_of analytics)"

rc=0
as_user consentctl --socket "$CD/sock" reload >/dev/null 2>&1 || rc=$?
assert_eq "unauthorized reload refused" 1 "$rc"

out=$(as_user consentctl --socket "$CD/sock" status) || fail "a user cannot read status"
assert_match "reads are open" '^analytics +denied' "$out"
assert_match "status says so" 'you may read, but not change' "$out"

# Root still can.
ctl allow analytics >/dev/null || fail "root allow"
expect_allowed tcp 198.51.100.10 80
cd_stop
