# Fail closed on names: a datagram to port 53 that is not a readable DNS
# query (a reserved label type, shorter than a header) is blocked while a
# purpose with domains is denied, and counted in names_failed, not in any
# purpose's counters and not as an event. The same bytes to another port
# are not DNS and go through; with every purpose allowed, nothing is
# parsed and they go through to port 53 too.
. /cw/guest/lib.sh
. /cw/guest/names.sh
cw_require
net_up
srv_udp d53 "$UNLISTED" 53
srv_udp d54 "$UNLISTED" 54
owner_names
f0=$(status_get counter names_failed)

# cwprobe fills a datagram with 'u' (0x75): the first label length byte
# has the reserved 0x40 bit set.
assert_eq "64 bytes of 'u' to port 53" ECONNREFUSED "$(probe_result udp "$UNLISTED" 53 -s 64)"
assert_eq "5 bytes to port 53 (no header)" ECONNREFUSED "$(probe_result udp "$UNLISTED" 53 -s 5)"
assert_eq "names_failed counter" 2 "$(( $(status_get counter names_failed) - f0 ))"
assert_eq "datagrams at port 53" 0 "$(srv_packets d53)"
assert_eq "purposes' blocked packets" "" \
	"$(cwnl stats | awk '$1 == "stats" { for (i = 3; i < NF; i++) if ($i == "blocked_packets" && $(i + 1) != 0) print $2 }')"
usleep 300000
assert_eq "events" "" "$(owner_events)"

assert_eq "the same bytes to port 54" OK "$(probe_result udp "$UNLISTED" 54 -s 64)"
assert_eq "datagrams at port 54" 1 "$(srv_packets d54)"

owner_ok consent push 1 >/dev/null
owner_ok consent analytics 1 >/dev/null
assert_eq "64 bytes of 'u' to port 53, all allowed" OK "$(probe_result udp "$UNLISTED" 53 -s 64)"
assert_eq "datagrams at port 53" 1 "$(srv_packets d53)"
assert_eq "names_failed counter unchanged" 2 "$(( $(status_get counter names_failed) - f0 ))"
owner_kill
