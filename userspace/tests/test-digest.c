// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * MD5 and SHA-1 (lib/digest.c) against the RFC 1321 and FIPS 180 vectors,
 * and MD5, SHA-1 and SHA-256 against `openssl dgst` on random inputs of
 * every length from 0 to 200 bytes (every padding case: tails of 0 to 63
 * bytes, one or two final blocks).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/digest.h"
#include "../lib/sha256.h"
#include "../../tests/tap.h"

#define MAXLEN 200

static void hex(const uint8_t *d, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void vectors(void)
{
	static const struct { const char *in, *md5, *sha1; } v[] = {
		{ "", "d41d8cd98f00b204e9800998ecf8427e",
		  "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
		{ "a", "0cc175b9c0f1b6a831c399e269772661",
		  "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8" },
		{ "abc", "900150983cd24fb0d6963f7d28e17f72",
		  "a9993e364706816aba3e25717850c26c9cd0d89d" },
		{ "message digest", "f96b697d7cb7938d525a2f31aaf161d0",
		  "c12252ceda8be8994d5fa0290a47231c1d16aae3" },
		{ "abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b",
		  "32d10c7b8cf96570ca04ce37f2a19d84240d3a89" },
		{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
		  "d174ab98d277d9f5a5611c2c9f419d9f",
		  "761c457bf73b14d27e9e9265c46f4b4dda11f940" },
		{ "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
		  "57edf4a22be3c955ac49da2e2107b67a",
		  "50abf5706a150990a08b2c5ea40fa0e585554732" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "8215ef0796a20bcaaae116d3876c664a",
		  "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
	};
	uint8_t d[SHA1_DIGEST_SIZE];
	char h[2 * SHA1_DIGEST_SIZE + 1];
	size_t i;
	char *m;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		md5(v[i].in, strlen(v[i].in), d);
		hex(d, MD5_DIGEST_SIZE, h);
		tap_ok(!strcmp(h, v[i].md5), "md5 vector %zu (%zu bytes): %s",
		       i, strlen(v[i].in), h);
		sha1(v[i].in, strlen(v[i].in), d);
		hex(d, SHA1_DIGEST_SIZE, h);
		tap_ok(!strcmp(h, v[i].sha1), "sha1 vector %zu (%zu bytes): %s",
		       i, strlen(v[i].in), h);
	}
	m = malloc(1000000);
	memset(m, 'a', 1000000);
	sha1(m, 1000000, d);
	hex(d, SHA1_DIGEST_SIZE, h);
	tap_ok(!strcmp(h, "34aa973cd4c4daa4f61eeb2bdbad27316534016f"),
	       "sha1 of a million 'a' (FIPS 180)");
	md5(m, 1000000, d);
	hex(d, MD5_DIGEST_SIZE, h);
	tap_ok(!strcmp(h, "7707d6ae4e027c70eea2a935c2296f21"),
	       "md5 of a million 'a'");
	free(m);
}

/* One `openssl dgst -ALG -r` over every file; its lines against ours. */
static void against_openssl(const char *dir, const char *alg, size_t dlen)
{
	char cmd[64 + MAXLEN * 40], line[256], want[2 * 32 + 1];
	uint8_t buf[MAXLEN], d[32];
	size_t n, o, bad = 0, seen = 0;
	FILE *f;

	o = snprintf(cmd, sizeof(cmd), "openssl dgst -%s -r", alg);
	for (n = 0; n <= MAXLEN; n++)
		o += snprintf(cmd + o, sizeof(cmd) - o, " %s/%zu", dir, n);
	f = popen(cmd, "r");
	for (n = 0; f && n <= MAXLEN && fgets(line, sizeof(line), f); n++) {
		FILE *in;
		char p[128];

		snprintf(p, sizeof(p), "%s/%zu", dir, n);
		in = fopen(p, "rb");
		if (!in || fread(buf, 1, n, in) != n)
			bad++;
		if (in)
			fclose(in);
		if (dlen == MD5_DIGEST_SIZE)
			md5(buf, n, d);
		else if (dlen == SHA1_DIGEST_SIZE)
			sha1(buf, n, d);
		else {
			struct sha256 c;

			sha256_init(&c);
			sha256_update(&c, buf, n);
			sha256_final(&c, d);
		}
		hex(d, dlen, want);
		if (strncmp(line, want, 2 * dlen) || line[2 * dlen] != ' ')
			bad++;
		seen++;
	}
	if (f)
		pclose(f);
	tap_ok(seen == MAXLEN + 1 && !bad,
	       "%s: the same as openssl dgst on random inputs of 0 to %d bytes (%zu compared, %zu differ)",
	       alg, MAXLEN, seen, bad);
}

int main(void)
{
	char dir[] = "/tmp/cw-digest-XXXXXX", p[128];
	uint8_t buf[MAXLEN];
	size_t n, i;
	FILE *f;

	vectors();
	if (!mkdtemp(dir))
		return 1;
	srand(1);
	for (n = 0; n <= MAXLEN; n++) {
		for (i = 0; i < n; i++)
			buf[i] = (uint8_t)rand();
		snprintf(p, sizeof(p), "%s/%zu", dir, n);
		f = fopen(p, "wb");
		if (!f || fwrite(buf, 1, n, f) != n)
			return 1;
		fclose(f);
	}
	against_openssl(dir, "md5", MD5_DIGEST_SIZE);
	against_openssl(dir, "sha1", SHA1_DIGEST_SIZE);
	against_openssl(dir, "sha256", 32);
	for (n = 0; n <= MAXLEN; n++) {
		snprintf(p, sizeof(p), "%s/%zu", dir, n);
		unlink(p);
	}
	rmdir(dir);
	return tap_done();
}
