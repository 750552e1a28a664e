#!/bin/bash
# The root the guest's programs come from, for one architecture; prints it.
#
#   tests/qemu/userland.sh amd64   /: the host's own programs (tests/deps.sh
#                                  installs them; guest and host are the
#                                  same Debian release)
#   tests/qemu/userland.sh arm64   an arm64 root made once: the packages
#                                  below and every arm64 package they
#                                  depend on, apt-get download + dpkg-deb -x
#                                  into $CW_CACHE/userland-arm64-HASH/
# mkinitramfs.sh copies each program from it with the libraries its ELF
# header names. The packages are those of tests/deps.sh's "programs copied
# into the guest", with busybox-static; the hash of this list keys the
# cache, so a change here fetches anew.
set -euo pipefail

arch=${1:?usage: userland.sh amd64|arm64}
pkgs="busybox-static iproute2 nftables socat bind9-dnsutils curl openssl
	util-linux ngtcp2-client ngtcp2-server libnl-genl-3-200 libmnl0 libc-bin
	dnsmasq-base lighttpd"
case $arch in
amd64) echo /; exit 0 ;;
arm64) ;;
*) echo "userland.sh: ARCH is amd64 or arm64, not '$arch'" >&2; exit 2 ;;
esac
key=$(echo $pkgs | sha256sum | cut -c1-12)
cache=${CW_CACHE:-/var/cache/consentwall}
dir=$cache/userland-$arch-$key
if [ -f "$dir/.complete" ]; then
	echo "$dir"
	exit 0
fi
[ "$(id -u)" = 0 ] || { echo "userland.sh: $dir missing (run tests/deps.sh as root)" >&2; exit 1; }

# The closure of Depends and Pre-Depends, the arm64 packages of it only
# (the arch-independent ones carry no program or library).
mkdir -p "$cache"
tmp=$(mktemp -d "$cache/.userland.XXXXXX")
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2046 # the list, one word each
apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
	--no-breaks --no-replaces --no-enhances $(printf '%s:arm64 ' $pkgs) |
	grep -E '^[a-z0-9][^ ]*:arm64$' | sort -u >"$tmp/list"
grep -q '^libc6:arm64$' "$tmp/list" ||
	{ echo "userland.sh: apt-cache knows no arm64 packages (dpkg --add-architecture arm64; apt-get update)" >&2; exit 1; }
(cd "$tmp" && xargs apt-get download -q <"$tmp/list" >"$tmp/log" 2>&1) ||
	{ cat "$tmp/log" >&2; echo "userland.sh: apt-get download of the arm64 packages failed" >&2; exit 1; }
mkdir "$tmp/root"
for d in "$tmp"/*.deb; do dpkg-deb -x "$d" "$tmp/root"; done
cp "$tmp/list" "$tmp/root/.packages"
touch "$tmp/root/.complete"
rm -rf "$dir"
mv "$tmp/root" "$dir"
echo "$dir"
