/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A deliberately naive reference of cw_parse_http() for the fuzzer: the
 * whole request in one buffer, each rule of parse.h written out as
 * directly as it reads (find the line, cut it, compare), no state, no
 * budget. It must agree with the resumable parser on every input shorter
 * than CW_HTTP_BUDGET.
 */
#ifndef _CW_REF_HTTP_H
#define _CW_REF_HTTP_H

#include <ctype.h>
#include <string.h>

#include "parse.h"

/* A host name by the rules of parse.h, or 0. */
static inline u32 ref_http_name(const u8 *v, u32 n, char *out)
{
	u32 i, label = 0;

	if (n && v[n - 1] == '.')
		n--;
	if (!n || n > CW_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		char c = tolower(v[i]);

		if (c == '.') {
			if (!label)
				return 0;
			label = 0;
		} else if (isalnum((unsigned char)c) || c == '-' || c == '_') {
			if (++label > 63)
				return 0;
		} else {
			return 0;
		}
		out[i] = c;
	}
	out[n] = '\0';
	return label ? n : 0;
}

/* host[:port], port 1 to 5 digits; no IPv6 literal. */
static inline enum cw_parse_result ref_http_host(const u8 *v, u32 n, char *out)
{
	const u8 *colon = memchr(v, ':', n);
	u32 host = colon ? (u32)(colon - v) : n, i;

	if (!n || v[0] == '[')
		return CW_PARSE_NO_NAME;
	if (colon) {
		if (n - host - 1 < 1 || n - host - 1 > 5)
			return CW_PARSE_NO_NAME;
		for (i = host + 1; i < n; i++)
			if (!isdigit(v[i]))
				return CW_PARSE_NO_NAME;
	}
	return ref_http_name(v, host, out) ? CW_PARSE_NAME : CW_PARSE_NO_NAME;
}

static inline enum cw_parse_result ref_http(const u8 *p, u32 n, char *out)
{
	static const char * const methods[] = {
		"GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "OPTIONS ",
		"PATCH ", "CONNECT ", "TRACE ",
	};
	u32 i, m = 0, ml, end, eol, off, t, tn, a, an;
	const u8 *lf;

	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		ml = strlen(methods[i]);
		if (n >= ml && !memcmp(p, methods[i], ml))
			m = ml;
		else if (n < ml && !memcmp(p, methods[i], n))
			return CW_PARSE_INCOMPLETE;
	}
	if (!m)
		return CW_PARSE_NOT_PROTO;
	lf = memchr(p, '\n', n);
	if (!lf)
		return CW_PARSE_INCOMPLETE;
	eol = lf - p;
	end = eol && p[eol - 1] == '\r' ? eol - 1 : eol;
	if (end < m + 10 || memcmp(p + end - 9, " HTTP/1.", 8) ||
	    (p[end - 1] != '0' && p[end - 1] != '1'))
		return CW_PARSE_NOT_PROTO;
	/* the target, and the authority it may name */
	t = m;
	tn = end - 9 - m;
	a = 0;
	if (p[0] == 'C')
		a = t;
	else if (tn >= 7 && !strncasecmp((const char *)p + t, "http://", 7))
		a = t + 7;
	else if (tn >= 8 && !strncasecmp((const char *)p + t, "https://", 8))
		a = t + 8;
	if (a) {
		for (an = 0; a + an < t + tn; an++)
			if (memchr("/?# ", p[a + an], 4))
				break;
		for (i = an; i > 0; i--)
			if (p[a + i - 1] == '@')
				break;
		return ref_http_host(p + a + i, an - i, out);
	}
	for (off = eol + 1;; off = eol + 1) {
		lf = memchr(p + off, '\n', n - off);
		if (!lf)
			return CW_PARSE_INCOMPLETE;
		eol = lf - p;
		end = eol > off && p[eol - 1] == '\r' ? eol - 1 : eol;
		if (end == off)
			return CW_PARSE_NO_NAME;
		if (end - off < 5 || strncasecmp((const char *)p + off, "host:", 5))
			continue;
		off += 5;
		while (off < end && (p[off] == ' ' || p[off] == '\t'))
			off++;
		while (end > off && (p[end - 1] == ' ' || p[end - 1] == '\t'))
			end--;
		return ref_http_host(p + off, end - off, out);
	}
}

#endif /* _CW_REF_HTTP_H */
