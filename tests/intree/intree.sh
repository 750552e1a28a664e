# The in-tree kernel (CONFIG_CONSENTWALL=y), run by tests/intree/init as
# the first thing userspace does: consentwall is there before init, with
# no module loaded, and blocks the handset's first packets (TCP, UDP,
# ICMP; IPv4 and IPv6) with ECONNREFUSED while counting servers get
# nothing and loopback works; then consentd starts with a ruleset and
# takes over: the same unlisted server is reached, a listed one stays
# blocked until `consentctl allow`.
. /cw/guest/lib.sh
. /cw/guest/4x-consentd.sh

# The handset's first packets, before anything else ran.
ip link set lo up
net_up
srv_tcp web 198.51.100.11 80
srv_udp dns 198.51.100.11 53
srv_tcp web6 2001:db8:100::11 80
SRV_NS= srv_tcp lo4 127.0.0.1 7000
expect_blocked_at web tcp 198.51.100.11 80
expect_blocked_at dns udp 198.51.100.11 53
expect_blocked_at web6 tcp 2001:db8:100::11 80
out=$(ping -c 1 -W 2 198.51.100.11 2>&1 || true)
assert_match "ping before consentd" 'Connection refused' "$out"
assert_eq "bytes that reached the servers" "0 0 0" \
	"$(srv_bytes web) $(srv_bytes dns) $(srv_bytes web6)"
expect_allowed_at lo4 tcp 127.0.0.1 7000

# Built in, never loaded: no module, no module file, and the kernel said
# "loaded" before it started init.
assert_eq "consentwall in /proc/modules" "" "$(grep '^consentwall ' /proc/modules || true)"
assert_eq "module files in the guest" "" "$(find / -xdev -name '*.ko' 2>/dev/null | head -n 3)"
[ -d /sys/module/consentwall/parameters ] || fail "no /sys/module/consentwall: not in this kernel"
pass "/sys/module/consentwall is there (built in)"
loaded=$(grep -n 'consentwall: loaded' /tmp/boot-dmesg | head -n 1 | cut -d: -f1)
init=$(grep -n 'Run /init as init process' /tmp/boot-dmesg | head -n 1 | cut -d: -f1)
[ -n "$loaded" ] || fail "the kernel never said 'consentwall: loaded' before init"
[ -n "$init" ] || fail "no 'Run /init as init process' in the kernel log"
log "$(sed -n "${loaded}p" /tmp/boot-dmesg)"
log "$(sed -n "${init}p" /tmp/boot-dmesg)"
assert_lt "kernel log line of 'consentwall: loaded' before 'Run /init' ($init)" "$init" "$loaded"
assert_nomatch "QUIC crypto at boot" 'QUIC Initials cannot be read' "$(cat /tmp/boot-dmesg)"

assert_eq "policed at boot" 1 "$(status_get policed)"
assert_eq "configured at boot" 0 "$(status_get configured)"
assert_gt "unconfigured_blocked counter" 3 "$(status_get counter unconfigured_blocked)"

# consentd takes over.
srv_tcp ana 198.51.100.10 80
cd_setup <<'RULES'
[analytics]
description = Test analytics
ip = 198.51.100.10
RULES
cd_start
assert_eq "configured under consentd" 1 "$(status_get configured)"
expect_allowed_at web tcp 198.51.100.11 80
expect_allowed_at dns udp 198.51.100.11 53
expect_allowed_at web6 tcp 2001:db8:100::11 80
expect_blocked_at ana tcp 198.51.100.10 80
ctl allow analytics >/dev/null || fail "consentctl allow analytics"
expect_allowed_at ana tcp 198.51.100.10 80
pass "consentd took over from the built-in consentwall"
