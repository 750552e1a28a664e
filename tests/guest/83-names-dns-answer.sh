# DNS answered at once: a blocked query gets a local answer (REFUSED, or
# NXDOMAIN with dns_answer=nxdomain) from "the server", so every resolver
# fails at once instead of waiting for its timeout: dig over UDP and TCP,
# IPv4 and IPv6, and the libc resolver (getent, getaddrinfo). The answer
# echoes the query's ID and question; the server gets nothing. An HTTPS
# (type 65) query for a listed name, and its attrleaf form
# _8443._https.NAME, are refused the same way, and the event names NAME.
# Controls on the same paths: unlisted names resolve at the server, and
# consent lets the listed ones through. With block=drop nothing answers.
. /cw/guest/lib.sh
. /cw/guest/names.sh
cw_require
net_up
dns_start
DNS6_ADDR=2001:db8:100::53
inet cwdns "$DNS6_ADDR" 53 "$CW_OUT/dns6.log" "$UNLISTED" >"$CW_OUT/dns6.err" 2>&1 &
i=0
while [ ! -f "$CW_OUT/dns6.log" ]; do
	i=$((i + 1))
	[ $i -lt 200 ] || fail "cwdns on $DNS6_ADDR did not start: $(cat "$CW_OUT/dns6.err")"
	usleep 20000
done
owner_names

# The server would answer anything in ms: "at once" is within 200 ms of
# dig's own clock (its Query time), and of the getaddrinfo() call. The
# debug kernel (KASAN, lockdep, under QEMU without KVM) runs everything
# ten times slower: there it checks what the sanitizers see, and "at
# once" is still far below the clients' 4 s timeout.
QUICK_MS=200
case $(uname -r) in
*cwdebug*) QUICK_MS=2000 ;;
esac

# dq SERVER ARGS...: dig, one try, its output in $CW_OUT/dig.out
dq() {
	local s=$1
	shift
	dig +tries=1 +time="$CW_CLIENT_TIMEOUT" "@$s" "$@" >"$CW_OUT/dig.out" 2>&1 || true
}
dig_status() { sed -n 's/.*->>HEADER<<- .* status: \([A-Z]*\),.*/\1/p' "$CW_OUT/dig.out"; }
dig_ms() { sed -n 's/^;; Query time: \([0-9]*\) msec.*/\1/p' "$CW_OUT/dig.out"; }

# answered WHAT STATUS LOG NAME SERVER ARGS... QNAME QTYPE: dig got STATUS
# from the module within QUICK_MS, its question echoed as sent (case
# included), and LOG (the server's) holds no query for NAME.
answered() {
	local what=$1 st=$2 lg=$3 name=$4 c q
	shift 4
	eval "q=\${$(($# - 1))}"
	c=$(counter_answered)
	dq "$@"
	log "$what: $(tr '\n' '|' <"$CW_OUT/dig.out")"
	assert_eq "$what: status" "$st" "$(dig_status)"
	assert_lt "$what: dig's query time (ms)" "$QUICK_MS" "$(dig_ms)"
	assert_match "$what: the question echoed" "^;$q\\.[[:space:]]+IN[[:space:]]+$(eval echo \${$#})\$" "$(cat "$CW_OUT/dig.out")"
	assert_match "$what: the reason, as an extended DNS error" '^; EDE: 15 \(Blocked\)' "$(cat "$CW_OUT/dig.out")"
	assert_eq "$what: queries at the server" 0 "$(grep -c " $name\$" "$lg" || true)"
	assert_eq "$what: counted in dns_answered" $((c + 1)) "$(counter_answered)"
}
counter_answered() { status_get counter dns_answered; }

# resolves WHAT LOG NAME SERVER ARGS...: the control: NOERROR from the
# server, which logged the query.
resolves() {
	local what=$1 lg=$2 name=$3 n
	shift 3
	n=$(grep -c " $name\$" "$lg" || true)
	dq "$@"
	assert_eq "$what: status" NOERROR "$(dig_status)"
	assert_eq "$what: queries at the server" $((n + 1)) "$(grep -c " $name\$" "$lg" || true)"
}

D4=$CW_OUT/dns.log
D6=$CW_OUT/dns6.log

# UDP and TCP, IPv4 and IPv6: the listed name refused, an unlisted one
# on the same path resolves.
answered "dig udp v4, listed" REFUSED "$D4" push.xiaomi.net "$DNS_ADDR" push.xiaomi.net A
assert_match "dig udp v4: the query's id echoed (dig checks it)" 'status: REFUSED, id: [0-9]+' "$(cat "$CW_OUT/dig.out")"
resolves "dig udp v4, unlisted" "$D4" www.example.org "$DNS_ADDR" www.example.org A
answered "dig tcp v4, listed" REFUSED "$D4" api.tracking.example.com "$DNS_ADDR" +tcp api.tracking.example.com AAAA
resolves "dig tcp v4, unlisted" "$D4" tcp.example.org "$DNS_ADDR" +tcp tcp.example.org A
answered "dig udp v6, listed" REFUSED "$D6" xiaomi.net "$DNS6_ADDR" xiaomi.net A
resolves "dig udp v6, unlisted" "$D6" v6.example.org "$DNS6_ADDR" v6.example.org A
answered "dig tcp v6, listed" REFUSED "$D6" app.chat.xiaomi.net "$DNS6_ADDR" +tcp App.Chat.Xiaomi.NET A
resolves "dig tcp v6, unlisted" "$D6" tcp6.example.org "$DNS6_ADDR" +tcp tcp6.example.org A

# The types that carry ECH configs, and the attrleaf form of a port.
answered "dig HTTPS (type 65)" REFUSED "$D4" push.xiaomi.net "$DNS_ADDR" push.xiaomi.net HTTPS
answered "dig _8443._https. (type 65)" REFUSED "$D4" _8443._https.push.xiaomi.net "$DNS_ADDR" _8443._https.push.xiaomi.net HTTPS
answered "dig SVCB (type 64), _8443._wss." REFUSED "$D4" _8443._wss.push.xiaomi.net "$DNS_ADDR" _8443._wss.push.xiaomi.net SVCB
resolves "dig _8443._https. of an unlisted name" "$D4" _8443._https.www.example.org "$DNS_ADDR" _8443._https.www.example.org HTTPS
owner_events >"$CW_OUT/events"
assert_match "the attrleaf query's event names the host" ' name push\.xiaomi\.net( |$)' "$(cat "$CW_OUT/events")"
assert_nomatch "no event names the attrleaf form" 'name _' "$(cat "$CW_OUT/events")"

# The libc resolver: getaddrinfo() fails at once, the server sees nothing;
# an unlisted name resolves through the same server.
r=$(cwprobe resolve resolver.msg.xiaomi.net || true)
log "getaddrinfo, listed: $r"
set -- $r
assert_eq "getaddrinfo, listed name: refused (no address)" EAI_AGAIN "$1"
assert_lt "getaddrinfo, listed name: ms" "$QUICK_MS" "$2"
assert_eq "getaddrinfo, listed name: queries at the server" 0 "$(dns_asked resolver.msg.xiaomi.net)"
assert_eq "getent hosts, listed name: exit" 2 "$(/usr/bin/getent hosts resolver.msg.xiaomi.net >/dev/null 2>&1 && echo 0 || echo $?)"
# The libc resolver over TCP (use-vc): its A and AAAA queries in one
# segment; the first is answered, the flow reset behind it.
r=$(RES_OPTIONS=use-vc cwprobe resolve resolver.msg.xiaomi.net || true)
log "getaddrinfo over TCP, listed: $r"
set -- $r
assert_eq "getaddrinfo over TCP, listed name: refused (no address)" EAI_AGAIN "$1"
assert_lt "getaddrinfo over TCP, listed name: ms" "$QUICK_MS" "$2"
assert_eq "getaddrinfo over TCP, listed name: queries at the server" 0 "$(dns_asked resolver.msg.xiaomi.net)"
r=$(cwprobe resolve www.example.com || true)
assert_eq "getaddrinfo, unlisted name: the server's answer" "OK $UNLISTED" "${r%% *} ${r##* }"
r=$(RES_OPTIONS=use-vc cwprobe resolve tcp.example.com || true)
assert_eq "getaddrinfo over TCP, unlisted name: the server's answer" "OK $UNLISTED" "${r%% *} ${r##* }"
assert_eq "getaddrinfo over TCP, unlisted name: over TCP at the server" 2 "$(grep -c "^tcp tcp.example.com\$" "$D4" || true)"
assert_eq "getent hosts, unlisted name" "$UNLISTED" "$(/usr/bin/getent hosts www.example.com | awk '{ print $1 }')"

# NXDOMAIN as an option, read at each answer.
echo nxdomain >/sys/module/consentwall/parameters/dns_answer
assert_eq "dns_answer reads back" nxdomain "$(cat /sys/module/consentwall/parameters/dns_answer)"
answered "dig udp, dns_answer=nxdomain" NXDOMAIN "$D4" push.xiaomi.net "$DNS_ADDR" push.xiaomi.net A
answered "dig tcp, dns_answer=nxdomain" NXDOMAIN "$D4" push.xiaomi.net "$DNS_ADDR" +tcp push.xiaomi.net A
r=$(cwprobe resolve resolver.msg.xiaomi.net || true)
set -- $r
assert_eq "getaddrinfo, dns_answer=nxdomain: no such name" EAI_NONAME "$1"
assert_lt "getaddrinfo, dns_answer=nxdomain: ms" "$QUICK_MS" "$2"
assert_eq "getent hosts, dns_answer=nxdomain: exit" 2 "$(/usr/bin/getent hosts resolver.msg.xiaomi.net >/dev/null 2>&1 && echo 0 || echo $?)"
! echo bogus >/sys/module/consentwall/parameters/dns_answer 2>/dev/null ||
	fail "dns_answer took a bad value"
assert_eq "a bad dns_answer changes nothing" nxdomain "$(cat /sys/module/consentwall/parameters/dns_answer)"
echo refused >/sys/module/consentwall/parameters/dns_answer

# block=drop: silent, nothing answers (dig runs into its timeout).
echo drop >/sys/module/consentwall/parameters/block
c=$(counter_answered)
dig +tries=1 +time=1 "@$DNS_ADDR" push.xiaomi.net A >"$CW_OUT/dig.out" 2>&1 && fail "block=drop: dig got an answer: $(cat "$CW_OUT/dig.out")"
assert_eq "block=drop: no status" "" "$(dig_status)"
assert_eq "block=drop: nothing answered" "$c" "$(counter_answered)"
assert_eq "block=drop: queries at the server" 0 "$(dns_asked push.xiaomi.net)"
echo reject >/sys/module/consentwall/parameters/block

# Consent lets the listed names through, to the server.
owner_ok consent push 1 >/dev/null
resolves "after consent: dig udp v4" "$D4" push.xiaomi.net "$DNS_ADDR" push.xiaomi.net A
resolves "after consent: dig tcp v6" "$D6" app.chat.xiaomi.net "$DNS6_ADDR" +tcp app.chat.xiaomi.net A
resolves "after consent: _8443._https." "$D4" _8443._https.push.xiaomi.net "$DNS_ADDR" _8443._https.push.xiaomi.net HTTPS
r=$(cwprobe resolve resolver.msg.xiaomi.net || true)
assert_eq "after consent: getaddrinfo" "OK $UNLISTED" "${r%% *} ${r##* }"
# analytics is still denied
answered "analytics still denied" REFUSED "$D4" tracking.example.com "$DNS_ADDR" tracking.example.com A
dmesg_clean || fail "kernel warnings"
