# Every blocked attempt produces an event for the owner, and only for the
# owner: purpose, protocol, destination, port, uid.
. /cw/guest/lib.sh
cw_require
net_up
srv_tcp blocked 198.51.100.10 80
srv_udp blocked6 2001:db8:100::20 5050
srv_tcp control 198.51.100.11 80
owner_std
# A second admin socket, not the owner, listening too.
mkfifo "$CW_OUT/spy.in"
cwnl -i <"$CW_OUT/spy.in" >"$CW_OUT/spy.out" 2>&1 &
exec 8>"$CW_OUT/spy.in"

expect_blocked_at blocked tcp 198.51.100.10 80 -u 1000
expect_blocked_at blocked6 udp 2001:db8:100::20 5050
expect_allowed_at control tcp 198.51.100.11 80 -u 1000
i=0
while [ "$(owner_events | wc -l)" -lt 2 ] && [ $i -lt 100 ]; do
	usleep 20000
	i=$((i + 1))
done
ev=$(owner_events)
log "events: $ev"
tcp=$(echo "$ev" | grep ' addr 198\.51\.100\.10 ' | head -n1)
udp=$(echo "$ev" | grep ' addr 2001:db8:100::20 ' | head -n1)
assert_match "tcp event: purpose" ' purposes analytics( |$)' "$tcp"
assert_match "tcp event: family, protocol, port" ' family 2 proto 6 .*port 80( |$)' "$tcp"
assert_match "tcp event: uid" ' uid 1000( |$)' "$tcp"
assert_match "udp v6 event: purpose" ' purposes push( |$)' "$udp"
assert_match "udp v6 event: family, protocol, port" ' family 10 proto 17 .*port 5050( |$)' "$udp"
assert_nomatch "events at a non-owner socket" '^event' "$(cat "$CW_OUT/spy.out")"
assert_gt "events_sent counter" 1 "$(status_get counter events_sent)"

# A flood of one blocked flow: its attempts are folded into a few events
# that carry their count, and every attempt is accounted for, either in an
# event's count or in events_dropped.
blocked_of() {
	cwnl stats | awk -v p="$1" '$1 == "stats" && $2 == p {
		for (i = 3; i < NF; i++) if ($i == "blocked_packets") print $(i + 1) }'
}
b0=$(blocked_of analytics)
d0=$(status_get counter events_dropped)
t0=$(now_ms)
set -- $(cwbench udp 198.51.100.10 9 500)
t1=$(now_ms)
assert_eq "flood: nothing sent" 0 "$6"
assert_eq "flood: every call failed" "$4" "$8"
calls=$8
assert_gt "flood: attempts" 100 "$calls"
flood_events() { owner_events | grep ' addr 198\.51\.100\.10 port 9 ' || true; }
flood_sum() {
	flood_events | awk '{ for (i = 1; i < NF; i++) if ($i == "count") s += $(i + 1) } END { print s + 0 }'
}
# The last event leaves the ring 100 ms after it was queued.
i=0
while [ $(( $(flood_sum) + $(status_get counter events_dropped) - d0 )) -lt "$calls" ] &&
      [ $i -lt 150 ]; do
	usleep 20000
	i=$((i + 1))
done
assert_eq "flood: blocked packets counted" "$calls" "$(( $(blocked_of analytics) - b0 ))"
fl=$(flood_events)
n=$(echo "$fl" | grep -c .)
sum=$(flood_sum)
d1=$(status_get counter events_dropped)
log "flood: $calls attempts in $((t1 - t0)) ms, $n events, counts sum $sum, dropped $((d1 - d0))"
assert_eq "flood: counts + dropped = attempts" "$calls" "$((sum + d1 - d0))"
assert_gt "flood: events" 0 "$n"
# One event per 100 ms of flood at most, and slack for a slow guest: 15
# for the 500 ms asked, more if a starved guest made the flood longer.
assert_lt "flood: folded into few events" $(( (t1 - t0) / 100 + 10 )) "$n"
assert_match "flood: events carry a count above 1" ' count ([2-9]|[1-9][0-9]+)( |$)' "$fl"
