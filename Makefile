# SPDX-License-Identifier: GPL-2.0
#
# consentwall top level.
#   make              the module (kmod/consentwall.ko), consentd, consentctl
#   make check        everything tested: deps, unit tests, module build (W=1,
#                     sparse), the QEMU guest suite; ends "N passed, N failed"
#   make run          boot a QEMU handset with the module and consentd
#   make module       the module only; KDIR, ARCH, CROSS_COMPILE as usual
#   make module-debug the module with its self-test, into build/kmod-debug
#   make kernel-doc   kernel-doc of every function in kmod/*.h, warning-free
#   make layout       the module's calls go one way (tests/unit/layout.sh)
#   make unit         host unit tests only
#   make guest        the QEMU guest suite only (T=substr for a subset)
#   make check-debug  the whole guest suite on a KASAN/UBSAN/lockdep/kmemleak
#                     kernel built from linux-source (cached); `make check`
#                     runs the scenarios CW_DEBUG_T names on it
#   make fuzz         the parser fuzzers (tests/fuzz)
#   make bench        benchmarks in the guest against nftables (bench/)
#   make clean
#
# The module is built against the newest /usr/src/linux-headers-*-amd64
# unless KDIR says otherwise: make module KDIR=/path/to/your/kernel/build

KVER ?= $(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n1 | sed 's|.*/linux-headers-||')
KDIR ?= /usr/src/linux-headers-$(KVER)
B := $(CURDIR)/build
KBUILD_ARGS := -C $(KDIR) M=$(CURDIR) $(if $(ARCH),ARCH=$(ARCH)) \
	$(if $(CROSS_COMPILE),CROSS_COMPILE=$(CROSS_COMPILE)) $(if $(W),W=$(W))

all: module userspace

module:
	$(MAKE) $(KBUILD_ARGS) modules

# The module with CONFIG_CONSENTWALL_DEBUG (self-test at load), built from a
# copy of the sources so that it never mixes objects with the normal build.
module-debug:
	rm -rf $(B)/kmod-debug
	mkdir -p $(B)/kmod-debug/kmod/uapi
	cp Kbuild $(B)/kmod-debug/
	cp kmod/*.c kmod/*.h kmod/Makefile kmod/Kconfig $(B)/kmod-debug/kmod/
	cp kmod/uapi/*.h $(B)/kmod-debug/kmod/uapi/
	$(MAKE) -C $(KDIR) M=$(B)/kmod-debug $(if $(ARCH),ARCH=$(ARCH)) \
		$(if $(CROSS_COMPILE),CROSS_COMPILE=$(CROSS_COMPILE)) \
		CONFIG_CONSENTWALL_DEBUG=y modules

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

# Scenarios of the debug-kernel pass inside `make check`: the core paths,
# bounded so that CI stays well under 30 minutes once the kernel is cached.
CW_DEBUG_T ?= 11,13,15,21,26,27,50,92

check:
	@CW_DEBUG_T=$(CW_DEBUG_T) tests/run-tap deps unit module guest debug

check-debug: module tools userspace
	@CW_DEBUG_T= tests/run-tap debug

unit:
	@tests/run-tap unit

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

.PHONY: all module module-debug sparse kernel-doc layout userspace tools deps check check-debug unit guest run fuzz bench kdir clean
