// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The resumable HTTP request head parser on arbitrary bytes, walked as the
 * hook walks a pipelined segment (each head, then cw_http_next()). Every
 * head is parsed three ways that must agree: in one piece, in random
 * chunks (as segments arrive), and by the naive reference (ref_http.h).
 * Also: a prefix never yields an answer other than "incomplete" or the
 * whole input's answer.
 */
#include "fuzz_common.h"
#include "ref_http.h"

static enum cw_parse_result chunked(const u8 *p, u32 n, u32 *seed,
				    struct cw_http_state *st, u32 *used)
{
	u32 off = 0, u;

	cw_http_init(st);
	*used = 0;
	while (off < n) {
		u32 c = 1 + fuzz_rand(seed) % 64;
		u8 *seg;

		if (c > n - off)
			c = n - off;
		seg = fuzz_dup(p + off, c);
		cw_http_feed(st, seg, c, &u);
		free(seg);
		*used += u;
		if (u < c) {
			/* Stopped: it takes nothing more, and keeps its answer. */
			enum cw_parse_result r = st->result;

			FUZZ_CHECK(cw_http_feed(st, p, n, &u) == r && !u);
			break;
		}
		off += c;
	}
	return st->result;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u32 off = 0, seed = fuzz_seed(data, size), i;
	u8 *p = fuzz_dup(data, size);

	fuzz_prefix_consistent(cw_parse_http, data, size);
	for (i = 0; i < 8 && off < size; i++) {
		struct cw_http_state a, b;
		char rname[CW_NAME_MAX + 1];
		enum cw_parse_result ra, rb, rr;
		u32 ua, ub, next;

		cw_http_init(&a);
		ra = cw_http_feed(&a, p + off, size - off, &ua);
		fuzz_check_name(ra, a.val, a.name_len);
		FUZZ_CHECK(ua == a.fed && ua <= size - off);
		rb = chunked(p + off, size - off, &seed, &b, &ub);
		FUZZ_CHECK(ra == rb && ua == ub);
		FUZZ_CHECK(cw_http_next(&a) == cw_http_next(&b));
		if (ra == CW_PARSE_NAME)
			FUZZ_CHECK(a.name_len == b.name_len &&
				   !strcmp(a.val, b.val));
		rr = ref_http(p + off, size - off, rname);
		FUZZ_CHECK(rr == ra);
		if (ra == CW_PARSE_NAME)
			FUZZ_CHECK(!strcmp(rname, a.val));
		next = cw_http_next(&a);
		if (!next || next > size - off)
			break;
		FUZZ_CHECK(next >= ua);
		off += next;
	}
	free(p);
	return 0;
}
