#!/bin/bash
# What a distribution needs, each a TAP line able to fail:
#   make install DESTDIR= with Debian's hardening CFLAGS/CPPFLAGS/LDFLAGS
#   (files where they belong, flags really in the binaries); the systemd
#   units through systemd-analyze verify; socket activation with a real
#   consentd and consentctl; DKMS add/build/install of the
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
		usr/lib/consentwall/rules.d/10-miui.rules \
		usr/lib/consentwall/rules.d/miui-analytics.domains \
		lib/systemd/system/consentd.service \
		lib/systemd/system/consentd.socket \
		usr/share/man/man8/consentd.8 usr/share/man/man8/consentctl.8 \
		usr/share/man/man5/consentwall.rules.5 \
		"usr/src/consentwall-$ver/dkms.conf" "usr/src/consentwall-$ver/Kbuild" \
		"usr/src/consentwall-$ver/kmod/main.c"; do
		[ -f "$d/$f" ] || missing="$missing $f"
	done
	[ -z "$missing" ] && ok "make install DESTDIR=: every file in place" ||
		notok "make install DESTDIR=: missing$missing"
	# The admin's directory: made empty, and never written by a reinstall.
	e=$d/etc/consentwall
	admin=$(ls -A "$e/rules.d" 2>&1)
	printf '[mine]\nip = 192.0.2.1\n' >"$e/rules.d/10-miui.rules"
	echo 'event_ring = 5' >"$e/consentd.conf"
	chmod 0600 "$e/consentd.conf"
	if [ -d "$e/rules.d" ] && [ -z "$admin" ] &&
		$MAKE -s -C userspace B="$t/build" install DESTDIR="$d" PREFIX=/usr >"$t/log" 2>&1 &&
		[ "$(cat "$e/rules.d/10-miui.rules")" = "$(printf '[mine]\nip = 192.0.2.1')" ] &&
		[ "$(ls -A "$e/rules.d")" = 10-miui.rules ] &&
		[ "$(cat "$e/consentd.conf")" = 'event_ring = 5' ] &&
		[ "$(stat -c %a "$e/consentd.conf")" = 600 ]; then
		ok "make install: /etc/consentwall/rules.d made empty, the admin's files never overwritten"
	else
		cat "$t/log"
		notok "make install: /etc/consentwall/rules.d empty ('$admin'), the admin's files kept"
	fi
	rm "$e/rules.d/10-miui.rules"
	cp userspace/conf/consentd.conf "$e/consentd.conf"
	# -D_FORTIFY_SOURCE (CPPFLAGS) leaves __*_chk calls, -z now (LDFLAGS)
	# BIND_NOW, -z relro a GNU_RELRO segment.
	h=ok
	for b in usr/sbin/consentd usr/bin/consentctl; do
		# (whole outputs first: grep -q closing a pipe early trips pipefail)
		syms=$(nm -D "$d/$b") dyn=$(readelf -d "$d/$b") seg=$(readelf -lW "$d/$b")
		grep -q '_chk@' <<<"$syms" || h="$b lacks FORTIFY (CPPFLAGS)"
		grep -q BIND_NOW <<<"$dyn" || h="$b lacks BIND_NOW (LDFLAGS)"
		grep -q GNU_RELRO <<<"$seg" || h="$b lacks RELRO (LDFLAGS)"
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

# ---- socket activation: a client first, then the daemon -------------------
# systemd-socket-activate listens as consentd.socket would and starts
# consentd on the first connection with the socket handed over
# (LISTEN_FDS): consentctl must get its answer though consentd did not
# exist when it connected, and consentd must not make a socket of its own.
# No kernel module: consentd runs disconnected, as it does whenever
# consentwall.ko is not loaded.
sa=$t/activate
# The installed vendor rules are read under the admin's: its 10-miui.rules
# replaces the vendor's (no ads purpose left), 20-miui-apps.rules stays.
mkdir -p "$sa/rules" "$sa/state"
printf '[analytics]\nip = 198.51.100.10\n' >"$sa/rules/10-miui.rules"
: >"$sa/consentd.conf"
systemd-socket-activate -l "$sa/ctl.sock" "$t/build/consentd" --foreground \
	--config "$sa/consentd.conf" --rules-dir "$sa/rules" --state-dir "$sa/state" \
	--vendor-rules-dir "$d/usr/lib/consentwall/rules.d" \
	--socket "$sa/own.sock" >"$sa/log" 2>&1 &
apid=$!
for _ in $(seq 50); do [ -S "$sa/ctl.sock" ] && break; sleep 0.1; done
out=$(timeout 10 "$t/build/consentctl" --socket "$sa/ctl.sock" status 2>&1)
kill "$apid" 2>/dev/null
wait "$apid" 2>/dev/null
if grep -q '^analytics  *denied' <<<"$out" && grep -q 'Execing' "$sa/log" &&
	grep -q '^cloud-messaging  *denied' <<<"$out" && ! grep -q '^ads ' <<<"$out" &&
	grep -q "listening on $sa/ctl.sock, handed over by systemd" "$sa/log" &&
	[ ! -e "$sa/own.sock" ]; then
	ok "socket activation: consentctl answered by a consentd started after it connected"
else
	echo "$out"
	cat "$sa/log"
	notok "socket activation: consentctl answered by a consentd started after it connected"
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
# ---- the Debian packages, built and installed into a Debian 12 chroot -----
# The chroot (apt, libnl, dkms, the stock headers) is made once with
# mmdebstrap from the host's package sources and cached as a tarball.
pkgs=libnl-3-200,libnl-genl-3-200,dkms,linux-headers-$kver,procps
cache=${CW_CACHE:-/var/cache/consentwall}/chroot-bookworm-$(echo "$pkgs" | sha256sum | cut -c1-12).tar
# (A directory there is what the check made before --format: not a chroot.)
[ ! -d "$cache" ] || rm -rf "$cache"
if [ ! -f "$cache" ]; then
	mkdir -p "$(dirname "$cache")"
	# --format: mmdebstrap guesses it from the name, and "x.tar.tmp"
	# would make a directory.
	mmdebstrap --quiet --variant=apt --format=tar --include="$pkgs" \
		bookworm "$cache.tmp" >"$t/log" 2>&1 &&
		mv "$cache.tmp" "$cache" || { cat "$t/log"; rm -f "$cache.tmp"; }
fi
if ! $MAKE -s deb >"$t/log" 2>&1; then
	tail -n 30 "$t/log"
	notok "dpkg-buildpackage: consentwall and consentwall-dkms"
elif [ ! -f "$cache" ]; then
	ok "dpkg-buildpackage: consentwall and consentwall-dkms"
	notok "Debian 12 chroot for the package install (mmdebstrap)"
else
	ok "dpkg-buildpackage: consentwall and consentwall-dkms"
	r=$t/root
	mkdir "$r"
	tar -C "$r" -xf "$cache"
	cp build/deb/consentwall_"$ver"-*.deb build/deb/consentwall-dkms_"$ver"-*.deb "$r/tmp/"
	# shellcheck disable=SC2016
	if out=$(unshare -m bash -c 'mount --make-rprivate / && mount -t proc proc "$0/proc" &&
		chroot "$0" sh -c "dpkg -i /tmp/consentwall*.deb &&
			dpkg-query -W -f=\"\\\${Status}\n\" consentwall consentwall-dkms &&
			dkms status consentwall &&
			modinfo -F vermagic /lib/modules/$1/updates/dkms/consentwall.ko &&
			test -f /usr/lib/consentwall/rules.d/10-miui.rules &&
			test -d /etc/consentwall/rules.d &&
			test -z \"\$(ls -A /etc/consentwall/rules.d)\" &&
			echo vendor-rules-in-place &&
			consentctl --socket /nonexistent status;
			consentd --help"' "$r" "$kver" 2>&1) &&
		[ "$(grep -c '^install ok installed$' <<<"$out")" = 2 ] &&
		grep -q "consentwall/$ver, $kver, .*: installed" <<<"$out" &&
		grep -q "^$kver " <<<"$out" &&
		grep -q '^vendor-rules-in-place$' <<<"$out" &&
		grep -q '^Usage: consentd' <<<"$out"; then
		ok "the packages install in a Debian 12 chroot; DKMS builds the module for $kver"
	else
		echo "$out" | tail -n 40
		notok "the packages install in a Debian 12 chroot"
	fi
fi
exit $rc
