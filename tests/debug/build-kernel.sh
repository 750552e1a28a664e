#!/bin/bash
# Build the consentwall debug kernel (KASAN, UBSAN, lockdep, kmemleak...)
# from Debian's linux-source-6.1, once: the tree is cached outside the
# repository under a directory named by the hash of debug.config and of
# this script, so a changed recipe builds afresh and an unchanged one is a
# no-op. Prints the cache directory on stdout (progress goes to stderr):
#   DIR/linux/                  the built tree (KDIR for the module build,
#                               modules_prepare done)
#   DIR/boot/vmlinuz-VER        the kernel image (CW_KERNEL)
#   DIR/lib/modules/VER/        for the QEMU rig (CW_KERNEL_DIR=DIR): all
#                               the suite needs is built in (=y), so it only
#                               holds modules.builtin and friends
#   DIR/complete                written last: the cache is usable
#
# env: CW_DEBUG_CACHE (default /var/cache/consentwall), CW_JOBS (default 2)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src_tar=/usr/src/linux-source-6.1.tar.xz
frag=$here/debug.config
jobs=${CW_JOBS:-2}

hash=$(cat "$frag" "$0" | sha256sum | cut -c1-16)
cache=${CW_DEBUG_CACHE:-/var/cache/consentwall}/debug-kernel-$hash

if [ -f "$cache/complete" ]; then
	echo "$cache"
	exit 0
fi

for t in bc bison flex; do
	command -v $t >/dev/null || { echo "build-kernel: $t missing (tests/deps.sh installs it)" >&2; exit 1; }
done
[ -f "$src_tar" ] || { echo "build-kernel: $src_tar missing: apt-get install linux-source-6.1" >&2; exit 1; }

mkdir -p "$cache"
# Two builds at once (make check in two shells, CI and a developer) would
# trample each other's tree: the second waits for the first, then finds
# the cache complete.
exec 9>"$cache.lock"
flock 9
if [ -f "$cache/complete" ]; then
	echo "$cache"
	exit 0
fi

t0=$(date +%s)
echo "# debug kernel: building in $cache (about 10-15 minutes on 2 cores)" >&2
rm -rf "$cache/linux" "$cache/boot" "$cache/lib"
mkdir -p "$cache/linux"
tar -C "$cache/linux" --strip-components=1 -xf "$src_tar"
cd "$cache/linux"

mk() { nice -n 10 make ARCH=x86_64 "$@"; }
mk -s tinyconfig >&2
ARCH=x86_64 scripts/kconfig/merge_config.sh -m .config "$frag" >&2
mk -s olddefconfig >&2

# Every line of the fragment must have survived olddefconfig: a symbol
# dropped for an unmet dependency would silently weaken the kernel.
missing=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*) grep -qxF "$line" .config || { echo "build-kernel: not set as asked: $line" >&2; missing=1; } ;;
	"# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *}
		grep -q "^$sym=" .config && { echo "build-kernel: set though asked off: $sym" >&2; missing=1; } ;;
	esac
done <"$frag"
[ "$missing" = 0 ] || { echo "build-kernel: fix debug.config" >&2; exit 1; }

mk -j"$jobs" bzImage modules >&2
mk -s modules_prepare >&2
kver=$(make -s kernelrelease)
mkdir -p "$cache/boot"
cp arch/x86/boot/bzImage "$cache/boot/vmlinuz-$kver"
mk -s INSTALL_MOD_PATH="$cache" modules_install >&2
# The rig looks for modules under lib/modules/VER/kernel; none are
# modules here (all built in), so an empty directory.
mkdir -p "$cache/lib/modules/$kver/kernel"
rm -f "$cache/lib/modules/$kver/build" "$cache/lib/modules/$kver/source"
echo "$kver" >"$cache/kernelrelease"
t1=$(date +%s)
echo "# debug kernel $kver built in $((t1 - t0)) s" >&2
touch "$cache/complete"
echo "$cache"
