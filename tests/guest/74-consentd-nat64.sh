# NAT64 prefixes in consentd (issue 13): nat64_prefix = in consentd.conf,
# PREF64 learned from a real router advertisement (cwra in the internet
# namespace, received by the handset's kernel and handed to consentd by
# rtnetlink), and a learned prefix withdrawn by lifetime 0.
. /cw/guest/lib.sh
. /cw/guest/4x-consentd.sh

cw_require
net_up
inet ip -6 route add local 64:ff9b::/96 dev lo
inet ip -6 route add local 2001:db8:122::/48 dev lo
inet ip -6 route add local 2001:db8:123::/48 dev lo
inet ip addr add fe80::254/64 dev inet0 nodad
# 198.51.100.30 under 64:ff9b::/96, 2001:db8:122::/48, 2001:db8:123:100::/56
srv_tcp wkp 64:ff9b::c633:641e 5222
srv_tcp conf 2001:db8:122:c633:64:1e00:: 5222
srv_tcp ra 2001:db8:123:1c6:33:641e:: 5222
srv_tcp ractl 2001:db8:123:1c6:33:641f:: 5222	# .31: unlisted

# wait_prefix yes|no PREFIX: until the kernel has (or no longer has) it.
wait_prefix() {
	local i=0
	while :; do
		if cwnl status | grep -q "^nat64_prefix $2\$"; then
			[ "$1" = yes ] && break
		else
			[ "$1" = no ] && break
		fi
		i=$((i + 1))
		[ $i -lt 20 ] || fail "prefix $2 in the kernel: expected $1 within 1 s: $(tail -n 5 "$CD/consentd.log")"
		usleep 50000
	done
	echo $((i * 50))
}

cd_setup <<'RULES'
[push]
ip = 198.51.100.30 tcp 5222
RULES
echo 'nat64_prefix = 2001:db8:122::/48' >>"$CD/consentd.conf"
cd_start

expect_blocked tcp 64:ff9b::c633:641e 5222
expect_blocked tcp 2001:db8:122:c633:64:1e00:: 5222
# Not learned yet: passes.
expect_allowed tcp 2001:db8:123:1c6:33:641e:: 5222
assert_match "the configured prefix is in the kernel" '^nat64_prefix 2001:db8:122::/48$' "$(cwnl status)"

# A router advertises its prefix (RFC 8781), lifetime 600 s.
inet cwra inet0 fe80::254 2001:db8:123:100::/56@600 || fail "cwra"
pass "learned from the router advertisement within $(wait_prefix yes 2001:db8:123:100::/56) ms"
assert_match "consentd says so" 'NAT64 prefix 2001:db8:123:100::/56 on interface [0-9]+ learned' "$(cat "$CD/consentd.log")"
expect_blocked tcp 2001:db8:123:1c6:33:641e:: 5222
expect_allowed tcp 2001:db8:123:1c6:33:641f:: 5222
out=$(ctl explain tcp 2001:db8:123:1c6:33:641e:: 5222)
assert_eq "explain names the IPv4 entry, its address and the prefix" \
	"block: matches push (denied) by ip 198.51.100.30/32 tcp 5222; as 198.51.100.30 under the NAT64 prefix 2001:db8:123:100::/56" "$out"

# The router withdraws it (lifetime 0): it stops matching; conf stays.
inet cwra inet0 fe80::254 2001:db8:123:100::/56@0 || fail "cwra"
pass "withdrawn within $(wait_prefix no 2001:db8:123:100::/56) ms"
expect_allowed tcp 2001:db8:123:1c6:33:641e:: 5222
expect_blocked tcp 2001:db8:122:c633:64:1e00:: 5222
sleep 0.2
assert_eq "no connection under the well-known prefix" 0 "$(srv_conns wkp)"
assert_eq "none under the configured prefix" 0 "$(srv_conns conf)"
assert_eq "under the learned prefix: before and after it, not while" 2 "$(srv_conns ra)"
assert_eq "the unlisted control got through" 1 "$(srv_conns ractl)"

# A bad prefix in consentd.conf is refused with file:line:column.
printf 'nat64_prefix = 2001:db8:122::/33\n' >"$CD/bad.conf"
rc=0
out=$(consentd --foreground --config "$CD/bad.conf" --rules-dir "$CD/rules.d" \
	--state-dir "$CD/state2" --socket "$CD/sock2" 2>&1) || rc=$?
assert_eq "consentd refuses the file" 1 "$rc"
assert_match "and says where and why" "bad.conf:1:16: expected an RFC 6052 prefix" "$out"
cd_stop
