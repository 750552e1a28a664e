// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The ruleset: built aside by a cw_builder, frozen into flat arrays read
 * under RCU by the packet path. Pure code (see pure.h).
 *
 * Addresses. Each family has its own structure:
 *  - the c leading bits that every prefix of the family shares (at most
 *    CW_SKIP_MAX, and no more than the shortest prefix): compared once,
 *    then skipped. Real lists cluster (IPv6 under 2000::/3 and a few
 *    registry blocks), and a root indexed by the first address bits would
 *    put them all in one slot;
 *  - a root table of 8-byte slots indexed by the s bits after those,
 *    1 << s about the number of distinct prefixes (half, the same rounded
 *    up or twice: the most slots an estimate of the memory allows, at
 *    most CW_ROOT_BITS bits, see cw_sbits()). Prefixes of c + s bits or
 *    fewer are expanded into the slots they cover: every slot holds the
 *    merged match list of those (or none);
 *  - a slot whose longer prefixes are just one holds it inline: its
 *    length, list and the key bits after the slot index (when they fit in
 *    the slot: 55 - 2 * list index width, e.g. 39 bits). With one slot per
 *    prefix a third of the slots are like that and most of the others are
 *    empty, so most lookups read one root slot and the (small, shared)
 *    list items, nothing else: one cache line outside the cache at 1M;
 *  - a slot with up to CW_RUN longer prefixes (or one that did not fit
 *    inline) points to a run of them: each its list and length and its
 *    key (IPv4 4 bytes, IPv6 8 up to /64, else 16), compared in turn. A
 *    run costs 8 bytes per IPv4 prefix and 12 per IPv6 /64 or shorter,
 *    against 24-32 for the trie below;
 *  - below a slot with more, a path-compressed binary trie (PATRICIA). A
 *    node is a bit position and two children; a node that carries a
 *    prefix also carries its match list.
 * Branch nodes hold no key: the walk follows the address bits to the
 * bottom, remembering the prefix nodes it passed, then compares the address
 * once with the key of the last prefix node passed. Every prefix node on
 * the path is an ancestor of that key, so it covers the address exactly
 * when its length is at most the common prefix length of the address and
 * that key. A lookup reads one root slot, at most one node per address bit
 * (in practice one to three) and one key: the cost grows with the address
 * length, never with the number of prefixes. Nodes keep their creation
 * order, so a slot's nodes are adjacent and share cache lines, and every
 * prefix node holds its key (the final compare reads no other line): an
 * IPv4 node is 16 bytes, an IPv6 branch node 12, an IPv6 prefix node 20
 * (up to /64) or 28. Measured (tests/unit/ruleset bench, bytes per prefix,
 * root table included, 1k..1M): random prefixes of every length, IPv4
 * 17..23, IPv6 21..29; make bench's sets (IPv4 /24s, IPv6 /48s under
 * 2a00::/16) 17..21 and 17..26. CW_ROOT_BUDGET caps the estimate.
 *
 * Match lists are runs of items (purpose mask, protocol, port range) in one
 * array, interned so that the many prefixes of one purpose share one list.
 * A list merges every unconstrained entry into a single item.
 *
 * UIDs: a sorted array searched by bisection. Domains: an open-addressing
 * hash table of the names; a lookup hashes the flow's name from right to
 * left and probes once per label-boundary suffix.
 *
 * Validation choices: an address with bits set beyond its prefix length is
 * refused (it is almost always a typo: 10.0.0.1/8); a port_max of 0 with a
 * port_min means that port alone; duplicates are harmless. Domain names are
 * lower-cased at add and one trailing dot is dropped; a flow's name may
 * carry upper case and one trailing dot too (folded while hashing).
 *
 * Limits: a zero max_entries or max_memory means no limit. max_memory
 * bounds the builder's own allocations as it grows, and the frozen ruleset:
 * cw_builder_finish() returns NULL when the frozen form would exceed it.
 */
#include "ruleset_layout.h"

static inline u64 cw_list_match(const struct cw_item *it,
				const struct cw_flow *f)
{
	u64 r = 0;

	for (;; it++) {
		if ((!it->proto || it->proto == f->proto) &&
		    f->dport >= it->port_min && f->dport <= it->port_max)
			r |= it->mask;
		if (it->last)
			return r;
	}
}

/*
 * The walk, the same for both families: follow the address bits down from
 * the root slot, remembering the prefix nodes passed. Then one compare with
 * the key of the last of them tells which of those cover the address (see
 * the top of this file). The first CW_STACK are remembered; a deeper chain
 * of nested prefixes walks the same path a second time.
 */
struct cw_walk {
	u32 stack[CW_STACK];	/* info of the prefix nodes passed */
	u32 top;
	u32 last;		/* the last prefix node passed, 0 = none */
};

static inline const struct cw_node6 *cw_nd(const void *base, u32 stride,
					   u32 n)
{
	return (const struct cw_node6 *)((const u8 *)base + (size_t)n * stride);
}

static inline void cw_walk(const void *base, u32 stride, u32 abits,
			   const u8 *a, u32 n, struct cw_walk *w)
{
	const struct cw_node6 *nd;
	u32 info, pos;

	w->top = 0;
	w->last = 0;
	while (n) {
		nd = cw_nd(base, stride, n);
		info = nd->info;
		pos = info & 0xff;
		if (info >> 8) {
			w->last = n;
			if (w->top < CW_STACK)
				w->stack[w->top] = info;
			w->top++;
		}
		if (pos >= abits)
			break;
		n = nd->child[cw_bit(a, pos)];
	}
}

/* Union of the lists of the prefix nodes passed that are at most m long. */
static inline u64 cw_walk_lists(const struct cw_ruleset *rs,
				const void *base, u32 stride, u32 abits,
				u32 n, u32 m, const struct cw_walk *w,
				const struct cw_flow *f)
{
	const struct cw_node6 *nd;
	u32 i, info, pos;
	u64 r = 0;

	if (likely(w->top <= CW_STACK)) {
		for (i = 0; i < w->top && (w->stack[i] & 0xff) <= m; i++)
			r |= cw_list_match(&rs->items[w->stack[i] >> 8], f);
		return r;
	}
	while (n) {
		nd = cw_nd(base, stride, n);
		info = nd->info;
		pos = info & 0xff;
		if (pos > m)
			break;
		if (info >> 8)
			r |= cw_list_match(&rs->items[info >> 8], f);
		if (pos >= abits)
			break;
		n = nd->child[cw_bit(f->daddr, pos)];
	}
	return r;
}

/* The purposes of the prefixes in a run that cover the address hi:lo. */
static __always_inline u64 cw_run_match(const struct cw_ruleset *rs,
					const u32 *p, u32 n, u32 klen,
					u64 hi, u64 lo,
					const struct cw_flow *f)
{
	u32 info, len;
	u64 r = 0, x;

	for (; n; n--, p += cw_run_words(klen, len)) {
		info = p[0];
		len = info & 0xff;	/* 1..128: longer than c + s */
		x = hi ^ ((u64)p[1] << 32 | (klen == 16 ? p[2] : 0));
		if (len <= 64 ? !(x >> (64 - len)) :
		    !x && !((lo ^ ((u64)p[3] << 32 | p[4])) >> (128 - len)))
			r |= cw_list_match(&rs->items[info >> 8], f);
	}
	return r;
}

/*
 * The root for the address hi:lo (see cw_hi()) of klen bytes, a constant
 * for each family: returns the node to walk
 * from (0 = none) and sets *r to the purposes the slot itself decides (its
 * list, its inline prefix or its run). See CW_SLOT_*.
 */
static __always_inline u32 cw_root(const struct cw_ruleset *rs,
				   const struct cw_fam *t, u32 klen, u64 hi,
				   u64 lo, const struct cw_flow *f, u64 *r)
{
	u32 lb = t->lbits, lmask = (1U << lb) - 1, s = t->sbits, l;
	u64 e, x;

	*r = 0;
	if ((hi ^ t->ckey) & t->cmask)
		return 0;
	e = t->root[s ? cw_from(hi, lo, t->cbits) >> (64 - s) : 0];
	l = (e >> 2) & lmask;
	if (l)
		*r = cw_list_match(&rs->items[l], f);
	switch (e & 3) {
	case CW_SLOT_PFX:
		/* covered: the first (length - c - s) bits agree */
		x = cw_from(hi, lo, t->cbits + s) ^ e;
		if (!(x >> (64 - ((e >> (2 + 2 * lb)) & 0x7f))))
			*r |= cw_list_match(&rs->items[(e >> (2 + lb)) &
							lmask], f);
		return 0;
	case CW_SLOT_RUN:
		*r |= cw_run_match(rs, &t->runs[e >> 32],
				   ((e >> (2 + lb)) & 7) + 1, klen, hi, lo, f);
		return 0;
	case CW_SLOT_TRIE:
		return (e >> (2 + lb)) & ((1ULL << t->nbits) - 1);
	}
	return 0;
}

/*
 * The walk below a trie slot from node n, out of line: most lookups end at
 * the root slot, and need neither its stack frame nor its stack array.
 */
static noinline u64 cw_trie4(const struct cw_ruleset *rs,
			     const struct cw_fam *t, const struct cw_flow *f,
			     u32 n)
{
	u32 addr = cw_word(f->daddr, 0), m, x;
	struct cw_walk w;

	cw_walk(t->n4, sizeof(*t->n4), 32, f->daddr, n, &w);
	if (!w.last)
		return 0;
	x = addr ^ t->n4[w.last].key;
	m = 32 - fls(x);
	return cw_walk_lists(rs, t->n4, sizeof(*t->n4), 32, n, m, &w, f);
}

static noinline u64 cw_trie6(const struct cw_ruleset *rs,
			     const struct cw_fam *t, const struct cw_flow *f,
			     u32 n)
{
	struct cw_walk w;
	u32 m;

	cw_walk(t->n6, sizeof(*t->n6), 128, f->daddr, n, &w);
	if (!w.last)
		return 0;
	/* the key follows the node: 8 bytes up to /64, else 16 */
	m = cw_cpl(f->daddr, (const u8 *)&t->n6[w.last + 3],
		   (t->n6[w.last + 2] & 0xff) <= 64 ? 8 : 16);
	return cw_walk_lists(rs, t->n6, sizeof(*t->n6), 128, n, m, &w, f);
}

static __always_inline u64 cw_match4(const struct cw_ruleset *rs,
				     const struct cw_fam *t,
				     const struct cw_flow *f)
{
	u32 n;
	u64 r;

	n = cw_root(rs, t, 4, (u64)cw_word(f->daddr, 0) << 32, 0, f, &r);
	return n ? r | cw_trie4(rs, t, f, n) : r;
}

static __always_inline u64 cw_match6(const struct cw_ruleset *rs,
				     const struct cw_fam *t,
				     const struct cw_flow *f)
{
	u32 n;
	u64 r;

	n = cw_root(rs, t, 16, cw_hi(f->daddr, 16), cw_lo(f->daddr, 16), f,
		    &r);
	return n ? r | cw_trie6(rs, t, f, n) : r;
}

static u64 cw_uid_match(const struct cw_ruleset *rs, u32 uid)
{
	u32 lo = 0, hi = rs->nr_uids, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (rs->uids[mid] == uid)
			return rs->uid_masks[mid];
		if (rs->uids[mid] < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static u64 cw_dom_probe(const struct cw_ruleset *rs, u32 h, const char *s,
			u32 len)
{
	u32 j, d;

	for (j = cw_dom_slot(h) & rs->dtab_mask; (d = rs->dtab[j]);
	     j = (j + 1) & rs->dtab_mask)
		if (cw_dom_eq(rs, &rs->doms[d - 1], h, s, len))
			return rs->doms[d - 1].mask;
	return 0;
}

/*
 * Hashes the name from its last byte to its first, so that at every label
 * boundary the running hash is that of the suffix starting there: one
 * probe per label, whatever the number of domains.
 */
static u64 cw_dom_match(const struct cw_ruleset *rs, const char *name,
			u32 len)
{
	u32 h = CW_FNV_SEED, i;
	u64 r = 0;

	if (len && name[len - 1] == '.')
		len--;
	for (i = len; i-- > 0;) {
		h = (h ^ cw_lower(name[i])) * CW_FNV_PRIME;
		if (!i || name[i - 1] == '.')
			r |= cw_dom_probe(rs, h, name + i, len - i);
	}
	return r;
}

u64 cw_ruleset_match(const struct cw_ruleset *rs, const struct cw_flow *f)
{
	u64 r = 0;

	if (unlikely(!rs))
		return 0;
	if (f->family == AF_INET && rs->fam[0].root && f->daddr)
		r = cw_match4(rs, &rs->fam[0], f);
	else if (f->family == AF_INET6 && rs->fam[1].root && f->daddr)
		r = cw_match6(rs, &rs->fam[1], f);
	if (f->has_uid && rs->nr_uids)
		r |= cw_uid_match(rs, f->uid);
	if (f->name && f->name_len && rs->nr_doms)
		r |= cw_dom_match(rs, f->name, f->name_len);
	return r;
}
