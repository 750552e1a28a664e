/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Small helpers shared by consentd, consentctl and the host tests: a
 * growable string buffer and allocation wrappers that die on OOM (a daemon
 * that cannot allocate a few bytes cannot do anything useful).
 */
#ifndef CW_UTIL_H
#define CW_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sbuf {
	char *s;
	size_t len;
	size_t cap;
};

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t sz);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

void sbuf_init(struct sbuf *b);
void sbuf_free(struct sbuf *b);
void sbuf_reset(struct sbuf *b);
void sbuf_add(struct sbuf *b, const void *p, size_t n);
void sbuf_adds(struct sbuf *b, const char *s);
void sbuf_addc(struct sbuf *b, char c);
__attribute__((format(printf, 2, 3)))
void sbuf_printf(struct sbuf *b, const char *fmt, ...);
void sbuf_vprintf(struct sbuf *b, const char *fmt, va_list ap);
/* Takes the string out of the buffer; the buffer is empty afterwards. */
char *sbuf_detach(struct sbuf *b);

/* Reads a whole file; NUL-terminated, *len excludes the NUL. */
int read_file(const char *path, char **out, size_t *len);
/* Writes a file atomically: temp file, fsync, rename, fsync of the dir. */
int write_file_atomic(const char *path, const void *data, size_t len,
		      unsigned int mode);

/* Parses a decimal unsigned number, all of s, at most max. */
bool parse_u32(const char *s, uint32_t max, uint32_t *out);

#endif
