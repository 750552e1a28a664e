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
# usage: bench/run.sh [LOG]   with LOG: only redo the report from a console
#                             log of an earlier run
# env:   KDIR                 kernel headers (default: the newest amd64 ones)
#        BENCH_REPS, BENCH_MS, BENCH_LEVELS   passed to the guest
#                             (defaults 7, 300, 0,1000,10000,100000,100000d:
#                             prefixes of each family; "d" adds 10k domains)
#        BENCH_OUT            results folder (default bench/results)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
out=${BENCH_OUT:-$here/results}
bdir=$top/build/bench
mkdir -p "$out" "$bdir"

if [ $# -ge 1 ]; then
	log=$1
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

	log=$bdir/guest-bench.log
	# Unknown NAME=VALUE words of the kernel command line become the
	# environment of the guest's init, and so of the scenario.
	append=
	for v in BENCH_REPS BENCH_MS BENCH_LEVELS; do
		if [ -n "${!v:-}" ]; then append="$append $v=${!v}"; fi
	done
	{
		echo "host $(date -u +%Y-%m-%dT%H:%MZ) $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) CPUs"
		echo "host_load_before $(cut -d' ' -f1-3 /proc/loadavg)"
	} >"$bdir/host.txt"
	echo "# bench: booting the guest (TCG: about 10 minutes)" >&2
	rc=0
	CW_BUILD=$bdir CW_ONLY=90-bench \
	CW_EXTRA_SCENARIOS="$here/guest/90-bench.sh $bdir/consentwall-debug.ko" \
	CW_SCENARIO_TIMEOUT=${BENCH_TIMEOUT:-1700} CW_TIMEOUT=1800 \
	CW_MEM=${BENCH_MEM:-2048M} CW_LOG="$log" \
	CW_APPEND="$append" \
		"$top/tests/qemu/run.sh" check >"$bdir/rig.out" 2>&1 || rc=$?
	echo "host_load_after $(cut -d' ' -f1-3 /proc/loadavg)" >>"$bdir/host.txt"
	cp "$bdir/host.txt" "$out/host.txt"
	if [ $rc != 0 ]; then
		echo "# bench: the guest run failed (rc $rc); console log $log" >&2
		grep -E '^(not ok|#)' "$log.clean" 2>/dev/null | tail -n 40 >&2 || true
	fi
fi

tr -d '\r' <"$log" | grep '^BENCH ' >"$out/raw.txt" || true
[ -s "$out/raw.txt" ] || { echo "# bench: no BENCH lines in $log" >&2; exit 1; }
/usr/bin/python3 "$here/report.py" "$out" <"$out/raw.txt" >"$out/results.txt"
cat "$out/results.txt"
if command -v gnuplot >/dev/null; then
	gnuplot "$out/plot.gp" && echo "# bench: plot in $out/bench.png" >&2
else
	echo "# bench: gnuplot missing (apt-get install gnuplot-nox): no plot" >&2
fi
[ "${rc:-0}" = 0 ]
