/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Consent receipts: for each purpose the last decision, when, which UID
 * asked, and the digest of the purpose's rules at that moment. One text
 * file, rewritten atomically, ending with a trailer that carries the count
 * and a SHA-256 of everything before it, so a torn or edited file is
 * recognized and treated as "everything denied".
 */
#ifndef CW_STATE_H
#define CW_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../kmod/uapi/consentwall.h"
#include "util.h"

#define STATE_FILE "receipts"

struct receipt {
	char purpose[CW_PURPOSE_NAME_MAX];
	bool granted;
	int64_t time;		/* seconds since the epoch */
	uint32_t uid;		/* who asked */
	char digest[65];	/* of the purpose's rules when it was decided */
};

struct state {
	struct receipt *r;
	size_t n;
};

void state_init(struct state *st);
void state_free(struct state *st);
struct receipt *state_find(const struct state *st, const char *purpose);
/* Replaces the receipt of the same purpose, or appends. */
void state_put(struct state *st, const struct receipt *r);

void state_format(const struct state *st, struct sbuf *out);
/* 0, or -EBADMSG with err saying what is wrong (st left empty). */
int state_parse(struct state *st, const char *buf, size_t len, char *err,
		size_t errlen);

/*
 * Loads path. -ENOENT: no file (all denied). -EBADMSG: corrupt; the file
 * was renamed to path.corrupt-<time> (named in err) and st is empty. Any
 * other -errno: the file is there but could not be read or set aside, so it
 * must not be overwritten.
 */
int state_load(struct state *st, const char *path, char *err, size_t errlen);
/* write_file_atomic() of the formatted receipts. */
int state_save(const struct state *st, const char *path, bool *renamed);

#endif
