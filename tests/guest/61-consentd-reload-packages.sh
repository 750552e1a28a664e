# With no packages.list (a Linux box, or Android before it wrote one) an
# `app =` package is an entry that matches nothing: start and reload load
# the file, and a reload names the file the user actually broke.
. /cw/guest/lib.sh
. /cw/guest/4x-consentd.sh

cd_net
srv_tcp new 198.51.100.30 80

cd_setup <<'RULES'
[analytics]
ip = 198.51.100.10
app = com.xiaomi.xmsf
RULES
rm -f "$CD_PKGS"
off=$(cd_log_size)
cd_start
cd_log_wait "\[analytics\] app = com.xiaomi.xmsf: cannot be resolved: $CD_PKGS: No such file or directory: matches nothing until it is installed" "$off"
assert_eq "the address entry is in the kernel" 1 "$(status_get nr_entries)"
expect_unreached tcp 198.51.100.10 80 ana
expect_reached tcp 198.51.100.30 80 new

# A new file: the reload succeeds although packages.list is still missing.
printf '[tracking]\nip = 198.51.100.30\n' >"$CD/rules.d/20-new.rules"
out=$(ctl reload) || fail "reload without packages.list: $out"
assert_match "reload reply" '^reloaded: 2 purposes, 3 entries; kernel: committed' "$out"
expect_unreached tcp 198.51.100.30 80 new

# The user breaks the new file: the error names it, not 10-test.rules.
printf '[tracking]\nip = 198.51.100.30\nip = 198.51.100.30/33\n' >"$CD/rules.d/20-new.rules"
out=$(ctl reload) || fail "reload with the last good version: $out"
out=$(ctl status)
assert_match "status names the file the user broke" "SKIPPED: +$CD/rules.d/20-new.rules:3:20: expected a prefix length of 0-32" "$out"
assert_nomatch "and not the one with the package" "10-test.rules" "$(printf '%s\n' "$out" | grep SKIPPED)"
expect_unreached tcp 198.51.100.30 80 new
cd_stop
