#!/bin/bash
# make bench: the benchmarks of issue 7, in one QEMU guest run.
#
# Builds the module, the tools, consentd and a debug build of the module
# (CONFIG_CONSENTWALL_DEBUG=y, for the in-kernel lookup microbenchmark,
# bench=1), boots the rig (tests/qemu/run.sh) with only the bench scenario
# (bench/guest/90-bench.sh, copied in with CW_EXTRA_SCENARIOS, so the normal
# suite never runs it), then turns the guest's "BENCH ..." lines into
# bench/results/results.txt (table, targets) and bench/results/bench.png.
#
# The guest boots twice:
#  - traffic, commit and memory under QEMU -icount (one CPU: SMP bring-up
#    hangs under -icount): guest time advances one nanosecond per guest
#    instruction and jumps over idle time, so every rate is a count of
#    instructions, the same from run to run whatever else the host runs.
#    In plain TCG the same figures moved by a third within one run;
#  - the lookup microbenchmark in plain TCG with two CPUs, where time is
#    the host's: the cost of a cache miss at 1M prefixes is the point of
#    that measure, and -icount would hide it.
#
# usage: bench/run.sh [LOG...]  with LOGs: only redo the report from the
#                               console logs of an earlier run
# env:   KDIR                 kernel headers (default: the newest amd64 ones)
#        BENCH_REPS, BENCH_MS, BENCH_LEVELS, BENCH_KLOADS   passed to the
#                             guest (defaults 5, 100, 0,1000,10000,100000,100000d:
#                             prefixes of each family, "d" adds 10k domains;
#                             5 loads of the lookup microbenchmark)
#        BENCH_ICOUNT         QEMU -icount options of the traffic boot
#                             (default shift=0,sleep=off; "none": plain TCG)
#        BENCH_OUT            results folder (default bench/results)
#        BENCH_TCP_REPS, BENCH_TCP_MS   repetitions and ms of section 7
#                             (default 31, 300)
#        BENCH_ONLY           only these sections of the traffic boot
#                             (comma-separated: core, tcpmem, quic, idents),
#                             and no lookup boot
#        BENCH_ID_CLASSES     only these classes of the identifier scan
#                             (comma-separated: bulk, tlsbulk, udp16, tcp16)
#        BENCH_ID_TRACE       0: do not count the hook's instructions for
#                             a tcp16 segment ("idents hookins" in raw.txt,
#                             the tcp16 target's measure)
#        BENCH_ID_TRACE_FN    the function it counts (default cw_hook_out)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
out=${BENCH_OUT:-$here/results${BENCH_ONLY:+/only-${BENCH_ONLY//,/-}}}
bdir=$top/build/bench
mkdir -p "$out" "$bdir"

# boot PART LOG [QEMU OPTIONS]: one guest run of 90-bench.sh
boot() {
	local part=$1 log=$2 v append="BENCH_PART=$1"
	shift 2
	# Unknown NAME=VALUE words of the kernel command line become the
	# environment of the guest's init, and so of the scenario.
	for v in BENCH_REPS BENCH_TCP_REPS BENCH_TCP_MS BENCH_MS BENCH_LEVELS BENCH_KLOADS BENCH_ONLY BENCH_ID_CLASSES BENCH_ID_TRACE BENCH_ID_TRACE_FN; do
		if [ -n "${!v:-}" ]; then append="$append $v=${!v}"; fi
	done
	echo "# bench: booting the guest for $part ($*)" >&2
	CW_BUILD=$bdir CW_ONLY=90-bench \
	CW_EXTRA_SCENARIOS="$here/guest/90-bench.sh $here/guest/quic.sh $bdir/consentwall-debug.ko" \
	CW_SCENARIO_TIMEOUT=${BENCH_TIMEOUT:-1700} CW_TIMEOUT=1800 \
	CW_MEM=${BENCH_MEM:-2048M} CW_LOG="$log" CW_APPEND="$append" \
	CW_QEMU_ARGS="$*" \
		"$top/tests/qemu/run.sh" check >"$bdir/rig-$part.out" 2>&1 && return
	echo "# bench: the $part run failed; console log $log" >&2
	grep -E '^(not ok|#)' "$log.clean" 2>/dev/null | tail -n 40 >&2 || true
	return 1
}

rc=0
if [ $# -ge 1 ]; then
	logs=("$@")
else
	KDIR=${KDIR:-$(make -s -C "$top" kdir)}
	echo "# bench: building the module, tools, consentd (KDIR=$KDIR)" >&2
	make -s -C "$top" module userspace KDIR="$KDIR" >&2
	make -s -C "$top/tests/tools" O="$bdir/tools" >&2

	# The debug module is built from a copy of the sources: the work
	# tree's objects stay those of the release module.
	dbg=$bdir/dbg-src
	rm -rf "$dbg"
	mkdir -p "$dbg"
	cp "$top/Kbuild" "$dbg/"
	cp -r "$top/kmod" "$dbg/"
	find "$dbg" \( -name '*.o' -o -name '*.ko' -o -name '*.mod*' -o \
		-name '.*.cmd' -o -name 'modules.order' \) -delete
	echo "# bench: building the debug module (bench=1)" >&2
	make -s -C "$KDIR" M="$dbg" CONFIG_CONSENTWALL_DEBUG=y modules >&2
	cp "$dbg/kmod/consentwall.ko" "$bdir/consentwall-debug.ko"

	icount=${BENCH_ICOUNT:-shift=0,sleep=off}
	{
		echo "host $(date -u +%Y-%m-%dT%H:%MZ) $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) CPUs"
		echo "host_load_before $(cut -d' ' -f1-3 /proc/loadavg)"
		echo "traffic_qemu ${icount/#none/plain TCG}"
	} >"$bdir/host.txt"
	logs=("$bdir/guest-traffic.log" "$bdir/guest-kbench.log")
	if [ "$icount" = none ]; then
		boot traffic "${logs[0]}" || rc=$?
	else
		boot traffic "${logs[0]}" -smp 1 -icount "$icount" || rc=$?
	fi
	# BENCH_ONLY: sections of the traffic boot only, no lookup boot
	if [ -z "${BENCH_ONLY:-}" ]; then
		boot kbench "${logs[1]}" || rc=$?
	else
		logs=("${logs[0]}")
	fi
	echo "host_load_after $(cut -d' ' -f1-3 /proc/loadavg)" >>"$bdir/host.txt"
	cp "$bdir/host.txt" "$out/host.txt"
fi

cat "${logs[@]}" | tr -d '\r' | grep '^BENCH ' >"$out/raw.txt" || true
[ -s "$out/raw.txt" ] || { echo "# bench: no BENCH lines in ${logs[*]}" >&2; exit 1; }
/usr/bin/python3 "$here/report.py" "$out" <"$out/raw.txt" >"$out/results.txt"
cat "$out/results.txt"
if [ -n "${BENCH_ONLY:-}" ]; then
	:	# the plot is of sections 1-3
elif command -v gnuplot >/dev/null; then
	gnuplot "$out/plot.gp" && echo "# bench: plot in $out/bench.png" >&2
else
	echo "# bench: gnuplot missing (apt-get install gnuplot-nox): no plot" >&2
fi
[ "$rc" = 0 ]
