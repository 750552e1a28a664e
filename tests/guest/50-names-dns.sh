# DNS: a query for a denied purpose's name (or a subdomain) is refused at
# once and never reaches the server, over UDP and TCP, from dig and from the
# libc resolver; a look-alike and unrelated names resolve; after consent
# the name resolves; the blocked event names the query.
. /cw/guest/lib.sh
. /cw/guest/names.sh
cw_require
net_up
dns_start
srv_tcp web "$UNLISTED" 80
owner_names

dig_q() { timed dig +tries=1 +time="$CW_CLIENT_TIMEOUT" "@$DNS_ADDR" "$@"; }

# dig, UDP, with EDNS0 (its default), A and HTTPS (type 65) queries
r=$(dig_q xiaomi.net A)
# The module answers a blocked query at once in the server's place
# (REFUSED; 83-names-dns-answer has the details), over UDP and TCP: fast
# by dig's own clock (its start alone may take seconds on a slow guest).
expect_blocked_dns() {
	set -- "$1" $2 "$3" "$4"
	log "$1: dig exit $2 after $3 ms: $(tr '\n' ' ' <"$CW_OUT/timed.out")"
	assert_eq "$1: dig exit" 0 "$2"
	assert_match "$1: refused" 'status: REFUSED,' "$(cat "$CW_OUT/timed.out")"
	assert_lt "$1: dig's query time (ms)" "$FAST_MS" \
		"$(sed -n 's/^;; Query time: \([0-9]*\) msec.*/\1/p' "$CW_OUT/timed.out")"
	assert_eq "$1: queries at the server" 0 "$(dns_asked "$4")"
}
expect_blocked_dns "dig udp xiaomi.net" "$r" xiaomi.net
r=$(dig_q App.Chat.XIAOMI.net. TYPE65)
expect_blocked_dns "dig udp subdomain, mixed case, HTTPS" "$r" app.chat.xiaomi.net
r=$(dig_q +tcp api.tracking.example.com AAAA)
expect_blocked_dns "dig tcp subdomain of analytics" "$r" api.tracking.example.com
r=$(dig_q +tcp xiaomi.net A)
expect_blocked_dns "dig tcp xiaomi.net" "$r" xiaomi.net

# Look-alike and unrelated names resolve, over UDP and TCP.
for q in notxiaomi.net xiaomi.net.example.org example.org; do
	r=$(dig_q +short "$q" A)
	assert_eq "dig udp $q exit" 0 "${r%% *}"
	assert_eq "dig udp $q answer" "$UNLISTED" "$(cat "$CW_OUT/timed.out")"
done
r=$(dig_q +tcp +short notxiaomi.net A)
assert_eq "dig tcp notxiaomi.net answer" "$UNLISTED" "$(cat "$CW_OUT/timed.out")"
assert_eq "queries for notxiaomi.net at the server" 2 "$(dns_asked notxiaomi.net)"

# The libc resolver (through curl): a denied name cannot be resolved
# (curl exit 6), fast; an unrelated one resolves and curl connects.
r=$(timed curl -s --max-time "$CW_CLIENT_TIMEOUT" http://app.chat.xiaomi.net/)
assert_eq "libc resolver, denied name: curl exit" 6 "${r%% *}"
# timed by the getaddrinfo() call alone: curl's start may take seconds
set -- $(cwprobe resolve app.chat.xiaomi.net || true)
assert_lt "libc resolver, denied name: getaddrinfo ms" "$FAST_MS" "$2"
assert_eq "libc resolver, denied name: queries at the server" 0 "$(dns_asked app.chat.xiaomi.net)"
r=$(timed curl -s --max-time "$CW_CLIENT_TIMEOUT" http://www.example.org/)
assert_eq "libc resolver, unrelated name: curl reached the server (exit 28)" 28 "${r%% *}"
assert_gt "libc resolver, unrelated name: bytes at the server" 0 "$(srv_bytes web)"

# The blocked event carries the name.
wait_event ' name app\.chat\.xiaomi\.net( |$)'
ev=$(owner_events | grep -E ' name app\.chat\.xiaomi\.net( |$)' | head -n1)
assert_match "event of the subdomain query: purpose" ' purposes push( |$)' "$ev"
assert_match "event of the subdomain query: udp to port 53" ' proto 17 .*port 53( |$)' "$ev"
wait_event ' name api\.tracking\.example\.com( |$)'
ev=$(owner_events | grep -E ' name api\.tracking\.example\.com( |$)' | head -n1)
assert_match "event of the tcp query: purpose, tcp" ' proto 6 .*purposes analytics' "$ev"

# After consent, the same name resolves.
owner_ok consent push 1 >/dev/null
r=$(dig_q +short App.Chat.Xiaomi.net A)
assert_eq "after consent: dig udp exit" 0 "${r%% *}"
assert_eq "after consent: answer" "$UNLISTED" "$(cat "$CW_OUT/timed.out")"
r=$(dig_q +tcp +short xiaomi.net A)
assert_eq "after consent: dig tcp answer" "$UNLISTED" "$(cat "$CW_OUT/timed.out")"
# analytics is still denied
r=$(dig_q tracking.example.com A)
expect_blocked_dns "analytics still denied" "$r" tracking.example.com
dmesg_clean || fail "kernel warnings"
