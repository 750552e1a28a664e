// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Host benchmark of the identifier matcher (kmod/idmatch.c at -O2): bytes
 * per second over real text that carries none of the patterns, beside two
 * baselines in the same run, memchr() for an absent byte and a plain loop
 * that reads every byte; cw_idm_first() (the sieve in front) in one call
 * and in TCP-sized calls, and the automaton alone (cw_idm_scan()); and as
 * the kernel has it, each 64 KiB piece copied in and then scanned, beside
 * the copies alone. The patterns are what consentd would derive from
 * two IMEIs, two IMSIs and two phone numbers: digits, hex of hashes in
 * both cases, base64. Ratios matter, not absolute figures.
 *   ./bench_idmatch [FILE...]   the text (default: every file of /usr/share/common-licenses)
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "idmatch.h"

#define TEXT_BYTES (32u << 20)
#define RUNS 5
/* A GSO segment: the kernel scans each right after copying it in. */
#define SEG_BYTES (64u << 10)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static u64 rng = 88172645463325252ull;

static u32 rnd(u32 n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (u32)(rng % n);
}

/* A random string of len characters from set. */
static u8 *rand_str(const char *set, u32 len)
{
	u8 *s = malloc(len);
	u32 i, n = strlen(set);

	for (i = 0; i < len; i++)
		s[i] = set[rnd(n)];
	return s;
}

static bool count_hit(void *ctx, u32 tag, size_t end)
{
	(void)tag;
	(void)end;
	++*(u32 *)ctx;
	return false;
}

static void add(struct cw_idm_pattern *p, u32 *n, u8 *s, u32 len)
{
	p[*n] = (struct cw_idm_pattern){ s, len, *n };
	(*n)++;
}

static size_t load(int argc, char **argv, u8 *buf)
{
	size_t len = 0, got;
	glob_t g = { 0 };
	char **files;
	int i, n;
	FILE *f;

	if (argc > 1) {
		files = argv + 1;
		n = argc - 1;
	} else {
		glob("/usr/share/common-licenses/*", 0, NULL, &g);
		files = g.gl_pathv;
		n = g.gl_pathc;
	}
	while (len < TEXT_BYTES && n) {
		size_t before = len;

		for (i = 0; i < n && len < TEXT_BYTES; i++) {
			f = fopen(files[i], "rb");
			if (!f)
				continue;
			got = fread(buf + len, 1, TEXT_BYTES - len, f);
			len += got;
			fclose(f);
		}
		if (len == before)
			break;
	}
	globfree(&g);
	return len;
}

int main(int argc, char **argv)
{
	static const char *digits = "0123456789", *lhex = "0123456789abcdef",
		*uhex = "0123456789ABCDEF",
		*b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct cw_idm_pattern p[400];
	double t, best[7] = { 1e9, 1e9, 1e9, 1e9, 1e9, 1e9, 1e9 };
	size_t o;
	u32 n = 0, i, k, state, tag, hits = 0, sum = 0;
	u8 *buf = malloc(TEXT_BYTES), *seg = malloc(SEG_BYTES);
	struct cw_idm *m;
	size_t len;
	int r;

	len = load(argc, argv, buf);
	if (!len) {
		fprintf(stderr, "bench_idmatch: no text to read\n");
		return 1;
	}
	/*
	 * Per value: 4 digit strings (as written, E.164 variants), MD5,
	 * SHA-1 and SHA-256 in both cases, 24 base64 pieces (3 alignments,
	 * the value and 3 hashes, 2 alphabets).
	 */
	for (k = 0; k < 6; k++) {
		for (i = 0; i < 4; i++)
			add(p, &n, rand_str(digits, 15), 15 - i % 2);
		for (i = 0; i < 3; i++) {
			u32 hl = (u32[]){ 32, 40, 64 }[i];

			add(p, &n, rand_str(lhex, hl), hl);
			add(p, &n, rand_str(uhex, hl), hl);
		}
		for (i = 0; i < 24; i++)
			add(p, &n, rand_str(b64, 18), 16 + i % 3);
	}
	if (cw_idm_build(p, n, &m)) {
		fprintf(stderr, "bench_idmatch: build failed\n");
		return 1;
	}
	for (r = 0; r < RUNS; r++) {
		t = now();
		if (memchr(buf, 0xfe, len))
			hits++;
		t = now() - t;
		best[0] = t < best[0] ? t : best[0];

		t = now();
		for (i = 0; i < len; i++)
			sum += buf[i] == 0xfe;
		t = now() - t;
		best[1] = t < best[1] ? t : best[1];

		t = now();
		state = CW_IDM_START;
		if (cw_idm_first(m, &state, buf, len, &tag))
			hits++;
		t = now() - t;
		best[2] = t < best[2] ? t : best[2];

		/* as TCP segments of 1448 bytes, the stream's state carried */
		t = now();
		state = CW_IDM_START;
		for (o = 0; o < len; o += 1448)
			if (cw_idm_first(m, &state, buf + o,
					 len - o < 1448 ? len - o : 1448, &tag))
				hits++;
		t = now() - t;
		best[3] = t < best[3] ? t : best[3];

		/* the automaton alone, a step per byte (no sieve) */
		t = now();
		state = CW_IDM_START;
		cw_idm_scan(m, &state, buf, len, count_hit, &hits);
		t = now() - t;
		best[4] = t < best[4] ? t : best[4];

		/* as the kernel has it: each 64 KiB copied in, then scanned */
		t = now();
		for (o = 0; o < len; o += SEG_BYTES) {
			size_t n = len - o < SEG_BYTES ? len - o : SEG_BYTES;

			memcpy(seg, buf + o, n);
			sum += seg[n - 1] == 0xfe;
		}
		t = now() - t;
		best[5] = t < best[5] ? t : best[5];

		t = now();
		state = CW_IDM_START;
		for (o = 0; o < len; o += SEG_BYTES) {
			size_t n = len - o < SEG_BYTES ? len - o : SEG_BYTES;

			memcpy(seg, buf + o, n);
			if (cw_idm_first(m, &state, seg, n, &tag))
				hits++;
		}
		t = now() - t;
		best[6] = t < best[6] ? t : best[6];
	}
	printf("identifier matcher benchmark (host, one thread, best of %d; ratios matter)\n", RUNS);
	printf("text %zu bytes, %u patterns, matcher %zu bytes, %u hits (0 expected; %u bytes 0xfe)\n",
	       len, n, cw_idm_bytes(m), hits, sum);
	printf("%-28s %10.0f MB/s\n", "memchr (absent byte)", len / best[0] / 1e6);
	printf("%-28s %10.0f MB/s\n", "byte loop (compare each)", len / best[1] / 1e6);
	printf("%-28s %10.0f MB/s  (%.2fx the byte loop's time)\n", "cw_idm_first, one call",
	       len / best[2] / 1e6, best[2] / best[1]);
	printf("%-28s %10.0f MB/s  (%.2fx the byte loop's time)\n", "cw_idm_first, 1448-byte calls",
	       len / best[3] / 1e6, best[3] / best[1]);
	printf("%-28s %10.0f MB/s  (%.2fx the byte loop's time)\n", "the automaton (cw_idm_scan)",
	       len / best[4] / 1e6, best[4] / best[1]);
	printf("%-28s %10.0f MB/s\n", "64 KiB copies (memcpy)", len / best[5] / 1e6);
	printf("%-28s %10.0f MB/s  (%.2fx the copies' time)\n", "copies, each then scanned",
	       len / best[6] / 1e6, best[6] / best[5]);
	cw_idm_free(m);
	for (i = 0; i < n; i++)
		free((void *)p[i].bytes);
	free(buf);
	free(seg);
	return hits != 0;
}
