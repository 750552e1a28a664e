# consentctl reload with a broken rules file keeps the running ruleset and
# prints file:line:column; a fixed file then reloads; SIGHUP behaves alike.
. /cw/guest/lib.sh
. /cw/guest/4x-consentd.sh

cd_net
srv_tcp new 198.51.100.30 80

cd_setup_analytics
cd_start
gen0=$(status_get generation)
expect_blocked tcp 198.51.100.10 80
expect_allowed tcp 198.51.100.30 80

printf '[tracking]\nip = 198.51.100.30\nip = 198.51.100.300\n' >"$CD/rules.d/20-broken.rules"
ctl_fails reload
assert_eq "reload exit status" 1 "$CTL_RC"
assert_eq "reload error" "consentctl: $CD/rules.d/20-broken.rules:3:6: expected an IPv4 or IPv6 address; the file has no last good version" "$CTL_OUT"
assert_eq "ruleset generation unchanged" "$gen0" "$(status_get generation)"
expect_blocked tcp 198.51.100.10 80
expect_allowed tcp 198.51.100.30 80
assert_nomatch "tracking not loaded" '^tracking' "$(ctl purposes)"

# SIGHUP (the unit's ExecReload) is the same reload: a line written after
# the signal, or the check fails; then a SIGHUP that must change something.
off=$(cd_log_size)
kill -HUP "$CD_PID"
cd_log_wait 'SIGHUP: .*20-broken.rules:3:6: expected an IPv4 or IPv6 address' "$off"
kill -0 "$CD_PID" || fail "consentd died on SIGHUP"
assert_eq "SIGHUP with a broken file keeps the ruleset" "$gen0" "$(status_get generation)"

printf '[tracking]\nip = 198.51.100.30\n' >"$CD/rules.d/20-broken.rules"
off=$(cd_log_size)
kill -HUP "$CD_PID"
cd_log_wait 'reloaded: 2 purposes, 2 entries, generation' "$off"
assert_gt "SIGHUP with fixed rules commits a new generation" "$gen0" "$(status_get generation)"
c=$(srv_conns new)
expect_blocked tcp 198.51.100.30 80
assert_eq "nothing reached the server once blocked" "$c" "$(srv_conns new)"
rm "$CD/rules.d/20-broken.rules"
ctl reload >/dev/null || fail "reload back to one file"
expect_allowed tcp 198.51.100.30 80
assert_gt "and the control probe got through" "$c" "$(srv_conns new)"

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
