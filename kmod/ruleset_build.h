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

static inline void *cw_alloc(u64 bytes)
{
	if (!bytes || bytes > CW_ALLOC_MAX)
		return NULL;
	return kvzalloc((size_t)bytes, GFP_KERNEL);
}

/*
 * Compiling a million prefixes takes a second natively and twenty under
 * emulation: loops over them yield the CPU every so often (process
 * context: the netlink commit holds a mutex, no spinlock).
 */
static inline void cw_yield(u32 i)
{
	if (!(i & 0xfff))
		cond_resched();
}

bool cw_fin_room(void **arr, u32 *cap, u64 need, u32 size);
u32 cw_intern(struct cw_fin *fin, u32 n);
u32 cw_union(struct cw_fin *fin, u32 a, u32 b);

void cw_pfx_sort(struct cw_bpfx *a, u32 n);
int cw_fam_build(struct cw_fam *fam, struct cw_fin *fin,
		 const struct cw_bpfx *pfx, u32 n, u32 klen);
u64 cw_fam_memory(const struct cw_fam *fam);

int cw_uids_build(struct cw_ruleset *rs, struct cw_builder *b);
int cw_doms_build(struct cw_ruleset *rs, struct cw_builder *b);

#endif /* _CW_RULESET_BUILD_H */
