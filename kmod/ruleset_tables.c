// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The UID table (sorted, searched by bisection) and the domain table (open
 * addressing over a hash of each name) of a frozen ruleset. Pure code (see
 * pure.h).
 */
#include "ruleset_build.h"

static int cw_uid_cmp(const void *a, const void *b)
{
	const struct cw_buid *x = a, *y = b;

	if (x->uid != y->uid)
		return x->uid < y->uid ? -1 : 1;
	return 0;
}

int cw_uids_build(struct cw_ruleset *rs, struct cw_builder *b)
{
	u32 i, n = 0;

	if (!b->nr_uid)
		return 0;
	sort(b->uid, b->nr_uid, sizeof(*b->uid), cw_uid_cmp, NULL);
	for (i = 0; i < b->nr_uid; i++)
		if (!i || b->uid[i].uid != b->uid[i - 1].uid)
			n++;
	rs->uids = cw_alloc(array_size(n, sizeof(*rs->uids)));
	rs->uid_masks = cw_alloc(array_size(n, sizeof(*rs->uid_masks)));
	if (!rs->uids || !rs->uid_masks)
		return -ENOMEM;
	for (i = 0, n = 0; i < b->nr_uid; i++) {
		if (!i || b->uid[i].uid != b->uid[i - 1].uid)
			rs->uids[n++] = b->uid[i].uid;
		rs->uid_masks[n - 1] |= BIT_ULL(b->uid[i].purpose);
	}
	rs->nr_uids = n;
	rs->memory += (u64)n * (sizeof(*rs->uids) + sizeof(*rs->uid_masks));
	return 0;
}

/* FNV-1a over the lower-cased name, last byte first: see cw_dom_match(). */
static u32 cw_dom_hash(const char *s, u32 len)
{
	u32 h = CW_FNV_SEED;

	while (len--)
		h = (h ^ cw_lower(s[len])) * CW_FNV_PRIME;
	return h;
}

int cw_doms_build(struct cw_ruleset *rs, struct cw_builder *b)
{
	u32 i, j, size = 4, h, poff = 0;

	if (!b->nr_dom)
		return 0;
	while (size < 2 * b->nr_dom)
		size *= 2;
	rs->dtab = cw_alloc(array_size(size, sizeof(*rs->dtab)));
	rs->doms = cw_alloc(array_size(b->nr_dom, sizeof(*rs->doms)));
	rs->dpool = cw_alloc(b->nr_pool);
	if (!rs->dtab || !rs->doms || !rs->dpool)
		return -ENOMEM;
	rs->dtab_mask = size - 1;
	for (i = 0; i < b->nr_dom; i++) {
		const char *s = b->pool + b->dom[i].off;
		u32 len = b->dom[i].len;
		struct cw_dom *d;

		cw_yield(i);
		h = cw_dom_hash(s, len);
		for (j = cw_dom_slot(h) & rs->dtab_mask; rs->dtab[j];
		     j = (j + 1) & rs->dtab_mask) {
			d = &rs->doms[rs->dtab[j] - 1];
			if (cw_dom_eq(rs, d, h, s, len))
				break;
		}
		if (!rs->dtab[j]) {
			d = &rs->doms[rs->nr_doms];
			d->hash = h;
			d->len = len;
			d->off = poff;
			memcpy(rs->dpool + poff, s, len);
			poff += len;
			rs->dtab[j] = ++rs->nr_doms;
		}
		rs->doms[rs->dtab[j] - 1].mask |= BIT_ULL(b->dom[i].purpose);
	}
	rs->memory += (u64)size * sizeof(*rs->dtab) +
		      (u64)b->nr_dom * sizeof(*rs->doms) + b->nr_pool;
	return 0;
}
