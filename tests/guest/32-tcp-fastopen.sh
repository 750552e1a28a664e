# TCP Fast Open: a SYN that carries data (here an HTTP request, curl
# --tcp-fastopen, no cookie needed on either side) is judged by its
# payload's name like any first segment, and by its address like any SYN.
# The control proves the data really rode in the SYN: the server's
# TCPFastOpenPassive counter moves for the allowed request, not for the
# blocked ones.
. /cw/guest/lib.sh
. /cw/guest/names.sh
cw_require
net_up
# client: TFO on, without a cookie (1|4); server: on, no cookie, no
# TCP_FASTOPEN socket option needed (2|0x200|0x400)
sysctl -qw net.ipv4.tcp_fastopen=5
inet sysctl -qw net.ipv4.tcp_fastopen=1538
srv_tcp web "$UNLISTED" 80
srv_tcp listed 198.51.100.10 80
owner_start
owner_ok claim >/dev/null
owner_ok begin >/dev/null
owner_ok add push desc=Push domain=xiaomi.net >/dev/null
owner_ok add analytics desc=Analytics ip=198.51.100.10 >/dev/null
owner_ok commit >/dev/null

tfo_passive() {
	inet cat /proc/net/netstat | awk '$1 == "TcpExt:" {
		if (!n) { for (i = 2; i <= NF; i++) k[i] = $i; n = 1; next }
		for (i = 2; i <= NF; i++) if (k[i] == "TCPFastOpenPassive") print $i }'
}
# tfo_http HOST [ADDR]: curl with Fast Open, Host: HOST
tfo_http() {
	timed curl -sS --tcp-fastopen --max-time "$CW_CLIENT_TIMEOUT" \
		-H "Host: $1" "http://${2:-$UNLISTED}:80/"
}
[ -n "$(tfo_passive)" ] || fail "no TCPFastOpenPassive counter in inet"

p=$(tfo_passive)
b=$(srv_bytes web)
expect_flow_allowed "fast open, Host www.example.org" "$(tfo_http www.example.org)" web "$b"
assert_eq "the allowed request rode in the SYN (TCPFastOpenPassive)" $((p + 1)) "$(tfo_passive)"

p=$(tfo_passive)
for h in xiaomi.net app.chat.xiaomi.net; do
	b=$(srv_bytes web)
	expect_flow_blocked "fast open, Host $h" "$(tfo_http $h)" web "$b"
done
assert_eq "no blocked SYN with data arrived (TCPFastOpenPassive)" "$p" "$(tfo_passive)"
wait_event ' name xiaomi\.net( |$)'

# A listed address: the SYN with data is refused, and so is the plain SYN
# the kernel falls back to.
# (With TCP_FASTOPEN_CONNECT the connect is the first write: curl reports
# the refusal as exit 55, a failed send, rather than 7.)
r=$(tfo_http www.example.org 198.51.100.10)
set -- $r
assert_match "fast open to a listed address: curl exit (refused)" '^(7|55)$' "$1"
assert_lt "fast open to a listed address: failed in ms" "$FAST_MS" "$2"
assert_eq "fast open to a listed address: connections" 0 "$(srv_conns listed)"
assert_eq "no blocked SYN with data arrived (TCPFastOpenPassive)" "$p" "$(tfo_passive)"

# Consented, the same request goes, in the SYN.
owner_ok consent push 1 >/dev/null
b=$(srv_bytes web)
expect_flow_allowed "consented: fast open, Host xiaomi.net" "$(tfo_http xiaomi.net)" web "$b"
assert_eq "consented: in the SYN (TCPFastOpenPassive)" $((p + 1)) "$(tfo_passive)"
