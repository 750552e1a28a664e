# block=drop: a blocked ClientHello is dropped silently and the socket
# retransmits it; every retransmission is recognised as the start of the
# stream (or as a segment of a tracked flow) and dropped again, so the
# server never gets the name, whole or split.
. /cw/guest/lib.sh
. /cw/guest/names.sh
cw_reload block=drop
net_up
srv_tcp tls443 "$UNLISTED" 443
owner_names

b=$(srv_bytes tls443)
r=$(https app.chat.xiaomi.net 443)
assert_eq "drop mode: curl runs into its timeout" 28 "${r%% *}"
assert_eq "drop mode: bytes at the server after retransmissions" "$b" "$(srv_bytes tls443)"

# Split: the first pieces pass, the piece with the SNI and every
# retransmission of it are dropped.
capture_hello app.chat.xiaomi.net hello
total=$(wc -c <"$CW_OUT/hello")
b=$(srv_bytes tls443)
(
	i=0
	while [ $i -lt "$total" ]; do
		dd if="$CW_OUT/hello" bs=16 skip=$((i / 16)) count=1 2>/dev/null
		usleep 30000
		i=$((i + 16))
	done
	sleep 4
) | timeout 6 socat - TCP:$UNLISTED:443,nodelay >/dev/null 2>&1 || true
got=$(( $(srv_bytes tls443) - b ))
log "drop mode, split: server got $got of $total bytes"
assert_lt "drop mode, split: the SNI never reached the server" "$total" "$got"

b=$(srv_bytes tls443)
expect_flow_allowed "drop mode: unrelated name passes" "$(https www.example.org 443)" tls443 "$b"
dmesg_clean || fail "kernel warnings"
