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

/* consentd's control socket, where consentctl looks by default. */
#define CW_DEFAULT_SOCKET	"/run/consentwall/consentd.sock"
/* The largest UID a rule or request may name: (uid_t)-1 means "no uid". */
#define CW_UID_MAX		4294967294u

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

/* The largest file read_file() takes. */
#define READ_FILE_MAX	(64u << 20)

/*
 * Reads a whole regular file of at most READ_FILE_MAX bytes; NUL-terminated,
 * *len excludes the NUL. Never blocks on a FIFO or device: anything but a
 * regular file (or /dev/null, read as empty) is -EINVAL, a larger one
 * -EFBIG (file_strerror() says so).
 */
int read_file(const char *path, char **out, size_t *len);
/* strerror() for read_file()'s errors. */
const char *file_strerror(int err);
/*
 * Writes a file atomically and durably: temp file, fsync, rename, fsync of
 * the directory. 0 once all of it is done, else -errno; *renamed (if not
 * NULL) then says whether path already holds the new data, which a failed
 * fsync of the directory leaves in place but not durable.
 */
int write_file_atomic(const char *path, const void *data, size_t len,
		      unsigned int mode, bool *renamed);

/* Milliseconds of CLOCK_MONOTONIC: for pacing, never for timestamps. */
int64_t mono_ms(void);

/* Parses a decimal unsigned number, all of s, at most max. */
bool parse_u32(const char *s, uint32_t max, uint32_t *out);

/*
 * The directory part of path into dir ("/" for "/x", "." for "x").
 * -ENAMETOOLONG if it does not fit.
 */
int path_dirname(const char *path, char *dir, size_t len);

/* IP protocol by name (tcp, udp, icmp, icmpv6) or number 0-255. */
bool parse_ip_proto(const char *s, uint32_t *out);
/* Its name, or the number written into buf. */
const char *ip_proto_name(uint32_t proto, char *buf, size_t len);

#endif
