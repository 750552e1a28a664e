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

/*
 * Context of everything below: process context, may sleep (the reference
 * grows with GFP_KERNEL); the self-test and the unit tests only.
 */

/**
 * cw_ref_new() - an empty reference ruleset
 *
 * Return: the reference, or NULL when out of memory.
 */
struct cw_ref *cw_ref_new(void);

/**
 * cw_ref_free() - free a reference ruleset
 * @r: the reference, or NULL
 */
void cw_ref_free(struct cw_ref *r);

/**
 * cw_ref_add_prefix() - add an address entry to the reference
 * @r: the reference
 * @purpose: the purpose's index
 * @family: AF_INET or AF_INET6
 * @addr: the address, 4 or 16 bytes
 * @prefixlen: its prefix length
 * @proto: 0 (any), IPPROTO_TCP or IPPROTO_UDP
 * @port_min: first port, or 0 for every port
 * @port_max: last port, or 0 for @port_min alone
 *
 * The entry must already have been accepted by cw_builder_add_prefix().
 *
 * Return: 0, or -ENOMEM.
 */
int cw_ref_add_prefix(struct cw_ref *r, int purpose, u8 family,
		      const u8 *addr, u8 prefixlen, u8 proto,
		      u16 port_min, u16 port_max);

/**
 * cw_ref_add_uid() - add an app entry to the reference
 * @r: the reference
 * @purpose: the purpose's index
 * @uid: the UID
 *
 * Return: 0, or -ENOMEM.
 */
int cw_ref_add_uid(struct cw_ref *r, int purpose, u32 uid);

/**
 * cw_ref_add_domain() - add a name entry to the reference
 * @r: the reference
 * @purpose: the purpose's index
 * @name: the name, as accepted by cw_builder_add_domain()
 * @len: its length
 *
 * Return: 0; -EINVAL for a name longer than CW_NAME_MAX, -ENOMEM.
 */
int cw_ref_add_domain(struct cw_ref *r, int purpose, const char *name,
		      u32 len);

/**
 * cw_ref_match() - the purposes a flow belongs to, by linear scan
 * @r: the reference
 * @f: the flow
 *
 * Return: the bitmask cw_ruleset_match() must return for the same entries.
 */
u64 cw_ref_match(const struct cw_ref *r, const struct cw_flow *f);

/**
 * cw_rand() - splitmix64: reproducible from the seed alone, in both worlds
 * @state: the generator's state, advanced
 *
 * Return: the next 64 random bits.
 */
static inline u64 cw_rand(u64 *state)
{
	u64 z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/**
 * cw_rand_below() - a random number below @n
 * @state: the generator's state, advanced
 * @n: the bound
 *
 * Return: 0..@n-1, or 0 for an @n of 0.
 */
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

/**
 * cw_ref_generate() - add the same random entries to a builder and a
 * reference
 * @b: the builder
 * @r: the reference
 * @seed: the generator's state, advanced
 * @g: how many entries of each kind, and their mix
 * @why: set to the builder's message on error
 *
 * Return: 0, or the builder's error (or -ENOMEM from the reference).
 */
int cw_ref_generate(struct cw_builder *b, struct cw_ref *r, u64 *seed,
		    const struct cw_ref_gen *g, const char **why);

struct cw_ref_flowbuf {
	u8 addr[16];
	char name[CW_NAME_MAX + 8];
};

/**
 * cw_ref_random_flow() - a random flow near the reference's entries
 * @r: the reference
 * @seed: the generator's state, advanced
 * @f: filled with the flow; its address and name point into @buf
 * @buf: the storage of the flow's address and name
 *
 * Inside an entry, just outside one (a bit of the prefix flipped), or at
 * random; subdomains and look-alikes of names.
 */
void cw_ref_random_flow(const struct cw_ref *r, u64 *seed,
			struct cw_flow *f, struct cw_ref_flowbuf *buf);

#endif /* _CW_RULESET_REF_H */
