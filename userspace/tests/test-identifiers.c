// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The identifiers file and its patterns (lib/identifiers.c): every kind
 * parsed and validated, every refusal with file:line:col and never the
 * value, the file's mode and owner, the base64 pieces against coreutils'
 * base64/basenc on real embeddings, the digests against openssl dgst, and
 * the patterns through the kernel's matcher (kmod/idmatch.c, as is): the
 * payloads an app would send are caught, real text is not.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/identifiers.h"
#include "../../kmod/idmatch.h"
#include "../../tests/tap.h"

#define IMEI1 "490154203237518"
#define IMEI2 "356938035643809"
#define IMSI1 "310150123456789"
#define IMSI2 "46000123456789"
#define TEL1 "+8613800138000"
#define TEL2 "14155552671"

static const char good[] =
	"# written by the ROM at boot\n"
	"imei = " IMEI1 "\n"
	"imei=" IMEI2 "   # second slot\n"
	"\n"
	"  imsi =  " IMSI1 "\n"
	"imsi = " IMSI2 "\n"
	"msisdn = " TEL1 "\n"
	"msisdn = " TEL2 "\n"
	"iccid = 8986001234567890123\n"
	"serial = R58M12ABCDE\n"
	"android_id = 9774d56d682e549c\n"
	"advertising_id = 38400000-8cf0-11bd-b23e-10b96e40000d\n"
	"imei = " IMEI1 "\n";

static void test_parse(void)
{
	static const struct { const char *line, *want; } bad[] = {
		{ "imei = 490154203237519", "t:1:8: expected an IMEI: 15 digits, the last a valid Luhn check digit" },
		{ "imei = 49015420323751", "t:1:8: expected an IMEI" },
		{ "imsi = 3101501234567", "t:1:8: expected an IMSI: 14 or 15 digits" },
		{ "imsi = 31015012345678a", "t:1:8: expected an IMSI" },
		{ "msisdn = +0861380013800", "t:1:10: expected a phone number in E.164 form" },
		{ "msisdn = +1234567890123456", "t:1:10: expected a phone number" },
		{ "msisdn = 123456", "t:1:10: expected a phone number" },
		{ "iccid = 1234567890123456789", "t:1:9: expected an ICCID: 18 to 22 digits beginning 89" },
		{ "serial = R58 M12", "t:1:10: expected a serial number" },
		{ "serial = R58M1", "t:1:10: expected a serial number" },
		{ "android_id = 9774d56d682e549g", "t:1:14: expected an Android ID: 12 to 16 hex digits" },
		{ "advertising_id = 00000000-0000-0000-0000-000000000000", "t:1:18: expected an advertising ID: a UUID (8-4-4-4-12 hex digits), not all zeros" },
		{ "advertising_id = 38400000-8cf0-11bd-b23e10b96e40000d", "t:1:18: expected an advertising ID" },
		{ "mac = 490154203237518", "t:1:1: expected imei, imsi, msisdn, iccid, serial, android_id or advertising_id" },
		{ "IMEI = 490154203237518", "t:1:1: expected imei" },
		{ "imei 490154203237518", "t:1:6: expected '=' after the kind" },
		{ "serial = AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "t:1:10: expected a value of at most 64 bytes" },
	};
	struct ident_set s;
	char err[512], buf[2048];
	size_t i, o;
	int ret;

	ret = ident_parse(&s, "t", good, strlen(good), err, sizeof(err));
	tap_ok(!ret && s.n == 10, "every kind parses, comments and blanks skipped, a repeated line kept once (%zu)", s.n);
	tap_ok(s.n == 10 && s.v[1].kind == IDENT_IMEI && !strcmp(s.v[1].value, IMEI2) &&
	       s.v[2].kind == IDENT_IMSI && !strcmp(s.v[2].value, IMSI1) &&
	       s.v[9].kind == IDENT_ADVERTISING_ID,
	       "values trimmed, trailing comments cut, kinds in order");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *val = strchr(bad[i].line, '=');

		memset(err, 0, sizeof(err));
		ret = ident_parse(&s, "t", bad[i].line, strlen(bad[i].line),
				  err, sizeof(err));
		val = val ? val + 1 + strspn(val + 1, " ") : bad[i].line;
		tap_ok(ret == -EINVAL && s.n == 0 &&
		       !strncmp(err, bad[i].want, strlen(bad[i].want)) &&
		       (!*val || !strstr(err, val)),
		       "refused, without the value: %s -> %s", bad[i].line, err);
	}
	/* a kind without a value (a SIM that holds no number): none of it */
	o = snprintf(buf, sizeof(buf), "msisdn =\nimei = %s\nimsi = \t# slot 2 empty\n", IMEI1);
	ret = ident_parse(&s, "f", buf, o, err, sizeof(err));
	tap_ok(!ret && s.n == 1 && s.v[0].kind == IDENT_IMEI,
	       "a kind with no value names none, the others stay (%zu)", s.n);
	/* a bad line after good ones: nothing kept, its line number */
	o = snprintf(buf, sizeof(buf), "%simsi = 12\n", good);
	ret = ident_parse(&s, "f", buf, o, err, sizeof(err));
	tap_ok(ret == -EINVAL && s.n == 0 && !strncmp(err, "f:14:8: expected an IMSI", 24),
	       "a bad line 14 after good ones: all refused (%s)", err);
	for (o = 0, i = 0; i < IDENT_MAX + 1; i++)
		o += snprintf(buf + o, sizeof(buf) - o, "serial = SERIAL%03zu\n", i);
	ret = ident_parse(&s, "f", buf, o, err, sizeof(err));
	tap_ok(ret == -EINVAL && s.n == 0 && strstr(err, "f:33:1: expected at most 32 identifiers"),
	       "33 identifiers: refused (%s)", err);
}

static int write_mode(const char *path, const char *text, mode_t mode)
{
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return -1;
	fchmod(fd, mode);
	return close(fd);
}

static void test_load(void)
{
	char dir[] = "/tmp/cw-ident-XXXXXX", path[128], err[512];
	static char big[IDENT_FILE_MAX + 2];
	struct ident_set s;
	int ret;

	if (!mkdtemp(dir))
		return;
	snprintf(path, sizeof(path), "%s/identifiers", dir);
	err[0] = 0;
	ret = ident_load(&s, path, geteuid(), err, sizeof(err));
	tap_ok(ret == -ENOENT && !err[0] && s.n == 0, "no file: -ENOENT, no error (the guard is off)");
	write_mode(path, good, 0600);
	ret = ident_load(&s, path, geteuid(), err, sizeof(err));
	tap_ok(!ret && s.n == 10, "mode 0600: loaded (%zu)", s.n);
	write_mode(path, good, 0400);
	ret = ident_load(&s, path, geteuid(), err, sizeof(err));
	tap_ok(!ret && s.n == 10, "mode 0400: loaded");
	write_mode(path, good, 0644);
	ret = ident_load(&s, path, geteuid(), err, sizeof(err));
	tap_ok(ret == -EPERM && s.n == 0 && strstr(err, "readable or writable by others than its owner (mode 0644)"),
	       "mode 0644 (world-readable): refused: %s", err);
	write_mode(path, good, 0620);
	ret = ident_load(&s, path, geteuid(), err, sizeof(err));
	tap_ok(ret == -EPERM && strstr(err, "(mode 0620)"), "mode 0620 (group-writable): refused");
	write_mode(path, good, 0600);
	if (geteuid() == 0) {
		ret = chown(path, 4321, 4321);
		ret = ret ? ret : ident_load(&s, path, 0, err, sizeof(err));
		tap_ok(ret == -EPERM && s.n == 0 && strstr(err, "owned by uid 4321; expected root or consentd's user (uid 0)"),
		       "owned by another user: refused: %s", err);
		ret = ident_load(&s, path, 4321, err, sizeof(err));
		tap_ok(!ret && s.n == 10, "... and taken when that user runs consentd");
	} else {
		tap_ok(1, "# SKIP not root: cannot chown");
		tap_ok(1, "# SKIP not root: cannot chown");
	}
	ret = ident_load(&s, dir, geteuid(), err, sizeof(err));
	tap_ok(ret == -EPERM && strstr(err, "not a regular file"), "a directory: refused (%s)", err);
	memset(big, '#', sizeof(big) - 1);
	write_mode(path, big, 0600);
	ret = ident_load(&s, path, geteuid(), err, sizeof(err));
	tap_ok(ret == -EFBIG && strstr(err, "larger than 65536 bytes"), "a file over 64 KiB: refused");
	write_mode(path, "imei = 490154203237519\n", 0600);
	ret = ident_load(&s, path, geteuid(), err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "/identifiers:1:8: expected an IMEI") &&
	       !strstr(err, "490154203237519"), "a bad line: file:line:col, not the value");
	unlink(path);
	rmdir(dir);
}

/* cmd < in, its output (no newline) into out; its length or -1. */
static int run(const char *cmd, const uint8_t *in, size_t n, char *out, size_t max)
{
	char tmp[] = "/tmp/cw-b64-XXXXXX", full[256];
	int fd = mkstemp(tmp);
	size_t got;
	FILE *f;

	if (fd < 0 || write(fd, in, n) != (ssize_t)n)
		return -1;
	close(fd);
	snprintf(full, sizeof(full), "%s < %s", cmd, tmp);
	f = popen(full, "r");
	got = f ? fread(out, 1, max - 1, f) : 0;
	if (f)
		pclose(f);
	unlink(tmp);
	while (got && (out[got - 1] == '\n'))
		got--;
	out[got] = 0;
	return f ? (int)got : -1;
}

static bool contains(const char *hay, const char *needle, size_t n)
{
	size_t h = strlen(hay), i;

	for (i = 0; i + n <= h; i++)
		if (!memcmp(hay + i, needle, n))
			return true;
	return false;
}

/*
 * For each alignment, the core is exactly the characters that do not
 * change between an all-zero and an all-one surrounding (base64 -w0 of
 * real embeddings), and it is in the encoding of any embedding.
 */
static void test_base64(void)
{
	static const char *const tools[2] = { "base64 -w0", "basenc --base64url -w0" };
	uint8_t v[40], in[64];
	char e0[256], e1[256], core[128];
	size_t n, a, k, i, first, last, bad = 0, checks = 0, emb = 0;
	int url;

	srand(7);
	for (n = 6; n <= 36; n += 5) {
		for (i = 0; i < n; i++)
			v[i] = (uint8_t)rand();
		if (n == 16)
			memcpy(v, IMEI1, 15);
		for (url = 0; url < 2; url++)
			for (a = 0; a < 3; a++) {
				size_t c = ident_base64_core(v, n, a, url, core);

				memset(in, 0, sizeof(in));
				memcpy(in + a, v, n);
				run(tools[url], in, a + n + 3, e0, sizeof(e0));
				memset(in, 0xff, sizeof(in));
				memcpy(in + a, v, n);
				run(tools[url], in, a + n + 3, e1, sizeof(e1));
				e0[strcspn(e0, "=")] = 0;
				for (first = 0; first < strlen(e0) && e0[first] != e1[first]; first++)
					;
				for (last = first; last < strlen(e0) && e0[last] == e1[last]; last++)
					;
				checks++;
				if (c != last - first || memcmp(core, e0 + first, c)) {
					bad++;
					tap_diag("n %zu url %d align %zu: core %.*s, stable %.*s", n, url, a, (int)c, core, (int)(last - first), e0 + first);
				}
				/* random surroundings, value at offset a + 3k */
				for (k = 0; k < 3; k++) {
					size_t pre = a + 3 * k, post = (size_t)rand() % 5;

					for (i = 0; i < pre + n + post; i++)
						in[i] = (uint8_t)rand();
					memcpy(in + pre, v, n);
					run(tools[url], in, pre + n + post, e0, sizeof(e0));
					emb++;
					if (!c || !contains(e0, core, c))
						bad++;
				}
			}
	}
	tap_ok(!bad, "base64 and base64url, 3 alignments, values of 6 to 36 bytes: %zu cores exactly the stable characters, in each of %zu real embeddings (%zu wrong)",
	       checks, emb, bad);
	n = ident_base64_core((const uint8_t *)IMEI1, 15, 0, false, core);
	tap_ok(n == 20 && !memcmp(core, "NDkwMTU0MjAzMjM3NTE4", 20), "the IMEI at offset 0: its plain base64, 20 characters");
	n = ident_base64_core((const uint8_t *)IMEI1, 15, 1, false, core);
	tap_ok(n == 19, "... at offset 1: 19 stable characters");
	n = ident_base64_core((const uint8_t *)IMEI1, 15, 2, false, core);
	tap_ok(n == 19, "... at offset 2: 19");
}

static const struct ident_pattern *find(const struct ident_patterns *ps, unsigned int kind,
					unsigned int form, const char *bytes)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		if (ps->p[i].kind == kind && ps->p[i].form == form &&
		    (!bytes || (ps->p[i].len == strlen(bytes) &&
				!memcmp(ps->p[i].bytes, bytes, ps->p[i].len))))
			return &ps->p[i];
	return NULL;
}

static void test_derive(void)
{
	static const char *const algs[3] = { "md5", "sha1", "sha256" };
	struct ident_set s = { 0 };
	struct ident_patterns ps;
	char err[512], hex[80], up[80], cmd[64];
	size_t i, j, forms, bad;
	int ret, a;

	static const char two[] = "imei = " IMEI1 "\nmsisdn = " TEL1 "\n";

	ident_parse(&s, "t", two, strlen(two), err, sizeof(err));
	ret = ident_derive(&s, &ps, err, sizeof(err));
	tap_ok(!ret && find(&ps, IDENT_IMEI, IDF_TEXT, IMEI1), "the IMEI as written");
	tap_ok(find(&ps, IDENT_MSISDN, IDF_TEXT, TEL1) &&
	       find(&ps, IDENT_MSISDN, IDF_E164, TEL1 + 1) &&
	       find(&ps, IDENT_MSISDN, IDF_E164_PCT, "%2B8613800138000") &&
	       !find(&ps, IDENT_MSISDN, IDF_E164_PLUS, NULL),
	       "the phone number as written (+...), without '+', with %%2B; e164-plus is the text form");
	for (bad = 0, a = 0; a < 3; a++) {
		snprintf(cmd, sizeof(cmd), "openssl dgst -%s -r", algs[a]);
		run(cmd, (const uint8_t *)IMEI1, 15, hex, sizeof(hex));
		*strchr(hex, ' ') = 0;
		for (i = 0; hex[i]; i++)
			up[i] = hex[i] >= 'a' ? hex[i] - 32 : hex[i];
		up[i] = 0;
		bad += !find(&ps, IDENT_IMEI, IDF_MD5_HEX + 4 * a, hex);
		bad += !find(&ps, IDENT_IMEI, IDF_MD5_HEX_UPPER + 4 * a, up);
		run(cmd, (const uint8_t *)TEL1 + 1, strlen(TEL1) - 1, hex, sizeof(hex));
		*strchr(hex, ' ') = 0;
		bad += !find(&ps, IDENT_MSISDN, IDF_MD5_HEX + 4 * a, hex);
		run(cmd, (const uint8_t *)TEL1, strlen(TEL1), hex, sizeof(hex));
		*strchr(hex, ' ') = 0;
		bad += !find(&ps, IDENT_MSISDN, IDF_MD5_HEX + 4 * a, hex);
	}
	tap_ok(!bad, "MD5, SHA-1, SHA-256 hex in both cases as openssl dgst gives them (the phone number's with and without '+')");
	/* base64url is kept only where it differs from base64 */
	for (forms = 0, j = 0; j < IDF_FORMS; j++)
		forms += find(&ps, IDENT_IMEI, j, NULL) != NULL;
	for (bad = 0, i = 0; i < ps.n; i++) {
		const struct ident_pattern *p = &ps.p[i];
		char u[IDENT_PATTERN_MAX + 1];
		size_t c;

		if (p->form != IDF_BASE64 && p->form != IDF_MD5_BASE64 &&
		    p->form != IDF_SHA1_BASE64 && p->form != IDF_SHA256_BASE64)
			continue;
		for (c = 0; c < p->len; c++)
			u[c] = p->bytes[c] == '+' ? '-' : p->bytes[c] == '/' ? '_' : (char)p->bytes[c];
		u[c] = 0;
		bad += !find(&ps, p->kind, p->form + (strcspn(u, "-_") < c), u);
	}
	tap_ok(forms >= 11 && !bad,
	       "the IMEI in %zu forms; each base64 piece also in base64url, as its own form where they differ",
	       forms);
	for (bad = 0, i = 0; i < ps.n; i++)
		for (j = i + 1; j < ps.n; j++)
			bad += ps.p[i].len == ps.p[j].len &&
			       !memcmp(ps.p[i].bytes, ps.p[j].bytes, ps.p[i].len);
	tap_ok(!bad && ps.n > 60, "no byte string twice: %zu patterns of an IMEI and a phone number", ps.n);
	ident_patterns_free(&ps);
	ident_set_wipe(&s);
	/* a value with letters in each case, where that is not as written */
	ident_parse(&s, "t", good, strlen(good), err, sizeof(err));
	ret = ident_derive(&s, &ps, err, sizeof(err));
	tap_ok(!ret && find(&ps, IDENT_SERIAL, IDF_TEXT_LOWER, "r58m12abcde") &&
	       !find(&ps, IDENT_SERIAL, IDF_TEXT_UPPER, NULL) &&
	       find(&ps, IDENT_ANDROID_ID, IDF_TEXT_UPPER, "9774D56D682E549C") &&
	       !find(&ps, IDENT_ANDROID_ID, IDF_TEXT_LOWER, NULL) &&
	       find(&ps, IDENT_ADVERTISING_ID, IDF_TEXT_UPPER,
		    "38400000-8CF0-11BD-B23E-10B96E40000D") &&
	       !find(&ps, IDENT_IMEI, IDF_TEXT_LOWER, NULL) &&
	       !find(&ps, IDENT_IMEI, IDF_TEXT_UPPER, NULL),
	       "a serial, an Android ID, an advertising ID also in the other case; an IMEI has none");
	ident_patterns_free(&ps);
	ident_set_wipe(&s);

	/* the most: 32 phone numbers of 15 digits */
	for (i = 0; i < IDENT_MAX; i++) {
		s.v[i].kind = IDENT_MSISDN;
		s.v[i].len = (uint8_t)snprintf(s.v[i].value, sizeof(s.v[i].value),
					       "+1%014zu", i * 7919);
	}
	s.n = IDENT_MAX;
	ret = ident_derive(&s, &ps, err, sizeof(err));
	tap_ok(!ret && ps.n <= CW_IDM_MAX_PATTERNS && ps.bytes <= CW_IDM_MAX_BYTES,
	       "32 phone numbers of 15 digits, the largest file: %zu patterns of %zu bytes, within the kernel's bounds",
	       ps.n, ps.bytes);
	ident_patterns_free(&ps);
	tap_ok(IDENT_PATTERNS_MAX == CW_IDM_MAX_PATTERNS && IDENT_BYTES_MAX == CW_IDM_MAX_BYTES &&
	       IDENT_PATTERN_MAX <= CW_IDM_MAX_LEN, "the bounds are the kernel matcher's");
}

struct tagged {
	u32 tag;
	bool hit;
};

static bool first_hit(void *ctx, u32 tag, size_t end)
{
	struct tagged *t = ctx;

	(void)end;
	t->tag = tag;
	t->hit = true;
	return true;
}

/* The payloads an app sends, through the kernel's matcher. */
static void test_matcher(void)
{
	static const struct { const char *payload, *what; unsigned int kind, form; } leak[] = {
		{ "POST /reg HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\nimei=" IMEI1 "&v=2", "a form POST", IDENT_IMEI, IDF_TEXT },
		{ "{\"imsi\":\"" IMSI2 "\",\"os\":\"android\"}", "JSON", IDENT_IMSI, IDF_TEXT },
		{ "GET /p?tel=%2B8613800138000&x=1 HTTP/1.1\r\n", "a GET query with %2B", IDENT_MSISDN, IDF_E164_PCT },
		{ "GET /p?tel=8613800138000 HTTP/1.1\r\n", "the number without +", IDENT_MSISDN, IDF_E164 },
		{ "GET /p?tel=+14155552671 HTTP/1.1\r\n", "+ added to a number written without", IDENT_MSISDN, IDF_E164_PLUS },
		{ "h=1CE4E0E3C9B7FE0C2A3FCAB5EB12C3B84B3B5B6C&", "the IMEI's SHA-1 in upper-case hex", IDENT_IMEI, IDF_SHA1_HEX_UPPER },
		{ "{\"adid\":\"38400000-8CF0-11BD-B23E-10B96E40000D\"}", "an advertising ID in upper case", IDENT_ADVERTISING_ID, IDF_TEXT_UPPER },
		{ "GET /a?aid=9774D56D682E549C HTTP/1.1\r\n", "an Android ID in upper case", IDENT_ANDROID_ID, IDF_TEXT_UPPER },
	};
	struct ident_set s;
	struct ident_patterns ps;
	struct cw_idm_pattern *cp;
	struct cw_idm *m = NULL;
	char err[512], b64[512], sha[80], payload[256];
	uint8_t buf[256];
	size_t i, n, k, bad;
	u32 state;
	int ret;

	ident_parse(&s, "t", good, strlen(good), err, sizeof(err));
	ret = ident_derive(&s, &ps, err, sizeof(err));
	cp = calloc(ps.n, sizeof(*cp));
	for (i = 0; i < ps.n; i++)
		cp[i] = (struct cw_idm_pattern){ ps.p[i].bytes, ps.p[i].len,
						 ps.p[i].kind << 8 | ps.p[i].form };
	ret = ret ? ret : cw_idm_build(cp, ps.n, &m);
	tap_ok(!ret, "the example file's %zu patterns (%zu bytes) build a matcher of %zu bytes",
	       ps.n, ps.bytes, m ? cw_idm_bytes(m) : 0);
	if (ret)
		return;
	run("openssl dgst -sha1 -r", (const uint8_t *)IMEI1, 15, sha, sizeof(sha));
	for (i = 0; i < 40; i++)
		sha[i] = sha[i] >= 'a' ? sha[i] - 32 : sha[i];
	for (i = 0; i < sizeof(leak) / sizeof(leak[0]); i++) {
		struct tagged t = { 0 };
		const char *p = leak[i].payload;

		if (leak[i].form == IDF_SHA1_HEX_UPPER) {
			snprintf(payload, sizeof(payload), "h=%.40s&", sha);
			p = payload;
		}
		state = CW_IDM_START;
		cw_idm_scan(m, &state, (const u8 *)p, strlen(p), first_hit, &t);
		tap_ok(t.hit && t.tag == (leak[i].kind << 8 | leak[i].form),
		       "%s: caught as %s %s", leak[i].what,
		       ident_kind_name(t.tag >> 8), ident_form_name(t.tag & 255));
	}
	/* base64 of a JSON body that carries the IMEI, at every offset */
	for (bad = 0, k = 0; k < 3; k++) {
		struct tagged t = { 0 };

		n = (size_t)snprintf((char *)buf, sizeof(buf), "{\"d\":\"%.*s" IMEI1 "\"}", (int)k, "xyz");
		run("base64 -w0", buf, n, b64, sizeof(b64));
		state = CW_IDM_START;
		cw_idm_scan(m, &state, (const u8 *)b64, strlen(b64), first_hit, &t);
		bad += !t.hit || t.tag != (IDENT_IMEI << 8 | IDF_BASE64);
	}
	tap_ok(!bad, "base64 of a JSON body with the IMEI at each alignment: caught as imei base64");
	{
		struct tagged t = { 0 };
		char hx[80];
		uint8_t raw[32];

		run("openssl dgst -sha256 -r", (const uint8_t *)IMSI1, 15, hx, sizeof(hx));
		for (i = 0; i < 32; i++)
			sscanf(hx + 2 * i, "%2hhx", &raw[i]);
		memcpy(buf, "\x01\x02", 2);
		memcpy(buf + 2, raw, 32);
		run("basenc --base64url -w0", buf, 34, b64, sizeof(b64));
		state = CW_IDM_START;
		cw_idm_scan(m, &state, (const u8 *)b64, strlen(b64), first_hit, &t);
		tap_ok(t.hit && t.tag == (IDENT_IMSI << 8 | IDF_SHA256_BASE64URL),
		       "base64url of the IMSI's raw SHA-256 after 2 bytes: caught as %s %s",
		       ident_kind_name(t.tag >> 8), ident_form_name(t.tag & 255));
	}
	/* real text carries none */
	{
		glob_t g;
		size_t bytes = 0, hits = 0;
		static char text[1 << 20];

		glob("/usr/share/common-licenses/*", 0, NULL, &g);
		for (i = 0; i < g.gl_pathc; i++) {
			FILE *f = fopen(g.gl_pathv[i], "rb");
			struct tagged t = { 0 };

			if (!f)
				continue;
			n = fread(text, 1, sizeof(text), f);
			fclose(f);
			state = CW_IDM_START;
			cw_idm_scan(m, &state, (const u8 *)text, n, first_hit, &t);
			hits += t.hit;
			bytes += n;
		}
		globfree(&g);
		tap_ok(bytes > 100000 && !hits, "no match in %zu bytes of /usr/share/common-licenses", bytes);
	}
	cw_idm_free(m);
	free(cp);
	ident_patterns_free(&ps);
	ident_set_wipe(&s);
}

int main(void)
{
	test_parse();
	test_load();
	test_base64();
	test_derive();
	test_matcher();
	return tap_done();
}
