// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cw_parse_http() on arbitrary requests. Also: a prefix never yields an
 * answer other than "incomplete" or the whole request's answer.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	char name[CW_NAME_MAX + 1], pname[CW_NAME_MAX + 1];
	u32 len = 0, plen = 0, cut;
	enum cw_parse_result r, pr;
	u8 *p = fuzz_dup(data, size);

	r = cw_parse_http(p, size, name, &len);
	fuzz_check_name(r, name, len);
	FUZZ_CHECK(r != CW_PARSE_OVER_BUDGET);
	if (size) {
		u32 s = fuzz_seed(data, size);

		cut = fuzz_rand(&s) % size;
		pr = cw_parse_http(p, cut, pname, &plen);
		fuzz_check_name(pr, pname, plen);
		FUZZ_CHECK(pr == CW_PARSE_INCOMPLETE || pr == r);
		if (pr == CW_PARSE_NAME)
			FUZZ_CHECK(!strcmp(pname, name));
	}
	free(p);
	return 0;
}
