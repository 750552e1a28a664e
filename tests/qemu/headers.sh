#!/bin/bash
# Makes Debian's kernel headers of one ABI and architecture available for
# building the module, and prints their directory (KDIR).
#
#   tests/qemu/headers.sh [--check] ARCH [ABI]   ARCH amd64|arm64; ABI e.g.
#                         6.12.117+deb12 (default: the x86_64-6.1 cell's)
#   --check: print the directory, exit 1 if it is missing (no fetching)
#
# - amd64 headers that apt installed (tests/deps.sh: the default cell's)
#   are used where they are, /usr/src/linux-headers-ABI-amd64.
# - arm64: linux-headers-ABI-arm64:arm64 cannot be installed beside the
#   amd64 one (its linux-kbuild dependency is the arm64 build of the host
#   tools), so it is downloaded and unpacked into /usr/src, next to
#   linux-headers-ABI-common and /usr/lib/linux-kbuild-X.Y whose paths
#   its Makefile and symlinks name.
# - amd64 of another ABI (6.12): unpacked the same way but into
#   $CW_CACHE/headers/, never /usr/src, where a tool that follows "the
#   newest amd64 headers" would pick it up; its symlinks are re-pointed
#   at /usr/lib/linux-kbuild-ABI.
# The -common headers and the host's linux-kbuild of the ABI are installed
# with apt-get (small, arch-independent or host tools).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
check=0
[ "${1:-}" != --check ] || { check=1; shift; }
arch=${1:?usage: headers.sh [--check] amd64|arm64 [ABI]}
abi=${2:-}
if [ -z "$abi" ]; then
	read -r _ kver < <("$here/cell.sh" x86_64-6.1)
	abi=${kver%-amd64}
fi
case $arch in amd64 | arm64) ;; *) echo "headers.sh: ARCH is amd64 or arm64, not '$arch'" >&2; exit 2 ;; esac
cache=${CW_CACHE:-/var/cache/consentwall}
dir=/usr/src/linux-headers-$abi-$arch
complete() { [ -f "$1/.config" ] && [ -f "$1/Module.symvers" ] && [ -d "/usr/src/linux-headers-$abi-common" ]; }
if complete "$dir"; then
	echo "$dir"
	exit 0
fi
[ "$arch" = arm64 ] || dir=$cache/headers/linux-headers-$abi-$arch
if complete "$dir"; then
	echo "$dir"
	exit 0
fi
if [ $check = 1 ] || [ "$(id -u)" != 0 ]; then
	echo "headers.sh: $dir missing (run tests/deps.sh as root)" >&2
	exit 1
fi

pkg=linux-headers-$abi-$arch
if [ "$arch" = arm64 ]; then
	pkg=$pkg:arm64
	# apt-get download of an :arm64 package needs the architecture's lists.
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		dpkg --add-architecture arm64
		apt-get update -qq >&2
	fi
fi
if [ ! -d "/usr/src/linux-headers-$abi-common" ]; then
	# linux-kbuild-6.1 for 6.1.0-57, linux-kbuild-6.12.117+deb12 for 6.12
	kb=linux-kbuild-$abi
	case $abi in *+*) ;; *) kb=linux-kbuild-$(echo "$abi" | cut -d. -f1,2) ;; esac
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"linux-headers-$abi-common" "$kb" >&2
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
download() { (cd "$tmp" && apt-get download "$pkg" >&2); }
download || { apt-get update -qq >&2 && download; } ||
	{ echo "headers.sh: apt-get download $pkg failed" >&2; exit 1; }
dpkg-deb -x "$tmp"/linux-headers-*.deb "$tmp/root"
src=$tmp/root/usr/src/linux-headers-$abi-$arch
[ -f "$src/.config" ] || { echo "headers.sh: no linux-headers-$abi-$arch in $pkg" >&2; exit 1; }
for l in scripts tools; do
	t=$(readlink "$src/$l")
	case $t in ../../lib/*) ln -sfn "/usr/${t#../../}" "$src/$l" ;; esac
done
mkdir -p "$(dirname "$dir")"
rm -rf "$dir"
mv "$src" "$dir"
echo "$dir"
