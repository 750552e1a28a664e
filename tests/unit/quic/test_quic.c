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
#include <openssl/hmac.h>

#include "quic.h"
#include "../../tap.h"

#ifndef CAPDIR
#define CAPDIR "../../captures"
#endif

/* --- the OpenSSL provider --------------------------------------------- */

struct ossl {
	EVP_CIPHER_CTX *aes[2];
	int fail_hmac;
};

static int o_hmac(void *ctx, const u8 *key, u32 key_len, const u8 *msg,
		  u32 msg_len, u8 out[32])
{
	struct ossl *o = ctx;
	unsigned int n = 32;

	if (o->fail_hmac)
		return -EIO;
	return HMAC(EVP_sha256(), key, key_len, msg, msg_len, out, &n) ?
	       0 : -EIO;
}

static int o_setkey(void *ctx, int slot, const u8 key[16])
{
	struct ossl *o = ctx;

	if (!EVP_EncryptInit_ex(o->aes[slot], EVP_aes_128_ecb(), NULL, key,
				NULL))
		return -EIO;
	EVP_CIPHER_CTX_set_padding(o->aes[slot], 0);
	return 0;
}

static void o_block(void *ctx, int slot, const u8 in[16], u8 out[16])
{
	struct ossl *o = ctx;
	int n;

	EVP_EncryptUpdate(o->aes[slot], out, &n, in, 16);
}

static struct ossl prov_ctx;
static struct cw_quic_crypto prov = {
	.hmac_sha256 = o_hmac,
	.aes_setkey = o_setkey,
	.aes_block = o_block,
	.ctx = &prov_ctx,
};

/* --- helpers ----------------------------------------------------------- */

struct blob {
	u8 *p;
	u32 n;
};

static struct blob load(const char *file)
{
	char path[512];
	struct blob b = { NULL, 0 };
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", CAPDIR, file);
	f = fopen(path, "rb");
	if (!f) {
		tap_diag("cannot open %s", path);
		return b;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b.p = malloc(n ? n : 1);
	b.n = fread(b.p, 1, n, f);
	fclose(f);
	return b;
}

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
 * Builds a client Initial in a datagram of at least pad_to bytes: header
 * (dcid, scid, pn in pn_len bytes), payload = frames, PADDING up to size,
 * sealed with OpenSSL AES-128-GCM and header protection applied.
 * Returns the datagram length.
 */
static u32 seal(u32 ver, const u8 *dcid, u32 dlen, u64 pn, u32 pn_len,
		const u8 *frames, u32 flen, u32 pad_to, u8 *out)
{
	struct cw_quic_keys k;
	u8 nonce[12], mask[16];
	u32 o = 0, hdr, plen, i, total;
	EVP_CIPHER_CTX *g;
	int n;

	cw_quic_initial_keys(&prov, ver, dcid, dlen, &k);
	out[o++] = (ver == CW_QUIC_V2 ? 0xd0 : 0xc0) | (pn_len - 1);
	out[o++] = ver >> 24;
	out[o++] = ver >> 16;
	out[o++] = ver >> 8;
	out[o++] = ver;
	out[o++] = dlen;
	memcpy(out + o, dcid, dlen);
	o += dlen;
	out[o++] = 4;			/* scid */
	memcpy(out + o, "\x01\x02\x03\x04", 4);
	o += 4;
	out[o++] = 0;			/* token length */
	/* payload length: pn + frames (+ padding) + tag, 2-byte varint */
	plen = pn_len + flen + 16;
	total = o + 2 + plen;
	if (total < pad_to) {
		plen += pad_to - total;
		total = pad_to;
	}
	out[o++] = 0x40 | (plen >> 8);
	out[o++] = plen;
	for (i = 0; i < pn_len; i++)
		out[o + i] = pn >> (8 * (pn_len - 1 - i));
	hdr = o + pn_len;
	memcpy(out + hdr, frames, flen);
	memset(out + hdr + flen, 0, plen - pn_len - flen - 16);
	memcpy(nonce, k.iv, 12);
	for (i = 0; i < 8; i++)
		nonce[4 + i] ^= pn >> (56 - 8 * i);
	g = EVP_CIPHER_CTX_new();
	EVP_EncryptInit_ex(g, EVP_aes_128_gcm(), NULL, NULL, NULL);
	EVP_EncryptInit_ex(g, NULL, NULL, k.key, nonce);
	EVP_EncryptUpdate(g, NULL, &n, out, hdr);
	EVP_EncryptUpdate(g, out + hdr, &n, out + hdr, plen - pn_len - 16);
	EVP_EncryptFinal_ex(g, out + hdr, &n);
	EVP_CIPHER_CTX_ctrl(g, EVP_CTRL_GCM_GET_TAG, 16, out + total - 16);
	EVP_CIPHER_CTX_free(g);
	o_setkey(&prov_ctx, 0, k.hp);
	o_block(&prov_ctx, 0, out + o + 4, mask);
	out[0] ^= mask[0] & 0x0f;
	for (i = 0; i < pn_len; i++)
		out[o + i] ^= mask[1 + i];
	return total;
}

/* Appends a CRYPTO frame (2-byte varints for offset and length). */
static u32 crypto_frame(u8 *out, u32 off, const u8 *data, u32 n)
{
	out[0] = 0x06;
	out[1] = 0x40 | off >> 8;
	out[2] = off;
	out[3] = 0x40 | n >> 8;
	out[4] = n;
	memcpy(out + 5, data, n);
	return 5 + n;
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

/*
 * The ClientHello of the two-packet capture, cut into pieces sent in
 * shuffled order over three Initials, with PING, PADDING and ACK frames
 * between them, as browsers do.
 */
static void test_shuffled(void)
{
	static const char *const multi[] = {
		"quic-ffdhe8192-ngtcp2.bin.0", "quic-ffdhe8192-ngtcp2.bin.1",
	};
	static const u8 dcid[12] = "shuffledcid";
	u8 ch[CW_QUIC_CRYPTO_MAX], fr[3][1400], pkt[3][1500];
	u32 n = client_hello(multi, 2, ch), cut[8], i, len[3], fl[3] = { 0 };
	/* piece i goes to packet dest[i], pieces listed in sending order */
	static const int order[7] = { 5, 2, 6, 0, 3, 1, 4 };
	static const int dest[7] = { 0, 0, 1, 1, 2, 2, 2 };
	enum cw_parse_result r;
	int k;

	tap_ok(n > 1300, "decrypted ClientHello: %u bytes", n);
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
		len[i] = seal(CW_QUIC_V1, dcid, sizeof(dcid), i, 1, fr[i],
			      fl[i], 1200, pkt[i]);
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
		l = seal(CW_QUIC_V1, dcid, sizeof(dcid), 3, 1, f2, e, 1200, p2);
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

int main(void)
{
	prov_ctx.aes[0] = EVP_CIPHER_CTX_new();
	prov_ctx.aes[1] = EVP_CIPHER_CTX_new();
	st = malloc(sizeof(*st));
	tap_diag("sizeof(struct cw_quic_state) = %zu", sizeof(*st));
	test_vectors();
	test_captures();
	test_shuffled();
	test_v2();
	test_bad();
	test_flow();
	free(st);
	EVP_CIPHER_CTX_free(prov_ctx.aes[0]);
	EVP_CIPHER_CTX_free(prov_ctx.aes[1]);
	return tap_done();
}
