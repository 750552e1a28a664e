# UDP with block=drop: a blocked datagram never arrives, v4 and v6, by
# address, port and app; the sender is not told ECONNREFUSED (the reject
# of block=reject) but gets EPERM, which is what netfilter gives a local
# sender for any dropped packet (as iptables -j DROP does). Other
# datagrams on the same path arrive.
. /cw/guest/lib.sh
cw_require
cw_reload block=drop
net_up
srv_udp host 198.51.100.10 53
srv_udp host6 2001:db8:100::10 53
srv_udp port6 2001:db8:100::20 5050
srv_udp app 198.51.100.11 53
owner_std
assert_eq "block parameter" drop "$(cat /sys/module/consentwall/parameters/block)"

CW_BLOCK_ERRNO=EPERM
expect_blocked_at host udp 198.51.100.10 53
expect_blocked_at host6 udp 2001:db8:100::10 53
expect_blocked_at port6 udp 2001:db8:100::20 5050
expect_blocked_at app udp 198.51.100.11 53 -u 1234
# a flood too (200 ms of sendmmsg): not one datagram gets out
set -- $(cwbench udp 198.51.100.10 53 200)
assert_eq "flood with block=drop: datagrams sent" 0 "$6"
assert_eq "datagrams at the blocked host" 0 "$(srv_packets host)"

expect_allowed_at app udp 198.51.100.11 53 -u 1000
owner_ok consent analytics 1 >/dev/null
expect_allowed_at host udp 198.51.100.10 53
expect_allowed_at host6 udp 2001:db8:100::10 53
