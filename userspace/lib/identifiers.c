// SPDX-License-Identifier: GPL-2.0 OR MIT
#include "identifiers.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "sha256.h"

static const char *const kind_names[IDENT_KINDS] = {
	"imei", "imsi", "msisdn", "iccid", "serial", "android_id",
	"advertising_id",
};

static const char *const form_names[IDF_FORMS] = {
	"text", "e164", "e164-plus", "e164-pct", "base64", "base64url",
	"md5-hex", "md5-hex-upper", "md5-base64", "md5-base64url",
	"sha1-hex", "sha1-hex-upper", "sha1-base64", "sha1-base64url",
	"sha256-hex", "sha256-hex-upper", "sha256-base64", "sha256-base64url",
	"text-lower", "text-upper",
};

const char *ident_kind_name(unsigned int kind)
{
	return kind < IDENT_KINDS ? kind_names[kind] : "?";
}

const char *ident_form_name(unsigned int form)
{
	return form < IDF_FORMS ? form_names[form] : "?";
}

static void wipe(void *p, size_t n)
{
	explicit_bzero(p, n);
}

void ident_set_wipe(struct ident_set *s)
{
	wipe(s, sizeof(*s));
}

void ident_kinds(const struct ident_set *s, char out[IDENT_KINDS_LEN])
{
	bool seen[IDENT_KINDS] = { false };
	size_t i, o = 0;
	unsigned int k;

	for (i = 0; i < s->n; i++)
		if (s->v[i].kind < IDENT_KINDS)
			seen[s->v[i].kind] = true;
	out[0] = '\0';
	for (k = 0; k < IDENT_KINDS; k++)
		if (seen[k])
			o += (size_t)snprintf(out + o, IDENT_KINDS_LEN - o,
					      "%s%s", o ? "," : "",
					      kind_names[k]);
}

void ident_purpose_digest(const struct ident_set *s, const char *name,
			  char out[65])
{
	char kinds[IDENT_KINDS_LEN];
	uint8_t d[SHA256_DIGEST_SIZE];
	struct sha256 c;

	ident_kinds(s, kinds);
	sha256_init(&c);
	sha256_update(&c, "consentwall-identifiers-v1\n", 27);
	sha256_update(&c, name, strlen(name));
	sha256_update(&c, "\n", 1);
	sha256_update(&c, kinds, strlen(kinds));
	sha256_update(&c, "\n", 1);
	sha256_final(&c, d);
	sha256_tohex(d, out);
}

/* n > 0 characters, each of the class is() tests (isdigit, isxdigit). */
static bool all_of(const char *v, size_t n, int (*is)(int))
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is((unsigned char)v[i]))
			return false;
	return n > 0;
}

/* The Luhn check (ISO/IEC 7812): the last digit checks the others. */
static bool luhn(const char *v, size_t n)
{
	unsigned int sum = 0, d;
	size_t i;

	for (i = 0; i < n; i++) {
		d = (unsigned int)(v[n - 1 - i] - '0');
		if (i % 2) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	return sum % 10 == 0;
}

/* 8-4-4-4-12 hex digits, not all zero (the ID of a user who opted out). */
static bool uuid(const char *v, size_t n)
{
	static const size_t dash[] = { 8, 13, 18, 23 };
	bool nonzero = false;
	size_t i, k = 0;

	if (n != 36)
		return false;
	for (i = 0; i < n; i++) {
		if (k < 4 && i == dash[k]) {
			if (v[i] != '-')
				return false;
			k++;
			continue;
		}
		if (!isxdigit((unsigned char)v[i]))
			return false;
		nonzero |= v[i] != '0';
	}
	return nonzero;
}

static bool serial_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.';
}

/* NULL when v is a valid value of kind, else what was expected. */
static const char *check_value(unsigned int kind, const char *v, size_t n)
{
	size_t i;

	switch (kind) {
	case IDENT_IMEI:
		if (n == 15 && all_of(v, n, isdigit) && luhn(v, n))
			return NULL;
		return "an IMEI: 15 digits, the last a valid Luhn check digit";
	case IDENT_IMSI:
		if ((n == 14 || n == 15) && all_of(v, n, isdigit))
			return NULL;
		return "an IMSI: 14 or 15 digits";
	case IDENT_MSISDN:
		if (n && v[0] == '+') {
			v++;
			n--;
		}
		if (n >= 7 && n <= 15 && all_of(v, n, isdigit) && v[0] != '0')
			return NULL;
		return "a phone number in E.164 form: an optional '+' and 7 to 15 digits, the first not 0";
	case IDENT_ICCID:
		if (n >= 18 && n <= 22 && all_of(v, n, isdigit) &&
		    v[0] == '8' && v[1] == '9')
			return NULL;
		return "an ICCID: 18 to 22 digits beginning 89";
	case IDENT_SERIAL:
		for (i = 0; i < n && serial_char(v[i]); i++)
			;
		if (n >= 6 && i == n)
			return NULL;
		return "a serial number: 6 to 64 of A-Z, a-z, 0-9, '-', '_' and '.'";
	case IDENT_ANDROID_ID:
		if (n >= 12 && n <= 16 && all_of(v, n, isxdigit))
			return NULL;
		return "an Android ID: 12 to 16 hex digits";
	default:
		if (uuid(v, n))
			return NULL;
		return "an advertising ID: a UUID (8-4-4-4-12 hex digits), not all zeros";
	}
}

#define KINDS_EXPECTED "imei, imsi, msisdn, iccid, serial, android_id or advertising_id"

static int line_error(struct ident_set *s, char *err, size_t errlen,
		      const char *path, unsigned int ln, size_t col,
		      const char *what)
{
	snprintf(err, errlen, "%s:%u:%zu: expected %s", path, ln, col, what);
	ident_set_wipe(s);
	return -EINVAL;
}

int ident_parse(struct ident_set *s, const char *path, const char *buf,
		size_t len, char *err, size_t errlen)
{
	const char *line = buf, *end = buf + len, *eol, *k, *ke, *v, *ve, *why;
	unsigned int ln = 0, kind;
	size_t i;

	ident_set_wipe(s);
	for (; line < end; line = eol + 1) {
		eol = memchr(line, '\n', (size_t)(end - line));
		if (!eol)
			eol = end;
		ln++;
		ve = memchr(line, '#', (size_t)(eol - line));
		if (!ve)
			ve = eol;
		for (k = line; k < ve && isspace((unsigned char)*k); k++)
			;
		if (k == ve)
			continue;
		for (ke = k; ke < ve && (islower((unsigned char)*ke) || *ke == '_'); ke++)
			;
		for (kind = 0; kind < IDENT_KINDS; kind++)
			if (strlen(kind_names[kind]) == (size_t)(ke - k) &&
			    !memcmp(kind_names[kind], k, (size_t)(ke - k)))
				break;
		if (kind == IDENT_KINDS)
			return line_error(s, err, errlen, path, ln,
					  (size_t)(k - line) + 1, KINDS_EXPECTED);
		for (v = ke; v < ve && isspace((unsigned char)*v); v++)
			;
		if (v == ve || *v != '=')
			return line_error(s, err, errlen, path, ln,
					  (size_t)(v - line) + 1, "'=' after the kind");
		for (v++; v < ve && isspace((unsigned char)*v); v++)
			;
		while (ve > v && isspace((unsigned char)ve[-1]))
			ve--;
		if (v == ve)
			continue;	/* none of that kind (a SIM without a number) */
		why = (size_t)(ve - v) > IDENT_VALUE_MAX ? "a value of at most 64 bytes" :
		      check_value(kind, v, (size_t)(ve - v));
		if (why)
			return line_error(s, err, errlen, path, ln,
					  (size_t)(v - line) + 1, why);
		for (i = 0; i < s->n; i++)
			if (s->v[i].kind == kind && s->v[i].len == ve - v &&
			    !memcmp(s->v[i].value, v, (size_t)(ve - v)))
				break;
		if (i < s->n)
			continue;	/* the same identifier twice */
		if (s->n == IDENT_MAX)
			return line_error(s, err, errlen, path, ln, 1,
					  "at most 32 identifiers in the file");
		s->v[s->n].kind = (uint8_t)kind;
		s->v[s->n].len = (uint8_t)(ve - v);
		memcpy(s->v[s->n].value, v, (size_t)(ve - v));
		s->n++;
	}
	return 0;
}

int ident_load(struct ident_set *s, const char *path, uid_t euid, char *err,
	       size_t errlen)
{
	char *buf = NULL;
	struct stat st;
	ssize_t got;
	size_t len = 0;
	int fd, ret;

	ident_set_wipe(s);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		ret = -errno;
		if (ret != -ENOENT)
			snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		goto out;
	}
	ret = -EPERM;
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	if (st.st_mode & 077) {
		snprintf(err, errlen,
			 "%s: readable or writable by others than its owner (mode %04o); expected mode 0600 or 0400",
			 path, (unsigned int)(st.st_mode & 07777));
		goto out;
	}
	if (st.st_uid != 0 && st.st_uid != euid) {
		snprintf(err, errlen,
			 "%s: owned by uid %u; expected root or consentd's user (uid %u)",
			 path, (unsigned int)st.st_uid, (unsigned int)euid);
		goto out;
	}
	ret = -EFBIG;
	if (st.st_size > IDENT_FILE_MAX) {
		snprintf(err, errlen, "%s: larger than %d bytes", path,
			 IDENT_FILE_MAX);
		goto out;
	}
	buf = malloc(IDENT_FILE_MAX + 1);
	ret = -ENOMEM;
	if (!buf)
		goto out;
	while (len <= IDENT_FILE_MAX) {
		got = read(fd, buf + len, IDENT_FILE_MAX + 1 - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			ret = -errno;
			snprintf(err, errlen, "%s: %s", path, strerror(-ret));
			goto out;
		}
		if (!got)
			break;
		len += (size_t)got;
	}
	ret = -EFBIG;
	if (len > IDENT_FILE_MAX) {
		snprintf(err, errlen, "%s: larger than %d bytes", path,
			 IDENT_FILE_MAX);
		goto out;
	}
	ret = ident_parse(s, path, buf, len, err, errlen);
out:
	if (buf) {
		wipe(buf, IDENT_FILE_MAX + 1);
		free(buf);
	}
	close(fd);
	return ret;
}

size_t ident_base64_core(const uint8_t *v, size_t n, unsigned int align,
			 bool url, char *out)
{
	static const char std[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint8_t in[IDENT_PATTERN_MAX + 6] = { 0 };
	size_t bits = 8 * (align + n), first, last, k, o = 0;

	if (align > 2 || n > IDENT_PATTERN_MAX || !n)
		return 0;
	memcpy(in + align, v, n);
	/* char k covers bits 6k..6k+5: wholly inside [8 align, bits) */
	first = (8 * align + 5) / 6;
	last = bits / 6;	/* one past */
	for (k = first; k < last; k++) {
		size_t bit = 6 * k, byte = bit / 8, shift = bit % 8;
		unsigned int w = (unsigned int)in[byte] << 8 | in[byte + 1];
		unsigned int c = (w >> (10 - shift)) & 63;

		out[o++] = c == 62 ? (url ? '-' : '+') :
			   c == 63 ? (url ? '_' : '/') : std[c];
	}
	wipe(in, sizeof(in));
	return o;
}

static int add(struct ident_patterns *ps, size_t *cap, unsigned int kind,
	       unsigned int form, const void *bytes, size_t len)
{
	struct ident_pattern *p;
	size_t i;

	if (!len || len > IDENT_PATTERN_MAX)
		return 0;
	for (i = 0; i < ps->n; i++)
		if (ps->p[i].len == len && !memcmp(ps->p[i].bytes, bytes, len))
			return 0;
	if (ps->n == *cap) {
		size_t ncap = *cap ? 2 * *cap : 64;
		struct ident_pattern *np = calloc(ncap, sizeof(*np));

		if (!np)
			return -ENOMEM;
		if (ps->n)
			memcpy(np, ps->p, ps->n * sizeof(*np));
		if (ps->p)
			wipe(ps->p, *cap * sizeof(*np));
		free(ps->p);
		ps->p = np;
		*cap = ncap;
	}
	p = &ps->p[ps->n++];
	p->kind = (uint8_t)kind;
	p->form = (uint8_t)form;
	p->len = (uint8_t)len;
	memcpy(p->bytes, bytes, len);
	ps->bytes += len;
	return 0;
}

/* The three alignments of base64 and base64url of v. */
static int add_base64(struct ident_patterns *ps, size_t *cap,
		      unsigned int kind, unsigned int form, const uint8_t *v,
		      size_t n)
{
	char core[IDENT_PATTERN_MAX * 2];
	unsigned int a, url;
	int ret = 0;

	for (url = 0; url < 2 && !ret; url++)
		for (a = 0; a < 3 && !ret; a++)
			ret = add(ps, cap, kind, form + url, core,
				  ident_base64_core(v, n, a, url, core));
	wipe(core, sizeof(core));
	return ret;
}

static void tohex(const uint8_t *d, size_t n, bool upper, char *out)
{
	const char *x = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = x[d[i] >> 4];
		out[2 * i + 1] = x[d[i] & 15];
	}
}

/* Hex (both cases) and base64 of the three digests of t, and base64 of t. */
static int add_derived(struct ident_patterns *ps, size_t *cap,
		       unsigned int kind, const char *t, size_t n)
{
	static const unsigned int hex_form[3] = {
		IDF_MD5_HEX, IDF_SHA1_HEX, IDF_SHA256_HEX,
	};
	static const size_t dlen[3] = {
		MD5_DIGEST_SIZE, SHA1_DIGEST_SIZE, SHA256_DIGEST_SIZE,
	};
	uint8_t d[SHA256_DIGEST_SIZE];
	char h[2 * SHA256_DIGEST_SIZE];
	struct sha256 c;
	int i, ret;

	ret = add_base64(ps, cap, kind, IDF_BASE64, (const uint8_t *)t, n);
	for (i = 0; i < 3 && !ret; i++) {
		if (i == 0) {
			md5(t, n, d);
		} else if (i == 1) {
			sha1(t, n, d);
		} else {
			sha256_init(&c);
			sha256_update(&c, t, n);
			sha256_final(&c, d);
			wipe(&c, sizeof(c));
		}
		tohex(d, dlen[i], false, h);
		ret = add(ps, cap, kind, hex_form[i], h, 2 * dlen[i]);
		tohex(d, dlen[i], true, h);
		if (!ret)
			ret = add(ps, cap, kind, hex_form[i] + 1, h, 2 * dlen[i]);
		if (!ret)
			ret = add_base64(ps, cap, kind, hex_form[i] + 2, d, dlen[i]);
	}
	wipe(d, sizeof(d));
	wipe(h, sizeof(h));
	return ret;
}

/*
 * A value with letters in each case, where that differs from the value as
 * written (add() keeps a byte string once): an SDK that normalises a
 * serial or an ID to one case sends it so.
 */
static int add_cases(struct ident_patterns *ps, size_t *cap,
		     const struct ident *id)
{
	char c[IDENT_VALUE_MAX];
	size_t i;
	int ret;

	for (i = 0; i < id->len; i++)
		c[i] = (char)tolower((unsigned char)id->value[i]);
	ret = add(ps, cap, id->kind, IDF_TEXT_LOWER, c, id->len);
	for (i = 0; i < id->len; i++)
		c[i] = (char)toupper((unsigned char)id->value[i]);
	if (!ret)
		ret = add(ps, cap, id->kind, IDF_TEXT_UPPER, c, id->len);
	wipe(c, sizeof(c));
	return ret;
}

/*
 * A value's patterns. An msisdn is written with or without '+'; apps send
 * it either way, URL-encoded too, and hash or encode either form.
 */
static int derive_one(struct ident_patterns *ps, size_t *cap,
		      const struct ident *id)
{
	char plus[IDENT_VALUE_MAX + 1], pct[IDENT_VALUE_MAX + 3];
	size_t skip = id->value[0] == '+', nd = id->len - skip;
	const char *digits = id->value + skip;
	int ret;

	ret = add(ps, cap, id->kind, IDF_TEXT, id->value, id->len);
	if (ret)
		return ret;
	if (id->kind != IDENT_MSISDN) {
		ret = add_derived(ps, cap, id->kind, id->value, id->len);
		return ret ? ret : add_cases(ps, cap, id);
	}
	plus[0] = '+';
	memcpy(plus + 1, digits, nd);
	memcpy(pct, "%2B", 3);
	memcpy(pct + 3, digits, nd);
	ret = add(ps, cap, id->kind, IDF_E164, digits, nd);
	if (!ret)
		ret = add(ps, cap, id->kind, IDF_E164_PLUS, plus, nd + 1);
	if (!ret)
		ret = add(ps, cap, id->kind, IDF_E164_PCT, pct, nd + 3);
	if (!ret)
		ret = add_derived(ps, cap, id->kind, digits, nd);
	if (!ret)
		ret = add_derived(ps, cap, id->kind, plus, nd + 1);
	wipe(plus, sizeof(plus));
	wipe(pct, sizeof(pct));
	return ret;
}

int ident_derive(const struct ident_set *s, struct ident_patterns *out,
		 char *err, size_t errlen)
{
	size_t cap = 0, i;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < s->n && !ret; i++)
		ret = derive_one(out, &cap, &s->v[i]);
	if (!ret && (out->n > IDENT_PATTERNS_MAX || out->bytes > IDENT_BYTES_MAX)) {
		snprintf(err, errlen,
			 "%zu identifiers make %zu patterns of %zu bytes; the kernel takes at most %d patterns of %d bytes in all",
			 s->n, out->n, out->bytes, IDENT_PATTERNS_MAX,
			 IDENT_BYTES_MAX);
		ret = -E2BIG;
	}
	if (ret == -ENOMEM)
		snprintf(err, errlen, "identifiers: %s", strerror(ENOMEM));
	if (ret)
		ident_patterns_free(out);
	return ret;
}

void ident_patterns_free(struct ident_patterns *p)
{
	if (p->p)
		wipe(p->p, p->n * sizeof(*p->p));
	free(p->p);
	memset(p, 0, sizeof(*p));
}
