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
grep -qx 'analytics: denied (never allowed)' "$T/out"
t $? "get prints one line: $(cat "$T/out")"
# No module here: consentd refuses to grant what it cannot enforce.
rc 1 "allow without the kernel module: 1" $C allow analytics -j
grep -q '^{"error":{"kind":"kernel","message":"the consentwall kernel module is not under' "$T/out"
t $? "allow --json: an error of kind kernel: $(cat "$T/out")"
rc 1 "options after the command: get analytics --json --socket" \
	"$B/consentctl" get analytics --json --socket "$T/s"
grep -q '^{"purpose":{"name":"analytics",.*"entries":1,"consent":"denied"' "$T/out"
t $? "get --json: the purpose, entries a number: $(cat "$T/out")"
rc 3 "get of an unknown purpose: 3, not 'denied'" $C get nosuch
[ "$(wc -l <"$T/err")" = 1 ] && grep -q "no purpose 'nosuch'.*known: analytics, 123" "$T/err"
t $? "one stderr line naming the known purposes: $(cat "$T/err")"
rc 2 "get with no purpose: usage error" $C get
rc 2 "get with two purposes: usage error" $C get analytics 123
rc 0 "deny -j succeeds" $C -j deny analytics
grep -q '^{"purposes":\[{"name":"analytics","consent":"denied","kernel":"not connected"}\]}$' "$T/out"
t $? "deny --json: $(cat "$T/out")"
rc 0 "status -j" $C status -j
grep -q '"you_may_change":true' "$T/out" && grep -q '"pid":[0-9]' "$T/out" &&
	grep -q '"name":"123"' "$T/out"
t $? "status --json: booleans, numbers, and a name that reads as a number stays a string"
rc 3 "get with consentd not running: 3" "$B/consentctl" --socket "$T/none" get analytics
rc 1 "status with consentd not running: 1" "$B/consentctl" -j --socket "$T/none" status
grep -q '^{"error":{"kind":"connect","message":"consentd is not running.*","exit_status":1}}$' "$T/out"
t $? "error object with kind and exit status: $(cat "$T/out")"
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
grep -qx 'consentctl [0-9.]* (control protocol 1)' "$T/out"
t $? "--version: $(cat "$T/out")"

# Fake daemons: one older than the handshake, one of protocol 2. Each
# logs what it was sent: an ALLOW must never reach them.
fake() { # fake REPLY_TO_VERSION
	rm -f "$T/f.sock" "$T/f.log"
	printf '#!/bin/sh\nwhile read -r l; do echo "$l" >>%s; printf "%s"; done\n' \
		"$T/f.log" "$1" >"$T/fake.sh"
	chmod +x "$T/fake.sh"
	socat UNIX-LISTEN:"$T/f.sock",fork EXEC:"$T/fake.sh" &
	fpid=$!
	i=0
	while [ ! -S "$T/f.sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
}
if command -v socat >/dev/null; then
	fake 'ERR usage unknown request or wrong arguments: VERSION\n'
	rc 1 "a daemon without VERSION: 1" "$B/consentctl" --socket "$T/f.sock" allow analytics
	grep -q "does not speak control protocol 1" "$T/err" && [ "$(wc -l <"$T/err")" = 1 ]
	t $? "says so in one line: $(cat "$T/err")"
	[ "$(cat "$T/f.log")" = VERSION ]
	t $? "and sent it nothing but VERSION: $(tr '\n' ' ' <"$T/f.log")"
	kill "$fpid"; wait "$fpid" 2>/dev/null; fpid=
	fake 'version protocol=2 software=9.0.0\nOK\n'
	rc 1 "a daemon of protocol 2: 1" "$B/consentctl" -j --socket "$T/f.sock" deny analytics
	grep -q '^{"error":{"kind":"version","message":"consentd 9.0.0 at .* speaks control protocol 2, this consentctl .* speaks 1' "$T/out"
	t $? "names both versions: $(cat "$T/out")"
	[ "$(cat "$T/f.log")" = VERSION ]
	t $? "and sent it nothing but VERSION: $(tr '\n' ' ' <"$T/f.log")"
	kill "$fpid"; wait "$fpid" 2>/dev/null; fpid=
else
	t 1 "socat is needed for the version checks (tests/deps.sh installs it)"
fi
echo "1..$n"
exit $bad
