#!/bin/bash
# Build the guest initramfs: busybox-static as the whole base system, the
# consentwall module, the guest scenarios and test tools, a few real
# dynamic programs from the host (iproute2, nft, curl, dig, openssl,
# socat, and consentd/consentctl once they exist) with the shared
# libraries ldd names, and the kernel modules the scenarios need, taken
# from the unpacked Debian kernel package (same version as the headers
# the module was built against).
#
# usage: mkinitramfs.sh KERNEL_DIR OUT.cpio.gz
# env:   CW_MODULE (default kmod/consentwall.ko), CW_MODE (check|run|demo),
#        CW_ONLY (comma-separated: a number matches the start of a scenario
#        name, anything else a substring; selecting nothing is an error),
#        CW_PLAN (file: the selected scenario names are written there),
#        CW_KMEMLEAK=1 (the kernel must have kmemleak: the guest asserts it),
#        CW_LEAK_MODULE (a module that leaks on purpose: kmemleak must see it),
#        CW_TOOLS_DIR (built test tools), CW_SCENARIO_TIMEOUT (seconds),
#        CW_TRACE=1 (run scenarios under sh -x, the trace shown on failure),
#        CW_EXTRA_MODULES (more kernel modules, e.g. virtio_blk ext4)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
kdir=$1
out=$2
kver=$(basename "$(ls -d "$kdir"/lib/modules/*/ | head -n1)")
module=${CW_MODULE:-$top/kmod/consentwall.ko}
tools=${CW_TOOLS_DIR:-$top/build/tools}

root=$(mktemp -d "${TMPDIR:-/tmp}/cw-initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT
chmod 755 "$root"	# the guest's /: mktemp made it 0700
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,etc,root,var,cw/guest,cw/bin,lib/modules}
ln -s ../run "$root/var/run"

cp /bin/busybox "$root/bin/busybox"

# Copy a dynamic host program and every library it needs, at the same
# paths: guest and host are the same Debian release.
copy_prog() {
	local src=$1 dst=${2:-$1} lib
	[ -e "$src" ] || return 1
	mkdir -p "$root$(dirname "$dst")"
	cp -L "$src" "$root$dst"
	for lib in $(ldd "$src" 2>/dev/null | grep -o '/[^ ]*'); do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

for p in /usr/bin/ip /usr/sbin/nft /usr/bin/curl /usr/bin/dig \
	 /usr/bin/openssl /usr/bin/socat /usr/bin/setpriv /usr/bin/unshare \
	 /usr/bin/gtlsclient /usr/sbin/gtlsserver /usr/sbin/lighttpd \
	 /usr/lib/lighttpd/mod_accesslog.so; do
	copy_prog "$p" || echo "mkinitramfs: $p missing, not in the guest" >&2
done
# curl and openssl want their config; an empty one is enough.
mkdir -p "$root/usr/lib/ssl" "$root/etc/ssl"
[ -f /usr/lib/ssl/openssl.cnf ] && cp -L /usr/lib/ssl/openssl.cnf "$root/usr/lib/ssl/"

# iproute2 reads a few tables from /etc/iproute2 only when present.
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\nuser:x:1000:1000:user:/tmp:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\nuser:x:1000:\nconsentwall:x:900:\n' >"$root/etc/group"
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' >"$root/etc/hosts"

# Test tools built on the host.
if [ -d "$tools" ]; then
	for t in "$tools"/*; do
		[ -x "$t" ] && [ -f "$t" ] && copy_prog "$t" "/cw/bin/$(basename "$t")"
	done
fi

# Userspace (consentd, consentctl, default rules) once it exists.
for prog in consentd consentctl; do
	for p in "$top/userspace/build/$prog"; do
		if [ -f "$p" ] && [ -x "$p" ]; then
			copy_prog "$p" "/usr/sbin/$prog"
			break
		fi
	done
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
CW_KVER=$kver
CFG

# Kernel modules and their dependencies, resolved on the host with
# modinfo, indexed with depmod -b so busybox modprobe works in the guest.
# (depmod only writes files under the given base; nothing is loaded.)
mdir=$kdir/lib/modules/$kver
declare -A seen=()
add_mod() {
	local name=$1 f dep
	[ -n "${seen[$name]:-}" ] && return 0
	seen[$name]=1
	f=$(find "$mdir/kernel" -name "$name.ko*" -print -quit)
	[ -n "$f" ] || { echo "mkinitramfs: module $name not found" >&2; return 0; }
	mkdir -p "$root/lib/modules/$kver/$(dirname "${f#$mdir/}")"
	cp "$f" "$root/lib/modules/$kver/${f#$mdir/}"
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
