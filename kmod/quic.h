/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * QUIC client Initial packets (RFC 9000, RFC 9001; QUIC v2 of RFC 9369):
 * the SNI of the TLS ClientHello they carry. Pure code (pure.h): the same
 * file is compiled into the module, the unit tests and the fuzzer.
 *
 * A client's first flight is one or more Initial packets, each protected
 * with keys that anyone can derive from the packet's destination connection
 * ID (RFC 9001 section 5.2). The parser derives them (HKDF-SHA256 with the
 * version's salt and labels), removes header protection (AES-128 on a
 * 16-byte sample), decodes the packet number, decrypts the payload with
 * AES-128-GCM and checks its tag, then walks the frames: CRYPTO frames are
 * copied by offset into a bounded buffer (they may come in any order and
 * over several packets: a post-quantum ClientHello is over 1,700 bytes, and
 * browsers shuffle and split it), and the bytes that are contiguous from
 * offset 0 are fed to the TLS ClientHello parser of parse.c.
 *
 * Untrusted bytes: no length is trusted, nothing is read outside the
 * datagram, nothing is allocated, work is linear in the datagram, and
 * everything kept between packets lives in struct cw_quic_state, which
 * holds no pointer (the hook may parse a flow's first datagram with a
 * per-CPU state and copy it into a flow slot only when more is needed; the
 * flow memory can keep the name and connection IDs of a finished one).
 *
 * Crypto is behind struct cw_quic_crypto: the module supplies the kernel's
 * HMAC-SHA256 and AES library (quic_crypto.c), the host tests OpenSSL.
 * GCM itself (counter mode and GHASH) is done here over the AES block
 * function: the kernel's "gcm(aes)" AEAD may allocate and sleep in setkey
 * (crypto/gcm.c computes the hash key with a GFP_KERNEL request), and every
 * new connection needs a new key, in the packet path.
 */
#ifndef _CW_QUIC_H
#define _CW_QUIC_H

#include "pure.h"
#include "parse.h"

#define CW_QUIC_V1	0x00000001u
#define CW_QUIC_V2	0x6b3343cfu

/* RFC 9000 section 14.1: a client pads datagrams with an Initial to this. */
#define CW_QUIC_MIN_DGRAM	1200
#define CW_QUIC_CID_MAX		20

/*
 * The ClientHello bytes kept for reassembly. Real ClientHellos, even with
 * a hybrid post-quantum key share, are under 4 KiB (parse.h); CRYPTO data
 * that ends beyond this is CW_PARSE_OVER_BUDGET.
 */
#define CW_QUIC_CRYPTO_MAX	4096

/* What went wrong, for counters and `explain`, when the answer is not a name. */
enum cw_quic_why {
	CW_QUIC_OK,
	CW_QUIC_VERSION,	/* a long header of a version we cannot read */
	CW_QUIC_HEADER,		/* a length or connection ID that does not fit */
	CW_QUIC_TAG,		/* the AEAD tag did not verify */
	CW_QUIC_FRAME,		/* a frame not allowed in an Initial, or cut */
	CW_QUIC_TLS,		/* the CRYPTO stream is not a ClientHello */
	CW_QUIC_BUDGET,		/* CRYPTO data beyond CW_QUIC_CRYPTO_MAX */
	CW_QUIC_CRYPTO,		/* the crypto provider failed */
	CW_QUIC_FULL,		/* the hook had no room to reassemble */
};

/**
 * cw_quic_why_str() - a short English phrase for an enum cw_quic_why
 * @why: the reason
 *
 * Return: a static string, "?" for a value out of range.
 */
const char *cw_quic_why_str(enum cw_quic_why why);

/*
 * The crypto a parser needs, supplied by its caller. Each returns 0 or a
 * negative errno. aes_setkey() expands a 16-byte key into one of two slots
 * (0: header protection, 1: packet protection) that aes_block() then uses;
 * the slots belong to the caller's context (per CPU in the module).
 */
struct cw_quic_crypto {
	int (*hmac_sha256)(void *ctx, const u8 *key, u32 key_len,
			   const u8 *msg, u32 msg_len, u8 out[32]);
	int (*aes_setkey)(void *ctx, int slot, const u8 key[16]);
	void (*aes_block)(void *ctx, int slot, const u8 in[16], u8 out[16]);
	void *ctx;
};

struct cw_quic_keys {
	u8 key[16];
	u8 iv[12];
	u8 hp[16];
};

/*
 * One client connection's Initials. About 5 KiB: the hook keeps it per flow
 * in a small bounded table, only for flows whose first Initial did not hold
 * the whole answer.
 */
struct cw_quic_state {
	u32 version;
	u64 next_pn;		/* largest packet number seen + 1 */
	u16 contig;		/* CRYPTO bytes present from offset 0 */
	u16 fed;		/* of those, given to the TLS parser */
	u8 started;		/* keys derived */
	u8 result;		/* enum cw_parse_result, INCOMPLETE until done */
	u8 why;			/* enum cw_quic_why */
	u8 closed;		/* the client sent CONNECTION_CLOSE */
	u8 dcid_len;
	u8 dcid[CW_QUIC_CID_MAX];	/* the one the keys come from */
	u8 scid_len;
	u8 scid[CW_QUIC_CID_MAX];
	u8 name_len;
	char name[CW_NAME_MAX + 1];
	struct cw_quic_keys keys;
	struct cw_tls_state tls;
	u8 have[CW_QUIC_CRYPTO_MAX / 8];	/* bitmap of CRYPTO bytes present */
	u8 crypto[CW_QUIC_CRYPTO_MAX];
};

/**
 * cw_quic_init() - start the state of a new connection
 * @st: the state
 */
void cw_quic_init(struct cw_quic_state *st);

/**
 * cw_quic_feed() - read one UDP datagram that a client sends
 * @st: the connection's state, from cw_quic_init()
 * @c: the crypto provider
 * @buf: the datagram, modified in place (protection is removed), so a
 *       private copy
 * @len: its length
 * @name: where the SNI goes (CW_NAME_MAX + 1 bytes), or NULL
 * @name_len: set to the SNI's length on CW_PARSE_NAME
 *
 * Coalesced packets are walked: Initials are read, 0-RTT and Handshake
 * packets of a known version stepped over, a short header ends the
 * datagram.
 *
 * Context: any; never sleeps or allocates (nor does @c).
 * Return:
 *  CW_PARSE_NOT_PROTO   not a client Initial of a known version: no long
 *                       header, a version negotiation or server-only
 *                       packet, only 0-RTT/Handshake packets, or a long
 *                       header of an unknown version in a datagram shorter
 *                       than 1200 bytes (which cannot open a connection:
 *                       RFC 9000 sections 6 and 14.1);
 *  CW_PARSE_INCOMPLETE  read, but the SNI lies in CRYPTO bytes not yet seen;
 *  CW_PARSE_NAME        the SNI, in name/name_len (name may be NULL);
 *  CW_PARSE_NO_NAME     a whole ClientHello without a usable SNI;
 *  CW_PARSE_MALFORMED   st->why says what: an unknown version in a
 *                       datagram that could open a connection, a header
 *                       that does not fit, a failed tag, a frame that is
 *                       not allowed in an Initial, a CRYPTO stream that is
 *                       not a ClientHello;
 *  CW_PARSE_OVER_BUDGET CRYPTO data beyond CW_QUIC_CRYPTO_MAX.
 * Once the state has a final answer, later datagrams return it again. A
 * datagram whose first Initial no key opens (st->why CW_QUIC_TAG: not
 * the connection's, nor its own destination ID's) is MALFORMED but is
 * not kept as the answer: no server could open a connection with it
 * either, and the state goes on with the next datagram.
 */
enum cw_parse_result cw_quic_feed(struct cw_quic_state *st,
				  const struct cw_quic_crypto *c, u8 *buf,
				  u32 len, char *name, u32 *name_len);

/**
 * cw_quic_initial_keys() - the client's Initial keys for a connection ID
 * @c: the crypto provider
 * @version: CW_QUIC_V1 or CW_QUIC_V2
 * @dcid: the destination connection ID of the client's first Initial
 * @dcid_len: its length
 * @keys: set to the packet key, IV and header protection key
 *
 * RFC 9001 section 5.2; RFC 9369 section 3.3.1.
 *
 * Return: 0, -EINVAL for a version other than v1/v2, or the provider's
 * error.
 */
int cw_quic_initial_keys(const struct cw_quic_crypto *c, u32 version,
			 const u8 *dcid, u32 dcid_len,
			 struct cw_quic_keys *keys);

#endif /* _CW_QUIC_H */
