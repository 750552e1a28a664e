# Section 8 of make bench (issue 12), sourced by 90-bench.sh: what QUIC
# costs per datagram in a namespace whose ruleset has a denied name (the
# cw namespace with the rules of level 1000d), against the same in base,
# every class a 1200-byte datagram to 198.51.100.11:443 (the dummy device):
#   plain    zeros: no QUIC at all (the fixed bit is clear), the baseline
#   initial  a real client Initial (ngtcp2, SNI www.example.org: unlisted),
#            each one read whole: keys derived from its destination ID
#            (HKDF-SHA256), header protection removed (AES-ECB), payload
#            decrypted (AES-128-GCM), CRYPTO frames and ClientHello parsed,
#            the flow remembered
#   known    a short header (1-RTT) of a connection whose Initial was read
#            (its flow is remembered: looked up and found)
#   unknown  a short header of a connection never seen (looked up, missed)
# A ClientHello whole in its Initial takes no slot of the namespace's QUIC
# table (quic_flows.c), so each measured Initial is read from scratch, as
# a new connection's is.
Q_DST=198.51.100.11
Q_KNOWN_PORT=40443

# q_run NS CLASS REP FILE [SPORT]: one measurement
q_run() {
	local r
	r=$(ip netns exec "$1" cwbench udp "$Q_DST" 443 "$MS" 32 "$4" ${5:+"$5"}) ||
		fail "cwbench udp $2 in $1: $r"
	# pps N attempts N sent N failed N errno NAME
	set -- "$1" "$2" "$3" $r
	[ "${11}" = 0 ] || fail "quic $2 in $1: $r (a send failed: not measured)"
	out "quic $2 $1 $3 $5"
}

# q_once NS FILE [SPORT]: a few datagrams, the rate ignored
q_once() {
	ip netns exec "$1" cwbench udp "$Q_DST" 443 1 1 "$2" ${3:+"$3"} >/dev/null ||
		fail "cwbench udp once in $1"
}

bench_quic() {
	local cap=/cw/captures/quic-v1-ngtcp2-example.bin size i ns f0 f1 m0 m1
	[ -f "$cap" ] || fail "no capture $cap"
	size=$(stat -c %s "$cap")
	head -c "$size" /dev/zero >"$W/q-plain.bin"
	{ printf '\101'; head -c $((size - 1)) /dev/zero; } >"$W/q-short.bin"
	rules_cw 1000d
	ctl reload >/dev/null || fail "reload to 1000d for quic"
	st() { ip netns exec cw cwnl status | awk -v c="$1" '$1 == "counter" && $2 == c { print $3 }'; }
	f0=$(st names_failed)
	m0=$(st flows_remembered)
	# the known connection, and a memory that is not empty from the start
	q_once cw "$cap" $Q_KNOWN_PORT
	i=0
	while [ $i -lt "$REPS" ]; do
		i=$((i + 1))
		for ns in base cw; do
			q_run $ns plain $i "$W/q-plain.bin"
			q_run $ns initial $i "$cap"
			q_once $ns "$cap" $Q_KNOWN_PORT
			q_run $ns known $i "$W/q-short.bin" $Q_KNOWN_PORT
			q_run $ns unknown $i "$W/q-short.bin"
		done
	done
	f1=$(st names_failed)
	m1=$(st flows_remembered)
	# Each Initial was read (its name found and the flow remembered), none
	# failed: the figures are those of the whole parse, not of a shortcut.
	[ "$f1" = "$f0" ] || fail "quic: $((f1 - f0)) Initials failed to be read"
	[ $((m1 - m0)) -ge $((REPS + 1)) ] ||
		fail "quic: only $((m1 - m0)) QUIC flows remembered, expected $((REPS + 1))"
	out "quicmem remembered=$((m1 - m0)) names_failed=$((f1 - f0))"
}
