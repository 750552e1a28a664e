# An `app =` package rule, through consentd, with real traffic: the
# package's UID (from packages.list) is blocked to any destination, and
# only that package; consentctl allow lets it through, deny blocks it
# again, TCP and UDP, v4 and v6. (The same app in another Android user,
# UID 1010061, is issue 13: not matched yet, so not asserted here.)
. /cw/guest/lib.sh
. /cw/guest/4x-consentd.sh

cw_require
net_up
srv_unlisted

# packages.list (cd_setup): com.xiaomi.xmsf is app ID 10061
cd_setup <<'RULES'
[cloud-messaging]
description = MiPush, the whole app
app = com.xiaomi.xmsf
RULES
cd_start
assert_match "explain: the package's uid" '^block: matches cloud-messaging \(denied\)' \
	"$(ctl explain tcp 198.51.100.11 80 --uid 10061)"

expect_blocked_at web tcp 198.51.100.11 80 -u 10061
expect_blocked_at dns udp 198.51.100.11 53 -u 10061
expect_blocked_at web6 tcp 2001:db8:100::11 80 -u 10061
# Another app (10062) goes by, to the same servers.
expect_allowed_at web tcp 198.51.100.11 80 -u 10062
expect_allowed_at dns udp 198.51.100.11 53 -u 10062
expect_allowed_at web6 tcp 2001:db8:100::11 80 -u 10062

ctl allow cloud-messaging >/dev/null || fail "allow cloud-messaging"
expect_allowed_at web tcp 198.51.100.11 80 -u 10061
expect_allowed_at dns udp 198.51.100.11 53 -u 10061
expect_allowed_at web6 tcp 2001:db8:100::11 80 -u 10061

ctl deny cloud-messaging >/dev/null || fail "deny cloud-messaging"
expect_blocked_at web tcp 198.51.100.11 80 -u 10061
expect_blocked_at dns udp 198.51.100.11 53 -u 10061
cd_stop
