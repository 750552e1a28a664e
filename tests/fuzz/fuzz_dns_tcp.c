// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cw_parse_dns_tcp() on arbitrary stream starts. Also: a prefix of the
 * stream never yields a name other than the whole stream's.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	fuzz_prefix_consistent(cw_parse_dns_tcp, data, size);
	return 0;
}
