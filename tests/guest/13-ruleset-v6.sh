# IPv6, TCP and UDP: host, prefix and port-range entries.
. /cw/guest/lib.sh
cw_require
net_up
srv_tcp host 2001:db8:100::10 80
srv_udp hostu 2001:db8:100::10 53
srv_tcp pfx 2001:db8:200:ffff::1 443
srv_tcp pfx_out 2001:db8:201::1 443
srv_udp range 2001:db8:100::20 5050
srv_tcp range_tcp 2001:db8:100::20 5050
srv_udp range_out 2001:db8:100::20 6000
srv_tcp other 2001:db8:100::11 80
owner_std

expect_blocked tcp 2001:db8:100::10 80
expect_blocked udp 2001:db8:100::10 53
expect_blocked tcp 2001:db8:200:ffff::1 443
expect_blocked udp 2001:db8:100::20 5050
expect_allowed tcp 2001:db8:201::1 443
expect_allowed tcp 2001:db8:100::20 5050
expect_allowed udp 2001:db8:100::20 6000
expect_allowed tcp 2001:db8:100::11 80
sleep 0.2
for s in host pfx; do
	assert_eq "$s: connections at the server" 0 "$(srv_conns $s)"
done
for s in hostu range; do
	assert_eq "$s: datagrams at the server" 0 "$(srv_packets $s)"
done
for s in pfx_out range_tcp range_out other; do
	assert_eq "$s: bytes at the server" 100 "$(srv_bytes $s)"
done

# Behind an IPv6 extension header (Destination Options) the transport
# header is still found: the udp 5000-5100 entry blocks port 5050, and
# port 6000 on the same host, with the same header, gets through.
expect_blocked udp 2001:db8:100::20 5050 -x dst
expect_allowed udp 2001:db8:100::20 6000 -x dst
sleep 0.2
assert_eq "range: datagrams with an extension header at the server" 0 "$(srv_packets range)"
assert_eq "range_out: bytes with an extension header at the server" 200 "$(srv_bytes range_out)"
