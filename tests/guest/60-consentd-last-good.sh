# A rules file broken before a restart keeps its old entries in force (its
# last good version); on first boot, with no last good version, consentd
# commits nothing and the handset stays unconfigured: everything blocked.
. /cw/guest/lib.sh
. /cw/guest/4x-consentd.sh

cd_net
srv_tcp other 198.51.100.11 80

# First boot, and the one rules file is broken.
cd_setup <<'RULES'
[analytics]
ip = 198.51.100.10
ip = 198.51.100.300
RULES
cd_launch
usleep 1500000
out=$(ctl status)
assert_match "status: not under control, and why" \
	"kernel: +NOT under consentd's control: rules incomplete, nothing committed: $CD/rules.d/10-test.rules:3:6: expected an IPv4 or IPv6 address; the file has no last good version" "$out"
assert_match "status names the file and line" "SKIPPED: +$CD/rules.d/10-test.rules:3:6: " "$out"
assert_eq "the kernel is unconfigured" 0 "$(status_get configured)"
assert_eq "and has no owner" 0 "$(status_get owner)"
expect_unreached tcp 198.51.100.10 80 ana
expect_unreached tcp 198.51.100.11 80 other

# Fixed: it commits, and what it does not list gets through.
printf '[analytics]\nip = 198.51.100.10\n' >"$CD/rules.d/10-test.rules"
ctl reload >/dev/null || fail "reload of the fixed file"
assert_match "connected after the fix" '^kernel: +connected' "$(ctl status)"
expect_reached tcp 198.51.100.11 80 other
expect_unreached tcp 198.51.100.10 80 ana
ctl allow analytics >/dev/null || fail "allow"
expect_reached tcp 198.51.100.10 80 ana
cd_stop

# A bad line added while consentd is down: at restart the file's last good
# version is in force, the grant bound to it too.
printf 'ip = 198.51.100.300\n' >>"$CD/rules.d/10-test.rules"
printf '# last good version of %s\n[analytics]\nip = 198.51.100.10/32\n' \
	"$CD/rules.d/10-test.rules" >"$CW_OUT/good"
assert_eq "the last good version kept" "$(cat "$CW_OUT/good")" "$(cat "$CD/state/last-good/10-test.rules")"
off=$(cd_log_size)
cd_start
cd_log_wait "10-test.rules:3:6: expected an IPv4 or IPv6 address: the file's last good version is used instead" "$off"
assert_match "status names the broken file" "SKIPPED: +$CD/rules.d/10-test.rules:3:6: " "$(ctl status)"
assert_eq "its entry still in the kernel" 1 "$(status_get nr_entries)"
expect_reached tcp 198.51.100.10 80 ana
ctl_fails allow analytics
assert_match "no new grant on a broken file" 'cannot allow analytics: a file defining it failed to load' "$CTL_OUT"
ctl deny analytics >/dev/null || fail "deny"
expect_unreached tcp 198.51.100.10 80 ana
expect_reached tcp 198.51.100.11 80 other
cd_stop
