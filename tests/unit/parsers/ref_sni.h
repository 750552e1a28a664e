/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A deliberately naive reference SNI extractor, for differential tests of
 * the resumable parser in kmod/parse.c: it first glues the TLS records
 * together into one buffer, then walks the ClientHello with plain offsets,
 * checking each field against the data and against every enclosing length.
 * No state machine, no streaming, its own name check. Shared by the unit
 * tests and the TLS fuzz harness.
 */
#ifndef _CW_REF_SNI_H
#define _CW_REF_SNI_H

#include <string.h>

#include "parse.h"

static u8 ref_hs[CW_TLS_BUDGET];

/* [o, o + n) lies within both end and the bytes we have. */
static inline int ref_fits(size_t o, size_t n, size_t end, size_t have)
{
	return o + n <= end && o + n <= have;
}

static inline int ref_host_ok(const u8 *s, size_t n)
{
	size_t i, label = 0;

	if (n && s[n - 1] == '.')
		n--;
	if (!n || n > CW_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (!label)
				return 0;
			label = 0;
		} else if (strchr("abcdefghijklmnopqrstuvwxyz"
				  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_",
				  s[i]) && s[i]) {
			if (++label > 63)
				return 0;
		} else {
			return 0;
		}
	}
	return label > 0;
}

/*
 * Returns the length of the SNI host name the first CW_TLS_BUDGET bytes of
 * the stream carry (lower-cased into out, NUL-terminated), or 0.
 */
static inline size_t ref_sni(const u8 *p, size_t n, char *out)
{
	size_t off = 0, h = 0, o, end, exts_end, ext_end, list_end, l, i;

	if (n > CW_TLS_BUDGET)
		n = CW_TLS_BUDGET;
	/* Glue the handshake records; stop at the first bad header. */
	while (off + 5 <= n) {
		size_t rl = (size_t)p[off + 3] << 8 | p[off + 4];

		if (p[off] != 22 || p[off + 1] != 3 || p[off + 2] > 4 ||
		    rl == 0 || rl > 16384)
			break;
		off += 5;
		l = rl < n - off ? rl : n - off;
		memcpy(ref_hs + h, p + off, l);
		h += l;
		off += l;
	}
	if (h < 4 || ref_hs[0] != 1)
		return 0;
	end = 4 + ((size_t)ref_hs[1] << 16 | ref_hs[2] << 8 | ref_hs[3]);
	o = 4;
	if (!ref_fits(o, 2, end, h) || ref_hs[o] != 3)
		return 0;
	o += 2 + 32;			/* version, random */
	if (!ref_fits(o, 1, end, h) || ref_hs[o] > 32)
		return 0;
	o += 1 + ref_hs[o];		/* session id */
	if (!ref_fits(o, 2, end, h))
		return 0;
	l = ref_hs[o] << 8 | ref_hs[o + 1];
	if (l < 2 || l % 2)
		return 0;
	o += 2 + l;			/* cipher suites */
	if (!ref_fits(o, 1, end, h) || !ref_hs[o])
		return 0;
	o += 1 + ref_hs[o];		/* compression methods */
	if (!ref_fits(o, 2, end, h))
		return 0;
	exts_end = o + 2 + (ref_hs[o] << 8 | ref_hs[o + 1]);
	if (exts_end > end)
		return 0;
	for (o += 2; ref_fits(o, 4, exts_end, h);) {
		unsigned int type = ref_hs[o] << 8 | ref_hs[o + 1];

		ext_end = o + 4 + (ref_hs[o + 2] << 8 | ref_hs[o + 3]);
		if (ext_end > exts_end)
			return 0;
		if (type != 0) {
			o = ext_end;
			continue;
		}
		o += 4;
		if (!ref_fits(o, 2, ext_end, h))
			return 0;
		list_end = o + 2 + (ref_hs[o] << 8 | ref_hs[o + 1]);
		if (list_end > ext_end)
			return 0;
		o += 2;
		if (!ref_fits(o, 3, list_end, h) || ref_hs[o] != 0)
			return 0;
		l = ref_hs[o + 1] << 8 | ref_hs[o + 2];
		o += 3;
		if (!ref_fits(o, l, list_end, h) || !ref_host_ok(ref_hs + o, l))
			return 0;
		if (ref_hs[o + l - 1] == '.')
			l--;
		for (i = 0; i < l; i++) {
			char c = ref_hs[o + i];

			out[i] = c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
		}
		out[l] = '\0';
		return l;
	}
	return 0;
}

#endif /* _CW_REF_SNI_H */
