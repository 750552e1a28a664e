#!/bin/bash
# The module on the handset's architecture: Debian's stock arm64 kernel
# VER booted in qemu-system-aarch64 (-M virt, cortex-a57, no network
# device), with a busybox initramfs that loads the debug build (its
# randomized self-test must pass), then the normal build, and sends real
# packets: unconfigured, a ping out of a dummy interface must fail with
# "Connection refused" while ping to loopback answers. The guest's last
# line carries a nonce from the host, so a crash cannot pass.
#
#   tests/gki/boot-arm64.sh VER KO DEBUG_KO    e.g. 6.1.0-57-arm64 ...
set -uo pipefail
ver=${1:?usage: boot-arm64.sh VER KO DEBUG_KO}
ko=${2:?} dko=${3:?}
cache=${CW_CACHE:-/var/cache/consentwall}/$ver
name="arm64 $ver"
fail() { echo "not ok - $name: $*"; exit 1; }

# The kernel package (vmlinuz and dummy.ko) and busybox-static:arm64, once.
if [ ! -f "$cache/.complete" ]; then
	tmp=$(mktemp -d)
	chmod 755 "$tmp"
	(cd "$tmp" && { apt-get download "linux-image-$ver:arm64" ||
		apt-get download "linux-image-$ver-unsigned:arm64"; } &&
		apt-get download busybox-static:arm64) >"$tmp/log" 2>&1 ||
		{ cat "$tmp/log"; rm -rf "$tmp"; fail "apt-get download of the arm64 kernel or busybox"; }
	mkdir "$tmp/root"
	for d in "$tmp"/*.deb; do dpkg-deb -x "$d" "$tmp/root"; done
	touch "$tmp/root/.complete"
	rm -rf "$cache"
	mkdir -p "$(dirname "$cache")"
	mv "$tmp/root" "$cache"
	rm -rf "$tmp"
fi
[ -f "$cache/boot/vmlinuz-$ver" ] || fail "no vmlinuz-$ver in the package"

t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
i=$t/initrd
mkdir -p "$i/bin" "$i/proc" "$i/sys" "$i/dev"
cp "$cache/bin/busybox" "$i/bin/busybox"
cp "$ko" "$i/consentwall.ko"
cp "$dko" "$i/consentwall-debug.ko"
d=$(find "$cache/lib/modules/$ver" -name 'dummy.ko*' | head -n1)
[ -n "$d" ] || fail "no dummy.ko in the package"
case $d in
*.xz) xz -dc "$d" >"$i/dummy.ko" ;;
*.zst) zstd -qdc "$d" >"$i/dummy.ko" ;;
*) cp "$d" "$i/dummy.ko" ;;
esac
nonce=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
cat >"$i/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
n=$(sed 's/.*cw_nonce=\([0-9a-f]*\).*/\1/' /proc/cmdline)
res=
bad() { res="$res${res:+; }$*"; }
step() { echo "cw-step: $*" | tr "\n" " "; echo; }
insmod /consentwall-debug.ko || bad "debug build did not load"
dmesg | grep -q 'consentwall: selftest: passed' || bad "self-test did not pass"
rmmod consentwall || bad "rmmod failed"
insmod /consentwall.ko || bad "module did not load"
insmod /dummy.ko
ip link set lo up
ip link add d0 type dummy
ip addr add 192.0.2.1/24 dev d0
ip link set d0 up
out=$(ping -c 1 -W 2 192.0.2.2 2>&1)
step "ping 192.0.2.2: $out"
case $out in *"Connection refused"*) ;; *) bad "ping out of d0 was not refused" ;; esac
out=$(ping -c 1 -W 2 127.0.0.1 2>&1)
step "ping 127.0.0.1: $out"
case $out in *"1 packets received"*) ;; *) bad "ping to loopback did not answer" ;; esac
dmesg | grep -E 'WARNING:|BUG:|Oops|Call Trace' && bad "kernel log not clean"
echo "CW-ARM64 $n ${res:-ok}"
poweroff -f
INIT
chmod 755 "$i/init"
(cd "$i" && find . | cpio -o -H newc --quiet | gzip -1) >"$t/initrd.gz"

timeout 300 qemu-system-aarch64 -M virt -cpu cortex-a57 -m 512 -smp 2 -nographic \
	-no-reboot -nic none -kernel "$cache/boot/vmlinuz-$ver" -initrd "$t/initrd.gz" \
	-append "console=ttyAMA0 panic=-1 quiet cw_nonce=$nonce" >"$t/console" 2>&1
line=$(grep -a "^CW-ARM64 $nonce " "$t/console" | tr -d '\r')
if [ "$line" = "CW-ARM64 $nonce ok" ]; then
	grep -a '^cw-step:' "$t/console" | tr -d '\r' | sed 's/^/# /'
	echo "ok - $name: the module loads, its self-test passes, unconfigured it refuses egress"
else
	tail -n 40 "$t/console"
	fail "${line#CW-ARM64 $nonce }"
fi
