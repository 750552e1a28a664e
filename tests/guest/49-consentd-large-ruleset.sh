# 100000 entries (a domain list and a prefix list) go to the kernel in one
# transaction of batched ADD messages; consent still works on top.
. /cw/guest/lib.sh
. /cw/guest/4x-consentd.sh

cd_net

cd_setup <<'RULES'
[analytics]
ip = 198.51.100.10
include = big.hosts
[trackers]
include = big.list
RULES
awk 'BEGIN { for (i = 0; i < 60000; i++) printf "0.0.0.0 h%d.telemetry.example\n", i }' \
	>"$CD/rules.d/big.hosts"
awk 'BEGIN { for (i = 0; i < 40000; i++) printf "t%d.tracker.example\n", i }' \
	>"$CD/rules.d/big.list"
t0=$(now_ms)
cd_start
log "consentd loaded and committed 100001 entries in $(( $(now_ms) - t0 )) ms"
assert_eq "entries in the kernel" 100001 "$(status_get nr_entries)"
assert_match "status" '^rules: +2 purposes, 100001 entries' "$(ctl status)"

expect_blocked tcp 198.51.100.10 80
ctl allow analytics >/dev/null || fail "allow"
expect_allowed tcp 198.51.100.10 80
out=$(ctl explain udp 192.0.2.254 53 --name h59999.telemetry.example)
assert_match "a name from the list" '^accept: matches analytics \(allowed\)' "$out"
out=$(ctl explain udp 192.0.2.254 53 --name t39999.tracker.example)
assert_match "a name from the plain list" '^block: matches trackers \(denied\)' "$out"

# Reload of the same 100k: same digest, the grant stays.
ctl reload >/dev/null || fail "reload"
expect_allowed tcp 198.51.100.10 80
