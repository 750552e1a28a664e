// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The address compile: the builder's prefixes sorted, then per family the
 * shared leading bits, the root size, the slots, runs and tries described
 * in ruleset_match.c, emitted into flat arrays. Pure code (see pure.h).
 */
#include "ruleset_build.h"

/* A trie node while compiling; key is a reference into a key array. */
struct cw_tnode {
	u32 child[2];
	u32 list;
	u32 kref;
	u32 pos;
};

struct cw_tbuild {
	struct cw_tnode *tn;
	u32 nr_tn;
	u8 *keys;		/* klen bytes per distinct or slot prefix */
	u32 klen;
};

static u32 cw_tnew(struct cw_tbuild *t, u32 pos, u32 list, u32 kref)
{
	struct cw_tnode *n = &t->tn[++t->nr_tn];

	n->pos = pos;
	n->list = list;
	n->kref = kref;
	return t->nr_tn;
}

static inline const u8 *cw_tkey(const struct cw_tbuild *t, u32 kref)
{
	return t->keys + (u64)kref * t->klen;
}

/* Inserts a prefix below *p (a root slot). */
static void cw_tinsert(struct cw_tbuild *t, struct cw_fin *fin, u32 *p,
		       u32 kref, u32 len, u32 list)
{
	const u8 *k = cw_tkey(t, kref);
	struct cw_tnode *n;
	u32 c, nn, leaf, br;

	while (*p) {
		n = &t->tn[*p];
		c = min_t(u32, cw_cpl(k, cw_tkey(t, n->kref), t->klen),
			  min_t(u32, len, n->pos));
		if (c == n->pos && c == len) {
			n->list = cw_union(fin, n->list, list);
			return;
		}
		if (c == n->pos) {
			p = &n->child[cw_bit(k, n->pos)];
			continue;
		}
		if (c == len) {
			nn = cw_tnew(t, len, list, kref);
			t->tn[nn].child[cw_bit(cw_tkey(t, n->kref), len)] = *p;
			*p = nn;
			return;
		}
		leaf = cw_tnew(t, len, list, kref);
		br = cw_tnew(t, c, 0, kref);
		t->tn[br].child[cw_bit(k, c)] = leaf;
		t->tn[br].child[cw_bit(cw_tkey(t, n->kref), c)] = *p;
		*p = br;
		return;
	}
	*p = cw_tnew(t, len, list, kref);
}

static inline int cw_pfx_cmp(const void *a, const void *b)
{
	const struct cw_bpfx *x = a, *y = b;
	u32 i, u, v;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	for (i = 0; i < 4; i++) {
		u = cw_word(x->key, i);
		v = cw_word(y->key, i);
		if (u != v)
			return u < v ? -1 : 1;
	}
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return 0;
}

/*
 * The merge sort is several times faster than the kernel's heapsort on a
 * million entries (the commit time of a big ruleset).
 */
void cw_pfx_sort(struct cw_bpfx *a, u32 n)
{
	struct cw_bpfx *tmp, *src, *dst, *t;
	u32 w, lo, mid, hi, i, j, k, blocks = 0;

	if (n < 2)
		return;
	tmp = cw_alloc(array_size(n, sizeof(*tmp)));
	if (!tmp) {
		sort(a, n, sizeof(*a), cw_pfx_cmp, NULL);
		return;
	}
	src = a;
	dst = tmp;
	for (w = 1; w < n; w *= 2) {
		for (lo = 0; lo < n; lo = hi) {
			mid = min_t(u32, lo + w, n);
			hi = min_t(u32, lo + 2 * w, n);
			i = lo;
			j = mid;
			k = lo;
			while (i < mid && j < hi)
				dst[k++] = cw_pfx_cmp(&src[j], &src[i]) < 0 ?
					   src[j++] : src[i++];
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
			/* every 4096 small blocks, or every big one */
			cw_yield(w < 4096 ? ++blocks : 0);
		}
		t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, (u64)n * sizeof(*a));
	kvfree(tmp);
}

/*
 * Words of an IPv6 node in n6: children and info, then for a prefix node
 * its key, 8 bytes up to /64, 16 beyond.
 */
static inline u32 cw_n6_words(const struct cw_tnode *tn)
{
	return 3 + (!tn->list ? 0 : tn->pos <= 64 ? 2 : 4);
}

/*
 * A family's prefixes while compiling: distinct, sorted, and what the root
 * makes of them. cnt[j] is how many prefixes longer than c + s fall in
 * slot j, at most CW_RUN + 1 (more go into a trie).
 */
struct cw_fbuild {
	struct cw_tbuild t;
	u8 *dlen;
	u32 *dlist;
	u32 nd;
	u32 c, s;
	u32 *slist;		/* each slot's list */
	u32 *troot;		/* top node of each trie slot's trie */
	u8 *cnt;
};

/*
 * The slots of one to CW_RUN longer prefixes: one prefix that fits goes
 * inline into root, the others into runs. With root NULL, only returns
 * the words the runs need.
 */
static u32 cw_fam_runs(const struct cw_fbuild *fb, u64 *root, u32 *runs,
		       u32 lb)
{
	u32 klen = fb->t.klen, cs = fb->c + fb->s, kb = 64 - 9 - 2 * lb;
	u32 i, j, len, w = 0, prev = 0;
	const u8 *k;
	u64 rest;

	for (i = 0; i < fb->nd; i++) {
		cw_yield(i);
		len = fb->dlen[i];
		if (len <= cs)
			continue;
		k = cw_tkey(&fb->t, i);
		j = cw_slot(k, klen, fb->c, fb->s);
		if (fb->cnt[j] > CW_RUN)
			continue;
		if (fb->cnt[j] == 1 && len - cs <= kb) {
			if (!root)
				continue;
			rest = cw_from(cw_hi(k, klen), cw_lo(k, klen), cs);
			root[j] = (u64)fb->slist[j] << 2 | CW_SLOT_PFX |
				  (u64)fb->dlist[i] << (2 + lb) |
				  (u64)(len - cs) << (2 + 2 * lb) |
				  (rest & ~(~0ULL >> kb));
			continue;
		}
		if (root && (!w || j != prev))
			root[j] = (u64)fb->slist[j] << 2 | CW_SLOT_RUN |
				  (u64)(fb->cnt[j] - 1) << (2 + lb) |
				  (u64)w << 32;
		prev = j;
		if (root) {
			runs[w] = fb->dlist[i] << 8 | len;
			runs[w + 1] = cw_word(k, 0);
			if (klen == 16)
				runs[w + 2] = cw_word(k, 1);
			if (klen == 16 && len > 64) {
				runs[w + 3] = cw_word(k, 2);
				runs[w + 4] = cw_word(k, 3);
			}
		}
		w += cw_run_words(klen, len);
	}
	return w;
}

/*
 * The trie nodes, in their order of creation: fam->n4 for IPv4, fam->n6
 * for IPv6, where node i is at (*off)[i] (0 unused; *off stays NULL for
 * IPv4). 0 or -ENOMEM.
 */
static int cw_fam_nodes(struct cw_fam *fam, const struct cw_tbuild *t,
			u32 **offp)
{
	size_t nr = (size_t)t->nr_tn + 1;
	u32 *off, i, w;

	if (!t->nr_tn)
		return 0;
	if (fam->abits == 32) {
		fam->n4 = cw_alloc(array_size(nr, sizeof(*fam->n4)));
		if (!fam->n4)
			return -ENOMEM;
		for (i = 1; i <= t->nr_tn; i++) {
			const struct cw_tnode *sn = &t->tn[i];

			cw_yield(i);
			fam->n4[i].n.child[0] = sn->child[0];
			fam->n4[i].n.child[1] = sn->child[1];
			fam->n4[i].n.info = sn->list << 8 | sn->pos;
			fam->n4[i].key = cw_word(cw_tkey(t, sn->kref), 0);
		}
		return 0;
	}
	off = cw_alloc(array_size(nr, sizeof(*off)));
	*offp = off;
	if (!off)
		return -ENOMEM;
	for (i = 1, w = 1; i <= t->nr_tn; i++) {
		off[i] = w;
		w += cw_n6_words(&t->tn[i]);
	}
	fam->n6 = cw_alloc(array_size(w, sizeof(*fam->n6)));
	if (!fam->n6)
		return -ENOMEM;
	fam->nr_n6 = w;
	for (i = 1; i <= t->nr_tn; i++) {
		const struct cw_tnode *sn = &t->tn[i];
		u32 c0 = sn->child[0], c1 = sn->child[1];

		cw_yield(i);
		w = off[i];
		fam->n6[w] = c0 ? off[c0] : 0;
		fam->n6[w + 1] = c1 ? off[c1] : 0;
		fam->n6[w + 2] = sn->list << 8 | sn->pos;
		memcpy(&fam->n6[w + 3], cw_tkey(t, sn->kref),
		       4 * (cw_n6_words(sn) - 3));
	}
	return 0;
}

/*
 * Writes the compiled family into fam: the slots (see CW_SLOT_*), the runs
 * and the trie nodes. Nodes keep their order: a slot's nodes were made one
 * after the other, so that they share cache lines. IPv4 nodes carry their
 * key. An IPv6 node is numbered by its offset in n6, in 4-byte words: a
 * prefix node is followed by its key (8 bytes up to /64, 16 beyond), a
 * branch node has none.
 */
static int cw_fam_emit(struct cw_fam *fam, struct cw_fbuild *fb,
		       u32 nr_items)
{
	struct cw_tbuild *t = &fb->t;
	u32 nslots = 1U << fb->s, lb, nw, j;
	u32 *off = NULL;
	u64 *root;
	int err = -ENOMEM;

	root = cw_alloc(array_size(nslots, sizeof(*root)));
	if (!root)
		goto out;
	/* list indexes are below nr_items: every list of this family is in */
	lb = order_base_2(nr_items) ? order_base_2(nr_items) : 1;
	nw = cw_fam_runs(fb, NULL, NULL, lb);
	if (nw) {
		fam->runs = cw_alloc(array_size(nw, sizeof(*fam->runs)));
		if (!fam->runs)
			goto out;
		fam->nr_runs = nw;
	}
	cw_fam_runs(fb, root, fam->runs, lb);

	if (cw_fam_nodes(fam, t, &off))
		goto out;
	fam->nr_nodes = t->nr_tn;
	fam->lbits = lb;
	/* the widest node index: nr_tn, or the last offset in n6 */
	fam->nbits = order_base_2(fam->abits == 32 ? t->nr_tn + 1 :
						     fam->nr_n6);
	for (j = 0; j < nslots; j++) {
		cw_yield(j);
		if (!fb->cnt[j])
			root[j] = (u64)fb->slist[j] << 2 | CW_SLOT_LIST;
		else if (fb->cnt[j] > CW_RUN)
			root[j] = (u64)fb->slist[j] << 2 | CW_SLOT_TRIE |
				  (u64)(off ? off[fb->troot[j]] :
					fb->troot[j]) << (2 + lb);
	}
	fam->root = root;
	root = NULL;
	err = 0;
out:
	kvfree(off);
	kvfree(root);
	return err;
}

/*
 * Estimated bytes of the address structure with a root of 1 << s slots
 * after c shared bits (keys sorted, so a slot's prefixes are adjacent):
 * the root; a slot with one longer prefix holds it inline (when it is at
 * most 39 bits longer than c + s, roughly), one with up to CW_RUN a run of
 * them, one with more a node (plus a key for IPv6) per prefix and per
 * branch.
 */
static u64 cw_fam_estimate(const struct cw_fbuild *fb, u32 s)
{
	const struct cw_tbuild *t = &fb->t;
	u32 i, j, k, slot, cs = fb->c + s, node = t->klen == 4 ? 16 : 12;
	u32 len = 0;
	u64 m = (u64)8 << s, leaf, run;

	for (i = 0; i < fb->nd; i = j) {
		slot = cw_slot(cw_tkey(t, i), t->klen, fb->c, s);
		leaf = 0;
		run = 0;
		for (j = i, k = 0; j < fb->nd &&
		     cw_slot(cw_tkey(t, j), t->klen, fb->c, s) == slot; j++) {
			if (fb->dlen[j] <= cs)
				continue;
			k++;
			len = fb->dlen[j];
			leaf += node + (t->klen == 4 ? 0 :
					fb->dlen[j] <= 64 ? 8 : 16);
			run += 4 * cw_run_words(t->klen, fb->dlen[j]);
		}
		if (k > CW_RUN)
			m += leaf + (u64)(k - 1) * node;
		else if (k > 1 || (k && len > cs + 39))
			m += run;
	}
	return m;
}

/*
 * Root table size, 1 << s slots with s around log2 of the number of
 * distinct prefixes (one less, the same rounded up, or one more), at most
 * CW_ROOT_BITS and no more than the bits left after c: the biggest whose
 * estimate stays within CW_ROOT_BUDGET bytes per prefix (more slots: fewer
 * lookups that go past the root), else the smallest estimate.
 */
static u32 cw_sbits(const struct cw_fbuild *fb)
{
	u32 smax = min_t(u32, CW_ROOT_BITS, fb->t.klen * 8 - fb->c);
	u32 s0 = min_t(u32, order_base_2(fb->nd), smax), s, best = s0;
	u64 m, min = ~0ULL;

	for (s = s0 ? s0 - 1 : 0; s <= min_t(u32, s0 + 1, smax); s++) {
		m = cw_fam_estimate(fb, s);
		if (m <= (u64)fb->nd * CW_ROOT_BUDGET)
			min = 0, best = s;
		else if (m < min)
			min = m, best = s;
	}
	return best;
}

/*
 * The distinct prefixes of pfx[0..n) (sorted) into fb: their keys, lengths
 * and interned lists, then the bits they all share (fb->c). 0 or -ENOMEM.
 */
static int cw_fam_distinct(struct cw_fbuild *fb, struct cw_fin *fin,
			   const struct cw_bpfx *pfx, u32 n)
{
	struct cw_tbuild *t = &fb->t;
	u32 klen = t->klen, nd = 0, i, j, minlen = 128;

	for (i = 0; i < n; i++)
		if (!i || cw_pfx_cmp(&pfx[i - 1], &pfx[i]))
			nd++;
	t->keys = cw_alloc(array_size(nd, klen));
	fb->dlen = cw_alloc(nd);
	fb->dlist = cw_alloc(array_size(nd, sizeof(*fb->dlist)));
	if (!t->keys || !fb->dlen || !fb->dlist)
		return -ENOMEM;
	for (i = 0, nd = 0; i < n; i = j) {
		u32 m = 0;

		for (j = i; j < n && !cw_pfx_cmp(&pfx[i], &pfx[j]); j++)
			;
		cw_yield(nd);
		if (!cw_fin_room((void **)&fin->tmp, &fin->cap_tmp,
				 (u64)(j - i) + 1, sizeof(*fin->tmp)))
			return -ENOMEM;
		for (; i < j; i++, m++) {
			memset(&fin->tmp[m], 0, sizeof(fin->tmp[m]));
			fin->tmp[m].mask = BIT_ULL(pfx[i].purpose);
			fin->tmp[m].proto = pfx[i].proto;
			fin->tmp[m].port_min = pfx[i].port_min;
			fin->tmp[m].port_max = pfx[i].port_max;
		}
		memcpy(t->keys + (u64)nd * klen, pfx[j - 1].key, klen);
		fb->dlen[nd] = pfx[j - 1].len;
		minlen = min_t(u32, minlen, fb->dlen[nd]);
		fb->dlist[nd] = cw_intern(fin, m);
		if (!fb->dlist[nd])
			return -ENOMEM;
		nd++;
	}
	fb->nd = nd;
	/* sorted keys: what the first and last share, all share */
	fb->c = min_t(u32, min_t(u32, minlen, CW_SKIP_MAX),
		      cw_cpl(t->keys, cw_tkey(t, nd - 1), klen));
	return 0;
}

/*
 * Prefixes of c + s bits or fewer: their lists merged into the root slots
 * they cover (fb->slist). 0 or -ENOMEM.
 */
static int cw_fam_short(struct cw_fbuild *fb, struct cw_fin *fin)
{
	const struct cw_tbuild *t = &fb->t;
	u32 cs = fb->c + fb->s, last_in = 0, last_out = 0, i, j;

	for (i = 0; i < fb->nd; i++) {
		u32 first, cnt;

		cw_yield(i);
		if (fb->dlen[i] > cs)
			continue;
		first = cw_slot(cw_tkey(t, i), t->klen, fb->c, fb->s);
		cnt = 1U << (cs - fb->dlen[i]);
		for (j = first; j < first + cnt; j++) {
			cw_yield(j - first + 1);
			/* runs of slots share a list: reuse the last union */
			if (fb->slist[j] != last_in || !last_out) {
				last_in = fb->slist[j];
				last_out = cw_union(fin, fb->slist[j],
						    fb->dlist[i]);
				if (fin->nomem)
					return -ENOMEM;
			}
			fb->slist[j] = last_out;
		}
		last_in = 0;
		last_out = 0;
	}
	return 0;
}

/*
 * Longer prefixes: counted per slot (fb->cnt), and those of a slot with
 * more than CW_RUN put in its trie (fb->troot). 0 or -ENOMEM.
 */
static int cw_fam_tries(struct cw_fbuild *fb, struct cw_fin *fin)
{
	struct cw_tbuild *t = &fb->t;
	u32 cs = fb->c + fb->s, ntrie = 0, i, j;

	for (i = 0; i < fb->nd; i++)
		if (fb->dlen[i] > cs) {
			j = cw_slot(cw_tkey(t, i), t->klen, fb->c, fb->s);
			fb->cnt[j] += fb->cnt[j] <= CW_RUN;
		}
	for (i = 0; i < fb->nd; i++)
		ntrie += fb->dlen[i] > cs &&
			 fb->cnt[cw_slot(cw_tkey(t, i), t->klen, fb->c,
					 fb->s)] > CW_RUN;
	/* a leaf and at most one branch node per prefix */
	t->tn = cw_alloc(array_size(2 * (size_t)ntrie + 1, sizeof(*t->tn)));
	if (!t->tn)
		return -ENOMEM;
	for (i = 0; i < fb->nd; i++) {
		cw_yield(i);
		j = cw_slot(cw_tkey(t, i), t->klen, fb->c, fb->s);
		if (fb->dlen[i] <= cs || fb->cnt[j] <= CW_RUN)
			continue;
		cw_tinsert(t, fin, &fb->troot[j], i, fb->dlen[i],
			   fb->dlist[i]);
		if (fin->nomem)
			return -ENOMEM;
	}
	return 0;
}

int cw_fam_build(struct cw_fam *fam, struct cw_fin *fin,
		 const struct cw_bpfx *pfx, u32 n, u32 klen)
{
	struct cw_fbuild fb = { .t.klen = klen };
	u32 nslots;
	int err;

	fam->abits = klen * 8;
	if (!n)
		return 0;

	err = cw_fam_distinct(&fb, fin, pfx, n);
	if (err)
		goto out;
	fb.s = cw_sbits(&fb);
	nslots = 1U << fb.s;
	err = -ENOMEM;
	fb.slist = cw_alloc(array_size(nslots, sizeof(*fb.slist)));
	fb.troot = cw_alloc(array_size(nslots, sizeof(*fb.troot)));
	fb.cnt = cw_alloc(nslots);
	if (!fb.slist || !fb.troot || !fb.cnt)
		goto out;
	err = cw_fam_short(&fb, fin);
	if (!err)
		err = cw_fam_tries(&fb, fin);
	if (err)
		goto out;
	fam->cbits = fb.c;
	fam->sbits = fb.s;
	fam->cmask = fb.c ? ~0ULL << (64 - fb.c) : 0;
	fam->ckey = cw_hi(fb.t.keys, klen) & fam->cmask;
	err = cw_fam_emit(fam, &fb, fin->nr_items) ? -ENOMEM : 0;
out:
	kvfree(fb.cnt);
	kvfree(fb.troot);
	kvfree(fb.slist);
	kvfree(fb.t.tn);
	kvfree(fb.t.keys);
	kvfree(fb.dlist);
	kvfree(fb.dlen);
	return err;
}

u64 cw_fam_memory(const struct cw_fam *fam)
{
	u64 m;

	if (!fam->root)
		return 0;
	m = (u64)sizeof(*fam->root) << fam->sbits;
	m += (u64)fam->nr_runs * sizeof(*fam->runs);
	if (fam->n4)
		return m + ((u64)fam->nr_nodes + 1) * sizeof(*fam->n4);
	return m + (u64)fam->nr_n6 * sizeof(*fam->n6);
}
