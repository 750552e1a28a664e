/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The control protocol between consentctl and consentd, on a unix stream
 * socket: one request line, then record lines, then OK or ERR. The
 * reference is userspace/PROTOCOL.md; this header is its implementation,
 * shared by both ends (and fuzzed by tests/fuzz/fuzz_proto.c).
 */
#ifndef CW_PROTO_H
#define CW_PROTO_H

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

/* Bumped on any change a peer of the old version would misread. */
#define PROTO_VERSION 1
/* The release of consentd and consentctl, which VERSION reports too. */
#define CW_SOFTWARE_VERSION "0.1.0"

#define PROTO_LINE_MAX 4096
#define PROTO_ARGS_MAX 72	/* ALLOW can name every purpose */
#define PROTO_KV_MAX 40

enum proto_err {
	PE_USAGE,		/* malformed request */
	PE_PERM,		/* peer may not change consent */
	PE_PURPOSE,		/* unknown purpose */
	PE_RULES,		/* rules file error (reload) */
	PE_KERNEL,		/* the kernel refused or is absent */
	PE_STATE,		/* receipts could not be written */
	PE_INTERNAL,
	PE_BUSY,		/* too many clients: refused at connect */
	PE__MAX
};

const char *proto_err_name(enum proto_err e);
int proto_err_parse(const char *s);

void proto_escape(struct sbuf *b, const char *s);
/* Decodes in place; false on a bad %XX. */
bool proto_unescape(char *s);

/* Splits a request line in place; returns argc or -1 (bad encoding/too many). */
int proto_split(char *line, char **argv, int max);

/* Record building. */
void rec_begin(struct sbuf *b, const char *type);
void rec_str(struct sbuf *b, const char *key, const char *val);
void rec_u64(struct sbuf *b, const char *key, uint64_t val);
void rec_bool(struct sbuf *b, const char *key, bool val);
void rec_end(struct sbuf *b);
void proto_ok(struct sbuf *b);
__attribute__((format(printf, 3, 4)))
void proto_err(struct sbuf *b, enum proto_err e, const char *fmt, ...);

/* What a value is, read from how it was written (PROTOCOL.md, Values). */
enum proto_kind { PK_STR, PK_NUM, PK_BOOL };

struct record {
	char *type;
	int n;
	char *key[PROTO_KV_MAX];
	char *val[PROTO_KV_MAX];	/* decoded */
	uint8_t kind[PROTO_KV_MAX];	/* enum proto_kind */
};

/* Parses a reply line in place (no newline); -1 if malformed. */
int record_parse(char *line, struct record *r);
const char *record_get(const struct record *r, const char *key);

#endif
