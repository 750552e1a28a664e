// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The identifiers file (userspace/lib/identifiers.c). Whatever the input:
 * it is taken whole or refused whole; a refusal is "file:line:col:
 * expected WHAT" with WHAT one of the fixed phrases (so no byte of the
 * input, which may hold a value, is ever echoed); what is taken reads back
 * the same from its canonical form, and its patterns stay in the kernel's
 * bounds.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../../userspace/lib/identifiers.h"
#include "fuzz_check.h"

static const char *const phrases[] = {
	"an IMEI: 15 digits, the last a valid Luhn check digit",
	"an IMSI: 14 or 15 digits",
	"a phone number in E.164 form: an optional '+' and 7 to 15 digits, the first not 0",
	"an ICCID: 18 to 22 digits beginning 89",
	"a serial number: 6 to 64 of A-Z, a-z, 0-9, '-', '_' and '.'",
	"an Android ID: 12 to 16 hex digits",
	"an advertising ID: a UUID (8-4-4-4-12 hex digits), not all zeros",
	"imei, imsi, msisdn, iccid, serial, android_id or advertising_id",
	"'=' after the kind",
	"a value of at most 64 bytes",
	"at most 32 identifiers in the file",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ident_set s, back;
	static char canon[IDENT_MAX * (IDENT_VALUE_MAX + 32)];
	struct ident_patterns ps;
	char err[512];
	unsigned int ln, col;
	size_t i, o = 0;
	int ret, used = 0;

	ret = ident_parse(&s, "f", (const char *)data, size, err, sizeof(err));
	if (ret) {
		FUZZ_CHECK(ret == -EINVAL && s.n == 0);
		FUZZ_CHECK(sscanf(err, "f:%u:%u: expected %n", &ln, &col, &used) == 2 && used);
		for (i = 0; i < sizeof(phrases) / sizeof(phrases[0]); i++)
			if (!strcmp(err + used, phrases[i]))
				break;
		FUZZ_CHECK(i < sizeof(phrases) / sizeof(phrases[0]));
		return 0;
	}
	FUZZ_CHECK(s.n <= IDENT_MAX);
	for (i = 0; i < s.n; i++) {
		FUZZ_CHECK(s.v[i].kind < IDENT_KINDS && s.v[i].len &&
			   s.v[i].len <= IDENT_VALUE_MAX &&
			   strlen(s.v[i].value) == s.v[i].len);
		o += (size_t)snprintf(canon + o, sizeof(canon) - o, "%s = %s\n",
				      ident_kind_name(s.v[i].kind), s.v[i].value);
	}
	FUZZ_CHECK(!ident_parse(&back, "c", canon, o, err, sizeof(err)) &&
		   back.n == s.n && !memcmp(back.v, s.v, sizeof(s.v[0]) * s.n));
	FUZZ_CHECK(!ident_derive(&s, &ps, err, sizeof(err)));
	FUZZ_CHECK(ps.n <= IDENT_PATTERNS_MAX && ps.bytes <= IDENT_BYTES_MAX);
	for (i = 0; i < ps.n; i++)
		FUZZ_CHECK(ps.p[i].len >= 1 && ps.p[i].len <= IDENT_PATTERN_MAX &&
			   ps.p[i].kind == ps.p[i].kind % IDENT_KINDS &&
			   ps.p[i].form < IDF_FORMS);
	FUZZ_CHECK(s.n == 0 || ps.n >= s.n);
	ident_patterns_free(&ps);
	return 0;
}
