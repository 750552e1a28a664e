# Addresses learned from DNS answers, their limits: a flow that shows its
# own name (TLS SNI, HTTP Host) on a learned address is judged by that
# name, so an unlisted site behind the same (CDN) address still works
# after the withdrawal, a full TLS handshake and an HTTP/3 GET over QUIC
# included, while the listed name is blocked there; and one UID flooding answers (300 addresses, more
# than the table holds) cannot unbind the address another UID resolved.
. /cw/guest/lib.sh
. /cw/guest/names.sh
. /cw/guest/learned.sh
cw_require
net_up
# the flood: f0..f9.push.xiaomi.net, 30 AAAA records each
for n in 0 1 2 3 4 5 6 7 8 9; do
	for i in $(seq 1 30); do
		printf '2001:db8:100::%x f%d.push.xiaomi.net\n' $((0x1000 + n * 64 + i)) $n
	done
done >"$CW_OUT/extra.hosts"
dnsmasq_start
owner_names
srv_tcp edge "$EDGE4" 5222
srv_tcp edge6 "$EDGE6" 5222
srv_tcp hello "$EDGE4" 4443
srv_tls www.example.org "$EDGE4" 443
srv_http edgeweb "$EDGE4" 8080
srv_tcp hostctr "$EDGE4" 8081

blocked_at() {
	local b r
	b=$(srv_bytes "$1")
	r=$(probe tcp "$2" 5222 -s 100 -t 2000)
	[ "${r%% *}" != OK ] || fail "$2 tcp 5222: got through ($r)"
	sleep 0.2
	assert_eq "$2 tcp 5222: bytes at $1 (probe: ${r%% *})" "$b" "$(srv_bytes "$1")"
}
as_uid() { u=$1; shift; setpriv --reuid "$u" --regid "$u" --clear-groups "$@"; }

# UID 2000 resolves the listed name while consented.
owner_ok consent push 1 >/dev/null
assert_eq "uid 2000: dig A" "$EDGE4" "$(as_uid 2000 dig +short +tries=1 +time=2 "@$DNS_ADDR" api.push.xiaomi.net A | tail -n1)"
assert_eq "uid 2000: dig AAAA" "$EDGE6" "$(as_uid 2000 dig +short +tries=1 +time=2 "@$DNS_ADDR" api.push.xiaomi.net AAAA | tail -n1)"
owner_ok consent push 0 >/dev/null
blocked_at edge "$EDGE4"

# Names on the learned address: judged by them.
r=$(https www.example.org 4443 "$EDGE4")
expect_flow_allowed "unlisted SNI on the learned address" "$r" hello 0
b=$(srv_bytes hello)
r=$(https api.push.xiaomi.net 4443 "$EDGE4")
expect_flow_blocked "listed SNI on the learned address" "$r" hello "$b"
r=$(timed curl -sSk --max-time "$CW_CLIENT_TIMEOUT" --resolve "www.example.org:443:$EDGE4" https://www.example.org/)
assert_eq "a whole TLS exchange, unlisted SNI, learned address: curl exit" 0 "${r%% *}"
grep -q "s_server" "$CW_OUT/timed.out" || fail "no s_server page: $(head -c 200 "$CW_OUT/timed.out")"
r=$(timed curl -sS --max-time "$CW_CLIENT_TIMEOUT" -H "Host: www.example.org" "http://$EDGE4:8080/")
assert_eq "unlisted Host on the learned address: curl exit" 0 "${r%% *}"
assert_eq "unlisted Host on the learned address: page" "ok edgeweb" "$(cat "$CW_OUT/timed.out")"
r=$(timed curl -sS --max-time "$CW_CLIENT_TIMEOUT" -H "Host: www.example.org" "http://$EDGE4:8081/")
expect_flow_allowed "unlisted Host on the learned address, counted" "$r" hostctr 0
b=$(srv_bytes hostctr)
r=$(timed curl -sS --max-time "$CW_CLIENT_TIMEOUT" -H "Host: api.push.xiaomi.net" "http://$EDGE4:8081/")
expect_flow_blocked "listed Host on the learned address" "$r" hostctr "$b"
# QUIC (ngtcp2's client and server): the Initial's SNI judges the whole
# connection, its Handshake and short-header packets included.
quic_start "$EDGE4" api.push.xiaomi.net www.example.org
set -- $(get www.example.org)
assert_eq "QUIC, unlisted SNI on the learned address: client exit" 0 "$1"
assert_eq "QUIC, unlisted SNI on the learned address: the page" "hello over quic" "$(got_page)"
b=$(srv_rx_settled)
set -- $(get api.push.xiaomi.net)
[ "$1" != 0 ] || fail "QUIC, listed SNI on the learned address: got through"
usleep 300000
assert_eq "QUIC, listed SNI on the learned address: datagrams at the server" "$b" "$(srv_rx)"

# and a flow with no name is judged by the address, as before
blocked_at edge "$EDGE4"

# UID 2001 floods: 10 answers of 30 addresses, more than the table holds.
owner_ok consent push 1 >/dev/null
for n in 0 1 2 3 4 5 6 7 8 9; do
	c=$(as_uid 2001 dig +short +tries=1 +time=2 +bufsize=1232 "@$DNS_ADDR" "f$n.push.xiaomi.net" AAAA | wc -l)
	assert_eq "uid 2001: f$n.push.xiaomi.net answered" 30 "$c"
done
owner_ok consent push 0 >/dev/null
assert_eq "the flood's last address is bound" "block f9.push.xiaomi.net" "$(learned_of 2001:db8:100::125e)"
assert_eq "the flood's first address went (its own quota)" "accept -" "$(learned_of 2001:db8:100::1001)"
assert_eq "uid 2000's IPv4 binding stays" "block api.push.xiaomi.net" "$(learned_of "$EDGE4")"
assert_eq "uid 2000's IPv6 binding stays" "block api.push.xiaomi.net" "$(learned_of "$EDGE6")"
blocked_at edge "$EDGE4"
blocked_at edge6 "$EDGE6"
dmesg_clean || fail "kernel warnings"
