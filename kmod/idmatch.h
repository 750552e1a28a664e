/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The identifier matcher: many byte patterns (the forms of the handset's
 * identifiers that consentd derives) found in one pass over a payload.
 * Pure code (pure.h): the same file is compiled into the module, the unit
 * tests, the fuzzer and the host benchmark.
 *
 * Aho-Corasick (Aho and Corasick, CACM 1975): the patterns' trie with a
 * failure link per state, built aside in one allocation whose size is known
 * before it is made (cw_idm_size()), read-only once built. Layout:
 *
 * - the first CW_IDM_DENSE states in breadth-first order (the start state
 *   and the shallowest, where a scan of text that carries no pattern spends
 *   nearly all its bytes) are dense: a row of 256 next states each, the
 *   failure links already followed, so a byte costs one load there;
 * - every other state has its edges as a sorted run of labels (bytes) and
 *   a parallel run of targets; its next state is found by a scan of its
 *   labels (almost every deep state of a set of identifiers has one edge),
 *   failing over to the failure link, which is shallower, until a dense
 *   state answers;
 * - a transition to a state that ends a pattern, or whose failure chain
 *   reaches one, carries a flag bit, so matches are looked for only there.
 *
 * Each byte costs amortised O(1) steps (at most as many failure steps as
 * bytes read). The stream is carried in a u32 state: a pattern split over
 * two calls is found in the second, as long as the caller hands back the
 * state the first call left (and the same matcher: a state means nothing to
 * another build, and one out of range is taken as the start; 0,
 * CW_IDM_START, is the start of every matcher).
 *
 * A sieve in front (cw_idm_first() only), for text that holds no pattern,
 * which is nearly all text: with every pattern at least 8 bytes long
 * (stride = the shortest length - 3), the 4-byte gram at every stride-th
 * offset (from stride - 1: the first probe covers an occurrence at 0) is
 * looked up in two maps of 2^16 entries (a byte each, then a bit each),
 * each set by a hash of every gram at every pattern's offsets 0..stride-1. Every occurrence holds
 * one of the probed grams at such an offset, so a gram in neither map
 * rules out every occurrence that could hold it, and only around a gram in
 * both does the automaton run. Text costs a probe per stride bytes (8 for
 * the 11-digit numbers of a handset's identifiers) instead of a step per
 * byte; what the automaton reads is the same set of matches.
 *
 * Bounds (every one checked before anything is allocated):
 * at most CW_IDM_MAX_PATTERNS patterns of 1..CW_IDM_MAX_LEN bytes and
 * CW_IDM_MAX_BYTES bytes in all, so at most CW_IDM_MAX_BYTES + 1 states and
 * CW_IDM_MAX_BYTES edges: the matcher is at most cw_idm_size() of those,
 * 2,138,262 bytes on a 64-bit build (72 KiB the sieve, 1 KiB a dense row,
 * 22 bytes a state, 5 an edge, 8 a pattern); the builder's scratch, freed
 * before it returns,
 * is at most 17 bytes a state and 4 a pattern more (1.1 MiB).
 */
#ifndef _CW_IDMATCH_H
#define _CW_IDMATCH_H

#include "pure.h"
#include "uapi/consentwall.h"

/* The bounds of the netlink contract (a ruleset's patterns). */
#define CW_IDM_MAX_PATTERNS	CW_PATTERNS_MAX
#define CW_IDM_MAX_LEN		CW_PATTERN_LEN_MAX
#define CW_IDM_MAX_BYTES	CW_PATTERN_BYTES_MAX
/* The first (shallowest) states with a dense row of 256 next states. */
#define CW_IDM_DENSE		256
#define CW_IDM_START		0u

/* A pattern to build from: its bytes and a caller's tag reported on a hit. */
struct cw_idm_pattern {
	const u8 *bytes;
	u32 len;
	u32 tag;
};

struct cw_idm;

/*
 * The sieve, read inline by cw_idm_clear() (a datagram's common case needs
 * no call): 4-byte grams hashed into two maps of 2^16 entries, the first a
 * byte each (a probe that misses it, nearly every probe, is a multiply, a
 * shift and a byte compare, four ORed and tested at once: a bitmap costs
 * twice the instructions), the second a bit each. A gram's byte in the
 * first, where set, is its reach less one: the most bytes, from the gram
 * on, that a pattern holding it at a probed offset goes on for (at least
 * 4, at most CW_IDM_MAX_LEN), so the automaton runs no further than that
 * past a probe.
 */
#define CW_IDM_GRAM	4
#define CW_IDM_FBITS	16
#define CW_IDM_FWORDS	((1u << CW_IDM_FBITS) / 64)

/* The head of every matcher (cw_idm_build() puts it first). */
struct cw_idm_sieve {
	u8 *first;	/* 2^16 bytes: a reach - 1 where a gram's first hash is */
	u64 *second;	/* CW_IDM_FWORDS words: the bits of its second hash */
	u32 minlen;	/* the shortest pattern's length */
	u32 stride;	/* the step between probed grams, 0 with no sieve */
};

/* A gram's entries: multiplicative hashes of it and of it turned by half. */
#define CW_IDM_H1(w)	(((w) * 0x9e3779b1u) >> (32 - CW_IDM_FBITS))
#define CW_IDM_H2(w)	((ror32((w), 16) * 0x85ebca6bu) >> (32 - CW_IDM_FBITS))

/**
 * cw_idm_gram() - the 4 bytes of a gram as one word
 * @p: the gram
 *
 * Return: the word (host order: only ever hashed).
 */
static inline u32 cw_idm_gram(const u8 *p)
{
	u32 w;

	memcpy(&w, p, sizeof(w));
	return w;
}

/**
 * cw_idm_sieve_first() - a gram's entry in a sieve's first map
 * @sv: the sieve
 * @p: the gram's 4 bytes
 *
 * Return: 0 if it is not there; else its reach less one (then
 * cw_idm_sieve_has() asks the second map).
 */
static inline u8 cw_idm_sieve_first(const struct cw_idm_sieve *sv,
				    const u8 *p)
{
	return sv->first[CW_IDM_H1(cw_idm_gram(p))];
}

/**
 * cw_idm_sieve_has() - whether a gram is in both maps of a sieve
 * @sv: the sieve
 * @p: the gram's 4 bytes
 *
 * Return: true if both its entries are set.
 */
static inline bool cw_idm_sieve_has(const struct cw_idm_sieve *sv,
				    const u8 *p)
{
	u32 h = CW_IDM_H2(cw_idm_gram(p));

	return cw_idm_sieve_first(sv, p) &&
	       (sv->second[h / 64] & BIT_ULL(h % 64));
}

/**
 * cw_idm_clear() - whether the sieve alone rules every pattern out of a text
 * @m: the matcher
 * @p: the text, whole (a datagram)
 * @len: its length
 *
 * The probes of cw_idm_first()'s sieve, inline, for a short text that
 * most often has none pass; where one passes, cw_idm_first() is the one
 * that runs the automaton.
 *
 * Context: any; reads only.
 * Return: true if no pattern can be in @p (none fits, or no probed gram
 * is in both maps), false if the matcher must look.
 */
static __always_inline bool cw_idm_clear(const struct cw_idm *m,
					 const u8 *p, size_t len)
{
	/* the head of the matcher (cw_idm_build() asserts it is first) */
	const struct cw_idm_sieve *sv = (const struct cw_idm_sieve *)m;
	const u8 *x = p, *end;

	if (len < sv->minlen)
		return true;
	if (!sv->stride)
		return false;
	/* the first probe as far in as covers an occurrence at 0 */
	x += min_t(size_t, sv->stride - 1, len - sv->minlen);
	end = p + len - CW_IDM_GRAM;
	do {
		if (cw_idm_sieve_has(sv, x))
			return false;
		x += sv->stride;
	} while (x <= end);
	return true;
}

/**
 * cw_idm_size() - the bytes a matcher of such a set takes
 * @npatterns: its patterns
 * @nbytes: their lengths added up
 *
 * Return: the size of the one allocation cw_idm_build() makes for such a
 * set (an upper bound: patterns that share a prefix share states).
 */
size_t cw_idm_size(u32 npatterns, u32 nbytes);

/**
 * cw_idm_build() - build a matcher aside
 * @pats: the patterns; their bytes are copied into nothing: only the
 *        automaton is kept, so the caller may free them afterwards
 * @n: how many, 0 for a matcher that matches nothing
 * @out: set to the new matcher on success
 *
 * Identical patterns are kept each with its tag (all are reported).
 *
 * Context: process; allocates with GFP_KERNEL, may sleep.
 * Return: 0; -EINVAL for an empty pattern or one longer than
 * CW_IDM_MAX_LEN; -E2BIG for more than CW_IDM_MAX_PATTERNS patterns or
 * more than CW_IDM_MAX_BYTES bytes in all; -ENOMEM.
 */
int cw_idm_build(const struct cw_idm_pattern *pats, u32 n,
		 struct cw_idm **out);

/*
 * Patterns collected for a build (a transaction's), copied in: at most
 * the bounds above, in one allocation of cw_idm_size()'s order (128 KiB).
 */
struct cw_idm_set;

/**
 * cw_idm_set_new() - an empty pattern set
 *
 * Context: process; allocates with GFP_KERNEL, may sleep.
 * Return: the set, or NULL without memory.
 */
struct cw_idm_set *cw_idm_set_new(void);

/**
 * cw_idm_set_add() - copy one pattern into a set
 * @s: the set
 * @bytes: the pattern
 * @len: its length
 * @tag: reported on a hit
 *
 * Context: any; never sleeps.
 * Return: 0; -EINVAL for an empty pattern or one longer than
 * CW_IDM_MAX_LEN; -E2BIG when the set would pass CW_IDM_MAX_PATTERNS
 * patterns or CW_IDM_MAX_BYTES bytes (the set is unchanged).
 */
int cw_idm_set_add(struct cw_idm_set *s, const u8 *bytes, u32 len, u32 tag);

/**
 * cw_idm_set_build() - build the matcher of a set's patterns
 * @s: the set
 * @out: set to the new matcher on success
 *
 * Context: process; allocates with GFP_KERNEL, may sleep.
 * Return: what cw_idm_build() returns.
 */
int cw_idm_set_build(const struct cw_idm_set *s, struct cw_idm **out);

/**
 * cw_idm_set_free() - wipe and free a pattern set
 * @s: the set, or NULL
 */
void cw_idm_set_free(struct cw_idm_set *s);

/**
 * cw_idm_free() - wipe and free a matcher (its trie spells the patterns)
 * @m: from cw_idm_build(), or NULL
 */
void cw_idm_free(struct cw_idm *m);

/**
 * cw_idm_bytes() - the memory a matcher holds
 * @m: the matcher
 *
 * Return: bytes, as allocated.
 */
size_t cw_idm_bytes(const struct cw_idm *m);

/*
 * Called for every match: the pattern's tag and the offset just past its
 * last byte in the buffer of this call (the pattern may have begun in an
 * earlier one). Return true to stop the scan there.
 */
typedef bool (*cw_idm_hit_fn)(void *ctx, u32 tag, size_t end);

/**
 * cw_idm_scan() - look for the patterns in the next bytes of a stream
 * @m: the matcher
 * @state: the stream's state, CW_IDM_START for a new stream; updated
 * @p: the bytes
 * @len: how many
 * @hit: called for each match, in order of where it ends (the order of
 *       matches that end at the same byte is unspecified)
 * @ctx: passed to @hit
 *
 * Context: any; reads only, never sleeps or allocates.
 * Return: @len, or where @hit stopped the scan (the offset just past the
 * byte that ended the match; @state is the state after that byte and the
 * other matches ending there are not reported).
 */
size_t cw_idm_scan(const struct cw_idm *m, u32 *state, const u8 *p,
		   size_t len, cw_idm_hit_fn hit, void *ctx);

/**
 * cw_idm_first() - whether the next bytes of a stream hold a pattern
 * @m: the matcher
 * @state: the stream's state, CW_IDM_START for a new stream; updated; or
 *         NULL for bytes that are a whole text alone (a datagram)
 * @p: the bytes
 * @len: how many
 * @tag: set to the tag of the first match found (of those ending first)
 *
 * Context: any; reads only, never sleeps or allocates.
 * Return: true on a match (@state is then not one to go on from: the
 * stream is to be stopped), false when none ends in these bytes.
 */
bool cw_idm_first(const struct cw_idm *m, u32 *state, const u8 *p,
		  size_t len, u32 *tag);

#endif /* _CW_IDMATCH_H */
