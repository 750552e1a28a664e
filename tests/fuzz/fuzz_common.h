/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Shared by the packet parser fuzz harnesses: the checks every answer must
 * pass, whatever the input.
 */
#ifndef _CW_FUZZ_COMMON_H
#define _CW_FUZZ_COMMON_H

#include <string.h>

#include "fuzz_check.h"
#include "parse.h"

/* A returned name is a valid, normalised host name, NUL-terminated. */
static inline void fuzz_check_name(enum cw_parse_result r, const char *name,
				   u32 len)
{
	u32 i, label = 0;

	FUZZ_CHECK(r <= CW_PARSE_OVER_BUDGET);
	if (r != CW_PARSE_NAME)
		return;
	FUZZ_CHECK(len >= 1 && len <= CW_NAME_MAX);
	FUZZ_CHECK(strlen(name) == len);
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (c == '.') {
			FUZZ_CHECK(label > 0);
			label = 0;
			continue;
		}
		FUZZ_CHECK((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			   c == '-' || c == '_');
		label++;
		FUZZ_CHECK(label <= 63);
	}
	FUZZ_CHECK(label > 0);
}

/* Exactly n bytes on the heap, so ASan catches a read one past the end. */
static inline u8 *fuzz_dup(const u8 *p, size_t n)
{
	u8 *c = malloc(n ? n : 1);

	memcpy(c, p, n);
	return c;
}

/* Small deterministic PRNG for chunk sizes, seeded from the input. */
static inline u32 fuzz_seed(const u8 *p, size_t n)
{
	u32 h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h | 1;
}

static inline u32 fuzz_rand(u32 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

typedef enum cw_parse_result (*fuzz_parse_fn)(const u8 *buf, u32 len,
					      char *name, u32 *name_len);

/*
 * One-shot parsers (DNS over TCP, HTTP) on arbitrary input: a valid name
 * or none, never OVER_BUDGET, and a prefix of the input never yields an
 * answer other than "incomplete" or the whole input's answer.
 */
static inline void fuzz_prefix_consistent(fuzz_parse_fn parse, const u8 *data,
					  size_t size)
{
	char name[CW_NAME_MAX + 1], pname[CW_NAME_MAX + 1];
	u32 len = 0, plen = 0, cut;
	enum cw_parse_result r, pr;
	u8 *p = fuzz_dup(data, size);

	r = parse(p, size, name, &len);
	fuzz_check_name(r, name, len);
	FUZZ_CHECK(r != CW_PARSE_OVER_BUDGET);
	if (size) {
		u32 s = fuzz_seed(data, size);

		cut = fuzz_rand(&s) % size;
		pr = parse(p, cut, pname, &plen);
		fuzz_check_name(pr, pname, plen);
		FUZZ_CHECK(pr == CW_PARSE_INCOMPLETE || pr == r);
		if (pr == CW_PARSE_NAME)
			FUZZ_CHECK(!strcmp(pname, name));
	}
	free(p);
}

#endif /* _CW_FUZZ_COMMON_H */
