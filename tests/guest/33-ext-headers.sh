# Port rules hold behind extra headers: IPv6 hop-by-hop and destination
# options before TCP and UDP, IPv4 options (record route) before TCP and
# UDP. A listed port is blocked, the next port with the same headers is
# not; nftables counters in inet prove the headers were on the wire.
. /cw/guest/lib.sh
cw_require
net_up
modprobe crc32c_generic
modprobe nf_tables || fail "modprobe nf_tables"
inet nft -f - <<'NFT' || fail "nft ruleset in inet"
table inet cwt {
	chain in {
		type filter hook input priority 0;
		exthdr hbh exists counter comment "hbh"
		exthdr dst exists counter comment "dst"
		ip option rr exists counter comment "rr"
	}
}
NFT
# seen NAME: packets counted by the rule with comment NAME
seen() {
	inet nft list table inet cwt | awk -v c="\"$1\"" '$NF == c {
		for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }'
}

for a in 198.51.100.20 2001:db8:100::20; do
	n=${a%%.*}; n=${n%%:*}
	srv_tcp t$n-in $a 5050
	srv_tcp t$n-out $a 6000
	srv_udp u$n-in $a 5050
	srv_udp u$n-out $a 6000
done
owner_start
owner_ok claim >/dev/null
owner_ok begin >/dev/null
owner_ok add push desc=Push ip=198.51.100.20,tcp,5000-5100 ip=198.51.100.20,udp,5000-5100 \
	ip=2001:db8:100::20,tcp,5000-5100 ip=2001:db8:100::20,udp,5000-5100 >/dev/null
owner_ok commit >/dev/null

# Without extra headers first: the rules are what the rest expects.
expect_blocked_at t198-in tcp 198.51.100.20 5050
expect_allowed_at t198-out tcp 198.51.100.20 6000

for x in hbh dst hbh,dst; do
	h0=$(seen hbh) d0=$(seen dst)
	expect_blocked_at t2001-in tcp 2001:db8:100::20 5050 -x $x
	expect_blocked_at u2001-in udp 2001:db8:100::20 5050 -x $x
	expect_allowed_at t2001-out tcp 2001:db8:100::20 6000 -x $x
	expect_allowed_at u2001-out udp 2001:db8:100::20 6000 -x $x
	case $x in *hbh*) assert_gt "-x $x: hop-by-hop headers seen in inet" "$h0" "$(seen hbh)" ;; esac
	case $x in *dst*) assert_gt "-x $x: destination options seen in inet" "$d0" "$(seen dst)" ;; esac
done

r0=$(seen rr)
expect_blocked_at t198-in tcp 198.51.100.20 5050 -x ipopt
expect_blocked_at u198-in udp 198.51.100.20 5050 -x ipopt
expect_allowed_at t198-out tcp 198.51.100.20 6000 -x ipopt
expect_allowed_at u198-out udp 198.51.100.20 6000 -x ipopt
assert_gt "IPv4 options seen in inet" "$r0" "$(seen rr)"
inet nft delete table inet cwt
