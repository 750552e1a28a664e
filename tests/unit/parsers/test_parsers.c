// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Unit tests of kmod/parse.c on bytes captured from real clients
 * (tests/captures, see capture.sh there) and on messages derived from them.
 * Every check compares the exact name, and every capture is also cut at
 * every byte offset: a prefix must answer "incomplete" until the bytes
 * holding the answer are in, then the same answer, never another name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "ref_sni.h"
#include "../../tap.h"
#include "../capture.h"


typedef enum cw_parse_result (*parser_fn)(const u8 *, u32, char *, u32 *);


static const char *rs(enum cw_parse_result r)
{
	return cw_parse_result_str(r);
}

/* Result and name of one call, name "" unless CW_PARSE_NAME. */
struct out {
	enum cw_parse_result r;
	char name[CW_NAME_MAX + 1];
	u32 len;
};

static struct out run(parser_fn fn, const u8 *p, u32 n)
{
	struct out o;
	/* A copy of exactly n bytes so ASan sees any read past the end. */
	u8 *c = malloc(n ? n : 1);

	memcpy(c, p, n);
	memset(&o, 0, sizeof(o));
	memset(o.name, 'X', sizeof(o.name));
	o.len = 12345;
	o.r = fn(c, n, o.name, &o.len);
	free(c);
	if (o.r != CW_PARSE_NAME)
		o.name[0] = '\0';
	return o;
}

static int same(const struct out *o, enum cw_parse_result r, const char *name)
{
	if (o->r != r)
		return 0;
	if (r != CW_PARSE_NAME)
		return 1;
	return o->len == strlen(name) && !strcmp(o->name, name);
}

static void check(parser_fn fn, const u8 *p, u32 n, enum cw_parse_result r,
		  const char *name, const char *what)
{
	struct out o = run(fn, p, n);

	if (!tap_ok(same(&o, r, name), "%s: %s %s", what, rs(r),
		    name ? name : ""))
		tap_diag("got %s '%s' len %u", rs(o.r), o.name, o.len);
}

/*
 * Every prefix of a message: "incomplete" below some length K, then the
 * message's own answer from K on. Returns K.
 */
static u32 check_prefixes(parser_fn fn, const u8 *p, u32 n,
			  enum cw_parse_result r, const char *name,
			  const char *what)
{
	u32 k, first = n + 1, bad = 0;

	for (k = 0; k <= n; k++) {
		struct out o = run(fn, p, k);

		if (o.r == CW_PARSE_INCOMPLETE && first > n)
			continue;
		if (first > n)
			first = k;
		if (!same(&o, r, name)) {
			if (!bad++)
				tap_diag("prefix %u: got %s '%s'", k, rs(o.r),
					 o.name);
		}
	}
	tap_ok(!bad && first <= n,
	       "%s: every prefix shorter than %u is incomplete, longer ones give %s",
	       what, first, rs(r));
	return first;
}

/* ---- TLS helpers -------------------------------------------------------- */

static enum cw_parse_result tls_oneshot(const u8 *p, u32 n, char *name,
					u32 *len)
{
	return cw_parse_tls(p, n, name, len);
}

/*
 * Feeds a stream the way the hook does: segment by segment, stepping over
 * what the parser does not need, copying the rest through a tiny scratch
 * buffer. cuts[] are the segment boundaries. *copied counts copied bytes.
 */
static enum cw_parse_result tls_hook(const u8 *p, u32 n, const u32 *cuts,
				     int ncuts, char *name, u32 *len,
				     u32 *copied)
{
	struct cw_tls_state st;
	enum cw_parse_result r = CW_PARSE_INCOMPLETE;
	u32 seg_start = 0;
	int i;

	cw_tls_init(&st);
	*copied = 0;
	for (i = 0; i <= ncuts; i++) {
		u32 seg_end = i < ncuts ? cuts[i] : n;
		u32 off = seg_start;

		while (off < seg_end && r == CW_PARSE_INCOMPLETE) {
			u8 scratch[64];
			u32 s = cw_tls_skippable(&st), c;

			if (s) {
				if (s > seg_end - off)
					s = seg_end - off;
				off += cw_tls_skip(&st, s);
				r = cw_tls_feed(&st, NULL, 0, name, len);
				continue;
			}
			c = seg_end - off < sizeof(scratch) ?
				seg_end - off : sizeof(scratch);
			memcpy(scratch, p + off, c);
			*copied += c;
			r = cw_tls_feed(&st, scratch, c, name, len);
			off += c;
		}
		seg_start = seg_end;
	}
	return cw_tls_feed(&st, NULL, 0, name, len);
}

/*
 * Rebuilds a captured single-record ClientHello: `pad` bytes of padding
 * extension (RFC 7685) inserted before the first extension (npad times),
 * the SNI extension optionally moved last (Chrome's shuffle can do that),
 * and the handshake message cut into records of at most recmax bytes.
 */
static u32 build_ch(const struct blob *cap, u32 pad, int npad, int sni_last,
		    u32 recmax, u8 *out, u32 outmax)
{
	const u8 *hs = cap->p + 5;
	u32 hslen = cap->n - 5, off = 4, exts, e, i;
	u8 *msg = malloc(hslen + npad * (pad + 4) + 16);
	u32 m = 0, extlen_at, o = 0;

	off += 2 + 32;
	off += 1 + hs[off];
	off += 2 + (hs[off] << 8 | hs[off + 1]);
	off += 1 + hs[off];
	exts = off + 2;
	memcpy(msg, hs, exts);
	m = exts;
	extlen_at = exts - 2;
	for (i = 0; i < (u32)npad; i++) {
		msg[m++] = 0;
		msg[m++] = 21;
		msg[m++] = pad >> 8;
		msg[m++] = pad & 0xff;
		memset(msg + m, 0, pad);
		m += pad;
	}
	for (int pass = 0; pass < 2; pass++) {
		for (e = exts; e + 4 <= hslen;) {
			u32 type = hs[e] << 8 | hs[e + 1];
			u32 l = hs[e + 2] << 8 | hs[e + 3];
			int is_sni = type == 0;

			if ((pass == 0 && !(is_sni && sni_last)) ||
			    (pass == 1 && is_sni && sni_last)) {
				memcpy(msg + m, hs + e, 4 + l);
				m += 4 + l;
			}
			e += 4 + l;
		}
	}
	msg[extlen_at] = (m - exts) >> 8;
	msg[extlen_at + 1] = (m - exts) & 0xff;
	msg[1] = (m - 4) >> 16;
	msg[2] = (m - 4) >> 8;
	msg[3] = (m - 4) & 0xff;
	for (i = 0; i < m; i += recmax) {
		u32 l = m - i < recmax ? m - i : recmax;

		if (o + 5 + l > outmax)
			break;
		out[o++] = 22;
		out[o++] = 3;
		out[o++] = 1;
		out[o++] = l >> 8;
		out[o++] = l & 0xff;
		memcpy(out + o, msg + i, l);
		o += l;
	}
	free(msg);
	return o;
}

static void tls_split_all(const u8 *p, u32 n, u32 k_name,
			  enum cw_parse_result want, const char *name,
			  const char *what)
{
	u32 k, bad = 0, copied, maxcopied = 0;

	for (k = 1; k < n; k++) {
		char got[CW_NAME_MAX + 1] = "";
		u32 len = 0, cut = k;
		struct cw_tls_state st;
		enum cw_parse_result r1, r2;

		/* Plain feeding: the first segment alone, then the rest. */
		cw_tls_init(&st);
		r1 = cw_tls_feed(&st, p, k, got, &len);
		r2 = cw_tls_feed(&st, p + k, n - k, got, &len);
		if (r1 != (k < k_name ? CW_PARSE_INCOMPLETE : want) ||
		    r2 != want || (want == CW_PARSE_NAME && strcmp(got, name))) {
			if (!bad++)
				tap_diag("split at %u: %s then %s '%s'", k,
					 rs(r1), rs(r2), got);
		}
		/* Hook-style feeding with skips. */
		got[0] = '\0';
		r2 = tls_hook(p, n, &cut, 1, got, &len, &copied);
		if (r2 != want || (want == CW_PARSE_NAME && strcmp(got, name))) {
			if (!bad++)
				tap_diag("hook split at %u: %s '%s'", k,
					 rs(r2), got);
		}
		if (copied > maxcopied)
			maxcopied = copied;
	}
	tap_ok(!bad, "%s: split into two segments at each of %u offsets: %s %s",
	       what, n - 1, rs(want), name ? name : "");
	tap_diag("%s: the hook copied at most %u of %u bytes", what, maxcopied,
		 n);
}

static void tls_bytewise(const u8 *p, u32 n, enum cw_parse_result want,
			 const char *name, const char *what)
{
	struct cw_tls_state st;
	char got[CW_NAME_MAX + 1] = "";
	u32 len = 0, i;
	enum cw_parse_result r = CW_PARSE_INCOMPLETE;

	cw_tls_init(&st);
	for (i = 0; i < n; i++)
		r = cw_tls_feed(&st, p + i, 1, got, &len);
	tap_ok(r == want && (want != CW_PARSE_NAME || !strcmp(got, name)),
	       "%s: fed one byte at a time: %s %s", what, rs(want),
	       name ? name : "");
}

/*
 * Randomized differential test against the naive reference (ref_sni.h):
 * mutated ClientHellos (bytes flipped, lengths nudged, records cut, cut
 * short) must give the same name, or no name, in both.
 */
static u32 rnd_state = 2463534242u;

static u32 rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

static void tls_differential(const u8 *p, u32 n, u32 rounds,
			     const char *what)
{
	static u8 m[CW_TLS_BUDGET + 100];
	u32 i, k, bad = 0, names = 0, len;

	if (n > sizeof(m))
		return;
	for (i = 0; i < rounds; i++) {
		char a[CW_NAME_MAX + 1], b[CW_NAME_MAX + 1];
		enum cw_parse_result r;
		u32 mn = n, flips = 1 + rnd() % 4;
		size_t rl;

		memcpy(m, p, n);
		for (k = 0; k < flips; k++) {
			u32 at = rnd() % n;

			switch (rnd() % 4) {
			case 0:
				m[at] = rnd();
				break;
			case 1:
				m[at]++;
				break;
			case 2:
				m[at]--;
				break;
			default:
				m[at] ^= 1u << (rnd() % 8);
			}
		}
		if (rnd() % 4 == 0)
			mn = rnd() % (n + 1);
		rl = ref_sni(m, mn, b);
		r = cw_parse_tls(m, mn, a, &len);
		if (rl)
			names++;
		if ((rl && (r != CW_PARSE_NAME || strcmp(a, b))) ||
		    (!rl && r == CW_PARSE_NAME)) {
			if (!bad++)
				tap_diag("round %u: parser %s '%s', reference '%s'",
					 i, rs(r), r == CW_PARSE_NAME ? a : "",
					 rl ? b : "");
		}
	}
	tap_ok(!bad, "%s: %u mutated ClientHellos agree with the naive reference (%u with a name)",
	       what, rounds, names);
}

/* Writes a minimal ClientHello with the given raw SNI bytes. */
static u32 tiny_ch(u8 *out, const char *sni, u32 snilen)
{
	u8 body[600];
	u32 b = 0, ext_at, i;

	body[b++] = 1;		/* ClientHello */
	b += 3;			/* length, below */
	body[b++] = 3;
	body[b++] = 3;
	memset(body + b, 0xab, 32);
	b += 32;
	body[b++] = 0;		/* session id */
	body[b++] = 0;
	body[b++] = 2;
	body[b++] = 0x13;
	body[b++] = 0x01;
	body[b++] = 1;
	body[b++] = 0;
	ext_at = b;
	b += 2;
	body[b++] = 0;		/* server_name */
	body[b++] = 0;
	body[b++] = (snilen + 5) >> 8;
	body[b++] = (snilen + 5) & 0xff;
	body[b++] = (snilen + 3) >> 8;
	body[b++] = (snilen + 3) & 0xff;
	body[b++] = 0;		/* host_name */
	body[b++] = snilen >> 8;
	body[b++] = snilen & 0xff;
	memcpy(body + b, sni, snilen);
	b += snilen;
	body[ext_at] = (b - ext_at - 2) >> 8;
	body[ext_at + 1] = (b - ext_at - 2) & 0xff;
	body[1] = 0;
	body[2] = (b - 4) >> 8;
	body[3] = (b - 4) & 0xff;
	out[0] = 22;
	out[1] = 3;
	out[2] = 1;
	out[3] = b >> 8;
	out[4] = b & 0xff;
	for (i = 0; i < b; i++)
		out[5 + i] = body[i];
	return b + 5;
}

static void test_tls(void)
{
	static const struct {
		const char *file, *name;
	} caps[] = {
		{ "tls13-openssl.bin", "example.xiaomi.net" },
		{ "tls12-openssl.bin", "example.xiaomi.net" },
		{ "tls13-openssl-ffdhe8192.bin", "example.xiaomi.net" },
		{ "tls13-curl.bin", "telemetry.xiaomi.net" },
		{ "tls12-curl.bin", "example.xiaomi.net" },
		{ "tls13-openssl-nosni.bin", NULL },
	};
	static u8 big[70000];
	char name[CW_NAME_MAX + 1];
	u32 i, n, k, len;
	struct blob ff;
	u8 buf[700];
	char sni[300];

	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		struct blob b = load(caps[i].file);
		enum cw_parse_result want = caps[i].name ? CW_PARSE_NAME :
							   CW_PARSE_NO_NAME;

		if (!tap_ok(b.n > 0, "%s loaded", caps[i].file))
			continue;
		check(tls_oneshot, b.p, b.n, want, caps[i].name, caps[i].file);
		k = check_prefixes(tls_oneshot, b.p, b.n, want, caps[i].name,
				   caps[i].file);
		tls_split_all(b.p, b.n, k, want, caps[i].name, caps[i].file);
		tls_bytewise(b.p, b.n, want, caps[i].name, caps[i].file);
		tls_differential(b.p, b.n, 20000, caps[i].file);
		/* The other parsers must not claim it. */
		check(cw_parse_http, b.p, b.n, CW_PARSE_NOT_PROTO, NULL,
		      "TLS bytes given to the HTTP parser");
		free(b.p);
	}

	/*
	 * A large ClientHello: openssl's 1 KiB ffdhe8192 key share, plus
	 * 1400 bytes of padding before the SNI, which is moved last: the SNI
	 * lies beyond a 1460-byte MSS, as with Chrome's ML-KEM key share and
	 * shuffled extensions.
	 */
	ff = load("tls13-openssl-ffdhe8192.bin");
	if (!ff.n)
		return;
	n = build_ch(&ff, 1400, 1, 1, 16384, big, sizeof(big));
	tap_diag("large ClientHello: %u bytes", n);
	check(tls_oneshot, big, n, CW_PARSE_NAME, "example.xiaomi.net",
	      "large ClientHello, SNI last");
	k = check_prefixes(tls_oneshot, big, n, CW_PARSE_NAME,
			   "example.xiaomi.net", "large ClientHello");
	tap_ok(k > 1460, "large ClientHello: SNI ends at byte %u, past one MSS",
	       k);
	tls_split_all(big, n, k, CW_PARSE_NAME, "example.xiaomi.net",
		      "large ClientHello");
	tls_bytewise(big, n, CW_PARSE_NAME, "example.xiaomi.net",
		     "large ClientHello");
	{
		/* Three MSS-sized segments, hook-style. */
		u32 cuts[2] = { 1448, 2896 }, copied;

		enum cw_parse_result r;

		len = 0;
		r = tls_hook(big, n, cuts, 2, name, &len, &copied);
		tap_ok(r == CW_PARSE_NAME &&
		       !strcmp(name, "example.xiaomi.net") && copied < n / 2,
		       "large ClientHello in 1448-byte segments via the hook's skips: name found, %u of %u bytes copied",
		       copied, n);
	}

	tls_differential(big, n, 5000, "large ClientHello");

	/* The same message fragmented into many small TLS records. */
	n = build_ch(&ff, 1400, 1, 1, 100, big, sizeof(big));
	tls_differential(big, n, 5000, "100-byte records");
	check(tls_oneshot, big, n, CW_PARSE_NAME, "example.xiaomi.net",
	      "ClientHello fragmented into 100-byte records");
	k = check_prefixes(tls_oneshot, big, n, CW_PARSE_NAME,
			   "example.xiaomi.net", "100-byte records");
	tls_split_all(big, n, k, CW_PARSE_NAME, "example.xiaomi.net",
		      "100-byte records");
	n = build_ch(&ff, 0, 0, 1, 1, big, sizeof(big));
	check(tls_oneshot, big, n, CW_PARSE_NAME, "example.xiaomi.net",
	      "ClientHello fragmented into 1-byte records");
	n = build_ch(&ff, 0, 0, 1, 100, big, sizeof(big));
	big[105] = 23;
	check(tls_oneshot, big, n, CW_PARSE_MALFORMED, NULL,
	      "application data record inside a ClientHello");
	n = build_ch(&ff, 0, 0, 1, 100, big, sizeof(big));
	big[108] = 0;
	big[109] = 0;
	check(tls_oneshot, big, n, CW_PARSE_MALFORMED, NULL,
	      "empty record inside a ClientHello");
	n = build_ch(&ff, 0, 0, 1, 100, big, sizeof(big));
	big[106] = 2;
	check(tls_oneshot, big, n, CW_PARSE_MALFORMED, NULL,
	      "record of version 2.x inside a ClientHello");

	/* Budget: SNI after 20000 bytes of padding is given up on. */
	n = build_ch(&ff, 10000, 2, 1, 16384, big, sizeof(big));
	check(tls_oneshot, big, n, CW_PARSE_OVER_BUDGET, NULL,
	      "SNI past CW_TLS_BUDGET: over budget");
	check(tls_oneshot, big, CW_TLS_BUDGET - 1, CW_PARSE_INCOMPLETE, NULL,
	      "one byte short of the budget: still incomplete");
	{
		/* A padding size that makes the SNI end exactly at the budget */
		u32 base = build_ch(&ff, 0, 0, 1, 16384, big, sizeof(big));
		u32 pad = CW_TLS_BUDGET - base - 4;

		n = build_ch(&ff, pad, 1, 1, 16384, big, sizeof(big));
		check(tls_oneshot, big, n, n <= CW_TLS_BUDGET ? CW_PARSE_NAME :
		      CW_PARSE_OVER_BUDGET, "example.xiaomi.net",
		      "SNI ending within the budget is found");
		tap_diag("budget-edge ClientHello: %u bytes", n);
		n = build_ch(&ff, pad + 1, 1, 1, 16384, big, sizeof(big));
		check(tls_oneshot, big, n, CW_PARSE_OVER_BUDGET, NULL,
		      "SNI ending one byte past the budget: over budget");
	}

	/* Synthetic edge cases on a minimal ClientHello. */
	n = tiny_ch(buf, "Api.Ad.XIAOMI.com", 17);
	check(tls_oneshot, buf, n, CW_PARSE_NAME, "api.ad.xiaomi.com",
	      "SNI is lower-cased");
	check_prefixes(tls_oneshot, buf, n, CW_PARSE_NAME,
		       "api.ad.xiaomi.com", "minimal ClientHello");
	n = tiny_ch(buf, "xiaomi.net.", 11);
	check(tls_oneshot, buf, n, CW_PARSE_NAME, "xiaomi.net",
	      "SNI trailing dot dropped");
	n = tiny_ch(buf, "xiaomi..net", 11);
	check(tls_oneshot, buf, n, CW_PARSE_NO_NAME, NULL, "empty label");
	n = tiny_ch(buf, ".xiaomi.net", 11);
	check(tls_oneshot, buf, n, CW_PARSE_NO_NAME, NULL, "leading dot");
	n = tiny_ch(buf, ".", 1);
	check(tls_oneshot, buf, n, CW_PARSE_NO_NAME, NULL, "SNI \".\"");
	n = tiny_ch(buf, "xiaomi.net\0evil", 15);
	check(tls_oneshot, buf, n, CW_PARSE_NO_NAME, NULL, "NUL inside SNI");
	n = tiny_ch(buf, "xiao mi.net", 11);
	check(tls_oneshot, buf, n, CW_PARSE_NO_NAME, NULL, "space inside SNI");
	n = tiny_ch(buf, "_dmarc.my-host.example", 22);
	check(tls_oneshot, buf, n, CW_PARSE_NAME, "_dmarc.my-host.example",
	      "underscore and hyphen allowed");
	memset(sni, 'a', sizeof(sni));
	memcpy(sni + 63, ".com", 4);
	n = tiny_ch(buf, sni, 67);
	check(tls_oneshot, buf, n, CW_PARSE_NAME,
	      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com",
	      "63-byte label accepted");
	memset(sni, 'a', sizeof(sni));
	memcpy(sni + 64, ".com", 4);
	n = tiny_ch(buf, sni, 68);
	check(tls_oneshot, buf, n, CW_PARSE_NO_NAME, NULL,
	      "64-byte label refused");
	for (i = 0; i < 254; i++)
		sni[i] = i % 2 ? '.' : 'a';
	sni[253] = 'a';
	n = tiny_ch(buf, sni, 254);
	name[0] = '\0';
	len = 0;
	tap_ok(cw_parse_tls(buf, n, name, &len) == CW_PARSE_NAME &&
	       len == 254 && !memcmp(name, sni, 254) && !name[254],
	       "SNI of CW_NAME_MAX bytes accepted whole");
	sni[254] = '.';
	n = tiny_ch(buf, sni, 255);
	tap_ok(cw_parse_tls(buf, n, name, &len) == CW_PARSE_NAME && len == 254,
	       "SNI of CW_NAME_MAX bytes plus a trailing dot accepted");
	sni[254] = 'a';
	n = tiny_ch(buf, sni, 255);
	check(tls_oneshot, buf, n, CW_PARSE_NO_NAME, NULL,
	      "SNI of CW_NAME_MAX + 1 bytes refused, not cut");
	n = tiny_ch(buf, sni, 256);
	check(tls_oneshot, buf, n, CW_PARSE_NO_NAME, NULL,
	      "SNI of 256 bytes refused");
	n = tiny_ch(buf, "", 0);
	check(tls_oneshot, buf, n, CW_PARSE_MALFORMED, NULL, "empty SNI");

	n = tiny_ch(buf, "xiaomi.net", 10);
	buf[5] = 2;
	check(tls_oneshot, buf, n, CW_PARSE_NOT_PROTO, NULL,
	      "ServerHello is not a ClientHello");
	n = tiny_ch(buf, "xiaomi.net", 10);
	buf[0] = 23;
	check(tls_oneshot, buf, n, CW_PARSE_NOT_PROTO, NULL,
	      "application data record");
	n = tiny_ch(buf, "xiaomi.net", 10);
	buf[3] = 0;
	buf[4] = 0;
	check(tls_oneshot, buf, n, CW_PARSE_NOT_PROTO, NULL,
	      "empty first record");
	n = tiny_ch(buf, "xiaomi.net", 10);
	buf[3] = 0x40;
	buf[4] = 1;
	check(tls_oneshot, buf, n, CW_PARSE_NOT_PROTO, NULL,
	      "record longer than 2^14");
	n = tiny_ch(buf, "xiaomi.net", 10);
	buf[8] = 0xff;		/* handshake length: far beyond the record */
	check(tls_oneshot, buf, n, CW_PARSE_NAME, "xiaomi.net",
	      "SNI inside a ClientHello whose end is not here yet");
	n = tiny_ch(buf, "xiaomi.net", 10);
	buf[8] = 60;		/* handshake length: ends inside the SNI */
	check(tls_oneshot, buf, n, CW_PARSE_MALFORMED, NULL,
	      "SNI running past the ClientHello's length");
	n = tiny_ch(buf, "xiaomi.net", 10);
	buf[50] = 0x80;		/* extensions length beyond the message */
	check(tls_oneshot, buf, n, CW_PARSE_MALFORMED, NULL,
	      "extensions running past the message");
	n = tiny_ch(buf, "xiaomi.net", 10);
	buf[n - 13] = 1;	/* name type: not host_name */
	check(tls_oneshot, buf, n, CW_PARSE_NO_NAME, NULL,
	      "server name of an unknown type");
	n = tiny_ch(buf, "xiaomi.net", 10);
	buf[n - 11] = 0x7f;	/* name length beyond the list */
	check(tls_oneshot, buf, n, CW_PARSE_MALFORMED, NULL,
	      "name length beyond the server name list");
	check(tls_oneshot, (const u8 *)"GET / HTTP/1.1\r\n", 16,
	      CW_PARSE_NOT_PROTO, NULL, "HTTP is not TLS");
	check(tls_oneshot, (const u8 *)"\x80\x2e\x01\x03\x01", 5,
	      CW_PARSE_NOT_PROTO, NULL, "SSLv2 hello is not parsed");

	{
		/* After the answer, more bytes change nothing. */
		struct cw_tls_state st;

		n = tiny_ch(buf, "xiaomi.net", 10);
		cw_tls_init(&st);
		cw_tls_feed(&st, buf, n, name, &len);
		name[0] = '\0';
		tap_ok(cw_tls_feed(&st, buf, n, name, &len) == CW_PARSE_NAME &&
		       !strcmp(name, "xiaomi.net") &&
		       cw_tls_skippable(&st) == 0,
		       "a done state keeps its answer");
		tap_diag("sizeof(struct cw_tls_state) = %zu", sizeof(st));
		tap_ok(sizeof(st) <= 320, "TLS state is %zu bytes", sizeof(st));
	}
	free(ff.p);
}

/* ---- DNS ---------------------------------------------------------------- */

/* A query for the given wire-format QNAME (with its root byte). */
static u32 dns_query(u8 *out, const u8 *qname, u32 qlen)
{
	static const u8 hdr[12] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0,
				    0, 0, 0, 0 };

	memcpy(out, hdr, 12);
	memcpy(out + 12, qname, qlen);
	memcpy(out + 12 + qlen, "\x00\x01\x00\x01", 4);
	return 16 + qlen;
}

static void test_dns(void)
{
	static const struct {
		const char *file, *name;
	} udp[] = {
		{ "dns-udp-dig-edns.bin", "example.xiaomi.net" },
		{ "dns-udp-dig-noedns.bin", "sdkconfig.ad.xiaomi.com" },
		{ "dns-udp-dig-https.bin", "tracking.intl.miui.com" },
		{ "dns-udp-glibc.bin.0", "resolver.msg.xiaomi.net" },
		{ "dns-udp-glibc.bin.1", "resolver.msg.xiaomi.net" },
	};
	u8 q[600], t[600];
	u8 wire[300];
	char want[300];
	u32 i, n, w;
	struct blob b;

	for (i = 0; i < ARRAY_SIZE(udp); i++) {
		b = load(udp[i].file);
		if (!tap_ok(b.n > 0, "%s loaded", udp[i].file))
			continue;
		check(cw_parse_dns_udp, b.p, b.n, CW_PARSE_NAME, udp[i].name,
		      udp[i].file);
		check_prefixes(cw_parse_dns_udp, b.p, b.n, CW_PARSE_NAME,
			       udp[i].name, udp[i].file);
		/* The same message over TCP, with its length prefix. */
		t[0] = b.n >> 8;
		t[1] = b.n & 0xff;
		memcpy(t + 2, b.p, b.n);
		check_prefixes(cw_parse_dns_tcp, t, b.n + 2, CW_PARSE_NAME,
			       udp[i].name, "same query over TCP");
		check(cw_parse_http, b.p, b.n, CW_PARSE_NOT_PROTO, NULL,
		      "DNS bytes given to the HTTP parser");
		free(b.p);
	}

	b = load("dns-tcp-dig.bin");
	if (tap_ok(b.n > 0, "dns-tcp-dig.bin loaded")) {
		check(cw_parse_dns_tcp, b.p, b.n, CW_PARSE_NAME,
		      "example.xiaomi.net", "dig +tcp");
		check_prefixes(cw_parse_dns_tcp, b.p, b.n, CW_PARSE_NAME,
			       "example.xiaomi.net", "dig +tcp");
		/* Two pipelined queries in one segment: the first counts. */
		memcpy(t, b.p, b.n);
		memcpy(t + b.n, b.p, b.n);
		check(cw_parse_dns_tcp, t, 2 * b.n, CW_PARSE_NAME,
		      "example.xiaomi.net", "two pipelined TCP queries");
		/* Length prefix shorter than the question: malformed. */
		memcpy(t, b.p, b.n);
		t[1] = 20;
		check(cw_parse_dns_tcp, t, b.n, CW_PARSE_MALFORMED, NULL,
		      "TCP length prefix ending inside the QNAME");
		t[1] = 11;
		check(cw_parse_dns_tcp, t, b.n, CW_PARSE_NOT_PROTO, NULL,
		      "TCP length prefix below a DNS header");
		free(b.p);
	}

	n = dns_query(q, (const u8 *)"\x03""ApI\x02""aD\x06""XiAoMi\x03""cOm", 19);
	check(cw_parse_dns_udp, q, n, CW_PARSE_NAME, "api.ad.xiaomi.com",
	      "DNS 0x20 mixed case is lower-cased");
	q[2] |= 0x80;
	check(cw_parse_dns_udp, q, n, CW_PARSE_NOT_PROTO, NULL,
	      "a response is not a query");
	n = dns_query(q, (const u8 *)"\x06xiaomi\x03net", 12);
	q[5] = 0;
	check(cw_parse_dns_udp, q, n, CW_PARSE_NO_NAME, NULL, "no question");
	n = dns_query(q, (const u8 *)"\xc0\x0c", 2);
	check(cw_parse_dns_udp, q, n, CW_PARSE_MALFORMED, NULL,
	      "compression pointer as QNAME refused");
	n = dns_query(q, (const u8 *)"\x03""api\xc0\x0c", 6);
	check(cw_parse_dns_udp, q, n, CW_PARSE_MALFORMED, NULL,
	      "compression pointer after a label refused");
	n = dns_query(q, (const u8 *)"\x46xiaomi", 7);
	check(cw_parse_dns_udp, q, n, CW_PARSE_MALFORMED, NULL,
	      "label length 0x46 (reserved 01 bits) refused");
	n = dns_query(q, (const u8 *)"", 1);
	check(cw_parse_dns_udp, q, n, CW_PARSE_NO_NAME, NULL, "root name");
	n = dns_query(q, (const u8 *)"\x0axiaomi.net", 12);
	check(cw_parse_dns_udp, q, n, CW_PARSE_NO_NAME, NULL,
	      "dot inside a label refused");
	n = dns_query(q, (const u8 *)"\x06xia mi\x03net", 12);
	check(cw_parse_dns_udp, q, n, CW_PARSE_NO_NAME, NULL,
	      "space inside a label refused");

	/* Longest legal QNAME: 255 wire bytes, 253 characters. */
	for (w = 0, i = 0; i < 3; i++) {
		wire[w++] = 63;
		memset(wire + w, 'a' + i, 63);
		w += 63;
	}
	wire[w++] = 61;
	memset(wire + w, 'd', 61);
	w += 61;
	wire[w++] = 0;
	n = dns_query(q, wire, w);
	for (i = 0, n = 0; i < 4; i++) {
		memset(want + n, 'a' + i, i < 3 ? 63 : 61);
		n += i < 3 ? 63 : 61;
		want[n++] = '.';
	}
	want[n - 1] = '\0';
	n = dns_query(q, wire, w);
	check(cw_parse_dns_udp, q, n, CW_PARSE_NAME, want,
	      "QNAME of 255 wire bytes (253 characters) accepted");
	wire[3 * 64] = 62;
	memset(wire + 3 * 64 + 1, 'd', 62);
	wire[3 * 64 + 63] = 0;
	n = dns_query(q, wire, w + 1);
	check(cw_parse_dns_udp, q, n, CW_PARSE_MALFORMED, NULL,
	      "QNAME of 256 wire bytes refused");
	n = dns_query(q, (const u8 *)"\x06xiaomi\x03net", 12);
	check(cw_parse_dns_udp, q, n - 4, CW_PARSE_INCOMPLETE, NULL,
	      "QNAME without QTYPE/QCLASS: incomplete");
	check(cw_parse_dns_udp, q, 5, CW_PARSE_INCOMPLETE, NULL,
	      "5-byte datagram: incomplete");
}

/* A query for QNAME (wire format) of type QTYPE. */
static u32 dns_query_type(u8 *out, const u8 *qname, u32 qlen, u16 qtype)
{
	u32 n = dns_query(out, qname, qlen);

	out[n - 4] = qtype >> 8;
	out[n - 3] = qtype & 0xff;
	return n;
}

static void attrleaf(const u8 *qname, u32 qlen, u16 qtype, const char *name,
		     const char *what)
{
	u8 q[300];
	u32 n = dns_query_type(q, qname, qlen, qtype);

	check(cw_parse_dns_udp, q, n, CW_PARSE_NAME, name, what);
}

/* A wire-format QNAME from a literal: its NUL is the root label. */
#define QN(s) (const u8 *)(s), sizeof(s)

static void test_dns_attrleaf(void)
{
	attrleaf(QN("\x05_8443\x06_https\x04push\x06xiaomi\x03net"),
		 65, "push.xiaomi.net", "HTTPS _8443._https.NAME is for NAME");
	attrleaf(QN("\x05_8443\x04_wss\x04push\x06xiaomi\x03net"),
		 64, "push.xiaomi.net", "SVCB _8443._wss.NAME is for NAME");
	attrleaf(QN("\x04_dns\x08resolver\x04""arpa"), 64,
		 "resolver.arpa", "SVCB _dns.NAME is for NAME");
	attrleaf(QN("\x05_8443\x06_HTTPS\x04Push\x06XiaoMi\x03net"),
		 65, "push.xiaomi.net", "attrleaf in mixed case");
	attrleaf(QN("\x05_8443\x06_https\x04push\x06xiaomi\x03net"),
		 1, "_8443._https.push.xiaomi.net",
		 "type A keeps its underscore labels");
	attrleaf(QN("\x06_dmarc\x06xiaomi\x03net"), 16,
		 "_dmarc.xiaomi.net", "TXT _dmarc.NAME keeps its label");
	attrleaf(QN("\x02_a\x02_b\x02_c\x06xiaomi\x03net"), 65,
		 "_c.xiaomi.net", "at most two attrleaf labels are skipped");
	attrleaf(QN("\x05_8443\x06_https"), 65, "_https",
		 "an attrleaf name with nothing after keeps its last label");
	attrleaf(QN("\x06_https"), 65, "_https",
		 "a lone attrleaf label is kept");
}

/* Where the first question of a query built by dns_query() ends. */
static u32 qend_of(const u8 *q)
{
	u32 off = 12;

	while (q[off])
		off += 1 + q[off];
	return off + 5;
}

/*
 * answer WHAT Q N RCODE EXPECT_RCODE EDNS: cw_dns_answer() on a copy of
 * the query Q[0, N): the header, the echoed question, the OPT record.
 */
static void answer(const char *what, const u8 *q, u32 n, u8 rcode,
		   u8 want_rcode, bool edns)
{
	u8 a[CW_DNS_ANSWER_MAX];
	u32 qend = qend_of(q), len;
	static const u8 opt[] = { 0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 6,
				  0, 15, 0, 2, 0, 15 };

	memset(a, 0xee, sizeof(a));
	memcpy(a, q, min_t(u32, n, sizeof(a)));
	len = cw_dns_answer(a, n, rcode);
	tap_ok(len == qend + (edns ? sizeof(opt) : 0),
	       "%s: answer of %u bytes (question ends at %u)", what, len, qend);
	tap_ok(a[0] == q[0] && a[1] == q[1], "%s: ID echoed", what);
	tap_ok(a[2] == (0x80 | (q[2] & 0x79)), "%s: QR set, opcode and RD kept, "
	       "AA and TC clear (0x%02x)", what, a[2]);
	tap_ok(a[3] == ((q[2] & 1 ? 0x80 : 0) | (q[3] & 0x10) | want_rcode),
	       "%s: RA as RD, CD kept, RCODE %u (0x%02x)", what, want_rcode,
	       a[3]);
	tap_ok(!memcmp(a + 4, edns ? "\0\1\0\0\0\0\0\1" : "\0\1\0\0\0\0\0\0", 8),
	       "%s: one question, no answer or authority, %s", what,
	       edns ? "one additional (OPT)" : "no additional");
	tap_ok(!memcmp(a + 12, q + 12, qend - 12),
	       "%s: the question echoed byte for byte", what);
	if (edns)
		tap_ok(!memcmp(a + qend, opt, sizeof(opt)),
		       "%s: OPT record with Extended DNS Error 15 (Blocked)",
		       what);
}

static void test_dns_answer(void)
{
	static const char *const files[] = {
		"dns-udp-dig-edns.bin", "dns-udp-dig-noedns.bin",
		"dns-udp-dig-https.bin", "dns-udp-glibc.bin.0",
	};
	u8 q[600], a[CW_DNS_ANSWER_MAX];
	u32 i, n;
	struct blob b;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		b = load(files[i]);
		if (!tap_ok(b.n > 0, "%s loaded", files[i]))
			continue;
		/* dig sends EDNS unless +noedns; glibc without "edns0" not */
		answer(files[i], b.p, b.n, CW_DNS_REFUSED, CW_DNS_REFUSED,
		       b.p[11] != 0);
		answer(files[i], b.p, b.n, CW_DNS_NXDOMAIN, CW_DNS_NXDOMAIN,
		       b.p[11] != 0);
		free(b.p);
	}

	n = dns_query(q, (const u8 *)"\x03""ApI\x02""aD\x06""XiAoMi\x03""cOm", 19);
	q[3] = 0x10;	/* CD */
	answer("mixed case, CD", q, n, CW_DNS_REFUSED, CW_DNS_REFUSED, false);
	q[2] = 0x00;	/* RD clear */
	answer("no recursion desired", q, n, CW_DNS_REFUSED, CW_DNS_REFUSED,
	       false);
	q[2] = 0x20 | 0x01;	/* opcode 4, NOTIFY */
	answer("NOTIFY is refused, never NXDOMAIN", q, n, CW_DNS_NXDOMAIN,
	       CW_DNS_REFUSED, false);

	/* An OPT record counts only as the one record after the question. */
	n = dns_query(q, (const u8 *)"\x04push\x06xiaomi\x03net", 17);
	memcpy(q + n, "\0\0\x29\x10\0\0\0\0\0\0\0", 11);
	q[11] = 1;
	answer("EDNS query", q, n + 11, CW_DNS_REFUSED, CW_DNS_REFUSED, true);
	answer("EDNS query cut after the OPT type", q, n + 3, CW_DNS_REFUSED,
	       CW_DNS_REFUSED, true);
	q[11] = 0;
	answer("OPT bytes but ARCOUNT 0", q, n + 11, CW_DNS_REFUSED,
	       CW_DNS_REFUSED, false);
	q[11] = 1;
	q[7] = 1;
	answer("a record before the OPT", q, n + 11, CW_DNS_REFUSED,
	       CW_DNS_REFUSED, false);
	q[7] = 0;

	/* Nothing to answer: each leaves 0. */
	memcpy(a, q, n);
	tap_ok(!cw_dns_answer(a, n - 1, CW_DNS_REFUSED),
	       "a question without its QCLASS is not answered");
	memcpy(a, q, n);
	a[2] |= 0x80;
	tap_ok(!cw_dns_answer(a, n, CW_DNS_REFUSED), "a response is not answered");
	memcpy(a, q, n);
	a[5] = 0;
	tap_ok(!cw_dns_answer(a, n, CW_DNS_REFUSED),
	       "a query without question is not answered");
	n = dns_query(q, (const u8 *)"\x03""api\xc0\x0c", 6);
	memcpy(a, q, n);
	tap_ok(!cw_dns_answer(a, n, CW_DNS_REFUSED),
	       "a compression pointer in the QNAME is not answered");
	tap_ok(!cw_dns_answer(a, 11, CW_DNS_REFUSED),
	       "11 bytes are not answered");
	n = dns_query(q, (const u8 *)"", 1);
	answer("a query for the root", q, n, CW_DNS_REFUSED, CW_DNS_REFUSED,
	       false);
}

/* ---- HTTP --------------------------------------------------------------- */

static void http(const char *req, enum cw_parse_result r, const char *name,
		 const char *what)
{
	check(cw_parse_http, (const u8 *)req, strlen(req), r, name, what);
}

/*
 * The request in two feeds, cut at every byte: the same answer as in one,
 * and a state that stops where the head ends. Returns the cuts that
 * disagreed.
 */
static u32 http_cuts(const u8 *p, u32 n)
{
	char name[CW_NAME_MAX + 1];
	enum cw_parse_result want = cw_parse_http(p, n, name, &(u32){ 0 });
	u32 k, bad = 0, u1, u2;

	for (k = 0; k <= n; k++) {
		struct cw_http_state st;
		enum cw_parse_result r;
		u8 *a = malloc(k ? k : 1), *b = malloc(n - k ? n - k : 1);

		memcpy(a, p, k);
		memcpy(b, p + k, n - k);
		cw_http_init(&st);
		cw_http_feed(&st, a, k, &u1);
		r = cw_http_feed(&st, b, n - k, &u2);
		if (r != want || (r == CW_PARSE_NAME &&
				  strcmp(st.val, name)) ||
		    (u1 < k && u2))
			bad++;
		free(a);
		free(b);
	}
	return bad;
}

/* The requests of a pipelined buffer, walked as the hook does: "a b -". */
static void http_walk(const char *buf, const char *want, const char *what)
{
	const u8 *p = (const u8 *)buf;
	u32 n = strlen(buf), off = 0, used, next;
	char got[512] = "";
	int i;

	for (i = 0; i < 8 && off < n; i++) {
		struct cw_http_state st;
		enum cw_parse_result r;

		cw_http_init(&st);
		r = cw_http_feed(&st, p + off, n - off, &used);
		if (*got)
			strcat(got, " ");
		strcat(got, r == CW_PARSE_NAME ? st.val :
			    r == CW_PARSE_NO_NAME ? "-" : cw_parse_result_str(r));
		next = cw_http_next(&st);
		if (!next)
			break;
		off += next;
	}
	if (!tap_ok(!strcmp(got, want), "pipelined: %s: %s", what, want))
		tap_diag("got %s", got);
}

static void test_http_stream(void)
{
	static const char * const reqs[] = {
		"GET /a HTTP/1.1\r\nUser-Agent: x\r\nHost: push.xiaomi.net:80\r\n\r\n",
		"CONNECT push.xiaomi.net:443 HTTP/1.1\r\nHost: ok.com\r\n\r\n",
		"GET http://u@push.xiaomi.net/x HTTP/1.0\nHost: ok.com\n\n",
		"POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc",
		"GET / HTTP/1.1\r\nHost:  \t push.xiaomi.net \t \r\n\r\n",
		"GET / HTTP/1.2\r\nHost: push.xiaomi.net\r\n\r\n",
	};
	char big[600];
	u32 i, used;
	struct cw_http_state st;

	for (i = 0; i < ARRAY_SIZE(reqs); i++)
		tap_ok(!http_cuts((const u8 *)reqs[i], strlen(reqs[i])),
		       "request %u in two feeds, cut anywhere: one answer", i);
	for (i = 0; i < 3; i++) {
		static const char * const f[] = { "http-curl.bin",
						  "http-curl-post.bin",
						  "http-curl-ipv6.bin" };
		struct blob b = load(f[i]);

		tap_ok(b.n && !http_cuts(b.p, b.n),
		       "%s in two feeds, cut anywhere: one answer", f[i]);
		free(b.p);
	}

	/* Trailing whitespace is no part of the value, however long. */
	strcpy(big, "GET / HTTP/1.1\r\nHost: push.xiaomi.net");
	i = strlen(big);
	memset(big + i, ' ', 400);
	strcpy(big + i + 400, "\r\n\r\n");
	http(big, CW_PARSE_NAME, "push.xiaomi.net",
	     "Host with 400 bytes of trailing whitespace");
	http("GET / HTTP/1.1\r\nHost: push.xiaomi.net\r \r\n\r\n",
	     CW_PARSE_NO_NAME, NULL, "a CR inside the Host value");
	http("GET / HTTP/1.1\r\nHost: push.xiaomi.net\r\r\n\r\n",
	     CW_PARSE_NO_NAME, NULL, "two CRs ending the Host value");
	http("GET http://ok.com push.xiaomi.net/ HTTP/1.1\r\n\r\n",
	     CW_PARSE_NAME, "ok.com", "a space ends the authority");
	http("GET /a b HTTP/1.1\r\nHost: push.xiaomi.net\r\n\r\n",
	     CW_PARSE_NAME, "push.xiaomi.net", "a space inside the path");

	/* The next request: after the head, and its Content-Length body. */
	http_walk("GET /1 HTTP/1.1\r\nHost: ok.com\r\n\r\n"
		  "GET /2 HTTP/1.1\r\nHost: push.xiaomi.net\r\n\r\n",
		  "ok.com push.xiaomi.net", "two GETs");
	http_walk("POST /1 HTTP/1.1\r\nHost: ok.com\r\nContent-Length: 5\r\n\r\n"
		  "GET /2POST /3 HTTP/1.1\r\nHost: x.com\r\nContent-length:  0 \r\n\r\n"
		  "PUT /4 HTTP/1.0\nHost: y.com\n\n",
		  "ok.com not this protocol", "a body that looks like a request");
	http_walk("POST /1 HTTP/1.1\r\nHost: ok.com\r\nContent-Length: 5\r\n\r\n"
		  "hello"
		  "POST /3 HTTP/1.1\r\nHost: x.com\r\nContent-length:  0 \r\n\r\n"
		  "PUT /4 HTTP/1.0\nHost: y.com\n\nGET / HTTP/1.1\r\n\r\n",
		  "ok.com x.com y.com -", "bodies of 5 and 0 bytes, LF lines");
	http_walk("POST /1 HTTP/1.1\r\nHost: ok.com\r\nTransfer-Encoding: chunked\r\n\r\n"
		  "0\r\n\r\nGET / HTTP/1.1\r\nHost: x.com\r\n\r\n",
		  "ok.com", "a chunked body: the next request is not known");
	http_walk("POST /1 HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\nHost: ok.com\r\n\r\n"
		  "xGET / HTTP/1.1\r\nHost: x.com\r\n\r\n",
		  "ok.com", "two Content-Lengths: not followed");
	http_walk("POST /1 HTTP/1.1\r\nContent-Length: 1 2\r\nHost: ok.com\r\n\r\n"
		  "xGET / HTTP/1.1\r\nHost: x.com\r\n\r\n",
		  "ok.com", "Content-Length 1 2: not followed");
	http_walk("POST /1 HTTP/1.1\r\nContent-Length: 99999999999\r\nHost: ok.com\r\n\r\n"
		  "xGET / HTTP/1.1\r\nHost: x.com\r\n\r\n",
		  "ok.com", "Content-Length past 2 GiB: not followed");
	http_walk("GET /1 HTTP/1.1\r\nHost: ok.com\r\n\r\nGET /2 HTTP/1.1\r\nHost: x.c",
		  "ok.com incomplete", "the last head goes on");
	cw_http_init(&st);
	cw_http_feed(&st, (const u8 *)"GET / HTTP/1.1\r\n\r\nGET", 21, &used);
	tap_ok(used == 18 && cw_http_next(&st) == 18,
	       "the feed stops at the head's end (used %u, next %u)", used,
	       cw_http_next(&st));
	cw_http_init(&st);
	cw_http_feed(&st, (const u8 *)"GET / HTTP/1.1\r\nHost: a.com\r\n", 29, &used);
	tap_ok(st.result == CW_PARSE_NAME && !cw_http_next(&st),
	       "a head not ended yet: no next request");

	/* What a segment in the middle of a stream is asked. */
	tap_ok(cw_http_may_start((const u8 *)"GET /", 5) &&
	       cw_http_may_start((const u8 *)"G", 1) &&
	       cw_http_may_start((const u8 *)"OPTIO", 5) &&
	       cw_http_may_start((const u8 *)"CONNECT a", 9),
	       "may start a request: a method, or the start of one");
	tap_ok(!cw_http_may_start((const u8 *)"GETX", 4) &&
	       !cw_http_may_start((const u8 *)"HTTP/1.1 200", 12) &&
	       !cw_http_may_start((const u8 *)"\x17\x03\x03", 3) &&
	       !cw_http_may_start((const u8 *)"get /", 5),
	       "may not start a request: anything else");
}

static void test_http(void)
{
	static const struct {
		const char *file, *name;
	} caps[] = {
		{ "http-curl.bin", "example.xiaomi.net" },
		{ "http-curl-post.bin", "api.ad.xiaomi.com" },
		{ "http-curl-ipv6.bin", NULL },
	};
	static char bigreq[CW_HTTP_BUDGET + 200];
	u32 i, k, n;

	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		struct blob b = load(caps[i].file);
		enum cw_parse_result want = caps[i].name ? CW_PARSE_NAME :
							   CW_PARSE_NO_NAME;

		if (!tap_ok(b.n > 0, "%s loaded", caps[i].file))
			continue;
		check(cw_parse_http, b.p, b.n, want, caps[i].name,
		      caps[i].file);
		k = check_prefixes(cw_parse_http, b.p, b.n, want,
				   caps[i].name, caps[i].file);
		tap_diag("%s: answer known after %u of %u bytes", caps[i].file,
			 k, b.n);
		check(tls_oneshot, b.p, b.n, CW_PARSE_NOT_PROTO, NULL,
		      "HTTP bytes given to the TLS parser");
		free(b.p);
	}

	http("GET / HTTP/1.1\r\nhost: Push.XIAOMI.net\r\n\r\n", CW_PARSE_NAME,
	     "push.xiaomi.net", "lower-case header name, mixed-case value");
	http("GET / HTTP/1.1\r\nHOST:\t push.xiaomi.net \t\r\n\r\n",
	     CW_PARSE_NAME, "push.xiaomi.net", "whitespace around the value");
	http("POST /x HTTP/1.0\nUser-Agent: a\nHost: push.xiaomi.net:8080\n\n",
	     CW_PARSE_NAME, "push.xiaomi.net", "LF line ends, port stripped");
	http("GET / HTTP/1.1\r\nHost: push.xiaomi.net.\r\n\r\n", CW_PARSE_NAME,
	     "push.xiaomi.net", "trailing dot dropped");
	http("GET / HTTP/1.1\r\nHost: push.xiaomi.net:\r\n\r\n",
	     CW_PARSE_NO_NAME, NULL, "empty port");
	http("GET / HTTP/1.1\r\nHost: push.xiaomi.net:80a\r\n\r\n",
	     CW_PARSE_NO_NAME, NULL, "port with a letter");
	http("GET / HTTP/1.1\r\nHost: push.xiaomi.net:123456\r\n\r\n",
	     CW_PARSE_NO_NAME, NULL, "six-digit port");
	http("GET / HTTP/1.1\r\nHost: [2001:db8::1]:80\r\n\r\n",
	     CW_PARSE_NO_NAME, NULL, "IPv6 literal with port");
	http("GET / HTTP/1.1\r\nHost: [2001:db8::1]\r\n\r\n",
	     CW_PARSE_NO_NAME, NULL, "IPv6 literal");
	http("GET / HTTP/1.1\r\nHost: 2001:db8::1\r\n\r\n",
	     CW_PARSE_NO_NAME, NULL, "bare IPv6 literal");
	http("GET / HTTP/1.1\r\nHost: \r\n\r\n", CW_PARSE_NO_NAME, NULL,
	     "empty Host");
	http("GET / HTTP/1.1\r\nHost: a b.com\r\n\r\n", CW_PARSE_NO_NAME, NULL,
	     "space inside the name");
	http("GET / HTTP/1.1\r\nHost: push.xiaomi.net/evil\r\n\r\n",
	     CW_PARSE_NO_NAME, NULL, "slash inside the name");
	http("GET / HTTP/1.1\r\nAccept: */*\r\n\r\nHost: x.com\r\n",
	     CW_PARSE_NO_NAME, NULL, "Host after the end of the headers");
	http("GET / HTTP/1.1\r\nX-Host: evil.com\r\nHostname: evil.com\r\n"
	     "Host : evil.com\r\nHost: good.com\r\n\r\n", CW_PARSE_NAME,
	     "good.com", "only a header named exactly Host counts");
	http("GET / HTTP/1.1\r\nHost: first.com\r\nHost: second.com\r\n\r\n",
	     CW_PARSE_NAME, "first.com", "first Host counts");
	http("GET / HTTP/1.1\r\nHost: push.xiaomi.net\r\n", CW_PARSE_NAME,
	     "push.xiaomi.net", "headers continue in a later segment");
	http("GET / HTTP/1.1\r\nUser-Agent: x\r\n", CW_PARSE_INCOMPLETE, NULL,
	     "no Host yet, headers not ended");
	http("GET / HTTP/1.1\r\nHost: push.xia", CW_PARSE_INCOMPLETE, NULL,
	     "Host line cut");
	http("GE", CW_PARSE_INCOMPLETE, NULL, "method cut");
	http("", CW_PARSE_INCOMPLETE, NULL, "empty");
	http("get / HTTP/1.1\r\nHost: x.com\r\n\r\n", CW_PARSE_NOT_PROTO, NULL,
	     "methods are case-sensitive");
	http("BREW / HTTP/1.1\r\nHost: x.com\r\n\r\n", CW_PARSE_NOT_PROTO,
	     NULL, "unknown method");
	http("GET /\r\nHost: x.com\r\n\r\n", CW_PARSE_NOT_PROTO, NULL,
	     "no HTTP version");
	http("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", CW_PARSE_NOT_PROTO, NULL,
	     "HTTP/2 preface");
	http("GET / HTTP/1.2\r\nHost: x.com\r\n\r\n", CW_PARSE_NOT_PROTO, NULL,
	     "HTTP/1.2");
	http("SSH-2.0-OpenSSH_9.2\r\n", CW_PARSE_NOT_PROTO, NULL, "SSH");
	http("CONNECT push.xiaomi.net:443 HTTP/1.1\r\nHost: push.xiaomi.net:443\r\n\r\n",
	     CW_PARSE_NAME, "push.xiaomi.net", "CONNECT");
	http("CONNECT push.xiaomi.net:443 HTTP/1.1\r\nHost: ok.com\r\n\r\n",
	     CW_PARSE_NAME, "push.xiaomi.net", "CONNECT target wins over Host");
	http("CONNECT push.xiaomi.net:443 HTTP/1.1\r\n", CW_PARSE_NAME,
	     "push.xiaomi.net", "CONNECT: the request line is enough");
	http("GET HTTP://Push.Xiaomi.NET:8080/a?b HTTP/1.1\r\nHost: ok.com\r\n\r\n",
	     CW_PARSE_NAME, "push.xiaomi.net",
	     "absolute-form target wins over Host");
	http("GET https://push.xiaomi.net HTTP/1.1\r\n\r\n", CW_PARSE_NAME,
	     "push.xiaomi.net", "absolute-form target without path");
	http("GET http://u:p@ok.com@push.xiaomi.net/ HTTP/1.1\r\nHost: ok.com\r\n\r\n",
	     CW_PARSE_NAME, "push.xiaomi.net", "userinfo skipped (last @)");
	http("GET http://[2001:db8::1]/ HTTP/1.1\r\nHost: ok.com\r\n\r\n",
	     CW_PARSE_NO_NAME, NULL, "absolute-form IPv6 literal");
	http("GET http:/push.xiaomi.net/ HTTP/1.1\r\nHost: ok.com\r\n\r\n",
	     CW_PARSE_NAME, "ok.com", "not an absolute-form target: Host");
	http("OPTIONS * HTTP/1.1\r\nHost: push.xiaomi.net\r\n\r\n",
	     CW_PARSE_NAME, "push.xiaomi.net", "asterisk-form: Host");

	/* Host after 4 KiB of headers, then near the budget, then past it. */
	strcpy(bigreq, "GET / HTTP/1.1\r\nCookie: ");
	memset(bigreq + strlen(bigreq), 'c', 4096);
	strcpy(bigreq + 4096, "\r\nHost: x.com\r\n\r\n");
	http(bigreq, CW_PARSE_NAME, "x.com", "Host after 4 KiB of headers");
	strcpy(bigreq, "GET / HTTP/1.1\r\nCookie: ");
	n = CW_HTTP_BUDGET - strlen("\r\nHost: x.com\r\n");
	memset(bigreq + strlen(bigreq), 'c', n);
	strcpy(bigreq + n, "\r\nHost: x.com\r\n\r\n");
	http(bigreq, CW_PARSE_NAME, "x.com",
	     "Host line ending at the budget's last byte");
	bigreq[n] = 'c';
	strcpy(bigreq + n + 1, "\r\nHost: x.com\r\n\r\n");
	http(bigreq, CW_PARSE_OVER_BUDGET, NULL,
	     "Host line ending one byte past the budget: over budget");
	memset(bigreq, 'c', CW_HTTP_BUDGET + 64);
	memcpy(bigreq, "GET /", 5);
	http(bigreq, CW_PARSE_OVER_BUDGET, NULL,
	     "a request line longer than the budget: over budget");
}

static void test_names(void)
{
	char out[CW_NAME_MAX + 1];

	tap_ok(cw_name_normalize("A.B-C_D.", 8, out) == 7 &&
	       !strcmp(out, "a.b-c_d"), "normalize: case, trailing dot");
	tap_ok(!cw_name_normalize("a..", 3, out) && !out[0],
	       "normalize: two trailing dots refused, output emptied");
	tap_ok(!cw_name_normalize("", 0, out), "normalize: empty refused");
	tap_ok(!cw_name_normalize("\xc3\xa9.com", 6, out),
	       "normalize: non-ASCII refused");
	tap_ok(!cw_name_normalize("a*.com", 6, out), "normalize: * refused");
}

int main(void)
{
	test_names();
	test_tls();
	test_dns();
	test_dns_attrleaf();
	test_dns_answer();
	test_http();
	test_http_stream();
	return tap_done();
}
