# Vendor rules (a distribution's /usr/lib/consentwall/rules.d) are enforced,
# and the admin's file of the same name in /etc/consentwall/rules.d replaces
# them: the vendor's entries leave the kernel, the admin's come in. A
# symlink to /dev/null masks a vendor file; a broken admin file over a
# vendor file has no last good version, so the reload is refused and what
# is in force stays.
. /cw/guest/lib.sh
. /cw/guest/4x-consentd.sh

cd_net
srv_tcp other 198.51.100.11 80
srv_tcp vendor 198.51.100.12 80
srv_tcp ads 198.51.100.13 80
srv_tcp admin 198.51.100.14 80

cd_setup_analytics
mkdir -p "$CD/vendor.d"
printf '[cloud-messaging]\nip = 198.51.100.12\n' >"$CD/vendor.d/20-push.rules"
printf '[ads]\nip = 198.51.100.13\n' >"$CD/vendor.d/30-ads.rules"
cd_start
assert_eq "analytics, cloud-messaging and ads in the kernel" 3 "$(status_get nr_entries)"
expect_unreached tcp 198.51.100.12 80 vendor
expect_unreached tcp 198.51.100.13 80 ads
expect_unreached tcp 198.51.100.10 80 ana
expect_reached tcp 198.51.100.11 80 other
expect_reached tcp 198.51.100.14 80 admin

# The admin's 20-push.rules replaces the vendor's.
printf '[cloud-messaging]\nip = 198.51.100.14\n' >"$CD/rules.d/20-push.rules"
ctl reload >/dev/null || fail "reload with the admin's file"
expect_reached tcp 198.51.100.12 80 vendor
expect_unreached tcp 198.51.100.14 80 admin
expect_unreached tcp 198.51.100.13 80 ads

# Masked: nothing of 30-ads.rules is loaded.
ln -s /dev/null "$CD/rules.d/30-ads.rules"
ctl reload >/dev/null || fail "reload with a masked file"
expect_reached tcp 198.51.100.13 80 ads
assert_nomatch "no ads purpose once masked" '^ads ' "$(ctl status)"

# The admin's file removed: the vendor's is back in force.
rm "$CD/rules.d/20-push.rules"
ctl reload >/dev/null || fail "reload without the admin's file"
expect_unreached tcp 198.51.100.12 80 vendor
expect_reached tcp 198.51.100.14 80 admin

# A broken admin file: the vendor file's last good version does not stand
# in for it, so the reload is refused and the vendor's entry stays.
printf '[cloud-messaging]\nip = 198.51.100.300\n' >"$CD/rules.d/20-push.rules"
ctl_fails reload
assert_match "refused: the admin file has no last good version" \
	"$CD/rules.d/20-push.rules:2:6: expected an IPv4 or IPv6 address; the file has no last good version" "$CTL_OUT"
expect_unreached tcp 198.51.100.12 80 vendor
expect_reached tcp 198.51.100.14 80 admin
expect_reached tcp 198.51.100.11 80 other
cd_stop
