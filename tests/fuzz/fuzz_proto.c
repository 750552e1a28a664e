// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The control protocol (userspace/lib/proto.c, PROTOCOL.md) on arbitrary
 * lines, as consentd splits requests and consentctl parses replies.
 * Whatever the input: no crash; what splits re-encodes to a line that
 * splits to the same tokens; a parsed record rebuilt with rec_str(),
 * rec_u64() and rec_bool() parses to the same keys, values and kinds; and
 * escaping any string decodes back to it.
 */
#include <string.h>

#include "../../userspace/lib/proto.h"
#include "fuzz_check.h"

static char *dup0(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	FUZZ_CHECK(s);
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

static void check_split(const uint8_t *data, size_t size)
{
	char *line = dup0(data, size), *argv[PROTO_ARGS_MAX], *argv2[PROTO_ARGS_MAX];
	struct sbuf b;
	int n, n2, i;

	n = proto_split(line, argv, PROTO_ARGS_MAX);
	FUZZ_CHECK(n >= -1 && n <= PROTO_ARGS_MAX);
	if (n > 0) {
		sbuf_init(&b);
		for (i = 0; i < n; i++) {
			if (i)
				sbuf_addc(&b, ' ');
			proto_escape(&b, argv[i]);
		}
		FUZZ_CHECK(!memchr(b.s, '\n', b.len));
		n2 = proto_split(b.s, argv2, PROTO_ARGS_MAX);
		FUZZ_CHECK(n2 == n);
		for (i = 0; i < n; i++)
			FUZZ_CHECK(!strcmp(argv[i], argv2[i]));
		sbuf_free(&b);
	}
	free(line);
}

static void check_record(const uint8_t *data, size_t size)
{
	char *line = dup0(data, size);
	struct record r, r2;
	struct sbuf b;
	int i;

	if (record_parse(line, &r) == 0) {
		sbuf_init(&b);
		rec_begin(&b, r.type);
		for (i = 0; i < r.n; i++) {
			if (r.kind[i] == PK_NUM)
				rec_u64(&b, r.key[i], strtoull(r.val[i], NULL, 10));
			else if (r.kind[i] == PK_BOOL)
				rec_bool(&b, r.key[i], !strcmp(r.val[i], "true"));
			else
				rec_str(&b, r.key[i], r.val[i]);
		}
		FUZZ_CHECK(!memchr(b.s, '\n', b.len));
		FUZZ_CHECK(record_parse(b.s, &r2) == 0);
		FUZZ_CHECK(r2.n == r.n && !strcmp(r2.type, r.type));
		for (i = 0; i < r.n; i++)
			FUZZ_CHECK(!strcmp(r.key[i], r2.key[i]) &&
				   !strcmp(r.val[i], r2.val[i]) &&
				   r.kind[i] == r2.kind[i]);
		sbuf_free(&b);
	}
	free(line);
}

static void check_escape(const uint8_t *data, size_t size)
{
	char *s = dup0(data, size);
	struct sbuf b;
	size_t i;

	sbuf_init(&b);
	proto_escape(&b, s);
	for (i = 0; i < b.len; i++)
		FUZZ_CHECK((unsigned char)b.s[i] > 0x20 &&
			   (unsigned char)b.s[i] < 0x7f);
	FUZZ_CHECK(proto_unescape(b.s) && !strcmp(b.s, s));
	sbuf_free(&b);
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	switch (data[0] % 3) {
	case 0:
		check_split(data + 1, size - 1);
		break;
	case 1:
		check_record(data + 1, size - 1);
		break;
	default:
		check_escape(data + 1, size - 1);
		break;
	}
	return 0;
}
