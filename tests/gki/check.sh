#!/bin/bash
# The handset's architecture in `make check`: the module cross-built for
# arm64 against Debian's arm64 headers (W=1, not one warning), for the
# ABIs of the arm64-6.1 and arm64-6.12 cells of the test matrix
# (tests/qemu/cells); each build through the GKI symbol gate of its
# Android branch (android14-6.1, android16-6.12). The guest suite runs on
# those kernels in qemu-system-aarch64 as the matrix suite of run-tap.
# TAP lines; exit 1 on any failure.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
MAKE=${MAKE:-make}
B=${B:-$top/build}
rc=0

# build NAME KDIR OUT BRANCH: cross-build into OUT, then the gate.
build() {
	local name=$1 kdir=$2 out=$3 branch=$4 log
	log=$(mktemp)
	if $MAKE -s -j"$(nproc)" module-arm64 W=1 ARM64_KDIR="$kdir" B="$out" >"$log" 2>&1 &&
		! grep -qE 'warning:|error:' "$log"; then
		echo "ok - module cross-builds warning-free for arm64 with W=1 ($name)"
	else
		cat "$log"
		echo "not ok - module cross-builds warning-free for arm64 with W=1 ($name)"
		rm -f "$log"
		rc=1
		return
	fi
	rm -f "$log"
	tests/gki/gate.sh "$out/kmod-arm64/kmod/consentwall.ko" "$branch" || rc=1
}

if ! command -v aarch64-linux-gnu-gcc >/dev/null; then
	echo "not ok - arm64: no aarch64-linux-gnu-gcc (tests/deps.sh)"
	exit 1
fi
if kdir=$(tests/gki/arm64-headers.sh); then
	build "$(basename "$kdir")" "$kdir" "$B/arm64-6.1" android14-6.1
else
	echo "not ok - arm64: Debian's arm64 headers of the arm64-6.1 cell (tests/gki/arm64-headers.sh)"
	rc=1
fi
# The arm64-6.12 cell's pinned ABI (tests/qemu/cells).
read -r _ v < <(tests/qemu/cell.sh arm64-6.12)
v=${v%-arm64}
if kdir=$(tests/gki/arm64-headers.sh "$v"); then
	build "$(basename "$kdir")" "$kdir" "$B/arm64-6.12" android16-6.12
else
	echo "not ok - arm64: Debian 12's 6.12 arm64 headers ($v)"
	rc=1
fi
exit $rc
