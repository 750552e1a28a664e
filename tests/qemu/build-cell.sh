#!/bin/bash
# Builds what the guest suite needs on one cell of the test matrix
# (tests/qemu/cells), for that cell's kernel and architecture:
#   build/cell/CELL/kmod-cell/kmod/consentwall.ko    the module (W=1)
#   build/cell/CELL/kmod-debug/kmod/consentwall.ko   its debug build
#   test tools, consentd, consentctl for the architecture: on amd64 the
#   host's build (build/tools, userspace/build: what make tools userspace
#   make), on arm64 build/arm64/tools and build/arm64/userspace
#   (aarch64-linux-gnu-gcc, arm64 libnl/libmnl through multiarch)
# and prints the environment tests/qemu/run.sh takes them from. A build
# that fails, or warns, fails this (the log says why).
#
#   tests/qemu/build-cell.sh CELL
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cell=${1:?usage: build-cell.sh CELL}
read -r arch kver < <("$here/cell.sh" "$cell")
kdir=$("$here/headers.sh" "$arch" "${kver%-"$arch"}")
out=$top/build/cell/$cell
mkdir -p "$out"
kb=(KDIR="$kdir")
env=()
tools=$top/build/tools
userspace=$top/userspace/build
if [ "$arch" = arm64 ]; then
	kb+=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
	env=(CC=aarch64-linux-gnu-gcc
	     PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig)
	tools=$top/build/arm64/tools
	userspace=$top/build/arm64/userspace
fi
log=$out/build.log
jobs=$(nproc)
: >"$log"
step() {
	if ! "$@" >>"$log" 2>&1 || grep -qE 'warning:|error:' "$log"; then
		tail -n 30 "$log" >&2
		echo "build-cell: $cell: failed: $* (log: $log)" >&2
		exit 1
	fi
}
step make -s -j"$jobs" -C "$top" module-cell "${kb[@]}" W=1 B="$out"
step make -s -j"$jobs" -C "$top" module-debug "${kb[@]}" B="$out"
step env "${env[@]}" make -s -j"$jobs" -C "$top/tests/tools" O="$tools"
step env "${env[@]}" make -s -j"$jobs" -C "$top/userspace" B="$userspace"
cat <<ENV
CW_CELL=$cell
CW_ARCH=$arch
CW_KVER=$kver
CW_MODULE=$out/kmod-cell/kmod/consentwall.ko
CW_MODULE_DEBUG=$out/kmod-debug/kmod/consentwall.ko
CW_TOOLS_DIR=$tools
CW_USERSPACE_DIR=$userspace
ENV
