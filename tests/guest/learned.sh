# Helpers of the learned-address scenarios (85, 86), sourced after lib.sh
# and names.sh: dnsmasq (a real DNS server) in inet on DNS_ADDR, with a
# CNAME chain for a listed name and names of our own choosing.
#
# api.push.xiaomi.net  CNAME mid.cdn.example.net  CNAME edge.cdn.example.net
# edge.cdn.example.net A 198.51.100.21, AAAA 2001:db8:100::21 (TTL 300)
# short.push.xiaomi.net A 198.51.100.22 (TTL 1: the module keeps it 5 s)
# tcp.push.xiaomi.net  A 198.51.100.23 (asked over TCP)
# www.example.org      A 198.51.100.11 (unlisted: the control)
# plus the lines of $CW_OUT/extra.hosts, if any (TTL 300)
# A blocked client must fail well before its timeout (FAST_MS, names.sh).
# On the debug kernel (KASAN, lockdep, kmemleak) curl alone takes seconds
# to start (7.2 s measured for a reset one), so there only its exit status
# (a reset, not 28, the timeout) tells a fast failure from a timeout; its
# point is the sanitizers. The stock kernel keeps the bound.
case $(uname -r) in
*cwdebug*) FAST_MS=$((CW_CLIENT_TIMEOUT * 1000 + 10000)) ;;
esac
EDGE4=198.51.100.21
EDGE6=2001:db8:100::21
SHORT4=198.51.100.22
TCP4=198.51.100.23
CTL4=198.51.100.11

# dnsmasq_start: dnsmasq in inet, and the handset's resolver pointed at it.
dnsmasq_start() {
	local i=0
	touch "$CW_OUT/extra.hosts"
	inet ip addr add "$DNS_ADDR/32" dev lo 2>/dev/null || true
	inet dnsmasq --keep-in-foreground --no-resolv --no-hosts --user=root \
		--listen-address="$DNS_ADDR" --bind-interfaces --port=53 \
		--pid-file= --log-queries --log-facility="$CW_OUT/dnsmasq.log" \
		--local-ttl=300 --addn-hosts="$CW_OUT/extra.hosts" \
		--host-record=edge.cdn.example.net,$EDGE4,$EDGE6,300 \
		--cname=api.push.xiaomi.net,mid.cdn.example.net,60 \
		--cname=mid.cdn.example.net,edge.cdn.example.net,30 \
		--host-record=short.push.xiaomi.net,$SHORT4,1 \
		--host-record=tcp.push.xiaomi.net,$TCP4,300 \
		--host-record=www.example.org,$CTL4,300 \
		>"$CW_OUT/dnsmasq.err" 2>&1 &
	until inet dig +short +tries=1 +time=1 "@$DNS_ADDR" www.example.org A \
		2>/dev/null | grep -q "^$CTL4\$"; do
		i=$((i + 1))
		[ $i -lt 50 ] || fail "dnsmasq did not answer: $(cat "$CW_OUT/dnsmasq.err")"
		usleep 100000
	done
	printf 'nameserver %s\noptions timeout:2 attempts:1\n' "$DNS_ADDR" \
		>/etc/resolv.conf
}

# resolve NAME TYPE [dig options]: dig on the handset; prints the answer's
# last record (the address at the end of the chain)
resolve() {
	local n=$1 t=$2
	shift 2
	dig +short +tries=1 +time=2 "@$DNS_ADDR" "$@" "$n" "$t" | tail -n1
}

# learned_of ADDR [PROTO PORT]: "<verdict> <learned name or ->" from explain
learned_of() {
	cwnl explain "${2:-tcp}" "$1" "${3:-5222}" | awk '
		$1 == "verdict" { v = $2 } $1 == "learned_name" { n = $2 }
		END { print v, (n == "" ? "-" : n) }'
}
