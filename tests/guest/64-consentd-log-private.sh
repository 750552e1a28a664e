# The blocked-attempt log names apps and hosts: a user who is neither root
# nor in the control group cannot read it (LOG or FOLLOW), while status and
# purposes stay open and root reads the log.
. /cw/guest/lib.sh
. /cw/guest/4x-consentd.sh

cd_analytics
chmod 755 "$CW_OUT" "$CD"
expect_unreached tcp 198.51.100.10 80 ana
ctl_log_wait '198\.51\.100\.10:80' "root reads the blocked attempt"

rc=0
out=$(as_user consentctl --socket "$CD/sock" log 2>&1) || rc=$?
out=$(printf '%s\n' "$out" | grep -v '^+' || true)
assert_eq "exit status of log for a user" 1 "$rc"
assert_eq "one clear line" "consentctl: permission denied: the blocked-attempt log names apps and hosts; reading it needs root (you are uid 1000)" "$out"
rc=0
out=$(timeout 5 setpriv --reuid=1000 --regid=1000 --clear-groups consentctl --socket "$CD/sock" log --follow 2>&1) || rc=$?
out=$(printf '%s\n' "$out" | grep -v '^+' || true)
assert_eq "exit status of log --follow for a user" 1 "$rc"
assert_nomatch "nothing of the log shown" '198\.51\.100\.10' "$out"
assert_match "status stays open" '^analytics +denied' "$(as_user consentctl --socket "$CD/sock" status)"
cd_stop
