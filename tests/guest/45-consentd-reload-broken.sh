# consentctl reload with a broken rules file keeps the running ruleset and
# prints file:line:column; a fixed file then reloads; SIGHUP behaves alike.
. /cw/guest/lib.sh
. /cw/guest/4x-consentd.sh

cw_require
net_up
srv_tcp ana 198.51.100.10 80
srv_tcp new 198.51.100.30 80

cd_setup <<'RULES'
[analytics]
ip = 198.51.100.10
RULES
cd_start
gen0=$(status_get generation)
expect_blocked tcp 198.51.100.10 80
expect_allowed tcp 198.51.100.30 80

printf '[tracking]\nip = 198.51.100.30\nip = 198.51.100.300\n' >"$CD/rules.d/20-broken.rules"
rc=0
out=$(ctl reload 2>&1) || rc=$?
assert_eq "reload exit status" 1 "$rc"
out=$(printf '%s\n' "$out" | grep -v '^+')	# sh -x traces are not ours
assert_eq "reload error" "consentctl: $CD/rules.d/20-broken.rules:3:6: expected an IPv4 or IPv6 address" "$out"
assert_eq "ruleset generation unchanged" "$gen0" "$(status_get generation)"
expect_blocked tcp 198.51.100.10 80
expect_allowed tcp 198.51.100.30 80
assert_nomatch "tracking not loaded" '^tracking' "$(ctl purposes)"

kill -HUP "$CD_PID"
usleep 300000
kill -0 "$CD_PID" || fail "consentd died on SIGHUP"
assert_eq "SIGHUP with a broken file keeps the ruleset" "$gen0" "$(status_get generation)"
assert_match "SIGHUP error logged" '20-broken.rules:3:6' "$(cat "$CD/consentd.log")"

printf '[tracking]\nip = 198.51.100.30\n' >"$CD/rules.d/20-broken.rules"
out=$(ctl reload) || fail "reload of fixed rules: $out"
assert_match "reload reply" '^reloaded: 2 purposes, 2 entries; kernel: committed' "$out"
expect_blocked tcp 198.51.100.30 80
assert_match "tracking loaded" '^tracking +denied' "$(ctl purposes)"

# A grant survives a reload that leaves its purpose alone...
ctl allow analytics >/dev/null
printf '[tracking]\nip = 198.51.100.30\nip = 198.51.100.31\n' >"$CD/rules.d/20-broken.rules"
ctl reload >/dev/null || fail "reload"
expect_allowed tcp 198.51.100.10 80
# ...and is voided when the purpose's own rules change.
printf '[analytics]\nip = 198.51.100.10\nip = 198.51.100.12\n' >"$CD/rules.d/10-test.rules"
ctl reload >/dev/null || fail "reload"
expect_blocked tcp 198.51.100.10 80
assert_match "why it is denied" '^analytics +denied +2 +rules changed since it was allowed' "$(ctl purposes)"
cd_stop
