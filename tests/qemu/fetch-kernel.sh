#!/bin/bash
# Fetch the stock Debian kernel that matches the installed amd64 headers and
# unpack it into a cache outside the repository. The guest boots this kernel
# and takes its modules (veth, nf_tables...) from here, so the module built
# against the headers has the right vermagic. Nothing is installed on the
# host: the package is downloaded and unpacked with dpkg-deb -x.
#
# Prints the cache directory (containing boot/vmlinuz-VER, lib/modules/VER).
set -euo pipefail

KVER=${KVER:-}
if [ -z "$KVER" ]; then
	hdr=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n1)
	[ -n "$hdr" ] || { echo "fetch-kernel: no /usr/src/linux-headers-*-amd64 (run tests/deps.sh)" >&2; exit 1; }
	KVER=${hdr#/usr/src/linux-headers-}
fi
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
# The signed package holds the real image on Debian 12; the -unsigned one
# is the same kernel. Try both so a mirror lacking one still works.
download() {
	(
		cd "$tmp"
		apt-get download "linux-image-$KVER" >&2 ||
			apt-get download "linux-image-$KVER-unsigned" >&2
	)
}
# A machine whose package lists were never fetched knows no such package:
# fetch them once (as root) and try again.
if ! download; then
	[ "$(id -u)" = 0 ] && apt-get update -qq >&2 && download ||
		{ echo "fetch-kernel: apt-get download linux-image-$KVER failed (run apt-get update as root)" >&2; exit 1; }
fi
mkdir -p "$tmp/root"
dpkg-deb -x "$tmp"/linux-image-*.deb "$tmp/root"
[ -f "$tmp/root/boot/vmlinuz-$KVER" ] || { echo "fetch-kernel: no vmlinuz-$KVER in package" >&2; exit 1; }
touch "$tmp/root/.complete"
rm -rf "$dir"
mv "$tmp/root" "$dir"
echo "$dir"
