/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * MD5 (RFC 1321) and SHA-1 (FIPS 180-4), one shot, written here so that
 * consentd needs no crypto library (it builds on Android against libnl
 * only). They are not used for security: the identifier guard derives the
 * digests that apps send of the handset's identifiers, to recognise them.
 * SHA-256 is lib/sha256.h.
 */
#ifndef CW_DIGEST_H
#define CW_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#define MD5_DIGEST_SIZE 16
#define SHA1_DIGEST_SIZE 20

void md5(const void *data, size_t len, uint8_t out[MD5_DIGEST_SIZE]);
void sha1(const void *data, size_t len, uint8_t out[SHA1_DIGEST_SIZE]);

#endif
