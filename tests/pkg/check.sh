#!/bin/bash
# What a distribution needs, each a TAP line able to fail:
#   make install DESTDIR= with Debian's hardening CFLAGS/CPPFLAGS/LDFLAGS
#   (files where they belong, flags really in the binaries); the systemd
#   unit through systemd-analyze verify; DKMS add/build/install of the
#   module against the stock headers; dpkg-buildpackage's two packages,
#   installed into a fresh Debian 12 chroot.
# Nothing is left on the host: DKMS runs in a private mount namespace whose
# /var/lib/dkms and /lib/modules/VER are scratch tmpfs.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
MAKE=${MAKE:-make}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
rc=0
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; rc=1; }
ver=$($MAKE -s --no-print-directory -f Makefile -f - <<<'v: ; @echo $(VERSION)' v)
kver=$(basename "$($MAKE -s --no-print-directory kdir)" | sed 's/^linux-headers-//')

# ---- make install, distribution flags ------------------------------------
eval "$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --export=sh)"
export CFLAGS CPPFLAGS LDFLAGS
d=$t/destdir
if $MAKE -s -C userspace B="$t/build" install DESTDIR="$d" PREFIX=/usr >"$t/log" 2>&1 &&
	$MAKE -s install-dkms DESTDIR="$d" >>"$t/log" 2>&1; then
	missing=
	for f in usr/sbin/consentd usr/bin/consentctl etc/consentwall/consentd.conf \
		etc/consentwall/rules.d/10-miui.rules lib/systemd/system/consentd.service \
		usr/share/man/man8/consentd.8 usr/share/man/man8/consentctl.8 \
		usr/share/man/man5/consentwall.rules.5 \
		"usr/src/consentwall-$ver/dkms.conf" "usr/src/consentwall-$ver/Kbuild" \
		"usr/src/consentwall-$ver/kmod/main.c"; do
		[ -f "$d/$f" ] || missing="$missing $f"
	done
	[ -z "$missing" ] && ok "make install DESTDIR=: every file in place" ||
		notok "make install DESTDIR=: missing$missing"
	# -D_FORTIFY_SOURCE (CPPFLAGS) leaves __*_chk calls, -z now (LDFLAGS)
	# BIND_NOW, -z relro a GNU_RELRO segment.
	h=ok
	for b in usr/sbin/consentd usr/bin/consentctl; do
		nm -D "$d/$b" | grep -q '_chk@' || h="$b lacks FORTIFY (CPPFLAGS)"
		readelf -d "$d/$b" | grep -q BIND_NOW || h="$b lacks BIND_NOW (LDFLAGS)"
		readelf -lW "$d/$b" | grep -q GNU_RELRO || h="$b lacks RELRO (LDFLAGS)"
	done
	[ "$h" = ok ] && ok "make install honours CFLAGS, CPPFLAGS and LDFLAGS (hardening=+all)" ||
		notok "make install honours the build flags: $h"
else
	cat "$t/log"
	notok "make install DESTDIR= with distribution flags"
fi

# ---- systemd-analyze verify: the unit with its real paths -----------------
s=$t/sa
if $MAKE -s -C userspace B="$t/build" install PREFIX="$s/usr" SYSCONFDIR="$s/etc" \
	UNITDIR="$s/unit" >"$t/log" 2>&1 &&
	MANPATH=$s/usr/share/man systemd-analyze verify "$s"/unit/consentd.* >>"$t/log" 2>&1 &&
	! grep -q . "$t/log"; then
	ok "systemd-analyze verify: consentd units clean"
else
	cat "$t/log"
	notok "systemd-analyze verify: consentd units"
fi

# ---- DKMS against the stock headers, in a private mount namespace ---------
dkms_run() {
	set -e
	mount -t tmpfs tmpfs /var/lib/dkms
	mods=/lib/modules/$kver
	mkdir -p "$mods"
	mount -t tmpfs tmpfs "$mods"
	ln -s "/usr/src/linux-headers-$kver" "$mods/build"
	src=$t/src
	mkdir -p "$src"
	cp -a "$d/usr/src/consentwall-$ver" "$src/"
	o="--sourcetree $src"
	dkms add -m consentwall -v "$ver" $o
	dkms build -m consentwall -v "$ver" -k "$kver" $o
	dkms install -m consentwall -v "$ver" -k "$kver" $o
	dkms status -m consentwall -v "$ver" -k "$kver"
	modinfo -F vermagic "$mods/updates/dkms/consentwall.ko"
	grep "updates/dkms/consentwall.ko:" "$mods/modules.dep"
}
export -f dkms_run
export t d ver kver
if out=$(unshare -m bash -c 'mount --make-rprivate / && dkms_run' 2>&1) &&
	grep -q "consentwall/$ver, $kver, .*: installed" <<<"$out" &&
	grep -q "^$kver " <<<"$out"; then
	ok "dkms add, build and install against linux-headers-$kver"
else
	echo "$out"
	notok "dkms add, build and install against linux-headers-$kver"
fi
exit $rc
