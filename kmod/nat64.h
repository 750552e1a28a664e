/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * RFC 6052 IPv4-embedded IPv6 addresses, as NAT64 and DNS64 build them: the
 * 32 bits of the IPv4 address follow a prefix of 32, 40, 48, 56, 64 or 96
 * bits and skip bits 64-71 (the "u" octet). Pure code: the module, consentd
 * and the unit tests compile it as is.
 *
 * A prefix is kept as two masked words so that the packet path tests an
 * address against it with two loads, two xors, two ands and a compare, and
 * no loop: that is all a packet of no NAT64 prefix pays per prefix.
 */
#ifndef _CW_NAT64_H
#define _CW_NAT64_H

#include "pure.h"
#include "uapi/consentwall.h"

struct cw_nat64_prefix {
	u64 hi, hi_mask;	/* bytes 0-7 of the prefix and of its mask */
	u32 lo, lo_mask;	/* bytes 8-11 */
	u8 len;			/* 32, 40, 48, 56, 64 or 96 */
	u8 addr[16];		/* the prefix, bits past len zero */
};

/**
 * cw_nat64_len_valid() - whether RFC 6052 defines a prefix of this length
 * @len: the prefix length in bits
 *
 * Context: any.
 * Return: true for 32, 40, 48, 56, 64 and 96.
 */
static inline bool cw_nat64_len_valid(unsigned int len)
{
	return len == 32 || len == 40 || len == 48 || len == 56 ||
	       len == 64 || len == 96;
}

/**
 * cw_nat64_prefix_init() - a prefix ready for cw_nat64_under()
 * @p: filled in
 * @addr: the prefix, 16 bytes
 * @len: its length in bits
 *
 * A prefix written with bits past its length is a typo, not a prefix.
 *
 * Context: any.
 * Return: 0; -EINVAL for a length RFC 6052 does not define or for an
 * address with bits set past @len (@p is then untouched).
 */
static inline int cw_nat64_prefix_init(struct cw_nat64_prefix *p,
				       const u8 *addr, unsigned int len)
{
	u8 mask[12] = { 0 };
	unsigned int i;

	if (!cw_nat64_len_valid(len))
		return -EINVAL;
	for (i = len / 8; i < 16; i++)
		if (addr[i])
			return -EINVAL;
	memset(p, 0, sizeof(*p));
	memcpy(p->addr, addr, 16);
	p->len = len;
	memset(mask, 0xff, len / 8);
	memcpy(&p->hi, addr, 8);
	memcpy(&p->lo, addr + 8, 4);
	memcpy(&p->hi_mask, mask, 8);
	memcpy(&p->lo_mask, mask + 8, 4);
	return 0;
}

/**
 * cw_nat64_wkp_init() - the well-known prefix of RFC 6052, 64:ff9b::/96
 * @p: filled in
 *
 * Always in force: p[0] of every namespace's set.
 *
 * Context: any.
 */
static inline void cw_nat64_wkp_init(struct cw_nat64_prefix *p)
{
	u8 wkp[16] = { 0x00, 0x64, 0xff, 0x9b };

	cw_nat64_prefix_init(p, wkp, 96);
}

/* The prefixes a namespace checks: p[0] is the well-known one. */
struct cw_nat64_set {
	u32 n;
	struct cw_nat64_prefix p[CW_NAT64_MAX + 1];
};

/**
 * cw_nat64_under() - whether an IPv6 address lies under a prefix
 * @p: the prefix
 * @a6: the address, 16 bytes, any alignment
 *
 * Context: any, the packet path included.
 * Return: true if the first @p->len bits of @a6 are the prefix's.
 */
static inline bool cw_nat64_under(const struct cw_nat64_prefix *p,
				  const u8 *a6)
{
	u64 hi;
	u32 lo;

	memcpy(&hi, a6, 8);
	memcpy(&lo, a6 + 8, 4);
	return !(((hi ^ p->hi) & p->hi_mask) | ((lo ^ p->lo) & p->lo_mask));
}

/**
 * cw_nat64_extract() - the IPv4 address an IPv6 address embeds
 * @a6: the IPv6 address, 16 bytes
 * @len: the length of the prefix it is under (cw_nat64_len_valid())
 * @a4: set to the IPv4 address, 4 bytes
 *
 * The u octet (byte 8) is skipped whatever it holds and the suffix is
 * ignored: RFC 6052 wants them zero, but a translator that forwards such
 * an address anyway must not let it pass unrecognised.
 *
 * Context: any.
 */
static inline void cw_nat64_extract(const u8 *a6, unsigned int len, u8 *a4)
{
	unsigned int i, pos = len / 8;

	for (i = 0; i < 4; i++, pos++) {
		if (pos == 8)
			pos++;
		a4[i] = a6[pos];
	}
}

/**
 * cw_nat64_embed() - the RFC 6052 address of an IPv4 address
 * @p: the prefix
 * @a4: the IPv4 address, 4 bytes
 * @a6: set to the IPv6 address, 16 bytes (suffix and u octet zero)
 *
 * Context: any.
 */
static inline void cw_nat64_embed(const struct cw_nat64_prefix *p,
				  const u8 *a4, u8 *a6)
{
	unsigned int i, pos = p->len / 8;

	memcpy(a6, p->addr, 16);
	for (i = 0; i < 4; i++, pos++) {
		if (pos == 8)
			pos++;
		a6[pos] = a4[i];
	}
}

#endif /* _CW_NAT64_H */
