# Unconfigured (the handset before consentd's first commit), IPv6 may
# still do what it needs to get an address: router solicitation,
# neighbour solicitation and advertisement, MLDv2 reports. An echo request
# on the same link is blocked until unconfigured=accept. Counted where
# they arrive: nftables ingress counters on inet's ends of the links.
. /cw/guest/lib.sh
cw_require
net_up
modprobe crc32c_generic
modprobe nf_tables || fail "modprobe nf_tables"
# A second link, brought up below: its DAD, MLD and RS are the tests.
ip link add cw1 type veth peer name inet2
ip link set inet2 netns inet
ip -n inet link set inet2 up
sysctl -qw net.ipv6.conf.cw1.accept_ra=1 net.ipv6.conf.cw1.router_solicitations=3
inet nft -f - <<'NFT' || fail "nft ruleset in inet"
table netdev cwt {
	chain link2 {
		type filter hook ingress device inet2 priority 0;
		icmpv6 type nd-router-solicit counter comment "rs"
		icmpv6 type nd-neighbor-solicit counter comment "ns"
		icmpv6 type mld2-listener-report counter comment "mld"
	}
	chain link0 {
		type filter hook ingress device inet0 priority 0;
		icmpv6 type nd-neighbor-advert counter comment "na"
		icmpv6 type echo-request counter comment "echo"
	}
}
NFT
# seen NAME: packets counted by the rule with comment NAME
seen() {
	inet nft list table netdev cwt | awk -v c="\"$1\"" '$NF == c {
		for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }'
}
assert_eq "status configured" 0 "$(status_get configured)"

# Link up: DAD's neighbour solicitation, MLDv2 reports, then (after DAD
# and the solicitation delay) router solicitations.
ip link set cw1 up
i=0
until [ "$(seen rs)" -gt 0 ] || [ $i -ge 100 ]; do
	usleep 100000
	i=$((i + 1))
done
assert_gt "router solicitations that arrived" 0 "$(seen rs)"
assert_gt "neighbour solicitations (DAD) that arrived" 0 "$(seen ns)"
assert_gt "MLDv2 reports that arrived" 0 "$(seen mld)"

# inet asks for the handset's address: the handset's advertisement goes.
ip -n inet -6 neigh flush dev inet0
inet ping6 -c1 -W1 2001:db8:1::1 >/dev/null 2>&1 || true
assert_gt "neighbour advertisements that arrived" 0 "$(seen na)"

# The control on the same link: an echo request is blocked...
ping6 -c1 -W1 2001:db8:1::254 >/dev/null 2>&1 && fail "echo request answered while unconfigured"
assert_eq "echo requests that arrived while unconfigured" 0 "$(seen echo)"
assert_gt "unconfigured_blocked counter" 0 "$(status_get counter unconfigured_blocked)"
# ... and goes once unconfigured=accept (at run time).
echo accept >/sys/module/consentwall/parameters/unconfigured
ping6 -c1 -W2 2001:db8:1::254 >/dev/null 2>&1 || fail "echo request failed with unconfigured=accept"
assert_eq "echo requests that arrived with unconfigured=accept" 1 "$(seen echo)"
inet nft delete table netdev cwt
