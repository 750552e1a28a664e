# consentctl allow -> traffic passes, deny -> blocked, through consentd and
# the kernel; the change is in force when consentctl returns; the blocked
# attempt reaches `consentctl log`; explain agrees with the traffic.
. /cw/guest/lib.sh
. /cw/guest/4x-consentd.sh

cd_net
srv_tcp other 198.51.100.11 80
srv_udp push 198.51.100.20 5222

cd_setup <<'RULES'
[analytics]
description = Test analytics
ip = 198.51.100.10
[push]
ip = 198.51.100.20 udp 5222
RULES
cd_start

out=$(ctl status)
assert_match "status says connected" '^kernel: +connected' "$out"
assert_match "status lists analytics denied" '^analytics +denied' "$out"

expect_blocked tcp 198.51.100.10 80
expect_allowed tcp 198.51.100.11 80
expect_blocked udp 198.51.100.20 5222

ctl allow analytics >"$CW_OUT/allow" || fail "allow failed: $(cat "$CW_OUT/allow")"
assert_match "allow reply" '^allowed: analytics \(in force in the kernel\)' "$(cat "$CW_OUT/allow")"
# No sleep: the reply means the kernel already has it.
expect_allowed tcp 198.51.100.10 80
expect_blocked udp 198.51.100.20 5222
assert_eq "kernel consent after allow" 1 "$(consent_of analytics)"
rc=0; out=$(ctl get analytics) || rc=$?
assert_eq "get after allow exits 0" 0 "$rc"
assert_eq "get after allow" "analytics: allowed" "$out"

ctl deny analytics >/dev/null || fail "deny failed"
expect_blocked tcp 198.51.100.10 80
assert_eq "kernel consent after deny" 0 "$(consent_of analytics)"
rc=0; ctl get analytics >/dev/null || rc=$?
assert_eq "get after deny exits 1" 1 "$rc"

ctl allow push analytics >/dev/null || fail "allow two failed"
expect_allowed udp 198.51.100.20 5222
expect_allowed tcp 198.51.100.10 80
ctl deny push analytics >/dev/null

out=$(ctl explain tcp 198.51.100.10 80)
assert_eq "explain a denied endpoint" "block: matches analytics (denied)" "$out"
out=$(ctl explain tcp 198.51.100.11 80)
assert_eq "explain an unlisted endpoint" "accept: matches no purpose" "$out"

# The blocked attempts came back as events.
ctl_log_wait '198\.51\.100\.10:80' "blocked attempt in consentctl log"
out=$(ctl --json log -n 1)
assert_match "log --json" '^\{"events":\[\{"time":[0-9]+,"purposes":\["' "$out"
grep -q 'addr=198.51.100.10' "$CD/events.log" || fail "event not in the log file"
pass "event appended to the log file"

# consentctl log --follow streams new blocked attempts as they happen.
ctl log -n 0 --follow >"$CW_OUT/follow" 2>&1 &
fpid=$!
usleep 200000
expect_blocked udp 198.51.100.20 5222
i=0
until grep -q 'blocked push .*udp 198.51.100.20:5222' "$CW_OUT/follow"; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "log --follow saw nothing: $(cat "$CW_OUT/follow")"
	usleep 20000
done
pass "log --follow streamed the event"
kill "$fpid"

out=$(ctl --json status)
assert_match "status --json" '"kernel":\{"policed":true,"configured":true' "$out"
ctl stats >"$CW_OUT/stats" || fail "stats: $(cat "$CW_OUT/stats")"
assert_match "stats lists analytics" '^analytics +[1-9]' "$(cat "$CW_OUT/stats")"
grep -q '^grant push\|^deny push' "$CD/state/receipts" || fail "no receipt for push"
pass "receipts written"
cd_stop
