#!/bin/bash
# The handset's architecture in `make check`: the module cross-built for
# arm64 against Debian's arm64 headers (W=1, not one warning), for the
# installed 6.1 ABI and for Debian 12's newest 6.12; each build through
# the GKI symbol gate of its Android branch (android14-6.1, android16-6.12)
# and loaded, with its debug build's self-test, on Debian's stock arm64
# kernel of the same ABI in qemu-system-aarch64.
# TAP lines; exit 1 on any failure.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
MAKE=${MAKE:-make}
B=${B:-$top/build}
rc=0

# The newest Debian 12 6.12 ABI with arm64 headers: the one already
# unpacked, else the newest in the package lists.
ver612() {
	local d
	d=$(ls -d /usr/src/linux-headers-6.12.*+deb12-arm64 2>/dev/null | sort -V | tail -n1)
	if [ -n "$d" ]; then
		d=${d#/usr/src/linux-headers-}
		echo "${d%-arm64}"
		return
	fi
	apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb12-arm64$' 2>/dev/null |
		awk '{ print $1 }' | sort -V | tail -n1 |
		sed 's/^linux-headers-//; s/-arm64$//'
}

# build NAME KDIR OUT BRANCH: cross-build into OUT, then the gate, then
# boot Debian's arm64 kernel of that ABI with it (tests/gki/boot-arm64.sh).
build() {
	local name=$1 kdir=$2 out=$3 branch=$4 log
	log=$(mktemp)
	if $MAKE -s module-arm64 W=1 ARM64_KDIR="$kdir" B="$out" >"$log" 2>&1 &&
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
	if ! $MAKE -s module-debug KDIR="$kdir" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
		B="$out" >/dev/null 2>&1; then
		echo "not ok - arm64 debug build ($name)"
		rc=1
		return
	fi
	tests/gki/boot-arm64.sh "${kdir#/usr/src/linux-headers-}" \
		"$out/kmod-arm64/kmod/consentwall.ko" "$out/kmod-debug/kmod/consentwall.ko" || rc=1
}

if ! command -v aarch64-linux-gnu-gcc >/dev/null; then
	echo "not ok - arm64: no aarch64-linux-gnu-gcc (tests/deps.sh)"
	exit 1
fi
if kdir=$(tests/gki/arm64-headers.sh); then
	build "$(basename "$kdir")" "$kdir" "$B/arm64-6.1" android14-6.1
else
	echo "not ok - arm64: Debian's arm64 headers of the installed ABI (tests/gki/arm64-headers.sh)"
	rc=1
fi
v=$(ver612)
if [ -n "$v" ] && kdir=$(tests/gki/arm64-headers.sh "$v"); then
	build "$(basename "$kdir")" "$kdir" "$B/arm64-6.12" android16-6.12
else
	echo "not ok - arm64: Debian 12's 6.12 arm64 headers (${v:-none in the package lists})"
	rc=1
fi
exit $rc
