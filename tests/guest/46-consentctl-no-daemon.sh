# consentctl with no consentd explains the fail-closed state, in one line,
# with exit status 1; --json still prints valid JSON; usage errors exit 2.
. /cw/guest/lib.sh

cw_require
rc=0
out=$(consentctl --socket /run/consentwall/none.sock status 2>&1) || rc=$?
assert_eq "exit status" 1 "$rc"
out=$(printf '%s\n' "$out" | grep -v '^+')
assert_eq "one line" 1 "$(printf '%s\n' "$out" | wc -l)"
assert_match "says consentd is not running and everything is blocked" \
	'^consentctl: consentd is not running \(nothing listens on /run/consentwall/none.sock\): every purpose is blocked' "$out"

rc=0
out=$(consentctl --json --socket /run/consentwall/none.sock purposes 2>/dev/null) || rc=$?
assert_eq "json exit status" 1 "$rc"
assert_match "json error object" '^\{"error":\{"kind":"connect","message":"consentd is not running' "$out"

rc=0
consentctl frobnicate 2>/dev/null || rc=$?
assert_eq "unknown command exit status" 2 "$rc"
rc=0
consentctl explain tcp not-an-address 80 2>/dev/null || rc=$?
assert_eq "bad explain argument exit status" 2 "$rc"
consentctl allow --help | grep -q '^Usage: consentctl' || fail "allow --help"
pass "--help on a command"
