# QUIC: a client Initial's SNI is read on any UDP port. With the real
# ngtcp2 client and server (HTTP/3 GET of /index.html), to an address no
# rule lists: a listed name is refused at the client's first send and the
# server receives nothing; an unlisted name gets its page; consent lets the
# listed one through. A v2 Initial and a ClientHello shuffled over three
# Initials (tests/captures/quic-built-*, built from ngtcp2 captures) are
# caught, and their unlisted twins reach a counting server. An Initial of
# a version that cannot be read, while a name is denied, fails closed and
# is counted in names_failed; short-header packets pass untouched. A split
# ClientHello sent as one GSO skb is read whole; one UID's half
# ClientHellos cannot take another's room; 20 connections at once all work.
. /cw/guest/lib.sh
. /cw/guest/names.sh
cw_require
quic_or_skip
net_up
owner_start
rules_names
CAP=/cw/captures
quic_start "$UNLISTED" push.xiaomi.net www.example.org

b=$(srv_rx)
set -- $(get www.example.org)
assert_eq "unlisted name over QUIC: client exit" 0 "$1"
assert_eq "unlisted name over QUIC: the page" "hello over quic" "$(got_page)"
assert_gt "unlisted name: the server got its packets" "$b" "$(srv_rx)"

f0=$(status_get counter names_failed)
b=$(srv_rx_settled)
set -- $(get push.xiaomi.net)
[ "$1" != 0 ] && [ "$1" != 124 ] ||
	fail "listed name over QUIC: client exit $1 ($(tr '\n' ' ' <"$CW_OUT/timed.out"))"
assert_lt "listed name over QUIC: client failed in ms" "$FAST_MS" "$2"
assert_eq "listed name over QUIC: no page" "" "$(got_page)"
usleep 300000
assert_eq "listed name over QUIC: datagrams at the server" "$b" "$(srv_rx)"
wait_event ' name push\.xiaomi\.net( |$)'
assert_eq "a denied name is not a failure to read" 0 \
	"$(( $(status_get counter names_failed) - f0 ))"

# send_dgrams PORT SPORT FILE...: each file as one datagram from one local
# port (so they are one flow); prints how many sends failed
send_dgrams() {
	local port=$1 sport=$2 bad=0
	shift 2
	for f in "$@"; do
		socat -u OPEN:"$f" UDP-SENDTO:$UNLISTED:$port,sourceport=$sport \
			2>/dev/null || bad=$((bad + 1))
	done
	echo $bad
}
srv_udp q4433 "$UNLISTED" 4433

# QUIC v2 (RFC 9369)
assert_eq "v2 Initial, unlisted name: sent" 0 \
	"$(send_dgrams 4433 40001 $CAP/quic-built-v2-example.bin)"
assert_eq "v2 Initial, unlisted name: at the server" 1 "$(srv_packets q4433)"
assert_eq "v2 Initial, listed name: refused" 1 \
	"$(send_dgrams 4433 40002 $CAP/quic-built-v2-push.bin)"
assert_eq "v2 Initial, listed name: not at the server" 1 "$(srv_packets q4433)"

# A ClientHello over three Initials, CRYPTO frames shuffled: the first two
# carry no whole name and pass, the third completes it and is refused.
assert_eq "shuffled, unlisted name: sent" 0 \
	"$(send_dgrams 4433 40003 $CAP/quic-built-shuffled-miui.bin.0 \
		$CAP/quic-built-shuffled-miui.bin.1 $CAP/quic-built-shuffled-miui.bin.2)"
assert_eq "shuffled, unlisted name: all three at the server" 4 "$(srv_packets q4433)"
assert_eq "shuffled, listed name: the last one refused" 1 \
	"$(send_dgrams 4433 40004 $CAP/quic-built-shuffled-push.bin.0 \
		$CAP/quic-built-shuffled-push.bin.1 $CAP/quic-built-shuffled-push.bin.2)"
assert_eq "shuffled, listed name: two of three at the server" 6 "$(srv_packets q4433)"
# the same flow sends its Initial again: still refused
assert_eq "shuffled, listed name: retransmission refused" 1 \
	"$(send_dgrams 4433 40004 $CAP/quic-built-shuffled-push.bin.2)"
assert_eq "shuffled, listed name: retransmission not at the server" 6 "$(srv_packets q4433)"

# An unreadable Initial fails closed while a name is denied: a long
# header of an unknown version, padded to 1200 bytes (cwprobe fills with
# 'u', 0x75: no long header, so the first byte is set with printf).
f0=$(status_get counter names_failed)
{ printf '\300\377\000\000\035\010abcdefgh\000'; head -c 1186 /dev/zero; } >"$CW_OUT/draft29.bin"
assert_eq "unknown version, 1200 bytes: refused" 1 \
	"$(send_dgrams 4433 40005 "$CW_OUT/draft29.bin")"
assert_eq "unknown version: counted in names_failed" 1 \
	"$(( $(status_get counter names_failed) - f0 ))"
head -c 600 "$CW_OUT/draft29.bin" >"$CW_OUT/draft29-short.bin"
assert_eq "unknown version, 600 bytes (cannot open a connection): sent" 0 \
	"$(send_dgrams 4433 40007 "$CW_OUT/draft29-short.bin")"
{ printf '\100'; head -c 1199 /dev/zero; } >"$CW_OUT/short.bin"
assert_eq "short header: sent" 0 "$(send_dgrams 4433 40008 "$CW_OUT/short.bin")"
assert_eq "the two at the server" 8 "$(srv_packets q4433)"

# A GSO send (UDP_SEGMENT) of a ClientHello over two Initials, a real
# ngtcp2 client's (a 1 KiB ffdhe8192 key share), as one skb: each of its
# datagrams is read, so the listed name is refused whole and its
# unlisted twin arrives whole.
cat $CAP/quic-ffdhe8192-ngtcp2.bin.0 $CAP/quic-ffdhe8192-ngtcp2.bin.1 >"$CW_OUT/gso-miui.bin"
cat $CAP/quic-ffdhe8192-ngtcp2-push.bin.0 $CAP/quic-ffdhe8192-ngtcp2-push.bin.1 >"$CW_OUT/gso-push.bin"
b=$(srv_bytes q4433)
assert_match "GSO, unlisted name: sent" '^OK ' \
	"$(probe udp "$UNLISTED" 4433 -D "$CW_OUT/gso-miui.bin" -G 1200)"
wait_bytes q4433 $((b + 2400))
assert_eq "GSO, unlisted name: both datagrams at the server" 10 "$(srv_packets q4433)"
assert_match "GSO, listed name: refused" "^$CW_BLOCK_ERRNO " \
	"$(probe udp "$UNLISTED" 4433 -D "$CW_OUT/gso-push.bin" -G 1200)"
usleep 200000
assert_eq "GSO, listed name: not at the server" 10 "$(srv_packets q4433)"

# Half ClientHellos (the first of two Initials, never the second) from
# many ports hold slots of the table that puts ClientHellos together:
# UID 2000 gets a quarter of it and its own new ones beyond fail closed;
# UID 1000's split ClientHellos still find room and are judged by name.
# (A slot silent for 10 s may be taken again: on a kernel slow enough for
# the 16 sends to take longer, UID 2000 gets 4 more every 10 s.)
half() {
	setpriv --reuid="$1" --regid="$1" --clear-groups socat -u \
		OPEN:"$2" UDP-SENDTO:"$UNLISTED":4433,sourceport="$3" 2>/dev/null
}
f=0
t0=$(now_ms)
for port in $(seq 41000 41015); do
	half 2000 $CAP/quic-ffdhe8192-ngtcp2.bin.0 $port || f=$((f + 1))
done
gens=$(( ($(now_ms) - t0) / 10000 + 1 ))
if [ $gens = 1 ]; then
	assert_eq "16 half ClientHellos of UID 2000: refused beyond its 4" 12 "$f"
else
	assert_gt "16 half ClientHellos of UID 2000: refused beyond its 4 ($gens x 10 s)" \
		$((15 - 4 * gens)) "$f"
fi
usleep 200000
assert_eq "the others at the server" $((10 + 16 - f)) "$(srv_packets q4433)"
f2000=$f
f=0
half 1000 $CAP/quic-ffdhe8192-ngtcp2.bin.0 42000 || f=$((f + 1))
half 1000 $CAP/quic-ffdhe8192-ngtcp2.bin.1 42000 || f=$((f + 1))
assert_eq "UID 1000's split ClientHello, unlisted name: sent" 0 "$f"
half 1000 $CAP/quic-ffdhe8192-ngtcp2-push.bin.0 42001 ||
	fail "UID 1000's split ClientHello, listed name: first half refused"
! half 1000 $CAP/quic-ffdhe8192-ngtcp2-push.bin.1 42001 ||
	fail "UID 1000's split ClientHello, listed name: second half sent"
usleep 200000
assert_eq "UID 1000's three at the server" $((13 + 16 - f2000)) "$(srv_packets q4433)"

# More connections at once than the table has slots, each a real HTTP/3
# GET: a ClientHello whole in its Initial holds no slot, and the later
# Initials (under the server's connection ID) are judged as the
# connection's other packets are, so every one gets its page.
pids=
for i in $(seq 1 20); do
	mkdir -p "$CW_OUT/many-$i"
	timeout 60 gtlsclient -q --exit-on-all-streams-close --timeout=30s \
		--download="$CW_OUT/many-$i" www.example.org 443 \
		https://www.example.org/index.html >/dev/null 2>&1 &
	pids="$pids $!"
done
for p in $pids; do wait "$p" || true; done
assert_eq "20 QUIC connections at once: pages" 20 \
	"$(cat "$CW_OUT"/many-*/index.html 2>/dev/null | grep -c '^hello over quic$')"

# Consent lets the listed name through.
owner_ok consent push 1 >/dev/null
b=$(srv_rx)
set -- $(get push.xiaomi.net)
assert_eq "listed name after consent: client exit" 0 "$1"
assert_eq "listed name after consent: the page" "hello over quic" "$(got_page)"
assert_gt "listed name after consent: the server got its packets" "$b" "$(srv_rx)"
assert_eq "v2 Initial, listed name, after consent: sent" 0 \
	"$(send_dgrams 4433 40006 $CAP/quic-built-v2-push.bin)"
assert_eq "v2 after consent: at the server" $((14 + 16 - f2000)) "$(srv_packets q4433)"
dmesg_clean || fail "kernel warnings"
