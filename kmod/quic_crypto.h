/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU crypto and scratch for the QUIC Initial parser (quic.h), set up
 * at load (quic_crypto.c).
 */
#ifndef _CW_QUIC_CRYPTO_H
#define _CW_QUIC_CRYPTO_H

#include <crypto/aes.h>

#include "quic.h"

/*
 * The largest datagram read as a QUIC Initial. Clients send 1200 to 1500
 * bytes (RFC 9000 section 14); a longer datagram with a client Initial in
 * front is failed closed as over budget when names are denied.
 */
#define CW_QUIC_DGRAM_MAX	4096

struct shash_desc;

struct cw_quic_cpu {
	struct cw_quic_crypto ops;	/* ops.ctx is this context */
	struct crypto_aes_ctx aes[2];	/* the two key slots of quic.h */
	struct shash_desc *desc;	/* over this CPU's hmac(sha256) */
	struct cw_quic_state st;	/* a flow's first datagram */
	char name[CW_NAME_MAX + 1];
	u8 dgram[CW_QUIC_DGRAM_MAX];	/* private copy, unprotected in place */
};

/**
 * cw_quic_crypto_init() - allocate every possible CPU's context
 *
 * Context: module init, may sleep.
 * Return: 0, or -ENOMEM (also when hmac(sha256) cannot be had).
 */
int cw_quic_crypto_init(void);

/**
 * cw_quic_crypto_exit() - free the contexts
 *
 * Context: module exit (or a failed init), once no hook can run.
 */
void cw_quic_crypto_exit(void);

/**
 * cw_quic_this_cpu() - this CPU's context
 *
 * Context: bottom halves disabled, until the context is no longer used.
 * Return: the context.
 */
struct cw_quic_cpu *cw_quic_this_cpu(void);

#endif /* _CW_QUIC_CRYPTO_H */
