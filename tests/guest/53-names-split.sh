# A ClientHello split over several TCP segments, its SNI beyond the first
# one (or cut in two), is still caught: the flow is tracked until the SNI
# is whole, then reset; the server gets the bytes before the SNI only.
# Two ways: a real ClientHello replayed in 16-byte writes (TCP_NODELAY),
# and openssl s_client itself over a path with a tiny MSS and no GSO.
. /cw/guest/lib.sh
. /cw/guest/names.sh
cw_require
net_up
srv_tcp tls443 "$UNLISTED" 443
srv_tcp tls5222 "$UNLISTED" 5222
owner_names

capture_hello app.chat.xiaomi.net hello-denied
capture_hello www.example.org hello-other
total=$(wc -c <"$CW_OUT/hello-denied")
log "ClientHello: $total bytes"

# replay FILE PORT: in 16-byte pieces, each its own segment
replay() {
	(
		i=0
		while [ $i -lt "$(wc -c <"$1")" ]; do
			dd if="$1" bs=16 skip=$((i / 16)) count=1 2>/dev/null
			usleep 30000
			i=$((i + 16))
		done
		sleep 1
	) | timed socat -t 2 - TCP:$UNLISTED:$2,nodelay
}

b=$(srv_bytes tls443)
r=$(replay "$CW_OUT/hello-denied" 443)
set -- $r
[ "$1" != 0 ] || fail "split denied ClientHello: socat did not fail"
got=$(( $(srv_bytes tls443) - b ))
log "server got $got of $total bytes"
assert_gt "split denied ClientHello: the first segments passed" 0 "$got"
assert_lt "split denied ClientHello: the server never got the whole" "$total" "$got"
# Where the name starts in the ClientHello: the segment that completes it
# is the one reset, so the server never has the whole name.
# (busybox grep has no -b: the offset comes from od, three characters per
# byte.)
hexof() { od -An -v -tx1 | tr -s ' \n' '  '; }
sni_at=$(hexof <"$CW_OUT/hello-denied" | awk -v n="$(printf %s app.chat.xiaomi.net | hexof)" '
	{ i = index($0, n); if (i) print (i - 1) / 3 }')
[ -n "$sni_at" ] || fail "the captured ClientHello does not carry app.chat.xiaomi.net"
log "the SNI starts at byte $sni_at"
assert_lt "split: the server never got the whole name" $((sni_at + 19)) "$got"
wait_event ' name app\.chat\.xiaomi\.net( |$)'

b=$(srv_bytes tls443)
replay "$CW_OUT/hello-other" 443 >/dev/null
assert_eq "split unrelated ClientHello: the server got it all" \
	"$(wc -c <"$CW_OUT/hello-other")" "$(( $(srv_bytes tls443) - b ))"

# The real client: the server advertises a 64-byte MSS and the handset
# sends one segment per skb (no GSO), so the ClientHello leaves in ~50-byte
# segments and its SNI is beyond the first.
ip -n inet route add 192.0.2.1/32 dev inet0 advmss 64
ip link set cw0 gso_max_segs 1
ip link set cw0 gso_max_size 1500 2>/dev/null || true
for port in 443 5222; do
	b=$(srv_bytes tls$port)
	r=$(timed timeout 5 openssl s_client -connect "$UNLISTED:$port" \
		-servername app.chat.xiaomi.net </dev/null)
	set -- $r
	[ "$1" != 0 ] && [ "$1" != 124 ] || fail "s_client small MSS:$port exit $1"
	assert_lt "s_client small MSS:$port failed in ms" "$FAST_MS" "$2"
	got=$(( $(srv_bytes tls$port) - b ))
	log "small MSS:$port: server got $got bytes"
	assert_gt "small MSS:$port: the segments before the SNI passed" 0 "$got"
	assert_lt "small MSS:$port: the server never got the whole name" $((sni_at + 19)) "$got"
done
b=$(srv_bytes tls443)
expect_flow_allowed "small MSS: unrelated name passes" "$(https www.example.org 443)" tls443 "$b"
assert_gt "small MSS: the whole ClientHello arrived" $((b + 200)) "$(srv_bytes tls443)"

# After consent the split hello goes through.
owner_ok consent push 1 >/dev/null
b=$(srv_bytes tls443)
replay "$CW_OUT/hello-denied" 443 >/dev/null
assert_eq "after consent: split ClientHello arrives whole" "$total" "$(( $(srv_bytes tls443) - b ))"
dmesg_clean || fail "kernel warnings"
