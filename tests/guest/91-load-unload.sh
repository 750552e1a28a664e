# Unload/load cycles of the module (100 on the debug kernel) with traffic
# flowing and a daemon attached: each cycle a daemon claims, commits a
# ruleset and keeps its socket open while rmmod runs (allowed: a genl
# family may go away under an open socket; the socket then talks to
# nobody). A blocked send fails every tenth cycle; allowed traffic keeps
# flowing; the kernel log stays clean; a ruleset commits at the end.
. /cw/guest/lib.sh
cw_require
# 100 cycles on the debug kernel; the stock kernel's suite keeps it short
# (about a second per cycle under TCG).
case "$(uname -r)" in
*cwdebug*) cycles=100 ;;
*) cycles=20 ;;
esac
# A debug build ran its self-test when the rig loaded it (20-30 s under
# KASAN and TCG): the cycles skip it, or 100 of them would take an hour.
args=
[ ! -e /sys/module/consentwall/parameters/selftest ] || args=selftest=0
net_up
nf_keys_hold
srv_udp denied 198.51.100.10 53
srv_tcp allowed 198.51.100.11 80
stop=$CW_OUT/stop
cwprobe flood udp 198.51.100.10 53 -d 3600000 -i 2 -f "$stop" >"$CW_OUT/f1" &
bg="$!"
cwprobe flood tcp 198.51.100.11 80 -d 3600000 -i 5 -f "$stop" >"$CW_OUT/f2" &
bg="$bg $!"
cwprobe flood udp 2001:db8:100::10 53 -d 3600000 -i 2 -f "$stop" >"$CW_OUT/f3" &
bg="$bg $!"

i=0
while [ $i -lt $cycles ]; do
	i=$((i + 1))
	cw_loaded || insmod "$CW_KO" $args || fail "insmod, cycle $i"
	rm -f "$CW_OUT/d.out"
	cwnl -c "claim; begin; add analytics ip=198.51.100.10 ip=2001:db8:100::10; add push uid=1234; commit; echo ready; sleep 60000" \
		>"$CW_OUT/d.out" 2>&1 &
	d=$!
	j=0
	while ! grep -q '^ready' "$CW_OUT/d.out" 2>/dev/null; do
		j=$((j + 1))
		[ $j -lt 500 ] || fail "daemon not ready, cycle $i: $(cat "$CW_OUT/d.out")"
		kill -0 $d 2>/dev/null || fail "daemon exited, cycle $i: $(cat "$CW_OUT/d.out")"
		usleep 10000
	done
	# Every few cycles, a blocked send while the ruleset is in force.
	if [ $((i % 10)) = 1 ]; then
		r=$(probe_result udp 198.51.100.10 53 -s 10)
		[ "$r" = "$CW_BLOCK_ERRNO" ] || fail "cycle $i: blocked send gave $r"
	fi
	rmmod consentwall || fail "rmmod with the daemon attached, cycle $i"
	kill -9 $d 2>/dev/null
	wait $d 2>/dev/null || true
done
pass "$cycles unload/load cycles with a daemon attached"
insmod "$CW_KO" || fail "final insmod"
touch "$stop"
wait $bg
log "traffic: $(cat "$CW_OUT/f1") / $(cat "$CW_OUT/f2") / $(cat "$CW_OUT/f3")"
set -- $(cat "$CW_OUT/f2")
assert_gt "allowed connections went through" 0 "$4"
# A ruleset still commits after all this.
srv_tcp blocked 198.51.100.10 80
owner_std
expect_blocked_at blocked tcp 198.51.100.10 80
expect_allowed_at allowed tcp 198.51.100.11 80
dmesg_clean || fail "kernel log: $(dmesg | grep -m5 -E 'WARNING:|BUG:|Oops|KASAN|UBSAN|lockdep|kmemleak|Call Trace')"
pass "kernel log clean"
