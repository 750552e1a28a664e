# Fail closed: from load until the first commit, the handset's namespace
# sends nothing but loopback and DHCP; unconfigured=accept turns that off.
. /cw/guest/lib.sh
cw_require
net_up
srv_unlisted
SRV_NS= srv_tcp lo4 127.0.0.1 7000
SRV_NS= srv_tcp lo6 ::1 7000

assert_eq "status policed" 1 "$(status_get policed)"
assert_eq "status configured" 0 "$(status_get configured)"
expect_blocked tcp 198.51.100.11 80
expect_blocked udp 198.51.100.11 53
expect_blocked tcp 2001:db8:100::11 80
assert_eq "bytes that reached the tcp server" 0 "$(srv_bytes web)"
assert_eq "connections that reached the tcp server" 0 "$(srv_conns web)"
assert_eq "datagrams that reached the udp server" 0 "$(srv_packets dns)"
assert_eq "bytes that reached the v6 server" 0 "$(srv_bytes web6)"
assert_gt "unconfigured_blocked counter" 0 "$(status_get counter unconfigured_blocked)"

# DHCP is exempt so that a handset can get an address before consentd
# runs: by its ports (68 -> 67, 546 -> 547), not by its address.
srv_udp dhcp 198.51.100.11 67
srv_udp dhcp6 2001:db8:100::11 547
dhcp_send() { echo discover | socat -u - "$1,sourceport=$2" 2>"$CW_OUT/socat.err"; }
dhcp_send UDP4-SENDTO:198.51.100.11:67 68 || fail "dhcp 68 -> 67: $(cat "$CW_OUT/socat.err")"
dhcp_send UDP6-SENDTO:[2001:db8:100::11]:547 546 || fail "dhcpv6 546 -> 547: $(cat "$CW_OUT/socat.err")"
! dhcp_send UDP4-SENDTO:198.51.100.11:67 69 || fail "69 -> 67 was sent"
assert_match "69 -> 67 refused" 'Connection refused' "$(cat "$CW_OUT/socat.err")"
! dhcp_send UDP6-SENDTO:[2001:db8:100::11]:547 547 || fail "547 -> 547 was sent"
sleep 0.2
assert_eq "dhcp datagrams that reached port 67" 1 "$(srv_packets dhcp)"
assert_eq "dhcpv6 datagrams that reached port 547" 1 "$(srv_packets dhcp6)"

# Loopback is never policed.
expect_allowed tcp 127.0.0.1 7000
expect_allowed tcp ::1 7000
assert_eq "loopback v4 bytes" 100 "$(srv_bytes lo4)"
assert_eq "loopback v6 bytes" 100 "$(srv_bytes lo6)"

# unconfigured=accept: the same traffic flows before any commit.
cw_reload unconfigured=accept
expect_allowed tcp 198.51.100.11 80
expect_allowed udp 198.51.100.11 53
expect_allowed tcp 2001:db8:100::11 80
sleep 0.2
assert_eq "tcp bytes with unconfigured=accept" 100 "$(srv_bytes web)"
assert_eq "udp bytes with unconfigured=accept" 100 "$(srv_bytes dns)"
assert_eq "v6 bytes with unconfigured=accept" 100 "$(srv_bytes web6)"
assert_eq "status configured" 0 "$(status_get configured)"
