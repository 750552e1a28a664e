# The same over UDP/IPv4: host and prefix entries block, a port range
# that names tcp does not catch udp.
. /cw/guest/lib.sh
cw_require
net_up
srv_udp host 198.51.100.10 53
srv_udp pfx 203.0.113.9 53
srv_udp pfx_out 203.0.113.128 53
srv_udp other 198.51.100.11 53
srv_udp tcponly 198.51.100.20 5050
owner_std

expect_blocked udp 198.51.100.10 53
expect_blocked udp 203.0.113.9 53
expect_allowed udp 203.0.113.128 53
expect_allowed udp 198.51.100.11 53
expect_allowed udp 198.51.100.20 5050
sleep 0.2
assert_eq "host: datagrams at the server" 0 "$(srv_packets host)"
assert_eq "prefix: datagrams at the server" 0 "$(srv_packets pfx)"
assert_eq "outside the prefix: bytes" 100 "$(srv_bytes pfx_out)"
assert_eq "unlisted host: bytes" 100 "$(srv_bytes other)"
assert_eq "tcp-only port range, udp: bytes" 100 "$(srv_bytes tcponly)"
