/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A deliberately naive ruleset: every entry in one array, every lookup a
 * linear scan with a bit-by-bit prefix compare and a string compare per
 * domain. It is the oracle of the randomized differential tests of
 * ruleset.c, in userspace (tests/unit/ruleset) and in the kernel self-test
 * (selftest.c). Never used on the packet path. Pure code (see pure.h).
 *
 * It also holds what both tests share: a seeded PRNG, a generator that
 * feeds the same random entries to a cw_builder and a cw_ref, and a
 * generator of flows aimed at those entries (inside, just outside: one bit
 * of the prefix flipped, random; subdomains and look-alikes of names).
 */
#ifndef _CW_RULESET_REF_H
#define _CW_RULESET_REF_H

#include "ruleset.h"

struct cw_ref;

struct cw_ref *cw_ref_new(void);
void cw_ref_free(struct cw_ref *r);
/* Entries must already have been accepted by cw_builder_add_*(). */
int cw_ref_add_prefix(struct cw_ref *r, int purpose, u8 family,
		      const u8 *addr, u8 prefixlen, u8 proto,
		      u16 port_min, u16 port_max);
/* @appid: @uid is an app ID, in every Android user */
int cw_ref_add_uid(struct cw_ref *r, int purpose, u32 uid, bool appid);
int cw_ref_add_domain(struct cw_ref *r, int purpose, const char *name,
		      u32 len);
u64 cw_ref_match(const struct cw_ref *r, const struct cw_flow *f);

/* splitmix64: reproducible from the seed alone, in both worlds. */
static inline u64 cw_rand(u64 *state)
{
	u64 z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline u32 cw_rand_below(u64 *state, u32 n)
{
	return n ? (u32)(cw_rand(state) % n) : 0;
}

struct cw_ref_gen {
	u32 nr_prefixes;
	u32 nr_uids;
	u32 nr_domains;
	u32 nr_purposes;	/* 1..CW_PURPOSES_MAX */
	u32 v6_percent;		/* share of IPv6 prefixes */
	u32 port_percent;	/* share of prefixes with protocol/ports */
};

/*
 * Adds the same random entries to b and r. Returns 0, or the builder's
 * error with *why set.
 */
int cw_ref_generate(struct cw_builder *b, struct cw_ref *r, u64 *seed,
		    const struct cw_ref_gen *g, const char **why);

struct cw_ref_flowbuf {
	u8 addr[16];
	char name[CW_NAME_MAX + 8];
};

/* A random flow near r's entries; f points into buf. */
void cw_ref_random_flow(const struct cw_ref *r, u64 *seed,
			struct cw_flow *f, struct cw_ref_flowbuf *buf);

#endif /* _CW_RULESET_REF_H */
