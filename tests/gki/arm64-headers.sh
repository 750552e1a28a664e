#!/bin/bash
# Makes Debian's arm64 kernel headers of the installed amd64 ABI available
# for cross-building the module, and prints their directory.
#
# The package linux-headers-VER-arm64:arm64 cannot be installed beside the
# amd64 one (its linux-kbuild dependency is the arm64 build of the host
# tools), so it is downloaded and unpacked with dpkg-deb -x into /usr/src,
# next to linux-headers-VER-common and /usr/lib/linux-kbuild-X.Y from the
# amd64 headers: its Makefile and symlinks name those by path.
#
# Another ABI (VER, e.g. 6.12.117+deb12): its -common headers and the host's
# linux-kbuild of that version are installed with apt-get (small, no
# scripts that matter); the amd64 headers of that version are not, so the
# rig's "newest amd64 headers" stays the 6.1 ABI.
#
#   tests/gki/arm64-headers.sh [VER]           fetch if missing (root), print dir
#   tests/gki/arm64-headers.sh --check [VER]   print dir, exit 1 if missing
set -euo pipefail

check=0
[ "${1:-}" != --check ] || { check=1; shift; }
ver=${1:-}
if [ -z "$ver" ]; then
	amd=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n1)
	[ -n "$amd" ] || { echo "arm64-headers: no /usr/src/linux-headers-*-amd64 (tests/deps.sh)" >&2; exit 1; }
	ver=${amd#/usr/src/linux-headers-}
	ver=${ver%-amd64}
fi
dir=/usr/src/linux-headers-$ver-arm64
if [ -f "$dir/.config" ] && [ -f "$dir/Module.symvers" ] &&
	[ -d "/usr/src/linux-headers-$ver-common" ]; then
	echo "$dir"
	exit 0
fi
if [ $check = 1 ] || [ "$(id -u)" != 0 ]; then
	echo "arm64-headers: $dir missing (run tests/deps.sh as root)" >&2
	exit 1
fi

# apt-get download of an :arm64 package needs the architecture's lists.
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	dpkg --add-architecture arm64
	apt-get update -qq >&2
fi
if [ ! -d "/usr/src/linux-headers-$ver-common" ]; then
	# linux-kbuild-6.1 for 6.1.0-57, linux-kbuild-6.12.117+deb12 for 6.12
	kb=linux-kbuild-$ver
	case $ver in *+*) ;; *) kb=linux-kbuild-$(echo "$ver" | cut -d. -f1,2) ;; esac
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"linux-headers-$ver-common" "$kb" >&2
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
download() { (cd "$tmp" && apt-get download "linux-headers-$ver-arm64:arm64" >&2); }
download || { apt-get update -qq >&2 && download; } ||
	{ echo "arm64-headers: apt-get download linux-headers-$ver-arm64:arm64 failed" >&2; exit 1; }
dpkg-deb -x "$tmp"/linux-headers-*.deb "$tmp/root"
[ -f "$tmp/root$dir/.config" ] || { echo "arm64-headers: no $dir in the package" >&2; exit 1; }
rm -rf "$dir"
mv "$tmp/root$dir" "$dir"
echo "$dir"
