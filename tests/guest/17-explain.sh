# EXPLAIN runs the classifier on a described packet: verdict and the
# purposes that matched, for anyone (read-only), without sending traffic.
. /cw/guest/lib.sh
cw_require
owner_std

out=$(cwnl explain tcp 198.51.100.10 80)
assert_match "explain v4 host" '^verdict block' "$out"
assert_match "explain v4 host purpose" '^purpose analytics consent 0' "$out"
out=$(cwnl explain tcp 198.51.100.11 80)
assert_match "explain unlisted host" '^verdict accept' "$out"
assert_nomatch "explain unlisted host purposes" '^purpose ' "$out"
out=$(cwnl explain tcp 198.51.100.20 5050)
assert_match "explain port range" '^purpose push consent 0' "$out"
out=$(cwnl explain udp 198.51.100.20 5050)
assert_match "explain port range, other protocol" '^verdict accept' "$out"
out=$(cwnl explain udp 2001:db8:200:1::1 53)
assert_match "explain v6 prefix" '^purpose analytics' "$out"
out=$(cwnl explain tcp 198.51.100.11 80 uid=1234)
assert_match "explain uid" '^purpose tracker consent 0' "$out"
assert_match "explain uid verdict" '^verdict block' "$out"

owner_ok consent analytics 1
out=$(cwnl explain tcp 198.51.100.10 80)
assert_match "explain after consent" '^verdict accept' "$out"
assert_match "explain after consent, purpose" '^purpose analytics consent 1' "$out"

# Read-only commands need no privilege.
out=$(setpriv --reuid=1000 --regid=1000 --clear-groups cwnl explain tcp 198.51.100.20 5050)
assert_match "explain as uid 1000" '^verdict block' "$out"
out=$(setpriv --reuid=1000 --regid=1000 --clear-groups cwnl status)
assert_match "status as uid 1000" '^configured 1' "$out"

# A malformed question gets an extack naming the attribute.
out=$(cwnl raw 9 || true)
assert_match "explain without attributes" '^error EINVAL' "$out"
