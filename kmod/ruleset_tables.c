// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The UID and app ID tables (sorted, searched by bisection) and the domain
 * table (open addressing over a hash of each name) of a frozen ruleset.
 * Pure code (see pure.h).
 */
#include "ruleset_build.h"

/* Exact UIDs first, then app IDs; each part by value. */
static int cw_uid_cmp(const void *a, const void *b)
{
	const struct cw_buid *x = a, *y = b;

	if (x->appid != y->appid)
		return x->appid < y->appid ? -1 : 1;
	if (x->uid != y->uid)
		return x->uid < y->uid ? -1 : 1;
	return 0;
}

/* One table from @nr sorted entries: each key once, its purposes merged. */
static int cw_uidtab_build(struct cw_ruleset *rs, struct cw_uidtab *t,
			   const struct cw_buid *v, u32 nr)
{
	u32 i, n = 0;

	if (!nr)
		return 0;
	for (i = 0; i < nr; i++)
		if (!i || v[i].uid != v[i - 1].uid)
			n++;
	t->keys = cw_alloc(array_size(n, sizeof(*t->keys)));
	t->masks = cw_alloc(array_size(n, sizeof(*t->masks)));
	if (!t->keys || !t->masks)
		return -ENOMEM;
	for (i = 0, n = 0; i < nr; i++) {
		if (!i || v[i].uid != v[i - 1].uid)
			t->keys[n++] = v[i].uid;
		t->masks[n - 1] |= BIT_ULL(v[i].purpose);
	}
	t->n = n;
	rs->memory += (u64)n * (sizeof(*t->keys) + sizeof(*t->masks));
	return 0;
}

int cw_uids_build(struct cw_ruleset *rs, struct cw_builder *b)
{
	u32 k = 0;

	if (!b->nr_uid)
		return 0;
	sort(b->uid, b->nr_uid, sizeof(*b->uid), cw_uid_cmp, NULL);
	while (k < b->nr_uid && !b->uid[k].appid)
		k++;
	return cw_uidtab_build(rs, &rs->uids, b->uid, k) ||
	       cw_uidtab_build(rs, &rs->appids, b->uid + k, b->nr_uid - k) ?
	       -ENOMEM : 0;
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
