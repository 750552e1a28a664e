# EXPLAIN with a name: the classifier answers for names as it does for
# packets (suffix on label boundaries, any case, trailing dot ignored).
. /cw/guest/lib.sh
. /cw/guest/names.sh
cw_require
owner_names

out=$(cwnl explain tcp 198.51.100.11 443 name=app.chat.xiaomi.net)
assert_match "explain subdomain" '^verdict block' "$out"
assert_match "explain subdomain purpose" '^purpose push consent 0' "$out"
out=$(cwnl explain udp 198.51.100.53 53 name=XIAOMI.NET.)
assert_match "explain case and trailing dot" '^verdict block' "$out"
out=$(cwnl explain tcp 198.51.100.11 443 name=notxiaomi.net)
assert_match "explain look-alike" '^verdict accept' "$out"
assert_nomatch "explain look-alike purposes" '^purpose ' "$out"
out=$(cwnl explain tcp 198.51.100.11 443)
assert_match "explain without a name" '^verdict accept' "$out"
out=$(cwnl explain tcp 198.51.100.11 80 name=tracking.example.com)
assert_match "explain analytics" '^purpose analytics consent 0' "$out"
owner_ok consent push 1 >/dev/null
out=$(cwnl explain tcp 198.51.100.11 443 name=app.chat.xiaomi.net)
assert_match "explain after consent" '^verdict accept' "$out"
assert_match "explain after consent purpose" '^purpose push consent 1' "$out"
