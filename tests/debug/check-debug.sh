#!/bin/bash
# make check-debug: the whole guest suite on the debug kernel (KASAN,
# UBSAN, lockdep, PROVE_RCU, kmemleak, DEBUG_LIST..., panic on any report)
# with the module built against that kernel with CONFIG_CONSENTWALL_DEBUG=y
# (its differential self-test runs at every load). The guest's init fails
# the run on any sanitizer report in the kernel log and on a non-empty
# kmemleak scan at the end; scenario 92-debug-kernel proves the sanitizers
# and the self-test were really there; a module that leaks on purpose
# (tests/debug/cwleak) proves the kmemleak scan can fail. Prints TAP lines
# for tests/run-tap.
#
# env: T (subset of scenarios), CW_DEBUG_CACHE (see build-kernel.sh),
#      CW_MODULE_SRC (module source tree to build, default: this one; a
#      scratch copy with a planted bug proves the harness can fail),
#      CW_RIG (the rig's run.sh, default tests/qemu/run.sh)
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$top/build/debug
mkdir -p "$build"

# 1. The kernel (cached: a no-op once built).
t0=$(date +%s)
if ! cache=$("$here/build-kernel.sh"); then
	echo "not ok - debug kernel built"
	exit 1
fi
kver=$(cat "$cache/kernelrelease")
echo "ok - debug kernel $kver ready ($(( $(date +%s) - t0 )) s, $cache)"

# 2. The module against it, from a copy of the sources: an external module
#    builds inside its source tree, and kmod/ holds the stock build.
src=${CW_MODULE_SRC:-$top}
mod=$build/module
rm -rf "$mod"
mkdir -p "$mod"
cp "$src/Kbuild" "$mod/"
cp -r "$src/kmod" "$mod/kmod"
find "$mod/kmod" \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o \
	-name '*.mod.c' -o -name '.*.cmd' -o -name 'modules.order' \) -delete
log=$build/module-build.log
make -j"$(nproc)" -C "$cache/linux" M="$mod" CONFIG_CONSENTWALL_DEBUG=y W=1 modules \
	>"$log" 2>&1
rc=$?
if [ $rc = 0 ] && [ -f "$mod/kmod/consentwall.ko" ] &&
   ! grep -qE 'warning:|error:' "$log"; then
	echo "ok - module builds warning-free against the debug kernel (W=1, CONFIG_CONSENTWALL_DEBUG=y)"
else
	sed 's/^/# /' "$log" | tail -n 40
	echo "not ok - module builds warning-free against the debug kernel (W=1, CONFIG_CONSENTWALL_DEBUG=y)"
	exit 1
fi

# The module that leaks on purpose (tests/debug/cwleak): the guest's
# kmemleak check must see its leak, or an empty scan proves nothing.
leak=$build/cwleak
rm -rf "$leak"
cp -r "$here/cwleak" "$leak"
if make -C "$cache/linux" M="$leak" W=1 modules >"$leak.log" 2>&1 &&
   [ -f "$leak/cwleak.ko" ] && ! grep -qE 'warning:|error:' "$leak.log"; then
	echo "ok - the planted-leak module (tests/debug/cwleak) builds"
else
	sed 's/^/# /' "$leak.log" | tail -n 20
	echo "not ok - the planted-leak module (tests/debug/cwleak) builds"
	exit 1
fi

# 3. The guest suite on the debug kernel. Everything is ~10x slower under
#    KASAN and lockdep (and TCG): generous limits. A client there takes 3 to
#    4 s just to start (gtlsclient refused at its first send: 3.0 and 4.0 s
#    measured), so the name scenarios' clients wait 10 s, not 4: a blocked
#    one must still fail 0.5 s before its timeout (names.sh).
t1=$(date +%s)
glog=$top/build/guest-debug.log
CW_KERNEL=$cache/boot/vmlinuz-$kver CW_KERNEL_DIR=$cache \
CW_MODULE=$mod/kmod/consentwall.ko CW_MODULE_DEBUG=$mod/kmod/consentwall.ko \
CW_BUILD=$build CW_LOG=$glog CW_KMEMLEAK=1 CW_LEAK_MODULE=$leak/cwleak.ko \
CW_SCENARIO_TIMEOUT=${CW_SCENARIO_TIMEOUT:-1200} \
CW_CLIENT_TIMEOUT=${CW_CLIENT_TIMEOUT:-10} \
CW_TIMEOUT=${CW_TIMEOUT:-3000} CW_MEM=${CW_MEM:-2048M} \
	"${CW_RIG:-$top/tests/qemu/run.sh}" check
rc=$?
echo "# debug guest suite: $(( $(date +%s) - t1 )) s, console log $glog"

# 4. What proves that the debug run was one (92-debug-kernel prints it).
clean=$glog.clean
if [ ! -s "$clean" ]; then
	echo "not ok - the guest suite ran on the debug kernel (no console log)"
	exit 1
fi
if [ -z "${T:-}" ] || grep -q '92-debug-kernel' "$clean"; then
	if grep -q '^# debug-kernel: module self-test at load' "$clean"; then
		echo "ok - the module's self-test ran at load: $(sed -n 's/^# debug-kernel: module self-test at load: //p' "$clean" | tail -n1)"
	else
		echo "not ok - the module's self-test ran at load (no line from 92-debug-kernel)"
		rc=1
	fi
fi
# The QUIC scenarios test nothing on a kernel without the module's crypto
# (it warns at every load and 57-names-quic steps aside): it must be there.
if grep -q 'QUIC Initials cannot be read' "$clean"; then
	echo "not ok - the debug kernel has the QUIC crypto (hmac(sha256), AES library): $(grep -m1 'QUIC Initials cannot be read' "$clean")"
	rc=1
else
	echo "ok - the debug kernel has the QUIC crypto (hmac(sha256), AES library)"
fi
# Reports that must never appear, even if the guest somehow missed them.
bad=$(grep -E 'BUG: KASAN|UBSAN:|WARNING: possible|WARNING: suspicious RCU|unreferenced object|WARNING: CPU:|Kernel panic' "$clean" | head -n 5)
if [ -z "$bad" ]; then
	echo "ok - no KASAN, UBSAN, lockdep, RCU, WARNING or kmemleak report on the console"
else
	echo "not ok - no KASAN, UBSAN, lockdep, RCU, WARNING or kmemleak report on the console"
	printf '%s\n' "$bad" | sed 's/^/#   /'
	rc=1
fi
exit $rc
