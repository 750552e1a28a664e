// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The identifier matcher (kmod/idmatch.c) against the naive reference of
 * tests/unit/idmatch/ref_idmatch.h. An input is:
 *   byte 0        the number of patterns (1 + b % 32)
 *   byte 1        the alphabet every pattern and text byte is folded into:
 *                 b % 4 = 0 raw bytes, 1 two letters, 2 four, 3 ten digits;
 *                 bit 2 set: patterns of 8 bytes or more (the sieve is on)
 *   per pattern   a length byte (1 + b % 24, or 8 + b % 24) and that many bytes
 *   one byte      the number of cuts (b % 8), then 2 bytes per cut
 *   the rest      the text
 * Whatever the input: the set builds, the matcher over the text cut at the
 * cuts (state carried across) gives exactly the naive reference's matches,
 * so does the text fed one byte at a time, and cw_idm_first(), over the
 * cut text and alone, stops at the first match's end with one of the tags
 * that end there, or leaves the exact state (ref_first()); cw_idm_clear()
 * clears the text alone only if it has no match.
 */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_check.h"
#include "../unit/idmatch/ref_idmatch.h"

#define MAX_PATS 32

static u8 fold(u8 b, u8 mode)
{
	switch (mode) {
	case 1:
		return 'a' + b % 2;
	case 2:
		return 'a' + b % 4;
	case 3:
		return '0' + b % 10;
	default:
		return b;
	}
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static u8 pool[MAX_PATS * 32];
	struct cw_idm_pattern p[MAX_PATS];
	struct ref_hits want = { 0 }, got = { 0 }, bytes = { 0 };
	size_t cuts[8], ones[256], i, o = 0, len, first;
	u32 np, ncuts, k, j, mode, longer, state, tag;
	struct cw_idm *m = NULL;
	u8 *text;

	if (size < 2)
		return 0;
	np = 1 + data[0] % MAX_PATS;
	mode = data[1] % 4;
	longer = data[1] & 4 ? 8 : 1;
	data += 2;
	size -= 2;
	for (k = 0; k < np && size; k++) {
		u32 l = longer + data[0] % 24;

		data++;
		size--;
		if (l > size)
			l = size;
		if (!l)
			break;
		p[k] = (struct cw_idm_pattern){ pool + o, l, k };
		for (j = 0; j < l; j++)
			pool[o++] = fold(data[j], mode);
		data += l;
		size -= l;
	}
	np = k;
	ncuts = 0;
	if (size) {
		ncuts = data[0] % 8;
		data++;
		size--;
	}
	if (size < 2 * ncuts)
		ncuts = size / 2;
	for (k = 0; k < ncuts; k++)
		cuts[k] = data[2 * k] | data[2 * k + 1] << 8;
	data += 2 * ncuts;
	size -= 2 * ncuts;

	/* exactly the text's bytes on the heap: ASan sees a read past it */
	len = size;
	text = malloc(len ? len : 1);
	FUZZ_CHECK(text);
	for (i = 0; i < len; i++)
		text[i] = fold(data[i], mode);
	for (k = 0; k < ncuts; k++)
		cuts[k] %= len + 1;
	qsort(cuts, ncuts, sizeof(cuts[0]), cmp_size);

	FUZZ_CHECK(!cw_idm_build(p, np, &m));
	FUZZ_CHECK(cw_idm_bytes(m) <= cw_idm_size(np, o));
	ref_naive(p, np, text, len, &want);
	FUZZ_CHECK(ref_matcher(m, text, len, cuts, ncuts, &got));
	FUZZ_CHECK(ref_same(&want, &got));
	if (len && len <= 257) {
		for (i = 1; i < len; i++)
			ones[i - 1] = i;
		FUZZ_CHECK(ref_matcher(m, text, len, ones, len - 1, &bytes));
		FUZZ_CHECK(ref_same(&want, &bytes));
	}
	FUZZ_CHECK(ref_first(m, text, len, cuts, ncuts, &want));
	state = CW_IDM_START;
	if (cw_idm_first(m, &state, text, len, &tag)) {
		FUZZ_CHECK(want.n);
		first = want.h[0].end;
		for (i = 0; i < want.n && want.h[i].end == first; i++)
			if (want.h[i].tag == tag)
				break;
		FUZZ_CHECK(i < want.n && want.h[i].end == first);
	} else {
		FUZZ_CHECK(!want.n);
	}
	/* the inline sieve rules out only a text without a match */
	FUZZ_CHECK(!cw_idm_clear(m, text, len) || !want.n);
	cw_idm_free(m);
	free(want.h);
	free(got.h);
	free(bytes.h);
	free(text);
	return 0;
}
