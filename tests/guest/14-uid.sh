# An app entry (uid 1234) blocks everything that app sends, and nothing
# that other apps send to the same endpoint.
. /cw/guest/lib.sh
cw_require
net_up
srv_unlisted
owner_std

expect_blocked tcp 198.51.100.11 80 -u 1234
expect_blocked udp 198.51.100.11 53 -u 1234
expect_blocked tcp 2001:db8:100::11 80 -u 1234
assert_eq "bytes from uid 1234" 0 "$(srv_bytes web)"
assert_eq "datagrams from uid 1234" 0 "$(srv_packets dns)"
assert_eq "v6 bytes from uid 1234" 0 "$(srv_bytes web6)"

expect_allowed tcp 198.51.100.11 80 -u 1000
expect_allowed udp 198.51.100.11 53 -u 1000
expect_allowed tcp 2001:db8:100::11 80
sleep 0.2
assert_eq "bytes from uid 1000" 100 "$(srv_bytes web)"
assert_eq "datagrams from uid 1000" 100 "$(srv_bytes dns)"
assert_eq "v6 bytes from root" 100 "$(srv_bytes web6)"
