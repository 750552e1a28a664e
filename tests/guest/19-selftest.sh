# The debug build (CONFIG_CONSENTWALL_DEBUG=y) runs its randomized
# differential self-test of the lookup structure at load and would refuse
# to load on a mismatch: it must load, and say it passed.
. /cw/guest/lib.sh
[ -f /cw/consentwall-debug.ko ] ||
	fail "no debug build in the initramfs (make module-debug)"
rmmod consentwall 2>/dev/null || true
# Not dmesg -c: the final kernel-log check must still see everything.
before=$(dmesg | wc -l)
t0=$(now_ms)
insmod /cw/consentwall-debug.ko || fail "the debug build refused to load: $(dmesg | tail -n 20)"
log "insmod with the self-test took $(( $(now_ms) - t0 )) ms"
out=$(dmesg | tail -n +$((before + 1)))
echo "$out" | grep consentwall
assert_match "self-test result" 'consentwall: .*passed: [0-9]+ lookups' "$out"
assert_nomatch "self-test failures" 'FAILED|mismatch|refusing' "$out"
# The debug build works like the normal one: unconfigured, it blocks; a
# committed ruleset that does not list the host lets the same probe by.
net_up
srv_tcp web 198.51.100.11 80
expect_blocked_at web tcp 198.51.100.11 80
owner_std
expect_allowed_at web tcp 198.51.100.11 80
expect_blocked tcp 198.51.100.10 80
owner_kill
rmmod consentwall
