// SPDX-License-Identifier: GPL-2.0 OR MIT
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

static void oom(void)
{
	fputs("out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void sbuf_init(struct sbuf *b)
{
	b->s = NULL;
	b->len = 0;
	b->cap = 0;
}

void sbuf_free(struct sbuf *b)
{
	free(b->s);
	sbuf_init(b);
}

void sbuf_reset(struct sbuf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

static void sbuf_grow(struct sbuf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->cap)
		return;
	if (b->cap < 64)
		b->cap = 64;
	while (b->cap < need)
		b->cap *= 2;
	b->s = xrealloc(b->s, b->cap);
}

void sbuf_add(struct sbuf *b, const void *p, size_t n)
{
	sbuf_grow(b, n);
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void sbuf_adds(struct sbuf *b, const char *s)
{
	sbuf_add(b, s, strlen(s));
}

void sbuf_addc(struct sbuf *b, char c)
{
	sbuf_add(b, &c, 1);
}

void sbuf_vprintf(struct sbuf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	sbuf_grow(b, (size_t)n);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sbuf_vprintf(b, fmt, ap);
	va_end(ap);
}

char *sbuf_detach(struct sbuf *b)
{
	char *s = b->s ? b->s : xstrdup("");

	sbuf_init(b);
	return s;
}

int read_file(const char *path, char **out, size_t *len)
{
	struct stat sb;
	struct sbuf b;
	char tmp[8192];
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) < 0)
		err = -errno;
	else if (S_ISCHR(sb.st_mode) && sb.st_rdev == makedev(1, 3))
		;	/* /dev/null: an empty file, as every tool takes it */
	else if (!S_ISREG(sb.st_mode))
		err = -EINVAL;
	else if ((uint64_t)sb.st_size > READ_FILE_MAX)
		err = -EFBIG;
	if (err) {
		close(fd);
		return err;
	}
	sbuf_init(&b);
	sbuf_add(&b, "", 0);
	for (;;) {
		n = read(fd, tmp, sizeof(tmp));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > READ_FILE_MAX) {
			err = -EFBIG;	/* grew while we read it */
			break;
		}
		sbuf_add(&b, tmp, (size_t)n);
	}
	close(fd);
	if (err) {
		sbuf_free(&b);
		return err;
	}
	*len = b.len;
	*out = sbuf_detach(&b);
	return 0;
}

const char *file_strerror(int err)
{
	if (err == -EINVAL)
		return "not a regular file";
	if (err == -EFBIG)
		return "larger than 64 MiB";
	return strerror(-err);
}

int write_file_atomic(const char *path, const void *data, size_t len,
		      unsigned int mode, bool *renamed)
{
	char tmp[PATH_MAX], dir[PATH_MAX];
	const char *p = data;
	int fd, err = 0;

	if (renamed)
		*renamed = false;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	/* The data must be on disk before the name points at it. */
	if (!err && fsync(fd) < 0)
		err = -errno;
	if (close(fd) < 0 && !err)
		err = -errno;
	if (!err && rename(tmp, path) < 0)
		err = -errno;
	if (err) {
		unlink(tmp);
		return err;
	}
	if (renamed)
		*renamed = true;
	/* And the rename itself must survive a power cut. */
	err = path_dirname(path, dir, sizeof(dir));
	if (err)
		return err;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		err = -errno;
	close(fd);
	return err;
}

int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > max)
			return false;
	}
	*out = (uint32_t)v;
	return true;
}

int path_dirname(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	if (!slash)
		n = (size_t)snprintf(dir, len, ".");
	else if (slash == path)
		n = (size_t)snprintf(dir, len, "/");
	else
		n = (size_t)snprintf(dir, len, "%.*s", (int)(slash - path), path);
	return n < len ? 0 : -ENAMETOOLONG;
}

static const struct {
	const char *name;
	uint32_t proto;
} ip_protos[] = {
	{ "tcp", IPPROTO_TCP },
	{ "udp", IPPROTO_UDP },
	{ "icmp", IPPROTO_ICMP },
	{ "icmpv6", IPPROTO_ICMPV6 },
};

bool parse_ip_proto(const char *s, uint32_t *out)
{
	size_t i;

	for (i = 0; i < sizeof(ip_protos) / sizeof(ip_protos[0]); i++) {
		if (!strcmp(s, ip_protos[i].name)) {
			*out = ip_protos[i].proto;
			return true;
		}
	}
	return parse_u32(s, 255, out);
}

const char *ip_proto_name(uint32_t proto, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(ip_protos) / sizeof(ip_protos[0]); i++)
		if (ip_protos[i].proto == proto)
			return ip_protos[i].name;
	snprintf(buf, len, "%u", proto);
	return buf;
}
