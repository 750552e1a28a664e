// SPDX-License-Identifier: GPL-2.0 OR MIT
#include "proto.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const err_names[PE__MAX] = {
	[PE_USAGE] = "usage",
	[PE_PERM] = "permission",
	[PE_PURPOSE] = "purpose",
	[PE_RULES] = "rules",
	[PE_KERNEL] = "kernel",
	[PE_STATE] = "state",
	[PE_INTERNAL] = "internal",
	[PE_BUSY] = "busy",
};

const char *proto_err_name(enum proto_err e)
{
	return e < PE__MAX ? err_names[e] : "internal";
}

int proto_err_parse(const char *s)
{
	int i;

	for (i = 0; i < PE__MAX; i++)
		if (!strcmp(s, err_names[i]))
			return i;
	return -1;
}

void proto_escape(struct sbuf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	if (!*s) {
		/* An empty value still needs a token: %00 is never valid. */
		sbuf_adds(b, "%-");
		return;
	}
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= 0x20 || c == '%' || c >= 0x7f) {
			sbuf_addc(b, '%');
			sbuf_addc(b, hex[c >> 4]);
			sbuf_addc(b, hex[c & 15]);
		} else {
			sbuf_addc(b, (char)c);
		}
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool proto_unescape(char *s)
{
	char *o = s;

	if (!strcmp(s, "%-")) {
		*s = '\0';
		return true;
	}
	while (*s) {
		if (*s == '%') {
			int h = hexval(s[1]), l = h < 0 ? -1 : hexval(s[2]);

			if (h < 0 || l < 0 || (h == 0 && l == 0))
				return false;
			*o++ = (char)(h << 4 | l);
			s += 3;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return true;
}

int proto_split(char *line, char **argv, int max)
{
	int n = 0;
	char *s = line;

	while (*s) {
		char *sp = strchr(s, ' ');

		if (sp)
			*sp = '\0';
		if (!*s || n == max || !proto_unescape(s))
			return -1;
		argv[n++] = s;
		if (!sp)
			break;
		s = sp + 1;
		if (!*s)
			return -1;
	}
	return n;
}

void rec_begin(struct sbuf *b, const char *type)
{
	sbuf_adds(b, type);
}

/*
 * The kind of a value as written on the wire, before decoding: a number
 * is decimal digits without a leading zero, a boolean is true or false,
 * anything else is a string. rec_str() escapes the first byte of a string
 * that would read as one of the others, so every value says what it is.
 */
static enum proto_kind wire_kind(const char *v)
{
	const char *p = v;

	if (!strcmp(v, "true") || !strcmp(v, "false"))
		return PK_BOOL;
	if (*p == '0' && !p[1])
		return PK_NUM;
	if (*p < '1' || *p > '9')
		return PK_STR;
	while (*p >= '0' && *p <= '9')
		p++;
	/* At most 20 digits and no more than UINT64_MAX. */
	if (*p || p - v > 20 ||
	    (p - v == 20 && strcmp(v, "18446744073709551615") > 0))
		return PK_STR;
	return PK_NUM;
}

void rec_str(struct sbuf *b, const char *key, const char *val)
{
	if (!val)
		val = "";
	sbuf_printf(b, " %s=", key);
	if (*val && wire_kind(val) != PK_STR) {
		sbuf_printf(b, "%%%02X", (unsigned char)*val);
		if (!*++val)
			return;
	}
	proto_escape(b, val);
}

void rec_u64(struct sbuf *b, const char *key, uint64_t val)
{
	sbuf_printf(b, " %s=%" PRIu64, key, val);
}

void rec_bool(struct sbuf *b, const char *key, bool val)
{
	sbuf_printf(b, " %s=%s", key, val ? "true" : "false");
}

void rec_end(struct sbuf *b)
{
	sbuf_addc(b, '\n');
}

void proto_ok(struct sbuf *b)
{
	sbuf_adds(b, "OK\n");
}

void proto_err(struct sbuf *b, enum proto_err e, const char *fmt, ...)
{
	struct sbuf m;
	va_list ap;
	size_t i;

	sbuf_init(&m);
	va_start(ap, fmt);
	sbuf_vprintf(&m, fmt, ap);
	va_end(ap);
	/* The message ends the line: keep it one line. */
	for (i = 0; i < m.len; i++)
		if (m.s[i] == '\n' || m.s[i] == '\r')
			m.s[i] = ' ';
	sbuf_printf(b, "ERR %s %s\n", proto_err_name(e), m.s ? m.s : "");
	sbuf_free(&m);
}

/* Record types and keys: [a-z0-9_]+, as PROTOCOL.md says. */
static bool valid_name(const char *s, const char *end)
{
	if (s == end)
		return false;
	for (; s < end; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_'))
			return false;
	return true;
}

int record_parse(char *line, struct record *r)
{
	char *s = line;

	memset(r, 0, sizeof(*r));
	r->type = s;
	s = strchr(s, ' ');
	if (!valid_name(r->type, s ? s : r->type + strlen(r->type)))
		return -1;
	while (s) {
		char *eq;

		*s++ = '\0';
		if (r->n == PROTO_KV_MAX)
			return -1;
		eq = strchr(s, '=');
		if (!eq || !valid_name(s, eq))
			return -1;
		*eq = '\0';
		r->key[r->n] = s;
		r->val[r->n] = eq + 1;
		s = strchr(eq + 1, ' ');
		if (s)
			*s = '\0';
		r->kind[r->n] = (uint8_t)wire_kind(r->val[r->n]);
		if (!proto_unescape(r->val[r->n]))
			return -1;
		r->n++;
		if (s)
			*s = ' ';
	}
	return 0;
}

const char *record_get(const struct record *r, const char *key)
{
	int i;

	for (i = 0; i < r->n; i++)
		if (!strcmp(r->key[i], key))
			return r->val[i];
	return NULL;
}
