# Helpers of the identifier guard's client scenarios (93, 94), sourced
# after lib.sh and 4x-consentd.sh: every form of an identifier derived
# here with busybox (md5sum, sha1sum, sha256sum, base64, xxd, tr),
# independently of consentd's code, and servers in inet that record every
# byte they get (socat), so a test can say which payloads arrived.
ID_ADDR=203.0.113.80	# the destination no rule lists
ID_DNS=203.0.113.53	# dnsmasq, answering every name under example.
# Seconds a client waits (names.sh's default; the debug suite sets more).
CW_CLIENT_TIMEOUT=${CW_CLIENT_TIMEOUT:-4}

# cd_idents < IDENTIFIERS: cd_net, and consentd's config (cd_setup, one
# purpose, analytics, listing 198.51.100.10 only) with this identifiers
# file, mode 0600; cd_start is the caller's.
cd_idents() {
	cd_net
	cd_setup <<-'RULES'
	[analytics]
	description = Test analytics
	ip = 198.51.100.10
	RULES
	cat >"$CD/identifiers"
	chmod 0600 "$CD/identifiers"
	echo "identifiers = $CD/identifiers" >>"$CD/consentd.conf"
}

# _forms_of STRING: the hashes of one string and the base64 forms of it
# and of each hash's raw bytes. The base64 is computed here by awk (the
# RFC 4648 algorithm, one process for all of them), and each source's
# plain encoding is checked against busybox base64.
_forms_of() {
	local x x2 h md5 sha1 sha256
	x=$(printf '%s' "$1" | xxd -p | tr -d '\n')
	md5=$(printf '%s' "$1" | md5sum | cut -d' ' -f1)
	sha1=$(printf '%s' "$1" | sha1sum | cut -d' ' -f1)
	sha256=$(printf '%s' "$1" | sha256sum | cut -d' ' -f1)
	for h in md5 sha1 sha256; do
		eval "x2=\$$h"
		echo "$h-hex $x2"
		echo "$h-hex-upper $(echo "$x2" | tr a-f A-F)"
	done
	printf '%s\n' "- $x" "md5- $md5" "sha1- $sha1" "sha256- $sha256" | awk '
	BEGIN {
		T = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
		H = "0123456789abcdef"
	}
	function b64(b, n,   i, v, o) {
		o = ""
		for (i = 1; i <= n; i += 3) {
			v = b[i] * 65536 + (i + 1 <= n ? b[i + 1] * 256 : 0) + (i + 2 <= n ? b[i + 2] : 0)
			o = o substr(T, int(v / 262144) % 64 + 1, 1) substr(T, int(v / 4096) % 64 + 1, 1)
			o = o (i + 1 <= n ? substr(T, int(v / 64) % 64 + 1, 1) : "=")
			o = o (i + 2 <= n ? substr(T, v % 64 + 1, 1) : "=")
		}
		return o
	}
	function url(s) { gsub(/\+/, "-", s); gsub(/\//, "_", s); return s }
	# b[] = HEAD (codes), then the source bytes, then TAIL; returns n
	function fill(b, head, tail,   n, j, c) {
		n = 0
		for (j = 1; j <= length(head); j++) b[++n] = C[substr(head, j, 1)]
		for (j = 1; j < length(src); j += 2)
			b[++n] = (index(H, substr(src, j, 1)) - 1) * 16 + index(H, substr(src, j + 1, 1)) - 1
		for (j = 1; j <= length(tail); j++) b[++n] = C[substr(tail, j, 1)]
		return n
	}
	BEGIN { C["h"] = 104; C["d"] = 100; C["r"] = 114; C["t"] = 116; C["a"] = 97; C["i"] = 105; C["l"] = 108; C["x"] = 120 }
	{
		tag = $1 == "-" ? "" : $1; src = $2
		n = fill(b, "", ""); print "plain " b64(b, n)
		for (k = 0; k < 3; k++) {
			pad = substr("xx", 1, k)
			n = fill(b, "hdr" pad, "tail"); mid = b64(b, n)
			n = fill(b, pad, ""); end = b64(b, n)
			print tag "base64 " mid
			print tag "base64 " end
			print tag "base64url " url(mid)
			e = url(end); gsub(/=/, "", e); print tag "base64url " e
		}
	}' >"$CW_OUT/forms-of"
	# The plain encodings against busybox base64, in the order above.
	for x2 in "$x" "$md5" "$sha1" "$sha256"; do
		printf '%s' "$x2" | xxd -r -p | base64 | tr -d '\n'
		echo
	done >"$CW_OUT/forms-b64"
	grep '^plain ' "$CW_OUT/forms-of" | cut -d' ' -f2 | cmp -s - "$CW_OUT/forms-b64" ||
		fail "the forms' base64 (awk) differs from busybox base64 for $(echo "$1" | tr 0-9 N)"
	grep -v '^plain ' "$CW_OUT/forms-of"
}

# id_forms KIND VALUE: "KIND FORM STRING" lines, every form of the issue:
# the value as written; for an msisdn also E.164 with and without '+' and
# with %2B, and the hashes and base64 of both E.164 forms; MD5, SHA-1 and
# SHA-256 in lower and upper case hex; base64 and base64url of the value
# and of each hash's raw bytes at each alignment.
id_forms() {
	local kind=$1 v=$2 d
	echo "$kind text $v"
	if [ "$kind" = msisdn ]; then
		d=${v#+}
		echo "$kind e164 $d"
		echo "$kind e164-plus +$d"
		echo "$kind e164-pct %2B$d"
		{ _forms_of "+$d"; _forms_of "$d"; } | sed "s/^/$kind /"
	else
		_forms_of "$v" | sed "s/^/$kind /"
	fi
}

# srv_record NAME PORT: a TCP server on ID_ADDR that answers every
# connection with a short HTTP response and appends what it received, then
# a newline, to $CW_OUT/rec-NAME. srv_record_tls NAME PORT: the same behind
# TLS (a fresh self-signed certificate).
srv_record() { _srv_record "$1" "$2" TCP-LISTEN:$2,bind=$ID_ADDR,fork,reuseaddr; }
srv_record_tls() {
	local d=$CW_OUT/tls-$1
	mkdir -p "$d"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -subj "/CN=$1" -days 1 -keyout "$d/key.pem" \
		-out "$d/cert.pem" >/dev/null 2>&1 || fail "openssl req"
	_srv_record "$1" "$2" OPENSSL-LISTEN:$2,bind=$ID_ADDR,fork,reuseaddr,cert=$d/cert.pem,key=$d/key.pem,verify=0
}
_srv_record() {
	local f=$CW_OUT/rec-$1
	# socat's address syntax gives ':' and ',' meanings: the reply is a
	# script of its own.
	cat >"$f.sh" <<SH
#!/bin/sh
printf 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n'
cat >>$f
echo >>$f
SH
	chmod +x "$f.sh"
	inet socat "$3" EXEC:"$f.sh" 2>>"$f.err" &
	_wait_listen $ID_ADDR "$2"
	# _wait_listen's probes were empty connections: start clean.
	sleep 0.2
	: >"$f"
}

# srv_count PORT: lighttpd on ID_ADDR:PORT, one process for any number of
# connections, logging each request it served ("%I %r": bytes in, request
# line) to $CW_OUT/access-PORT.log; srv_count_log PORT prints that log
# once every request served before the call is in it (lighttpd_flush).
srv_count() {
	local w=$CW_OUT/www-$1
	mkdir -p "$w"
	echo ok >"$w/index.html"
	cat >"$w.conf" <<CONF
server.document-root = "$w"
server.bind = "$ID_ADDR"
server.port = $1
server.modules = ("mod_accesslog")
server.errorlog = "$w.err"
accesslog.filename = "$CW_OUT/access-$1.log"
accesslog.format = "%I %r"
index-file.names = ("index.html")
server.pid-file = "$w.pid"
# A refused flow is reset toward the app only: its connection stays open
# here, idle. Room for many, closed after a second of idleness.
server.max-fds = 8192
server.max-connections = 4000
server.max-read-idle = 1
server.max-keep-alive-idle = 1
CONF
	: >"$CW_OUT/access-$1.log"
	inet lighttpd -D -f "$w.conf" -m /usr/lib/lighttpd >"$w.out" 2>&1 &
	_wait_listen "$ID_ADDR" "$1"
}
srv_count_log() {
	lighttpd_flush "$CW_OUT/access-$1.log" "$ID_ADDR" "$1" "$CW_OUT/www-$1.pid"
	grep -v ' /flush-' "$CW_OUT/access-$1.log" || true
}

# srv_record_udp NAME PORT: every datagram to ID_ADDR:PORT appended to
# $CW_OUT/rec-NAME.
srv_record_udp() {
	: >"$CW_OUT/rec-$1"
	inet socat -u UDP-RECV:$2,bind=$ID_ADDR OPEN:"$CW_OUT/rec-$1",append \
		2>>"$CW_OUT/rec-$1.err" &
	sleep 0.3
}

# dns_record [--address=/DOMAIN/ADDR...]: dnsmasq on ID_DNS answering
# every name under example. (198.51.100.1; a longer DOMAIN given takes
# its own names), logging each query it got to $CW_OUT/rec-dns.
dns_record() {
	local i=0
	inet ip addr add "$ID_DNS/32" dev lo 2>/dev/null || true
	inet dnsmasq --keep-in-foreground --no-resolv --no-hosts --user=root \
		--listen-address="$ID_DNS" --bind-interfaces --port=53 \
		--pid-file= --log-queries --log-facility="$CW_OUT/rec-dns" \
		"$@" --address=/example/198.51.100.1 >"$CW_OUT/dnsmasq.err" 2>&1 &
	until inet dig +short +tries=1 +time=1 "@$ID_DNS" up.example A \
		2>/dev/null | grep -q '^198.51.100.1$'; do
		i=$((i + 1))
		[ $i -lt 50 ] || fail "dnsmasq did not answer: $(cat "$CW_OUT/dnsmasq.err")"
		usleep 100000
	done
}

# in_record FILE STRINGS-FILE: how many of the lines of STRINGS-FILE
# occur in FILE (fixed strings).
in_record() {
	local n=0 s
	while IFS= read -r s; do
		grep -q${GREP_I:+i}F -- "$s" "$1" && n=$((n + 1))
	done <"$2"
	echo $n
}
