// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The packages.list reader against lines as Android writes them, one
 * format per era, and against lines that are not a package.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../lib/packages.h"
#include "../../tests/tap.h"

/* Real lines, as PackageManager's Settings writes them. */
static const char *const eras[] = {
	/* Android 2.x-4.0: name appid debuggable datadir */
	"com.android.browser 10007 0 /data/data/com.android.browser\n",
	/* 4.1-9: + seinfo gids */
	"com.google.android.gms 10013 0 /data/data/com.google.android.gms default 3002,3001,1028,3003,1015\n",
	"com.whatsapp 10170 0 /data/user/0/com.whatsapp default:targetSdkVersion=28 3003\n",
	"com.android.vending 10025 0 /data/user/0/com.android.vending platform:privapp:targetSdkVersion=28 none\n",
	/* 10-11: + profileable-from-shell version-code */
	"com.xiaomi.xmsf 10061 0 /data/user/0/com.xiaomi.xmsf platform:privapp:targetSdkVersion=29 3003,3002 0 443\n",
	/* 12 and later: + profileable installer */
	"com.example.tracker 10187 1 /data/user/0/com.example.tracker default:targetSdkVersion=33 none 0 12 1 com.android.vending\n",
	"com.android.phone 1001 0 /data/user_de/0/com.android.phone platform:privapp:targetSdkVersion=34 3002,3003,3001 0 34 1 @system\n",
	"com.android.providers.telephony 1001 0 /data/user_de/0/com.android.providers.telephony platform:privapp:targetSdkVersion=34 3002,3003 0 34 1 @system\n",
};

static const struct { const char *name; uint32_t appid; } want[] = {
	{ "com.android.browser", 10007 },
	{ "com.google.android.gms", 10013 },
	{ "com.whatsapp", 10170 },
	{ "com.android.vending", 10025 },
	{ "com.xiaomi.xmsf", 10061 },
	{ "com.example.tracker", 10187 },
	{ "com.android.phone", 1001 },
	{ "com.android.providers.telephony", 1001 },
};

static void test_eras(void)
{
	struct pkglist l = { 0 };
	char text[4096] = "";
	const struct pkg *p;
	size_t i;

	for (i = 0; i < sizeof(eras) / sizeof(eras[0]); i++) {
		pkglist_parse(&l, eras[i], strlen(eras[i]));
		p = pkglist_find(&l, want[i].name);
		tap_ok(l.n == 1 && !l.bad && p && p->appid == want[i].appid,
		       "line %zu alone: %s is app %u", i + 1, want[i].name,
		       want[i].appid);
		strcat(text, eras[i]);
	}
	pkglist_parse(&l, text, strlen(text));
	tap_ok(l.n == 8 && !l.bad, "all eras in one file: 8 packages, none skipped");
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		p = pkglist_find(&l, want[i].name);
		if (!p || p->appid != want[i].appid || p->line != i + 1)
			break;
	}
	tap_ok(i == 8, "each found with its app ID and line");
	tap_ok(!pkglist_find(&l, "com.xiaomi"), "a prefix of a name is not a package");
	tap_ok(!pkglist_find(&l, "com.xiaomi.xmsf2"), "nor a longer name");
	p = pkglist_by_uid(&l, 10187);
	tap_ok(p && !strcmp(p->name, "com.example.tracker"), "UID 10187 is com.example.tracker");
	p = pkglist_by_uid(&l, 1010187);
	tap_ok(p && !strcmp(p->name, "com.example.tracker"), "UID 1010187 (user 10) too");
	p = pkglist_by_uid(&l, 99910187);
	tap_ok(p && !strcmp(p->name, "com.example.tracker"), "UID 99910187 (user 999) too");
	p = pkglist_by_uid(&l, 1001);
	tap_ok(p && !strcmp(p->name, "com.android.phone"),
	       "a shared app ID names the first package in sort order");
	tap_ok(!pkglist_by_uid(&l, 10188), "an app ID nobody has names nothing");
	pkglist_free(&l);
}

static void test_bad_lines(void)
{
	static const char *const bad[] = {
		"this line is junk",
		"com.example.a 100000 0 /data/user/0/com.example.a default none",
		"com.example.a -5 0 /data/user/0/com.example.a default none",
		"com.example.a 10100x 0 /data/user/0/com.example.a default none",
		"com.example.a 10100 2 /data/user/0/com.example.a default none",
		"com.example.a 10100 0",
		"com.example.a 10100 0 data/user/0/com.example.a",
		"com.exa-mple.a 10100 0 /data/user/0/x default none",
		"com..example 10100 0 /data/user/0/x default none",
		".com.example 10100 0 /data/user/0/x default none",
		"com.example. 10100 0 /data/user/0/x default none",
		"1com.example 10100 0 /data/user/0/x default none",
		"com.example.1a 10100 0 /data/user/0/x default none",
		"com.example.a 4294967296 0 /data/user/0/x default none",
	};
	struct pkglist l = { 0 };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pkglist_parse(&l, bad[i], strlen(bad[i]));
		tap_ok(l.n == 0 && l.bad == 1 && l.first_bad == 1,
		       "not a package: '%s'", bad[i]);
	}
	pkglist_free(&l);
}

static void test_file_shapes(void)
{
	const char *t =
		"\n"
		"com.example.a 10100 0 /data/user/0/com.example.a default none\r\n"
		"junk\n"
		"com.example.b\t10101  0 /data/user/0/com.example.b default none\n"
		"com.example.a 10199 0 /data/user/0/com.example.a default none\n"
		"com.example.c 10102 0 /data/user/0/com.example.c default none";
	struct pkglist l = { 0 };
	const struct pkg *p;

	pkglist_parse(&l, t, strlen(t));
	tap_ok(l.n == 3, "3 packages: CRLF, tabs, runs of spaces and no final newline are fine (%zu)", l.n);
	tap_ok(l.bad == 3 && l.first_bad == 1,
	       "the empty line, the junk and the duplicate are skipped, the first on line 1 (%zu, %u)",
	       l.bad, l.first_bad);
	p = pkglist_find(&l, "com.example.a");
	tap_ok(p && p->appid == 10100 && p->line == 2, "a duplicate name keeps its first line");
	p = pkglist_find(&l, "com.example.c");
	tap_ok(p && p->appid == 10102, "the last line without a newline counts");
	pkglist_parse(&l, "", 0);
	tap_ok(l.n == 0 && l.bad == 0, "an empty file is no package and nothing bad");
	pkglist_free(&l);
}

static void test_load(void)
{
	struct pkglist l = { 0 };

	tap_ok(pkglist_load(&l, "data/packages.list") == 0 && l.n == 3 &&
	       l.bad == 1, "data/packages.list: 3 packages, one junk line");
	tap_ok(pkglist_load(&l, "data/nonexistent.list") == -ENOENT && l.n == 0,
	       "a missing file is -ENOENT and an empty list");
	pkglist_free(&l);
}

static void test_names(void)
{
	char longname[300];

	tap_ok(pkg_name_valid("android"), "'android' (the platform) is a name");
	tap_ok(pkg_name_valid("com.Example_1.a_b"), "upper case, digits and _ inside segments");
	tap_ok(!pkg_name_valid(""), "the empty string is not");
	tap_ok(!pkg_name_valid("com.example.tracker user 0"), "nor a name with a space");
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	tap_ok(!pkg_name_valid(longname), "nor 299 letters");
}

int main(void)
{
	test_eras();
	test_bad_lines();
	test_file_shapes();
	test_load();
	test_names();
	return tap_done();
}
