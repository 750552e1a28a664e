// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Unit tests of the identifier matcher (kmod/idmatch.c, compiled as is):
 * known answers, every bound, streaming across every split point, and a
 * randomized differential run against the naive reference of
 * ref_idmatch.h (CW_SEED=n replays one).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tap.h"
#include "ref_idmatch.h"

static struct cw_idm *build(const char *const *s, u32 n)
{
	struct cw_idm_pattern p[64];
	struct cw_idm *m = NULL;
	u32 i;

	for (i = 0; i < n; i++) {
		p[i].bytes = (const u8 *)s[i];
		p[i].len = strlen(s[i]);
		p[i].tag = i;
	}
	if (cw_idm_build(p, n, &m))
		return NULL;
	return m;
}

/* The hits of one scan of text as "tag@end tag@end ...". */
static const char *hits(const struct cw_idm *m, const char *text)
{
	static char buf[512];
	struct ref_hits r = { 0 };
	size_t i, o = 0;

	ref_matcher(m, (const u8 *)text, strlen(text), NULL, 0, &r);
	buf[0] = 0;
	for (i = 0; i < r.n; i++)
		o += snprintf(buf + o, sizeof(buf) - o, "%s%u@%zu",
			      i ? " " : "", r.h[i].tag, r.h[i].end);
	free(r.h);
	return buf;
}

static void test_known(void)
{
	static const char *const ac[] = { "he", "she", "his", "hers" };
	static const char *const nest[] = { "a", "aa", "aaa" };
	static const char *const dup[] = { "4901", "4901", "01" };
	struct cw_idm *m = build(ac, 4);

	tap_ok(m && !strcmp(hits(m, "ushers"), "0@4 1@4 3@6"),
	       "he/she/his/hers in \"ushers\": she and he end at 4, hers at 6 (%s)",
	       m ? hits(m, "ushers") : "no build");
	tap_ok(m && !strcmp(hits(m, "hishe"), "2@3 0@5 1@5"),
	       "his, then she and he through the failure link, in \"hishe\" (%s)",
	       m ? hits(m, "hishe") : "no build");
	cw_idm_free(m);
	m = build(nest, 3);
	tap_ok(m && !strcmp(hits(m, "aaaa"),
			    "0@1 0@2 1@2 0@3 1@3 2@3 0@4 1@4 2@4"),
	       "nested a/aa/aaa in \"aaaa\": every end of every one (%s)",
	       m ? hits(m, "aaaa") : "no build");
	cw_idm_free(m);
	m = build(dup, 3);
	tap_ok(m && !strcmp(hits(m, "x4901"), "0@5 1@5 2@5"),
	       "identical patterns are both reported, with the suffix (%s)",
	       m ? hits(m, "x4901") : "no build");
	tap_ok(m && !strcmp(hits(m, "490 1"), ""),
	       "no match across a gap");
	cw_idm_free(m);
}

/* Every byte value, and a state with more edges than the linear scan. */
static void test_bytes(void)
{
	struct cw_idm_pattern p[257];
	u8 pat[256][2], bin[4] = { 0x00, 0xff, 0x00, 0x80 }, text[600];
	struct ref_hits a = { 0 }, b = { 0 };
	struct cw_idm *m = NULL;
	int i;

	for (i = 0; i < 256; i++) {
		pat[i][0] = 'x';
		pat[i][1] = i;
		p[i] = (struct cw_idm_pattern){ pat[i], 2, i };
	}
	p[256] = (struct cw_idm_pattern){ bin, 4, 256 };
	tap_ok(!cw_idm_build(p, 257, &m), "x followed by each of 256 bytes, and NUL/0xff bytes: builds");
	for (i = 0; i < 256; i++) {
		text[2 * i] = 'x';
		text[2 * i + 1] = 255 - i;
	}
	memcpy(text + 512, bin, 4);
	memcpy(text + 516, "\x00\xff\x00\x80", 4);
	ref_naive(p, 257, text, 520, &a);
	ref_matcher(m, text, 520, NULL, 0, &b);
	/* 256 pairs, "xx" once more where 255 - i is 'x', the binary twice */
	tap_ok(a.n == 259 && ref_same(&a, &b),
	       "all 256 edges of one state found, and binary patterns (%zu hits, %zu expected)",
	       b.n, a.n);
	free(a.h);
	free(b.h);
	cw_idm_free(m);
}

static u64 rng;

static u32 rnd(u32 n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (u32)(rng % n);
}

/* The bounds, each checked before anything is allocated. */
static void test_bounds(void)
{
	static u8 big[CW_IDM_MAX_BYTES + 1];
	static struct cw_idm_pattern p[CW_IDM_MAX_PATTERNS + 1];
	struct cw_idm *m = NULL;
	u32 state = CW_IDM_START, tag;
	size_t i;
	int e;

	/* random bytes: patterns that share no prefix, the most states */
	for (i = 0, rng = 1; i < sizeof(big); i++)
		big[i] = rnd(256);
	tap_ok(!cw_idm_build(NULL, 0, &m) && m, "no pattern: builds");
	tap_ok(m && !cw_idm_first(m, &state, big, sizeof(big), &tag) &&
	       state == CW_IDM_START, "no pattern: matches nothing, stays at the start");
	cw_idm_free(m);
	m = NULL;

	p[0] = (struct cw_idm_pattern){ big, 0, 0 };
	e = cw_idm_build(p, 1, &m);
	tap_ok(e == -EINVAL && !m, "an empty pattern: -EINVAL (%d)", e);
	p[0].len = CW_IDM_MAX_LEN + 1;
	e = cw_idm_build(p, 1, &m);
	tap_ok(e == -EINVAL && !m, "a pattern of %d bytes: -EINVAL (%d)",
	       CW_IDM_MAX_LEN + 1, e);
	p[0].len = CW_IDM_MAX_LEN;
	e = cw_idm_build(p, 1, &m);
	tap_ok(!e && m, "a pattern of %d bytes: builds", CW_IDM_MAX_LEN);
	state = CW_IDM_START;
	tap_ok(m && cw_idm_first(m, &state, big, CW_IDM_MAX_LEN, &tag) &&
	       !tag, "... and is found");
	cw_idm_free(m);
	m = NULL;

	for (i = 0; i <= CW_IDM_MAX_PATTERNS; i++)
		p[i] = (struct cw_idm_pattern){ big + i * 16, 16, i };
	e = cw_idm_build(p, CW_IDM_MAX_PATTERNS + 1, &m);
	tap_ok(e == -E2BIG && !m, "%d patterns: -E2BIG (%d)",
	       CW_IDM_MAX_PATTERNS + 1, e);
	e = cw_idm_build(p, CW_IDM_MAX_PATTERNS, &m);
	tap_ok(!e && m, "%d patterns of 16 bytes, %d bytes: builds",
	       CW_IDM_MAX_PATTERNS, CW_IDM_MAX_BYTES);
	tap_ok(m && cw_idm_bytes(m) <= cw_idm_size(CW_IDM_MAX_PATTERNS,
						  CW_IDM_MAX_BYTES),
	       "... in %zu bytes, within cw_idm_size() = %zu",
	       m ? cw_idm_bytes(m) : 0,
	       cw_idm_size(CW_IDM_MAX_PATTERNS, CW_IDM_MAX_BYTES));
	cw_idm_free(m);
	m = NULL;
	p[CW_IDM_MAX_PATTERNS - 1].len = 17;
	e = cw_idm_build(p, CW_IDM_MAX_PATTERNS, &m);
	tap_ok(e == -E2BIG && !m, "%d bytes in all: -E2BIG (%d)",
	       CW_IDM_MAX_BYTES + 1, e);
	{
		struct cw_idm_set *set = cw_idm_set_new();
		u32 k, added = 0;

		for (k = 0; k <= CW_IDM_MAX_PATTERNS; k++)
			added += !cw_idm_set_add(set, big + 16 * (k % 100), 16, k);
		e = cw_idm_set_add(set, big, 1, 0);
		tap_ok(added == CW_IDM_MAX_PATTERNS && e == -E2BIG,
		       "a set takes %d patterns, then -E2BIG (%u, %d)",
		       CW_IDM_MAX_PATTERNS, added, e);
		tap_ok(cw_idm_set_add(set, big, 0, 0) == -EINVAL &&
		       cw_idm_set_add(set, big, CW_IDM_MAX_LEN + 1, 0) == -EINVAL,
		       "... and refuses empty and overlong patterns with -EINVAL");
		state = CW_IDM_START;
		tap_ok(!cw_idm_set_build(set, &m) &&
		       cw_idm_first(m, &state, big + 160, 16, &tag) && tag == 10,
		       "the set's matcher finds its patterns (the first of identical ones: tag %u)", tag);
		cw_idm_free(m);
		m = NULL;
		cw_idm_set_free(set);
		set = cw_idm_set_new();
		for (added = 0, k = 0; k < CW_IDM_MAX_BYTES / CW_IDM_MAX_LEN; k++)
			added += !cw_idm_set_add(set, big + k * CW_IDM_MAX_LEN,
						 CW_IDM_MAX_LEN, k);
		e = cw_idm_set_add(set, big, 1, 0);
		tap_ok(added == CW_IDM_MAX_BYTES / CW_IDM_MAX_LEN && e == -E2BIG,
		       "a set takes %d bytes, then -E2BIG (%d)", CW_IDM_MAX_BYTES, e);
		cw_idm_set_free(set);
	}
	tap_ok(cw_idm_size(CW_IDM_MAX_PATTERNS, CW_IDM_MAX_BYTES) == 2138262,
	       "the bound of the header comment: %zu bytes",
	       cw_idm_size(CW_IDM_MAX_PATTERNS, CW_IDM_MAX_BYTES));
}

static bool stop_first(void *ctx, u32 tag, size_t end)
{
	(void)end;
	*(u32 *)ctx = tag;
	return true;
}

/* An IMEI split at every offset, and byte by byte. */
static void test_split(void)
{
	static const char *const pats[] = { "490154203237518", "4901542032375189" };
	const char *text = "imei=490154203237518&x=1";
	size_t len = strlen(text), k, bad = 0, cuts[64];
	struct ref_hits want = { 0 }, got;
	struct cw_idm_pattern p[2];
	struct cw_idm *m = build(pats, 2);
	u32 state, tag = 99;

	for (k = 0; k < 2; k++)
		p[k] = (struct cw_idm_pattern){ (const u8 *)pats[k],
						strlen(pats[k]), k };
	ref_naive(p, 2, (const u8 *)text, len, &want);
	for (k = 1; k < len; k++) {
		got = (struct ref_hits){ 0 };
		cuts[0] = k;
		if (!ref_matcher(m, (const u8 *)text, len, cuts, 1, &got) ||
		    !ref_same(&want, &got))
			bad++;
		free(got.h);
	}
	tap_ok(want.n == 1 && !bad,
	       "an IMEI in two segments, cut at each of %zu offsets: found once at 20 (%zu wrong)",
	       len - 1, bad);
	for (k = 1; k < len; k++)
		cuts[k - 1] = k;
	got = (struct ref_hits){ 0 };
	tap_ok(ref_matcher(m, (const u8 *)text, len, cuts, len - 1, &got) &&
	       ref_same(&want, &got), "... and fed one byte at a time");
	free(got.h);
	free(want.h);

	state = CW_IDM_START;
	k = cw_idm_scan(m, &state, (const u8 *)text, len, stop_first, &tag);
	tap_ok(k == 20 && tag == 0, "a hit that returns true stops the scan just past the match (%zu)", k);
	state = CW_IDM_START;
	tap_ok(cw_idm_first(m, &state, (const u8 *)text, 12, &tag) == false &&
	       cw_idm_first(m, &state, (const u8 *)text + 12, len - 12, &tag) &&
	       tag == 0, "cw_idm_first() across two calls: the tag of the IMEI");
	state = 0x7fffffff;
	tap_ok(cw_idm_first(m, &state, (const u8 *)text, len, &tag) && !tag,
	       "a state out of range is taken as the start");
	/* the inline sieve (cw_idm_clear()) on datagrams at its edges */
	tap_ok(!cw_idm_clear(m, (const u8 *)pats[0], 15) &&
	       cw_idm_clear(m, (const u8 *)pats[0], 14) &&
	       cw_idm_clear(m, (const u8 *)"a datagram without digits", 25) &&
	       !cw_idm_clear(m, (const u8 *)text, len),
	       "cw_idm_clear(): an IMEI alone and a datagram with one need the matcher; 14 of its digits and a text with none do not");
	cw_idm_free(m);
}

/*
 * The sieve's edges: one pattern planted at every offset of a filler text
 * of every length up to past three times the longest (so cw_idm_first()
 * sifts), each found by cw_idm_first(), alone and as a stream's next
 * bytes, and never cleared by cw_idm_clear(); the filler alone is.
 */
static void test_edges(void)
{
	static const char *const pats[] = {
		"33612345678", "352099001761481",
		"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
	};
	struct cw_idm *m = build(pats, 3);
	size_t len, s, k, n = 0, bad = 0, clear = 0;
	u8 text[224];
	u32 state, tag;

	for (len = 0; len <= sizeof(text); len++) {
		memset(text, '.', sizeof(text));
		if (m && cw_idm_clear(m, text, len))
			clear++;
		for (k = 0; k < 3; k++) {
			size_t plen = strlen(pats[k]);

			for (s = 0; s + plen <= len; s++) {
				memset(text, '.', sizeof(text));
				memcpy(text + s, pats[k], plen);
				state = CW_IDM_START;
				tag = 99;
				n++;
				if (!m || cw_idm_clear(m, text, len) ||
				    !cw_idm_first(m, NULL, text, len, &tag) ||
				    tag != k ||
				    !cw_idm_first(m, &state, text, len, &tag) ||
				    tag != k)
					bad++;
			}
		}
	}
	tap_ok(n > 30000 && !bad && clear == sizeof(text) + 1,
	       "each of 3 patterns at every offset of texts of 0 to %zu bytes: found by cw_idm_first(), not cleared by cw_idm_clear() (%zu of %zu wrong); the filler cleared (%zu)",
	       sizeof(text), bad, n, clear);
	cw_idm_free(m);
}

/*
 * Random pattern sets over small and full alphabets, texts with some of
 * the patterns planted and cut (once inside a planted one): every match
 * as the naive reference has them (cw_idm_scan()), and cw_idm_first(), in
 * pieces and alone, finding the first or none and the exact state. Short
 * patterns (1 to 12 bytes) leave the sieve off; longer ones (8 to 70, like
 * a handset's identifiers) turn it on, but for one set in four that also
 * has a short one.
 */
static void test_random(u64 seed, int rounds, bool longer)
{
	static u8 pool[64 * 70], text[8192];
	struct cw_idm_pattern p[64];
	size_t cuts[16];
	int r, bad = 0, hits_total = 0, found = 0, clear = 0;

	rng = seed;
	for (r = 0; r < rounds && !bad; r++) {
		u32 alpha = (u32[]){ 2, 3, 4, 10, 16, 64, 256 }[rnd(7)];
		u32 np = 1 + rnd(64), i, j, o = 0, ncuts = rnd(16);
		size_t len = rnd(longer ? sizeof(text) : 2048), c, at;
		struct ref_hits a = { 0 }, b = { 0 };
		struct cw_idm *m = NULL;

		for (i = 0; i < np; i++) {
			p[i].bytes = pool + o;
			p[i].len = longer && (i || rnd(4)) ? 8 + rnd(63) :
							    1 + rnd(12);
			p[i].tag = rnd(4) ? i : 0;	/* tags may repeat */
			for (j = 0; j < p[i].len; j++)
				pool[o++] = rnd(alpha);
			if (i && !rnd(8))	/* a duplicate pattern */
				p[i] = (struct cw_idm_pattern){ p[i - 1].bytes,
					p[i - 1].len, i };
		}
		for (c = 0; c < len; c++)
			text[c] = rnd(alpha);
		for (c = 0, i = 0; i < ncuts; i++)
			cuts[i] = c = c + rnd(len - c + 1);
		for (i = rnd(3); i > 0; i--) {
			const struct cw_idm_pattern *q = &p[rnd(np)];

			if (q->len > len)
				continue;
			at = rnd(len - q->len + 1);
			memcpy(text + at, q->bytes, q->len);
			/* a cut inside it, the rest of the cuts moved past */
			if (ncuts && q->len > 1) {
				cuts[0] = at + 1 + rnd(q->len - 1);
				for (j = 1; j < ncuts; j++)
					if (cuts[j] < cuts[j - 1])
						cuts[j] = cuts[j - 1];
			}
		}
		if (cw_idm_build(p, np, &m)) {
			bad++;
			break;
		}
		ref_naive(p, np, text, len, &a);
		if (!ref_matcher(m, text, len, cuts, ncuts, &b) ||
		    !ref_same(&a, &b) || !ref_first(m, text, len, cuts, ncuts, &a))
			bad++;
		/* the inline sieve rules out only a text without a match */
		if (cw_idm_clear(m, text, len)) {
			clear++;
			bad += !!a.n;
		}
		hits_total += a.n;
		found += !!a.n;
		free(a.h);
		free(b.h);
		cw_idm_free(m);
	}
	tap_ok(!bad, "%d random sets of %s patterns and cut texts: the naive reference's hits, cw_idm_first() the first or none and the exact state, cw_idm_clear() only without a hit (%d hits, %d texts with one, %d cleared; seed %llu)",
	       r, longer ? "8- to 70-byte" : "1- to 12-byte", hits_total,
	       found, clear, (unsigned long long)seed);
}

int main(void)
{
	const char *s = getenv("CW_SEED");
	u64 seed = s ? strtoull(s, NULL, 0) : 0x9e3779b97f4a7c15ull;

	test_known();
	test_bytes();
	test_bounds();
	test_split();
	test_edges();
	test_random(seed, 3000, false);
	test_random(seed, 1500, true);
	return tap_done();
}
