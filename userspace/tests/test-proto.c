// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The control protocol: escaping, request splitting, records, JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/json.h"
#include "../lib/proto.h"
#include "../../tests/tap.h"

int main(void)
{
	struct sbuf b;
	struct record r;
	char line[512], *argv[PROTO_ARGS_MAX];
	struct json j;
	int n, i;

	sbuf_init(&b);
	proto_escape(&b, "a b%c\n\x7f\xc3\xa9=");
	tap_ok(!strcmp(b.s, "a%20b%25c%0A%7F%C3%A9="), "escape: %s", b.s);
	strcpy(line, b.s);
	tap_ok(proto_unescape(line) && !strcmp(line, "a b%c\n\x7f\xc3\xa9="),
	       "unescape inverts escape");
	sbuf_reset(&b);
	proto_escape(&b, "");
	strcpy(line, b.s);
	tap_ok(!strcmp(b.s, "%-") && proto_unescape(line) && !line[0],
	       "empty value round trip");
	strcpy(line, "a%00b");
	tap_ok(!proto_unescape(line), "%%00 refused (no NUL smuggling)");
	strcpy(line, "a%4");
	tap_ok(!proto_unescape(line), "truncated escape refused");
	strcpy(line, "a%zz");
	tap_ok(!proto_unescape(line), "non-hex escape refused");

	strcpy(line, "ALLOW cloud-messaging analytics");
	n = proto_split(line, argv, PROTO_ARGS_MAX);
	tap_ok(n == 3 && !strcmp(argv[0], "ALLOW") &&
	       !strcmp(argv[2], "analytics"), "split a request");
	strcpy(line, "EXPLAIN tcp 192.0.2.1 443 name=a%20b");
	n = proto_split(line, argv, PROTO_ARGS_MAX);
	tap_ok(n == 5 && !strcmp(argv[4], "name=a b"), "split decodes tokens");
	strcpy(line, "ALLOW  x");
	tap_ok(proto_split(line, argv, PROTO_ARGS_MAX) < 0, "double space refused");
	strcpy(line, "ALLOW x ");
	tap_ok(proto_split(line, argv, PROTO_ARGS_MAX) < 0, "trailing space refused");
	strcpy(line, "");
	tap_ok(proto_split(line, argv, PROTO_ARGS_MAX) == 0, "empty line: no tokens");
	{
		struct sbuf many;

		sbuf_init(&many);
		sbuf_adds(&many, "ALLOW");
		for (i = 0; i < PROTO_ARGS_MAX; i++)
			sbuf_adds(&many, " p");
		tap_ok(proto_split(many.s, argv, PROTO_ARGS_MAX) < 0,
		       "too many tokens refused");
		sbuf_free(&many);
	}

	sbuf_reset(&b);
	rec_begin(&b, "purpose");
	rec_str(&b, "name", "ads");
	rec_str(&b, "description", "Ads & trackers: 100% \"bad\"\n");
	rec_u64(&b, "entries", 42);
	rec_str(&b, "empty", "");
	rec_end(&b);
	tap_ok(!strcmp(b.s, "purpose name=ads description=Ads%20&%20trackers:%20100%25%20\"bad\"%0A entries=42 empty=%-\n"),
	       "record format: %s", b.s);
	b.s[b.len - 1] = '\0';
	tap_ok(record_parse(b.s, &r) == 0 && r.n == 4 &&
	       !strcmp(r.type, "purpose") &&
	       !strcmp(record_get(&r, "description"), "Ads & trackers: 100% \"bad\"\n") &&
	       !strcmp(record_get(&r, "entries"), "42") &&
	       !strcmp(record_get(&r, "empty"), "") &&
	       !record_get(&r, "missing"), "record parse round trip");
	strcpy(line, "x novalue");
	tap_ok(record_parse(line, &r) < 0, "record with a key and no '=' refused");
	strcpy(line, "x =v");
	tap_ok(record_parse(line, &r) < 0, "record with an empty key refused");

	sbuf_reset(&b);
	proto_err(&b, PE_PURPOSE, "unknown purpose 'x'\nsecond line");
	tap_ok(!strcmp(b.s, "ERR purpose unknown purpose 'x' second line\n"),
	       "errors stay on one line");
	tap_ok(proto_err_parse("permission") == PE_PERM &&
	       proto_err_parse("nonsense") < 0, "error kinds parse");

	/* Typed values: every value says what it is (PROTOCOL.md, Values). */
	{
		static const struct { uint8_t kind; const char *v; } tv[] = {
			{ PK_NUM, "18446744073709551615" }, { PK_BOOL, "false" },
			{ PK_STR, "1" }, { PK_STR, "true" }, { PK_STR, "012" },
			{ PK_STR, "" },
		};
		size_t k;
		bool same = true;

		sbuf_reset(&b);
		rec_begin(&b, "t");
		for (k = 0; k < sizeof(tv) / sizeof(tv[0]); k++) {
			if (tv[k].kind == PK_NUM)
				rec_u64(&b, "k", strtoull(tv[k].v, NULL, 10));
			else if (tv[k].kind == PK_BOOL)
				rec_bool(&b, "k", !strcmp(tv[k].v, "true"));
			else
				rec_str(&b, "k", tv[k].v);
		}
		tap_ok(!strcmp(b.s, "t k=18446744073709551615 k=false k=%31 k=%74rue k=012 k=%-"),
		       "typed record format: %s", b.s);
		tap_ok(record_parse(b.s, &r) == 0 && r.n == 6, "typed record parses");
		for (k = 0; k < sizeof(tv) / sizeof(tv[0]) && k < (size_t)r.n; k++)
			same = same && r.kind[k] == tv[k].kind &&
			       !strcmp(r.val[k], tv[k].v);
		tap_ok(same, "numbers, booleans and strings that look like them keep their kind");
	}
	strcpy(line, "t n=18446744073709551616");
	tap_ok(record_parse(line, &r) == 0 && r.kind[0] == PK_STR,
	       "a number past UINT64_MAX reads as a string");
	strcpy(line, "T k=v");
	tap_ok(record_parse(line, &r) < 0, "record type outside [a-z0-9_] refused");
	strcpy(line, "t a b=v");
	tap_ok(record_parse(line, &r) < 0, "record key outside [a-z0-9_] refused");

	json_init(&j);
	json_obj(&j);
	json_key(&j, "s");
	json_str(&j, "q\"b\\\n\x01\xc3\xa9\xff");
	json_key(&j, "a");
	json_arr(&j);
	json_u64(&j, 12);
	json_str(&j, "012");
	json_str(&j, "x1");
	json_bool(&j, true);
	json_null(&j);
	json_obj(&j);
	json_obj_end(&j);
	json_arr_end(&j);
	json_obj_end(&j);
	tap_ok(!strcmp(j.out.s, "{\"s\":\"q\\\"b\\\\\\n\\u0001\xc3\xa9\\ufffd\",\"a\":[12,\"012\",\"x1\",true,null,{}]}"),
	       "JSON: escapes, invalid UTF-8 replaced, commas: %s", j.out.s);
	json_free(&j);
	sbuf_free(&b);
	return tap_done();
}
