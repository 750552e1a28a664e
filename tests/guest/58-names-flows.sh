# The flow table of split ClientHellos never strands a connection: while
# every purpose is consented for a moment, the ClientHello is still
# parsed (flows opened then must be remembered), so when a purpose is
# denied again the parser has not lost the stream: the segment that
# completes the denied name is blocked at once (a reset, an event naming
# it, nothing in names_failed) instead of being dropped silently, and
# every retransmission with it, until the client gives up. With consent
# kept, the same connection gets its ClientHello through whole.
# And an HTTP request head that runs past 4 KiB before its Host line (a
# long URL), written at once, is judged by that Host, not reset.
. /cw/guest/lib.sh
. /cw/guest/names.sh
cw_require
net_up
srv_tcp tls443 "$UNLISTED" 443
srv_tcp web "$UNLISTED" 80
owner_start
rules_names
capture_hello app.chat.xiaomi.net hello-denied
total=$(wc -c <"$CW_OUT/hello-denied")

# piece FILE FROM TO: bytes [FROM, TO) of FILE, 16 at a time, each its own
# segment (TCP_NODELAY and a pause between writes)
piece() {
	i=$2
	while [ $i -lt "$3" ]; do
		dd if="$1" bs=16 skip=$((i / 16)) count=1 2>/dev/null
		usleep 30000
		i=$((i + 16))
	done
}

# toggled PUSH ANALYTICS: 32 bytes parsed while push is denied, 32 bytes
# while everything is consented, then the two purposes set so and the
# rest; "<socat exit> <ms from the toggle>"
toggled() {
	(
		piece "$CW_OUT/hello-denied" 0 32
		usleep 300000
		owner_ok consent push 1 >/dev/null
		owner_ok consent analytics 1 >/dev/null
		piece "$CW_OUT/hello-denied" 32 64
		usleep 300000
		owner_ok consent analytics "$2" >/dev/null
		owner_ok consent push "$1" >/dev/null
		now_ms >"$CW_OUT/toggle-ms"
		piece "$CW_OUT/hello-denied" 64 "$total"
		sleep 3
	) | {
		socat -t 1 - TCP:$UNLISTED:443,nodelay >/dev/null 2>&1 &&
			echo 0 >"$CW_OUT/socat-rc" || echo $? >"$CW_OUT/socat-rc"
		now_ms >"$CW_OUT/socat-ms"
	}
	echo "$(cat "$CW_OUT/socat-rc") $(($(cat "$CW_OUT/socat-ms") - $(cat "$CW_OUT/toggle-ms")))"
}

f0=$(status_get counter names_failed)
b=$(srv_bytes tls443)
set -- $(toggled 0 1)
got=$(( $(srv_bytes tls443) - b ))
log "denied again: socat exit $1 after $2 ms, server got $got of $total bytes"
[ "$1" != 0 ] || fail "denied again: the client saw no reset (its segments were dropped silently)"
assert_lt "denied again: the client failed within ms of the toggle" 2500 "$2"
assert_gt "denied again: the server got the bytes before the toggle" 63 "$got"
assert_lt "denied again: ... but not the segment that completes the name" "$total" "$got"
wait_event ' name app\.chat\.xiaomi\.net( |$)'
assert_eq "denied again: a name read, not a failure to read one" 0 \
	"$(( $(status_get counter names_failed) - f0 ))"

# The same with everything consented at the end: nothing is parsed, all
# of it arrives.
owner_ok consent push 0 >/dev/null
owner_ok consent analytics 0 >/dev/null
b=$(srv_bytes tls443)
set -- $(toggled 1 1)
assert_eq "consented at the end: socat exit" 0 "$1"
assert_eq "consented at the end: the whole ClientHello arrived" "$total" \
	"$(( $(srv_bytes tls443) - b ))"

# long_get NAME: a GET with a 5000-byte path, Host: NAME after it
long_get() {
	timed curl -sS --max-time "$CW_CLIENT_TIMEOUT" -H "Host: $1" \
		"http://$UNLISTED:80/$(head -c 5000 /dev/zero | tr '\0' a)"
}
owner_ok consent push 0 >/dev/null
owner_ok consent analytics 0 >/dev/null
f0=$(status_get counter names_failed)
b=$(srv_bytes web)
expect_flow_allowed "5 KiB before Host, unlisted name" "$(long_get www.example.org)" web "$b"
assert_gt "5 KiB before Host, unlisted name: the whole head arrived" $((b + 5000)) "$(srv_bytes web)"
# The listed one fails fast. Its request line alone is 5016 bytes, and TCP
# may send some of them ahead in segments of their own (a loaded guest
# does): they carry no name and pass; nothing from the Host line on does.
b=$(srv_bytes web)
set -- $(long_get push.xiaomi.net)
[ "$1" != 0 ] && [ "$1" != 28 ] ||
	fail "5 KiB before Host, listed name: client exit $1, expected a fast failure"
assert_lt "5 KiB before Host, listed name: client failed in ms" "$FAST_MS" "$2"
sleep 0.1
assert_lt "5 KiB before Host, listed name: no byte of its Host line at the server" \
	$((b + 5017)) "$(srv_bytes web)"
# the same heads in two segments (the first 3000 bytes, then the rest
# with the Host line): the unlisted one arrives whole, the listed one is
# reset before its second segment leaves
for h in www.example.org push.xiaomi.net; do
	printf 'GET /%s HTTP/1.1\r\nHost: %s\r\n\r\n' \
		"$(head -c 5000 /dev/zero | tr '\0' a)" "$h" >"$CW_OUT/long-$h"
done
b=$(srv_bytes web)
n=$(wc -c <"$CW_OUT/long-www.example.org")
r=$(probe tcp "$UNLISTED" 80 -D "$CW_OUT/long-www.example.org" -S 3000)
assert_eq "5 KiB before Host in two segments, unlisted name" OK "${r%% *}"
wait_bytes web $((b + n))
assert_eq "... the whole head arrived" $((b + n)) "$(srv_bytes web)"
b=$(srv_bytes web)
r=$(probe tcp "$UNLISTED" 80 -D "$CW_OUT/long-push.xiaomi.net" -S 3000)
assert_eq "5 KiB before Host in two segments, listed name" ECONNRESET "${r%% *}"
wait_bytes web $((b + 3000))
sleep 0.1
assert_eq "... only its first segment arrived" $((b + 3000)) "$(srv_bytes web)"
assert_eq "5 KiB before Host: nothing counted as unreadable" 0 \
	"$(( $(status_get counter names_failed) - f0 ))"
dmesg_clean || fail "kernel warnings"
