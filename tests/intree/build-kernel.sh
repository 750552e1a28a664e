#!/bin/bash
# Build the debug kernel (tests/debug) with consentwall in its tree, as a
# ROM builder does: kmod/ as net/consentwall, the two lines the README
# gives in net/Kconfig and net/Makefile, CONFIG_CONSENTWALL=y. Prints the
# path of the kernel image on stdout (progress on stderr).
#
# What it costs: the first run copies the debug kernel's built tree (a
# cached one, tests/debug/build-kernel.sh) and builds only what the new
# option touches; later runs keep that tree, sync kmod/ into it (changed
# files only, so make rebuilds only them and relinks) and do nothing at all
# when the module's sources are those of an image already built. Cached
# under CW_DEBUG_CACHE (default /var/cache/consentwall):
#   intree-kernel-HASH/linux/             the tree (HASH: the debug kernel's
#                                         cache and this script)
#   intree-kernel-HASH/vmlinuz-SRC        an image for module sources SRC
#   intree-kernel-HASH/build-SRC.log      its build log
#
# env: CW_DEBUG_CACHE, CW_JOBS (default 2)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
jobs=${CW_JOBS:-2}

debug=$("$top/tests/debug/build-kernel.sh")
hash=$( (echo "$debug"; cat "$0") | sha256sum | cut -c1-16)
cache=${CW_DEBUG_CACHE:-/var/cache/consentwall}/intree-kernel-$hash

# The module's sources, as the Makefile's KMOD_SRC names them.
cd "$top/kmod"
srcs=
for f in *.c *.h Makefile Kconfig uapi/*.h; do
	case $f in *.mod.c) ;; *) srcs="$srcs $f" ;; esac
done
src=$(for f in $srcs; do echo "$f"; cat "$f"; done | sha256sum | cut -c1-16)
image=$cache/vmlinuz-$src
if [ -f "$image" ]; then
	echo "# in-tree kernel: cached for these module sources ($src)" >&2
	echo "$image"
	exit 0
fi

mkdir -p "$cache"
# One build at a time in the shared tree; a waiter may find its image done.
exec 9>"$cache.lock"
flock 9
if [ -f "$image" ]; then
	echo "$image"
	exit 0
fi

t0=$(date +%s)
tree=$cache/linux
if [ ! -f "$cache/copied" ]; then
	echo "# in-tree kernel: copying the debug kernel's tree to $tree" >&2
	rm -rf "$tree"
	# -a keeps the timestamps: make sees the objects as up to date.
	cp -a "$debug/linux" "$tree"
	# objtool's build (tools/, not kbuild) records absolute paths: left
	# as they are, objtool is rebuilt and so is every object after it.
	grep -rlZ --include='.*.cmd' -F "$debug/linux/" "$tree/tools/objtool" |
	while IFS= read -r -d '' f; do
		sed "s|$debug/linux/|$tree/|g" "$f" >"$f.new"
		touch -r "$f" "$f.new"
		mv "$f.new" "$f"
	done
	echo 'source "net/consentwall/Kconfig"' >>"$tree/net/Kconfig"
	# shellcheck disable=SC2016 # make's $(...), not the shell's
	echo 'obj-$(CONFIG_CONSENTWALL) += consentwall/' >>"$tree/net/Makefile"
	mkdir -p "$tree/net/consentwall/uapi"
	touch "$cache/copied"
fi
t1=$(date +%s)

# Sync the sources: copy what differs (a new mtime: make rebuilds it),
# delete what kmod/ no longer has.
dst=$tree/net/consentwall
for f in $srcs; do
	cmp -s "$f" "$dst/$f" || cp "$f" "$dst/$f"
done
for f in $(cd "$dst" && ls -- *.c *.h uapi/*.h 2>/dev/null); do
	[ -f "$f" ] || rm -f "$dst/$f" "$dst/${f%.c}.o"
done

cd "$tree"
mk() { nice -n 10 make ARCH=x86_64 "$@"; }
scripts/config --file .config -e CONSENTWALL -d CONSENTWALL_DEBUG
mk -s olddefconfig >&2
grep -qx 'CONFIG_CONSENTWALL=y' .config ||
	{ echo "build-kernel: CONFIG_CONSENTWALL=y did not survive olddefconfig" >&2; exit 1; }
log=$cache/build-$src.log
if ! mk -j"$jobs" bzImage >"$log" 2>&1; then
	tail -n 40 "$log" >&2
	echo "build-kernel: the in-tree build failed (log: $log)" >&2
	exit 1
fi
# The module's part of the kernel build must be as clean as the module.
if grep -E '^net/consentwall/.*(warning|error):' "$log" >&2; then
	echo "build-kernel: warnings in net/consentwall (log: $log)" >&2
	exit 1
fi
cp arch/x86/boot/bzImage "$image.tmp"
mv "$image.tmp" "$image"
# Keep the three newest images (one per module version tried).
find "$cache" -maxdepth 1 -name 'vmlinuz-*' -printf '%T@ %p\n' | sort -rn |
	tail -n +4 | cut -d' ' -f2- | while read -r old; do
	rm -f "$old" "$cache/build-${old##*/vmlinuz-}.log"
done
t2=$(date +%s)
echo "# in-tree kernel: tree ready in $((t1 - t0)) s, built in $((t2 - t1)) s" >&2
echo "$image"
