# 1000 ruleset swaps under continuous traffic: not one datagram or
# connection reaches the denied endpoint, and allowed traffic never fails
# (every packet saw the old or the new ruleset, never none).
. /cw/guest/lib.sh
cw_require
net_up
srv_udp denied 198.51.100.10 53
srv_tcp denied_tcp 198.51.100.10 80
srv_udp allowed 198.51.100.11 53
srv_tcp allowed_tcp 198.51.100.11 80
owner_std

stop=$CW_OUT/stop
cwprobe flood udp 198.51.100.10 53 -d 600000 -i 1 -f "$stop" >"$CW_OUT/f1" &
floods="$floods $!"
cwprobe flood tcp 198.51.100.10 80 -d 600000 -i 5 -f "$stop" >"$CW_OUT/f2" &
floods="$floods $!"
cwprobe flood udp 198.51.100.11 53 -d 600000 -i 1 -f "$stop" >"$CW_OUT/f3" &
floods="$floods $!"
cwprobe flood tcp 198.51.100.11 80 -d 600000 -i 5 -f "$stop" >"$CW_OUT/f4" &
floods="$floods $!"
sleep 1
before=$(srv_packets allowed)
t0=$(now_ms)
owner_ok swap 1000 analytics $STD_RULES_ANALYTICS
log "1000 swaps took $(( $(now_ms) - t0 )) ms"
during=$(( $(srv_packets allowed) - before ))
touch "$stop"
wait $floods
log "denied udp: $(cat "$CW_OUT/f1")"
log "denied tcp: $(cat "$CW_OUT/f2")"
log "allowed udp: $(cat "$CW_OUT/f3")"
log "allowed tcp: $(cat "$CW_OUT/f4")"

assert_eq "datagrams at the denied endpoint" 0 "$(srv_packets denied)"
assert_eq "connections at the denied endpoint" 0 "$(srv_conns denied_tcp)"
assert_gt "allowed datagrams during the swaps" 0 "$during"
assert_match "denied udp sends all failed" '^attempts [0-9]+ ok 0 ' "$(cat "$CW_OUT/f1")"
assert_match "denied tcp connects all failed" '^attempts [0-9]+ ok 0 ' "$(cat "$CW_OUT/f2")"
assert_match "allowed udp sends never failed" ' fail 0 ' "$(cat "$CW_OUT/f3")"
assert_match "allowed tcp connects never failed" ' fail 0 ' "$(cat "$CW_OUT/f4")"
assert_gt "commits counter" 1000 "$(status_get counter commits)"
