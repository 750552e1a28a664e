#!/bin/bash
# Installs every Debian package consentwall needs to build and test: as
# root it runs apt-get for whatever is missing; otherwise it prints the
# exact command. Quiet and fast (dpkg-query only) when all is there.
#
#   tests/deps.sh           install what is missing (root) or say how
#   tests/deps.sh --check   only report; exit 1 if something is missing
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(
	# toolchain, out-of-tree module build, sparse (make C=2)
	build-essential make gcc pkg-config sparse
	# kernel headers of the current Debian ABI; the guest kernel of the
	# same version is fetched with apt-get download (tests/qemu)
	linux-headers-amd64
	# kernel source: checkpatch.pl, the debug kernel build
	linux-source-6.1 bc bison flex libelf-dev libssl-dev xz-utils
	# QEMU rig and initramfs
	qemu-system-x86 busybox-static cpio gzip kmod util-linux
	# programs copied into the guest: namespaces, nftables, real clients
	iproute2 nftables socat dnsutils curl openssl ngtcp2-client ngtcp2-server
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
	# arm64 cross-build of the module and its boot (tests/gki); the arm64
	# headers are unpacked by tests/gki/arm64-headers.sh below
	gcc-aarch64-linux-gnu qemu-system-arm
	# packaging (tests/pkg): DKMS, the Debian packages, their chroot
	dkms dh-dkms debhelper fakeroot mmdebstrap
	# the Android files (tests/android): bpfmt, checkpolicy, setfiles
	blueprint-tools checkpolicy policycoreutils
)

# One dpkg-query for all: "name status" for each installed package.
# (dpkg-query fails when it knows a name not at all: that is not an error.)
installed=" $( (dpkg-query -W -f='${Package} ${Status}\n' "${pkgs[@]}" 2>/dev/null || true) |
	awk '$NF == "installed" { printf "%s ", $1 }')"
missing=()
for p in "${pkgs[@]}"; do
	if [ "$p" = linux-headers-amd64 ]; then
		# Any installed amd64 headers will do (the rig follows them).
		ls -d /usr/src/linux-headers-*-amd64 >/dev/null 2>&1 && continue
	fi
	case $installed in *" $p "*) ;; *) missing+=("$p") ;; esac
done

# Debian's arm64 headers of the installed ABI, unpacked beside it.
arm64_headers() {
	if tests/gki/arm64-headers.sh "$@" >/dev/null; then
		echo "ok - arm64 kernel headers unpacked"
	else
		echo "not ok - arm64 kernel headers (tests/gki/arm64-headers.sh)"
		return 1
	fi
}

if [ ${#missing[@]} -eq 0 ]; then
	echo "ok - build and test dependencies installed"
	arm64_headers ${1:-}
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
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "ok - build and test dependencies installed (${#missing[@]} added)"
arm64_headers
