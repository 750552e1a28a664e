/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The ruleset's build stages, in the order cw_builder_finish() runs them:
 * the builder's entries (ruleset.c), the match-list pool
 * (ruleset_intern.c), the address compile (ruleset_addr.c), the UID and
 * domain tables (ruleset_tables.c). Private to the ruleset_*.c files;
 * process context only.
 */
#ifndef _CW_RULESET_BUILD_H
#define _CW_RULESET_BUILD_H

#include "ruleset_layout.h"

#define CW_ALLOC_MAX	0x7fff0000ULL	/* kvmalloc refuses more than INT_MAX */

/* Builder side: entries as added, normalized, in growable arrays. */
struct cw_bpfx {
	u8 key[16];
	u16 port_min;
	u16 port_max;
	u8 len;
	u8 proto;
	u8 purpose;
	u8 family;
};

struct cw_buid {
	u32 uid;
	u32 purpose;
};

struct cw_bdom {
	u32 off;
	u32 len;
	u32 purpose;
};

struct cw_builder {
	struct cw_limits lim;
	u64 mem;
	u32 nr_entries;
	u32 nr_purposes;
	struct cw_bpfx *pfx;
	u32 nr_pfx, cap_pfx;
	struct cw_buid *uid;
	u32 nr_uid, cap_uid;
	struct cw_bdom *dom;
	u32 nr_dom, cap_dom;
	char *pool;
	u32 nr_pool, cap_pool;
	struct cw_purpose purposes[CW_PURPOSES_MAX];
};

/*
 * Finishing state: the item array being built and the intern table that
 * makes identical lists share one run of items.
 */
struct cw_fin {
	struct cw_item *items;
	u32 nr_items, cap_items;
	u32 *itab;		/* first item of an interned list, 0 = empty */
	u32 itab_size;
	u32 nr_lists;
	struct cw_item *tmp;	/* scratch for building one list */
	u32 cap_tmp;
	bool nomem;
};

/**
 * cw_alloc() - zeroed memory for the build or the frozen ruleset
 * @bytes: the size; more than kvmalloc() takes is refused
 *
 * Context: process context, may sleep.
 * Return: the memory (free with kvfree()), or NULL.
 */
static inline void *cw_alloc(u64 bytes)
{
	if (!bytes || bytes > CW_ALLOC_MAX)
		return NULL;
	return kvzalloc((size_t)bytes, GFP_KERNEL);
}

/**
 * cw_yield() - let other tasks run, every 4096 steps of a long loop
 * @i: the loop's counter
 *
 * Compiling a million prefixes takes a second natively and twenty under
 * emulation.
 *
 * Context: process context; the netlink commit holds a mutex, no spinlock.
 */
static inline void cw_yield(u32 i)
{
	if (!(i & 0xfff))
		cond_resched();
}

/*
 * Every function below runs in process context and may sleep (it allocates
 * with GFP_KERNEL), inside cw_builder_finish().
 */

/**
 * cw_fin_room() - make room for @need elements in a growable array
 * @arr: the array, reallocated (doubling) when it is too small
 * @cap: its capacity in elements, updated
 * @need: the elements it must hold
 * @size: the size of one element
 *
 * Return: true, or false when out of memory (the array is left as it was).
 */
bool cw_fin_room(void **arr, u32 *cap, u64 need, u32 size);

/**
 * cw_intern() - normalize and intern the list of @n items in @fin->tmp
 * @fin: the finishing state
 * @n: the number of items
 *
 * Every unconstrained item is folded into one, constrained ones are
 * sorted, equal constraints merged, items implied by the unconstrained one
 * dropped; an equal list already in the pool is shared.
 *
 * Return: the index of the list's first item, or 0 when out of memory.
 */
u32 cw_intern(struct cw_fin *fin, u32 n);

/**
 * cw_union() - the interned union of two interned lists
 * @fin: the finishing state
 * @a: a list's first item, or 0 for none
 * @b: another, or 0
 *
 * Return: the union's first item; 0 for none, or when out of memory (then
 * @fin->nomem is set).
 */
u32 cw_union(struct cw_fin *fin, u32 a, u32 b);

/**
 * cw_pfx_sort() - sort the builder's prefixes by family, key, length
 * @a: the prefixes
 * @n: how many
 *
 * A bottom-up merge sort that yields as it goes; without memory for its
 * buffer, the kernel's sort().
 */
void cw_pfx_sort(struct cw_bpfx *a, u32 n);

/**
 * cw_fam_build() - compile one family's prefixes into its lookup structure
 * @fam: the family of the frozen ruleset, filled
 * @fin: the finishing state (the prefixes' match lists are interned there)
 * @pfx: the family's prefixes, sorted by cw_pfx_sort()
 * @n: how many
 * @klen: the key length, 4 or 16 bytes
 *
 * Return: 0, or -ENOMEM.
 */
int cw_fam_build(struct cw_fam *fam, struct cw_fin *fin,
		 const struct cw_bpfx *pfx, u32 n, u32 klen);

/**
 * cw_fam_memory() - the bytes one family's structure holds
 * @fam: the family, built
 *
 * Return: the size of its arrays, in bytes.
 */
u64 cw_fam_memory(const struct cw_fam *fam);

/**
 * cw_uids_build() - the sorted UID table of the frozen ruleset
 * @rs: the ruleset being frozen
 * @b: the builder, whose UID entries are sorted in place
 *
 * Return: 0, or -ENOMEM.
 */
int cw_uids_build(struct cw_ruleset *rs, struct cw_builder *b);

/**
 * cw_doms_build() - the domain hash table of the frozen ruleset
 * @rs: the ruleset being frozen
 * @b: the builder
 *
 * Return: 0, or -ENOMEM.
 */
int cw_doms_build(struct cw_ruleset *rs, struct cw_builder *b);

#endif /* _CW_RULESET_BUILD_H */
