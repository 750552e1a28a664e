/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The matcher's differential check, shared by the unit test and the
 * fuzzer: a deliberately naive reference (every pattern compared at every
 * end offset of the whole text) against kmod/idmatch.c run over the same
 * text cut into segments, the state carried from one to the next.
 */
#ifndef CW_REF_IDMATCH_H
#define CW_REF_IDMATCH_H

#include <stdlib.h>
#include <string.h>

#include "idmatch.h"

struct ref_hit {
	size_t end;	/* offset in the whole text just past the match */
	u32 tag;
};

struct ref_hits {
	struct ref_hit *h;
	size_t n, cap;
	size_t base;	/* the current segment's offset in the text */
};

static void ref_add(struct ref_hits *r, size_t end, u32 tag)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 64;
		r->h = realloc(r->h, r->cap * sizeof(*r->h));
		if (!r->h)
			abort();
	}
	r->h[r->n].end = end;
	r->h[r->n++].tag = tag;
}

static int ref_cmp(const void *a, const void *b)
{
	const struct ref_hit *x = a, *y = b;

	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return x->tag < y->tag ? -1 : x->tag > y->tag;
}

/* Every occurrence of every pattern, sorted by end then tag. */
static void ref_naive(const struct cw_idm_pattern *p, u32 np,
		      const u8 *text, size_t len, struct ref_hits *r)
{
	size_t end;
	u32 i;

	for (end = 1; end <= len; end++)
		for (i = 0; i < np; i++)
			if (p[i].len <= end &&
			    !memcmp(text + end - p[i].len, p[i].bytes, p[i].len))
				ref_add(r, end, p[i].tag);
	if (r->n)
		qsort(r->h, r->n, sizeof(*r->h), ref_cmp);
}

static bool ref_collect(void *ctx, u32 tag, size_t end)
{
	struct ref_hits *r = ctx;

	ref_add(r, r->base + end, tag);
	return false;
}

/*
 * The matcher over text cut at cuts[0..ncuts) (increasing offsets inside
 * the text), as one stream; sorted like ref_naive(). A hit must end inside
 * the segment it is reported for and in order.
 */
static bool ref_matcher(const struct cw_idm *m, const u8 *text, size_t len,
			const size_t *cuts, size_t ncuts, struct ref_hits *r)
{
	u32 state = CW_IDM_START;
	size_t i, from = 0, to, k, seen = 0;

	for (i = 0; i <= ncuts; i++) {
		to = i < ncuts ? cuts[i] : len;
		r->base = from;
		if (cw_idm_scan(m, &state, text + from, to - from,
				ref_collect, r) != to - from)
			return false;
		for (k = seen; k < r->n; k++)
			if (r->h[k].end <= from || r->h[k].end > to ||
			    (k && r->h[k].end < r->h[k - 1].end))
				return false;
		seen = r->n;
		from = to;
	}
	if (r->n)
		qsort(r->h, r->n, sizeof(*r->h), ref_cmp);
	return true;
}

static bool ref_same(const struct ref_hits *a, const struct ref_hits *b)
{
	size_t i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (a->h[i].end != b->h[i].end || a->h[i].tag != b->h[i].tag)
			return false;
	return true;
}

/*
 * cw_idm_first() over text cut at cuts[0..ncuts), the state carried, and
 * alone over the whole text (no state): the first match it reports must
 * end where the naive reference's first ones do, with one of their tags;
 * with no match, the state it leaves must be cw_idm_scan()'s over the
 * whole text. @want is ref_naive()'s answer.
 */
static bool ref_first(const struct cw_idm *m, const u8 *text, size_t len,
		      const size_t *cuts, size_t ncuts,
		      const struct ref_hits *want)
{
	u32 state = CW_IDM_START, exact = CW_IDM_START, tag;
	size_t i, from = 0, to, k;
	bool found = false;

	for (i = 0; i <= ncuts && !found; i++) {
		to = i < ncuts ? cuts[i] : len;
		found = cw_idm_first(m, &state, text + from, to - from, &tag);
		from = to;
	}
	if (found != !!want->n)
		return false;
	if (found) {
		/* the match ends in the last piece fed */
		for (k = 0; k < want->n && want->h[k].end == want->h[0].end; k++)
			if (want->h[k].tag == tag)
				break;
		if (k == want->n || want->h[k].end != want->h[0].end ||
		    want->h[0].end > from)
			return false;
	} else {
		cw_idm_scan(m, &exact, text, len, ref_collect,
			    &(struct ref_hits){ 0 });
		if (state != exact)
			return false;
	}
	return cw_idm_first(m, NULL, text, len, &tag) == found;
}

#endif
