// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Android's packages.list reader; the format is described in packages.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "packages.h"
#include "util.h"

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum_(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9') || c == '_';
}

bool pkg_name_valid(const char *s)
{
	bool start = true;
	size_t n = 0;

	for (; *s; s++, n++) {
		if (start) {
			if (!is_alpha(*s))
				return false;
			start = false;
		} else if (*s == '.') {
			start = true;
		} else if (!is_alnum_(*s)) {
			return false;
		}
	}
	return n > 0 && n < 256 && !start;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct pkg *)a)->name,
		      ((const struct pkg *)b)->name);
}

static int cmp_name_line(const void *a, const void *b)
{
	const struct pkg *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* Splits a line into at most @max fields at runs of spaces and tabs. */
static size_t split(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *s = line;

	while (*s && n < max) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		f[n++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		if (*s)
			*s++ = '\0';
	}
	return n;
}

static bool parse_line(char *line, struct pkg *out)
{
	char *f[4];
	size_t n = strlen(line);
	uint32_t appid;

	if (n && line[n - 1] == '\r')
		line[n - 1] = '\0';
	if (split(line, f, 4) < 4 || !pkg_name_valid(f[0]) ||
	    !parse_u32(f[1], PKG_PER_USER_RANGE - 1, &appid) ||
	    (strcmp(f[2], "0") && strcmp(f[2], "1")) || f[3][0] != '/')
		return false;
	out->name = f[0];
	out->appid = appid;
	return true;
}

void pkglist_parse(struct pkglist *l, const char *buf, size_t len)
{
	char *text = xstrndup(buf, len), *line, *next;
	unsigned int lineno = 0;
	size_t i, cap = 0, k;

	pkglist_free(l);
	for (line = text; line; line = next) {
		struct pkg p;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		if (!*line && !next)
			break;
		if (!parse_line(line, &p)) {
			if (!l->bad++)
				l->first_bad = lineno;
			continue;
		}
		if (l->n == cap) {
			cap = cap ? cap * 2 : 64;
			l->v = xrealloc(l->v, cap * sizeof(*l->v));
		}
		l->v[l->n].name = xstrdup(p.name);
		l->v[l->n].appid = p.appid;
		l->v[l->n].line = lineno;
		l->n++;
	}
	free(text);
	/* Sort, then drop later duplicates: the first line's stays. */
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), cmp_name_line);
	for (i = k = 0; i < l->n; i++) {
		if (k && !strcmp(l->v[k - 1].name, l->v[i].name)) {
			free(l->v[i].name);
			l->bad++;
			continue;
		}
		l->v[k++] = l->v[i];
	}
	l->n = k;
}

int pkglist_load(struct pkglist *l, const char *path)
{
	char *buf;
	size_t len;
	int ret;

	pkglist_free(l);
	ret = read_file(path, &buf, &len);
	if (ret)
		return ret;
	pkglist_parse(l, buf, len);
	free(buf);
	return 0;
}

void pkglist_free(struct pkglist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

const struct pkg *pkglist_find(const struct pkglist *l, const char *name)
{
	struct pkg key = { .name = (char *)name };

	if (!l->n)
		return NULL;
	return bsearch(&key, l->v, l->n, sizeof(*l->v), cmp_name);
}

const struct pkg *pkglist_by_uid(const struct pkglist *l, uint32_t uid)
{
	uint32_t appid = uid % PKG_PER_USER_RANGE;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].appid == appid)
			return &l->v[i];
	return NULL;
}
