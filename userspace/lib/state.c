// SPDX-License-Identifier: GPL-2.0 OR MIT
#include "state.h"

#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sha256.h"

#define HEADER "consentwall-receipts v1\n"

void state_init(struct state *st)
{
	st->r = NULL;
	st->n = 0;
}

void state_free(struct state *st)
{
	free(st->r);
	state_init(st);
}

struct receipt *state_find(const struct state *st, const char *purpose)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		if (!strcmp(st->r[i].purpose, purpose))
			return &st->r[i];
	return NULL;
}

void state_put(struct state *st, const struct receipt *r)
{
	struct receipt *old = state_find(st, r->purpose);

	if (old) {
		*old = *r;
		return;
	}
	st->r = xrealloc(st->r, (st->n + 1) * sizeof(*st->r));
	st->r[st->n++] = *r;
}

void state_format(const struct state *st, struct sbuf *out)
{
	char hex[65];
	size_t i, start = out->len;

	sbuf_adds(out, HEADER);
	for (i = 0; i < st->n; i++) {
		const struct receipt *r = &st->r[i];

		sbuf_printf(out, "%s %s %" PRId64 " %u %s\n",
			    r->granted ? "grant" : "deny", r->purpose, r->time,
			    r->uid, r->digest);
	}
	sha256_hex(out->s + start, out->len - start, hex);
	sbuf_printf(out, "end %zu %s\n", st->n, hex);
}

static bool is_hex64(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return s[64] == '\0';
}

__attribute__((format(printf, 4, 5)))
static int bad(struct state *st, char *err, size_t errlen, const char *fmt,
	       ...)
{
	va_list ap;

	state_free(st);
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EBADMSG;
}

int state_parse(struct state *st, const char *buf, size_t len, char *err,
		size_t errlen)
{
	const char *s = buf, *end = buf + len;
	unsigned int line = 1;

	state_init(st);
	if (len < sizeof(HEADER) - 1 || memcmp(buf, HEADER, sizeof(HEADER) - 1))
		return bad(st, err, errlen, "line 1: not a receipts file");
	if (memchr(buf, '\0', len))
		return bad(st, err, errlen, "NUL byte in the file");
	s += sizeof(HEADER) - 1;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		char l[512], word[16], purpose[64], digest[80], hex[65];
		long long t;
		unsigned long uid;
		size_t n, count;
		struct receipt r;
		int used = 0;

		line++;
		if (!nl)
			return bad(st, err, errlen,
				    "line %u: torn (no end of line)", line);
		n = (size_t)(nl - s);
		if (n >= sizeof(l))
			return bad(st, err, errlen, "line %u: too long", line);
		memcpy(l, s, n);
		l[n] = '\0';
		if (!strncmp(l, "end ", 4)) {
			if (sscanf(l, "end %zu %64s%n", &count, hex, &used) != 2 ||
			    (size_t)used != n || !is_hex64(hex))
				return bad(st, err, errlen,
					   "line %u: malformed trailer", line);
			if (nl + 1 != end)
				return bad(st, err, errlen,
					   "line %u: data after the trailer",
					   line);
			if (count != st->n)
				return bad(st, err, errlen,
					   "trailer counts %zu receipts, found %zu",
					   count, st->n);
			sha256_hex(buf, (size_t)(s - buf), digest);
			if (strcmp(digest, hex))
				return bad(st, err, errlen,
					   "checksum mismatch: edited or damaged");
			return 0;
		}
		if (sscanf(l, "%15s %63s %lld %lu %79s%n", word, purpose, &t,
			   &uid, digest, &used) != 5 || (size_t)used != n ||
		    (strcmp(word, "grant") && strcmp(word, "deny")) ||
		    !cw_purpose_name_valid(purpose) || uid > UINT32_MAX ||
		    !is_hex64(digest))
			return bad(st, err, errlen, "line %u: malformed receipt",
				   line);
		if (state_find(st, purpose))
			return bad(st, err, errlen,
				   "line %u: second receipt for %s", line,
				   purpose);
		memset(&r, 0, sizeof(r));
		memcpy(r.purpose, purpose, strlen(purpose) + 1);
		r.granted = !strcmp(word, "grant");
		r.time = t;
		r.uid = (uint32_t)uid;
		memcpy(r.digest, digest, 65);
		state_put(st, &r);
		s = nl + 1;
	}
	return bad(st, err, errlen, "torn: no trailer");
}

int state_load(struct state *st, const char *path, char *err, size_t errlen)
{
	char why[256], aside[4096];
	size_t len;
	char *buf;
	int ret;

	state_init(st);
	ret = read_file(path, &buf, &len);
	if (ret == -ENOENT)
		return ret;
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, file_strerror(ret));
		return ret;
	}
	ret = state_parse(st, buf, len, why, sizeof(why));
	free(buf);
	if (!ret)
		return 0;
	/* Keep the evidence for a person to look at; start from denied. */
	snprintf(aside, sizeof(aside), "%s.corrupt-%lld", path,
		 (long long)time(NULL));
	if (rename(path, aside) < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s; could not set it aside: %s",
			 path, why, strerror(-ret));
		return ret == -EBADMSG ? -EIO : ret;
	}
	snprintf(err, errlen, "%s: %s; set aside as %s", path, why, aside);
	return -EBADMSG;
}

int state_save(const struct state *st, const char *path, bool *renamed)
{
	struct sbuf b;
	int ret;

	sbuf_init(&b);
	state_format(st, &b);
	ret = write_file_atomic(path, b.s, b.len, 0600, renamed);
	sbuf_free(&b);
	return ret;
}
