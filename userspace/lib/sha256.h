/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * SHA-256 (FIPS 180-4), written here so consentd needs no crypto library:
 * it only digests the canonical form of a purpose's rules for the receipts.
 */
#ifndef CW_SHA256_H
#define CW_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;
	uint8_t buf[64];
	size_t used;
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *data, size_t len);
void sha256_final(struct sha256 *c, uint8_t out[SHA256_DIGEST_SIZE]);
/* Lower-case hex, 65 bytes with the NUL. */
void sha256_hex(const void *data, size_t len, char out[65]);
void sha256_tohex(const uint8_t d[SHA256_DIGEST_SIZE], char out[65]);

#endif
