# The module is unloaded and loaded again under a running consentd: it
# reconnects, claims, commits and re-applies consent by itself.
. /cw/guest/lib.sh
. /cw/guest/4x-consentd.sh

cd_net
srv_tcp ads 203.0.113.5 80

cd_setup <<'RULES'
[analytics]
ip = 198.51.100.10
[ads]
ip = 203.0.113.5
RULES
cd_start
ctl allow analytics >/dev/null || fail "allow"
expect_allowed tcp 198.51.100.10 80
expect_blocked tcp 203.0.113.5 80

rmmod consentwall || fail "rmmod under a running consentd"
insmod "$CW_KO" || fail "insmod"
i=0
until [ "$(status_get owner)" != 0 ] && [ "$(consent_of analytics)" = 1 ]; do
	i=$((i + 1))
	[ $i -lt 250 ] || fail "consentd did not take the new module over: $(tail -n 20 "$CD/consentd.log")"
	usleep 20000
done
pass "consentd re-claimed the reloaded module in $((i * 20)) ms"
expect_allowed tcp 198.51.100.10 80
expect_blocked tcp 203.0.113.5 80
assert_match "status back to connected" '^kernel: +connected' "$(ctl status)"
kill -0 "$CD_PID" || fail "consentd died"
cd_stop
