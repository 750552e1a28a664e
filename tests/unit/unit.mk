# What the host unit tests of kmod/ code share: the kernel sources compiled
# as is, under ASan+UBSan, captures at CAPDIR. Included by each
# tests/unit/*/Makefile that builds one test binary.
KMOD := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))../../kmod)
CAPDIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))../captures)
CC ?= cc
CFLAGS := -std=gnu11 -Wall -Wextra -Werror -g -O1 \
	  -fsanitize=address,undefined -fno-sanitize-recover=all \
	  -fno-omit-frame-pointer -I$(KMOD) -DCAPDIR='"$(CAPDIR)"'
