// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The identifier matcher (idmatch.h has the design). The build makes the
 * trie in scratch arrays (children as sorted sibling lists), lays its
 * states out again in breadth-first order into the one allocation the
 * lookup reads, then sets each state's failure link and match chain in
 * that order, where a state's failure target always comes earlier.
 */
#include "idmatch.h"

#define CW_IDM_NONE	0xffffffffu
/* In a transition: the state it leads to ends a pattern, or its chain does. */
#define CW_IDM_HIT	0x80000000u
/* A state's edges are scanned in order up to this many, searched beyond. */
#define CW_IDM_SCAN	8
/* The shortest pattern length that makes the sieve worth its probes. */
#define CW_IDM_SIEVE_MIN	8

struct cw_idm_state {
	u32 edge;	/* its first edge in labels[] and targets[] */
	u32 nedges;
	u32 fail;
};

struct cw_idm {
	struct cw_idm_sieve sv;	/* first: idmatch.h reads it inline */
	size_t bytes;
	u32 nstates;
	u32 nedges;
	u32 npatterns;
	u32 ndense;	/* states 0..ndense-1 have a dense row */
	u32 maxlen;	/* the longest pattern's length */
	u32 *dense;	/* ndense rows of 256 next states, with CW_IDM_HIT */
	struct cw_idm_state *st;
	u32 *out;	/* per state: a pattern that ends here, or NONE */
	u32 *dict;	/* per state: the next state with out[] on its chain */
	u16 *depth;	/* per state: the length of the prefix it stands for */
	u32 *next;	/* per pattern: the next pattern that ends there too */
	u32 *tag;	/* per pattern */
	u32 *targets;	/* per edge, with CW_IDM_HIT */
	u8 *labels;	/* per edge, sorted within a state */
};

/* The header, rounded up so that the arrays after it are aligned. */
#define CW_IDM_HEAD	((sizeof(struct cw_idm) + 7) & ~(size_t)7)

/* The allocation of a matcher of nstates states and nedges edges. */
static size_t cw_idm_layout(u32 nstates, u32 nedges, u32 npatterns)
{
	return CW_IDM_HEAD +
	       (size_t)min_t(u32, nstates, CW_IDM_DENSE) * 256 * sizeof(u32) +
	       CW_IDM_FWORDS * sizeof(u64) + (1u << CW_IDM_FBITS) +
	       (size_t)nstates * (sizeof(struct cw_idm_state) +
				  2 * sizeof(u32) + sizeof(u16)) +
	       (size_t)npatterns * 2 * sizeof(u32) +
	       (size_t)nedges * (sizeof(u32) + sizeof(u8));
}

size_t cw_idm_size(u32 npatterns, u32 nbytes)
{
	return cw_idm_layout(nbytes + 1, nbytes, npatterns);
}

size_t cw_idm_bytes(const struct cw_idm *m)
{
	return m->bytes;
}

void cw_idm_free(struct cw_idm *m)
{
	if (m)
		memzero_explicit(m, m->bytes);
	kvfree(m);
}

struct cw_idm_set {
	u32 n;
	u32 nbytes;
	struct cw_idm_pattern p[CW_IDM_MAX_PATTERNS];	/* bytes in buf */
	u8 buf[CW_IDM_MAX_BYTES];
};

struct cw_idm_set *cw_idm_set_new(void)
{
	return kvzalloc(sizeof(struct cw_idm_set), GFP_KERNEL);
}

int cw_idm_set_add(struct cw_idm_set *s, const u8 *bytes, u32 len, u32 tag)
{
	if (!len || len > CW_IDM_MAX_LEN)
		return -EINVAL;
	if (s->n == CW_IDM_MAX_PATTERNS || len > CW_IDM_MAX_BYTES - s->nbytes)
		return -E2BIG;
	memcpy(s->buf + s->nbytes, bytes, len);
	s->p[s->n].bytes = s->buf + s->nbytes;
	s->p[s->n].len = len;
	s->p[s->n].tag = tag;
	s->n++;
	s->nbytes += len;
	return 0;
}

int cw_idm_set_build(const struct cw_idm_set *s, struct cw_idm **out)
{
	return cw_idm_build(s->p, s->n, out);
}

void cw_idm_set_free(struct cw_idm_set *s)
{
	if (s)
		memzero_explicit(s, sizeof(*s));
	kvfree(s);
}

/* The scratch trie: node 0 is the root, whose children are dense. */
struct cw_idm_trie {
	u32 root[256];
	u32 *child;	/* first child, NONE for a leaf */
	u32 *sib;	/* next sibling, by increasing label */
	u8 *lab;
	u32 n;
};

/* The child of node u labelled c, made if it is not there. */
static u32 cw_idm_child(struct cw_idm_trie *t, u32 u, u8 c)
{
	u32 *link, v;

	if (!u) {
		link = &t->root[c];
	} else {
		link = &t->child[u];
		while (*link != CW_IDM_NONE && t->lab[*link] < c)
			link = &t->sib[*link];
	}
	if (*link != CW_IDM_NONE && (!u || t->lab[*link] == c))
		return *link;
	v = t->n++;
	t->child[v] = CW_IDM_NONE;
	t->sib[v] = u ? *link : CW_IDM_NONE;
	t->lab[v] = c;
	*link = v;
	return v;
}

static u32 cw_idm_find(const u8 *l, u32 n, u8 c)
{
	u32 lo = 0, hi = n;

	if (n <= CW_IDM_SCAN) {
		for (; lo < n; lo++)
			if (l[lo] >= c)
				return l[lo] == c ? lo : CW_IDM_NONE;
		return CW_IDM_NONE;
	}
	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (l[mid] < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && l[lo] == c ? lo : CW_IDM_NONE;
}

/* The edge of a sparse state s labelled c, or NONE. */
static inline u32 cw_idm_goto(const struct cw_idm *m, u32 s, u8 c)
{
	const struct cw_idm_state *st = &m->st[s];
	u32 k = cw_idm_find(m->labels + st->edge, st->nedges, c);

	return k == CW_IDM_NONE ? k : m->targets[st->edge + k];
}

/*
 * The state after byte c from state s (with CW_IDM_HIT): the sparse states
 * fail over until a dense one, whose row has the answer.
 */
static inline u32 cw_idm_step(const struct cw_idm *m, u32 s, u8 c)
{
	u32 t;

	while (s >= m->ndense) {
		t = cw_idm_goto(m, s, c);
		if (t != CW_IDM_NONE)
			return t;
		s = m->st[s].fail;
	}
	return m->dense[(size_t)s * 256 + c];
}

/* Carve the arrays out of the one allocation, biggest alignment first. */
static void cw_idm_carve(struct cw_idm *m)
{
	u8 *p = (u8 *)m + CW_IDM_HEAD;

	m->sv.second = (u64 *)p;
	p += CW_IDM_FWORDS * sizeof(u64);
	m->sv.first = p;
	p += (1u << CW_IDM_FBITS);
	m->dense = (u32 *)p;
	p += (size_t)m->ndense * 256 * sizeof(u32);
	m->st = (struct cw_idm_state *)p;
	p += (size_t)m->nstates * sizeof(*m->st);
	m->out = (u32 *)p;
	p += (size_t)m->nstates * sizeof(u32);
	m->dict = (u32 *)p;
	p += (size_t)m->nstates * sizeof(u32);
	m->next = (u32 *)p;
	p += (size_t)m->npatterns * sizeof(u32);
	m->tag = (u32 *)p;
	p += (size_t)m->npatterns * sizeof(u32);
	m->targets = (u32 *)p;
	p += (size_t)m->nedges * sizeof(u32);
	m->depth = (u16 *)p;
	p += (size_t)m->nstates * sizeof(u16);
	m->labels = p;
}

/*
 * Lay the trie out breadth first: order[] is the queue and ends up mapping
 * each new state to its trie node, id[] the other way.
 */
static void cw_idm_lay_out(struct cw_idm *m, const struct cw_idm_trie *t,
			   u32 *order, u32 *id)
{
	u32 head, tail = 1, e = 0, c, v;

	order[0] = 0;
	id[0] = 0;
	for (c = 0; c < 256; c++) {
		v = t->root[c];
		if (v == CW_IDM_NONE)
			continue;
		id[v] = tail;
		m->depth[tail] = 1;
		order[tail++] = v;
		m->dense[c] = id[v];
	}
	for (head = 1; head < tail; head++) {
		struct cw_idm_state *st = &m->st[head];

		st->edge = e;
		for (v = t->child[order[head]]; v != CW_IDM_NONE; v = t->sib[v]) {
			id[v] = tail;
			m->depth[tail] = m->depth[head] + 1;
			order[tail++] = v;
			m->labels[e] = t->lab[v];
			m->targets[e++] = id[v];
		}
		st->nedges = e - st->edge;
	}
}

/*
 * Failure links and match chains, in breadth-first order. While they are
 * made, row 0 holds the start state's edges only and no state is dense.
 */
static void cw_idm_link(struct cw_idm *m)
{
	u32 s, k, t, f, c;

	m->dict[0] = CW_IDM_NONE;
	for (s = 1; s < m->nstates; s++) {
		struct cw_idm_state *st = &m->st[s];

		for (k = 0; k < st->nedges; k++) {
			c = m->labels[st->edge + k];
			for (f = st->fail, t = CW_IDM_NONE; f; f = m->st[f].fail) {
				t = cw_idm_goto(m, f, c);
				if (t != CW_IDM_NONE)
					break;
			}
			m->st[m->targets[st->edge + k]].fail =
				t != CW_IDM_NONE ? t : m->dense[c];
		}
		f = st->fail;
		m->dict[s] = m->out[f] != CW_IDM_NONE ? f : m->dict[f];
	}
}

static bool cw_idm_has_out(const struct cw_idm *m, u32 s)
{
	return m->out[s] != CW_IDM_NONE || m->dict[s] != CW_IDM_NONE;
}

/*
 * The dense rows of the first states (the shallowest): a state's row is
 * its failure target's (an earlier row) with its own edges over it. Then
 * every transition to a state with matches gets CW_IDM_HIT.
 */
static void cw_idm_densify(struct cw_idm *m)
{
	u32 s, k, *row;

	for (s = 1; s < m->ndense; s++) {
		const struct cw_idm_state *st = &m->st[s];

		row = m->dense + (size_t)s * 256;
		memcpy(row, m->dense + (size_t)st->fail * 256, 256 * sizeof(u32));
		for (k = 0; k < st->nedges; k++)
			row[m->labels[st->edge + k]] = m->targets[st->edge + k];
	}
	for (k = 0; k < m->ndense * 256; k++)
		if (cw_idm_has_out(m, m->dense[k]))
			m->dense[k] |= CW_IDM_HIT;
	for (k = 0; k < m->nedges; k++)
		if (cw_idm_has_out(m, m->targets[k]))
			m->targets[k] |= CW_IDM_HIT;
}

/*
 * The sieve's maps: the grams of every pattern at its offsets 0..stride-1.
 * None (stride 0) when the shortest pattern leaves a stride too short to
 * pay for its probes, or when so many grams fill the maps that probes
 * would pass them too often: a probe passes both with odds of at most
 * (grams / 2^16)^2 and then costs a run over stride + maxlen bytes; that
 * must stay under a quarter of the stride bytes a probe stands for.
 */
static void cw_idm_sieve_build(struct cw_idm *m,
			       const struct cw_idm_pattern *pats, u32 n)
{
	u32 k, i, j, h, w;
	u64 grams;
	u8 *e;

	/* a reach less one fits a byte: 4 - 1 <= len - j - 1 <= 255 */
	BUILD_BUG_ON(CW_IDM_MAX_LEN > 256);
	if (!n || m->sv.minlen < CW_IDM_SIEVE_MIN)
		return;
	k = m->sv.minlen - CW_IDM_GRAM + 1;
	grams = (u64)n * k;
	if (grams * grams * (k + m->maxlen) > ((u64)k << 2 * CW_IDM_FBITS) / 4)
		return;
	for (i = 0; i < n; i++) {
		for (j = 0; j < k; j++) {
			w = cw_idm_gram(pats[i].bytes + j);
			e = &m->sv.first[CW_IDM_H1(w)];
			*e = max_t(u32, *e, pats[i].len - j - 1);
			h = CW_IDM_H2(w);
			m->sv.second[h / 64] |= BIT_ULL(h % 64);
		}
	}
	m->sv.stride = k;
}

int cw_idm_build(const struct cw_idm_pattern *pats, u32 n,
		 struct cw_idm **out)
{
	struct cw_idm_trie t = { .n = 1 };
	u32 *end = NULL, *order = NULL, *id = NULL;
	struct cw_idm *m = NULL;
	u32 i, j, u, nbytes = 0, nedges, minlen = CW_IDM_MAX_LEN, maxlen = 0;
	size_t size;
	int err = -ENOMEM;

	if (n > CW_IDM_MAX_PATTERNS)
		return -E2BIG;
	for (i = 0; i < n; i++) {
		if (!pats[i].len || pats[i].len > CW_IDM_MAX_LEN)
			return -EINVAL;
		minlen = min_t(u32, minlen, pats[i].len);
		maxlen = max_t(u32, maxlen, pats[i].len);
		nbytes += pats[i].len;
		if (nbytes > CW_IDM_MAX_BYTES)
			return -E2BIG;
	}

	t.child = kvzalloc(array_size(nbytes + 1, sizeof(u32)), GFP_KERNEL);
	t.sib = kvzalloc(array_size(nbytes + 1, sizeof(u32)), GFP_KERNEL);
	t.lab = kvzalloc(array_size(nbytes + 1, sizeof(u8)), GFP_KERNEL);
	end = kvzalloc(array_size(n + 1, sizeof(u32)), GFP_KERNEL);
	if (!t.child || !t.sib || !t.lab || !end)
		goto out;
	memset(t.root, 0xff, sizeof(t.root));
	t.child[0] = CW_IDM_NONE;
	for (i = 0; i < n; i++) {
		for (u = 0, j = 0; j < pats[i].len; j++)
			u = cw_idm_child(&t, u, pats[i].bytes[j]);
		end[i] = u;
		cond_resched();
	}

	order = kvzalloc(array_size(t.n, sizeof(u32)), GFP_KERNEL);
	id = kvzalloc(array_size(t.n, sizeof(u32)), GFP_KERNEL);
	if (!order || !id)
		goto out;
	for (nedges = 0, i = 0; i < 256; i++)
		nedges += t.root[i] != CW_IDM_NONE;
	nedges = t.n - 1 - nedges;	/* every node but the root has one in */
	size = cw_idm_layout(t.n, nedges, n);
	m = kvzalloc(size, GFP_KERNEL);
	if (!m)
		goto out;
	m->bytes = size;
	m->nstates = t.n;
	m->nedges = nedges;
	m->npatterns = n;
	m->ndense = min_t(u32, t.n, CW_IDM_DENSE);
	m->sv.minlen = minlen;
	m->maxlen = maxlen;
	BUILD_BUG_ON(offsetof(struct cw_idm, sv));
	cw_idm_carve(m);
	cw_idm_lay_out(m, &t, order, id);

	memset(m->out, 0xff, (size_t)m->nstates * sizeof(u32));
	for (i = n; i-- > 0;) {
		u = id[end[i]];
		m->next[i] = m->out[u];
		m->out[u] = i;
		m->tag[i] = pats[i].tag;
	}
	cw_idm_link(m);
	cw_idm_densify(m);
	cw_idm_sieve_build(m, pats, n);
	*out = m;
	m = NULL;
	err = 0;
out:
	kvfree(m);
	kvfree(id);
	kvfree(order);
	kvfree(end);
	if (t.lab)	/* the patterns' bytes: wiped as cw_idm_free() does */
		memzero_explicit(t.lab, nbytes + 1);
	kvfree(t.lab);
	kvfree(t.sib);
	kvfree(t.child);
	return err;
}

static bool cw_idm_report(const struct cw_idm *m, u32 s, size_t end,
			  cw_idm_hit_fn hit, void *ctx)
{
	u32 t = m->out[s] != CW_IDM_NONE ? s : m->dict[s];
	u32 i;

	for (; t != CW_IDM_NONE; t = m->dict[t])
		for (i = m->out[t]; i != CW_IDM_NONE; i = m->next[i])
			if (hit(ctx, m->tag[i], end))
				return true;
	return false;
}

/* A state from the caller: one of this matcher's, or the start. */
static u32 cw_idm_state_in(const struct cw_idm *m, u32 s)
{
	return s < m->nstates ? s : CW_IDM_START;
}

size_t cw_idm_scan(const struct cw_idm *m, u32 *state, const u8 *p,
		   size_t len, cw_idm_hit_fn hit, void *ctx)
{
	u32 s = cw_idm_state_in(m, *state);
	size_t i;

	for (i = 0; i < len; i++) {
		s = cw_idm_step(m, s, p[i]);
		if (unlikely(s & CW_IDM_HIT)) {
			s &= ~CW_IDM_HIT;
			if (cw_idm_report(m, s, i + 1, hit, ctx)) {
				*state = s;
				return i + 1;
			}
		}
	}
	*state = s;
	return len;
}

/* The tag of a pattern that ends at state @s (reached with CW_IDM_HIT). */
static u32 cw_idm_tag_at(const struct cw_idm *m, u32 s)
{
	u32 t = m->out[s] != CW_IDM_NONE ? s : m->dict[s];

	return m->tag[m->out[t]];
}

/*
 * cw_idm_step() from a sparse state, out of line: its failure loop would
 * take the registers of cw_idm_run()'s loop, where nearly every byte
 * steps from a dense state.
 */
static noinline u32 cw_idm_step_sparse(const struct cw_idm *m, u32 s, u8 c)
{
	return cw_idm_step(m, s, c);
}

/*
 * The automaton over p[from, to) from *@sp to its first match: returns
 * the offset just past it (its tag in *@tag), 0 if there is none; *@sp is
 * left at the state reached.
 */
static size_t cw_idm_run(const struct cw_idm *m, u32 *sp, const u8 *p,
			 size_t from, size_t to, u32 *tag)
{
	const u32 *dense = m->dense;
	u32 nd = m->ndense, s = *sp;
	size_t i;

	for (i = from; i < to; i++) {
		/*
		 * A dense state's step is one load, in this loop's registers;
		 * a sparse state's goes out of line (cw_idm_step_sparse()).
		 */
		if (likely(s < nd))
			s = dense[(size_t)s * 256 + p[i]];
		else
			s = cw_idm_step_sparse(m, s, p[i]);
		if (unlikely(s & CW_IDM_HIT)) {
			s &= ~CW_IDM_HIT;
			*tag = cw_idm_tag_at(m, s);
			*sp = s;
			return i + 1;
		}
	}
	*sp = s;
	return 0;
}

/* Where the sieve is in a text: the automaton's run so far. */
struct cw_idm_sifting {
	size_t pos;	/* the automaton has read the text up to here */
	u32 s;		/* and is in this state */
};

/*
 * The run for a probe at offset @q of p[0, len) whose gram passed: the
 * automaton from the start state over every byte of an occurrence that
 * could hold that gram there, from q + 1 - stride to q + its reach (one run
 * goes on through the windows that overlap it). Out of line: the probes'
 * loop keeps nothing of it in its registers.
 */
static noinline bool cw_idm_window(const struct cw_idm *m,
				   struct cw_idm_sifting *r, const u8 *p,
				   size_t len, size_t q, u32 *tag)
{
	u32 k = m->sv.stride;
	size_t from = q + 1 > k ? q + 1 - k : 0, to;

	if (from > r->pos) {
		r->pos = from;
		r->s = CW_IDM_START;
	}
	to = min_t(size_t, len, q + 1 + cw_idm_sieve_first(&m->sv, p + q));
	if (to <= r->pos)
		return false;
	if (cw_idm_run(m, &r->s, p, r->pos, to, tag))
		return true;
	r->pos = to;
	return false;
}

/*
 * Every pattern wholly inside p[0, len), by the sieve: the gram at every
 * stride-th offset from stride - 1 on (from len - minlen, the last an
 * occurrence can start at, if that is less) is looked up in both maps. An
 * occurrence at s holds a probed gram at one of its offsets 0..stride-1
 * (it is at least stride + 3 bytes long, and the last probe, at most a
 * stride before len - 3, is at or after the last start), and that gram is
 * in the maps, so its window is run. Four probes a turn read the first
 * map alone; only where one passes is the second read. A gram in the maps
 * by a hash collision costs a run that finds nothing.
 */
static bool cw_idm_sift(const struct cw_idm *m, const u8 *p, size_t len,
			u32 *tag)
{
	struct cw_idm_sifting r = { .pos = 0, .s = CW_IDM_START };
	const struct cw_idm_sieve *sv = &m->sv;
	size_t k = sv->stride, q, turns;
	const u8 *x, *last;
	u32 j;

	if (len < sv->minlen)
		return false;
	last = p + len - CW_IDM_GRAM;	/* the last gram that may be probed */
	q = min_t(size_t, k - 1, len - sv->minlen);
	/* the turns of four probes that fit, counted once */
	turns = q + 3 * k <= len - CW_IDM_GRAM ?
		(len - CW_IDM_GRAM - q - 3 * k) / (4 * k) + 1 : 0;
	for (x = p + q; turns; turns--, x += 4 * k) {
		/* one test for the four (nearly always all miss) */
		if (likely(!(cw_idm_sieve_first(sv, x) |
			     cw_idm_sieve_first(sv, x + k) |
			     cw_idm_sieve_first(sv, x + 2 * k) |
			     cw_idm_sieve_first(sv, x + 3 * k))))
			continue;
		for (j = 0; j < 4; j++)
			if (cw_idm_sieve_has(sv, x + j * k) &&
			    cw_idm_window(m, &r, p, len, x + j * k - p, tag))
				return true;
	}
	for (; x <= last; x += k)
		if (cw_idm_sieve_has(sv, x) &&
		    cw_idm_window(m, &r, p, len, x - p, tag))
			return true;
	return false;
}

/*
 * With a sieve, bytes of a stream long enough (twice the longest pattern)
 * are read in three parts: the automaton from the stream's state until
 * that state's prefix lies in these bytes (a pattern the stream had begun
 * ends there or not at all: the state's depth is at most the bytes read);
 * the sieve for every pattern wholly inside them; the automaton from the
 * start over the last maxlen - 1 bytes for the state they leave, which is
 * the longest pattern prefix they end with: a prefix of maxlen bytes would
 * be a whole pattern, found by the sieve.
 */
static noinline bool cw_idm_first_long(const struct cw_idm *m, u32 *state,
				       const u8 *p, size_t len, u32 *tag)
{
	u32 s = cw_idm_state_in(m, *state), t;
	size_t i;

	for (i = 0; m->depth[s] > i; i++) {
		s = cw_idm_step(m, s, p[i]);
		if (unlikely(s & CW_IDM_HIT)) {
			s &= ~CW_IDM_HIT;
			*tag = cw_idm_tag_at(m, s);
			*state = s;
			return true;
		}
	}
	if (cw_idm_sift(m, p, len, tag)) {
		*state = CW_IDM_START;
		return true;
	}
	s = CW_IDM_START;
	cw_idm_run(m, &s, p, len - (m->maxlen - 1), len, &t);
	*state = s;
	return false;
}

/*
 * Short bytes of a stream (a small segment's) go through the automaton
 * alone, and this function's frame is only theirs: the three parts, and
 * a whole text's sieve, are out of line.
 */
static noinline bool cw_idm_first_whole(const struct cw_idm *m, const u8 *p,
					size_t len, u32 *tag)
{
	u32 s = CW_IDM_START;

	return m->sv.stride ? cw_idm_sift(m, p, len, tag) :
			   cw_idm_run(m, &s, p, 0, len, tag);
}

bool cw_idm_first(const struct cw_idm *m, u32 *state, const u8 *p,
		  size_t len, u32 *tag)
{
	if (!state)
		return cw_idm_first_whole(m, p, len, tag);
	if (m->sv.stride && len >= 2 * (size_t)m->maxlen)
		return cw_idm_first_long(m, state, p, len, tag);
	*state = cw_idm_state_in(m, *state);
	return cw_idm_run(m, state, p, 0, len, tag);
}
