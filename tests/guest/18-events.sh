# Every blocked attempt produces an event for the owner, and only for the
# owner: purpose, protocol, destination, port, uid.
. /cw/guest/lib.sh
cw_require
net_up
owner_start
rules_std
# A second admin socket, not the owner, listening too.
mkfifo "$CW_OUT/spy.in"
cwnl -i <"$CW_OUT/spy.in" >"$CW_OUT/spy.out" 2>&1 &
exec 8>"$CW_OUT/spy.in"

expect_blocked tcp 198.51.100.10 80 -u 1000
expect_blocked udp 2001:db8:100::20 5050
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
