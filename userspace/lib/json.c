// SPDX-License-Identifier: GPL-2.0 OR MIT
#include "json.h"

#include <inttypes.h>
#include <string.h>

void json_init(struct json *j)
{
	memset(j, 0, sizeof(*j));
	sbuf_init(&j->out);
}

void json_free(struct json *j)
{
	sbuf_free(&j->out);
}

static void value_start(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->need_comma[j->depth])
		sbuf_addc(&j->out, ',');
	j->need_comma[j->depth] = true;
}

/* Not open(): that name belongs to open(2). */
static void container_open(struct json *j, char c)
{
	value_start(j);
	sbuf_addc(&j->out, c);
	if (j->depth < 31)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void container_close(struct json *j, char c)
{
	sbuf_addc(&j->out, c);
	if (j->depth > 0)
		j->depth--;
}

void json_obj(struct json *j) { container_open(j, '{'); }
void json_obj_end(struct json *j) { container_close(j, '}'); }
void json_arr(struct json *j) { container_open(j, '['); }
void json_arr_end(struct json *j) { container_close(j, ']'); }

/* Length of a valid UTF-8 sequence at s, or 0. */
static int utf8_len(const unsigned char *s)
{
	int n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static void put_str(struct sbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	sbuf_addc(b, '"');
	while (*p) {
		int n;

		if (*p == '"' || *p == '\\') {
			sbuf_addc(b, '\\');
			sbuf_addc(b, (char)*p++);
		} else if (*p == '\n') {
			sbuf_adds(b, "\\n");
			p++;
		} else if (*p < 0x20 || *p == 0x7f) {
			sbuf_printf(b, "\\u%04x", *p++);
		} else if ((n = utf8_len(p)) > 0) {
			sbuf_add(b, p, (size_t)n);
			p += n;
		} else {
			sbuf_adds(b, "\\ufffd");
			p++;
		}
	}
	sbuf_addc(b, '"');
}

void json_key(struct json *j, const char *k)
{
	value_start(j);
	put_str(&j->out, k);
	sbuf_addc(&j->out, ':');
	j->after_key = true;
}

void json_str(struct json *j, const char *s)
{
	value_start(j);
	put_str(&j->out, s ? s : "");
}

void json_u64(struct json *j, uint64_t v)
{
	value_start(j);
	sbuf_printf(&j->out, "%" PRIu64, v);
}

void json_bool(struct json *j, bool v)
{
	value_start(j);
	sbuf_adds(&j->out, v ? "true" : "false");
}

void json_null(struct json *j)
{
	value_start(j);
	sbuf_adds(&j->out, "null");
}
