# The parameters that README says can change at run time do, in
# /sys/module/consentwall/parameters, with the next packet: unconfigured
# (block/accept before the first commit), block (reject/drop), event_rate
# (events per second past the burst of 128). A bad value is refused and
# changes nothing.
. /cw/guest/lib.sh
cw_require
P=/sys/module/consentwall/parameters
net_up
srv_tcp host 198.51.100.10 80
srv_tcp other 198.51.100.11 80
srv_udp flood 198.51.100.10 1000

# bad_write PARAM VALUE: refused, the value stays
bad_write() {
	local old
	old=$(cat $P/$1)
	! echo "$2" 2>/dev/null >$P/$1 || fail "$1 took '$2'"
	assert_eq "$1 after writing '$2'" "$old" "$(cat $P/$1)"
}
bad_write unconfigured maybe
bad_write block bounce
bad_write event_rate -1
bad_write event_rate many

# unconfigured
expect_blocked_at other tcp 198.51.100.11 80
echo accept >$P/unconfigured
expect_allowed_at other tcp 198.51.100.11 80
echo block >$P/unconfigured
expect_blocked_at other tcp 198.51.100.11 80

owner_std

# block: reject (ECONNREFUSED at once), drop (the connect times out),
# reject again
expect_blocked_at host tcp 198.51.100.10 80
echo drop >$P/block
r=$(probe tcp 198.51.100.10 80 -t 1500)
assert_eq "block=drop at run time: connect" ETIMEDOUT "${r%% *}"
assert_eq "block=drop at run time: connections" 0 "$(srv_conns host)"
echo reject >$P/block
expect_blocked_at host tcp 198.51.100.10 80
expect_allowed_at other tcp 198.51.100.11 80

# event_rate 0: the burst of 128 events, then every attempt is dropped
# (and counted); attempts on ports that change each time are never folded.
events_to() { owner_events | grep -c " addr 198\.51\.100\.10 port $1" || true; }
nev() { owner_events | grep -c ' addr 198\.51\.100\.10 port [0-9]' || true; }
echo 0 >$P/event_rate
e0=$(nev)
d0=$(status_get counter events_dropped)
set -- $(cwprobe flood udp 198.51.100.10 1000 -d 1500 -i 1 -P 1000)
attempts=$2
assert_gt "attempts" 140 "$attempts"
i=0
while [ $(( $(nev) - e0 + $(status_get counter events_dropped) - d0 )) -lt "$attempts" ] &&
      [ $i -lt 150 ]; do
	usleep 20000
	i=$((i + 1))
done
ev=$(( $(nev) - e0 ))
dr=$(( $(status_get counter events_dropped) - d0 ))
log "event_rate=0: $attempts attempts, $ev events, $dr dropped"
assert_lt "event_rate=0: events at most the burst" 129 "$ev"
assert_eq "event_rate=0: events + dropped = attempts" "$attempts" $((ev + dr))
assert_eq "datagrams that arrived" 0 "$(srv_packets flood)"
# ... and a high rate refills the bucket: events again.
echo 100000 >$P/event_rate
sleep 1
e1=$(nev)
probe udp 198.51.100.10 999 >/dev/null
i=0
while [ "$(nev)" = "$e1" ] && [ $i -lt 100 ]; do
	usleep 20000
	i=$((i + 1))
done
assert_eq "event_rate=100000: an event again" $((e1 + 1)) "$(nev)"
