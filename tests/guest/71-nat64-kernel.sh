# NAT64 (issue 13): IPv4 entries match their RFC 6052 embeddings under
# 64:ff9b::/96 always and under the prefixes of CW_CMD_SET_NAT64; a prefix
# that is withdrawn stops matching. TCP and UDP, each blocked probe with a
# counting server and a control on the same path.
. /cw/guest/lib.sh
cw_require
net_up
# "The internet" answers for the well-known prefix and a network's /48.
inet ip -6 route add local 64:ff9b::/96 dev lo
inet ip -6 route add local 2001:db8:122::/48 dev lo
srv_tcp push 64:ff9b::c633:641e 5222		# 198.51.100.30
srv_udp pushu 64:ff9b::c633:641e 5222
srv_tcp other 64:ff9b::c633:641f 5222		# 198.51.100.31: unlisted
srv_udp otheru 64:ff9b::c633:641f 5222
srv_tcp port 64:ff9b::c633:641e 5223		# listed host, other port
srv_tcp n48 2001:db8:122:c633:64:1e00:: 5222	# 198.51.100.30 under /48
owner_start
owner_ok claim >/dev/null
owner_ok begin >/dev/null
owner_ok add push ip=198.51.100.30,tcp,5222 ip=198.51.100.30,udp,5222 >/dev/null
owner_ok commit >/dev/null

expect_blocked tcp 64:ff9b::c633:641e 5222
expect_blocked udp 64:ff9b::c633:641e 5222
expect_allowed tcp 64:ff9b::c633:641f 5222
expect_allowed udp 64:ff9b::c633:641f 5222
expect_allowed tcp 64:ff9b::c633:641e 5223
# Not a configured prefix yet: the /48 form passes.
expect_allowed tcp 2001:db8:122:c633:64:1e00:: 5222
sleep 0.2
assert_eq "no connection to 64:ff9b::198.51.100.30 tcp 5222" 0 "$(srv_conns push)"
assert_eq "no datagram to it on udp 5222" 0 "$(srv_packets pushu)"
assert_eq "the unlisted host got its bytes" 100 "$(srv_bytes other)"
assert_eq "and its datagram" 1 "$(srv_packets otheru)"
assert_eq "the other port got its bytes" 100 "$(srv_bytes port)"
assert_eq "the /48 form, before its prefix, got its bytes" 100 "$(srv_bytes n48)"

out=$(cwnl explain tcp 64:ff9b::c633:641e 5222)
assert_match "explain: blocked" '^verdict block' "$out"
assert_match "explain: the IPv4 address that matched" '^nat64 addr 198.51.100.30$' "$out"
assert_match "explain: under the well-known prefix" '^nat64_prefix 64:ff9b::/96$' "$out"
out=$(cwnl explain tcp 64:ff9b::c633:641f 5222)
assert_nomatch "explain of the unlisted host: no NAT64 match" '^nat64' "$out"

# A network's prefix: the /48 form is blocked, until the prefix goes.
owner_ok nat64 2001:db8:122::/48 >/dev/null
assert_match "status lists the prefix" '^nat64_prefix 2001:db8:122::/48$' "$(cwnl status)"
expect_blocked tcp 2001:db8:122:c633:64:1e00:: 5222
out=$(cwnl explain tcp 2001:db8:122:c633:64:1e00:: 5222)
assert_match "explain: under the /48" '^nat64_prefix 2001:db8:122::/48$' "$out"

# Bad input changes nothing: a length RFC 6052 does not have, host bits,
# nine prefixes, another socket.
out=$(owner nat64 2001:db8:122::/33) && fail "a /33 accepted"
assert_match "a /33 is refused" 'error EINVAL: .*RFC 6052' "$out"
out=$(owner nat64 2001:db8:122::1/96) && fail "host bits accepted"
assert_match "bits past the length are refused" 'error EINVAL' "$out"
out=$(owner nat64 2001:db8:1::/48 2001:db8:2::/48 2001:db8:3::/48 2001:db8:4::/48 2001:db8:5::/48 2001:db8:6::/48 2001:db8:7::/48 2001:db8:8::/48 2001:db8:9::/48) &&
	fail "nine prefixes accepted"
assert_match "nine prefixes are too many" 'error E2BIG' "$out"
out=$(cwnl nat64) && fail "a non-owner cleared the prefixes"
assert_match "another socket may not" 'error EBUSY' "$out"
out=$(setpriv --reuid=1000 --regid=1000 --clear-groups cwnl nat64) &&
	fail "an unprivileged user cleared the prefixes"
assert_match "nor an unprivileged user" 'error EPERM' "$out"
expect_blocked tcp 2001:db8:122:c633:64:1e00:: 5222

# The prefix goes away: its form passes again, the well-known stays.
owner_ok nat64 >/dev/null
assert_nomatch "status: no prefix" '^nat64_prefix' "$(cwnl status)"
expect_allowed tcp 2001:db8:122:c633:64:1e00:: 5222
expect_blocked tcp 64:ff9b::c633:641e 5222
sleep 0.2
assert_eq "two connections under the /48: before and after the prefix" 2 "$(srv_conns n48)"
assert_eq "still none to the well-known form" 0 "$(srv_conns push)"

# The prefixes are the network's: a new ruleset keeps them.
owner_ok nat64 2001:db8:122::/48 >/dev/null
owner_ok begin >/dev/null
owner_ok add push ip=198.51.100.30,tcp,5222 >/dev/null
owner_ok commit >/dev/null
expect_blocked tcp 2001:db8:122:c633:64:1e00:: 5222
dmesg_clean || fail "kernel warnings: $(dmesg | tail -n 20)"
