// SPDX-License-Identifier: GPL-2.0 OR MIT
#include "rules.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "identifiers.h"
#include "packages.h"
#include "sha256.h"
#include "util.h"

/* Where the parser is, to name it in errors. */
struct pos {
	const char *path;
	unsigned int line;
	const char *lstart;	/* first byte of the current line */
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 3, 4)))
static int fail(const struct pos *ps, const char *at, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	n = (size_t)snprintf(ps->err, ps->errlen, "%s:%u:%u: ", ps->path,
			     ps->line, (unsigned int)(at - ps->lstart) + 1);
	if (n < ps->errlen) {
		va_start(ap, fmt);
		vsnprintf(ps->err + n, ps->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

void rules_init(struct rules *r)
{
	memset(r, 0, sizeof(*r));
}

static void purpose_free(struct rule_purpose *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n; i++)
		free(p->e[i].domain);
	free(p->e);
	free(p);
}

void rules_free(struct rules *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		purpose_free(r->p[i]);
	rules_init(r);
}

struct rule_purpose *rules_find(const struct rules *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (!strcmp(r->p[i]->name, name))
			return r->p[i];
	return NULL;
}

size_t rules_nr_entries(const struct rules *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->n; i++)
		n += r->p[i]->n;
	return n;
}

static struct rule_entry *purpose_push(struct rule_purpose *p)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->e = xrealloc(p->e, p->cap * sizeof(*p->e));
	}
	memset(&p->e[p->n], 0, sizeof(p->e[0]));
	return &p->e[p->n++];
}

static bool is_sp(char c)
{
	return c == ' ' || c == '\t';
}

static const char *skip_sp(const char *s, const char *end)
{
	while (s < end && is_sp(*s))
		s++;
	return s;
}

/* End of the meaningful part of a line: before a comment, trimmed. */
static const char *content_end(const char *s, const char *end)
{
	const char *p;

	for (p = s; p < end; p++)
		if (*p == '#' && (p == s || is_sp(p[-1])))
			break;
	while (p > s && (is_sp(p[-1]) || p[-1] == '\r'))
		p--;
	return p;
}

static const char *token_end(const char *s, const char *end)
{
	while (s < end && !is_sp(*s))
		s++;
	return s;
}

/*
 * Validates and normalizes a domain name token [s, e) into out (lower case,
 * without a trailing dot).
 */
static int parse_domain(const struct pos *ps, const char *s, const char *e,
			char *out)
{
	const char *p, *label = s;
	size_t n = (size_t)(e - s);
	unsigned char c4[16];
	char tmp[256];

	if (n && s[n - 1] == '.')
		n--, e--;
	if (!n)
		return fail(ps, s, "expected a domain name");
	for (p = s; p < e; p++) {
		if (*p == '.') {
			if (p == label)
				return fail(ps, p, "expected a label between dots");
			label = p + 1;
			continue;
		}
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			return fail(ps, p,
				    "expected a domain name (letters, digits, '-', '_' and dots)");
		if (p - label >= 63)
			return fail(ps, label,
				    "expected labels of at most 63 bytes");
	}
	if (n > CW_NAME_MAX - 1)
		return fail(ps, s,
			    "expected a domain name of at most %d bytes",
			    CW_NAME_MAX - 1);
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET, tmp, c4) == 1)
		return fail(ps, s,
			    "expected a domain name, not an address (use ip =)");
	for (p = s; p < e; p++)
		*out++ = (char)tolower((unsigned char)*p);
	*out = '\0';
	return 0;
}

static int add_domain(struct rule_purpose *p, const struct pos *ps,
		      const char *s, const char *e)
{
	char name[256];
	struct rule_entry *re;
	int ret;

	ret = parse_domain(ps, s, e, name);
	if (ret)
		return ret;
	re = purpose_push(p);
	re->type = RULE_DOMAIN;
	re->domain = xstrdup(name);
	return 0;
}

static int parse_port(const struct pos *ps, const char *s, const char *e,
		      uint16_t *out)
{
	char tmp[8];
	uint32_t v;

	if (e - s >= (long)sizeof(tmp))
		return fail(ps, s, "expected a port of 1-65535");
	memcpy(tmp, s, (size_t)(e - s));
	tmp[e - s] = '\0';
	if (!parse_u32(tmp, 65535, &v) || !v)
		return fail(ps, s, "expected a port of 1-65535");
	*out = (uint16_t)v;
	return 0;
}

/* `ip = ADDR[/LEN] [tcp|udp [PORT[-PORT]]]` */
static int parse_ip(struct rule_purpose *p, const struct pos *ps,
		    const char *s, const char *end)
{
	const char *te = token_end(s, end), *slash, *t;
	struct rule_entry re;
	char tmp[INET6_ADDRSTRLEN + 8];
	uint32_t len;
	int maxlen, i;

	memset(&re, 0, sizeof(re));
	re.type = RULE_ADDR;
	slash = memchr(s, '/', (size_t)(te - s));
	t = slash ? slash : te;
	if (t - s >= INET6_ADDRSTRLEN)
		return fail(ps, s, "expected an IPv4 or IPv6 address");
	memcpy(tmp, s, (size_t)(t - s));
	tmp[t - s] = '\0';
	if (inet_pton(AF_INET, tmp, re.addr) == 1) {
		re.family = AF_INET;
		maxlen = 32;
	} else if (inet_pton(AF_INET6, tmp, re.addr) == 1) {
		re.family = AF_INET6;
		maxlen = 128;
	} else {
		return fail(ps, s, "expected an IPv4 or IPv6 address");
	}
	re.prefixlen = (uint8_t)maxlen;
	if (slash) {
		size_t n = (size_t)(te - slash - 1);

		if (n >= sizeof(tmp) ||
		    (memcpy(tmp, slash + 1, n), tmp[n] = '\0',
		     !parse_u32(tmp, (uint32_t)maxlen, &len)))
			return fail(ps, slash + 1,
				    "expected a prefix length of 0-%d", maxlen);
		re.prefixlen = (uint8_t)len;
		for (i = re.prefixlen; i < maxlen; i++) {
			if (re.addr[i / 8] & (0x80 >> (i % 8))) {
				char net[INET6_ADDRSTRLEN];
				uint8_t a[16];
				int j;

				memcpy(a, re.addr, sizeof(a));
				for (j = re.prefixlen; j < maxlen; j++)
					a[j / 8] &= (uint8_t)~(0x80 >> (j % 8));
				inet_ntop(re.family, a, net, sizeof(net));
				return fail(ps, s,
					    "expected a network address with no bits past /%u (did you mean %s/%u?)",
					    len, net, len);
			}
		}
	}
	s = skip_sp(te, end);
	if (s < end) {
		te = token_end(s, end);
		if (te - s == 3 && !memcmp(s, "tcp", 3))
			re.proto = IPPROTO_TCP;
		else if (te - s == 3 && !memcmp(s, "udp", 3))
			re.proto = IPPROTO_UDP;
		else
			return fail(ps, s, "expected tcp or udp");
		s = skip_sp(te, end);
	}
	if (s < end) {
		const char *dash;
		int ret;

		te = token_end(s, end);
		dash = memchr(s, '-', (size_t)(te - s));
		ret = parse_port(ps, s, dash ? dash : te, &re.port_min);
		if (ret)
			return ret;
		re.port_max = re.port_min;
		if (dash) {
			ret = parse_port(ps, dash + 1, te, &re.port_max);
			if (ret)
				return ret;
			if (re.port_max < re.port_min)
				return fail(ps, s,
					    "expected a port range LOW-HIGH with LOW <= HIGH");
		}
		s = skip_sp(te, end);
		if (s < end)
			return fail(ps, s, "expected end of line after the port");
	}
	*purpose_push(p) = re;
	return 0;
}

/*
 * `app = UID` (that UID only), `app = com.example.package` (the app in
 * every Android user) or `app = com.example.package user N` (in user N).
 */
static int parse_app(struct rule_purpose *p, const struct pos *ps,
		     const char *s, const char *end)
{
	const char *te = token_end(s, end), *u, *ue;
	struct rule_entry *re;
	char name[256], num[16];
	uint32_t uid, user = RULE_USER_ANY;

	if ((size_t)(te - s) >= sizeof(name))
		return fail(ps, s,
			    "expected a numeric UID or an Android package name");
	memcpy(name, s, (size_t)(te - s));
	name[te - s] = '\0';
	u = skip_sp(te, end);
	if (isdigit((unsigned char)name[0])) {
		if (u < end)
			return fail(ps, u, "expected one UID or package name per line");
		if (!parse_u32(name, CW_UID_MAX, &uid))
			return fail(ps, s, "expected a UID of 0-%u",
				    CW_UID_MAX);
		re = purpose_push(p);
		re->type = RULE_UID;
		re->uid = uid;
		return 0;
	}
	if (!pkg_name_valid(name))
		return fail(ps, s,
			    "expected a numeric UID or an Android package name");
	if (u < end) {
		ue = token_end(u, end);
		if (ue - u != 4 || memcmp(u, "user", 4))
			return fail(ps, u, "expected 'user N' or the end of the line after the package name");
		u = skip_sp(ue, end);
		ue = token_end(u, end);
		if (u == end || (size_t)(ue - u) >= sizeof(num))
			return fail(ps, u, "expected an Android user of 0-%u", PKG_USER_MAX);
		memcpy(num, u, (size_t)(ue - u));
		num[ue - u] = '\0';
		if (!parse_u32(num, PKG_USER_MAX, &user))
			return fail(ps, u, "expected an Android user of 0-%u", PKG_USER_MAX);
		if (skip_sp(ue, end) < end)
			return fail(ps, skip_sp(ue, end), "expected end of line after the user");
	}
	re = purpose_push(p);
	re->type = RULE_APP;
	re->domain = xstrdup(name);
	re->uid = user;
	return 0;
}

static bool hosts_skip(const char *s, size_t n)
{
	static const char *const local[] = {
		"localhost", "localhost.localdomain", "local", "broadcasthost",
		"ip6-localhost", "ip6-loopback", "ip6-localnet",
		"ip6-mcastprefix", "ip6-allnodes", "ip6-allrouters",
		"ip6-allhosts", "0.0.0.0",
	};
	size_t i;

	for (i = 0; i < sizeof(local) / sizeof(local[0]); i++)
		if (strlen(local[i]) == n && !strncasecmp(local[i], s, n))
			return true;
	return false;
}

static int check_text(const struct pos *ps, const char *buf, size_t len)
{
	const char *nul = memchr(buf, '\0', len);
	struct pos p = *ps;
	const char *s;

	if (!nul)
		return 0;
	p.line = 1;
	p.lstart = buf;
	for (s = buf; s < nul; s++) {
		if (*s == '\n') {
			p.line++;
			p.lstart = s + 1;
		}
	}
	return fail(&p, nul, "expected text, found a NUL byte");
}

int rules_parse_list(struct rule_purpose *p, const char *path,
		     const char *buf, size_t len, char *err, size_t errlen)
{
	struct pos ps = { path, 0, buf, err, errlen };
	const char *s = buf, *end = buf + len;
	int ret;

	ret = check_text(&ps, buf, len);
	if (ret)
		return ret;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end, *ce, *t, *te;
		unsigned char a[16];
		char tmp[INET6_ADDRSTRLEN];

		ps.line++;
		ps.lstart = s;
		ce = content_end(s, le);
		t = skip_sp(s, ce);
		if (t < ce) {
			te = token_end(t, ce);
			memset(tmp, 0, sizeof(tmp));
			if (te - t < (long)sizeof(tmp))
				memcpy(tmp, t, (size_t)(te - t));
			if (inet_pton(AF_INET, tmp, a) == 1 ||
			    inet_pton(AF_INET6, tmp, a) == 1) {
				/* hosts format: ADDR NAME [NAME...] */
				t = skip_sp(te, ce);
				if (t == ce)
					return fail(&ps, t,
						    "expected a name after the address");
				while (t < ce) {
					te = token_end(t, ce);
					if (!hosts_skip(t, (size_t)(te - t))) {
						ret = add_domain(p, &ps, t, te);
						if (ret)
							return ret;
					}
					t = skip_sp(te, ce);
				}
			} else {
				if (skip_sp(te, ce) < ce)
					return fail(&ps, skip_sp(te, ce),
						    "expected one domain name per line");
				ret = add_domain(p, &ps, t, te);
				if (ret)
					return ret;
			}
		}
		s = nl ? nl + 1 : end;
	}
	return 0;
}

/*
 * `include = NAME`: a list in the directory of the including file or below
 * it, named relatively and without "..", and a regular file of a bounded
 * size: no FIFO to hang on, no device to read forever. (A symbolic link in
 * the rules directory is followed: only root can put one there.)
 */
static int parse_include(struct rule_purpose *p, const struct pos *ps,
			 const char *s, const char *end)
{
	const char *te = token_end(s, end), *q;
	char path[4096], dir[4096], *buf;
	size_t len;
	int ret;

	if (skip_sp(te, end) < end)
		return fail(ps, skip_sp(te, end),
			    "expected one list file per line");
	if (*s == '/')
		return fail(ps, s,
			    "expected a path relative to the rules directory");
	for (q = s; q < te; q++)
		if ((q == s || q[-1] == '/') && te - q >= 2 && q[0] == '.' &&
		    q[1] == '.' && (te - q == 2 || q[2] == '/'))
			return fail(ps, q,
				    "expected a path inside the rules directory, without '..'");
	if (path_dirname(ps->path, dir, sizeof(dir)) ||
	    snprintf(path, sizeof(path), "%s/%.*s", dir, (int)(te - s), s) >=
	    (int)sizeof(path))
		return fail(ps, s, "expected a shorter path");
	ret = read_file(path, &buf, &len);
	if (ret)
		return fail(ps, s, "expected a readable list file: %s: %s",
			    path, file_strerror(ret));
	ret = rules_parse_list(p, path, buf, len, ps->err, ps->errlen);
	free(buf);
	return ret;
}

static struct rule_purpose *get_purpose(struct rules *r, const struct pos *ps,
					const char *at, const char *name)
{
	struct rule_purpose *p = rules_find(r, name);

	if (p)
		return p;
	if (r->n == CW_PURPOSES_MAX) {
		fail(ps, at, "expected at most %d purposes", CW_PURPOSES_MAX);
		return NULL;
	}
	p = xcalloc(1, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->where, sizeof(p->where), "%s:%u", ps->path, ps->line);
	r->p[r->n++] = p;
	return p;
}

static int parse_section(struct rules *r, const struct pos *ps,
			 const char *s, const char *end,
			 struct rule_purpose **cur)
{
	const char *n = s + 1, *q;
	char name[CW_PURPOSE_NAME_MAX];

	for (q = n; q < end && *q != ']'; q++)
		;
	if (q == n)
		return fail(ps, q, "expected a purpose name");
	if (q == end)
		return fail(ps, q, "expected ']' after the purpose name");
	if (q - n >= CW_PURPOSE_NAME_MAX)
		return fail(ps, n, "expected a purpose name of at most %d bytes",
			    CW_PURPOSE_NAME_MAX - 1);
	if (skip_sp(q + 1, end) < end)
		return fail(ps, skip_sp(q + 1, end),
			    "expected end of line after ']'");
	memcpy(name, n, (size_t)(q - n));
	name[q - n] = '\0';
	if (!cw_purpose_name_valid(name))
		return fail(ps, n + cw_purpose_name_span(name),
			    "expected a purpose name of a-z, 0-9, '.', '_' or '-'");
	if (!strcmp(name, IDENT_PURPOSE))
		return fail(ps, n, "expected a purpose name other than %s, which consentd keeps for the identifiers file",
			    IDENT_PURPOSE);
	*cur = get_purpose(r, ps, n, name);
	return *cur ? 0 : -EINVAL;
}

static int parse_line(struct rules *r, const struct pos *ps, const char *s, const char *end,
		      struct rule_purpose **cur)
{
	const char *k, *ke, *v;
	size_t kl;

	if (*s == '[')
		return parse_section(r, ps, s, end, cur);
	k = s;
	for (ke = k; ke < end && (isalnum((unsigned char)*ke) || *ke == '_');
	     ke++)
		;
	if (ke == k)
		return fail(ps, k, "expected a key or a [purpose] section");
	kl = (size_t)(ke - k);
	v = skip_sp(ke, end);
	if (v == end || *v != '=')
		return fail(ps, v, "expected '=' after the key");
	v = skip_sp(v + 1, end);
#define KEY(x) (kl == sizeof(x) - 1 && !memcmp(k, x, kl))
	if (!KEY("description") && !KEY("domain") && !KEY("ip") &&
	    !KEY("app") && !KEY("include"))
		return fail(ps, k,
			    "expected one of description, domain, ip, app, include");
	if (!*cur)
		return fail(ps, k, "expected a [purpose] section before '%.*s'",
			    (int)kl, k);
	if (v == end)
		return fail(ps, v, "expected a value after '='");
	if (KEY("description")) {
		if (end - v >= CW_PURPOSE_DESC_MAX)
			return fail(ps, v,
				    "expected a description of at most %d bytes",
				    CW_PURPOSE_DESC_MAX - 1);
		/* A purpose split across files keeps its first description. */
		if (!(*cur)->desc[0])
			snprintf((*cur)->desc, sizeof((*cur)->desc), "%.*s",
				 (int)(end - v), v);
		return 0;
	}
	if (KEY("domain")) {
		const char *te = token_end(v, end);

		if (skip_sp(te, end) < end)
			return fail(ps, skip_sp(te, end),
				    "expected one domain name per line");
		return add_domain(*cur, ps, v, te);
	}
	if (KEY("ip"))
		return parse_ip(*cur, ps, v, end);
	if (KEY("app"))
		return parse_app(*cur, ps, v, end);
	return parse_include(*cur, ps, v, end);
#undef KEY
}

int rules_parse(struct rules *r, const char *path, const char *buf,
		size_t len, char *err, size_t errlen)
{
	struct pos ps = { path, 0, buf, err, errlen };
	const char *s = buf, *end = buf + len;
	struct rule_purpose *cur = NULL;
	int ret;

	ret = check_text(&ps, buf, len);
	if (ret)
		return ret;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end, *ce, *t;

		ps.line++;
		ps.lstart = s;
		ce = content_end(s, le);
		t = skip_sp(s, ce);
		if (t < ce) {
			ret = parse_line(r, &ps, t, ce, &cur);
			if (ret)
				return ret;
		}
		s = nl ? nl + 1 : end;
	}
	return 0;
}

int rules_parse_file(struct rules *r, const char *path, char *err,
		     size_t errlen)
{
	char *buf;
	size_t len;
	int ret;

	ret = read_file(path, &buf, &len);
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, file_strerror(ret));
		return ret;
	}
	ret = rules_parse(r, path, buf, len, err, errlen);
	free(buf);
	return ret;
}

int rules_merge(struct rules *dst, struct rules *src, char *err,
		size_t errlen)
{
	size_t i, j, added = 0;

	for (i = 0; i < src->n; i++)
		if (!rules_find(dst, src->p[i]->name))
			added++;
	if (dst->n + added > CW_PURPOSES_MAX) {
		snprintf(err, errlen, "%s: expected at most %d purposes in all",
			 src->n ? src->p[0]->where : "?", CW_PURPOSES_MAX);
		return -E2BIG;
	}
	for (i = 0; i < src->n; i++) {
		struct rule_purpose *s = src->p[i];
		struct rule_purpose *d = rules_find(dst, s->name);

		if (!d) {
			dst->p[dst->n++] = s;
			src->p[i] = NULL;
			continue;
		}
		if (!d->desc[0])
			memcpy(d->desc, s->desc, sizeof(d->desc));
		for (j = 0; j < s->n; j++) {
			*purpose_push(d) = s->e[j];
			s->e[j].domain = NULL;
		}
		s->n = 0;
		purpose_free(s);
		src->p[i] = NULL;
	}
	src->n = 0;
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int rules_dir_list(const char *dir, char ***names)
{
	struct dirent *de;
	char **v = NULL;
	int n = 0;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		struct sbuf b;

		if (de->d_name[0] == '.' || l < 7 ||
		    strcmp(de->d_name + l - 6, ".rules"))
			continue;
		sbuf_init(&b);
		sbuf_printf(&b, "%s/%s", dir, de->d_name);
		v = xrealloc(v, (size_t)(n + 1) * sizeof(*v));
		v[n++] = sbuf_detach(&b);
	}
	closedir(d);
	if (n)
		qsort(v, (size_t)n, sizeof(*v), name_cmp);
	*names = v;
	return n;
}

static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');

	return b ? b + 1 : path;
}

/* A symbolic link to /dev/null, as systemd masks a unit. */
static bool masked(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISCHR(st.st_mode) &&
	       st.st_rdev == makedev(1, 3);
}

int rules_dirs_list(const char *vendor, const char *admin, char ***names,
		    const char **bad)
{
	char **v = NULL, **a = NULL, **out;
	int nv = 0, na, i = 0, j = 0, n = 0;

	if (vendor && vendor[0]) {
		nv = rules_dir_list(vendor, &v);
		if (nv == -ENOENT) {
			nv = 0;
		} else if (nv < 0) {
			*bad = vendor;
			return nv;
		}
	}
	na = rules_dir_list(admin, &a);
	if (na < 0) {
		free_names(v, nv);
		*bad = admin;
		return na;
	}
	out = xmalloc((size_t)(nv + na + 1) * sizeof(*out));
	while (i < nv || j < na) {
		int c = i == nv ? 1 : j == na ? -1 :
			strcmp(base_name(v[i]), base_name(a[j]));
		char *pick;

		if (c == 0)
			free(v[i++]);
		pick = c < 0 ? v[i++] : a[j++];
		if (masked(pick))
			free(pick);
		else
			out[n++] = pick;
	}
	free(v);
	free(a);
	*names = out;
	return n;
}

void free_names(char **names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int entry_cmp(const void *pa, const void *pb)
{
	const struct rule_entry *a = pa, *b = pb;
	int c;

	if (a->type != b->type)
		return a->type - b->type;
	switch (a->type) {
	case RULE_DOMAIN:
		return strcmp(a->domain, b->domain);
	case RULE_UID:
		return a->uid < b->uid ? -1 : a->uid > b->uid;
	case RULE_APP:
		c = strcmp(a->domain, b->domain);
		if (c)
			return c;
		return a->uid < b->uid ? -1 : a->uid > b->uid;
	default:
		if (a->family != b->family)
			return a->family - b->family;
		c = memcmp(a->addr, b->addr, sizeof(a->addr));
		if (c)
			return c;
		if (a->prefixlen != b->prefixlen)
			return a->prefixlen - b->prefixlen;
		if (a->proto != b->proto)
			return a->proto - b->proto;
		if (a->port_min != b->port_min)
			return a->port_min - b->port_min;
		return a->port_max - b->port_max;
	}
}

void rule_entry_format(const struct rule_entry *e, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	size_t n;

	switch (e->type) {
	case RULE_DOMAIN:
		snprintf(buf, len, "domain %s", e->domain);
		break;
	case RULE_UID:
		snprintf(buf, len, "app %u", e->uid);
		break;
	case RULE_APP:
		if (e->uid == RULE_USER_ANY)
			snprintf(buf, len, "app %s", e->domain);
		else
			snprintf(buf, len, "app %s user %u", e->domain, e->uid);
		break;
	default:
		inet_ntop(e->family, e->addr, a, sizeof(a));
		n = (size_t)snprintf(buf, len, "ip %s/%u", a, e->prefixlen);
		if (e->proto && n < len)
			n += (size_t)snprintf(buf + n, len - n, " %s",
				e->proto == IPPROTO_TCP ? "tcp" : "udp");
		if (e->port_min && n < len) {
			if (e->port_max != e->port_min)
				snprintf(buf + n, len - n, " %u-%u",
					 e->port_min, e->port_max);
			else
				snprintf(buf + n, len - n, " %u", e->port_min);
		}
	}
}

void rules_finalize(struct rules *r)
{
	size_t i, j, k;

	for (i = 0; i < r->n; i++) {
		struct rule_purpose *p = r->p[i];
		struct sha256 c;
		uint8_t d[SHA256_DIGEST_SIZE];
		char line[320];

		if (p->n)
			qsort(p->e, p->n, sizeof(*p->e), entry_cmp);
		for (j = 0, k = 0; j < p->n; j++) {
			if (k && !entry_cmp(&p->e[k - 1], &p->e[j])) {
				free(p->e[j].domain);
				continue;
			}
			p->e[k++] = p->e[j];
		}
		p->n = k;
		/*
		 * The digest covers what is enforced, not how it was written:
		 * the name and the sorted, deduplicated entries. The
		 * description and comments do not change what a grant lets
		 * through, so editing them keeps grants valid.
		 */
		sha256_init(&c);
		sha256_update(&c, "consentwall-purpose-v1\n", 23);
		sha256_update(&c, p->name, strlen(p->name));
		sha256_update(&c, "\n", 1);
		for (j = 0; j < p->n; j++) {
			rule_entry_format(&p->e[j], line, sizeof(line));
			sha256_update(&c, line, strlen(line));
			sha256_update(&c, "\n", 1);
		}
		sha256_final(&c, d);
		sha256_tohex(d, p->digest);
	}
}

int rules_scan_sections(const char *buf, size_t len, char ***names)
{
	const char *s = buf, *end = buf + len;
	char **v = NULL;
	int n = 0;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end, *t = skip_sp(s, le), *q;

		if (t < le && *t == '[') {
			for (q = t + 1; q < le && *q != ']'; q++)
				;
			if (q < le && q - t - 1 > 0 &&
			    q - t - 1 < CW_PURPOSE_NAME_MAX) {
				char *name = xstrndup(t + 1, (size_t)(q - t - 1));

				if (cw_purpose_name_valid(name)) {
					v = xrealloc(v, (size_t)(n + 1) * sizeof(*v));
					v[n++] = name;
				} else {
					free(name);
				}
			}
		}
		s = nl ? nl + 1 : end;
	}
	*names = v;
	return n;
}

void rules_format(const struct rules *r, struct sbuf *out)
{
	char line[320];
	size_t i, j;

	for (i = 0; i < r->n; i++) {
		const struct rule_purpose *p = r->p[i];

		sbuf_printf(out, "[%s]\n", p->name);
		if (p->desc[0])
			sbuf_printf(out, "description = %s\n", p->desc);
		for (j = 0; j < p->n; j++) {
			const char *sp;

			rule_entry_format(&p->e[j], line, sizeof(line));
			sp = strchr(line, ' ');
			sbuf_printf(out, "%.*s = %s\n", (int)(sp - line), line,
				    sp + 1);
		}
	}
}
