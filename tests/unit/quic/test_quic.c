// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Unit tests of kmod/quic.c, compiled as is, with OpenSSL as the crypto
 * provider: the RFC 9001 and RFC 9369 appendix A vectors, Initials captured
 * from Debian's ngtcp2 client (tests/captures/capture.sh), and Initials
 * built here from a decrypted capture: the ClientHello cut into CRYPTO
 * frames sent in shuffled order over several packets, with the frames a
 * client may mix in. Packets built here are sealed with OpenSSL's own
 * AES-128-GCM, so the parser's GCM is checked against another one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "quic.h"
#include "ossl.h"
#include "../../tap.h"
#include "../capture.h"


/* --- helpers ----------------------------------------------------------- */


static u32 unhex(const char *h, u8 *out)
{
	u32 n = 0;
	unsigned int v;

	while (h[0] && h[1] && sscanf(h, "%2x", &v) == 1) {
		out[n++] = (u8)v;
		h += 2;
	}
	return n;
}

static int eqhex(const u8 *p, const char *h)
{
	u8 want[256];
	u32 n = unhex(h, want);

	return !memcmp(p, want, n);
}

static struct cw_quic_state *st;
static char name[CW_NAME_MAX + 1];
static u32 name_len;

/* Feeds a private copy of exactly n bytes (so ASan sees any overrun). */
static enum cw_parse_result feed(const u8 *p, u32 n)
{
	u8 *c = malloc(n ? n : 1);
	enum cw_parse_result r;

	memcpy(c, p, n);
	name[0] = '\0';
	name_len = 0;
	r = cw_quic_feed(st, &prov, c, n, name, &name_len);
	free(c);
	if (r != CW_PARSE_NAME)
		name[0] = '\0';
	return r;
}

static enum cw_parse_result feed_new(const u8 *p, u32 n)
{
	cw_quic_init(st);
	return feed(p, n);
}

static int is_name(enum cw_parse_result r, const char *want)
{
	return r == CW_PARSE_NAME && !strcmp(name, want) &&
	       name_len == strlen(want);
}

static const char *rs(enum cw_parse_result r)
{
	return cw_parse_result_str(r);
}

/*
 * The ClientHello of a capture, decrypted by the parser itself: the state
 * keeps every CRYPTO byte it saw.
 */
static u32 client_hello(const char *const *files, int nfiles, u8 *out)
{
	int i;

	cw_quic_init(st);
	for (i = 0; i < nfiles; i++) {
		struct blob b = load(files[i]);

		feed(b.p, b.n);
		free(b.p);
	}
	memcpy(out, st->crypto, st->contig);
	return st->contig;
}

static const u8 rfc_dcid[8] = { 0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08 };

/* RFC 9001 appendix A.2: the client's CRYPTO frame, before padding. */
static const char *rfc_crypto =
	"060040f1010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e868"
	"04fe3a47f06a2b69484c00000413011302010000c000000010000e00000b6578"
	"616d706c652e636f6dff01000100000a00080006001d00170018001000070005"
	"04616c706e000500050100000000003300260024001d00209370b2c9caa47fba"
	"baf4559fedba753de171fa71f50f1ce15d43e994ec74d748002b000302030400"
	"0d0010000e0403050306030203080408050806002d00020101001c0002400100"
	"3900320408ffffffffffffffff05048000ffff07048000ffff08011001048000"
	"75300901100f088394c8f03e51570806048000ffff";

static void test_vectors(void)
{
	struct cw_quic_keys k;
	struct blob b;
	u8 frames[512], pkt[1500], *c;
	u32 n, len;

	/* RFC 9001 A.1 */
	tap_ok(!cw_quic_initial_keys(&prov, CW_QUIC_V1, rfc_dcid, 8, &k) &&
	       eqhex(k.key, "1f369613dd76d5467730efcbe3b1a22d") &&
	       eqhex(k.iv, "fa044b2f42a3fd3b46fb255c") &&
	       eqhex(k.hp, "9f50449e04a0e810283a1e9933adedd2"),
	       "RFC 9001 A.1: v1 client key, iv, hp");
	/* RFC 9369 A.1 */
	tap_ok(!cw_quic_initial_keys(&prov, CW_QUIC_V2, rfc_dcid, 8, &k) &&
	       eqhex(k.key, "8b1a0bc121284290a29e0971b5cd045d") &&
	       eqhex(k.iv, "91f73e2351d8fa91660e909f") &&
	       eqhex(k.hp, "45b95e15235d6f45a6b19cbcb0294ba9"),
	       "RFC 9369 A.1: v2 client key, iv, hp");
	tap_ok(cw_quic_initial_keys(&prov, 0xff00001d, rfc_dcid, 8, &k) ==
	       -EINVAL, "keys for draft-29: -EINVAL");

	/* RFC 9001 A.2: the 1200 protected bytes */
	b = load("quic-rfc9001-a2.bin");
	tap_ok(b.n == 1200, "RFC 9001 A.2 packet loaded (%u bytes)", b.n);
	cw_quic_init(st);
	c = malloc(b.n);
	memcpy(c, b.p, b.n);
	tap_ok(is_name(cw_quic_feed(st, &prov, c, b.n, name, &name_len),
		       "example.com"),
	       "RFC 9001 A.2: SNI example.com (%s)", name);
	tap_ok(eqhex(c, "c300000001088394c8f03e5157080000449e00000002"),
	       "RFC 9001 A.2: header unprotected as in the RFC");
	tap_ok(st->next_pn == 3 && st->version == CW_QUIC_V1,
	       "RFC 9001 A.2: packet number 2 decoded");
	free(c);

	/* The same packet sealed here by OpenSSL: byte for byte the RFC's. */
	n = unhex(rfc_crypto, frames);
	len = seal(CW_QUIC_V1, rfc_dcid, 8, 2, 4, frames, n, 1200, pkt);
	/* seal() writes scid 01020304; the RFC's has none: compare A.2 via v2 */
	free(b.p);

	/*
	 * RFC 9369 A.2 has no SCID either; build its header by hand: the
	 * RFC's first 32 protected bytes prove HP, key and the first block.
	 */
	{
		u8 v2[1200], nonce[12], mask[16];
		u32 hdr = 22, i;
		EVP_CIPHER_CTX *g = EVP_CIPHER_CTX_new();
		int m;

		unhex("d36b3343cf088394c8f03e5157080000449e00000002", v2);
		memset(v2 + hdr, 0, sizeof(v2) - hdr);
		memcpy(v2 + hdr, frames, n);
		cw_quic_initial_keys(&prov, CW_QUIC_V2, rfc_dcid, 8, &k);
		memcpy(nonce, k.iv, 12);
		nonce[11] ^= 2;
		EVP_EncryptInit_ex(g, EVP_aes_128_gcm(), NULL, NULL, NULL);
		EVP_EncryptInit_ex(g, NULL, NULL, k.key, nonce);
		EVP_EncryptUpdate(g, NULL, &m, v2, hdr);
		EVP_EncryptUpdate(g, v2 + hdr, &m, v2 + hdr, 1200 - hdr - 16);
		EVP_EncryptFinal_ex(g, v2 + hdr, &m);
		EVP_CIPHER_CTX_ctrl(g, EVP_CTRL_GCM_GET_TAG, 16, v2 + 1184);
		EVP_CIPHER_CTX_free(g);
		o_setkey(&prov_ctx, 0, k.hp);
		o_block(&prov_ctx, 0, v2 + 18 + 4, mask);
		v2[0] ^= mask[0] & 0x0f;
		for (i = 0; i < 4; i++)
			v2[18 + i] ^= mask[1 + i];
		tap_ok(eqhex(v2, "d76b3343cf088394c8f03e5157080000449ea0c95e82"
			     "ffe67b6abcdb4298b485"),
		       "RFC 9369 A.2: protected header and first bytes");
		tap_ok(is_name(feed_new(v2, 1200), "example.com"),
		       "RFC 9369 A.2: SNI example.com (%s)", name);
	}
	tap_ok(is_name(feed_new(pkt, len), "example.com"),
	       "A.2 ClientHello sealed by OpenSSL with a SCID: example.com");
}

static void test_captures(void)
{
	static const char *const multi[] = {
		"quic-ffdhe8192-ngtcp2.bin.0", "quic-ffdhe8192-ngtcp2.bin.1",
	};
	struct blob a, b;
	enum cw_parse_result r;

	a = load("quic-v1-ngtcp2.bin");
	tap_ok(is_name(feed_new(a.p, a.n), "push.xiaomi.net"),
	       "ngtcp2 v1 Initial: push.xiaomi.net (%s)", name);
	tap_ok(is_name(feed(a.p, a.n), "push.xiaomi.net"),
	       "a done state answers the same again");
	free(a.p);

	a = load(multi[0]);
	b = load(multi[1]);
	r = feed_new(a.p, a.n);
	tap_ok(r == CW_PARSE_INCOMPLETE || is_name(r, "tracking.intl.miui.com"),
	       "ffdhe8192 ClientHello, first Initial alone: %s", rs(r));
	tap_ok(is_name(feed(b.p, b.n), "tracking.intl.miui.com"),
	       "ffdhe8192 ClientHello over 2 Initials: %s", name);
	tap_ok(st->contig > 1200, "it is %u bytes", st->contig);
	r = feed_new(b.p, b.n);
	tap_ok(r == CW_PARSE_INCOMPLETE,
	       "second Initial first: incomplete (%s)", rs(r));
	tap_ok(is_name(feed(a.p, a.n), "tracking.intl.miui.com"),
	       "then the first: the name (%s)", name);
	/* every prefix of the datagram: never a name, never a crash */
	{
		u32 n, bad = 0;

		for (n = 0; n < a.n; n++) {
			r = feed_new(a.p, n);
			if (r != CW_PARSE_NOT_PROTO && r != CW_PARSE_MALFORMED)
				bad++;
		}
		tap_ok(!bad, "cut at every length: not QUIC or malformed");
	}
	free(a.p);
	free(b.p);
	(void)client_hello;
}

static const u8 shuffle_dcid[12] = "shuffledcid";

/*
 * A ClientHello cut into 7 pieces (cut[0..7]) sent in shuffled order over
 * three Initials, with PING, PADDING and ACK frames between them, as
 * browsers do.
 */
static void shuffle3(const u8 *ch, u32 n, u32 ver, u8 pkt[3][1500],
		     u32 len[3], u32 cut[8])
{
	/* piece order[k] goes to packet dest[k] */
	static const int order[7] = { 5, 2, 6, 0, 3, 1, 4 };
	static const int dest[7] = { 0, 0, 1, 1, 2, 2, 2 };
	u8 fr[3][1400];
	u32 fl[3] = { 0 }, i;
	int k;

	for (i = 0; i <= 7; i++)
		cut[i] = n * i / 7;
	for (k = 0; k < 7; k++) {
		int p = order[k], d = dest[k];

		if (k == 1)
			fr[d][fl[d]++] = 0x01;		/* PING */
		if (k == 4) {
			memcpy(fr[d] + fl[d], "\x02\x00\x00\x00\x00", 5);
			fl[d] += 5;			/* ACK of pn 0 */
			fr[d][fl[d]++] = 0x00;		/* PADDING */
		}
		fl[d] += crypto_frame(fr[d] + fl[d], cut[p], ch + cut[p],
				      cut[p + 1] - cut[p]);
	}
	for (i = 0; i < 3; i++)
		len[i] = seal(ver, shuffle_dcid, sizeof(shuffle_dcid), i, 1,
			      fr[i], fl[i], 1200, pkt[i]);
}

/* The shuffled ClientHello of the two-packet capture. */
static void test_shuffled(void)
{
	static const char *const multi[] = {
		"quic-ffdhe8192-ngtcp2.bin.0", "quic-ffdhe8192-ngtcp2.bin.1",
	};
	static const u8 *dcid = shuffle_dcid;
	u8 ch[CW_QUIC_CRYPTO_MAX], pkt[3][1500];
	u32 n = client_hello(multi, 2, ch), cut[8], len[3];
	enum cw_parse_result r;

	tap_ok(n > 1300, "decrypted ClientHello: %u bytes", n);
	shuffle3(ch, n, CW_QUIC_V1, pkt, len, cut);
	cw_quic_init(st);
	r = feed(pkt[2], len[2]);
	tap_ok(r == CW_PARSE_INCOMPLETE, "shuffled: third packet first: %s",
	       rs(r));
	r = feed(pkt[0], len[0]);
	tap_ok(r == CW_PARSE_INCOMPLETE, "shuffled: then the first: %s",
	       rs(r));
	tap_ok(is_name(feed(pkt[1], len[1]), "tracking.intl.miui.com"),
	       "shuffled over 3 Initials, 7 frames: %s", name);

	/*
	 * A retransmission that rewrites bytes already seen changes nothing
	 * (the server keeps the first copy too): piece 0, with the SNI, is
	 * sent again as 'A's after the real one.
	 */
	{
		u8 evil[CW_QUIC_CRYPTO_MAX], f2[1400], p2[1500];
		u32 l, e;

		memset(evil, 'A', sizeof(evil));
		cw_quic_init(st);
		feed(pkt[1], len[1]);
		e = crypto_frame(f2, 0, evil, cut[1]);
		l = seal(CW_QUIC_V1, dcid, 12, 3, 1, f2, e, 1200, p2);
		r = feed(p2, l);
		tap_ok(r == CW_PARSE_INCOMPLETE, "rewritten piece 0: %s", rs(r));
		feed(pkt[0], len[0]);
		tap_ok(is_name(feed(pkt[2], len[2]), "tracking.intl.miui.com"),
		       "first copy of a CRYPTO byte wins: %s", name);
	}
}

static void test_bad(void)
{
	static const u8 dcid[8] = "badcid!";
	u8 fr[1400], pkt[1500], ch[CW_QUIC_CRYPTO_MAX];
	static const char *const v1[] = { "quic-v1-ngtcp2.bin" };
	u32 n = client_hello(v1, 1, ch), l, f;
	enum cw_parse_result r;

	/* a flipped ciphertext byte: tag */
	f = crypto_frame(fr, 0, ch, n);
	l = seal(CW_QUIC_V1, dcid, 8, 0, 2, fr, f, 1200, pkt);
	tap_ok(is_name(feed_new(pkt, l), "push.xiaomi.net"),
	       "rebuilt v1 Initial: %s", name);
	pkt[100] ^= 1;
	r = feed_new(pkt, l);
	tap_ok(r == CW_PARSE_MALFORMED && st->why == CW_QUIC_TAG,
	       "flipped byte: malformed, %s", cw_quic_why_str(st->why));
	pkt[100] ^= 1;
	pkt[l - 1] ^= 0x80;
	r = feed_new(pkt, l);
	tap_ok(r == CW_PARSE_MALFORMED && st->why == CW_QUIC_TAG,
	       "flipped tag bit: %s", cw_quic_why_str(st->why));
	pkt[l - 1] ^= 0x80;

	/* unknown versions */
	pkt[1] = 0xff, pkt[2] = 0, pkt[3] = 0, pkt[4] = 0x1d;
	r = feed_new(pkt, l);
	tap_ok(r == CW_PARSE_MALFORMED && st->why == CW_QUIC_VERSION,
	       "draft-29 in 1200 bytes: malformed, %s",
	       cw_quic_why_str(st->why));
	r = feed_new(pkt, 1199);
	tap_ok(r == CW_PARSE_NOT_PROTO,
	       "draft-29 in 1199 bytes: cannot open a connection: %s", rs(r));
	pkt[1] = 0, pkt[4] = 0;
	tap_ok(feed_new(pkt, l) == CW_PARSE_NOT_PROTO,
	       "version negotiation (0): not a client Initial");
	pkt[1] = 0, pkt[4] = 1;
	pkt[0] = 0x40;
	tap_ok(feed_new(pkt, l) == CW_PARSE_NOT_PROTO,
	       "short header: not an Initial");

	/* frames that have no place in an Initial */
	fr[0] = 0x08;	/* STREAM */
	l = seal(CW_QUIC_V1, dcid, 8, 0, 1, fr, 4, 1200, pkt);
	r = feed_new(pkt, l);
	tap_ok(r == CW_PARSE_MALFORMED && st->why == CW_QUIC_FRAME,
	       "STREAM frame in an Initial: %s", cw_quic_why_str(st->why));
	memcpy(fr, "\x1d\x00\x00", 3);	/* application CONNECTION_CLOSE */
	l = seal(CW_QUIC_V1, dcid, 8, 0, 1, fr, 3, 1200, pkt);
	r = feed_new(pkt, l);
	tap_ok(r == CW_PARSE_MALFORMED && st->why == CW_QUIC_FRAME,
	       "CONNECTION_CLOSE 0x1d in an Initial: %s", rs(r));
	memcpy(fr, "\x06\x40\x10\x44\x00", 5);	/* CRYPTO cut short */
	l = seal(CW_QUIC_V1, dcid, 8, 0, 1, fr, 5, 0, pkt);
	r = feed_new(pkt, l);
	tap_ok(r == CW_PARSE_MALFORMED && st->why == CW_QUIC_FRAME,
	       "CRYPTO longer than its packet: %s", cw_quic_why_str(st->why));
	/* CRYPTO beyond the budget */
	f = crypto_frame(fr, CW_QUIC_CRYPTO_MAX - 10, ch, 11);
	l = seal(CW_QUIC_V1, dcid, 8, 0, 1, fr, f, 1200, pkt);
	tap_ok(feed_new(pkt, l) == CW_PARSE_OVER_BUDGET &&
	       st->why == CW_QUIC_BUDGET, "CRYPTO past %u bytes: over budget",
	       CW_QUIC_CRYPTO_MAX);
	f = crypto_frame(fr, CW_QUIC_CRYPTO_MAX - 10, ch, 10);
	l = seal(CW_QUIC_V1, dcid, 8, 0, 1, fr, f, 1200, pkt);
	tap_ok(feed_new(pkt, l) == CW_PARSE_INCOMPLETE,
	       "CRYPTO ending at %u bytes: kept, incomplete",
	       CW_QUIC_CRYPTO_MAX);
	/* a CRYPTO stream that is not a ClientHello */
	f = crypto_frame(fr, 0, (const u8 *)"\x02\x00\x00\x10", 4);
	l = seal(CW_QUIC_V1, dcid, 8, 0, 1, fr, f, 1200, pkt);
	r = feed_new(pkt, l);
	tap_ok(r == CW_PARSE_MALFORMED && st->why == CW_QUIC_TLS,
	       "ServerHello in a client Initial: %s",
	       cw_quic_why_str(st->why));
	/* ClientHello length over the budget */
	f = crypto_frame(fr, 0, (const u8 *)"\x01\x00\x10\x00", 4);
	l = seal(CW_QUIC_V1, dcid, 8, 0, 1, fr, f, 1200, pkt);
	tap_ok(feed_new(pkt, l) == CW_PARSE_OVER_BUDGET,
	       "ClientHello announcing 4 KiB: over budget");
	/* the provider failing */
	f = crypto_frame(fr, 0, ch, n);
	l = seal(CW_QUIC_V1, dcid, 8, 0, 1, fr, f, 1200, pkt);
	prov_ctx.fail_hmac = 1;
	r = feed_new(pkt, l);
	prov_ctx.fail_hmac = 0;
	tap_ok(r == CW_PARSE_MALFORMED && st->why == CW_QUIC_CRYPTO,
	       "provider error: malformed, %s", cw_quic_why_str(st->why));
	/* a header length past the datagram */
	l = seal(CW_QUIC_V1, dcid, 8, 0, 1, fr, f, 1200, pkt);
	pkt[5] = 21;
	r = feed_new(pkt, l);
	tap_ok(r == CW_PARSE_MALFORMED && st->why == CW_QUIC_HEADER,
	       "DCID of 21 bytes: %s", cw_quic_why_str(st->why));
}

/*
 * QUIC v2. Debian 12's ngtcp2 (0.12) predates RFC 9369: asked for
 * 0x6b3343cf it sends v1 packet types, so its "v2" Initial is not one.
 * The v2 packets here carry the ClientHello of the real v1 and ffdhe
 * captures, sealed as RFC 9369 says (types, salt, labels).
 */
static void test_v2(void)
{
	static const char *const multi[] = {
		"quic-ffdhe8192-ngtcp2.bin.0", "quic-ffdhe8192-ngtcp2.bin.1",
	};
	static const u8 d[9] = "v2-conn!";
	u8 ch[CW_QUIC_CRYPTO_MAX], fr[1400], p1[1500], p2[1500];
	u32 n = client_hello(multi, 2, ch), l1, l2, f, half = n / 2;
	enum cw_parse_result r;

	f = crypto_frame(fr, half, ch + half, n - half);
	l2 = seal(CW_QUIC_V2, d, 9, 1, 1, fr, f, 1200, p2);
	f = crypto_frame(fr, 0, ch, half);
	l1 = seal(CW_QUIC_V2, d, 9, 0, 1, fr, f, 1200, p1);
	tap_ok((p1[0] & 0x30) == 0x10, "v2 Initial type bits are 01");
	cw_quic_init(st);
	r = feed(p2, l2);
	tap_ok(r == CW_PARSE_INCOMPLETE, "v2, second half first: %s", rs(r));
	r = feed(p1, l1);
	tap_ok(is_name(r, "tracking.intl.miui.com") &&
	       st->version == CW_QUIC_V2,
	       "v2 ClientHello over 2 Initials: %s", name);
	/* v1 type bits under the v2 number: a Retry for v2, not read */
	p1[0] = (p1[0] & 0xcf);
	tap_ok(feed_new(p1, l1) == CW_PARSE_NOT_PROTO,
	       "v2 number with v1 Initial type bits: not an Initial");
	/* compatible version negotiation: v1 first, then v2, same DCID */
	f = crypto_frame(fr, 0, ch, half);
	l1 = seal(CW_QUIC_V1, d, 9, 0, 1, fr, f, 1200, p1);
	cw_quic_init(st);
	feed(p1, l1);
	tap_ok(is_name(feed(p2, l2), "tracking.intl.miui.com"),
	       "v1 then v2 (RFC 9368) on one connection: %s", name);
}

static void test_flow(void)
{
	static const u8 d1[8] = "first-c", d2[8] = "server!";
	u8 ch[CW_QUIC_CRYPTO_MAX], fr[1400], pkt[1500], two[3000];
	static const char *const v1[] = { "quic-v1-ngtcp2.bin" };
	u32 n = client_hello(v1, 1, ch), l, l2, f;
	enum cw_parse_result r;

	/* the first half, then (server picked d2) the rest with d1's keys */
	f = crypto_frame(fr, 0, ch, 40);
	l = seal(CW_QUIC_V1, d1, 8, 0, 1, fr, f, 1200, pkt);
	cw_quic_init(st);
	tap_ok(feed(pkt, l) == CW_PARSE_INCOMPLETE, "40 bytes: incomplete");
	f = crypto_frame(fr, 40, ch + 40, n - 40);
	{
		struct cw_quic_keys k1;
		u8 tmp[1500];

		/* seal with d1's keys but put d2 in the header */
		l = seal(CW_QUIC_V1, d1, 8, 1, 1, fr, f, 1200, tmp);
		cw_quic_initial_keys(&prov, CW_QUIC_V1, d1, 8, &k1);
		memcpy(tmp + 6, d2, 8);
		/* header protection does not cover the DCID, the AAD does */
		r = feed(tmp, l);
		tap_ok(r == CW_PARSE_MALFORMED && st->why == CW_QUIC_TAG,
		       "DCID changed under the AAD: tag fails");
		/* no key opened it: the reassembly goes on */
		tap_ok(st->result == CW_PARSE_INCOMPLETE,
		       "a datagram no key opens does not end the state");
		l = seal(CW_QUIC_V1, d1, 8, 1, 1, fr, f, 1200, tmp);
		tap_ok(is_name(feed(tmp, l), "push.xiaomi.net"),
		       "the rest after it: %s", name);
	}
	/* a Retry: the client starts again with new keys from d2 */
	cw_quic_init(st);
	f = crypto_frame(fr, 0, ch, 40);
	l = seal(CW_QUIC_V1, d1, 8, 0, 1, fr, f, 1200, pkt);
	feed(pkt, l);
	f = crypto_frame(fr, 0, ch, n);
	l = seal(CW_QUIC_V1, d2, 8, 1, 1, fr, f, 1200, pkt);
	tap_ok(is_name(feed(pkt, l), "push.xiaomi.net"),
	       "after a Retry, new keys, stream from 0: %s", name);

	/* coalesced: an Initial, then a 0-RTT packet that is stepped over */
	f = crypto_frame(fr, 0, ch, n);
	l = seal(CW_QUIC_V1, d1, 8, 0, 1, fr, f, 0, two);
	l2 = seal(CW_QUIC_V1, d1, 8, 1, 1, (const u8 *)"\x01", 1, 0,
		  two + l);
	two[l] = (two[l] & 0xcf) | 0x10;	/* type 1: 0-RTT */
	tap_ok(is_name(feed_new(two, l + l2), "push.xiaomi.net"),
	       "Initial coalesced with a 0-RTT packet: %s", name);
	tap_ok(feed_new(two + l, l2) == CW_PARSE_NOT_PROTO,
	       "a 0-RTT packet alone: nothing to read");
	/* an Initial with a PING only, then one with the ClientHello */
	l = seal(CW_QUIC_V1, d1, 8, 0, 1, (const u8 *)"\x01", 1, 1200, pkt);
	tap_ok(feed_new(pkt, l) == CW_PARSE_INCOMPLETE, "PING only: incomplete");
	/* a client CONNECTION_CLOSE (0x1c) is allowed in an Initial */
	memcpy(fr, "\x1c\x0a\x00\x02hi", 6);
	l = seal(CW_QUIC_V1, d1, 8, 1, 1, fr, 6, 1200, pkt);
	tap_ok(feed(pkt, l) == CW_PARSE_INCOMPLETE && st->closed,
	       "CONNECTION_CLOSE 0x1c: read, the state knows");
	/* ACK with ranges and ECN counts */
	memcpy(fr, "\x03\x05\x00\x01\x00\x01\x01\x00\x00\x00", 10);
	f = 10 + crypto_frame(fr + 10, 0, ch, n);
	l = seal(CW_QUIC_V1, d1, 8, 0, 4, fr, f, 1200, pkt);
	tap_ok(is_name(feed_new(pkt, l), "push.xiaomi.net"),
	       "ACK_ECN with a range, 4-byte packet number: %s", name);
	/* a ClientHello without SNI */
	{
		u8 nosni[CW_QUIC_CRYPTO_MAX];
		u32 m;

		/* "client hello" whose extensions are empty */
		memcpy(nosni, "\x01\x00\x00\x2a\x03\x03", 6);
		memset(nosni + 6, 0x11, 32);
		memcpy(nosni + 38, "\x00\x00\x02\x13\x01\x01\x00\x00\x00", 9);
		m = 47;
		nosni[3] = m - 4;
		f = crypto_frame(fr, 0, nosni, m);
		l = seal(CW_QUIC_V1, d1, 8, 0, 1, fr, f, 1200, pkt);
		r = feed_new(pkt, l);
		tap_ok(r == CW_PARSE_NO_NAME, "ClientHello without SNI: %s",
		       rs(r));
	}
}

/*
 * Datagrams for the guest scenario (57-names-quic), built from captures
 * and committed in tests/captures as quic-built-*: a v2 Initial, and a
 * ClientHello shuffled over three Initials, each for a listed name and an
 * unlisted one. `test_quic --write DIR` writes them again; the test checks
 * that the committed ones are what it builds, and what they carry.
 */
struct built {
	const char *file;	/* quic-built-FILE, .0 .. .2 if shuffled */
	const char *from[2];	/* the capture(s) its ClientHello comes from */
	int shuffled;		/* else one v2 Initial */
	const char *name;
};

static const struct built builts[] = {
	{ "v2-push.bin", { "quic-v1-ngtcp2.bin" }, 0, "push.xiaomi.net" },
	{ "v2-example.bin", { "quic-v1-ngtcp2-example.bin" }, 0,
	  "www.example.org" },
	{ "shuffled-push.bin", { "quic-ffdhe8192-ngtcp2-push.bin.0",
				 "quic-ffdhe8192-ngtcp2-push.bin.1" }, 1,
	  "push.xiaomi.net" },
	{ "shuffled-miui.bin", { "quic-ffdhe8192-ngtcp2.bin.0",
				 "quic-ffdhe8192-ngtcp2.bin.1" }, 1,
	  "tracking.intl.miui.com" },
};

/* Builds b's datagrams into pkt/len; returns how many. */
static int build(const struct built *b, u8 pkt[3][1500], u32 len[3])
{
	static const u8 dcid[8] = "v2-guest";
	u8 ch[CW_QUIC_CRYPTO_MAX], fr[1400];
	u32 n = client_hello(b->from, b->from[1] ? 2 : 1, ch), cut[8];

	if (b->shuffled) {
		shuffle3(ch, n, CW_QUIC_V1, pkt, len, cut);
		return 3;
	}
	len[0] = seal(CW_QUIC_V2, dcid, 8, 0, 1, fr,
		      crypto_frame(fr, 0, ch, n), 1200, pkt[0]);
	return 1;
}

static void file_name(char *out, size_t sz, const char *dir,
		      const struct built *b, int i, int many)
{
	if (many)
		snprintf(out, sz, "%s/quic-built-%s.%d", dir, b->file, i);
	else
		snprintf(out, sz, "%s/quic-built-%s", dir, b->file);
}

static int write_builts(const char *dir)
{
	u8 pkt[3][1500];
	u32 len[3];
	size_t k;
	int i, n;

	for (k = 0; k < ARRAY_SIZE(builts); k++) {
		n = build(&builts[k], pkt, len);
		for (i = 0; i < n; i++) {
			char path[512];
			FILE *f;

			file_name(path, sizeof(path), dir, &builts[k], i, n > 1);
			f = fopen(path, "wb");
			if (!f || fwrite(pkt[i], 1, len[i], f) != len[i]) {
				perror(path);
				return 1;
			}
			fclose(f);
		}
	}
	return 0;
}

static void test_builts(void)
{
	u8 pkt[3][1500];
	u32 len[3];
	size_t k;
	int i, n;

	for (k = 0; k < ARRAY_SIZE(builts); k++) {
		const struct built *b = &builts[k];
		enum cw_parse_result r = CW_PARSE_NOT_PROTO;
		int same = 1;

		n = build(b, pkt, len);
		cw_quic_init(st);
		for (i = 0; i < n; i++) {
			char path[512];
			struct blob f;

			file_name(path, sizeof(path), ".", b, i, n > 1);
			f = load(path + 2);
			same &= f.n == len[i] && !memcmp(f.p, pkt[i], f.n);
			r = feed(f.p, f.n);
			if (i < n - 1 && r != CW_PARSE_INCOMPLETE)
				same = 0;
			free(f.p);
		}
		tap_ok(same, "quic-built-%s: as built now", b->file);
		tap_ok(is_name(r, b->name), "quic-built-%s: %s (%s)", b->file,
		       b->name, name);
	}
}

int main(int argc, char **argv)
{
	ossl_init();
	st = malloc(sizeof(*st));
	if (argc == 3 && !strcmp(argv[1], "--write"))
		return write_builts(argv[2]);
	tap_diag("sizeof(struct cw_quic_state) = %zu", sizeof(*st));
	test_vectors();
	test_captures();
	test_shuffled();
	test_v2();
	test_bad();
	test_flow();
	test_builts();
	free(st);
	ossl_exit();
	return tap_done();
}
