// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Receipts: round trip, and every way a file can be damaged. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/state.h"
#include "../../tests/tap.h"

#define D1 "1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"

static char dir[] = "/tmp/cw-state-XXXXXX";

static int count_aside(void)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	while ((de = readdir(d)))
		if (strstr(de->d_name, ".corrupt-"))
			n++;
	closedir(d);
	return n;
}

static void write_raw(const char *path, const char *s, size_t len)
{
	FILE *f = fopen(path, "w");

	fwrite(s, 1, len, f);
	fclose(f);
}

int main(void)
{
	struct state st, back;
	struct receipt r;
	struct sbuf b;
	char path[256], err[512], *good;
	size_t goodlen, i;
	int ret;

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/receipts", dir);

	state_init(&st);
	ret = state_load(&st, path, err, sizeof(err));
	tap_ok(ret == -ENOENT && st.n == 0, "no file: nothing granted");

	memset(&r, 0, sizeof(r));
	strcpy(r.purpose, "cloud-messaging");
	r.granted = true;
	r.time = 1764300000;
	r.uid = 0;
	strcpy(r.digest, D1);
	state_put(&st, &r);
	strcpy(r.purpose, "analytics");
	r.granted = false;
	r.uid = 10061;
	strcpy(r.digest, D2);
	state_put(&st, &r);
	r.time = 1764300001;
	state_put(&st, &r);
	tap_ok(st.n == 2, "a second decision replaces the first");
	tap_ok(state_save(&st, path, NULL) == 0, "save");
	{
		struct stat sb;

		tap_ok(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600,
		       "receipts are private (0600)");
		snprintf(err, sizeof(err), "%s.tmp", path);
		tap_ok(access(err, F_OK) != 0, "no temp file left behind");
	}
	state_init(&back);
	ret = state_load(&back, path, err, sizeof(err));
	tap_ok(ret == 0 && back.n == 2, "load what was saved");
	tap_ok(state_find(&back, "cloud-messaging") &&
	       state_find(&back, "cloud-messaging")->granted &&
	       !strcmp(state_find(&back, "cloud-messaging")->digest, D1) &&
	       state_find(&back, "analytics") &&
	       !state_find(&back, "analytics")->granted &&
	       state_find(&back, "analytics")->uid == 10061 &&
	       state_find(&back, "analytics")->time == 1764300001,
	       "round trip keeps decision, time, uid, digest");
	state_free(&back);

	sbuf_init(&b);
	state_format(&st, &b);
	good = b.s;
	goodlen = b.len;

	/* Torn at every length: never accepted, never a grant. */
	{
		int accepted = 0;

		for (i = 0; i < goodlen; i++) {
			ret = state_parse(&back, good, i, err, sizeof(err));
			if (ret != -EBADMSG || back.n)
				accepted++;
			state_free(&back);
		}
		tap_ok(!accepted, "torn at each of %zu lengths: refused", goodlen);
	}
	/* Every single flipped byte is caught. */
	{
		int accepted = 0;
		char *cp = malloc(goodlen);

		for (i = 0; i < goodlen; i++) {
			memcpy(cp, good, goodlen);
			cp[i] ^= 0x01;
			if (!state_parse(&back, cp, goodlen, err, sizeof(err)))
				accepted++;
			state_free(&back);
		}
		free(cp);
		tap_ok(!accepted, "each of %zu one-bit flips: refused", goodlen);
	}
	{
		static const struct { const char *t, *why; } cases[] = {
			{ "", "line 1: not a receipts file" },
			{ "garbage\n", "line 1: not a receipts file" },
			{ "consentwall-receipts v1\n", "torn: no trailer" },
			{ "consentwall-receipts v1\ngrant x 1 0 " D1 "\n", "torn: no trailer" },
			{ "consentwall-receipts v1\ngrant x 1 0 " D1, "line 2: torn (no end of line)" },
			{ "consentwall-receipts v1\nmaybe x 1 0 " D1 "\n", "line 2: malformed receipt" },
			{ "consentwall-receipts v1\ngrant X 1 0 " D1 "\n", "line 2: malformed receipt" },
			{ "consentwall-receipts v1\ngrant x 1 0 abc\n", "line 2: malformed receipt" },
			{ "consentwall-receipts v1\ngrant x 1 0 " D1 " extra\n", "line 2: malformed receipt" },
			{ "consentwall-receipts v1\nend 0 " D1 "\n", "checksum mismatch: edited or damaged" },
			{ "consentwall-receipts v1\nend 1 " D1 "\n", "trailer counts 1 receipts, found 0" },
			{ "consentwall-receipts v1\nend zero\n", "line 2: malformed trailer" },
		};

		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			ret = state_parse(&back, cases[i].t, strlen(cases[i].t),
					  err, sizeof(err));
			if (!tap_ok(ret == -EBADMSG && back.n == 0 &&
				    !strcmp(err, cases[i].why),
				    "corrupt %zu: %s", i, cases[i].why))
				tap_diag("got: %s", err);
			state_free(&back);
		}
	}
	/* Data after a valid trailer. */
	{
		struct sbuf x;

		sbuf_init(&x);
		sbuf_add(&x, good, goodlen);
		sbuf_adds(&x, "grant ads 1 0 " D1 "\n");
		ret = state_parse(&back, x.s, x.len, err, sizeof(err));
		tap_ok(ret == -EBADMSG && strstr(err, "data after the trailer"),
		       "appended receipt after the trailer refused");
		state_free(&back);
		sbuf_free(&x);
	}
	/* A damaged file on disk is set aside and means all denied. */
	write_raw(path, good, goodlen - 5);
	ret = state_load(&back, path, err, sizeof(err));
	tap_ok(ret == -EBADMSG && back.n == 0 && strstr(err, "set aside as"),
	       "torn file on disk: all denied, %s", err);
	tap_ok(access(path, F_OK) != 0 && count_aside() == 1,
	       "torn file renamed aside for inspection");
	ret = state_load(&back, path, err, sizeof(err));
	tap_ok(ret == -ENOENT, "after setting aside: no file, all denied");
	/* Saving again works and replaces nothing that was set aside. */
	tap_ok(state_save(&st, path, NULL) == 0 &&
	       state_load(&back, path, err, sizeof(err)) == 0 && back.n == 2 &&
	       count_aside() == 1, "new receipts written next to the evidence");
	state_free(&back);
	/* A receipts file that is a directory: unreadable, all denied. */
	sbuf_free(&b);
	state_free(&st);
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd))
			tap_diag("cleanup failed");
	}
	return tap_done();
}
