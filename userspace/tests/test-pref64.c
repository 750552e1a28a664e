// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * PREF64 (RFC 8781) options in RTM_NEWNDUSEROPT messages laid out as the
 * kernel's ndisc_ra_useropt() sends them, and the lifetime bookkeeping.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/rtnetlink.h>
#include <netinet/icmp6.h>

#include "../consentd/pref64.h"
#include "../../tests/tap.h"

/* A message: nduseroptmsg, the options, then NDUSEROPT_SRCADDR. */
static size_t build(uint8_t *buf, int ifindex, uint8_t icmp_type,
		    const uint8_t *opts, size_t olen)
{
	struct nduseroptmsg *m = (struct nduseroptmsg *)buf;
	struct rtattr *rta;
	size_t off;

	memset(buf, 0, 256);
	m->nduseropt_family = AF_INET6;
	m->nduseropt_ifindex = ifindex;
	m->nduseropt_icmp_type = icmp_type;
	m->nduseropt_opts_len = (unsigned short)olen;
	memcpy(m + 1, opts, olen);
	off = NLMSG_ALIGN(sizeof(*m) + olen);
	rta = (struct rtattr *)(buf + off);
	rta->rta_type = NDUSEROPT_SRCADDR;
	rta->rta_len = RTA_LENGTH(16);
	inet_pton(AF_INET6, "fe80::1", RTA_DATA(rta));
	return off + RTA_SPACE(16);
}

/* One PREF64 option: scaled lifetime (units of 8 s), PLC, 96 bits. */
static void opt(uint8_t *o, unsigned int scaled, unsigned int plc,
		const char *prefix)
{
	uint8_t a[16];

	inet_pton(AF_INET6, prefix, a);
	o[0] = ND_OPT_PREF64_TYPE;
	o[1] = 2;
	o[2] = (uint8_t)((scaled << 3 | plc) >> 8);
	o[3] = (uint8_t)(scaled << 3 | plc);
	memcpy(o + 4, a, 12);
}

static int is(const struct pref64 *p, const char *prefix, unsigned int len)
{
	uint8_t a[16];

	inet_pton(AF_INET6, prefix, a);
	return p->len == len && !memcmp(p->prefix, a, 16);
}

static void test_parse(void)
{
	static const struct { unsigned int plc, len; const char *pre; } lens[] = {
		{ 0, 96, "64:ff9b::" }, { 1, 64, "2001:db8:122:344::" },
		{ 2, 56, "2001:db8:122:300::" }, { 3, 48, "2001:db8:122::" },
		{ 4, 40, "2001:db8:100::" }, { 5, 32, "2001:db8::" },
	};
	uint8_t buf[256], o[56];
	struct pref64 p[4];
	size_t i, n;

	for (i = 0; i < 6; i++) {
		opt(o, 225, lens[i].plc, lens[i].pre);
		n = build(buf, 7, ND_ROUTER_ADVERT, o, 16);
		tap_ok(pref64_parse(buf, n, p, 4) == 1 &&
		       is(&p[0], lens[i].pre, lens[i].len) &&
		       p[0].lifetime == 1800 && p[0].ifindex == 7,
		       "PLC %u: %s/%u, lifetime 1800 s, interface 7",
		       lens[i].plc, lens[i].pre, lens[i].len);
	}
	opt(o, 8191, 0, "2001:db8:1:2:3:4::");
	n = build(buf, 7, ND_ROUTER_ADVERT, o, 16);
	tap_ok(pref64_parse(buf, n, p, 4) == 1 && p[0].lifetime == 65528,
	       "the largest scaled lifetime is 65528 s");
	opt(o, 0, 0, "2001:db8:1:2:3:4::");
	n = build(buf, 7, ND_ROUTER_ADVERT, o, 16);
	tap_ok(pref64_parse(buf, n, p, 4) == 1 && p[0].lifetime == 0,
	       "lifetime 0 is read as a withdrawal");
	opt(o, 225, 3, "2001:db8:122:ffff:ffff:ffff::");
	n = build(buf, 7, ND_ROUTER_ADVERT, o, 16);
	tap_ok(pref64_parse(buf, n, p, 4) == 1 && is(&p[0], "2001:db8:122::", 48),
	       "bits past a /48 are ignored (cleared)");
	for (i = 6; i < 8; i++) {
		opt(o, 225, (unsigned int)i, "2001:db8::");
		n = build(buf, 7, ND_ROUTER_ADVERT, o, 16);
		tap_ok(pref64_parse(buf, n, p, 4) == 0, "PLC %zu is ignored", i);
	}
	/* Several options in one message, a foreign one in between. */
	opt(o, 225, 0, "64:ff9b::");
	o[16] = 25;	/* RDNSS, 24 bytes */
	o[17] = 3;
	memset(o + 18, 0, 22);
	opt(o + 40, 225, 1, "2001:db8:122:344::");
	n = build(buf, 7, ND_ROUTER_ADVERT, o, 56);
	tap_ok(pref64_parse(buf, n, p, 4) == 2 && is(&p[0], "64:ff9b::", 96) &&
	       is(&p[1], "2001:db8:122:344::", 64),
	       "two PREF64 around an RDNSS option");
	tap_ok(pref64_parse(buf, n, p, 1) == 1, "no more than max are stored");
	/* A PREF64 of a wrong size is ignored, not read. */
	opt(o, 225, 0, "64:ff9b::");
	o[1] = 3;
	memset(o + 16, 0, 8);
	n = build(buf, 7, ND_ROUTER_ADVERT, o, 24);
	tap_ok(pref64_parse(buf, n, p, 4) == 0, "a 24-byte PREF64 is ignored");
}

static void test_malformed(void)
{
	uint8_t buf[256], o[16];
	struct pref64 p[2];
	size_t n;

	opt(o, 225, 0, "64:ff9b::");
	n = build(buf, 7, ND_ROUTER_SOLICIT, o, 16);
	tap_ok(pref64_parse(buf, n, p, 2) == -EINVAL, "not from a router advertisement: refused");
	n = build(buf, 7, ND_ROUTER_ADVERT, o, 16);
	buf[0] = AF_INET;
	tap_ok(pref64_parse(buf, n, p, 2) == -EINVAL, "not AF_INET6: refused");
	n = build(buf, 7, ND_ROUTER_ADVERT, o, 16);
	tap_ok(pref64_parse(buf, 10, p, 2) == -EINVAL, "shorter than the header: refused");
	tap_ok(pref64_parse(buf, sizeof(struct nduseroptmsg) + 8, p, 2) == -EINVAL,
	       "options longer than the message: refused");
	o[1] = 0;
	n = build(buf, 7, ND_ROUTER_ADVERT, o, 16);
	tap_ok(pref64_parse(buf, n, p, 2) == -EINVAL, "an option of length 0: refused");
	o[1] = 4;
	n = build(buf, 7, ND_ROUTER_ADVERT, o, 16);
	tap_ok(pref64_parse(buf, n, p, 2) == -EINVAL, "an option running past the end: refused");
}

static void test_lifetimes(void)
{
	struct pref64_set s = { .n = 0 };
	struct pref64 a = { .ifindex = 3, .len = 96, .lifetime = 600 };
	struct pref64 b = { .ifindex = 3, .len = 64, .lifetime = 1800 };
	uint64_t next;
	int i;

	inet_pton(AF_INET6, "64:ff9b::", a.prefix);
	inet_pton(AF_INET6, "2001:db8:122:344::", b.prefix);
	tap_ok(pref64_apply(&s, &a, 1000) == 1 && s.n == 1, "a new prefix changes the set");
	tap_ok(pref64_apply(&s, &b, 1000) == 1 && s.n == 2, "a second one too");
	a.lifetime = 1200;
	tap_ok(pref64_apply(&s, &a, 2000) == 0 && s.n == 2, "a refresh does not change it");
	tap_ok(pref64_expire(&s, 600000, &next) == 0 && next == 1202000,
	       "nothing expires at 600 s; next at 1202 s (%llu)", (unsigned long long)next);
	tap_ok(pref64_expire(&s, 1202000, &next) == 1 && s.n == 1 &&
	       s.v[0].p.len == 64 && next == 1801000,
	       "the refreshed prefix expires at its new time; the /64 at 1801 s");
	b.lifetime = 0;
	tap_ok(pref64_apply(&s, &b, 1300000) == 1 && s.n == 0, "lifetime 0 removes a prefix");
	tap_ok(pref64_apply(&s, &b, 1300000) == 0, "lifetime 0 of an unknown prefix is no change");
	tap_ok(pref64_expire(&s, 1400000, &next) == 0 && next == 0, "nothing left, no next expiry");
	a.lifetime = 600;
	for (i = 0; i < CW_NAT64_MAX; i++) {
		a.ifindex = 10 + i;
		pref64_apply(&s, &a, 0);
	}
	a.ifindex = 99;
	tap_ok(pref64_apply(&s, &a, 0) == -ENOSPC && s.n == CW_NAT64_MAX,
	       "the %d+1th prefix finds no room", CW_NAT64_MAX);
	tap_ok(pref64_forget_if(&s, 12) == 1 && s.n == CW_NAT64_MAX - 1,
	       "an interface that goes away takes its prefix");
	tap_ok(pref64_forget_if(&s, 12) == 0, "twice is no change");
}

int main(void)
{
	test_parse();
	test_malformed();
	test_lifetimes();
	return tap_done();
}
