#!/bin/bash
# Fetch the stock Debian kernel of one cell of the test matrix
# (tests/qemu/cells) and unpack it into a cache outside the repository.
# The guest boots this kernel and takes its modules (veth, nf_tables...)
# from here, so the module built against the same ABI's headers has the
# right vermagic. Nothing is installed on the host: the package is
# downloaded and unpacked with dpkg-deb -x.
#
#   tests/qemu/fetch-kernel.sh [KVER]   e.g. 6.12.117+deb12-arm64
#                                       (default: the x86_64-6.1 cell's)
# Prints the cache directory (containing boot/vmlinuz-KVER, lib/modules/KVER).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
KVER=${1:-${KVER:-}}
[ -n "$KVER" ] || read -r _ KVER < <("$here/cell.sh" x86_64-6.1)
case $KVER in
*-amd64) pkgarch= ;;
*-arm64) pkgarch=:arm64 ;;
*) echo "fetch-kernel: $KVER is not an amd64 or arm64 kernel" >&2; exit 2 ;;
esac
CACHE=${CW_CACHE:-/var/cache/consentwall}
dir=$CACHE/$KVER
if [ -f "$dir/.complete" ] && [ -f "$dir/boot/vmlinuz-$KVER" ]; then
	echo "$dir"
	exit 0
fi

mkdir -p "$CACHE"
tmp=$(mktemp -d "$CACHE/.fetch.XXXXXX")
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
# The signed package holds the real image on Debian 12 (6.1); the
# -unsigned one is the same kernel (and the only name of 6.12's image).
download() {
	(
		cd "$tmp"
		apt-get download "linux-image-$KVER$pkgarch" >&2 ||
			apt-get download "linux-image-$KVER-unsigned$pkgarch" >&2
	)
}
# A machine whose package lists were never fetched knows no such package:
# fetch them once (as root) and try again.
if ! download; then
	[ "$(id -u)" = 0 ] && apt-get update -qq >&2 && download ||
		{ echo "fetch-kernel: apt-get download linux-image-$KVER$pkgarch failed (run apt-get update as root)" >&2; exit 1; }
fi
mkdir -p "$tmp/root"
dpkg-deb -x "$tmp"/linux-image-*.deb "$tmp/root"
[ -f "$tmp/root/boot/vmlinuz-$KVER" ] || { echo "fetch-kernel: no vmlinuz-$KVER in package" >&2; exit 1; }
touch "$tmp/root/.complete"
rm -rf "$dir"
mv "$tmp/root" "$dir"
echo "$dir"
