#!/bin/bash
# Boot the stock Debian kernel in QEMU (software emulation, no network
# device) with the consentwall module and run the guest scenarios, or the
# demo. Streams the guest console live; exits 0 only when the guest printed
# the success token carrying this run's random nonce.
#
# usage: tests/qemu/run.sh [check|run|demo]
# env:   CW_CELL       the cell of the test matrix (tests/qemu/cells):
#                      x86_64-6.1 (default; the module, tools and userspace
#                      built by make), x86_64-6.12, arm64-6.1, arm64-6.12
#                      (built here for the cell, tests/qemu/build-cell.sh;
#                      arm64 boots in qemu-system-aarch64 -M virt)
#        T / CW_ONLY   run a subset, comma-separated: a number matches the
#                      start of a scenario's name (T=2 is 2x-*, T=12 is
#                      12-*), anything else a substring (T=udp,owner);
#                      one that selects nothing fails
#        CW_MODULE     module to test (default kmod/consentwall.ko)
#        CW_KERNEL     kernel image to boot instead of the Debian one; its
#        CW_KERNEL_DIR modules tree (lib/modules/VER) comes from CW_KERNEL_DIR
#        CW_TIMEOUT    hard limit for the whole boot, seconds (default 900;
#                      check: 900 + 45 per scenario, 90 on arm64)
#        CW_SCENARIO_TIMEOUT  limit of each scenario (120 s, arm64 300)
#        CW_MEM        guest memory (default 1024M)
#        CW_LOG        where to keep the console log (default
#                      build/guest-MODE.log, build/guest-MODE-CELL.log)
#        CW_QEMU_ARGS  more QEMU options, split on blanks (bench/run.sh:
#                      -icount)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
mode=${1:-check}
build=${CW_BUILD:-$top/build}
mkdir -p "$build"

cell=${CW_CELL:-x86_64-6.1}
read -r arch cell_kver < <("$here/cell.sh" "$cell")
suffix=
if [ "$cell" = x86_64-6.1 ]; then
	# Test tools (cwprobe, cwnl) are built here so that
	# `tests/qemu/run.sh` works on its own, not only through make.
	make -s -C "$top/tests/tools" O="$build/tools" >&2
	export CW_TOOLS_DIR=$build/tools
else
	suffix=-$cell
	env=$("$here/build-cell.sh" "$cell") || { echo "not ok - $cell: module, tools and userspace built (see above)"; exit 1; }
	# shellcheck disable=SC2046,SC2163 # NAME=VALUE lines, no blanks in them
	export $env
fi
# An emulated arm64 CPU on an x86_64 host is slower than an emulated x86
# one: a wider limit for each scenario (and so for the whole boot).
per=45
if [ "$arch" = arm64 ]; then
	: "${CW_SCENARIO_TIMEOUT:=300}"
	export CW_SCENARIO_TIMEOUT
	per=90
fi
if [ -n "${CW_KERNEL_DIR:-}" ]; then
	kdir=$CW_KERNEL_DIR
else
	kdir=$("$here/fetch-kernel.sh" "$cell_kver")
fi
kver=$(basename "$(ls -d "$kdir"/lib/modules/*/ | head -n1)")
kernel=${CW_KERNEL:-$kdir/boot/vmlinuz-$kver}

initrd=$build/initramfs-$mode$suffix.cpio.gz
plan=$build/plan-$mode$suffix.txt
if ! CW_MODE=$mode CW_ONLY=${CW_ONLY:-${T:-}} CW_ARCH=$arch \
	CW_PLAN=$plan "$here/mkinitramfs.sh" "$kdir" "$initrd"; then
	echo "not ok - guest initramfs built (see above)"
	exit 1
fi
# The limit of the whole boot grows with the plan: 15 minutes, and 45 s
# per scenario (90 on arm64), far above what each takes on 2 busy cores
# (10 to 30 s) and far below the sum of the scenario limits: it catches a
# guest that hangs outside any scenario.
[ "$mode" != check ] || : "${CW_TIMEOUT:=$((900 + per * $(wc -l <"$plan")))}"

nonce=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
log=${CW_LOG:-$build/guest-$mode$suffix.log}
console=ttyS0
[ "$arch" = amd64 ] || console=ttyAMA0
append="console=$console panic=-1 oops=panic panic_on_warn=1 loglevel=5"
append="$append softlockup_panic=1 cw.nonce=$nonce"
[ -n "${CW_APPEND:-}" ] && append="$append $CW_APPEND"

qemu=(-m "${CW_MEM:-1024M}" -smp 2 -nographic -no-reboot
      -nic none -kernel "$kernel" -initrd "$initrd" -append "$append")
if [ "$arch" = arm64 ]; then
	# A handset's core (with the AES and PMULL extensions the kernel's
	# crypto uses); always TCG on this host.
	qemu=(qemu-system-aarch64 -M virt -cpu cortex-a57 "${qemu[@]}")
# KVM is used when this machine has it; otherwise TCG (slow but the same).
# (/dev/kvm can exist on a machine without hardware virtualization.)
elif [ -w /dev/kvm ] && grep -qE '^flags.* (vmx|svm)( |$)' /proc/cpuinfo; then
	qemu=(qemu-system-x86_64 "${qemu[@]}" -accel kvm -accel tcg -cpu max)
else
	qemu=(qemu-system-x86_64 "${qemu[@]}" -cpu max)
fi
# shellcheck disable=SC2206 # split on blanks, as documented
[ -n "${CW_QEMU_ARGS:-}" ] && qemu+=($CW_QEMU_ARGS)

echo "# booting $kver ($mode, cell $cell) in QEMU, console log: $log" >&2
if [ "$mode" = run ] && [ -t 0 ] && [ -t 1 ]; then
	# Interactive: the user's terminal is the guest console.
	# No tee: QEMU must see the terminal to put it in raw mode.
	timeout --foreground "${CW_TIMEOUT:-86400}" "${qemu[@]}" || true
	exit 0
else
	set +e
	timeout -s KILL "${CW_TIMEOUT:-900}" "${qemu[@]}" </dev/null 2>&1 \
		| sed -u 's/\r$//' | tee "$log"
	set -e
fi

tr -d '\r' <"$log" >"$log.clean"
# Every scenario of the plan (tests/guest, filtered) must have reported,
# once: a scenario lost on the way (not in the initramfs, a guest that
# counted wrong) fails the run even with the success token.
if [ "$mode" = check ]; then
	missing=
	for name in $(cat "$plan"); do
		[ "$(grep -cE "^(not )?ok [0-9]+ - $name( |$)" "$log.clean")" = 1 ] ||
			missing="$missing $name"
	done
	if [ -n "$missing" ]; then
		echo "not ok - every planned scenario reported once (not:$missing)" | tee -a "$log"
		exit 1
	fi
	echo "ok - the guest reported each of the $(wc -l <"$plan") planned scenarios"
fi
if grep -qx "CW-SUCCESS $nonce" "$log.clean"; then
	[ "$mode" = check ] && echo "ok - guest wrote the success token"
	exit 0
fi

# Failure: say why, clearly, at the end where a person looks first.
{
	# The scenario that was running: the last "# run N - name" line.
	last_run=$(sed -n 's/^# run [0-9]* - //p' "$log.clean" | tail -n1)
	if grep -q 'Kernel panic' "$log.clean"; then
		echo "not ok - guest wrote the success token (kernel panic in ${last_run:-boot})"
	elif ! grep -q '^# guest: ' "$log.clean"; then
		echo "not ok - guest wrote the success token (guest stopped in ${last_run:-boot})"
	else
		echo "not ok - guest wrote the success token"
	fi
	if grep -q 'Kernel panic' "$log.clean"; then
		echo "# the guest kernel panicked while running ${last_run:-no scenario (boot)}:"
		grep -n -B2 -A40 -m1 -E 'WARNING:|BUG:|Oops|Kernel panic' "$log.clean" | head -n 60 | sed 's/^/#   /'
	elif ! grep -q '^1\.\.' "$log.clean"; then
		echo "# the guest never started the scenarios (boot failure?); console tail:"
		tail -n 30 "$log.clean" | sed 's/^/#   /'
	elif ! grep -q '^# guest: ' "$log.clean"; then
		echo "# the guest stopped before the end (timeout ${CW_TIMEOUT:-900}s or crash) while running ${last_run:-no scenario}; console tail:"
		tail -n 30 "$log.clean" | sed 's/^/#   /'
	else
		echo "# failed in the guest:"
		grep '^not ok' "$log.clean" | sed 's/^/#   /'
	fi
	echo "# full console log: $log"
} | tee -a "$log"
exit 1
