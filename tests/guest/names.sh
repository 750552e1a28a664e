# Helpers of the name scenarios (5x-*.sh), sourced after lib.sh: a ruleset
# of domains, a DNS server in inet, TLS and HTTP clients that report their
# exit status and how long they took.
#
# push:      domain=xiaomi.net (the name and every subdomain)
# analytics: domain=tracking.example.com
# Nothing else matches: notxiaomi.net, example.org, the addresses used.
DNS_ADDR=198.51.100.53
# An address no rule lists: only the name can get a flow blocked there.
UNLISTED=198.51.100.11

rules_names() {
	owner_ok claim >/dev/null
	owner_ok begin >/dev/null
	owner_ok add push desc=Push domain=xiaomi.net >/dev/null
	owner_ok add analytics desc=Analytics domain=tracking.example.com >/dev/null
	owner_ok commit
}

# owner_names: an owner that claimed and committed rules_names
owner_names() {
	owner_start
	rules_names >/dev/null
}

# dns_start: cwdns in inet, and the handset's resolver pointed at it.
dns_start() {
	local i=0
	rm -f "$CW_OUT/dns.log"
	inet cwdns "$DNS_ADDR" 53 "$CW_OUT/dns.log" "$UNLISTED" \
		>"$CW_OUT/dns.err" 2>&1 &
	while [ ! -f "$CW_OUT/dns.log" ]; do
		i=$((i + 1))
		[ $i -lt 200 ] || fail "cwdns did not start: $(cat "$CW_OUT/dns.err")"
		usleep 20000
	done
	printf 'nameserver %s\noptions timeout:2 attempts:1\n' "$DNS_ADDR" \
		>/etc/resolv.conf
}

# dns_asked NAME: how many queries for NAME reached the server
dns_asked() { grep -c " $1\$" "$CW_OUT/dns.log" || true; }

# timed CMD...: runs CMD (output to $CW_OUT/timed.out), prints
# "<exit status> <ms>"
timed() {
	local t0 rc=0
	t0=$(now_ms)
	"$@" >"$CW_OUT/timed.out" 2>&1 || rc=$?
	echo "$rc $(($(now_ms) - t0))"
}

# Clients give up after CW_CLIENT_TIMEOUT seconds. A blocked attempt must
# fail well before that (a reset or a refused send, not a timeout); under
# QEMU without KVM a client takes over a second just to start, so "fast"
# is measured against the timeout rather than in absolute terms.
CW_CLIENT_TIMEOUT=${CW_CLIENT_TIMEOUT:-4}
FAST_MS=$((CW_CLIENT_TIMEOUT * 1000 - 500))

# https NAME PORT [ADDR]: curl to ADDR (default UNLISTED) with NAME as SNI.
# The servers are byte counters, not TLS: a ClientHello that gets through
# waits for an answer until --max-time (exit 28).
https() {
	timed curl -sSk --max-time "$CW_CLIENT_TIMEOUT" --resolve "$1:$2:${3:-$UNLISTED}" \
		"https://$1:$2/"
}

# http NAME: a plain request to UNLISTED port 80 with Host: NAME
http() {
	timed curl -sS --max-time "$CW_CLIENT_TIMEOUT" -H "Host: $1" "http://$UNLISTED:80/"
}

# expect_flow_blocked WHAT "<rc> <ms>" SERVER BYTES_BEFORE: the client
# failed fast and the server got no byte.
expect_flow_blocked() {
	set -- "$1" $2 "$3" "$4"
	[ "$2" != 0 ] && [ "$2" != 28 ] ||
		fail "$1: client exit $2, expected a fast failure ($(tr '\n' ' ' <"$CW_OUT/timed.out"))"
	assert_lt "$1: client failed in ms" "$FAST_MS" "$3"
	assert_eq "$1: bytes at $4" "$5" "$(srv_bytes "$4")"
}

# expect_flow_allowed WHAT "<rc> <ms>" SERVER BYTES_BEFORE: the request
# reached the server (which never answers: the client times out).
expect_flow_allowed() {
	set -- "$1" $2 "$3" "$4"
	assert_eq "$1: client ran into its timeout" 28 "$2"
	assert_gt "$1: bytes at $4" "$5" "$(srv_bytes "$4")"
}

# wait_event PATTERN: an owner event matching PATTERN arrives within 2 s
wait_event() {
	local i=0
	while ! owner_events | grep -qE -- "$1"; do
		i=$((i + 1))
		[ $i -lt 100 ] || fail "no event matching /$1/: $(owner_events | tr '\n' '|')"
		usleep 20000
	done
	pass "event /$1/"
}

# capture_hello NAME FILE: a ClientHello as openssl sends it for NAME,
# captured on loopback (not policed) into $CW_OUT/FILE. The listener may
# start late on a slow guest (debug kernel): openssl retries until it has
# taken one connection, and the listener gives up after a minute.
capture_hello() {
	local i=0 lst
	rm -f "$CW_OUT/$2"
	timeout 60 socat -u TCP-LISTEN:4433,bind=127.0.0.1,reuseaddr \
		OPEN:"$CW_OUT/$2",creat &
	lst=$!
	while [ ! -s "$CW_OUT/$2" ] && [ $i -lt 20 ]; do
		usleep 200000
		timeout 2 openssl s_client -connect 127.0.0.1:4433 -servername "$1" \
			</dev/null >/dev/null 2>&1 || true
		i=$((i + 1))
	done
	wait $lst 2>/dev/null || true
	[ -s "$CW_OUT/$2" ] || fail "no ClientHello captured for $1"
}

# quic_start ADDR NAME...: the NAMEs resolve to ADDR in /etc/hosts (put
# back when the scenario exits) and gtlsserver, ngtcp2's HTTP/3 server,
# serves "hello over quic" on ADDR udp 443 in inet, with a fresh key and
# self-signed certificate.
quic_start() {
	local a=$1 i=0
	shift
	cp /etc/hosts "$CW_OUT/hosts.saved"
	trap 'cp "$CW_OUT/hosts.saved" /etc/hosts' EXIT
	printf '127.0.0.1 localhost\n%s %s\n' "$a" "$*" >/etc/hosts
	mkdir -p "$CW_OUT/htdocs"
	echo "hello over quic" >"$CW_OUT/htdocs/index.html"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$CW_OUT/quic.key" -out "$CW_OUT/quic.crt" -days 2 -subj /CN=quic \
		>/dev/null 2>&1 || fail "no certificate"
	inet gtlsserver -d "$CW_OUT/htdocs" "$a" 443 "$CW_OUT/quic.key" \
		"$CW_OUT/quic.crt" >"$CW_OUT/quic-srv.log" 2>&1 &
	while ! inet cat /proc/net/udp | grep -q ':01BB '; do
		i=$((i + 1))
		[ $i -lt 200 ] || fail "gtlsserver did not start: $(tail -3 "$CW_OUT/quic-srv.log")"
		usleep 20000
	done
}

# srv_rx: datagrams the QUIC server received so far
srv_rx() { grep -c ' pkt rx ' "$CW_OUT/quic-srv.log" || true; }

# srv_rx_settled: srv_rx once it held still for 200 ms (a client that
# exited may have left its last datagrams on the way: its CONNECTION_CLOSE)
srv_rx_settled() {
	local a b i=0
	b=$(srv_rx)
	while [ $i -lt 25 ]; do
		usleep 200000
		a=$b
		b=$(srv_rx)
		[ "$a" != "$b" ] || break
		i=$((i + 1))
	done
	echo "$b"
}

# get NAME: an HTTP/3 GET of https://NAME/index.html; "<rc> <ms>"
get() {
	rm -rf "$CW_OUT/dl"
	mkdir -p "$CW_OUT/dl"
	timed timeout 20 gtlsclient -q --exit-on-all-streams-close \
		--timeout="${CW_CLIENT_TIMEOUT}s" --download="$CW_OUT/dl" \
		"$1" 443 "https://$1/index.html"
}

# got_page: the GET downloaded the server's page
got_page() { cat "$CW_OUT/dl/index.html" 2>/dev/null || true; }

# quic_or_skip: skip (never pass) where the module could not get its
# QUIC crypto, hmac(sha256) and the AES library: every Initial would fail
# closed, and there is nothing to test (check-debug.sh makes sure the
# debug kernel has them)
quic_or_skip() {
	! dmesg | grep -q 'QUIC Initials cannot be read' ||
		skip "no QUIC crypto in this kernel"
}
