#!/bin/sh
# consentctl's command line against a real consentd on the host (not
# connected to any kernel module, in a network namespace of its own when
# unshare can make one) and against fake daemons of another protocol
# version. TAP. Usage: test-cli.sh BUILD_DIR
set -u
B=$(cd "$1" && pwd)
T=$(mktemp -d)
n=0 bad=0
dpid= fpid=
cleanup() {
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null
	[ -n "$fpid" ] && kill "$fpid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
t() { # t STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; bad=1; fi
}
# has DESC GREP-ARGS...: the last command's output matches (grep -q); the
# TAP line shows the output, its lines joined by '|'
has() {
	desc=$1
	shift
	grep -q "$@" "$T/out"
	t $? "$desc: $(paste -sd'|' "$T/out")"
}
# line N DESC STRING: line N of the last command's output is STRING
line() {
	got=$(sed -n "$1p" "$T/out")
	[ "$got" = "$3" ]
	t $? "$2: $got"
}
# rc WANT DESC CMD...: the exit status of CMD must be WANT
rc() {
	want=$1 desc=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	[ "$got" = "$want" ]
	t $? "$desc (exit $got, want $want)"
}

mkdir -p "$T/rules" "$T/state"
cat >"$T/rules/10-t.rules" <<'R'
[analytics]
description = test purpose
ip = 192.0.2.1
[123]
description = a purpose whose name reads as a number
ip = 192.0.2.2
R
: >"$T/conf"
ns=
unshare -n true 2>/dev/null && ns="unshare -n"
$ns "$B/consentd" --foreground --config "$T/conf" --rules-dir "$T/rules" \
	--state-dir "$T/state" --socket "$T/s" >"$T/dlog" 2>&1 &
dpid=$!
i=0
while [ ! -S "$T/s" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
C="$B/consentctl --socket $T/s"

rc 1 "get of a purpose never allowed: denied" $C get analytics
has "get prints one line" -x 'analytics: denied (never allowed)'
# No module here: consentd refuses to grant what it cannot enforce.
rc 1 "allow without the kernel module: 1" $C allow analytics -j
has "allow --json: an error of kind kernel" '^{"error":{"kind":"kernel","message":"the consentwall kernel module is not under'
rc 1 "options after the command: get analytics --json --socket" \
	"$B/consentctl" get analytics --json --socket "$T/s"
has "get --json: the purpose, entries a number" '^{"purpose":{"name":"analytics",.*"entries":1,"consent":"denied"'
rc 3 "get of an unknown purpose: 3, not 'denied'" $C get nosuch
[ "$(wc -l <"$T/err")" = 1 ] && grep -q "no purpose 'nosuch'.*known: analytics, 123" "$T/err"
t $? "one stderr line naming the known purposes: $(cat "$T/err")"
rc 2 "get with no purpose: usage error" $C get
rc 2 "get with two purposes: usage error" $C get analytics 123
rc 0 "deny -j succeeds" $C -j deny analytics
has "deny --json" '^{"purposes":\[{"name":"analytics","consent":"denied","kernel":"not connected"}\]}$'
rc 0 "status -j" $C status -j
grep -q '"you_may_change":true' "$T/out" && grep -q '"pid":[0-9]' "$T/out" &&
	grep -q '"name":"123"' "$T/out"
t $? "status --json: booleans, numbers, and a name that reads as a number stays a string"
grep -q '"event_gaps":0,"netlink_overruns":0,"receipts":"written"' "$T/out"
t $? "status --json: event_gaps and netlink_overruns numbers, receipts"
rc 0 "status" $C status
grep -qx 'events:   0 blocked attempts seen, 0 gaps (events lost), 0 netlink overruns' "$T/out" &&
	grep -qx "receipts: $T/state/[^ ]* (written)" "$T/out"
t $? "status shows gaps, overruns and the receipts' state: $(grep -e ^events -e ^receipts "$T/out" | tr '\n' '|')"
grep -qx "rules: .* entries from $T/rules over /usr/lib/consentwall/rules.d" "$T/out"
t $? "status names the vendor rules directory under the admin's: $(grep ^rules "$T/out")"
rc 3 "get with consentd not running: 3" "$B/consentctl" --socket "$T/none" get analytics
rc 1 "status with consentd not running: 1" "$B/consentctl" -j --socket "$T/none" status
has "error object with kind and exit status" '^{"error":{"kind":"connect","message":"consentd is not running.*","exit_status":1}}$'
rc 2 "unknown option after the command: 2" $C status --frob
grep -q '"kind":"usage"' "$T/out" || ! grep -q . "$T/out"
t $? "no stray output on a usage error"
rc 0 "help" "$B/consentctl" help
rc 0 "help get" "$B/consentctl" help get
grep -q '^Usage: consentctl .* get PURPOSE$' "$T/out"
t $? "help get is get's usage"
rc 0 "get --help" "$B/consentctl" get --help
rc 2 "help of an unknown command: 2" "$B/consentctl" help frob
rc 0 "--version" "$B/consentctl" --version
has "--version" -x 'consentctl [0-9.]* (control protocol 1)'

# Fake daemons: one older than the handshake, one of protocol 2, and
# protocol-1 ones that answer with what consentd sends in cases the host
# daemon cannot show (busy, permission, gaps, skipped files). Each logs
# what it was sent: an ALLOW must never reach the first two.
# fake VERSION_REPLY [OTHER_REPLY]: printf formats; FOLLOW gets $T/r.follow
# (when it exists) and ends the connection; a VERSION_REPLY of "-" is sent
# at once without reading anything, then the connection ends (busy) when
# the client ends it: a script that exits at once makes socat fail to pass
# on what the client sent (EPIPE) and drop the connection, sometimes
# before the answer, which consentd, closing its socket, never loses.
fake() {
	rm -f "$T/f.sock" "$T/f.log"
	printf "$1" >"$T/r.version"
	printf "${2:-$1}" >"$T/r.other"
	cat >"$T/fake.sh" <<F
#!/bin/sh
if [ "\$(cat $T/r.version)" = - ]; then cat $T/r.other; cat >/dev/null; exit; fi
while read -r l; do
	echo "\$l" >>$T/f.log
	case "\$l" in
	VERSION) cat $T/r.version ;;
	FOLLOW) [ -f $T/r.follow ] && cat $T/r.follow; exit ;;
	*) cat $T/r.other ;;
	esac
done
F
	chmod +x "$T/fake.sh"
	socat UNIX-LISTEN:"$T/f.sock",fork EXEC:"$T/fake.sh" &
	fpid=$!
	i=0
	while [ ! -S "$T/f.sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
}
unfake() { kill "$fpid"; wait "$fpid" 2>/dev/null; fpid=; rm -f "$T/r.follow"; }
F="$B/consentctl --socket $T/f.sock"
V1='version protocol=1 software=0.1.0\nOK\n'
if command -v socat >/dev/null; then
	fake 'ERR usage unknown request or wrong arguments: VERSION\n'
	rc 1 "a daemon without VERSION: 1" $F allow analytics
	grep -q "does not speak control protocol 1" "$T/err" && [ "$(wc -l <"$T/err")" = 1 ]
	t $? "says so in one line: $(cat "$T/err")"
	[ "$(cat "$T/f.log")" = VERSION ]
	t $? "and sent it nothing but VERSION: $(tr '\n' ' ' <"$T/f.log")"
	unfake
	fake 'version protocol=2 software=9.0.0\nOK\n'
	rc 1 "a daemon of protocol 2: 1" $F -j deny analytics
	has "names both versions" '^{"error":{"kind":"version","message":"consentd 9.0.0 at .* speaks control protocol 2, this consentctl .* speaks 1'
	[ "$(cat "$T/f.log")" = VERSION ]
	t $? "and sent it nothing but VERSION: $(tr '\n' ' ' <"$T/f.log")"
	unfake

	# consentd refuses a connection past its client cap: ERR busy, closed.
	fake - 'ERR busy too many connections from unprivileged users; try again\n'
	rc 4 "consentd busy: exit 4" $F status
	[ "$(cat "$T/err")" = "consentctl: consentd at $T/f.sock is busy (too many connections from unprivileged users; try again)" ]
	t $? "busy: one line: $(cat "$T/err")"
	rc 4 "consentd busy, get: exit 4 too" $F get analytics
	rc 4 "consentd busy, --json" $F -j status
	has "busy: an error of kind busy" '^{"error":{"kind":"busy","message":"consentd at .* is busy (too many.*","exit_status":4}}$'
	unfake

	# LOG and FOLLOW need root or the control group.
	fake "$V1" 'ERR permission permission denied: the blocked-attempt log names apps and hosts; reading it needs root (you are uid 1000)\n'
	rc 1 "log without the right: exit 1" $F log --follow
	[ "$(cat "$T/err")" = "consentctl: permission denied: the blocked-attempt log names apps and hosts; reading it needs root (you are uid 1000)" ] &&
		! grep -q . "$T/out"
	t $? "log: one line, nothing else: $(cat "$T/err")"
	rc 1 "log -j without the right: exit 1" $F -j log
	has "log --json: an error of kind permission" '^{"error":{"kind":"permission","message":"permission denied: .*","exit_status":1}}$'
	unfake

	# Lost events: a gap record among the events.
	ev='event time=1700000000 purposes=analytics family=ipv4 proto=tcp addr=192.0.2.1 port=80 generation=3 count=1\n'
	gap='gap time=1700000001 reason=netlink%%20receive%%20buffer%%20full\n'
	fake "$V1" "$ev${gap}${ev}OK\n"
	rc 0 "log with a gap" $F log
	[ "$(sed -n 2p "$T/out")" = "2023-11-14 22:13:21 GAP      events were lost here (netlink receive buffer full)" ] &&
		[ "$(wc -l <"$T/out")" = 3 ]
	t $? "log: a gap line between the events: $(sed -n 2p "$T/out")"
	rc 0 "log -j with a gap" $F -j log
	has "log --json: the gap in place in events" '^{"events":\[{"time":1700000000,.*},{"gap":{"time":1700000001,"reason":"netlink receive buffer full"}},{"time":1700000000,'
	unfake
	printf "$gap$ev" >"$T/r.follow"
	fake "$V1" 'OK\n'
	rc 1 "log --follow -j with a gap (then consentd goes)" $F -j log --follow
	[ "$(sed -n 1p "$T/out")" = '{"gap":{"time":1700000001,"reason":"netlink receive buffer full"}}' ] &&
		sed -n 2p "$T/out" | grep -q '^{"time":1700000000,"purposes":\["analytics"\]'
	t $? "follow --json: a gap object, then the event: $(head -2 "$T/out" | tr '\n' ' ')"
	printf "$gap" >"$T/r.follow"
	rc 1 "log --follow with a gap" $F log --follow
	grep -q '^2023-11-14 22:13:21 GAP      events were lost here' "$T/out"
	t $? "follow: the gap line: $(head -1 "$T/out")"
	unfake

	# A skipped file says what is in force instead of it.
	fake "$V1" 'daemon pid=7 kernel=connected generation=2 purposes=1 entries=1 skipped_files=2 events=0 event_gaps=0 netlink_overruns=0 receipts=written you_may_change=true\nskipped error=/r/10-a.rules:3:6:%%20bad purposes=analytics,ads in_force=last%%20good%%20version\nskipped error=/r/20-b.rules:1:1:%%20bad purposes=maps in_force=nothing%%20(not%%20committed)\nOK\n'
	rc 0 "status with skipped files" $F status
	grep -q '^SKIPPED:  /r/10-a.rules:3:6: bad$' "$T/out" &&
		grep -q '^          in force instead: its last good version (purposes analytics,ads)$' "$T/out" &&
		grep -q '^          in force instead: nothing, no ruleset was committed: every purpose stays blocked$' "$T/out" &&
		! grep -q 'until fixed' "$T/out"
	t $? "status says what is in force for each: $(grep -A1 SKIPPED "$T/out" | tr '\n' '|')"
	rc 0 "status -j with skipped files" $F -j status
	has "status --json: skipped with in_force" '"skipped":\[{"error":"/r/10-a.rules:3:6: bad","purposes":\["analytics","ads"\],"in_force":"last good version"}'
	unfake

	# The identifier guard: the kind and form of what was blocked, the
	# scan's counters, per kind and form counts, and what explain says.
	ev='event time=1700000000 purposes=cleartext-identifiers family=ipv4 proto=tcp addr=203.0.113.9 port=80 uid=10061 app=com.example.sdk user=0 ident_kind=imei ident_form=sha1-hex generation=3 count=2\n'
	fake "$V1" "${ev}OK\n"
	rc 0 "log of an identifier event" $F log
	line 1 "log: names kind and form" "2023-11-14 22:13:20 blocked cleartext-identifiers tcp 203.0.113.9:80 uid 10061 (com.example.sdk, user 0) carrying imei sha1-hex (2 attempts)"
	rc 0 "log -j of an identifier event" $F -j log
	has "log --json: ident_kind and ident_form" '"ident_kind":"imei","ident_form":"sha1-hex"'
	unfake
	kc='idents_scanned=120 idents_skipped=7 idents_blocked=5'
	fake "$V1" "daemon pid=7 kernel=connected generation=2 purposes=1 entries=1 skipped_files=0 events=5 event_gaps=0 netlink_overruns=0 receipts=written you_may_change=true\nkernel policed=true configured=true owner=9 generation=2 entries=1 memory=4096 owner_releases=0 events_sent=5 events_dropped=0 unconfigured_blocked=0 commits=1 names_failed=0 dns_answered=0 flows_remembered=0 flows_revoked=0 flows_refused=0 $kc\nOK\n"
	rc 0 "status with the identifier counters" $F status
	has "status: the identifier scan's line" -x 'identifiers: scanned 120, skipped 7 (TLS/QUIC), blocked 5'
	unfake
	fake "$V1" "counters generation=2 entries=1 memory=4096 owner_releases=0 events_sent=5 events_dropped=0 unconfigured_blocked=0 commits=1 names_failed=0 dns_answered=0 flows_remembered=0 flows_revoked=0 flows_refused=0 $kc events_received=5\npurpose name=cleartext-identifiers blocked_packets=5 blocked_bytes=900 allowed_packets=0 allowed_bytes=0\nident kind=imei form=sha1-hex blocked=3\nident kind=msisdn form=e164-pct blocked=2\nOK\n"
	rc 0 "stats with identifier counts" $F stats
	grep -qx 'identifiers: scanned 120, skipped 7 (TLS/QUIC), blocked 5' "$T/out" &&
		grep -q '^cleartext-identifiers *5 *900 *0 *0$' "$T/out" &&
		grep -q '^imei *sha1-hex *3$' "$T/out" && grep -q '^msisdn *e164-pct *2$' "$T/out"
	t $? "stats: per purpose, and per kind and form: $(tr '\n' '|' <"$T/out")"
	rc 0 "stats -j with identifier counts" $F -j stats
	has "stats --json: idents" '"idents":\[{"kind":"imei","form":"sha1-hex","blocked":3},{"kind":"msisdn","form":"e164-pct","blocked":2}\]'
	unfake
	fake "$V1" 'verdict verdict=accept generation=2\nidentifiers purpose=cleartext-identifiers kinds=imei,imsi,msisdn consent=denied\nOK\n'
	rc 0 "explain with identifiers configured" $F explain tcp 203.0.113.9 80
	line 2 "explain: what the guard blocks" "identifiers: payloads carrying imei, imsi, msisdn in clear are blocked, to this and any destination, while cleartext-identifiers is denied"
	rc 0 "explain -j with identifiers configured" $F -j explain tcp 203.0.113.9 80
	has "explain --json: the kinds as a list" '"identifiers":{"purpose":"cleartext-identifiers","kinds":\["imei","imsi","msisdn"\],"consent":"denied"}'
	unfake
	fake "$V1" 'verdict verdict=accept generation=2\nidentifiers purpose=cleartext-identifiers kinds=imei consent=allowed\nOK\n'
	rc 0 "explain, the guard consented" $F explain tcp 203.0.113.9 80
	line 2 "explain: they pass once allowed" "identifiers: payloads carrying imei in clear pass (cleartext-identifiers is allowed)"
	unfake

	# The purpose column is as wide as the longest name shown, at least
	# 20: cleartext-identifiers (21) keeps the columns in line.
	p1='purpose name=analytics description=test%%20purpose entries=1 consent=denied reason=never%%20allowed\n'
	p2='purpose name=cleartext-identifiers description=device%%20identifiers entries=0 consent=denied reason=never%%20allowed decision=deny decided_at=1700000000 decided_by=0\n'
	fake "$V1" "$p1${p2}OK\n"
	rc 0 "status with a 21-character purpose" $F status
	printf '%s\n' '' \
		'PURPOSE               CONSENT  ENTRIES  DESCRIPTION' \
		'analytics             denied         1  test purpose' \
		'cleartext-identifiers denied         0  device identifiers' >"$T/want"
	cmp -s "$T/want" "$T/out"
	t $? "status: the columns in line: $(tr '\n' '|' <"$T/out")"
	rc 0 "purposes with a 21-character purpose" $F purposes
	printf '%s\n' \
		'PURPOSE               CONSENT  ENTRIES  WHY' \
		'analytics             denied         1  never allowed' \
		'cleartext-identifiers denied         0  never allowed' \
		'                      last decision: deny by uid 0 at 2023-11-14 22:13:20 UTC' >"$T/want"
	cmp -s "$T/want" "$T/out"
	t $? "purposes: the columns in line: $(tr '\n' '|' <"$T/out")"
	unfake
	fake "$V1" "purpose name=analytics description=x entries=1 consent=denied reason=r\nOK\n"
	rc 0 "status with short names only" $F status
	[ "$(sed -n 2,3p "$T/out" | tr '\n' '|')" = 'PURPOSE              CONSENT  ENTRIES  DESCRIPTION|analytics            denied         1  x|' ]
	t $? "status: a column of 20 as before: $(tr '\n' '|' <"$T/out")"
	unfake
	fake "$V1" "counters generation=2 entries=1 memory=4096 owner_releases=0 events_sent=5 events_dropped=0 unconfigured_blocked=0 commits=1 names_failed=0 $kc\npurpose name=analytics blocked_packets=1 blocked_bytes=60 allowed_packets=2 allowed_bytes=120\npurpose name=cleartext-identifiers blocked_packets=5 blocked_bytes=900 allowed_packets=0 allowed_bytes=0\nOK\n"
	rc 0 "stats with a 21-character purpose" $F stats
	printf '%s\n' \
		'PURPOSE               BLOCKED PKTS  BLOCKED BYTES ALLOWED PKTS  ALLOWED BYTES' \
		'analytics                        1             60            2            120' \
		'cleartext-identifiers            5            900            0              0' >"$T/want"
	tail -n 3 "$T/out" | cmp -s "$T/want" -
	t $? "stats: the columns in line: $(tail -n 3 "$T/out" | tr '\n' '|')"
	unfake
else
	t 1 "socat is needed for the version checks (tests/deps.sh installs it)"
fi
echo "1..$n"
exit $bad
