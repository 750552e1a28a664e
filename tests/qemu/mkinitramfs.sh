#!/bin/bash
# Build the guest initramfs: busybox-static as the whole base system, the
# consentwall module, the guest scenarios and test tools, consentd and
# consentctl, a few real dynamic programs (iproute2, nft, curl, dig,
# openssl, socat...) with the shared libraries their ELF headers name,
# and the kernel modules the scenarios need, taken from the unpacked
# Debian kernel package (same version as the headers the module was built
# against). The programs are the host's on amd64 and those of an unpacked
# arm64 root on arm64 (tests/qemu/userland.sh).
#
# usage: mkinitramfs.sh KERNEL_DIR OUT.cpio.gz
# env:   CW_ARCH (amd64|arm64, default amd64: the guest's architecture;
#        the module, tools and userspace given must be built for it),
#        CW_MODULE (default kmod/consentwall.ko), CW_MODE (check|run|demo),
#        CW_ONLY (comma-separated: a number matches the start of a scenario
#        name, anything else a substring; selecting nothing is an error),
#        CW_PLAN (file: the selected scenario names are written there),
#        CW_KMEMLEAK=1 (the kernel must have kmemleak: the guest asserts it),
#        CW_LEAK_MODULE (a module that leaks on purpose: kmemleak must see it),
#        CW_TOOLS_DIR (built test tools), CW_USERSPACE_DIR (built consentd
#        and consentctl, default userspace/build), CW_SCENARIO_TIMEOUT (seconds),
#        CW_TRACE=1 (run scenarios under sh -x, the trace shown on failure),
#        CW_CLIENT_TIMEOUT (seconds a client of the name scenarios waits,
#        default 4: a blocked attempt must fail 0.5 s before it; more on a
#        machine so busy that a client takes seconds to start),
#        CW_EXTRA_MODULES (more kernel modules, e.g. virtio_blk ext4)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
kdir=$1
out=$2
kver=$(basename "$(ls -d "$kdir"/lib/modules/*/ | head -n1)")
module=${CW_MODULE:-$top/kmod/consentwall.ko}
tools=${CW_TOOLS_DIR:-$top/build/tools}
userspace=${CW_USERSPACE_DIR:-$top/userspace/build}
arch=${CW_ARCH:-amd64}
case $arch in
amd64) triplet=x86_64-linux-gnu ;;
arm64) triplet=aarch64-linux-gnu ;;
*) echo "mkinitramfs: CW_ARCH is amd64 or arm64, not '$arch'" >&2; exit 2 ;;
esac
sysroot=$("$here/userland.sh" "$arch")
sysroot=${sysroot%/}

root=$(mktemp -d "${TMPDIR:-/tmp}/cw-initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT
chmod 755 "$root"	# the guest's /: mktemp made it 0700
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,etc,root,var,cw/guest,cw/bin,lib/modules}
ln -s ../run "$root/var/run"

# in_root PATH: the file PATH names in the userland root. An unpacked
# package keeps /bin and /lib apart from /usr/bin and /usr/lib; the host
# has them merged.
in_root() {
	local p
	for p in "$sysroot$1" "$sysroot${1#/usr}" "$sysroot/usr$1"; do
		[ -e "$p" ] && { echo "$p"; return 0; }
	done
	return 1
}

# copy_libs ELF: its interpreter at its own path and every library it
# needs (DT_NEEDED, recursively) into /lib/TRIPLET, where the guest's
# loader looks; each found in the userland root's library directories.
copy_libs() {
	local elf=$1 interp lib f d
	interp=$(readelf -lW "$elf" | sed -n 's/.*program interpreter: \(.*\)]$/\1/p')
	if [ -n "$interp" ] && [ ! -e "$root$interp" ]; then
		f=$(in_root "$interp") || { echo "mkinitramfs: no $interp for $elf" >&2; return 1; }
		mkdir -p "$root$(dirname "$interp")"
		cp -L "$f" "$root$interp"
	fi
	for lib in $(readelf -dW "$elf" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
		[ -e "$root/lib/$triplet/$lib" ] && continue
		f=
		for d in /lib/$triplet /usr/lib/$triplet /lib /usr/lib; do
			[ -e "$sysroot$d/$lib" ] && { f=$sysroot$d/$lib; break; }
		done
		[ -n "$f" ] || { echo "mkinitramfs: library $lib of $elf not found" >&2; return 1; }
		mkdir -p "$root/lib/$triplet"
		cp -L "$f" "$root/lib/$triplet/$lib"
		copy_libs "$f"
	done
}

# copy_file FILE DST: a built program (or any ELF) and its libraries.
copy_file() {
	mkdir -p "$root$(dirname "$2")"
	cp -L "$1" "$root$2"
	copy_libs "$1"
}

# copy_prog PATH: a program of the userland root, at the same path.
copy_prog() {
	local f
	f=$(in_root "$1") || return 1
	copy_file "$f" "$1"
}

f=$(in_root /bin/busybox) || { echo "mkinitramfs: no busybox in $sysroot/ (busybox-static)" >&2; exit 1; }
cp "$f" "$root/bin/busybox"

for p in /usr/bin/ip /usr/sbin/nft /usr/bin/curl /usr/bin/dig \
	 /usr/bin/openssl /usr/bin/socat /usr/bin/setpriv /usr/bin/unshare \
	 /usr/bin/gtlsclient /usr/sbin/gtlsserver /usr/bin/getent \
	 /usr/sbin/dnsmasq /usr/sbin/lighttpd \
	 /usr/lib/lighttpd/mod_accesslog.so; do
	copy_prog "$p" || echo "mkinitramfs: $p missing, not in the guest" >&2
done
# curl and openssl want their config; an empty one is enough.
mkdir -p "$root/usr/lib/ssl" "$root/etc/ssl"
f=$(in_root /usr/lib/ssl/openssl.cnf) && cp -L "$f" "$root/usr/lib/ssl/"

# iproute2 reads a few tables from /etc/iproute2 only when present.
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\nuser:x:1000:1000:user:/tmp:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\nuser:x:1000:\nconsentwall:x:900:\n' >"$root/etc/group"
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' >"$root/etc/hosts"

# Test tools built on the host.
if [ -d "$tools" ]; then
	for t in "$tools"/*; do
		[ -x "$t" ] && [ -f "$t" ] && copy_file "$t" "/cw/bin/$(basename "$t")"
	done
fi

# Userspace (consentd, consentctl, default rules) once it exists.
for prog in consentd consentctl; do
	p=$userspace/$prog
	[ -f "$p" ] && [ -x "$p" ] && copy_file "$p" "/usr/sbin/$prog"
done
if [ -d "$top/userspace/rules" ]; then
	mkdir -p "$root/etc/consentwall/rules.d"
	cp -r "$top"/userspace/rules/. "$root/etc/consentwall/rules.d/"
fi
if [ -f "$top/userspace/conf/consentd.conf" ]; then
	cp "$top/userspace/conf/consentd.conf" "$root/etc/consentwall/"
fi
if [ -f "$top/userspace/conf/demo-packages.list" ]; then
	mkdir -p "$root/data/system"
	cp "$top/userspace/conf/demo-packages.list" "$root/data/system/packages.list"
fi

# The module under test. Its absence is not an error here: the scenarios
# then fail loudly, which is what a broken build should look like.
if [ -f "$module" ]; then
	cp "$module" "$root/cw/consentwall.ko"
else
	echo "mkinitramfs: $module missing: scenarios will fail" >&2
fi

# The debug build (CONFIG_CONSENTWALL_DEBUG: self-test at load), if built.
debug_module=${CW_MODULE_DEBUG:-$top/build/kmod-debug/kmod/consentwall.ko}
[ -f "$debug_module" ] && cp "$debug_module" "$root/cw/consentwall-debug.ko"
# A module that leaks one object on purpose (tests/debug/cwleak): the
# guest proves with it that kmemleak reports what it should.
[ -z "${CW_LEAK_MODULE:-}" ] || cp "$CW_LEAK_MODULE" "$root/cw/cwleak.ko"

# Guest scenarios and their library.
cp "$here/init" "$root/init"
chmod 755 "$root/init"
cp "$top"/tests/guest/*.sh "$root/cw/guest/" 2>/dev/null || true
# Packets the scenarios replay (QUIC Initials built from captures).
mkdir -p "$root/cw/captures"
cp "$top"/tests/captures/quic-* "$root/cw/captures/"
# Extra scenario files (a developer's scratch tests), by path.
for f in ${CW_EXTRA_SCENARIOS:-}; do
	cp "$f" "$root/cw/guest/"
done
# The plan: the scenarios of tests/guest (and the extra ones) that CW_ONLY
# selects, decided here and only here. The guest runs exactly this list
# and the host (run.sh) checks that each one reported; a filter that
# selects nothing is an error, never "0 failed".
plan=
for s in "$top"/tests/guest/[0-9][0-9]-*.sh ${CW_EXTRA_SCENARIOS:-}; do
	name=$(basename "$s" .sh)
	case $s in */[0-9][0-9]-*.sh) ;; *) continue ;; esac
	if [ -n "${CW_ONLY:-}" ]; then
		match=
		# A number matches the start of the name (T=2 runs 2x-*),
		# anything else a substring (T=udp).
		for pat in ${CW_ONLY//,/ }; do
			case $pat in
			*[!0-9]*) [[ $name == *"$pat"* ]] && match=1 ;;
			*) [[ $name == "$pat"* ]] && match=1 ;;
			esac
		done
		[ -n "$match" ] || continue
	fi
	plan="$plan $name"
done
plan=$(printf '%s\n' $plan | LC_ALL=C sort -u | tr '\n' ' ')
if [ "${CW_MODE:-check}" = check ] && [ -z "${plan// /}" ]; then
	echo "mkinitramfs: T=${CW_ONLY:-} matches no scenario in tests/guest" >&2
	exit 3
fi
[ -z "${CW_PLAN:-}" ] || printf '%s\n' $plan >"$CW_PLAN"
cat >"$root/cw/config" <<CFG
CW_MODE=${CW_MODE:-check}
CW_PLAN="$plan"
CW_KMEMLEAK=${CW_KMEMLEAK:-}
CW_SCENARIO_TIMEOUT=${CW_SCENARIO_TIMEOUT:-120}
CW_TRACE=${CW_TRACE:-}
CW_CLIENT_TIMEOUT=${CW_CLIENT_TIMEOUT:-}
CW_KVER=$kver
CFG

# Kernel modules and their dependencies, resolved on the host with
# modinfo, indexed with depmod -b so busybox modprobe works in the guest.
# (depmod only writes files under the given base; nothing is loaded.)
mdir=$kdir/lib/modules/$kver
declare -A seen=()
add_mod() {
	local name=$1 f rel dep
	[ -n "${seen[$name]:-}" ] && return 0
	seen[$name]=1
	f=$(find "$mdir/kernel" -name "$name.ko*" -print -quit)
	[ -n "$f" ] || { echo "mkinitramfs: module $name not found" >&2; return 0; }
	rel=${f#$mdir/}
	mkdir -p "$root/lib/modules/$kver/$(dirname "$rel")"
	# 6.12's modules are xz-compressed; busybox's insmod reads plain ones.
	case $f in
	*.xz) xz -dc "$f" >"$root/lib/modules/$kver/${rel%.xz}" ;;
	*.zst) zstd -qdc "$f" >"$root/lib/modules/$kver/${rel%.zst}" ;;
	*) cp "$f" "$root/lib/modules/$kver/$rel" ;;
	esac
	for dep in $(/sbin/modinfo -F depends "$f" | tr ',' ' '); do
		add_mod "$dep"
	done
}
# crc32c_generic: libcrc32c (nf_tables) asks the crypto API for crc32c at load
for m in veth dummy crc32c_generic nf_tables nft_reject_inet nft_ct \
	 nf_conntrack nf_reject_ipv4 nf_reject_ipv6 ${CW_EXTRA_MODULES:-}; do
	add_mod "$m"
done
# A kernel with everything built in (the debug one) has no modules dir.
mkdir -p "$root/lib/modules/$kver"
cp "$mdir"/modules.order "$mdir"/modules.builtin* "$root/lib/modules/$kver/" 2>/dev/null || true
/sbin/depmod -b "$root" "$kver"

(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$out"
