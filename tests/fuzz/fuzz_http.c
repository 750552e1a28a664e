// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cw_parse_http() on arbitrary requests. Also: a prefix never yields an
 * answer other than "incomplete" or the whole request's answer.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	fuzz_prefix_consistent(cw_parse_http, data, size);
	return 0;
}
