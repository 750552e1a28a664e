# The generic netlink interface under a fuzzer (tests/tools/cwfuzz.c) while
# traffic flows and the handset's daemon is killed and restarted again and
# again. Three fuzzers at once:
#   - in a namespace of its own (fz), with every right: claim races, two
#     transactions at once, ADDs past every limit, malformed messages;
#   - in the handset namespace as root, never claiming: beside the daemon
#     nothing it sends may change anything;
#   - in the handset namespace as uid 1000 without CAP_NET_ADMIN.
# Every message the netlink core can parse must be answered, every
# malformed one refused; blocked traffic stays blocked throughout (the
# servers count zero), allowed traffic keeps flowing, the kernel log stays
# clean. The debug kernel runs the full size (100k messages in fz), the
# stock kernel a short one. A seed reproduces the messages: run
# `cwfuzz -s SEED ...` by hand (make run) with the seed printed below.
. /cw/guest/lib.sh
cw_require
case "$(uname -r)" in
*cwdebug*) n_full=100000 n_noclaim=20000 n_unpriv=10000 ;;
*) n_full=8000 n_noclaim=3000 n_unpriv=2000 ;;
esac
seed=${CW_FUZZ_SEED:-20261128}

# Small limits so that "past every limit" is reachable in a few messages
# (max_entries is global, max_memory_mb per ruleset).
cw_reload max_entries=3000
net_up
srv_udp denied 198.51.100.10 53
srv_tcp denied6 2001:db8:100::10 80
srv_tcp allowed 198.51.100.11 80
owner_std
owner_kill	# the ruleset stays; consent of everything is denied

stop=$CW_OUT/stop
cwprobe flood udp 198.51.100.10 53 -d 3600000 -i 5 -f "$stop" >"$CW_OUT/f1" &
bg="$!"
cwprobe flood tcp 2001:db8:100::10 80 -d 3600000 -i 10 -f "$stop" >"$CW_OUT/f2" &
bg="$bg $!"
cwprobe flood tcp 198.51.100.11 80 -d 3600000 -i 10 -f "$stop" >"$CW_OUT/f3" &
bg="$bg $!"

# The daemon: claims, keeps its socket a moment, is killed with SIGKILL,
# restarts. It never grants anything.
(
	while [ ! -f "$stop" ]; do
		cwnl -c 'claim; consent analytics 0; sleep 5000' >/dev/null 2>&1 &
		d=$!
		usleep 200000
		kill -9 $d 2>/dev/null
		wait $d 2>/dev/null || true
		echo restart >>"$CW_OUT/daemon"
	done
) &
daemon=$!

ip netns add fz
ip -n fz link set lo up
ip netns exec fz cwfuzz -s "$seed" -n "$n_full" -t 3 -m full \
	>"$CW_OUT/fz" 2>&1 &
p1=$!
cwfuzz -s $((seed + 1)) -n "$n_noclaim" -t 2 -m noclaim >"$CW_OUT/noclaim" 2>&1 &
p2=$!
setpriv --reuid=1000 --regid=1000 --clear-groups \
	cwfuzz -s $((seed + 2)) -n "$n_unpriv" -t 1 -m unpriv \
	>"$CW_OUT/unpriv" 2>&1 &
p3=$!
rc=0
wait $p1 || rc=1
wait $p2 || rc=$((rc | 2))
wait $p3 || rc=$((rc | 4))
touch "$stop"
wait $bg $daemon 2>/dev/null || true
for f in fz noclaim unpriv; do
	sed "s/^/# $f: /" "$CW_OUT/$f"
	# The counts on the console too: the rig shows a passing
	# scenario's output nowhere else.
	grep '^cwfuzz: \(sent\|rejected\)' "$CW_OUT/$f" |
		sed "s/^/# fuzz $f: /" >/dev/console || true
done
log "traffic: blocked udp: $(cat "$CW_OUT/f1"); blocked tcp6: $(cat "$CW_OUT/f2"); allowed tcp: $(cat "$CW_OUT/f3")"
log "daemon restarts: $(wc -l <"$CW_OUT/daemon")"
[ $((rc & 1)) = 0 ] || fail "cwfuzz full (namespace fz): $(grep -m3 FAIL "$CW_OUT/fz")"
pass "cwfuzz full: $(grep -m1 '^cwfuzz: sent' "$CW_OUT/fz")"
[ $((rc & 2)) = 0 ] || fail "cwfuzz noclaim: $(grep -m3 FAIL "$CW_OUT/noclaim")"
pass "cwfuzz noclaim: $(grep -m1 '^cwfuzz: sent' "$CW_OUT/noclaim")"
[ $((rc & 4)) = 0 ] || fail "cwfuzz unpriv: $(grep -m3 FAIL "$CW_OUT/unpriv")"
pass "cwfuzz unpriv: $(grep -m1 '^cwfuzz: sent' "$CW_OUT/unpriv")"

assert_eq "datagrams to the blocked host" 0 "$(srv_packets denied)"
assert_eq "connections to the blocked v6 host" 0 "$(srv_conns denied6)"
assert_gt "connections to the allowed host" 0 "$(srv_conns allowed)"
assert_gt "daemon restarts during the fuzzing" 2 "$(wc -l <"$CW_OUT/daemon")"
# The module still answers and still enforces.
assert_match "status after the fuzzing" '^generation [1-9]' "$(cwnl status)"
expect_blocked_at denied6 tcp 2001:db8:100::10 80
expect_blocked_at denied udp 198.51.100.10 53
expect_allowed_at allowed tcp 198.51.100.11 80
dmesg_clean || fail "kernel log: $(dmesg | grep -m5 -E 'WARNING:|BUG:|Oops|KASAN|UBSAN|lockdep|kmemleak|Call Trace')"
pass "kernel log clean"
