# TLS: a ClientHello whose SNI is a denied purpose's name (or a subdomain)
# is blocked on ports 443 and 5222 even to an address no rule lists: the
# client (curl, openssl s_client) fails at once with a reset, the server
# never gets a byte. A look-alike and unrelated names pass; after consent
# the same name passes, and a real TLS handshake completes.
. /cw/guest/lib.sh
. /cw/guest/names.sh
cw_require
net_up
srv_tcp tls443 "$UNLISTED" 443
srv_tcp tls5222 "$UNLISTED" 5222
srv_tcp tls6 2001:db8:100::11 443
owner_names

for port in 443 5222; do
	s=tls$port
	b=$(srv_bytes $s)
	expect_flow_blocked "curl sni xiaomi.net:$port" "$(https xiaomi.net $port)" $s "$b"
	expect_flow_blocked "curl sni subdomain:$port" "$(https app.chat.xiaomi.net $port)" $s "$b"
	expect_flow_blocked "curl sni tracking subdomain:$port" "$(https a.b.tracking.example.com $port)" $s "$b"
	assert_gt "connections reached $s (SYNs carry no name)" 0 "$(srv_conns $s)"
done
assert_match "curl's error is the reset" 'Connection reset by peer' "$(cat "$CW_OUT/timed.out"; echo)"

# IPv6
b=$(srv_bytes tls6)
expect_flow_blocked "curl sni xiaomi.net over IPv6" "$(https xiaomi.net 443 '[2001:db8:100::11]')" tls6 "$b"
expect_flow_allowed "curl sni example.org over IPv6" "$(https example.org 443 '[2001:db8:100::11]')" tls6 "$b"

# openssl s_client, IPv4, port 443 and 5222
for port in 443 5222; do
	b=$(srv_bytes tls$port)
	r=$(timed timeout 5 openssl s_client -connect "$UNLISTED:$port" \
		-servername push.xiaomi.net </dev/null)
	set -- $r
	[ "$1" != 0 ] && [ "$1" != 124 ] || fail "s_client:$port exit $1"
	assert_lt "s_client sni push.xiaomi.net:$port failed in ms" "$FAST_MS" "$2"
	assert_eq "s_client:$port bytes at the server" "$b" "$(srv_bytes tls$port)"
done

# Look-alike and unrelated names pass.
b=$(srv_bytes tls443)
expect_flow_allowed "curl sni notxiaomi.net" "$(https notxiaomi.net 443)" tls443 "$b"
b=$(srv_bytes tls443)
expect_flow_allowed "curl sni example.org" "$(https www.example.org 443)" tls443 "$b"
b=$(srv_bytes tls5222)
expect_flow_allowed "curl sni xiaomi.net.example.org:5222" "$(https xiaomi.net.example.org 5222)" tls5222 "$b"

# The blocked event names the SNI.
wait_event ' name app\.chat\.xiaomi\.net( |$)'
ev=$(owner_events | grep -E ' name app\.chat\.xiaomi\.net( |$)' | head -n1)
assert_match "tls event: tcp to the unlisted address" " proto 6 addr $UNLISTED port (443|5222)" "$ev"
assert_match "tls event: purpose" ' purposes push( |$)' "$ev"

# After consent the same name passes...
owner_ok consent push 1 >/dev/null
b=$(srv_bytes tls443)
expect_flow_allowed "after consent: curl sni app.chat.xiaomi.net" "$(https app.chat.xiaomi.net 443)" tls443 "$b"
b=$(srv_bytes tls5222)
expect_flow_allowed "after consent: curl sni xiaomi.net:5222" "$(https xiaomi.net 5222)" tls5222 "$b"
# ... and completes a real handshake (openssl s_server -www, lib.sh).
srv_tls tls-real "$UNLISTED" 8443
r=$(timed curl -sSk --max-time 10 --resolve "app.chat.xiaomi.net:8443:$UNLISTED" https://app.chat.xiaomi.net:8443/)
assert_eq "after consent: curl over a real TLS server, exit" 0 "${r%% *}"
assert_match "after consent: TLS handshake and data" 's_server|Cipher' "$(cat "$CW_OUT/timed.out")"
# analytics is still denied, on the same real server.
r=$(timed curl -sSk --max-time "$CW_CLIENT_TIMEOUT" --resolve "tracking.example.com:8443:$UNLISTED" https://tracking.example.com:8443/)
set -- $r
[ "$1" != 0 ] || fail "tracking.example.com got through: $(cat "$CW_OUT/timed.out")"
assert_lt "analytics sni to a real server: failed in ms" "$FAST_MS" "$2"
dmesg_clean || fail "kernel warnings"
