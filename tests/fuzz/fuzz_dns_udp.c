// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cw_parse_dns_udp() on arbitrary datagrams. Also differential: the same
 * message framed for TCP must give the same answer (a whole message that
 * runs out is "malformed" over TCP, "incomplete" over UDP). And the
 * answer that refuses the datagram (cw_dns_answer()): inside its buffer,
 * a response, of the query's ID and question, given for every query
 * whose name the parser read.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	char name[CW_NAME_MAX + 1], tname[CW_NAME_MAX + 1];
	u32 len = 0, tlen = 0;
	enum cw_parse_result r, t;
	u8 *p = fuzz_dup(data, size), *q;

	r = cw_parse_dns_udp(p, size, name, &len);
	fuzz_check_name(r, name, len);
	FUZZ_CHECK(r != CW_PARSE_OVER_BUDGET);

	if (size >= 12 && size <= 0xffff && size <= CW_DNS_WANT - 2) {
		q = malloc(size + 2);
		q[0] = size >> 8;
		q[1] = size & 0xff;
		memcpy(q + 2, p, size);
		t = cw_parse_dns_tcp(q, size + 2, tname, &tlen);
		fuzz_check_name(t, tname, tlen);
		if (r == CW_PARSE_INCOMPLETE)
			FUZZ_CHECK(t == CW_PARSE_MALFORMED);
		else
			FUZZ_CHECK(t == r);
		if (r == CW_PARSE_NAME)
			FUZZ_CHECK(tlen == len && !strcmp(tname, name));
		free(q);
	}

	{
		u8 a[CW_DNS_ANSWER_MAX + 1];
		u32 n = size < CW_DNS_ANSWER_MAX ? size : CW_DNS_ANSWER_MAX;
		u32 alen;

		memcpy(a, p, n);
		a[CW_DNS_ANSWER_MAX] = 0xa5;	/* a guard byte */
		alen = cw_dns_answer(a, size, CW_DNS_REFUSED);
		FUZZ_CHECK(a[CW_DNS_ANSWER_MAX] == 0xa5);
		FUZZ_CHECK(alen <= CW_DNS_ANSWER_MAX);
		if (r == CW_PARSE_NAME && size <= CW_DNS_WANT)
			FUZZ_CHECK(alen);
		if (alen) {
			FUZZ_CHECK(alen >= 17 && !memcmp(a, p, 2));
			FUZZ_CHECK((a[2] & 0x80) && (a[3] & 0x0f) == CW_DNS_REFUSED);
			FUZZ_CHECK(!a[4] && a[5] == 1 && !memcmp(a + 12, p + 12, 5));
		}
	}
	free(p);
	return 0;
}
