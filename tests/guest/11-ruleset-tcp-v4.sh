# A committed ruleset blocks a denied purpose over TCP/IPv4 for host,
# prefix and port-range entries, and lets everything else through.
. /cw/guest/lib.sh
cw_require
net_up
srv_tcp host 198.51.100.10 80
srv_tcp pfx_in 203.0.113.5 443
srv_tcp pfx_in2 203.0.113.127 443
srv_tcp pfx_out 203.0.113.200 443
srv_tcp other 198.51.100.11 80
srv_tcp p5000 198.51.100.20 5000
srv_tcp p5050 198.51.100.20 5050
srv_tcp p5100 198.51.100.20 5100
srv_tcp p4999 198.51.100.20 4999
srv_tcp p5101 198.51.100.20 5101
owner_std
assert_eq "status configured" 1 "$(status_get configured)"

expect_blocked tcp 198.51.100.10 80
expect_blocked tcp 203.0.113.5 443
expect_blocked tcp 203.0.113.127 443
expect_blocked tcp 198.51.100.20 5000
expect_blocked tcp 198.51.100.20 5050
expect_blocked tcp 198.51.100.20 5100
expect_allowed tcp 203.0.113.200 443
expect_allowed tcp 198.51.100.11 80
expect_allowed tcp 198.51.100.20 4999
expect_allowed tcp 198.51.100.20 5101

for s in host pfx_in pfx_in2 p5000 p5050 p5100; do
	assert_eq "$s: connections at the server" 0 "$(srv_conns $s)"
done
for s in pfx_out other p4999 p5101; do
	assert_eq "$s: bytes at the server" 100 "$(srv_bytes $s)"
done
