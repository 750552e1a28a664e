# SPDX-License-Identifier: GPL-2.0
#
# consentwall top level.
#   make              the module (kmod/consentwall.ko), consentd, consentctl
#   make check        everything tested: deps, unit tests, module build (W=1,
#                     sparse, arm64, GKI gate), packaging (install, DKMS,
#                     .deb), the QEMU guest suite (and its core on the
#                     other cells of the matrix); ends "N passed, N failed"
#   make run          boot a QEMU handset with the module and consentd
#   make module       the module only; KDIR, ARCH, CROSS_COMPILE as usual
#   make module-debug the module with its self-test, into build/kmod-debug
#   make module-arm64 the module cross-built for arm64, into build/kmod-arm64
#   make gki-gate     arm64 builds (6.1, 6.12) and their GKI symbol gate
#   make kernel-doc   kernel-doc of every function in kmod/*.h, warning-free
#   make layout       the module's calls go one way (tests/unit/layout.sh)
#   make unit         host unit tests only
#   make guest        the QEMU guest suite only (T=substr for a subset)
#   make check-matrix the whole guest suite on every cell of the test matrix
#                     {x86_64, arm64} x {6.1, 6.12} (tests/qemu/cells)
#   make check-debug  the whole guest suite on a KASAN/UBSAN/lockdep/kmemleak
#                     kernel built from linux-source (cached); `make check`
#                     runs the scenarios CW_DEBUG_T names on it
#   make check-intree consentwall built into that kernel (=y), booted:
#                     blocking before userspace, then consentd takes over
#   make fuzz         the parser fuzzers (tests/fuzz)
#   make check-powerloss  consentd's receipts on ext4 in the guest while QEMU
#                     is killed PL_KILLS times (default 200, about 30 minutes)
#   make bench        benchmarks in the guest against nftables (bench/)
#   make check-idents-fp  112 MiB of real plaintext through the identifier
#                     guard in the guest: nothing blocked (tests/idents-fp)
#   make install      consentd, consentctl, man pages, unit, rules; DESTDIR,
#                     PREFIX, CFLAGS, CPPFLAGS, LDFLAGS as usual
#   make install-dkms the module's source tree for DKMS, in
#                     $(DESTDIR)/usr/src/consentwall-VERSION
#   make deb          the Debian packages consentwall and consentwall-dkms,
#                     into build/deb/
#   make clean
#
# The module is built against the Debian headers of the default cell of
# the test matrix (x86_64-6.1 in tests/qemu/cells: pinned, so installing
# newer headers moves nothing) unless KDIR says otherwise:
# make module KDIR=/path/to/your/kernel/build

KVER ?= $(shell awk '$$1 == "x86_64-6.1" { print $$3 "-" $$2 }' tests/qemu/cells)
KDIR ?= /usr/src/linux-headers-$(KVER)
B := $(CURDIR)/build
# The one version number, from the Debian changelog.
VERSION = $(shell awk -F'[()-]' 'NR == 1 { print $$2 }' userspace/packaging/debian/changelog)
KBUILD_ARGS := -C $(KDIR) M=$(CURDIR) $(if $(ARCH),ARCH=$(ARCH)) \
	$(if $(CROSS_COMPILE),CROSS_COMPILE=$(CROSS_COMPILE)) $(if $(W),W=$(W))

all: module userspace

module:
	$(MAKE) $(KBUILD_ARGS) modules

# The module with CONFIG_CONSENTWALL_DEBUG (self-test at load), built from a
# copy of the sources so that it never mixes objects with the normal build.
# The module's sources (not kbuild's generated *.mod.c).
KMOD_SRC = $(filter-out %.mod.c,$(wildcard kmod/*.c)) $(wildcard kmod/*.h) \
	kmod/Makefile kmod/Kconfig

# copy_kmod DIR: a private copy of the module's sources to build in DIR.
copy_kmod = rm -rf $(1) && mkdir -p $(1)/kmod/uapi && cp Kbuild $(1)/ && \
	cp $(KMOD_SRC) $(1)/kmod/ && cp kmod/uapi/*.h $(1)/kmod/uapi/

module-debug:
	$(call copy_kmod,$(B)/kmod-debug)
	$(MAKE) -C $(KDIR) M=$(B)/kmod-debug $(if $(ARCH),ARCH=$(ARCH)) \
		$(if $(CROSS_COMPILE),CROSS_COMPILE=$(CROSS_COMPILE)) \
		CONFIG_CONSENTWALL_DEBUG=y modules

# The handset's architecture: cross-built against Debian's arm64 headers of
# the same ABI (tests/gki/arm64-headers.sh), into build/kmod-arm64.
ARM64_KDIR ?= $(KDIR:-amd64=-arm64)
module-arm64:
	$(call copy_kmod,$(B)/kmod-arm64)
	$(MAKE) -C $(ARM64_KDIR) M=$(B)/kmod-arm64 ARCH=arm64 \
		CROSS_COMPILE=aarch64-linux-gnu- $(if $(W),W=$(W)) modules

# The module from a copy of its sources into $(B)/kmod-cell, against KDIR
# (ARCH, CROSS_COMPILE as for module): a matrix cell's build
# (tests/qemu/build-cell.sh) never mixes objects with kmod/'s.
module-cell:
	$(call copy_kmod,$(B)/kmod-cell)
	$(MAKE) -C $(KDIR) M=$(B)/kmod-cell $(if $(ARCH),ARCH=$(ARCH)) \
		$(if $(CROSS_COMPILE),CROSS_COMPILE=$(CROSS_COMPILE)) $(if $(W),W=$(W)) modules

# arm64 builds against Debian's 6.1 and 6.12 headers, each through the GKI
# symbol gate of its Android branch (tests/gki/symbols/).
gki-gate:
	@tests/gki/check.sh

# sparse over every file of the module (forces a full rebuild)
sparse:
	$(MAKE) $(KBUILD_ARGS) C=2 modules

# kernel-doc over kmod/*.h (every function documented, no warning), and
# the direction of the module's calls (README, "Repository layout")
kernel-doc:
	@tests/unit/kernel-doc.sh
layout: module
	@tests/unit/layout.sh kmod

userspace:
	@if [ -f userspace/Makefile ]; then \
		$(MAKE) -C userspace; \
	else echo "userspace/ not there yet"; fi

tools:
	$(MAKE) -C tests/tools O=$(B)/tools

deps:
	@tests/deps.sh

install: userspace
	$(MAKE) -C userspace install

DKMS_DIR = $(DESTDIR)/usr/src/consentwall-$(VERSION)
install-dkms:
	install -d $(DKMS_DIR)/kmod/uapi
	install -m 0644 Kbuild $(DKMS_DIR)/
	install -m 0644 $(KMOD_SRC) $(DKMS_DIR)/kmod/
	install -m 0644 kmod/uapi/*.h $(DKMS_DIR)/kmod/uapi/
	sed 's|#MODULE_VERSION#|$(VERSION)|' kmod/dkms.conf > $(DKMS_DIR)/dkms.conf
	chmod 0644 $(DKMS_DIR)/dkms.conf

# The source package is this tree (tracked files) with the packaging's
# debian/ at its top, assembled in build/deb/.
deb:
	rm -rf $(B)/deb
	mkdir -p $(B)/deb/consentwall-$(VERSION)
	git ls-files -z | xargs -0 cp --parents -t $(B)/deb/consentwall-$(VERSION)
	cp -r userspace/packaging/debian $(B)/deb/consentwall-$(VERSION)/
	cd $(B)/deb/consentwall-$(VERSION) && dpkg-buildpackage -b -us -uc

# Scenarios of the debug-kernel pass inside `make check`: the core paths,
# bounded so that CI stays well under 30 minutes once the kernel is cached.
CW_DEBUG_T ?= 11,13,15,21,26,27,50,57,58,59,80,85,89,92

# The other cells of the test matrix (tests/qemu/cells: x86_64-6.12,
# arm64-6.1, arm64-6.12) in `make check`: the scenarios where kernel
# version or architecture make a difference. compat.h's paths (16 the
# refused connect, 21 and 27 extack messages, 30 the v4/v6 reset, 33 the
# extension-header walk), the hooks from load on (10, 13 IPv6), the
# netlink release notifier (20), the self-test of the lookup (19), the
# kernel's AEAD for QUIC (57, per-architecture drivers) and consentd and
# consentctl cross-built against libnl (41). `make check-matrix` runs
# every scenario on every cell.
CW_MATRIX_T ?= 10,13,16,19,20,21,27,30,33,41,57

check:
	@CW_DEBUG_T=$(CW_DEBUG_T) CW_MATRIX_T=$(CW_MATRIX_T) \
		tests/run-tap deps unit module fuzz pkg guest matrix debug intree

check-matrix: module module-debug tools userspace
	@CW_MATRIX_T=$(T) tests/run-tap guest matrix

check-debug: module tools userspace
	@CW_DEBUG_T=$(T) tests/run-tap debug

# consentwall built into the debug kernel (CONFIG_CONSENTWALL=y, cached),
# blocking from the first packet; then consentd takes over.
check-intree: tools userspace
	@tests/run-tap intree

unit:
	@tests/run-tap unit

PL_KILLS ?= 200
check-powerloss: module tools userspace
	@tests/powerloss/run.sh $(PL_KILLS)

# The corpus image is built once and cached in /var/cache/consentwall.
check-idents-fp: module tools userspace
	@tests/idents-fp/run.sh

pkg:
	@tests/run-tap pkg

guest: module module-debug tools userspace
	@tests/run-tap guest

# On a terminal: a shell on the QEMU handset. Without one: the demo.
run: module tools userspace
	@if [ -t 0 ] && [ -t 1 ]; then tests/qemu/run.sh run; \
	else tests/qemu/run.sh demo; fi

fuzz:
	@if [ -d tests/fuzz ]; then $(MAKE) -C tests/fuzz run; \
	else echo "tests/fuzz not there yet"; fi

bench: deps
	@KDIR=$(KDIR) bench/run.sh

kdir:
	@echo $(KDIR)

clean:
	-$(MAKE) $(KBUILD_ARGS) clean
	rm -rf $(B)
	-@for d in tests/unit/*/ tests/fuzz userspace; do \
		[ -f $$d/Makefile ] && $(MAKE) -s -C $$d clean; done; true
	-$(MAKE) -s -C tests/tools clean

.PHONY: all module module-debug module-cell module-arm64 gki-gate install install-dkms deb pkg sparse kernel-doc layout userspace tools deps check check-debug check-intree check-powerloss check-idents-fp unit guest check-matrix run fuzz bench kdir clean
