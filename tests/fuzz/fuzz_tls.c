// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The resumable TLS parser on arbitrary streams, fed three ways that must
 * agree: in one piece, in random chunks (as TCP segments arrive), and the
 * way the hook does it (stepping over skippable bytes with cw_tls_skip(),
 * copying the rest through a small scratch buffer). And against the naive
 * reference extractor: the same name, or no name, in both.
 */
#include "fuzz_common.h"
#include "../unit/parsers/ref_sni.h"

static enum cw_parse_result chunked(const u8 *p, u32 n, u32 *seed,
				    char *name, u32 *len)
{
	struct cw_tls_state st;
	enum cw_parse_result r = CW_PARSE_INCOMPLETE;
	u32 off = 0;

	cw_tls_init(&st);
	while (off < n) {
		u32 c = 1 + fuzz_rand(seed) % 64;
		u8 *seg;

		if (c > n - off)
			c = n - off;
		seg = fuzz_dup(p + off, c);
		r = cw_tls_feed(&st, seg, c, name, len);
		free(seg);
		off += c;
		/* A done state must give the same answer forever. */
		if (r != CW_PARSE_INCOMPLETE)
			FUZZ_CHECK(cw_tls_feed(&st, p, n, name, len) == r);
	}
	return cw_tls_feed(&st, NULL, 0, name, len);
}

static enum cw_parse_result hooked(const u8 *p, u32 n, u32 *seed,
				   char *name, u32 *len)
{
	struct cw_tls_state st;
	enum cw_parse_result r = CW_PARSE_INCOMPLETE;
	u32 off = 0, seg_end = 0;

	cw_tls_init(&st);
	while (off < n && r == CW_PARSE_INCOMPLETE) {
		u8 scratch[32];
		u32 s, c;

		if (off == seg_end) {
			seg_end = off + 1 + fuzz_rand(seed) % 1500;
			if (seg_end > n)
				seg_end = n;
		}
		s = cw_tls_skippable(&st);
		FUZZ_CHECK(s <= CW_TLS_BUDGET);
		if (s) {
			u32 want = 1 + fuzz_rand(seed) % s;

			if (want > seg_end - off)
				want = seg_end - off;
			c = cw_tls_skip(&st, want);
			FUZZ_CHECK(c == want);
			off += c;
			r = cw_tls_feed(&st, NULL, 0, name, len);
			continue;
		}
		c = seg_end - off < sizeof(scratch) ? seg_end - off :
						      sizeof(scratch);
		memcpy(scratch, p + off, c);
		r = cw_tls_feed(&st, scratch, c, name, len);
		off += c;
	}
	return r;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	char name[CW_NAME_MAX + 1], cname[CW_NAME_MAX + 1];
	char hname[CW_NAME_MAX + 1];
	u32 len = 0, clen = 0, hlen = 0, seed;
	enum cw_parse_result r, c, h;
	u8 *p = fuzz_dup(data, size);

	r = cw_parse_tls(p, size, name, &len);
	fuzz_check_name(r, name, len);
	if (r == CW_PARSE_OVER_BUDGET)
		FUZZ_CHECK(size >= CW_TLS_BUDGET);

	seed = fuzz_seed(data, size);
	c = chunked(p, size, &seed, cname, &clen);
	FUZZ_CHECK(c == r);
	if (r == CW_PARSE_NAME)
		FUZZ_CHECK(clen == len && !strcmp(cname, name));

	{
		char rname[CW_NAME_MAX + 1];
		size_t rlen = ref_sni(p, size, rname);

		if (rlen)
			FUZZ_CHECK(r == CW_PARSE_NAME && rlen == len &&
				   !strcmp(rname, name));
		else
			FUZZ_CHECK(r != CW_PARSE_NAME);
	}

	h = hooked(p, size, &seed, hname, &hlen);
	FUZZ_CHECK(h == r);
	if (r == CW_PARSE_NAME)
		FUZZ_CHECK(hlen == len && !strcmp(hname, name));
	free(p);
	return 0;
}
