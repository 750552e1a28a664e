/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * OpenSSL for the QUIC parser's host tests and fuzzer: the crypto provider
 * (struct cw_quic_crypto) and a sealer that builds client Initials with
 * OpenSSL's own AES-128-GCM, so the parser's GCM meets another one.
 */
#ifndef _CW_TEST_OSSL_H
#define _CW_TEST_OSSL_H

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "quic.h"

struct ossl {
	EVP_CIPHER_CTX *aes[2];
	int fail_hmac;
};

static inline int o_hmac(void *ctx, const u8 *key, u32 key_len, const u8 *msg,
		  u32 msg_len, u8 out[32])
{
	struct ossl *o = ctx;
	unsigned int n = 32;

	if (o->fail_hmac)
		return -EIO;
	return HMAC(EVP_sha256(), key, key_len, msg, msg_len, out, &n) ?
	       0 : -EIO;
}

static inline int o_setkey(void *ctx, int slot, const u8 key[16])
{
	struct ossl *o = ctx;

	if (!EVP_EncryptInit_ex(o->aes[slot], EVP_aes_128_ecb(), NULL, key,
				NULL))
		return -EIO;
	EVP_CIPHER_CTX_set_padding(o->aes[slot], 0);
	return 0;
}

static inline void o_block(void *ctx, int slot, const u8 in[16], u8 out[16])
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

/* Call once before using prov. */
static inline void ossl_init(void)
{
	prov_ctx.aes[0] = EVP_CIPHER_CTX_new();
	prov_ctx.aes[1] = EVP_CIPHER_CTX_new();
}

static inline void ossl_exit(void)
{
	EVP_CIPHER_CTX_free(prov_ctx.aes[0]);
	EVP_CIPHER_CTX_free(prov_ctx.aes[1]);
}

/*
 * Builds a client Initial in a datagram of at least pad_to bytes: header
 * (dcid, scid, pn in pn_len bytes), payload = frames, PADDING up to size,
 * sealed with OpenSSL AES-128-GCM and header protection applied.
 * Returns the datagram length.
 */
static inline u32 seal(u32 ver, const u8 *dcid, u32 dlen, u64 pn, u32 pn_len,
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
static inline u32 crypto_frame(u8 *out, u32 off, const u8 *data, u32 n)
{
	out[0] = 0x06;
	out[1] = 0x40 | off >> 8;
	out[2] = off;
	out[3] = 0x40 | n >> 8;
	out[4] = n;
	memcpy(out + 5, data, n);
	return 5 + n;
}

#endif /* _CW_TEST_OSSL_H */
