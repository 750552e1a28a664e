# The identifier scan (issue 15), at the kernel level, with patterns given
# directly (cwnl addpat): an outgoing TCP payload or UDP datagram that
# carries a pattern while its purpose is denied is blocked (TCP: reset
# toward the app; UDP: refused), to a destination no rule lists and to one
# whose purpose is granted, IPv4, IPv6 and NAT64'd (loopback is not
# scanned); the servers, which keep every
# byte they get (CWPROBE_DUMP), never get the pattern. Controls on the
# same paths: the same payload one digit off, and the pattern with the
# purpose granted, arrive. A pattern written in two pieces (TCP_NODELAY)
# is caught at every split. Real TLS (openssl) is stepped over, counted as
# skipped; cleartext that imitates a TLS record header is caught after the
# claimed record; QUIC long headers are skipped, a short header of no
# known connection is scanned. Events carry the pattern's tag; no reply,
# dump or event holds pattern bytes. The matcher counts against
# max_memory_mb. Counters exact.
. /cw/guest/lib.sh
cw_require
export CWPROBE_DUMP=1
net_up
srv_tcp web 198.51.100.11 80
srv_tcp listed 198.51.100.10 80
srv_udp dg 198.51.100.11 5353
srv_tcp web6 2001:db8:100::11 80
srv_udp dg6 2001:db8:100::11 5353
inet ip -6 route add local 64:ff9b::/96 dev lo
srv_tcp web64 64:ff9b::c633:640b 80		# 198.51.100.11, NAT64'd
SRV_NS= srv_tcp lo 127.0.0.1 8080

IMEI=490154203237518
IMSI=310150123456789
TEL=+8613800138000
owner_start
owner_ok claim >/dev/null
owner_ok begin >/dev/null
owner_ok add analytics desc=Analytics $STD_RULES_ANALYTICS >/dev/null
owner_ok add cleartext-identifiers desc=Identifiers >/dev/null
owner_ok addpat cleartext-identifiers "$IMEI:257" "$IMSI:513" "$TEL:769" >/dev/null
owner_ok commit >/dev/null
gen=$(status_get generation)

D=$CW_OUT/payloads
mkdir -p "$D"
# post FILE BODY: an HTTP POST of BODY
post() {
	printf 'POST /c HTTP/1.1\r\nHost: t.example\r\nContent-Length: %d\r\n\r\n%s' \
		${#2} "$2" >"$D/$1"
}
post imei "imei=$IMEI&v=1"
post imsi "{\"imsi\":\"$IMSI\"}"
post tel "tel=$TEL"
post clean "imei=490154203237519&v=1"
ctr() { status_get counter "idents_$1"; }
# blocked_bytes of the purpose
pstat() {
	cwnl stats | awk -v k="$1" '$1 == "stats" && $2 == "cleartext-identifiers" {
		for (i = 3; i < NF; i++) if ($i == k) print $(i + 1) }'
}
# data_has SRV TEXT: how many lines of what SRV received hold TEXT (NUL
# bytes aside: busybox grep stops a line at one)
data_has() {
	if [ -f "$CW_OUT/srv-$1.data" ]; then
		tr -d '\000' <"$CW_OUT/srv-$1.data" | grep -c -F -- "$2" || true
	else
		echo 0
	fi
}
# reset SRV ADDR PORT FILE [-S AT]: FILE's bytes over TCP (cwprobe -D);
# the exchange is reset and SRV gets no byte of it (with -S: no byte
# past the first AT, the first write)
reset() {
	local srv=$1 a=$2 port=$3 f=$4 b r
	shift 4
	b=$(srv_bytes "$srv")
	r=$(probe tcp "$a" "$port" -D "$f" "$@")
	assert_eq "tcp $a $port $(basename "$f") $*: reset" ECONNRESET "${r%% *}"
	[ "$1" = -S ] && b=$((b + $2))
	wait_bytes "$srv" "$b"
	sleep 0.1
	assert_eq "... no byte of it at $srv${1:+ past the first write}" "$b" "$(srv_bytes "$srv")"
}
# through SRV ADDR PORT FILE [opts]: the exchange succeeds, SRV gets it all
through() {
	local srv=$1 a=$2 port=$3 f=$4 b r n
	shift 4
	b=$(srv_bytes "$srv")
	n=$(wc -c <"$f")
	r=$(probe tcp "$a" "$port" -D "$f" "$@")
	assert_eq "tcp $a $port $(basename "$f") $*: through" OK "${r%% *}"
	wait_bytes "$srv" $((b + n))
	assert_eq "... all of it at $srv" $((b + n)) "$(srv_bytes "$srv")"
}

# counted WHAT S B N: since s0 and k0, S payloads scanned and B blocked,
# give or take what TCP sent again of a blocked segment before the reset
# reached its socket (a slow kernel's tail loss probe): each is scanned
# and blocked once more, at most one for each of the N blocked flows.
counted() {
	local xs=$(($(ctr scanned) - s0 - $2)) xb=$(($(ctr blocked) - k0 - $3))
	[ "$xb" -ge 0 ] && [ "$xb" -le "$4" ] && [ "$xs" = "$xb" ] ||
		fail "$1: expected $2 scanned and $3 blocked (+ as many retransmitted, at most $4), got +$xs and +$xb"
	pass "$1: $2 scanned, $3 blocked (+$xb retransmitted)"
}
s0=$(ctr scanned)
k0=$(ctr blocked)
bb0=$(pstat blocked_packets)
assert_eq "nothing scanned yet" 0 "$s0"

# TCP, IPv4, a destination no rule lists: each identifier's POST reset.
reset web 198.51.100.11 80 "$D/imei"
reset web 198.51.100.11 80 "$D/imsi"
reset web 198.51.100.11 80 "$D/tel"
through web 198.51.100.11 80 "$D/clean"
assert_eq "the IMEI never reached web" 0 "$(data_has web "$IMEI")"
assert_eq "nor the IMSI" 0 "$(data_has web "$IMSI")"
assert_eq "nor the number" 0 "$(data_has web "$TEL")"
assert_eq "the control did" 1 "$(data_has web "imei=490154203237519")"
counted "4 payloads scanned, 3 blocked" 4 3 3
assert_eq "the purpose counts each block" $(($(ctr blocked) - k0)) $(($(pstat blocked_packets) - bb0))

# A destination whose purpose is granted: still blocked.
owner_ok consent analytics 1 >/dev/null
reset listed 198.51.100.10 80 "$D/imei"
through listed 198.51.100.10 80 "$D/clean"
owner_ok consent analytics 0 >/dev/null
expect_blocked tcp 198.51.100.10 80

# UDP: refused at sendto, the server gets nothing; the control arrives.
p=$(srv_packets dg)
assert_eq "udp with the IMEI refused" ECONNREFUSED "$(probe_result udp 198.51.100.11 5353 -D "$D/imei")"
assert_eq "udp with the number refused" ECONNREFUSED "$(probe_result udp 198.51.100.11 5353 -D "$D/tel")"
assert_eq "udp control sent" OK "$(probe_result udp 198.51.100.11 5353 -D "$D/clean")"
sleep 0.2
assert_eq "one datagram at dg, the control" $((p + 1)) "$(srv_packets dg)"
assert_eq "no IMEI at dg" 0 "$(data_has dg "$IMEI")"

# IPv6, TCP and UDP.
reset web6 2001:db8:100::11 80 "$D/imsi"
through web6 2001:db8:100::11 80 "$D/clean"
assert_eq "udp6 with the IMSI refused" ECONNREFUSED "$(probe_result udp 2001:db8:100::11 5353 -D "$D/imsi")"
assert_eq "udp6 control sent" OK "$(probe_result udp 2001:db8:100::11 5353 -D "$D/clean")"
sleep 0.2
assert_eq "no IMSI at web6 or dg6" 0 "$(($(data_has web6 "$IMSI") + $(data_has dg6 "$IMSI")))"
# NAT64'd: the same.
reset web64 64:ff9b::c633:640b 80 "$D/tel"
through web64 64:ff9b::c633:640b 80 "$D/clean"
counted "scanned 4 + 2 + 3 + 4 + 2, blocked 3 + 1 + 2 + 2 + 1 (6 TCP)" 15 9 6
# Loopback is no egress: not scanned, not blocked.
s1=$(ctr scanned)
through lo 127.0.0.1 8080 "$D/imei"
assert_eq "loopback: nothing scanned" "$s1" "$(ctr scanned)"

# The events name the purpose and the pattern's tag, never its bytes.
sleep 0.3
ev=$(owner_events)
assert_match "an event for the IMEI, tag 257" 'event .*port 80 .*ident_tag 257.*purposes cleartext-identifiers' "$ev"
assert_match "one for the IMSI over IPv6, tag 513" 'event .*addr 2001:db8:100::11 .*ident_tag 513' "$ev"
assert_match "one for the number over UDP, tag 769" 'event .*proto 17 .*port 5353 .*ident_tag 769' "$ev"

# With the purpose granted, the identifiers go through (and are scanned no more).
owner_ok consent cleartext-identifiers 1 >/dev/null
s1=$(ctr scanned)
through web 198.51.100.11 80 "$D/imei"
assert_eq "granted: the IMEI arrived" 1 "$(data_has web "$IMEI")"
assert_eq "udp granted" OK "$(probe_result udp 198.51.100.11 5353 -D "$D/tel")"
assert_eq "granted: nothing scanned" "$s1" "$(ctr scanned)"
owner_ok consent cleartext-identifiers 0 >/dev/null
: >"$CW_OUT/srv-web.data"

# The raw IMEI in two writes, split at every offset: each a fresh
# connection, the first piece arrives, the second is reset.
printf '%s' "$IMEI" >"$D/raw"
k1=$(ctr blocked)
i=1
while [ $i -lt ${#IMEI} ]; do
	b=$(srv_bytes web)
	r=$(probe tcp 198.51.100.11 80 -D "$D/raw" -S $i)
	assert_eq "split at $i: reset" ECONNRESET "${r%% *}"
	wait_bytes web $((b + i))
	assert_eq "split at $i: only the first piece arrived" $((b + i)) "$(srv_bytes web)"
	i=$((i + 1))
done
assert_eq "the whole IMEI never arrived" 0 "$(data_has web "$IMEI")"
b=$(($(ctr blocked) - k1))
[ "$b" -ge 14 ] && [ "$b" -le 28 ] ||
	fail "14 splits: expected 14 blocks (+ at most one retransmission each), got $b"
pass "14 splits, $b blocks"

# The same split inside a POST, with the clean number as control.
post imeisplit "imei=$IMEI"
reset web 198.51.100.11 80 "$D/imeisplit" -S $(($(wc -c <"$D/imeisplit") - 7))
through web 198.51.100.11 80 "$D/clean" -S 70

# Real TLS: the IMEI inside a TLS 1.3 request reaches the server, which
# answers; the flow's records are stepped over (skipped), nothing blocked.
srv_tls tls.example 198.51.100.12 443
k2=$(ctr blocked)
sk=$(ctr skipped)
out=$(printf 'GET /?imei=%s HTTP/1.0\r\n\r\n' "$IMEI" |
	timeout 10 openssl s_client -connect 198.51.100.12:443 \
		-servername tls.example -quiet 2>/dev/null || true)
assert_match "the TLS request got its answer" '^HTTP/1.0 200 ok' "$out"
assert_eq "TLS: nothing blocked" "$k2" "$(ctr blocked)"
assert_gt "TLS: records skipped" "$sk" "$(ctr skipped)"

# Cleartext that imitates a TLS record header: a handshake record of 5
# bytes, then a POST: caught where the claimed record ends.
{ printf '\026\003\001\000\005HELLO'; cat "$D/imei"; } >"$D/fake-tls"
reset web 198.51.100.11 80 "$D/fake-tls"
# ... with the claimed record header in two segments, and with the
# would-be header after the record starting a segment
reset web 198.51.100.11 80 "$D/fake-tls" -S 2
reset web 198.51.100.11 80 "$D/fake-tls" -S 10
# ... a handshake record's body is cleartext: scanned
{ printf '\026\003\001\000\040xxxxxxxx%sxxxxxxxxx' "$IMEI"; } >"$D/fake-hs"
reset web 198.51.100.11 80 "$D/fake-hs"
# ... application data as the first record: no TLS stream, scanned
{ printf '\027\003\003\000\040xxxxxxxx%sxxxxxxxxx' "$IMEI"; } >"$D/fake-ad"
reset web 198.51.100.11 80 "$D/fake-ad"
# ... and the stated limit: an application_data record's body, behind a
# valid handshake record, is not read (README: what an app could do).
{ printf '\026\003\001\000\004abcd\027\003\003\000\040xxxxxxxx%sxxxxxxxxx' "$IMEI"; } >"$D/tls-ad"
s1=$(ctr scanned)
through web 198.51.100.11 80 "$D/tls-ad"
assert_eq "the documented limit: an application_data body is skipped" 1 "$(data_has web "$IMEI")"
: >"$CW_OUT/srv-web.data"
assert_eq "... the segment counted scanned (its handshake body was)" $((s1 + 1)) "$(ctr scanned)"

# QUIC: a v1 Initial long header whose length covers the datagram is
# skipped; one whose length does not fit, and a short header of no known
# connection, are scanned and refused.
quic() {
	printf "\\300\\000\\000\\000\\001\\010abcdefgh\\000\\000\\100$1"
	printf 'xxxx%syyyy' "$IMEI"
}
quic '\027' >"$D/quic"
quic '\030' >"$D/quic-bad"
{ printf '\100abcdefgh'; printf 'xxxx%syyyy' "$IMEI"; } >"$D/quic-short"
# an empty Initial, then cleartext posing as a short header
{ printf '\300\000\000\000\001\010abcdefgh\000\000\000\100'; printf 'xxxx%syyyy' "$IMEI"; } >"$D/quic-coal"
p=$(srv_packets dg)
sk=$(ctr skipped)
assert_eq "a QUIC Initial is sent" OK "$(probe_result udp 198.51.100.11 5353 -D "$D/quic")"
assert_eq "... counted skipped" $((sk + 1)) "$(ctr skipped)"
assert_eq "a long header whose length lies: refused" ECONNREFUSED "$(probe_result udp 198.51.100.11 5353 -D "$D/quic-bad")"
assert_eq "a short header of no known connection: refused" ECONNREFUSED "$(probe_result udp 198.51.100.11 5353 -D "$D/quic-short")"
assert_eq "... nor behind a long header: refused" ECONNREFUSED "$(probe_result udp 198.51.100.11 5353 -D "$D/quic-coal")"
sleep 0.2
assert_eq "only the Initial at dg" $((p + 1)) "$(srv_packets dg)"

# Real QUIC (ngtcp2's client, HTTP/3 GET) with names in the ruleset, so
# that the connection is known by its Initial's name: its long headers
# and then its short headers, whose fixed bit ngtcp2 greases (RFC 9287),
# are all skipped, none scanned; the page arrives.
. /cw/guest/names.sh
if ! dmesg | grep -q 'QUIC Initials cannot be read'; then
	owner_ok begin >/dev/null
	owner_ok add push desc=Push domain=xiaomi.net >/dev/null
	owner_ok add cleartext-identifiers desc=Identifiers >/dev/null
	owner_ok addpat cleartext-identifiers "$IMEI:257" "$IMSI:513" "$TEL:769" >/dev/null
	owner_ok commit >/dev/null
	gen=$(status_get generation)
	quic_start "$UNLISTED" www.example.org
	s1=$(ctr scanned)
	sk=$(ctr skipped)
	set -- $(get www.example.org)
	assert_eq "QUIC: client exit" 0 "$1"
	assert_eq "QUIC: the page" "hello over quic" "$(got_page)"
	k=$(ctr blocked)
	assert_eq "QUIC: no datagram scanned" "$s1" "$(ctr scanned)"
	assert_gt "QUIC: its datagrams skipped, short headers too" $((sk + 3)) "$(ctr skipped)"
	assert_eq "QUIC: nothing blocked" "$k" "$(ctr blocked)"

	# A connection known by its Initial's name (www.example.org, from
	# one local port): a datagram alone is skipped as its short header
	# only behind the server's ID, which the client's Handshake packet
	# gave (SRVCID01); cleartext on that flow is scanned, and so is each
	# datagram of a GSO send.
	CAP=/cw/captures
	q() { cwprobe udp 198.51.100.11 5353 -p 40443 "$@" | cut -d' ' -f1; }
	z() { head -c "$1" /dev/zero | tr '\0' z; }
	{ printf '\100SRVCID01'; printf 'xxxx%syyyy' "$IMEI"; } >"$D/q-short"
	{ printf '\100WRONGCID'; printf 'xxxx%syyyy' "$IMEI"; } >"$D/q-wrong"
	printf 'xxxx%syyyy' "$IMEI" >"$D/q-plain"
	{ printf '\340\000\000\000\001\010SRVCID01\000\020'; z 16; } >"$D/q-hs"
	{ cat "$D/q-short"; z 32; } >"$D/q-short64"
	{ cat "$D/q-plain"; z 41; } >"$D/q-plain64"
	cat "$D/q-short64" "$D/q-plain64" >"$D/q-gso"
	cat "$D/q-short64" "$D/q-short64" >"$D/q-gso-ok"
	p=$(srv_packets dg)
	assert_eq "named Initial from one port: sent" OK "$(q -D "$CAP/quic-v1-ngtcp2-example.bin")"
	assert_eq "... a short header before any Handshake: refused" ECONNREFUSED "$(q -D "$D/q-short")"
	assert_eq "... cleartext on its flow: refused" ECONNREFUSED "$(q -D "$D/q-plain")"
	assert_eq "... its Handshake packet: sent" OK "$(q -D "$D/q-hs")"
	sk=$(ctr skipped)
	assert_eq "... a short header with the server's ID: sent" OK "$(q -D "$D/q-short")"
	assert_eq "... counted skipped" $((sk + 1)) "$(ctr skipped)"
	assert_eq "... one with another ID: refused" ECONNREFUSED "$(q -D "$D/q-wrong")"
	assert_eq "... cleartext on its flow still: refused" ECONNREFUSED "$(q -D "$D/q-plain")"
	assert_eq "... GSO: short header, then cleartext: refused" ECONNREFUSED "$(q -D "$D/q-gso" -G 64)"
	assert_eq "... GSO: two short headers: sent" OK "$(q -D "$D/q-gso-ok" -G 64)"
	sleep 0.2
	assert_eq "... at dg: the Initial, the Handshake, 3 short headers" $((p + 5)) "$(srv_packets dg)"
	assert_eq "... no refused datagram's bytes at dg" 0 "$(data_has dg WRONGCID)"
	assert_eq "... nor the GSO send's cleartext" 0 "$(data_has dg "yyyy$(z 33)")"
fi

# Nothing the kernel sends back holds a pattern.
rm -f "$CW_OUT/raw"
CWNL_RAW=$CW_OUT/raw cwnl status >/dev/null
CWNL_RAW=$CW_OUT/raw cwnl stats >/dev/null
CWNL_RAW=$CW_OUT/raw cwnl explain tcp 198.51.100.11 80 >/dev/null
assert_gt "replies captured" 100 "$(wc -c <"$CW_OUT/raw")"
for v in "$IMEI" "$IMSI" "$TEL"; do
	assert_eq "no reply holds $v" 0 "$(grep -ac -- "$v" "$CW_OUT/raw" || true)"
	assert_eq "no event holds $v" 0 "$(grep -c -- "$v" "$CW_OUT/owner.out" || true)"
done

# An app's refused flows never lock its clean ones out of the flow memory
# (256 entries a UID): 300 reset POSTs as UID 3000, one after the other
# (each blocked by the scan), then its clean POST goes through.
chmod 755 "$D" && chmod 644 "$D/imei" "$D/clean"
k1=$(ctr blocked)
assert_eq "300 flows of UID 3000 reset" "attempts 300 ok 0 fail 300 last ECONNRESET" \
	"$(cwprobe flood tcp 198.51.100.11 80 -D "$D/imei" -u 3000 -n 300 -d 600000)"
b=$(($(ctr blocked) - k1))
[ "$b" -ge 300 ] && [ "$b" -le 600 ] ||
	fail "300 reset flows: expected 300 blocks (+ at most one retransmission each), got $b"
b=$(srv_bytes web)
r=$(setpriv --reuid=3000 --regid=3000 --clear-groups cwprobe tcp 198.51.100.11 80 -D "$D/clean" || true)
assert_eq "then its clean POST goes through" OK "${r%% *}"
wait_bytes web $((b + $(wc -c <"$D/clean")))
assert_eq "... all of it at web" $((b + $(wc -c <"$D/clean"))) "$(srv_bytes web)"

# When the scan stops, every carry goes: a flow that ends while nothing
# is scanned holds no room. carry_room UID WHAT STOP RESUME: UID holds
# 256 scanned flows (its bound) open, that name nothing (no HTTP: a name
# would have them remembered, and ended, by name), and a 257th is
# refused; STOP stops the scan, the flows close, RESUME scans again: UID's
# next flow is scanned and goes through, not refused for want of room
# until the closed flows' carries expire (10 minutes).
printf 'id=490154203237519\n' >"$D/raw"
chmod 644 "$D/raw"
_srv tcp-sink sink 198.51.100.12 81
carry_room() {
	local uid=$1 what=$2 pid r b i=0
	rm -f "$CW_OUT/stop-carry"
	cwprobe tcp-many 198.51.100.12 81 -n 256 -D "$D/raw" -u "$uid" \
		-t 1000 -f "$CW_OUT/stop-carry" >"$CW_OUT/many-carry" 2>&1 &
	pid=$!
	until grep -q '^open' "$CW_OUT/many-carry"; do
		i=$((i + 1))
		[ $i -lt 3000 ] || fail "tcp-many did not finish: $(cat "$CW_OUT/many-carry")"
		usleep 50000
	done
	assert_eq "UID $uid holds 256 scanned flows" "open 256 reset 0 failed 0" "$(cat "$CW_OUT/many-carry")"
	r=$(setpriv --reuid="$uid" --regid="$uid" --clear-groups cwprobe tcp 198.51.100.11 80 -D "$D/raw" || true)
	assert_eq "a 257th flow of UID $uid finds no room for its carry: refused" ECONNRESET "${r%% *}"
	$3
	touch "$CW_OUT/stop-carry"
	wait "$pid" || true
	$4
	b=$(srv_bytes web)
	r=$(setpriv --reuid="$uid" --regid="$uid" --clear-groups cwprobe tcp 198.51.100.11 80 -D "$D/raw" || true)
	assert_eq "$what: UID $uid's next flow goes through" OK "${r%% *}"
	wait_bytes web $((b + $(wc -c <"$D/raw")))
}
grant() { owner_ok consent cleartext-identifiers 1 >/dev/null; }
deny() { owner_ok consent cleartext-identifiers 0 >/dev/null; }
# commit_ids [PATTERN...]: analytics, and the patterns' purpose if given
commit_ids() {
	owner_ok begin >/dev/null
	owner_ok add analytics desc=Analytics $STD_RULES_ANALYTICS >/dev/null
	if [ $# -gt 0 ]; then
		owner_ok add cleartext-identifiers desc=Identifiers >/dev/null
		owner_ok addpat cleartext-identifiers "$@" >/dev/null
	fi
	owner_ok commit >/dev/null
}
without_ids() { commit_ids; }
with_ids() { commit_ids "$IMEI:257" "$IMSI:513" "$TEL:769"; }
carry_room 3001 "closed while granted, denied again" grant deny
carry_room 3002 "closed under a ruleset without patterns, patterns again" \
	without_ids with_ids
gen=$(status_get generation)

# The matcher counts against max_memory_mb: 4096 patterns of 16 bytes
# take more than 1 MiB, so that commit fails and changes nothing.
mem=$(status_get memory)
echo 1 >/sys/module/consentwall/parameters/max_memory_mb
owner_ok begin >/dev/null
owner_ok add analytics $STD_RULES_ANALYTICS >/dev/null
owner_ok addpatgen cleartext-identifiers 4096 16 >/dev/null
out=$(owner commit || true)
echo 64 >/sys/module/consentwall/parameters/max_memory_mb
assert_match "ruleset + matcher over max_memory_mb" '^error E2BIG: .*identifier matcher exceed max_memory_mb' "$out"
assert_eq "generation unchanged" "$gen" "$(status_get generation)"
assert_eq "memory unchanged" "$mem" "$(status_get memory)"
reset web 198.51.100.11 80 "$D/imei"
owner_ok begin >/dev/null
owner_ok add analytics $STD_RULES_ANALYTICS >/dev/null
owner_ok addpatgen cleartext-identifiers 4096 16 >/dev/null
owner_ok commit >/dev/null
assert_eq "within the default bound it commits" $((gen + 1)) "$(status_get generation)"

dmesg_clean || fail "kernel log: $(dmesg | tail -n 20)"
