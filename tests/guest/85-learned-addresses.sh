# Addresses learned from DNS answers: after consent, a listed name resolved
# through dnsmasq's CNAME chain (A and AAAA, UDP and TCP) binds the answered
# addresses to its purpose; once the purpose is denied, a plain TCP
# connection (port 5222, no name on the wire) and a UDP datagram to them
# are blocked and the servers there count nothing, while the same to an
# unlisted address gets through; an answer over TCP written in pieces
# binds too. explain names the answer's name; the
# binding ends with the TTL; commits re-derive it by name (purposes
# renumbered) or drop it (name no longer listed). Last, the same through
# consentd and consentctl: consentctl explain says which answer bound it,
# and the blocks' events (consentctl log) name that answer's host.
. /cw/guest/lib.sh
. /cw/guest/names.sh
. /cw/guest/learned.sh
. /cw/guest/4x-consentd.sh
cw_require
net_up
dnsmasq_start
owner_names
srv_tcp edge "$EDGE4" 5222
srv_tcp edge6 "$EDGE6" 5222
srv_udp edgeu "$EDGE4" 5222
srv_tcp short "$SHORT4" 5222
srv_tcp tcpdns "$TCP4" 5222
srv_tcp ctl "$CTL4" 5222

# blocked_at SRV ADDR [udp]: the connection (or datagram) fails and SRV
# counts not one more byte.
blocked_at() {
	local b r
	b=$(srv_bytes "$1")
	r=$(probe "${3:-tcp}" "$2" 5222 -s 100 -t 2000)
	[ "${r%% *}" != OK ] || fail "$2 ${3:-tcp} 5222: got through ($r)"
	sleep 0.2
	assert_eq "$2 ${3:-tcp} 5222: bytes at $1 (probe: ${r%% *})" "$b" "$(srv_bytes "$1")"
}

# No answer seen yet: the addresses are no purpose's.
expect_allowed_at edge tcp "$EDGE4" 5222
assert_eq "before any answer: explain" "accept -" "$(learned_of "$EDGE4")"

# Consented: resolving the listed name binds what the chain ends in.
owner_ok consent push 1 >/dev/null
assert_eq "dig A through the CNAME chain" "$EDGE4" "$(resolve api.push.xiaomi.net A)"
assert_eq "dig AAAA through the CNAME chain" "$EDGE6" "$(resolve Api.Push.Xiaomi.Net AAAA)"
assert_eq "dig +tcp A" "$TCP4" "$(resolve tcp.push.xiaomi.net A +tcp)"
assert_eq "dig the unlisted control" "$CTL4" "$(resolve www.example.org A)"
expect_allowed_at edge tcp "$EDGE4" 5222
assert_eq "consented: explain names the answer" "accept api.push.xiaomi.net" "$(learned_of "$EDGE4")"
cwnl explain tcp "$EDGE4" 5222 | grep -q '^purpose push .*consent 1' ||
	fail "explain: push not among the matches: $(cwnl explain tcp "$EDGE4" 5222 | tr '\n' ' ')"

# Withdrawn: the app's cached addresses no longer reach anything.
owner_ok consent push 0 >/dev/null
blocked_at edge "$EDGE4"
blocked_at edge6 "$EDGE6"
blocked_at edgeu "$EDGE4" udp
blocked_at tcpdns "$TCP4"
expect_allowed_at ctl tcp "$CTL4" 5222
assert_eq "denied: explain, IPv4" "block api.push.xiaomi.net" "$(learned_of "$EDGE4")"
assert_eq "denied: explain, IPv6" "block api.push.xiaomi.net" "$(learned_of "$EDGE6")"
assert_eq "denied: explain, answer over TCP" "block tcp.push.xiaomi.net" "$(learned_of "$TCP4")"
assert_eq "denied: explain, the control" "accept -" "$(learned_of "$CTL4")"
# a flow that names itself is judged by its name, so explain with --name
cwnl explain tcp "$EDGE4" 5222 name=www.example.org | grep -q '^verdict accept' ||
	fail "explain with an unlisted name on a learned address: not accepted"
# the block's event names the host of the answer, as if the flow showed it
wait_event "addr $EDGE4 .* name api\\.push\\.xiaomi\\.net purposes push"
wait_event "addr $EDGE6 .* name api\\.push\\.xiaomi\\.net purposes push"

# An answer over TCP that its server writes in pieces binds all the same:
# cwdns on .54 writes the length prefix in a segment of its own, on .55
# the prefix, then the message in two segments, 50 ms apart.
CUT1=198.51.100.24
CUT2=198.51.100.25
inet cwdns 198.51.100.54 53 "$CW_OUT/dns-cut1.log" "$CUT1" 2 >"$CW_OUT/dns-cut1.err" 2>&1 &
inet cwdns 198.51.100.55 53 "$CW_OUT/dns-cut2.log" "$CUT2" 2,30 >"$CW_OUT/dns-cut2.err" 2>&1 &
i=0
until [ -f "$CW_OUT/dns-cut1.log" ] && [ -f "$CW_OUT/dns-cut2.log" ]; do
	i=$((i + 1))
	[ $i -lt 200 ] || fail "cwdns did not start: $(cat "$CW_OUT"/dns-cut*.err)"
	usleep 20000
done
srv_tcp cut1 "$CUT1" 5222
srv_tcp cut2 "$CUT2" 5222
expect_allowed_at cut1 tcp "$CUT1" 5222
expect_allowed_at cut2 tcp "$CUT2" 5222
owner_ok consent push 1 >/dev/null
assert_eq "dig +tcp, the length prefix alone" "$CUT1" \
	"$(dig +short +tcp +tries=1 +time=2 @198.51.100.54 cut.push.xiaomi.net A | tail -n1)"
assert_eq "dig +tcp, the message in two" "$CUT2" \
	"$(dig +short +tcp +tries=1 +time=2 @198.51.100.55 cut.push.xiaomi.net A | tail -n1)"
owner_ok consent push 0 >/dev/null
blocked_at cut1 "$CUT1"
blocked_at cut2 "$CUT2"
assert_eq "answer with its prefix alone: explain" "block cut.push.xiaomi.net" "$(learned_of "$CUT1")"
assert_eq "answer in three segments: explain" "block cut.push.xiaomi.net" "$(learned_of "$CUT2")"

# The TTL: short.push.xiaomi.net has TTL 1, kept the 5 s floor.
owner_ok consent push 1 >/dev/null
assert_eq "dig the short-lived name" "$SHORT4" "$(resolve short.push.xiaomi.net A)"
owner_ok consent push 0 >/dev/null
blocked_at short "$SHORT4"
sleep 6
assert_eq "after its TTL: explain" "accept -" "$(learned_of "$SHORT4")"
expect_allowed_at short tcp "$SHORT4" 5222

# A commit that renumbers the purposes: the binding follows the name.
owner_ok begin >/dev/null
owner_ok add analytics desc=Analytics domain=tracking.example.com >/dev/null
owner_ok add other desc=Other ip=192.0.2.200 >/dev/null
owner_ok add push desc=Push domain=xiaomi.net >/dev/null
owner_ok commit >/dev/null
blocked_at edge "$EDGE4"
assert_eq "renumbered: explain" "block api.push.xiaomi.net" "$(learned_of "$EDGE4")"
# A commit without the name: the binding is dropped.
owner_ok begin >/dev/null
owner_ok add analytics desc=Analytics domain=tracking.example.com >/dev/null
owner_ok add push desc=Push domain=other.example.net >/dev/null
owner_ok commit >/dev/null
assert_eq "name no longer listed: explain" "accept -" "$(learned_of "$EDGE4")"
expect_allowed_at edge tcp "$EDGE4" 5222

# consentd owns the namespace now; consentctl explains.
owner_kill
cd_setup <<'RULES'
[push]
description = Push
domain = xiaomi.net
RULES
cd_start
ctl allow push >/dev/null
assert_eq "consentd: dig A" "$EDGE4" "$(resolve api.push.xiaomi.net A)"
ctl deny push >/dev/null
blocked_at edge "$EDGE4"
assert_eq "consentctl explain" \
	"block: matches push (denied); the address was learned from a DNS answer for api.push.xiaomi.net" \
	"$(ctl explain tcp "$EDGE4" 5222)"
assert_match "consentctl --json explain" '"learned_name":"api.push.xiaomi.net"' \
	"$(ctl --json explain tcp "$EDGE4" 5222)"
assert_eq "consentctl explain, the control" "accept: matches no purpose" \
	"$(ctl explain tcp "$CTL4" 5222)"
ctl_log_wait "blocked push +tcp $EDGE4:5222 .*api\.push\.xiaomi\.net\$" \
	"consentctl log names the host the learned address was for"
dmesg_clean || fail "kernel warnings"
