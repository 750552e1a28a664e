# The shipped MIUI rules: with cloud-messaging allowed, push to its
# hard-coded fallback addresses (TCP 5222 and 443) goes through, while the
# push app's analytics uploads and every other purpose stay blocked.
. /cw/guest/lib.sh
. /cw/guest/4x-consentd.sh

cw_require
net_up
# Let the internet namespace answer for two MiPush fallback addresses.
inet ip route add local 123.125.102.48/32 dev lo
inet ip route add local 111.13.141.211/32 dev lo
srv_tcp push5222 123.125.102.48 5222
srv_tcp push443 111.13.141.211 443

cd_setup </dev/null
rm -f "$CD/rules.d/10-test.rules"
cp /etc/consentwall/rules.d/* "$CD/rules.d/"
cd_start
out=$(ctl purposes)
for p in cloud-messaging analytics crash-reports ads account; do
	assert_match "$p loaded, denied" "^$p +denied" "$out"
done
assert_nomatch "no skipped file" 'SKIPPED' "$(ctl status)"

expect_blocked tcp 123.125.102.48 5222
expect_blocked tcp 111.13.141.211 443

ctl allow cloud-messaging >/dev/null || fail "allow cloud-messaging"
expect_allowed tcp 123.125.102.48 5222
expect_allowed tcp 111.13.141.211 443

# The push app (uid 10061 in this packages.list) reaching an analytics name
# needs analytics consent too.
out=$(ctl explain tcp 198.51.100.99 443 --uid 10061 --name data.mistat.xiaomi.com)
assert_match "push app to analytics: blocked" '^block: matches .*analytics \(denied\)' "$out"
out=$(ctl explain tcp 123.125.102.48 5222 --uid 10061)
assert_eq "push app to push: accepted" "accept: matches cloud-messaging (allowed); the app is com.xiaomi.xmsf (user 0)" "$out"
cd_stop
