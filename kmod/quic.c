// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * QUIC client Initials (see quic.h). Pure code: the unit tests and the
 * fuzzer compile this very file.
 */
#include "quic.h"

enum { CW_QT_INITIAL, CW_QT_0RTT, CW_QT_HANDSHAKE, CW_QT_RETRY };

/* cw_quic_header() outcomes besides a negative enum cw_quic_why */
enum { CW_QP_SKIPPED, CW_QP_READ, CW_QP_STOP };

const char *cw_quic_why_str(enum cw_quic_why why)
{
	switch (why) {
	case CW_QUIC_OK:
		return "ok";
	case CW_QUIC_VERSION:
		return "unknown QUIC version";
	case CW_QUIC_HEADER:
		return "bad long header";
	case CW_QUIC_TAG:
		return "AEAD tag mismatch";
	case CW_QUIC_FRAME:
		return "bad frame in an Initial";
	case CW_QUIC_TLS:
		return "CRYPTO stream is not a ClientHello";
	case CW_QUIC_BUDGET:
		return "ClientHello over budget";
	case CW_QUIC_CRYPTO:
		return "crypto provider failed";
	case CW_QUIC_FULL:
		return "no room to reassemble";
	}
	return "?";
}

void cw_quic_init(struct cw_quic_state *st)
{
	memset(st, 0, sizeof(*st));
	st->result = CW_PARSE_INCOMPLETE;
	cw_tls_init(&st->tls);
}

static u32 cw_quic_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static u64 cw_quic_be64(const u8 *p)
{
	return (u64)cw_quic_be32(p) << 32 | cw_quic_be32(p + 4);
}

static void cw_quic_put64(u8 *p, u64 v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (u8)v;
}

/* RFC 9000 section 16: a variable-length integer at *off, below end. */
static bool cw_quic_varint(const u8 *p, u32 end, u32 *off, u64 *v)
{
	u32 o = *off, n, i;

	if (o >= end)
		return false;
	n = 1u << (p[o] >> 6);
	if (n > end - o)
		return false;
	*v = p[o] & 0x3f;
	for (i = 1; i < n; i++)
		*v = *v << 8 | p[o + i];
	*off = o + n;
	return true;
}

/* HKDF-Expand-Label (RFC 8446 section 7.1) with an empty context, out_len <= 32. */
static int cw_quic_expand(const struct cw_quic_crypto *c, const u8 *secret,
			  const char *label, u8 *out, u32 out_len)
{
	u8 info[2 + 1 + 6 + 16 + 1 + 1], t[32];
	u32 ll = strlen(label), n = 0;
	int err;

	info[n++] = 0;
	info[n++] = (u8)out_len;
	info[n++] = (u8)(6 + ll);
	memcpy(info + n, "tls13 ", 6);
	n += 6;
	memcpy(info + n, label, ll);
	n += ll;
	info[n++] = 0;		/* context length */
	info[n++] = 1;		/* T(1): one block is enough */
	err = c->hmac_sha256(c->ctx, secret, 32, info, n, t);
	if (!err)
		memcpy(out, t, out_len);
	memset(t, 0, sizeof(t));
	return err;
}

int cw_quic_initial_keys(const struct cw_quic_crypto *c, u32 version,
			 const u8 *dcid, u32 dcid_len,
			 struct cw_quic_keys *keys)
{
	/* RFC 9001 section 5.2 and RFC 9369 section 3.3.1 */
	static const u8 salt_v1[20] = {
		0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
		0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a,
	};
	static const u8 salt_v2[20] = {
		0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
		0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9,
	};
	bool v2 = version == CW_QUIC_V2;
	u8 initial[32], client[32];
	int err;

	if (version != CW_QUIC_V1 && !v2)
		return -EINVAL;
	err = c->hmac_sha256(c->ctx, v2 ? salt_v2 : salt_v1, 20, dcid,
			     dcid_len, initial);
	if (!err)
		err = cw_quic_expand(c, initial, "client in", client, 32);
	if (!err)
		err = cw_quic_expand(c, client, v2 ? "quicv2 key" : "quic key",
				     keys->key, 16);
	if (!err)
		err = cw_quic_expand(c, client, v2 ? "quicv2 iv" : "quic iv",
				     keys->iv, 12);
	if (!err)
		err = cw_quic_expand(c, client, v2 ? "quicv2 hp" : "quic hp",
				     keys->hp, 16);
	memset(initial, 0, sizeof(initial));
	memset(client, 0, sizeof(client));
	return err;
}

/*
 * GHASH with 4-bit tables (Shoup's method): t[i] = i * H in GF(2^128),
 * GCM's bit order (NIST SP 800-38D), built once per packet; a block then
 * costs 32 table steps instead of 128 shift-and-adds.
 */
struct cw_ghash {
	u64 hh[16], hl[16];
};

static void cw_ghash_init(struct cw_ghash *g, const u8 h[16])
{
	u64 vh = cw_quic_be64(h), vl = cw_quic_be64(h + 8);
	int i, j;

	g->hh[0] = 0;
	g->hl[0] = 0;
	g->hh[8] = vh;
	g->hl[8] = vl;
	/* t[4], t[2], t[1]: H times x, x^2, x^3 (a right shift each) */
	for (i = 4; i > 0; i >>= 1) {
		u64 lsb = vl & 1;

		vl = vh << 63 | vl >> 1;
		vh = vh >> 1 ^ ((0 - lsb) & 0xe100000000000000ULL);
		g->hh[i] = vh;
		g->hl[i] = vl;
	}
	for (i = 2; i <= 8; i *= 2)
		for (j = 1; j < i; j++) {
			g->hh[i + j] = g->hh[i] ^ g->hh[j];
			g->hl[i + j] = g->hl[i] ^ g->hl[j];
		}
}

/* x = x * H, x as 16 bytes */
static void cw_ghash_mul(const struct cw_ghash *g, u8 x[16])
{
	/* the reduction of the 4 bits shifted out, times x^128's residue */
	static const u16 red[16] = {
		0x0000, 0x1c20, 0x3840, 0x2460, 0x7080, 0x6ca0, 0x48c0, 0x54e0,
		0xe100, 0xfd20, 0xd940, 0xc560, 0x9180, 0x8da0, 0xa9c0, 0xb5e0,
	};
	u64 zh, zl;
	u8 n, r;
	int i;

	n = x[15] & 0xf;
	zh = g->hh[n];
	zl = g->hl[n];
	for (i = 15; i >= 0; i--) {
		if (i != 15) {
			n = x[i] & 0xf;
			r = zl & 0xf;
			zl = zh << 60 | zl >> 4;
			zh = zh >> 4 ^ (u64)red[r] << 48;
			zh ^= g->hh[n];
			zl ^= g->hl[n];
		}
		n = x[i] >> 4;
		r = zl & 0xf;
		zl = zh << 60 | zl >> 4;
		zh = zh >> 4 ^ (u64)red[r] << 48;
		zh ^= g->hh[n];
		zl ^= g->hl[n];
	}
	cw_quic_put64(x, zh);
	cw_quic_put64(x + 8, zl);
}

static void cw_ghash(const struct cw_ghash *g, u8 x[16], const u8 *p, u32 n)
{
	u32 k, i;

	while (n) {
		k = n < 16 ? n : 16;
		for (i = 0; i < k; i++)
			x[i] ^= p[i];
		cw_ghash_mul(g, x);
		p += k;
		n -= k;
	}
}

/*
 * AES-128-GCM open in place of buf[0..len) whose last 16 bytes are the tag,
 * with the key already in slot 1. The tag is checked before anything is
 * decrypted, so a failure leaves buf as it was. Returns 0 or -EBADMSG.
 */
static int cw_gcm_open(const struct cw_quic_crypto *c, const u8 nonce[12],
		       const u8 *aad, u32 aad_len, u8 *buf, u32 len)
{
	u8 blk[16], ctr[16], ks[16], x[16];
	u32 n = len - 16, i, k, cnt;
	struct cw_ghash g;
	u8 diff = 0;

	memset(blk, 0, sizeof(blk));
	c->aes_block(c->ctx, 1, blk, blk);
	cw_ghash_init(&g, blk);
	memset(x, 0, sizeof(x));
	cw_ghash(&g, x, aad, aad_len);
	cw_ghash(&g, x, buf, n);
	/* the lengths block: len(A) || len(C) in bits */
	cw_quic_put64(blk, (u64)aad_len * 8);
	cw_quic_put64(blk + 8, (u64)n * 8);
	cw_ghash(&g, x, blk, 16);
	memcpy(ctr, nonce, 12);
	ctr[12] = 0;
	ctr[13] = 0;
	ctr[14] = 0;
	ctr[15] = 1;
	c->aes_block(c->ctx, 1, ctr, ks);
	for (i = 0; i < 16; i++)
		diff |= (u8)(x[i] ^ ks[i]) ^ buf[n + i];
	if (diff)
		return -EBADMSG;
	for (i = 0, cnt = 2; i < n; i += 16, cnt++) {
		ctr[12] = (u8)(cnt >> 24);
		ctr[13] = (u8)(cnt >> 16);
		ctr[14] = (u8)(cnt >> 8);
		ctr[15] = (u8)cnt;
		c->aes_block(c->ctx, 1, ctr, ks);
		k = n - i < 16 ? n - i : 16;
		while (k--)
			buf[i + k] ^= ks[k];
	}
	return 0;
}

/* RFC 9000 appendix A.3 */
static u64 cw_quic_pn(u64 expected, u64 truncated, u32 bits)
{
	u64 win = 1ULL << bits, hwin = win / 2, mask = win - 1;
	u64 cand = (expected & ~mask) | truncated;

	if (cand + hwin <= expected && cand < (1ULL << 62) - win)
		return cand + win;
	if (cand > expected + hwin && cand >= win)
		return cand - win;
	return cand;
}

/*
 * Removes header protection from pkt (pn_off: where the packet number
 * starts, end: where the packet ends; end - pn_off >= 20) and opens the
 * payload. On success the plaintext is pkt[*pt .. end - 16) and *pn the
 * full packet number; on a tag failure pkt is restored as it was.
 */
static int cw_quic_open(const struct cw_quic_crypto *c,
			const struct cw_quic_keys *k, u64 next_pn, u8 *pkt,
			u32 pn_off, u32 end, u32 *pt, u64 *pn)
{
	u8 mask[16], nonce[12];
	u32 pn_len, i;
	u64 tpn = 0;
	int err;

	err = c->aes_setkey(c->ctx, 0, k->hp);
	if (!err)
		err = c->aes_setkey(c->ctx, 1, k->key);
	if (err)
		return err;
	c->aes_block(c->ctx, 0, pkt + pn_off + 4, mask);
	pkt[0] ^= mask[0] & 0x0f;
	pn_len = (pkt[0] & 3) + 1;
	for (i = 0; i < pn_len; i++) {
		pkt[pn_off + i] ^= mask[1 + i];
		tpn = tpn << 8 | pkt[pn_off + i];
	}
	*pn = cw_quic_pn(next_pn, tpn, pn_len * 8);
	memcpy(nonce, k->iv, 12);
	for (i = 0; i < 8; i++)
		nonce[4 + i] ^= (u8)(*pn >> (56 - 8 * i));
	*pt = pn_off + pn_len;
	err = cw_gcm_open(c, nonce, pkt, *pt, pkt + *pt, end - *pt);
	if (err) {
		for (i = 0; i < pn_len; i++)
			pkt[pn_off + i] ^= mask[1 + i];
		pkt[0] ^= mask[0] & 0x0f;
	}
	return err;
}

static int cw_quic_crypto_frame(struct cw_quic_state *st, const u8 *p,
				u64 off, u64 n)
{
	u32 i, o;

	if (off > CW_QUIC_CRYPTO_MAX || n > CW_QUIC_CRYPTO_MAX - off)
		return -CW_QUIC_BUDGET;
	/* The first copy of a byte wins, as at the server. */
	for (i = 0; i < n; i++) {
		o = (u32)off + i;
		if (!(st->have[o / 8] & (1u << (o % 8)))) {
			st->crypto[o] = p[i];
			st->have[o / 8] |= 1u << (o % 8);
		}
	}
	return 0;
}

/* RFC 9000 section 12.4: what a client may put in an Initial. */
static int cw_quic_frames(struct cw_quic_state *st, const u8 *p, u32 n)
{
	u32 o = 0, i;
	u64 t, a, b, cnt;
	int err;

	while (o < n) {
		if (!cw_quic_varint(p, n, &o, &t))
			return -CW_QUIC_FRAME;
		switch (t) {
		case 0x00:	/* PADDING */
			while (o < n && !p[o])
				o++;
			break;
		case 0x01:	/* PING */
			break;
		case 0x02:	/* ACK */
		case 0x03:	/* ACK with ECN counts */
			if (!cw_quic_varint(p, n, &o, &a) ||
			    !cw_quic_varint(p, n, &o, &a) ||
			    !cw_quic_varint(p, n, &o, &cnt) ||
			    !cw_quic_varint(p, n, &o, &a))
				return -CW_QUIC_FRAME;
			/* each range takes 2 bytes at least: bounded by n */
			for (; cnt; cnt--)
				if (!cw_quic_varint(p, n, &o, &a) ||
				    !cw_quic_varint(p, n, &o, &a))
					return -CW_QUIC_FRAME;
			for (i = 0; t == 0x03 && i < 3; i++)
				if (!cw_quic_varint(p, n, &o, &a))
					return -CW_QUIC_FRAME;
			break;
		case 0x06:	/* CRYPTO */
			if (!cw_quic_varint(p, n, &o, &a) ||
			    !cw_quic_varint(p, n, &o, &b) || b > n - o)
				return -CW_QUIC_FRAME;
			err = cw_quic_crypto_frame(st, p + o, a, b);
			if (err)
				return err;
			o += (u32)b;
			break;
		case 0x1c:	/* CONNECTION_CLOSE, transport error */
			if (!cw_quic_varint(p, n, &o, &a) ||
			    !cw_quic_varint(p, n, &o, &a) ||
			    !cw_quic_varint(p, n, &o, &b) || b > n - o)
				return -CW_QUIC_FRAME;
			o += (u32)b;
			/*
			 * The client gives up; its ClientHello, if the
			 * connection had one, was already judged.
			 */
			st->closed = 1;
			break;
		default:
			/* any other frame in an Initial: PROTOCOL_VIOLATION */
			return -CW_QUIC_FRAME;
		}
	}
	return 0;
}

/* Gives the TLS parser the CRYPTO bytes now contiguous from offset 0. */
static int cw_quic_feed_tls(struct cw_quic_state *st)
{
	static const u8 rec[3] = { 0x16, 0x03, 0x01 };
	enum cw_parse_result r = CW_PARSE_INCOMPLETE;
	u32 c = st->contig, mlen;
	u8 hdr[5];

	while (c < CW_QUIC_CRYPTO_MAX && (st->have[c / 8] & (1u << (c % 8)))) {
		if (!(c % 8) && c + 8 <= CW_QUIC_CRYPTO_MAX &&
		    st->have[c / 8] == 0xff)
			c += 8;
		else
			c++;
	}
	st->contig = (u16)c;
	if (!st->fed && c >= 4) {
		/*
		 * CRYPTO frames carry handshake messages without TLS
		 * records: give parse.c the record header a TCP client
		 * would have sent, over the whole ClientHello.
		 */
		if (st->crypto[0] != 1)
			return -CW_QUIC_TLS;
		mlen = (u32)st->crypto[1] << 16 | (u32)st->crypto[2] << 8 |
		       st->crypto[3];
		if (mlen > CW_QUIC_CRYPTO_MAX - 4)
			return -CW_QUIC_BUDGET;
		memcpy(hdr, rec, 3);
		hdr[3] = (u8)((mlen + 4) >> 8);
		hdr[4] = (u8)(mlen + 4);
		r = cw_tls_feed(&st->tls, hdr, 5, NULL, NULL);
	}
	if (st->fed || c >= 4) {
		r = cw_tls_feed(&st->tls, st->crypto + st->fed, c - st->fed,
				st->name, &mlen);
		st->fed = (u16)c;
	}
	switch (r) {
	case CW_PARSE_INCOMPLETE:
		return 0;
	case CW_PARSE_NAME:
	case CW_PARSE_NO_NAME:
		if (r == CW_PARSE_NAME)
			st->name_len = (u8)mlen;
		st->result = r;
		return 0;
	case CW_PARSE_OVER_BUDGET:
		return -CW_QUIC_BUDGET;
	default:
		return -CW_QUIC_TLS;
	}
}

struct cw_quic_hdr {
	u32 pn_off;		/* from the packet's first byte */
	u32 end;		/* the packet's length */
	const u8 *dcid, *scid;
	u32 dcid_len, scid_len;
};

/*
 * One long-header packet of a known version at p (len bytes left in the
 * datagram): its type (or CW_QP_STOP for a Retry), its bounds in h.
 */
static int cw_quic_header(u32 ver, const u8 *p, u32 len,
			  struct cw_quic_hdr *h)
{
	u8 type = (p[0] >> 4) & 3;
	u32 o = 5;
	u64 v;

	if (ver == CW_QUIC_V2)
		type = (type + 3) & 3;
	if (type == CW_QT_RETRY)	/* only servers send it */
		return CW_QP_STOP;
	h->dcid_len = p[o++];
	if (h->dcid_len > CW_QUIC_CID_MAX || h->dcid_len >= len - o)
		return -CW_QUIC_HEADER;
	h->dcid = p + o;
	o += h->dcid_len;
	h->scid_len = p[o++];
	if (h->scid_len > CW_QUIC_CID_MAX || h->scid_len > len - o)
		return -CW_QUIC_HEADER;
	h->scid = p + o;
	o += h->scid_len;
	if (type == CW_QT_INITIAL) {
		if (!cw_quic_varint(p, len, &o, &v) || v > len - o)
			return -CW_QUIC_HEADER;
		o += (u32)v;
	}
	if (!cw_quic_varint(p, len, &o, &v) || v > len - o)
		return -CW_QUIC_HEADER;
	h->pn_off = o;
	h->end = o + (u32)v;
	return type == CW_QT_INITIAL ? CW_QP_READ : CW_QP_SKIPPED;
}

/*
 * One Initial packet: pkt[0..end), its packet number at pn_off. Tries the
 * keys the state has (a client keeps the keys of its first destination
 * connection ID after the server picked another one), then keys from this
 * packet's own ID (the Initial after a Retry, or a new connection on the
 * same ports: the reassembly starts again).
 */
static int cw_quic_initial(struct cw_quic_state *st,
			   const struct cw_quic_crypto *c, u32 ver, u8 *pkt,
			   const struct cw_quic_hdr *h)
{
	struct cw_quic_keys k;
	bool same = st->started && st->dcid_len == h->dcid_len &&
		    !memcmp(st->dcid, h->dcid, h->dcid_len);
	u32 pn_off = h->pn_off, end = h->end;
	u32 pt;
	u64 pn;
	int err = -EBADMSG;

	if (end - pn_off < 4 + 16)
		return -CW_QUIC_HEADER;
	if (st->started) {
		if (st->version != ver) {
			/* compatible version negotiation (RFC 9368) */
			if (cw_quic_initial_keys(c, ver, st->dcid,
						 st->dcid_len, &k))
				return -CW_QUIC_CRYPTO;
			err = cw_quic_open(c, &k, st->next_pn, pkt, pn_off,
					   end, &pt, &pn);
			if (!err) {
				st->keys = k;
				st->version = ver;
			}
		} else {
			err = cw_quic_open(c, &st->keys, st->next_pn, pkt,
					   pn_off, end, &pt, &pn);
		}
		if (err && err != -EBADMSG)
			return -CW_QUIC_CRYPTO;
	}
	if (err && !same) {
		if (cw_quic_initial_keys(c, ver, h->dcid, h->dcid_len, &k))
			return -CW_QUIC_CRYPTO;
		err = cw_quic_open(c, &k, 0, pkt, pn_off, end, &pt, &pn);
		if (err == -EBADMSG)
			return -CW_QUIC_TAG;
		if (err)
			return -CW_QUIC_CRYPTO;
		cw_quic_init(st);
		st->started = 1;
		st->version = ver;
		st->keys = k;
		st->dcid_len = (u8)h->dcid_len;
		memcpy(st->dcid, h->dcid, h->dcid_len);
		st->scid_len = (u8)h->scid_len;
		memcpy(st->scid, h->scid, h->scid_len);
	}
	if (err)
		return -CW_QUIC_TAG;
	/* RFC 9000 section 17.2: reserved bits are zero once unprotected */
	if (pkt[0] & 0x0c)
		return -CW_QUIC_HEADER;
	if (pn + 1 > st->next_pn)
		st->next_pn = pn + 1;
	err = cw_quic_frames(st, pkt + pt, end - 16 - pt);
	if (err)
		return err;
	return cw_quic_feed_tls(st);
}

static enum cw_parse_result cw_quic_answer(struct cw_quic_state *st,
					   char *name, u32 *name_len)
{
	if (st->result == CW_PARSE_NAME && name) {
		memcpy(name, st->name, st->name_len + 1);
		*name_len = st->name_len;
	}
	return st->result;
}

enum cw_parse_result cw_quic_feed(struct cw_quic_state *st,
				  const struct cw_quic_crypto *c, u8 *buf,
				  u32 len, char *name, u32 *name_len)
{
	struct cw_quic_hdr h;
	u32 off = 0, ver;
	bool read = false;
	u8 *pkt;
	int r;

	if (st->result != CW_PARSE_INCOMPLETE)
		return cw_quic_answer(st, name, name_len);
	while (len - off >= 7 && (buf[off] & 0x80)) {
		ver = cw_quic_be32(buf + off + 1);
		if (ver != CW_QUIC_V1 && ver != CW_QUIC_V2) {
			/*
			 * Version negotiation (0) comes from servers; a
			 * coalesced packet of another version is ignored,
			 * as a server would. A first packet of a version
			 * we cannot read, padded as an Initial must be,
			 * may carry any name.
			 */
			if (!off && ver && len >= CW_QUIC_MIN_DGRAM) {
				r = -CW_QUIC_VERSION;
				goto fail;
			}
			break;
		}
		r = cw_quic_header(ver, buf + off, len - off, &h);
		if (r < 0)
			goto fail;
		if (r == CW_QP_STOP)
			break;
		pkt = buf + off;
		off += h.end;
		if (r == CW_QP_SKIPPED)
			continue;
		r = cw_quic_initial(st, c, ver, pkt, &h);
		if (r < 0)
			goto fail;
		read = true;
		if (st->result != CW_PARSE_INCOMPLETE)
			break;
	}
	if (!read)
		return CW_PARSE_NOT_PROTO;
	return cw_quic_answer(st, name, name_len);
fail:
	st->why = (u8)-r;
	/*
	 * No Initial of the datagram opens, under the connection's keys nor
	 * under its own ID's. A server derives the same keys, so it cannot
	 * open a connection with it either: it belongs to a connection the
	 * server already has (the client's ACKs of the server's Initials
	 * carry the server's ID), or it is corrupt. It ends no reassembly.
	 */
	if (-r == CW_QUIC_TAG && !read)
		return CW_PARSE_MALFORMED;
	st->result = -r == CW_QUIC_BUDGET ? CW_PARSE_OVER_BUDGET :
		     CW_PARSE_MALFORMED;
	return st->result;
}
