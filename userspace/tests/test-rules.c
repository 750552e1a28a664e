// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The rules parser: valid files, every malformed case with its exact
 * message, domain lists in both formats, packages.list, merging, digests.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/rules.h"
#include "../lib/util.h"
#include "../../tests/tap.h"

static int parse(struct rules *r, const char *text, char *err)
{
	err[0] = '\0';
	return rules_parse(r, "data/t.rules", text, strlen(text), err,
			   RULES_ERR_MAX);
}

static bool has(const struct rule_purpose *p, const char *canon)
{
	char buf[320];
	size_t i;

	for (i = 0; i < p->n; i++) {
		rule_entry_format(&p->e[i], buf, sizeof(buf));
		if (!strcmp(buf, canon))
			return true;
	}
	return false;
}

static void test_valid(void)
{
	static const char text[] =
		"# Lines starting with # are comments.\n"
		"[cloud-messaging]\n"
		"description = MIUI Cloud Messaging (MiPush): carries phone number, IMSI, IMEI\n"
		"domain = app.chat.xiaomi.net          # this name and all its subdomains\n"
		"ip = 111.13.141.211                   # a host\n"
		"ip = 42.62.48.0/24                    # a prefix, IPv4 or IPv6\n"
		"ip = 111.13.142.153 tcp 5222          # with protocol and port\n"
		"ip = 2001:db8::/32 udp 5000-5100      # with a port range\n"
		"app = com.xiaomi.xmsf                 # all egress of this app\n"
		"include = push.domains                # a domain list\n"
		"\n"
		"  [analytics]\r\n"
		"\tdomain=data.mistat.xiaomi.com\r\n"
		"domain = Tracking.MIUI.com.\n"
		"app = 10072\n"
		"ip = 0.0.0.0/0 udp 9\n"
		"ip = ::/0\n"
		"include = ads.hosts\n"
		"description = first\n"
		"description = second wins nothing\n"
		"[cloud-messaging]\n"
		"domain = app.chat.xiaomi.net\n"
		"ip = 203.0.113.7 tcp\n";
	struct rules r;
	struct rule_purpose *p;
	char err[RULES_ERR_MAX];
	int ret;

	rules_init(&r);
	ret = parse(&r, text, err);
	tap_ok(ret == 0, "the DESIGN.md example parses (%s)", err);
	tap_ok(r.n == 2, "two purposes, a repeated section merges");
	p = rules_find(&r, "cloud-messaging");
	tap_ok(p && !strcmp(p->desc, "MIUI Cloud Messaging (MiPush): carries phone number, IMSI, IMEI"),
	       "description kept, inline comment stripped");
	rules_finalize(&r);
	tap_ok(p && has(p, "domain app.chat.xiaomi.net") &&
	       has(p, "ip 111.13.141.211/32") && has(p, "ip 42.62.48.0/24") &&
	       has(p, "ip 111.13.142.153/32 tcp 5222") &&
	       has(p, "ip 2001:db8::/32 udp 5000-5100") &&
	       has(p, "app com.xiaomi.xmsf") && has(p, "ip 203.0.113.7/32 tcp"),
	       "every entry form of cloud-messaging is there");
	tap_ok(p && has(p, "domain resolver.msg.xiaomi.net") &&
	       has(p, "domain register.xmpush.xiaomi.com"),
	       "include of a plain list: lower-cased, trailing dot dropped");
	tap_ok(p && p->n == 9, "duplicates removed by finalize (%zu)",
	       p ? p->n : 0);
	p = rules_find(&r, "analytics");
	tap_ok(p && !strcmp(p->desc, "first"),
	       "the first description of a purpose stays");
	tap_ok(p && has(p, "domain tracking.miui.com") &&
	       has(p, "domain data.mistat.xiaomi.com") && has(p, "app 10072") &&
	       has(p, "ip 0.0.0.0/0 udp 9") && has(p, "ip ::/0"),
	       "CRLF, tabs, no spaces around '=', /0 prefixes");
	tap_ok(p && has(p, "domain api.ad.xiaomi.com") &&
	       has(p, "domain ad1.xiaomi.com") &&
	       has(p, "domain sdkconfig.ad.xiaomi.com") &&
	       !has(p, "domain localhost") && !has(p, "domain ip6-localhost"),
	       "include of a hosts file: every name, localhost names skipped");
	tap_ok(strlen(r.p[0]->digest) == 64 &&
	       strcmp(r.p[0]->digest, r.p[1]->digest),
	       "each purpose has its own digest");
	rules_free(&r);
}

static void test_digest(void)
{
	struct rules a, b, c;
	char err[RULES_ERR_MAX];

	rules_init(&a);
	rules_init(&b);
	rules_init(&c);
	parse(&a, "[x]\ndescription = one\ndomain = a.example\nip = 192.0.2.1\n", err);
	parse(&b, "# other comments\n[x]\nip = 192.0.2.1\ndescription = two\ndomain = A.example.\ndomain = a.example\n", err);
	parse(&c, "[x]\ndomain = a.example\nip = 192.0.2.2\n", err);
	rules_finalize(&a);
	rules_finalize(&b);
	rules_finalize(&c);
	tap_ok(!strcmp(a.p[0]->digest, b.p[0]->digest),
	       "digest ignores order, case, duplicates, comments, description");
	tap_ok(strcmp(a.p[0]->digest, c.p[0]->digest),
	       "digest changes when an endpoint changes");
	rules_free(&a);
	rules_free(&b);
	rules_free(&c);
}

static const struct {
	const char *text, *err;
} bad[] = {
	{ "[cloud\n", "data/t.rules:1:7: expected ']' after the purpose name" },
	{ "[]\n", "data/t.rules:1:2: expected a purpose name" },
	{ "[Cloud]\n", "data/t.rules:1:2: expected a purpose name of a-z, 0-9, '.', '_' or '-'" },
	{ "[a b]\n", "data/t.rules:1:3: expected a purpose name of a-z, 0-9, '.', '_' or '-'" },
	{ "[abcdefghijabcdefghijabcdefghijab]\n", "data/t.rules:1:2: expected a purpose name of at most 31 bytes" },
	{ "[a] x\n", "data/t.rules:1:5: expected end of line after ']'" },
	{ "domain = a.example\n", "data/t.rules:1:1: expected a [purpose] section before 'domain'" },
	{ "[a]\ndomain a.example\n", "data/t.rules:2:8: expected '=' after the key" },
	{ "[a]\nhost = a.example\n", "data/t.rules:2:1: expected one of description, domain, ip, app, include" },
	{ "[a]\n= a.example\n", "data/t.rules:2:1: expected a key or a [purpose] section" },
	{ "[a]\ndomain =\n", "data/t.rules:2:9: expected a value after '='" },
	{ "[a]\ndomain =   # only a comment\n", "data/t.rules:2:9: expected a value after '='" },
	{ "[a]\nip = 300.1.1.1\n", "data/t.rules:2:6: expected an IPv4 or IPv6 address" },
	{ "[a]\nip = example.com\n", "data/t.rules:2:6: expected an IPv4 or IPv6 address" },
	{ "[a]\nip = 10.0.0.0/33\n", "data/t.rules:2:15: expected a prefix length of 0-32" },
	{ "[a]\nip = 2001:db8::/129\n", "data/t.rules:2:17: expected a prefix length of 0-128" },
	{ "[a]\nip = 10.0.0.0/\n", "data/t.rules:2:15: expected a prefix length of 0-32" },
	{ "[a]\nip = 10.0.0.0/x8\n", "data/t.rules:2:15: expected a prefix length of 0-32" },
	{ "[a]\nip = 10.1.0.0/8\n", "data/t.rules:2:6: expected a network address with no bits past /8 (did you mean 10.0.0.0/8?)" },
	{ "[a]\nip = 2001:db8::1/32\n", "data/t.rules:2:6: expected a network address with no bits past /32 (did you mean 2001:db8::/32?)" },
	{ "[a]\nip = 192.0.2.1 sctp 5\n", "data/t.rules:2:16: expected tcp or udp" },
	{ "[a]\nip = 192.0.2.1 5222\n", "data/t.rules:2:16: expected tcp or udp" },
	{ "[a]\nip = 192.0.2.1 tcp 0\n", "data/t.rules:2:20: expected a port of 1-65535" },
	{ "[a]\nip = 192.0.2.1 tcp 65536\n", "data/t.rules:2:20: expected a port of 1-65535" },
	{ "[a]\nip = 192.0.2.1 udp 100-\n", "data/t.rules:2:24: expected a port of 1-65535" },
	{ "[a]\nip = 192.0.2.1 udp 200-100\n", "data/t.rules:2:20: expected a port range LOW-HIGH with LOW <= HIGH" },
	{ "[a]\nip = 192.0.2.1 tcp 5222 extra\n", "data/t.rules:2:25: expected end of line after the port" },
	{ "[a]\ndomain = *.xiaomi.com\n", "data/t.rules:2:10: expected a domain name (letters, digits, '-', '_' and dots)" },
	{ "[a]\ndomain = a..b\n", "data/t.rules:2:12: expected a label between dots" },
	{ "[a]\ndomain = .a\n", "data/t.rules:2:10: expected a label between dots" },
	{ "[a]\ndomain = .\n", "data/t.rules:2:10: expected a domain name" },
	{ "[a]\ndomain = a.b c.d\n", "data/t.rules:2:14: expected one domain name per line" },
	{ "[a]\ndomain = 192.0.2.1\n", "data/t.rules:2:10: expected a domain name, not an address (use ip =)" },
	{ "[a]\ndomain = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com\n",
	  "data/t.rules:2:10: expected labels of at most 63 bytes" },
	{ "[a]\napp = 4294967295\n", "data/t.rules:2:7: expected a UID of 0-4294967294" },
	{ "[a]\napp = com.example/evil\n", "data/t.rules:2:7: expected a numeric UID or an Android package name" },
	{ "[a]\napp = com..example\n", "data/t.rules:2:7: expected a numeric UID or an Android package name" },
	{ "[a]\napp = 1000 1001\n", "data/t.rules:2:12: expected one UID or package name per line" },
	{ "[a]\napp = 1000 user 0\n", "data/t.rules:2:12: expected one UID or package name per line" },
	{ "[a]\napp = com.example.a 0\n", "data/t.rules:2:21: expected 'user N' or the end of the line after the package name" },
	{ "[a]\napp = com.example.a user\n", "data/t.rules:2:25: expected an Android user of 0-42948" },
	{ "[a]\napp = com.example.a user x\n", "data/t.rules:2:26: expected an Android user of 0-42948" },
	{ "[a]\napp = com.example.a user 42949\n", "data/t.rules:2:26: expected an Android user of 0-42948" },
	{ "[a]\napp = com.example.a user 0 1\n", "data/t.rules:2:28: expected end of line after the user" },
	{ "[a]\ninclude = missing.domains\n", "data/t.rules:2:11: expected a readable list file: data/missing.domains: No such file or directory" },
	{ "[a]\ninclude = bad.hosts\n", "data/bad.hosts:2:13: expected a label between dots" },
	{ "[a]\ninclude = a b\n", "data/t.rules:2:13: expected one list file per line" },
	{ "[a]\ninclude = /etc/hosts\n", "data/t.rules:2:11: expected a path relative to the rules directory" },
	{ "[a]\ninclude = ../data/ads.hosts\n", "data/t.rules:2:11: expected a path inside the rules directory, without '..'" },
	{ "[a]\ninclude = x/../../y\n", "data/t.rules:2:13: expected a path inside the rules directory, without '..'" },
	{ "[a]\ninclude = .\n", "data/t.rules:2:11: expected a readable list file: data/.: not a regular file" },
	{ "[a]\ndescription = x\0y\n", "data/t.rules:2:16: expected text, found a NUL byte" },
};

static void test_bad(void)
{
	char err[RULES_ERR_MAX];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct rules r;
		size_t len = strlen(bad[i].text);
		int ret;

		/* The NUL case carries its length past the NUL. */
		if (strstr(bad[i].err, "NUL byte"))
			len += 1 + strlen(bad[i].text + len + 1);
		rules_init(&r);
		err[0] = '\0';
		ret = rules_parse(&r, "data/t.rules", bad[i].text, len, err,
				  sizeof(err));
		if (!tap_ok(ret == -EINVAL && !strcmp(err, bad[i].err),
			    "malformed %zu: %s", i, bad[i].err))
			tap_diag("got: %s", err);
		rules_free(&r);
	}
}

static void test_long(void)
{
	struct sbuf b;
	struct rules r;
	char err[RULES_ERR_MAX];
	int i;

	/* A description longer than the kernel takes. */
	sbuf_init(&b);
	sbuf_adds(&b, "[a]\ndescription = ");
	for (i = 0; i < 300; i++)
		sbuf_addc(&b, 'x');
	sbuf_addc(&b, '\n');
	rules_init(&r);
	parse(&r, b.s, err);
	tap_ok(!strcmp(err, "data/t.rules:2:15: expected a description of at most 255 bytes"),
	       "description of 300 bytes refused");
	rules_free(&r);

	/* 65 purposes. */
	sbuf_reset(&b);
	for (i = 0; i < 65; i++)
		sbuf_printf(&b, "[p%d]\n", i);
	rules_init(&r);
	parse(&r, b.s, err);
	tap_ok(!strcmp(err, "data/t.rules:65:2: expected at most 64 purposes"),
	       "65th purpose refused");
	rules_free(&r);

	/* A name of 254 bytes in labels of 63. */
	sbuf_reset(&b);
	sbuf_adds(&b, "[a]\ndomain = ");
	for (i = 0; i < 4; i++)
		sbuf_printf(&b, "%s%.63s", i ? "." : "",
			    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	sbuf_adds(&b, ".cc\n");
	rules_init(&r);
	parse(&r, b.s, err);
	tap_ok(!strcmp(err, "data/t.rules:2:10: expected a domain name of at most 253 bytes"),
	       "domain name of 258 bytes refused");
	rules_free(&r);
	sbuf_free(&b);
}

static void test_lists(void)
{
	struct rule_purpose p;
	char err[RULES_ERR_MAX];
	const char *t;
	int ret;

	memset(&p, 0, sizeof(p));
	t = "a.example\n\n# c\n  b.example  # c\n0.0.0.0 c.example d.example\n::1 e.example\n";
	ret = rules_parse_list(&p, "l", t, strlen(t), err, sizeof(err));
	tap_ok(!ret && p.n == 5, "plain and hosts lines mix in one list (%zu)",
	       p.n);
	for (size_t i = 0; i < p.n; i++)
		free(p.e[i].domain);
	free(p.e);

	memset(&p, 0, sizeof(p));
	t = "0.0.0.0\n";
	ret = rules_parse_list(&p, "l", t, strlen(t), err, sizeof(err));
	tap_ok(ret && !strcmp(err, "l:1:8: expected a name after the address"),
	       "hosts line without a name: %s", err);
	free(p.e);

	memset(&p, 0, sizeof(p));
	t = "a.example b.example\n";
	ret = rules_parse_list(&p, "l", t, strlen(t), err, sizeof(err));
	tap_ok(ret && !strcmp(err, "l:1:11: expected one domain name per line"),
	       "two names without an address: %s", err);
	for (size_t i = 0; i < p.n; i++)
		free(p.e[i].domain);
	free(p.e);

	memset(&p, 0, sizeof(p));
	t = "no-newline-at-end.example";
	ret = rules_parse_list(&p, "l", t, strlen(t), err, sizeof(err));
	tap_ok(!ret && p.n == 1 && !strcmp(p.e[0].domain, t),
	       "last line without a newline");
	for (size_t i = 0; i < p.n; i++)
		free(p.e[i].domain);
	free(p.e);
}

static void test_big_list(void)
{
	struct rule_purpose p;
	struct sbuf b;
	char err[RULES_ERR_MAX];
	int i, ret;

	sbuf_init(&b);
	for (i = 0; i < 100000; i++)
		sbuf_printf(&b, "0.0.0.0 h%d.telemetry.example\n", i);
	memset(&p, 0, sizeof(p));
	ret = rules_parse_list(&p, "big", b.s, b.len, err, sizeof(err));
	tap_ok(!ret && p.n == 100000, "a list of 100000 names imports");
	for (size_t k = 0; k < p.n; k++)
		free(p.e[k].domain);
	free(p.e);
	sbuf_free(&b);
}

/*
 * A package stays a name: installed or not, the rules say the same, and the
 * digest (what a grant is bound to) never depends on a UID.
 */
static void test_apps(void)
{
	const char *t = "[a]\napp = com.not.installed\napp = com.xiaomi.xmsf\n"
			"app = com.xiaomi.xmsf user 10\napp = com.xiaomi.xmsf user 0\n"
			"app = 1010061\n";
	char err[RULES_ERR_MAX], digest[65];
	struct rules r;

	rules_init(&r);
	tap_ok(!parse(&r, t, err) && r.n == 1 && r.p[0]->n == 5,
	       "packages load by name, installed or not (%s)", err);
	rules_finalize(&r);
	tap_ok(has(r.p[0], "app com.not.installed") &&
	       has(r.p[0], "app com.xiaomi.xmsf") &&
	       has(r.p[0], "app com.xiaomi.xmsf user 10") &&
	       has(r.p[0], "app com.xiaomi.xmsf user 0") &&
	       has(r.p[0], "app 1010061"),
	       "every user, one user, one UID: three different entries");
	memcpy(digest, r.p[0]->digest, sizeof(digest));
	rules_free(&r);
	t = "[a]\napp = com.xiaomi.xmsf user 10\napp = 1010061\napp = com.not.installed\n"
	    "app = com.xiaomi.xmsf\napp = com.xiaomi.xmsf user 0\n";
	rules_init(&r);
	parse(&r, t, err);
	rules_finalize(&r);
	tap_ok(!strcmp(digest, r.p[0]->digest), "the digest is of names, in any order");
	rules_free(&r);
}

/* A FIFO in the rules directory once hung the parser. */
static void test_fifo(void)
{
	char err[RULES_ERR_MAX];
	struct rules r;

	unlink("data/t.fifo");
	if (mkfifo("data/t.fifo", 0600)) {
		tap_ok(0, "mkfifo: %s", strerror(errno));
		return;
	}
	rules_init(&r);
	tap_ok(parse(&r, "[a]\ninclude = t.fifo\n", err) == -EINVAL &&
	       !strcmp(err, "data/t.rules:2:11: expected a readable list file: data/t.fifo: not a regular file"),
	       "a FIFO is refused at once: %s", err);
	rules_free(&r);
	unlink("data/t.fifo");
}

/* What consentd keeps as a file's last good version parses back the same. */
static void test_format(void)
{
	const char *t = "[push]\ndescription = push, \"quoted\" # a comment\n"
			"domain = App.Chat.Xiaomi.NET.\nip = 111.13.141.211\n"
			"ip = 2001:db8::/32 udp 5000-5100\nip = 10.0.0.0/8 tcp 443\n"
			"app = com.xiaomi.xmsf\napp = 1000\n[empty]\n";
	char err[RULES_ERR_MAX];
	struct rules a, b;
	struct sbuf out;
	size_t i;
	bool same;

	rules_init(&a);
	rules_init(&b);
	sbuf_init(&out);
	parse(&a, t, err);
	rules_format(&a, &out);
	tap_ok(!parse(&b, out.s, err), "the canonical text parses: %s", err);
	rules_finalize(&a);
	rules_finalize(&b);
	same = a.n == b.n && a.n == 2;
	for (i = 0; same && i < a.n; i++)
		same = !strcmp(a.p[i]->name, b.p[i]->name) &&
		       !strcmp(a.p[i]->desc, b.p[i]->desc) &&
		       !strcmp(a.p[i]->digest, b.p[i]->digest);
	tap_ok(same, "same purposes, descriptions and digests:\n%s", out.s);
	rules_free(&a);
	rules_free(&b);
	sbuf_free(&out);
}

static void test_dir_and_merge(void)
{
	struct rules a, b;
	char **names, err[RULES_ERR_MAX];
	int n, i;

	n = rules_dir_list("data/rules.d", &names);
	tap_ok(n == 2 && strstr(names[0], "10-") && strstr(names[1], "20-"),
	       "rules.d lists *.rules in name order, nothing else");
	free_names(names, n);

	rules_init(&a);
	rules_init(&b);
	parse(&a, "[x]\ndomain = a.example\n", err);
	parse(&b, "[x]\ndescription = later\ndomain = b.example\n[y]\nip = 192.0.2.9\n", err);
	tap_ok(!rules_merge(&a, &b, err, sizeof(err)) && a.n == 2 &&
	       a.p[0]->n == 2 && b.n == 0 && !strcmp(a.p[0]->desc, "later"),
	       "merge joins a purpose across files");
	rules_free(&a);
	rules_free(&b);

	rules_init(&a);
	rules_init(&b);
	{
		struct sbuf s1, s2;

		sbuf_init(&s1);
		sbuf_init(&s2);
		for (i = 0; i < 40; i++)
			sbuf_printf(&s1, "[a%d]\n", i);
		for (i = 0; i < 30; i++)
			sbuf_printf(&s2, "[b%d]\n", i);
		parse(&a, s1.s, err);
		parse(&b, s2.s, err);
		sbuf_free(&s1);
		sbuf_free(&s2);
	}
	tap_ok(rules_merge(&a, &b, err, sizeof(err)) == -E2BIG &&
	       !strcmp(err, "data/t.rules:1: expected at most 64 purposes in all"),
	       "merge past 64 purposes refused: %s", err);
	rules_free(&a);
	rules_free(&b);
}

static void test_scan(void)
{
	const char *t = "[good]\nip = nonsense\n[also.good]\n[Bad]\n";
	char **names;
	int n;

	n = rules_scan_sections(t, strlen(t), &names);
	tap_ok(n == 2 && !strcmp(names[0], "good") &&
	       !strcmp(names[1], "also.good"),
	       "sections of a broken file are still found");
	free_names(names, n);
}

static bool suffix_of(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	return la <= lb && !strcmp(b + lb - la, a) &&
	       (la == lb || b[lb - la - 1] == '.');
}

/* The shipped MIUI rules load, and push never depends on analytics. */
static void test_shipped(void)
{
	struct rule_purpose *push, *ana;
	char **files, err[RULES_ERR_MAX];
	struct rules r, tmp;
	int n, i, bad = 0;
	size_t a, b;

	rules_init(&r);
	n = rules_dir_list("../rules", &files);
	for (i = 0; i < n; i++) {
		rules_init(&tmp);
		if (rules_parse_file(&tmp, files[i], err, sizeof(err)) ||
		    rules_merge(&r, &tmp, err, sizeof(err))) {
			tap_diag("%s", err);
			bad++;
		}
		rules_free(&tmp);
	}
	free_names(files, n);
	rules_finalize(&r);
	push = rules_find(&r, "cloud-messaging");
	ana = rules_find(&r, "analytics");
	tap_ok(n == 2 && !bad && push && ana && rules_find(&r, "ads") &&
	       rules_find(&r, "crash-reports") && rules_find(&r, "account"),
	       "the shipped MIUI rules load");
	tap_ok(push && has(push, "app com.xiaomi.xmsf") &&
	       has(push, "ip 123.125.102.48/32 tcp 5222") &&
	       has(push, "domain resolver.msg.xiaomi.net"),
	       "cloud-messaging: push app, port 5222, resolver");
	for (a = 0; push && ana && a < push->n; a++) {
		for (b = 0; b < ana->n; b++) {
			if (push->e[a].type != RULE_DOMAIN ||
			    ana->e[b].type != RULE_DOMAIN)
				continue;
			if (suffix_of(push->e[a].domain, ana->e[b].domain) ||
			    suffix_of(ana->e[b].domain, push->e[a].domain)) {
				tap_diag("overlap %s %s", push->e[a].domain,
					 ana->e[b].domain);
				bad++;
			}
		}
		if (push->e[a].type == RULE_ADDR && push->e[a].prefixlen < 24)
			bad++;
	}
	tap_ok(!bad, "no push name is covered by an analytics name, or the reverse");
	rules_free(&r);
}

int main(void)
{
	test_shipped();
	test_valid();
	test_digest();
	test_bad();
	test_long();
	test_lists();
	test_big_list();
	test_apps();
	test_format();
	test_fifo();
	test_dir_and_merge();
	test_scan();
	return tap_done();
}
