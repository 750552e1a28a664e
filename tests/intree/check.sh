#!/bin/bash
# make check-intree: consentwall built into the kernel (CONFIG_CONSENTWALL=y
# in the debug kernel's tree, tests/intree/build-kernel.sh), booted in QEMU
# with no module anywhere in the guest. PID 1 (tests/intree/init) runs
# tests/intree/intree.sh before anything else: the first packets are
# refused, loopback works, then consentd takes over. Prints TAP lines for
# tests/run-tap; the guest proves its success with a token carrying a
# nonce from the kernel command line.
#
# env: CW_INTREE_KERNEL (boot this image instead: the stock debug kernel,
#      which lacks consentwall, must fail), CW_DEBUG_CACHE, CW_JOBS,
#      CW_TIMEOUT (seconds for the boot, default 1200)
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$top/build/intree
mkdir -p "$build"

t0=$(date +%s)
if [ -n "${CW_INTREE_KERNEL:-}" ]; then
	kernel=$CW_INTREE_KERNEL
	echo "# not building the in-tree kernel: CW_INTREE_KERNEL=$kernel"
elif kernel=$("$here/build-kernel.sh"); then
	echo "ok - in-tree kernel (CONFIG_CONSENTWALL=y) built, net/consentwall warning-free ($(( $(date +%s) - t0 )) s)"
else
	echo "not ok - in-tree kernel (CONFIG_CONSENTWALL=y) built"
	exit 1
fi
debug=$("$top/tests/debug/build-kernel.sh") || exit 1

# The guest suite's initramfs (busybox, iproute2, consentd, consentctl,
# the test tools, tests/guest/lib.sh) without any module, and over it a
# second archive with this test's init: the kernel unpacks both in order.
base=$build/base.cpio.gz
if ! CW_MODE=run CW_MODULE=/nonexistent CW_MODULE_DEBUG=/nonexistent \
	CW_TOOLS_DIR=$top/build/tools "$top/tests/qemu/mkinitramfs.sh" \
	"$debug" "$base" 2> >(grep -v '/nonexistent missing' >&2); then
	echo "not ok - in-tree guest initramfs built"
	exit 1
fi
over=$(mktemp -d)
trap 'rm -rf "$over"' EXIT
mkdir -p "$over/cw"
install -m 0755 "$here/init" "$over/init"
install -m 0644 "$here/intree.sh" "$over/cw/intree.sh"
(cd "$over" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$build/over.cpio.gz"
cat "$base" "$build/over.cpio.gz" >"$build/initramfs.cpio.gz"

nonce=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
log=$build/guest.log
echo "# booting $kernel in QEMU, console log: $log"
t1=$(date +%s)
timeout -s KILL "${CW_TIMEOUT:-1200}" qemu-system-x86_64 -m 1536M -smp 2 \
	-nographic -no-reboot -nic none -cpu max -kernel "$kernel" \
	-initrd "$build/initramfs.cpio.gz" \
	-append "console=ttyS0 panic=-1 oops=panic panic_on_warn=1 loglevel=5 softlockup_panic=1 cw.nonce=$nonce" \
	</dev/null 2>&1 | sed -u 's/\r$//' | tee "$log"
echo "# in-tree guest: $(( $(date +%s) - t1 )) s"
if grep -qx "CW-SUCCESS $nonce" "$log"; then
	echo "ok - the in-tree guest wrote the success token"
	exit 0
fi
echo "not ok - the in-tree guest wrote the success token"
grep -q 'Kernel panic' "$log" && grep -m1 -A30 -E 'WARNING:|BUG:|Oops|Kernel panic' "$log" | sed 's/^/#   /'
exit 1
