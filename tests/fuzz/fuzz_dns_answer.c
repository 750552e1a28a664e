// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cw_parse_dns_answer() (kmod/dns_answer.c) on arbitrary messages. Whatever
 * the input: the answer is in range; with addresses, the chain is 1 to
 * CW_DNSA_NAMES valid host names, each once, every address names its owner
 * in the chain, has a family, a TTL below 2^31, zeros after an IPv4
 * address, and its bytes are in the message; the same bytes give the same
 * answer again.
 */
#include "fuzz_common.h"
#include "dns_answer.h"

static struct cw_dns_answer a, b;

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u8 *p = fuzz_dup(data, size);
	enum cw_parse_result r, r2;
	u32 i, j, n = size > 0xffffffffu ? 0xffffffffu : (u32)size;

	r = cw_parse_dns_answer(p, n, &a);
	FUZZ_CHECK(r <= CW_PARSE_MALFORMED);
	if (r == CW_PARSE_NAME) {
		FUZZ_CHECK(a.nr_names >= 1 && a.nr_names <= CW_DNSA_NAMES);
		FUZZ_CHECK(a.nr_addrs >= 1 && a.nr_addrs <= CW_DNSA_ADDRS);
		for (i = 0; i < a.nr_names; i++) {
			fuzz_check_name(r, a.name[i], a.name_len[i]);
			for (j = 0; j < i; j++)
				FUZZ_CHECK(strcmp(a.name[i], a.name[j]));
		}
		for (i = 0; i < a.nr_addrs; i++) {
			const struct cw_dnsa_addr *ad = &a.addr[i];
			u32 al = ad->family == AF_INET ? 4 : 16;
			static const u8 zero[12];

			FUZZ_CHECK(ad->family == AF_INET ||
				   ad->family == AF_INET6);
			FUZZ_CHECK(ad->name < a.nr_names);
			FUZZ_CHECK(ad->ttl < 0x80000000u);
			FUZZ_CHECK(al == 16 || !memcmp(ad->addr + 4, zero, 12));
			FUZZ_CHECK(memmem(p, n, ad->addr, al));
		}
	}
	r2 = cw_parse_dns_answer(p, n, &b);
	FUZZ_CHECK(r2 == r);
	if (r == CW_PARSE_NAME)
		FUZZ_CHECK(a.nr_names == b.nr_names &&
			   a.nr_addrs == b.nr_addrs &&
			   !memcmp(a.addr, b.addr, sizeof(a.addr)));
	free(p);
	return 0;
}
