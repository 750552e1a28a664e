// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The receipts loader (userspace/lib/state.c). With the first byte even
 * the input is a whole file; odd, it is the body of one and the harness
 * seals it with the header and a correct trailer (count and SHA-256), so
 * the receipt lines are reached, not just the checksum. Whatever the
 * input: a refusal leaves no receipt and says why; an accepted file
 * formats back to bytes that parse to the same receipts.
 */
#include <string.h>

#include "../../userspace/lib/rules.h"
#include "../../userspace/lib/sha256.h"
#include "../../userspace/lib/state.h"
#include "fuzz_check.h"

#define HEADER "consentwall-receipts v1\n"

static void seal(struct sbuf *b, const uint8_t *body, size_t len)
{
	char hex[65];
	size_t i, lines = 0;

	sbuf_adds(b, HEADER);
	sbuf_add(b, body, len);
	if (len && body[len - 1] != '\n')
		sbuf_addc(b, '\n');
	for (i = sizeof(HEADER) - 1; i < b->len; i++)
		lines += b->s[i] == '\n';
	sha256_hex(b->s, b->len, hex);
	sbuf_printf(b, "end %zu %s\n", lines, hex);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state st, again;
	struct sbuf in, out, out2;
	char err[256];
	size_t i;

	if (!size)
		return 0;
	sbuf_init(&in);
	if (data[0] & 1)
		seal(&in, data + 1, size - 1);
	else
		sbuf_add(&in, data + 1, size - 1);
	err[0] = '\0';
	if (state_parse(&st, in.s ? in.s : "", in.len, err, sizeof(err))) {
		FUZZ_CHECK(st.n == 0 && err[0]);
		state_free(&st);
		sbuf_free(&in);
		return 0;
	}
	for (i = 0; i < st.n; i++)
		FUZZ_CHECK(cw_purpose_name_valid(st.r[i].purpose));
	sbuf_init(&out);
	state_format(&st, &out);
	FUZZ_CHECK(!state_parse(&again, out.s, out.len, err, sizeof(err)));
	FUZZ_CHECK(again.n == st.n);
	for (i = 0; i < st.n; i++) {
		const struct receipt *a = &st.r[i], *b = state_find(&again, a->purpose);

		FUZZ_CHECK(b && a->granted == b->granted && a->time == b->time &&
			   a->uid == b->uid && !strcmp(a->digest, b->digest));
	}
	sbuf_init(&out2);
	state_format(&again, &out2);
	FUZZ_CHECK(out.len == out2.len && !memcmp(out.s, out2.s, out.len));
	sbuf_free(&out2);
	sbuf_free(&out);
	state_free(&again);
	state_free(&st);
	sbuf_free(&in);
	return 0;
}
