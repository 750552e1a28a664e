/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Host tests: a file of tests/captures (CAPDIR) read whole. Include after
 * tap.h and a header that defines u8 and u32.
 */
#ifndef _CW_TEST_CAPTURE_H
#define _CW_TEST_CAPTURE_H

#include <stdio.h>
#include <stdlib.h>

#ifndef CAPDIR
#define CAPDIR "../../captures"
#endif

struct blob {
	u8 *p;
	u32 n;
};

static inline struct blob load(const char *file)
{
	char path[1024];
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

#endif /* _CW_TEST_CAPTURE_H */
