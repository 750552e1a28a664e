# consentd killed with SIGKILL -> blocked at once (the kernel drops consent
# when the owner socket goes); restarted -> restored from the receipts.
. /cw/guest/lib.sh
. /cw/guest/4x-consentd.sh

cd_analytics
ctl allow analytics >/dev/null || fail "allow"
expect_allowed tcp 198.51.100.10 80

kill -9 "$CD_PID"
wait "$CD_PID" 2>/dev/null || true
t0=$(now_ms)
expect_blocked tcp 198.51.100.10 80
assert_lt "blocked within a second of SIGKILL (ms)" 1000 $(( $(now_ms) - t0 ))

# The stale socket file of the dead daemon must not stop the restart.
[ -S "$CD/sock" ] && log "stale socket left by the killed daemon"
cd_start
expect_allowed tcp 198.51.100.10 80
assert_eq "kernel consent restored" 1 "$(consent_of analytics)"
cd_stop
