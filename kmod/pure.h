/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Matching and parsing code is pure: it is compiled unchanged into the
 * module and into the userspace unit tests, fuzzers and benchmarks. This
 * header is the only place that differs between the two worlds.
 */
#ifndef _CW_PURE_H
#define _CW_PURE_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/bitops.h>
#include <linux/kernel.h>
#include <linux/socket.h>
#include <linux/in.h>
#include <linux/sched.h>
#include <linux/sort.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <asm/byteorder.h>
#else
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

/*
 * The kernel's own type names for userspace builds (checkpatch's
 * PREFER_KERNEL_TYPES checks on these lines are expected: defining the
 * kernel types is what they do).
 */
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef uint16_t __be16;
typedef uint32_t __be32;

#define GFP_KERNEL 0
#define kvzalloc(size, gfp) calloc(1, (size))
#define kvfree(p) free(p)
#define kzalloc(size, gfp) calloc(1, (size))
#define kfree(p) free(p)
#define memzero_explicit(p, n) explicit_bzero((p), (n))
#define be32_to_cpu(x) ntohl(x)
#define cpu_to_be32(x) htonl(x)
#define be16_to_cpu(x) ntohs(x)
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BIT_ULL(n) (1ULL << (n))
#define BUILD_BUG_ON(cond) _Static_assert(!(cond), #cond)
/* Long builds (a million prefixes) yield the CPU in the kernel. */
#define cond_resched() do { } while (0)
/* The kernel's heapsort; the C library's sort does for the tests. */
#define sort(base, num, size, cmp, swap) qsort((base), (num), (size), (cmp))
#define min_t(type, a, b) \
	({ type __a = (a); type __b = (b); __a < __b ? __a : __b; })
#define max_t(type, a, b) \
	({ type __a = (a); type __b = (b); __a > __b ? __a : __b; })
/* Last set bit, 1-based; 0 for 0. */
static inline int fls(unsigned int x)
{
	return x ? 32 - __builtin_clz(x) : 0;
}

/* @w turned right by @s bits (0 < s < 32). */
static inline u32 ror32(u32 w, unsigned int s)
{
	return w >> s | w << (32 - s);
}

/* Smallest s with 1 << s >= n. */
static inline int order_base_2(unsigned int n)
{
	return n > 1 ? fls(n - 1) : 0;
}

/* a * b, or SIZE_MAX when that overflows: every allocator refuses it. */
static inline size_t array_size(size_t a, size_t b)
{
	size_t r;

	return __builtin_mul_overflow(a, b, &r) ? SIZE_MAX : r;
}

/* glibc's sys/cdefs.h has __always_inline, and this under another name */
#define noinline __attribute_noinline__
#endif

#endif /* _CW_PURE_H */
