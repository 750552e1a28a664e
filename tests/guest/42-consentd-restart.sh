# consentd stopped (SIGTERM) -> every consent reverts to denied in the
# kernel; started again -> consent restored from its receipts.
. /cw/guest/lib.sh
. /cw/guest/4x-consentd.sh

cd_net
srv_tcp ads 203.0.113.5 443

cd_setup <<'RULES'
[analytics]
ip = 198.51.100.10
[ads]
ip = 203.0.113.0/25 tcp 443
RULES
cd_start
ctl allow analytics >/dev/null || fail "allow"
ctl deny ads >/dev/null || fail "deny"
expect_allowed tcp 198.51.100.10 80
expect_blocked tcp 203.0.113.5 443

cd_stop
assert_match "receipts kept" '^grant analytics ' "$(cat "$CD/state/receipts")"
# Without its daemon the kernel keeps the ruleset, with nothing consented.
expect_blocked tcp 198.51.100.10 80
expect_blocked tcp 203.0.113.5 443
assert_eq "kernel consent without consentd" 0 "$(consent_of analytics)"
out=$(ctl status 2>&1) && fail "status without consentd succeeded: $out"
assert_match "consentctl says the daemon is gone" 'consentd is not running' "$out"

cd_start
assert_eq "kernel consent restored" 1 "$(consent_of analytics)"
expect_allowed tcp 198.51.100.10 80
expect_blocked tcp 203.0.113.5 443
out=$(ctl purposes)
assert_match "purposes shows the restored grant" '^analytics +allowed +1 +allowed' "$out"
assert_match "and who decided" 'last decision: allow by uid 0' "$out"
cd_stop
