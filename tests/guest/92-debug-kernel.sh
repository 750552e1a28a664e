# On the debug kernel (tests/debug, make check-debug): the sanitizers the
# suite relies on are really there, and the module's own self-test ran and
# passed at load. Prints what it found on the console (the rig shows only
# failures' output) so that tests/debug/check-debug.sh can tell. On any
# other kernel it is skipped.
. /cw/guest/lib.sh
cw_require
case "$(uname -r)" in
*cwdebug*) ;;
*) skip "not the debug kernel ($(uname -r))" ;;
esac
say() { echo "# debug-kernel: $*" >/dev/console; pass "$*"; }

grep -q 'KernelAddressSanitizer initialized' /tmp/boot-dmesg ||
	fail "KASAN not initialized at boot"
say "KASAN initialized at boot"
[ -w /sys/kernel/debug/kmemleak ] || fail "no /sys/kernel/debug/kmemleak"
say "kmemleak available (the rig scans it at the end)"
grep -q 'lockdep' /proc/lockdep_stats 2>/dev/null ||
	[ -r /proc/lockdep ] || fail "lockdep not enabled"
say "lockdep enabled: $(grep -m1 'lock-classes' /proc/lockdep_stats | tr -s ' ')"
for p in panic_on_warn panic_on_oops; do
	assert_eq "kernel.$p" 1 "$(cat /proc/sys/kernel/$p)"
done
say "panic_on_warn and panic_on_oops set"
# The init loaded the module for this scenario; the debug build ran its
# differential self-test then (CONFIG_CONSENTWALL_DEBUG).
st=$(dmesg | grep 'consentwall: selftest: passed' | tail -n1)
[ -n "$st" ] || fail "no 'consentwall: selftest: passed' in the kernel log: $(dmesg | grep consentwall | tail -n5)"
say "module self-test at load: ${st#*] }"
