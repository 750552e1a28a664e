// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Host tests of kmod/ruleset.c: builder validation (every message), every
 * prefix length, unions of overlapping prefixes, protocols and ports, uids,
 * domain suffix semantics, limits, and a seeded randomized differential
 * test against the naive reference (kmod/ruleset_ref.c). Run under
 * ASan+UBSan; LeakSanitizer checks at exit that nothing leaked.
 *
 * CW_SEED=<n> in the environment replays a differential run.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../../tap.h"
#include "ruleset.h"
#include "ruleset_ref.h"

static const u8 v4_any[4];
static const u8 v6_any[16];

static struct cw_builder *new_builder(int npurposes)
{
	struct cw_builder *b = cw_builder_new(NULL);
	const char *why = NULL;
	char name[16];
	int i;

	for (i = 0; i < npurposes; i++) {
		snprintf(name, sizeof(name), "p%d", i);
		if (cw_builder_purpose(b, name, NULL, &why) != i)
			tap_ok(0, "purpose %s: %s", name, why);
	}
	return b;
}

static void parse_addr(const char *s, u8 *family, u8 *a)
{
	if (inet_pton(AF_INET, s, a) == 1) {
		*family = AF_INET;
		return;
	}
	*family = AF_INET6;
	if (inet_pton(AF_INET6, s, a) != 1) {
		fprintf(stderr, "bad address %s\n", s);
		abort();
	}
}

static int add(struct cw_builder *b, int purpose, const char *addr,
	       u8 len, u8 proto, u16 pmin, u16 pmax)
{
	const char *why = NULL;
	u8 a[16] = { 0 }, family;
	int err;

	parse_addr(addr, &family, a);
	err = cw_builder_add_prefix(b, purpose, family, a, len, proto, pmin,
				    pmax, &why);
	if (err)
		tap_diag("add %s/%u: %s", addr, len, why);
	return err;
}

static u64 match64(const struct cw_ruleset *rs, const struct cw_nat64_set *s,
		   const char *addr, u8 proto, u16 port, int *hit, u8 *a4)
{
	struct cw_flow f = { 0 };
	u8 a[16] = { 0 };

	parse_addr(addr, &f.family, a);
	f.daddr = a;
	f.proto = proto;
	f.dport = port;
	f.nat64 = s;
	if (hit)
		return cw_ruleset_match_nat64(rs, &f, hit, a4);
	return cw_ruleset_match(rs, &f);
}

static u64 match(const struct cw_ruleset *rs, const char *addr, u8 proto,
		 u16 port)
{
	return match64(rs, NULL, addr, proto, port, NULL, NULL);
}

static u64 match_name(const struct cw_ruleset *rs, const char *name)
{
	struct cw_flow f = { 0 };
	u8 a[4] = { 192, 0, 2, 1 };

	f.family = AF_INET;
	f.daddr = a;
	f.proto = IPPROTO_UDP;
	f.dport = 53;
	f.name = name;
	f.name_len = strlen(name);
	return cw_ruleset_match(rs, &f);
}

/* Expects err and why from an add; checks both. */
static void expect(int err, const char *why, int want_err,
		   const char *want_why, const char *what)
{
	tap_ok(err == want_err && why && !strcmp(why, want_why),
	       "refused: %s (%d \"%s\")", what, err, why ? why : "(null)");
}

static void test_validation(void)
{
	struct cw_limits lim = { 0 };
	struct cw_builder *b = new_builder(1);
	const char *why = NULL;
	u8 a[16] = { 0 };
	char name[300];
	int err, i;

	err = cw_builder_add_prefix(b, 0, AF_UNIX, a, 0, 0, 0, 0, &why);
	expect(err, why, -EAFNOSUPPORT,
	       "address family must be AF_INET or AF_INET6", "bad family");
	err = cw_builder_add_prefix(b, 0, AF_INET, a, 33, 0, 0, 0, &why);
	expect(err, why, -EINVAL, "prefix length out of range", "v4 /33");
	err = cw_builder_add_prefix(b, 0, AF_INET6, a, 129, 0, 0, 0, &why);
	expect(err, why, -EINVAL, "prefix length out of range", "v6 /129");
	a[3] = 1;
	err = cw_builder_add_prefix(b, 0, AF_INET, a, 31, 0, 0, 0, &why);
	expect(err, why, -EINVAL,
	       "address has bits set beyond the prefix length",
	       "v4 host bit set beyond /31");
	a[3] = 0;
	a[15] = 1;
	err = cw_builder_add_prefix(b, 0, AF_INET6, a, 127, 0, 0, 0, &why);
	expect(err, why, -EINVAL,
	       "address has bits set beyond the prefix length",
	       "v6 host bit set beyond /127");
	a[15] = 0;
	err = cw_builder_add_prefix(b, 0, AF_INET, a, 0, 0, 80, 80, &why);
	expect(err, why, -EINVAL, "ports need protocol tcp or udp",
	       "ports without a protocol");
	err = cw_builder_add_prefix(b, 0, AF_INET, a, 0, IPPROTO_ICMP, 80, 80,
				    &why);
	expect(err, why, -EINVAL, "ports need protocol tcp or udp",
	       "ports with icmp");
	err = cw_builder_add_prefix(b, 0, AF_INET, a, 0, IPPROTO_TCP, 90, 80,
				    &why);
	expect(err, why, -EINVAL, "port range is reversed (min > max)",
	       "port_min > port_max");
	err = cw_builder_add_prefix(b, 0, AF_INET, a, 0, IPPROTO_UDP, 0, 80,
				    &why);
	expect(err, why, -EINVAL, "port 0 is not a valid port", "port 0");
	err = cw_builder_add_prefix(b, 1, AF_INET, a, 0, 0, 0, 0, &why);
	expect(err, why, -EINVAL, "purpose index out of range",
	       "purpose 1 of 1");
	err = cw_builder_add_prefix(b, -1, AF_INET, a, 0, 0, 0, 0, &why);
	expect(err, why, -EINVAL, "purpose index out of range",
	       "purpose -1");
	err = cw_builder_add_uid(b, 7, 1000, &why);
	expect(err, why, -EINVAL, "purpose index out of range",
	       "uid with purpose 7");
	err = cw_builder_add_domain(b, 3, "a.com", 5, &why);
	expect(err, why, -EINVAL, "purpose index out of range",
	       "domain with purpose 3");

	err = cw_builder_purpose(b, NULL, NULL, &why);
	expect(err, why, -EINVAL, "purpose name missing", "NULL name");
	err = cw_builder_purpose(b, "", NULL, &why);
	expect(err, why, -EINVAL, "purpose name empty", "empty name");
	err = cw_builder_purpose(b, "0123456789abcdef0123456789abcdef", NULL,
				 &why);
	expect(err, why, -EINVAL, "purpose name too long", "32-byte name");
	tap_ok(cw_builder_purpose(b, "0123456789abcdef0123456789abcde", NULL,
				  &why) == 1, "31-byte name accepted");
	err = cw_builder_purpose(b, "Analytics", NULL, &why);
	expect(err, why, -EINVAL,
	       "purpose name must match [a-z0-9][a-z0-9._-]*", "upper case");
	err = cw_builder_purpose(b, "-ads", NULL, &why);
	expect(err, why, -EINVAL,
	       "purpose name must match [a-z0-9][a-z0-9._-]*", "leading -");
	err = cw_builder_purpose(b, "crash reports", NULL, &why);
	expect(err, why, -EINVAL,
	       "purpose name must match [a-z0-9][a-z0-9._-]*", "space");
	memset(name, 'x', 300);
	name[299] = 0;
	err = cw_builder_purpose(b, "ok", name, &why);
	expect(err, why, -EINVAL, "purpose description too long",
	       "299-byte description");
	tap_ok(cw_builder_purpose(b, "cloud-messaging.v2_x", "d1", &why) == 2,
	       "name with . _ - accepted");
	tap_ok(cw_builder_purpose(b, "p0", "new description", &why) == 0,
	       "existing purpose keeps its index");
	for (i = 3; i < CW_PURPOSES_MAX; i++) {
		snprintf(name, sizeof(name), "q%d", i);
		if (cw_builder_purpose(b, name, NULL, &why) != i)
			break;
	}
	tap_ok(i == CW_PURPOSES_MAX, "64 purposes accepted");
	err = cw_builder_purpose(b, "one-too-many", NULL, &why);
	expect(err, why, -E2BIG, "too many purposes", "65th purpose");
	tap_ok(cw_builder_purpose(b, "q10", NULL, &why) == 10,
	       "existing purpose still found when full");

	err = cw_builder_add_domain(b, 0, "", 0, &why);
	expect(err, why, -EINVAL, "domain name empty", "empty domain");
	err = cw_builder_add_domain(b, 0, ".", 1, &why);
	expect(err, why, -EINVAL, "domain name empty", "domain \".\"");
	err = cw_builder_add_domain(b, 0, "a..com", 6, &why);
	expect(err, why, -EINVAL, "domain name has an empty label",
	       "a..com");
	err = cw_builder_add_domain(b, 0, ".a.com", 6, &why);
	expect(err, why, -EINVAL, "domain name has an empty label",
	       ".a.com");
	err = cw_builder_add_domain(b, 0, "a*b.com", 7, &why);
	expect(err, why, -EINVAL,
	       "domain name has a character outside [a-z0-9_.-]", "a*b.com");
	err = cw_builder_add_domain(b, 0, "a\0b.com", 7, &why);
	expect(err, why, -EINVAL,
	       "domain name has a character outside [a-z0-9_.-]",
	       "embedded NUL");
	memset(name, 'a', 64);
	memcpy(name + 64, ".com", 5);
	err = cw_builder_add_domain(b, 0, name, 68, &why);
	expect(err, why, -EINVAL,
	       "domain name has a label longer than 63 bytes", "64-byte label");
	tap_ok(!cw_builder_add_domain(b, 0, name + 1, 67, &why),
	       "63-byte label accepted");
	for (i = 0; i < 255; i++)
		name[i] = i % 2 ? '.' : 'a';
	err = cw_builder_add_domain(b, 0, name, 255, &why);
	expect(err, why, -EINVAL, "domain name longer than 254 bytes",
	       "255-byte name");
	name[253] = 'a';
	tap_ok(!cw_builder_add_domain(b, 0, name, 254, &why),
	       "254-byte name accepted");
	name[254] = '.';
	tap_ok(!cw_builder_add_domain(b, 0, name, 255, &why),
	       "254-byte name with a trailing dot accepted");
	tap_ok(!cw_builder_add_prefix(b, 0, AF_INET, v4_any, 0, IPPROTO_TCP,
				      443, 0, &why),
	       "port_max 0 means port_min alone");
	tap_ok(!cw_builder_add_prefix(b, 0, AF_INET, v4_any, 0, IPPROTO_UDP,
				      1, 65535, &why), "ports 1-65535");
	cw_builder_free(b);

	/* limits */
	lim.max_entries = 3;
	b = cw_builder_new(&lim);
	cw_builder_purpose(b, "p", NULL, &why);
	tap_ok(!cw_builder_add_uid(b, 0, 1, &why) &&
	       !cw_builder_add_prefix(b, 0, AF_INET6, v6_any, 0, 0, 0, 0,
				      &why) &&
	       !cw_builder_add_domain(b, 0, "a.com", 5, &why),
	       "3 entries within max_entries 3");
	err = cw_builder_add_uid(b, 0, 2, &why);
	expect(err, why, -E2BIG, "too many entries in the ruleset",
	       "4th entry");
	err = cw_builder_add_domain(b, 0, "b.com", 5, &why);
	expect(err, why, -E2BIG, "too many entries in the ruleset",
	       "4th entry (domain)");
	cw_builder_free(b);

	lim.max_entries = 0;
	lim.max_memory = 64 * 1024;
	b = cw_builder_new(&lim);
	cw_builder_purpose(b, "p", NULL, &why);
	for (i = 0, err = 0; i < 100000 && !err; i++) {
		u8 k[4] = { 10, i >> 16, i >> 8, i };

		err = cw_builder_add_prefix(b, 0, AF_INET, k, 32, 0, 0, 0,
					    &why);
	}
	expect(err, why, -E2BIG, "ruleset exceeds the memory limit",
	       "max_memory 64 KiB");
	tap_ok(i > 100 && i < 3000, "memory limit hit after %d prefixes", i);
	{
		struct cw_ruleset *rs = cw_builder_finish(b);

		tap_ok(rs && cw_ruleset_memory(rs) <= lim.max_memory,
		       "what fitted still freezes within the limit (%llu)",
		       rs ? (unsigned long long)cw_ruleset_memory(rs) : 0ULL);
		tap_ok(match(rs, "10.0.0.5", 6, 1) == 1 &&
		       !match(rs, "10.0.100.0", 6, 1), "and matches");
		cw_ruleset_free(rs);
	}
}

static void test_meta(void)
{
	struct cw_builder *b = cw_builder_new(NULL);
	struct cw_ruleset *rs;
	const struct cw_purpose *p;
	const char *why;
	struct cw_flow f = { 0 };

	cw_builder_purpose(b, "analytics", "usage stats", &why);
	cw_builder_purpose(b, "ads", NULL, &why);
	cw_builder_purpose(b, "analytics", "", &why);
	add(b, 0, "192.0.2.0", 24, 0, 0, 0);
	add(b, 0, "192.0.2.0", 24, 0, 0, 0);
	cw_builder_add_uid(b, 1, 10001, &why);
	rs = cw_builder_finish(b);
	tap_ok(rs != NULL, "finish");
	tap_ok(cw_ruleset_nr_purposes(rs) == 2, "2 purposes");
	p = cw_ruleset_purpose(rs, 0);
	tap_ok(p && !strcmp(p->name, "analytics") &&
	       !strcmp(p->desc, "usage stats") && p->nr_entries == 2,
	       "purpose 0: name, description kept, 2 entries");
	p = cw_ruleset_purpose(rs, 1);
	tap_ok(p && !strcmp(p->name, "ads") && !p->desc[0] &&
	       p->nr_entries == 1, "purpose 1: name, no description");
	tap_ok(!cw_ruleset_purpose(rs, 2), "purpose 2 is NULL");
	tap_ok(cw_ruleset_find(rs, "ads") == 1 &&
	       cw_ruleset_find(rs, "nope") == -ENOENT, "find");
	tap_ok(cw_ruleset_nr_entries(rs) == 3, "3 entries (duplicates count)");
	tap_ok(!cw_ruleset_has_domains(rs), "no domains");
	tap_ok(cw_ruleset_memory(rs) > 0, "memory %llu bytes",
	       (unsigned long long)cw_ruleset_memory(rs));
	tap_ok(match(rs, "192.0.2.77", 6, 80) == 1, "duplicate is harmless");
	f.family = AF_INET6;
	f.daddr = v6_any;
	tap_ok(cw_ruleset_match(rs, &f) == 0, "v6 with no v6 prefixes");
	f.family = AF_UNIX;
	tap_ok(cw_ruleset_match(rs, &f) == 0, "unknown family: no match");
	f.family = AF_INET;
	f.has_uid = true;
	f.uid = 10001;
	tap_ok(cw_ruleset_match(rs, &f) == 2, "uid without an address match");
	tap_ok(cw_ruleset_match(NULL, &f) == 0, "NULL ruleset matches nothing");
	cw_ruleset_free(rs);

	rs = cw_builder_finish(cw_builder_new(NULL));
	tap_ok(rs && !cw_ruleset_nr_purposes(rs) &&
	       !match(rs, "1.2.3.4", 6, 1) && !match(rs, "::1", 6, 1),
	       "empty ruleset matches nothing");
	cw_ruleset_free(rs);
	tap_ok(cw_builder_finish(NULL) == NULL, "finish(NULL)");
	cw_builder_free(NULL);
	cw_ruleset_free(NULL);
}

/* One prefix of each length at a random address: inside, edges, misses. */
static void test_every_length(u8 family, u64 *seed)
{
	u32 abits = family == AF_INET ? 32 : 128, klen = abits / 8, len, i;
	int bad = 0;

	for (len = 0; len <= abits; len++) {
		struct cw_builder *b = new_builder(1);
		struct cw_ruleset *rs;
		struct cw_flow f = { .family = family, .proto = 6, .dport = 1 };
		u8 k[16], a[16];
		const char *why;

		for (i = 0; i < 16; i++)
			k[i] = cw_rand(seed);
		for (i = len; i < abits; i++)
			k[i / 8] &= ~(0x80 >> (i % 8));
		if (cw_builder_add_prefix(b, 0, family, k, len, 0, 0, 0,
					  &why)) {
			bad++;
			cw_builder_free(b);
			continue;
		}
		rs = cw_builder_finish(b);
		f.daddr = a;
		memcpy(a, k, klen);
		if (cw_ruleset_match(rs, &f) != 1)
			bad++, tap_diag("/%u: first address", len);
		for (i = len; i < abits; i++)
			a[i / 8] |= 0x80 >> (i % 8);
		if (cw_ruleset_match(rs, &f) != 1)
			bad++, tap_diag("/%u: last address", len);
		for (i = 0; i < len; i++) {
			memcpy(a, k, klen);
			a[i / 8] ^= 0x80 >> (i % 8);
			if (cw_ruleset_match(rs, &f) != 0)
				bad++, tap_diag("/%u: bit %u flipped", len, i);
		}
		if (len < abits) {
			memcpy(a, k, klen);
			a[len / 8] ^= 0x80 >> (len % 8);
			if (cw_ruleset_match(rs, &f) != 1)
				bad++, tap_diag("/%u: first host bit", len);
		}
		cw_ruleset_free(rs);
	}
	tap_ok(!bad, "IPv%d: every prefix length /0../%u, edges and every "
	       "one-bit near miss", family == AF_INET ? 4 : 6, abits);
}

static void test_overlap(void)
{
	struct cw_builder *b = new_builder(5);
	struct cw_ruleset *rs;

	add(b, 0, "10.0.0.0", 8, 0, 0, 0);
	add(b, 1, "10.1.0.0", 16, 0, 0, 0);
	add(b, 2, "10.1.2.3", 32, 0, 0, 0);
	add(b, 3, "10.1.2.0", 24, IPPROTO_TCP, 443, 443);
	add(b, 4, "0.0.0.0", 0, IPPROTO_UDP, 53, 53);
	add(b, 1, "2001:db8::", 32, 0, 0, 0);
	add(b, 2, "2001:db8:1::", 48, 0, 0, 0);
	add(b, 3, "2001:db8:1::42", 128, IPPROTO_TCP, 5222, 5222);
	add(b, 0, "2001:db8:1:0:8000::", 65, 0, 0, 0);
	rs = cw_builder_finish(b);
	tap_ok(match(rs, "10.200.0.1", 6, 80) == 0x1, "/8 alone");
	tap_ok(match(rs, "10.1.9.9", 6, 80) == 0x3, "/8 + /16 union");
	tap_ok(match(rs, "10.1.2.4", 6, 80) == 0x3, "/24 port entry: wrong port");
	tap_ok(match(rs, "10.1.2.4", 6, 443) == 0xb, "/8 + /16 + /24 tcp 443");
	tap_ok(match(rs, "10.1.2.4", 17, 443) == 0x3, "udp 443 is not tcp 443");
	tap_ok(match(rs, "10.1.2.3", 6, 443) == 0xf, "/8 /16 /24 /32 union");
	tap_ok(match(rs, "10.1.2.3", 17, 53) == 0x17, "/0 udp 53 joins too");
	tap_ok(match(rs, "11.1.2.3", 17, 53) == 0x10, "/0 udp 53 alone");
	tap_ok(match(rs, "11.1.2.3", 6, 53) == 0, "tcp 53 matches nothing");
	tap_ok(match(rs, "2001:db8:2::1", 6, 1) == 0x2, "v6 /32");
	tap_ok(match(rs, "2001:db8:1::1", 6, 1) == 0x6, "v6 /32 + /48");
	tap_ok(match(rs, "2001:db8:1::42", 6, 5222) == 0xe,
	       "v6 /32 + /48 + /128 tcp 5222");
	tap_ok(match(rs, "2001:db8:1::42", 6, 5223) == 0x6, "port 5223 misses");
	tap_ok(match(rs, "2001:db8:1:0:8000::1", 6, 1) == 0x7,
	       "v6 /65 nested");
	tap_ok(match(rs, "2001:db8:1:0:7fff::1", 6, 1) == 0x6,
	       "v6 /65 near miss");
	tap_ok(match(rs, "2001:db9::", 6, 1) == 0, "v6 outside");
	cw_ruleset_free(rs);
}

static void test_ports(void)
{
	struct cw_builder *b = new_builder(4);
	struct cw_ruleset *rs;

	add(b, 0, "192.0.2.0", 24, IPPROTO_TCP, 5000, 5100);
	add(b, 1, "192.0.2.0", 24, IPPROTO_UDP, 53, 0);
	add(b, 2, "192.0.2.7", 32, IPPROTO_TCP, 0, 0);
	add(b, 3, "192.0.2.7", 32, IPPROTO_ICMP, 0, 0);
	add(b, 0, "192.0.2.0", 24, IPPROTO_TCP, 6000, 6000);
	rs = cw_builder_finish(b);
	tap_ok(match(rs, "192.0.2.1", 6, 4999) == 0, "tcp 4999 below range");
	tap_ok(match(rs, "192.0.2.1", 6, 5000) == 1, "tcp 5000 range start");
	tap_ok(match(rs, "192.0.2.1", 6, 5100) == 1, "tcp 5100 range end");
	tap_ok(match(rs, "192.0.2.1", 6, 5101) == 0, "tcp 5101 above range");
	tap_ok(match(rs, "192.0.2.1", 6, 6000) == 1, "second range same prefix");
	tap_ok(match(rs, "192.0.2.1", 17, 5050) == 0, "udp in a tcp range");
	tap_ok(match(rs, "192.0.2.1", 17, 53) == 2, "udp 53 single port");
	tap_ok(match(rs, "192.0.2.1", 17, 54) == 0, "udp 54");
	tap_ok(match(rs, "192.0.2.7", 6, 1) == 4, "tcp any port");
	tap_ok(match(rs, "192.0.2.7", 6, 5050) == 5, "tcp any port + range");
	tap_ok(match(rs, "192.0.2.7", 1, 0) == 8, "icmp entry");
	tap_ok(match(rs, "192.0.2.7", 6, 0) == 4, "port 0 flow: no range hit");
	cw_ruleset_free(rs);
}

static void test_uids(void)
{
	struct cw_builder *b = new_builder(3);
	struct cw_ruleset *rs;
	struct cw_flow f = { 0 };
	const char *why;
	u32 i;
	int bad = 0;

	for (i = 0; i < 1000; i++)
		cw_builder_add_uid(b, i % 2, 10000 + 3 * i, &why);
	cw_builder_add_uid(b, 2, 10003, &why);
	cw_builder_add_uid(b, 2, 0, &why);
	cw_builder_add_uid(b, 2, 0xffffffff, &why);
	cw_builder_add_uid(b, 2, 0xffffffff, &why);
	rs = cw_builder_finish(b);
	f.family = AF_INET;
	f.daddr = v4_any;
	f.has_uid = true;
	for (i = 0; i < 3000; i++) {
		u64 want = 0;

		f.uid = 10000 + i;
		if (i % 3 == 0)
			want = BIT_ULL((i / 3) % 2);
		if (f.uid == 10003)
			want |= 4;
		if (cw_ruleset_match(rs, &f) != want)
			bad++;
	}
	tap_ok(!bad, "1000 uids: members and non-members");
	f.uid = 10003;
	tap_ok(cw_ruleset_match(rs, &f) == 6, "uid in two purposes: union");
	f.uid = 0;
	tap_ok(cw_ruleset_match(rs, &f) == 4, "uid 0");
	f.uid = 0xffffffff;
	tap_ok(cw_ruleset_match(rs, &f) == 4, "uid 2^32-1");
	f.has_uid = false;
	tap_ok(cw_ruleset_match(rs, &f) == 0, "flow without uid");
	f.uid = 10003;
	tap_ok(cw_ruleset_match(rs, &f) == 0, "has_uid false ignores uid");
	cw_ruleset_free(rs);
}

/* IPv4 entries seen through RFC 6052 addresses (issue 13). */
static void test_nat64(void)
{
	struct cw_builder *b = new_builder(3);
	struct cw_nat64_set s = { .n = 1 };
	struct cw_ruleset *rs;
	u8 pre[16], a4[4];
	int hit;

	add(b, 0, "198.51.100.30", 32, IPPROTO_TCP, 5222, 5222);
	add(b, 1, "203.0.113.0", 24, 0, 0, 0);
	add(b, 2, "2001:db8:100::10", 128, 0, 0, 0);
	rs = cw_builder_finish(b);
	cw_nat64_wkp_init(&s.p[0]);
	tap_ok(match64(rs, &s, "64:ff9b::c633:641e", IPPROTO_TCP, 5222, NULL, NULL) == 1,
	       "64:ff9b::198.51.100.30 tcp 5222 matches the IPv4 entry");
	tap_ok(match64(rs, &s, "64:ff9b::c633:641e", IPPROTO_UDP, 5222, NULL, NULL) == 0,
	       "udp 5222 does not (the entry is tcp)");
	tap_ok(match64(rs, &s, "64:ff9b::c633:641e", IPPROTO_TCP, 5223, NULL, NULL) == 0,
	       "nor tcp 5223");
	tap_ok(match64(rs, &s, "64:ff9b::c633:641f", IPPROTO_TCP, 5222, NULL, NULL) == 0,
	       "nor 198.51.100.31");
	tap_ok(match64(rs, &s, "64:ff9b::cb00:71fe", IPPROTO_UDP, 53, NULL, NULL) == 2,
	       "64:ff9b::203.0.113.254 is in 203.0.113.0/24");
	tap_ok(match64(rs, NULL, "64:ff9b::cb00:71fe", IPPROTO_UDP, 53, NULL, NULL) == 0,
	       "a flow without prefixes sees no embedding");
	tap_ok(match64(rs, &s, "2001:db8:122:344::cb00:71fe", IPPROTO_UDP, 53, NULL, NULL) == 0,
	       "an unknown prefix embeds nothing");
	inet_pton(AF_INET6, "2001:db8:122::", pre);
	cw_nat64_prefix_init(&s.p[1], pre, 48);
	s.n = 2;
	tap_ok(match64(rs, &s, "2001:db8:122:cb00:71:fe00::", IPPROTO_UDP, 53, NULL, NULL) == 2,
	       "a configured /48 embeds 203.0.113.254 around the u octet");
	tap_ok(match64(rs, &s, "2001:db8:122:cb00:71:fe00::", IPPROTO_UDP, 53, &hit, a4) == 2 &&
	       hit == 1 && a4[0] == 203 && a4[3] == 254,
	       "and says which prefix and IPv4 address matched");
	tap_ok(match64(rs, &s, "2001:db8:100::10", IPPROTO_UDP, 53, &hit, a4) == 0 &&
	       hit == -1, "an IPv6 entry's match owes nothing to NAT64");
	tap_ok(match64(rs, &s, "2001:db8:100::10", IPPROTO_UDP, 53, NULL, NULL) == 4,
	       "and is still matched as IPv6");
	cw_ruleset_free(rs);

	/* No IPv4 entries: nothing to look up, whatever the prefix. */
	b = new_builder(1);
	add(b, 0, "2001:db8:100::10", 128, 0, 0, 0);
	rs = cw_builder_finish(b);
	tap_ok(match64(rs, &s, "64:ff9b::c633:641e", IPPROTO_TCP, 5222, &hit, a4) == 0 &&
	       hit == -1, "a ruleset without IPv4 entries matches no embedding");
	cw_ruleset_free(rs);
}

/* Android: UID = user * 100000 + app ID. */
static void test_appids(void)
{
	static const u32 users[] = { 0, 10, 999, 42948 };
	struct cw_builder *b = new_builder(3);
	struct cw_ruleset *rs;
	struct cw_flow f = { 0 };
	const char *why;
	u32 i;
	int bad = 0, err;

	tap_ok(!cw_builder_add_appid(b, 0, 10187, &why), "app ID 10187");
	tap_ok(!cw_builder_add_uid(b, 1, 10188, &why), "UID 10188, user 0 only");
	tap_ok(!cw_builder_add_appid(b, 2, 10188, &why) &&
	       !cw_builder_add_uid(b, 2, 1010187, &why),
	       "app ID 10188 and UID 1010187 in a third purpose");
	why = "";
	err = cw_builder_add_appid(b, 0, CW_APPID_RANGE, &why);
	tap_ok(err == -EINVAL, "app ID 100000 refused: %s", why);
	tap_ok(!cw_builder_add_appid(b, 0, 0, &why) &&
	       !cw_builder_add_appid(b, 0, CW_APPID_RANGE - 1, &why),
	       "app IDs 0 and 99999");
	rs = cw_builder_finish(b);
	tap_ok(cw_ruleset_nr_entries(rs) == 6, "6 entries, no copy per user (%u)",
	       cw_ruleset_nr_entries(rs));
	f.family = AF_INET;
	f.daddr = v4_any;
	f.has_uid = true;
	for (i = 0; i < ARRAY_SIZE(users); i++) {
		u32 base = users[i] * CW_APPID_RANGE;

		f.uid = base + 10187;
		bad += cw_ruleset_match(rs, &f) != (users[i] == 10 ? 5u : 1u);
		f.uid = base + 10188;
		bad += cw_ruleset_match(rs, &f) != (users[i] ? 4u : 6u);
		f.uid = base + 10186;
		bad += cw_ruleset_match(rs, &f) != 0;
		f.uid = base;
		bad += cw_ruleset_match(rs, &f) != 1;
		f.uid = base + CW_APPID_RANGE - 1;
		bad += cw_ruleset_match(rs, &f) != 1;
	}
	tap_ok(!bad, "users 0, 10, 999, 42948: app IDs everywhere, UIDs only at home");
	f.uid = 0xffffffff;	/* 42949 * 100000 + 67295 */
	tap_ok(cw_ruleset_match(rs, &f) == 0, "UID 2^32-1: app ID 67295, nothing");
	f.has_uid = false;
	f.uid = 10187;
	tap_ok(cw_ruleset_match(rs, &f) == 0, "a flow without a uid is no app");
	cw_ruleset_free(rs);
}

static void test_domains(void)
{
	struct cw_builder *b = new_builder(4);
	struct cw_ruleset *rs;
	const char *why;

	cw_builder_add_domain(b, 0, "xiaomi.net", 10, &why);
	cw_builder_add_domain(b, 1, "App.Chat.Xiaomi.NET.", 20, &why);
	cw_builder_add_domain(b, 2, "com", 3, &why);
	cw_builder_add_domain(b, 3, "a_b-c.example", 13, &why);
	cw_builder_add_domain(b, 3, "xiaomi.net", 10, &why);
	rs = cw_builder_finish(b);
	tap_ok(cw_ruleset_has_domains(rs), "has domains");
	tap_ok(match_name(rs, "xiaomi.net") == 0x9, "exact name, two purposes");
	tap_ok(match_name(rs, "a.b.xiaomi.net") == 0x9, "deep subdomain");
	tap_ok(match_name(rs, "notxiaomi.net") == 0, "look-alike");
	tap_ok(match_name(rs, "xiaomi.net.evil.org") == 0, "as a prefix");
	tap_ok(match_name(rs, "xiaomi.ne") == 0, "truncated");
	tap_ok(match_name(rs, "iaomi.net") == 0, "a shorter suffix");
	tap_ok(match_name(rs, "net") == 0, "the parent TLD");
	tap_ok(match_name(rs, "app.chat.xiaomi.net") == 0xb,
	       "normalized at add: upper case and trailing dot");
	tap_ok(match_name(rs, "x.app.chat.xiaomi.net") == 0xb,
	       "under two listed names");
	tap_ok(match_name(rs, "chat.xiaomi.net") == 0x9, "between the two");
	tap_ok(match_name(rs, "XiaoMi.Net") == 0x9, "flow name upper case");
	tap_ok(match_name(rs, "a.xiaomi.net.") == 0x9, "flow trailing dot");
	tap_ok(match_name(rs, "google.com") == 0x4, "single-label domain");
	tap_ok(match_name(rs, "com") == 0x4, "the label itself");
	tap_ok(match_name(rs, "com.") == 0x4, "the label with a dot");
	tap_ok(match_name(rs, "dotcom") == 0, "label look-alike");
	tap_ok(match_name(rs, "x.a_b-c.example") == 0x8, "_ and - in names");
	tap_ok(match_name(rs, ".") == 0, "root name");
	tap_ok(match_name(rs, "") == 0, "empty name");
	tap_ok(match_name(rs, "..xiaomi.net") == 0x9,
	       "empty labels in a flow name still match the suffix");
	tap_ok(match_name(rs, "xiaomi.net..") == 0, "two trailing dots");
	{
		struct cw_flow f = { .family = AF_INET, .daddr = v4_any };

		f.name = "xiaomi.net";
		f.name_len = 6;
		tap_ok(cw_ruleset_match(rs, &f) == 0,
		       "name_len is honoured, not the NUL");
		f.name = NULL;
		f.name_len = 10;
		tap_ok(cw_ruleset_match(rs, &f) == 0, "NULL name");
	}
	cw_ruleset_free(rs);
}

/* 129 nested IPv6 prefixes on one address: deeper than the walk stack. */
static void test_deep(void)
{
	struct cw_builder *b = new_builder(64);
	struct cw_ruleset *rs;
	struct cw_ref *ref = cw_ref_new();
	struct cw_flow f = { .family = AF_INET6, .proto = 6, .dport = 7 };
	u8 k[16], a[16];
	const char *why;
	u64 seed = 7;
	u32 len, i;
	int bad = 0;

	for (i = 0; i < 16; i++)
		a[i] = cw_rand(&seed);
	for (len = 0; len <= 128; len++) {
		memcpy(k, a, 16);
		for (i = len; i < 128; i++)
			k[i / 8] &= ~(0x80 >> (i % 8));
		cw_builder_add_prefix(b, len % 64, AF_INET6, k, len, 0, 0, 0,
				      &why);
		cw_ref_add_prefix(ref, len % 64, AF_INET6, k, len, 0, 0, 0);
	}
	rs = cw_builder_finish(b);
	f.daddr = k;
	for (i = 0; i <= 128; i++) {
		memcpy(k, a, 16);
		if (i < 128)
			k[i / 8] ^= 0x80 >> (i % 8);
		if (cw_ruleset_match(rs, &f) != cw_ref_match(ref, &f))
			bad++;
	}
	tap_ok(!bad, "129 nested v6 prefixes: every divergence point");
	memcpy(k, a, 16);
	tap_ok(cw_ruleset_match(rs, &f) == ~0ULL, "all 64 purposes at once");
	cw_ruleset_free(rs);
	cw_ref_free(ref);
}

static void test_differential(u64 seed0)
{
	static const struct cw_ref_gen gens[] = {
		{ 1, 0, 0, 1, 0, 0 },
		{ 8, 2, 2, 3, 50, 30 },
		{ 40, 5, 10, 8, 50, 20 },
		{ 300, 20, 40, 64, 50, 10 },
		{ 2000, 50, 200, 16, 30, 5 },
	};
	u32 round, i, j, rounds = 0, lookups = 0;
	u64 seed = seed0;
	int bad = 0;

	for (round = 0; round < 400 && !bad; round++) {
		const struct cw_ref_gen *g = &gens[round % ARRAY_SIZE(gens)];
		struct cw_builder *b = cw_builder_new(NULL);
		struct cw_ref *ref = cw_ref_new();
		struct cw_ref_flowbuf buf;
		struct cw_ruleset *rs;
		const char *why = NULL;
		u32 n = g->nr_prefixes > 300 ? 2000 : 500;

		if (cw_ref_generate(b, ref, &seed, g, &why)) {
			tap_diag("generate: %s", why);
			bad++;
		}
		rs = cw_builder_finish(b);
		for (i = 0; rs && i < n; i++) {
			struct cw_flow f;
			u64 got, want;

			cw_ref_random_flow(ref, &seed, &f, &buf);
			got = cw_ruleset_match(rs, &f);
			want = cw_ref_match(ref, &f);
			lookups++;
			if (got == want)
				continue;
			bad++;
			tap_diag("round %u lookup %u: got %llx want %llx, "
				 "family %u proto %u port %u name %.*s", round,
				 i, (unsigned long long)got,
				 (unsigned long long)want, f.family, f.proto,
				 f.dport, (int)f.name_len,
				 f.name ? f.name : "");
			for (j = 0; j < (f.family == AF_INET ? 4u : 16u); j++)
				tap_diag("  addr[%u] = %u", j, f.daddr[j]);
			break;
		}
		if (!rs)
			bad++;
		cw_ruleset_free(rs);
		cw_ref_free(ref);
		rounds++;
	}
	tap_ok(!bad, "differential vs naive reference: %u rulesets, %u "
	       "lookups, seed %llu", rounds, lookups,
	       (unsigned long long)seed0);
}

/*
 * Random, mostly invalid, calls to the builder: nothing crashes, every
 * refusal says why, and what was accepted behaves like the reference.
 */
static void test_garbage(u64 seed)
{
	static const char alphabet[] = "aZ09.-_*. \x01";
	struct cw_builder *b = cw_builder_new(NULL);
	struct cw_ref *ref = cw_ref_new();
	u32 i, j, accepted = 0, refused = 0, nowhy = 0, bad = 0;
	struct cw_ref_flowbuf buf;
	struct cw_ruleset *rs;
	const char *why;
	char name[300];

	seed ^= 0x9a7;
	cw_builder_purpose(b, "p0", NULL, &why);
	cw_builder_purpose(b, "p1", NULL, &why);
	for (i = 0; i < 20000; i++) {
		u32 kind = cw_rand_below(&seed, 3), len;
		int pur = (int)cw_rand_below(&seed, 4) - 1, err;
		u8 a[16], family, plen, proto;
		u16 pmin, pmax;

		why = NULL;
		for (j = 0; j < 16; j++)
			a[j] = cw_rand_below(&seed, 4) ? 0 : cw_rand(&seed);
		if (kind == 0) {
			family = cw_rand_below(&seed, 3) ? (cw_rand_below(&seed, 2) ?
				 AF_INET : AF_INET6) : cw_rand(&seed);
			plen = cw_rand_below(&seed, 140);
			proto = cw_rand_below(&seed, 3) ? (u8[]){ 0, 6, 17 }
				[cw_rand_below(&seed, 3)] : cw_rand(&seed);
			pmin = cw_rand_below(&seed, 2) ? 0 : cw_rand(&seed);
			pmax = cw_rand_below(&seed, 2) ? 0 : cw_rand(&seed);
			err = cw_builder_add_prefix(b, pur, family, a, plen,
						    proto, pmin, pmax, &why);
			if (!err)
				cw_ref_add_prefix(ref, pur, family, a, plen,
						  proto, pmin, pmax);
		} else if (kind == 1) {
			u32 uid = cw_rand_below(&seed, 50);

			bool appid = cw_rand_below(&seed, 2);

			err = appid ? cw_builder_add_appid(b, pur, uid, &why) :
				      cw_builder_add_uid(b, pur, uid, &why);
			if (!err)
				cw_ref_add_uid(ref, pur, uid, appid);
		} else {
			len = cw_rand_below(&seed, 2) ?
			      cw_rand_below(&seed, 12) :
			      cw_rand_below(&seed, 300);
			for (j = 0; j < len; j++)
				name[j] = alphabet[cw_rand_below(&seed,
						   sizeof(alphabet) - 1)];
			err = cw_builder_add_domain(b, pur, name, len, &why);
			if (!err)
				cw_ref_add_domain(ref, pur, name, len);
		}
		if (err) {
			refused++;
			if (!why || !why[0])
				nowhy++;
		} else {
			accepted++;
		}
	}
	rs = cw_builder_finish(b);
	for (i = 0; rs && i < 3000; i++) {
		struct cw_flow f;

		cw_ref_random_flow(ref, &seed, &f, &buf);
		if (cw_ruleset_match(rs, &f) != cw_ref_match(ref, &f))
			bad++;
	}
	tap_ok(rs && !nowhy && !bad && accepted && refused,
	       "20000 random builder calls: %u accepted, %u refused (%u "
	       "without a why), %u of 3000 lookups differ", accepted,
	       refused, nowhy, bad);
	cw_ruleset_free(rs);
	cw_ref_free(ref);
}

/* One big ruleset: deep root tables (s = 15), fewer lookups. */
static void test_differential_big(u64 seed)
{
	static const struct cw_ref_gen g = { 30000, 100, 3000, 64, 50, 10 };
	struct cw_builder *b = cw_builder_new(NULL);
	struct cw_ref *ref = cw_ref_new();
	struct cw_ref_flowbuf buf;
	struct cw_ruleset *rs;
	const char *why = NULL;
	u32 i, bad = 0;

	seed ^= 0xb16;
	if (cw_ref_generate(b, ref, &seed, &g, &why))
		tap_diag("generate: %s", why);
	rs = cw_builder_finish(b);
	for (i = 0; rs && i < 600; i++) {
		struct cw_flow f;

		cw_ref_random_flow(ref, &seed, &f, &buf);
		if (cw_ruleset_match(rs, &f) != cw_ref_match(ref, &f))
			bad++;
	}
	tap_ok(rs && !bad, "differential, 30000 prefixes + 100 uids + 3000 "
	       "names: %u of 600 lookups differ", bad);
	cw_ruleset_free(rs);
	cw_ref_free(ref);
}

/*
 * The root layout (see the top of kmod/ruleset.c): slots that hold one
 * prefix inline, runs of every length, tries, slots with short covering
 * prefixes as well, nested chains, sets whose prefixes share leading bits
 * (skipped at the root). Each case is probed at every listed prefix (first
 * address, random host bits, every one-bit near miss) against the
 * reference.
 */
struct lay {
	struct cw_builder *b;
	struct cw_ref *ref;
	u8 (*keys)[16];
	u8 *lens;
	u32 n, cap;
};

static void lay_add(struct lay *l, int purpose, u8 family, const u8 *k,
		    u8 len, u8 proto, u16 pmin, u16 pmax)
{
	const char *why;

	if (cw_builder_add_prefix(l->b, purpose, family, k, len, proto, pmin,
				  pmax, &why))
		return;
	cw_ref_add_prefix(l->ref, purpose, family, k, len, proto, pmin, pmax);
	if (l->n < l->cap) {
		memcpy(l->keys[l->n], k, 16);
		l->lens[l->n++] = len;
	}
}

static void rand_key(u64 *seed, u8 *k, u32 len)
{
	u32 i;

	for (i = 0; i < 16; i++)
		k[i] = cw_rand(seed);
	for (i = len; i < 128; i++)
		k[i / 8] &= ~(0x80 >> (i % 8));
}

/* The first n bits of k from base. */
static void copy_bits(u8 *k, const u8 *base, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		k[i / 8] = (k[i / 8] & ~(0x80 >> (i % 8))) |
			   (base[i / 8] & (0x80 >> (i % 8)));
}

static u32 lay_probe(struct lay *l, const struct cw_ruleset *rs, u8 family,
		     u64 *seed, u32 *lookups)
{
	u32 abits = family == AF_INET ? 32 : 128, i, j, v, bad = 0;
	struct cw_flow f = { .family = family };
	u8 a[16];

	f.daddr = a;
	/* about 200 of the first prefixes, and every chain prefix (last) */
	for (i = 0; i < l->n; i++) {
		if (l->n > 600 && i % (l->n / 200) && i + 260 < l->n)
			continue;
		for (v = 0; v < abits + 2; v++) {
			memcpy(a, l->keys[i], 16);
			if (v == abits + 1) {
				for (j = l->lens[i]; j < abits; j++)
					if (cw_rand(seed) & 1)
						a[j / 8] |= 0x80 >> (j % 8);
			} else if (v < abits) {
				a[v / 8] ^= 0x80 >> (v % 8);
			}
			f.proto = cw_rand_below(seed, 2) ? 6 : 17;
			f.dport = 1 + cw_rand_below(seed, 40);
			(*lookups)++;
			if (cw_ruleset_match(rs, &f) != cw_ref_match(l->ref, &f))
				bad++;
		}
	}
	return bad;
}

static void test_layout(u64 seed)
{
	/*
	 * nlong prefixes of lmin..lmax bits; with group, in groups of 1 to
	 * group prefixes under a random /lmin (a slot's run, or a trie past
	 * CW_RUN); with base4/base6, all under one random prefix of that
	 * length.
	 */
	static const struct {
		u32 nlong, nshort, lmin, lmax, chain, ports, group;
		u32 base4, base6;
		const char *what;
	} cases[] = {
		{ 1, 0, 1, 32, 0, 0, 0, 0, 0, "one prefix" },
		{ 60, 0, 24, 32, 0, 0, 0, 0, 0, "one prefix per slot, inline" },
		{ 4000, 0, 12, 128, 0, 0, 0, 0, 0, "inline and run slots" },
		{ 4000, 40, 8, 128, 0, 0, 0, 0, 0,
		  "short covering prefixes as well" },
		{ 3000, 400, 8, 128, 0, 1, 0, 0, 0,
		  "many distinct lists: wide list fields" },
		{ 2000, 30, 16, 128, 1, 1, 0, 0, 0,
		  "nested chains in a populated table" },
		{ 0, 0, 0, 0, 1, 0, 0, 0, 0, "nested chain alone" },
		{ 3000, 0, 20, 128, 0, 0, 11, 0, 0,
		  "groups of 1..11 in a slot: runs and tries" },
		{ 3000, 0, 18, 64, 0, 0, 0, 12, 16,
		  "clustered: shared leading bits skipped" },
		{ 2000, 20, 26, 128, 0, 1, 0, 20, 40,
		  "clustered past CW_SKIP_MAX, short ones too" },
		{ 300, 0, 28, 128, 0, 0, 0, 24, 100,
		  "dense cluster: slots use every address bit" },
		{ 1500, 0, 10, 128, 1, 0, 9, 8, 24,
		  "clustered groups with nested chains" },
	};
	u32 c, fi, i, len, lookups = 0, bad = 0, total = 0;

	seed ^= 0x1a7;
	for (c = 0; c < ARRAY_SIZE(cases); c++) {
		for (fi = 0; fi < 2; fi++) {
			u8 family = fi ? AF_INET6 : AF_INET, k[16], base[16];
			u8 cbase[16], group[16];
			u32 abits = fi ? 128 : 32, lmax, cnt;
			u32 nb = fi ? cases[c].base6 : cases[c].base4;
			u32 left = 0;
			struct lay l = { .cap = 6000 };
			struct cw_ruleset *rs;

			l.b = new_builder(40);
			l.ref = cw_ref_new();
			l.keys = calloc(l.cap, 16);
			l.lens = calloc(l.cap, 1);
			lmax = cases[c].lmax < abits ? cases[c].lmax : abits;
			rand_key(&seed, cbase, 128);
			for (i = 0; i < cases[c].nlong; i++) {
				len = cases[c].lmin > lmax ? lmax :
				      cases[c].lmin +
				      cw_rand_below(&seed,
						    lmax - cases[c].lmin + 1);
				rand_key(&seed, k, 128);
				if (cases[c].group && !left) {
					rand_key(&seed, group, 128);
					left = 1 + cw_rand_below(&seed,
							cases[c].group);
				}
				if (cases[c].group) {
					copy_bits(k, group, cases[c].lmin);
					left--;
				}
				copy_bits(k, cbase, nb);
				for (cnt = len; cnt < 128; cnt++)
					k[cnt / 8] &= ~(0x80 >> (cnt % 8));
				lay_add(&l, i % 40, family, k, len, 0, 0, 0);
			}
			for (i = 0; i < cases[c].nshort; i++) {
				u16 p = cases[c].ports ?
					cw_rand_below(&seed, 40) : 0;

				/* in a cluster: a few bits longer than it */
				len = cw_rand_below(&seed, 15);
				len = nb + len < abits ? nb + len : abits;
				rand_key(&seed, k, 128);
				copy_bits(k, cbase, nb);
				for (cnt = len; cnt < 128; cnt++)
					k[cnt / 8] &= ~(0x80 >> (cnt % 8));
				lay_add(&l, i % 40, family, k, len, p ? 6 : 0,
					p, p ? p + cw_rand_below(&seed, 3) : 0);
			}
			/* chains /0../abits on one address, or on two */
			for (cnt = 0; cnt < 2 * cases[c].chain; cnt++) {
				rand_key(&seed, base, abits);
				for (len = 0; len <= abits; len++) {
					memcpy(k, base, 16);
					for (i = len; i < 128; i++)
						k[i / 8] &= ~(0x80 >> (i % 8));
					lay_add(&l, len % 40, family, k, len,
						cases[c].ports && len % 3 ?
						17 : 0, 0, 0);
				}
			}
			rs = cw_builder_finish(l.b);
			if (!rs) {
				bad++;
			} else {
				u32 b = lay_probe(&l, rs, family, &seed,
						  &lookups);

				if (b)
					tap_diag("layout: %s, IPv%d: %u lookups "
						 "differ", cases[c].what,
						 fi ? 6 : 4, b);
				bad += b;
			}
			total++;
			cw_ruleset_free(rs);
			cw_ref_free(l.ref);
			free(l.keys);
			free(l.lens);
		}
	}
	tap_ok(!bad, "root layout: %u rulesets (inline prefixes, runs, tries, "
	       "short covering prefixes, nested chains, clusters), %u lookups",
	       total, lookups);
}

int main(void)
{
	const char *env = getenv("CW_SEED");
	u64 seed = env ? strtoull(env, NULL, 0) : (u64)time(NULL);
	u64 s2 = seed;

	tap_diag("seed %llu (replay with CW_SEED=%llu)",
		 (unsigned long long)seed, (unsigned long long)seed);
	test_validation();
	test_meta();
	test_every_length(AF_INET, &s2);
	test_every_length(AF_INET6, &s2);
	test_overlap();
	test_ports();
	test_uids();
	test_appids();
	test_nat64();
	test_domains();
	test_deep();
	test_differential(seed);
	test_differential_big(seed);
	test_layout(seed);
	test_garbage(seed);
	return tap_done();
}
