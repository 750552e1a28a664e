#!/bin/bash
# Installs every Debian package consentwall needs to build and test: as
# root it runs apt-get for whatever is missing; otherwise it prints the
# exact command. Quiet and fast (dpkg-query only) when all is there.
#
#   tests/deps.sh           install what is missing (root) or say how;
#                           then prune the build cache (tests/prune-cache.sh)
#   tests/deps.sh --check   only report; exit 1 if something is missing
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(
	# toolchain, out-of-tree module build, sparse (make C=2)
	build-essential make gcc pkg-config sparse
	# kernel headers of the default cell's pinned ABI (tests/qemu/cells;
	# the other cells' are unpacked by tests/qemu/headers.sh below); the
	# guest kernels are fetched with apt-get download (tests/qemu)
	"linux-headers-$(tests/qemu/cell.sh x86_64-6.1 | cut -d' ' -f2)"
	# kernel source: checkpatch.pl, the debug kernel build
	linux-source-6.1 bc bison flex libelf-dev libssl-dev xz-utils
	# QEMU rig and initramfs
	qemu-system-x86 busybox-static cpio gzip kmod util-linux
	# programs copied into the guest: namespaces, nftables, real clients
	iproute2 nftables socat dnsutils curl openssl ngtcp2-client ngtcp2-server
	# a real DNS server for the learned-address scenarios (85, 86)
	dnsmasq-base
	# an HTTP/1.1 server with keep-alive and pipelining (scenario 84)
	lighttpd
	# libraries: libnl for consentd, libmnl for the test tools
	libmnl-dev libnl-3-dev libnl-genl-3-dev
	# consentctl(8) rendered to compare it with --help
	groff-base
	# fuzzing (make fuzz): libFuzzer comes with clang's runtime
	clang libclang-rt-14-dev
	# the plot of make bench
	gnuplot-nox
	# arm64 cross-build of the module, consentd, consentctl and the test
	# tools (tests/gki, tests/qemu/build-cell.sh) and their boot; arm64
	# libraries beside the host's (multiarch); the guest's arm64 programs
	# are unpacked by tests/qemu/userland.sh below; the cross C library
	# is only a Recommends of the compiler, which --no-install-recommends
	# leaves out
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm
	libnl-3-dev:arm64 libnl-genl-3-dev:arm64 libmnl-dev:arm64
	# packaging (tests/pkg): DKMS, the Debian packages, their chroot
	dkms dh-dkms debhelper fakeroot mmdebstrap
	# the Android files (tests/android): bpfmt, checkpolicy, setfiles
	blueprint-tools checkpolicy policycoreutils
)

# One dpkg-query for all: "name status" for each installed package.
# (dpkg-query fails when it knows a name not at all: that is not an error.)
# (An :arm64 package is named so, the host's without a suffix.)
installed=" $( (dpkg-query -W -f='${Package}:${Architecture} ${Status}\n' "${pkgs[@]}" 2>/dev/null || true) |
	awk '$NF == "installed" { sub(/:(amd64|all)$/, "", $1); printf "%s ", $1 }')"
missing=()
for p in "${pkgs[@]}"; do
	case $installed in *" $p "*) ;; *) missing+=("$p") ;; esac
done

# What is not a package to install: each cell's kernel headers
# (tests/qemu/headers.sh) and the guest's arm64 programs
# (tests/qemu/userland.sh), unpacked from downloaded packages.
unpacked() {
	local cell arch kver ok=1
	for cell in $(tests/qemu/cell.sh --list); do
		read -r arch kver < <(tests/qemu/cell.sh "$cell")
		tests/qemu/headers.sh "$@" "$arch" "${kver%-"$arch"}" >/dev/null || ok=0
	done
	if [ $ok = 1 ]; then
		echo "ok - kernel headers of every cell of the test matrix unpacked"
	else
		echo "not ok - kernel headers of the test matrix (tests/qemu/headers.sh)"
	fi
	if [ "${1:-}" = --check ]; then
		# userland.sh has no check mode: its cache is made or there
		ls -d "${CW_CACHE:-/var/cache/consentwall}"/userland-arm64-*/.complete >/dev/null 2>&1
	else
		tests/qemu/userland.sh arm64 >/dev/null
	fi && echo "ok - the guest's arm64 programs unpacked" ||
		{ echo "not ok - the guest's arm64 programs (tests/qemu/userland.sh)"; ok=0; }
	[ $ok = 1 ]
}

if [ ${#missing[@]} -eq 0 ]; then
	echo "ok - build and test dependencies installed"
	[ "${1:-}" = --check ] || tests/prune-cache.sh
	unpacked ${1:-}
	exit
fi

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "${1:-}" = --check ]; then
	echo "not ok - missing packages: ${missing[*]}"
	echo "# as root: apt-get update && $cmd"
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "not ok - missing packages: ${missing[*]}"
	echo "# run as root: apt-get update && $cmd"
	exit 1
fi
echo "# installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# the arm64 libraries (multiarch) need the architecture's package lists
dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
apt-get update -qq
# Servers the guest runs (lighttpd) are packages with a service: none of
# them may start on this host, now or at its next boot.
norc=
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	norc=1
fi
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
[ -z "$norc" ] || rm -f /usr/sbin/policy-rc.d
case " ${missing[*]} " in
*" lighttpd "*) ! command -v systemctl >/dev/null ||
	systemctl disable -q lighttpd.service 2>/dev/null || true ;;
esac
echo "ok - build and test dependencies installed (${#missing[@]} added)"
tests/prune-cache.sh
unpacked
