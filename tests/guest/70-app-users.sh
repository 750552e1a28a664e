# Android apps in every user (issue 13): an app ID entry blocks the app in
# users 0, 10 and 999 (UID = user * 100000 + app ID) and nothing else; a
# UID entry blocks that one UID, not the same app in another user.
. /cw/guest/lib.sh
cw_require
net_up
srv_tcp web 198.51.100.11 80
srv_udp dns 198.51.100.11 53
owner_start
owner_ok claim >/dev/null
owner_ok begin >/dev/null
owner_ok add tracker appid=10187 >/dev/null
owner_ok add work uid=1010188 >/dev/null
owner_ok commit >/dev/null
assert_match "two entries, no copy per user" '^nr_entries 2$' "$(cwnl status)"

for uid in 10187 1010187 99910187; do
	expect_blocked tcp 198.51.100.11 80 -u $uid
	expect_blocked udp 198.51.100.11 53 -u $uid
done
expect_blocked tcp 198.51.100.11 80 -u 1010188
sleep 0.2
assert_eq "no connection from the app in users 0, 10, 999 nor from UID 1010188" 0 "$(srv_conns web)"
assert_eq "no datagram from the app in any user" 0 "$(srv_packets dns)"

# Controls on the same path: other app IDs, and the UID entry's app in
# other users.
for uid in 10186 10188 2010188 10187000; do
	expect_allowed tcp 198.51.100.11 80 -u $uid
done
expect_allowed udp 198.51.100.11 53 -u 10188
sleep 0.2
assert_eq "four connections from the others" 4 "$(srv_conns web)"
assert_eq "their bytes" 400 "$(srv_bytes web)"
assert_eq "one datagram" 1 "$(srv_packets dns)"

out=$(cwnl explain tcp 198.51.100.11 80 uid=99910187)
assert_match "explain: user 999's copy is the tracker" '^purpose tracker consent 0' "$out"
out=$(cwnl explain tcp 198.51.100.11 80 uid=2010188)
assert_match "explain: UID 1010188's app in user 20 is nothing" '^verdict accept' "$out"

# Bad input: an app ID of 100000 or more is refused, the ruleset stays.
owner_ok begin >/dev/null
out=$(owner add bad appid=100000) && fail "appid=100000 accepted"
assert_match "appid 100000 refused" 'error ERANGE|error EINVAL' "$out"
assert_match "the ruleset stays" '^nr_entries 2$' "$(cwnl status)"
expect_blocked tcp 198.51.100.11 80 -u 1010187
