// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Unit tests of kmod/dns_answer.c: answers captured from dnsmasq
 * (tests/captures/dnsa-*.bin, see capture-answers.sh there), each also cut
 * at every length, and messages built here after RFC 1035 4.1 for what
 * dnsmasq does not send (out-of-order chains, pointer loops, odd lengths).
 */
#include "dns_answer.h"
#include "../../tap.h"
#include "../capture.h"

static struct cw_dns_answer a;

static const char *rs(enum cw_parse_result r)
{
	return cw_parse_result_str(r);
}

/* "198.51.100.21" or "2001:db8::21" for address i of the answer */
static const char *addr_str(u32 i)
{
	static char buf[INET6_ADDRSTRLEN];

	inet_ntop(a.addr[i].family, a.addr[i].addr, buf, sizeof(buf));
	return buf;
}

/* ---- a message builder (RFC 1035 4.1) ----------------------------------- */

struct msg {
	u8 b[CW_DNSA_MSG_MAX + 64];
	u32 n;
};

static void put(struct msg *m, const void *p, u32 n)
{
	memcpy(m->b + m->n, p, n);
	m->n += n;
}

static void put16(struct msg *m, u32 v)
{
	u8 b[2] = { v >> 8, v };

	put(m, b, 2);
}

static void put32(struct msg *m, u32 v)
{
	put16(m, v >> 16);
	put16(m, v & 0xffff);
}

/* A dotted name as labels and a root byte ("" is the root alone). */
static void put_name(struct msg *m, const char *s)
{
	while (*s) {
		const char *e = strchr(s, '.');
		u32 l = e ? (u32)(e - s) : (u32)strlen(s);
		u8 lb = l;

		put(m, &lb, 1);
		put(m, s, l);
		s += l + !!e;
	}
	put(m, "", 1);
}

/* Header (flags, 1 question, an answers), then the question. */
static void start(struct msg *m, u32 flags, u32 an, const char *q, u32 qtype)
{
	m->n = 0;
	put16(m, 0xbeef);
	put16(m, flags);
	put16(m, 1);
	put16(m, an);
	put16(m, 0);
	put16(m, 0);
	put_name(m, q);
	put16(m, qtype);
	put16(m, 1);
}

static void rr_head(struct msg *m, const char *owner, u32 type, u32 ttl,
		    u32 rdlen)
{
	put_name(m, owner);
	put16(m, type);
	put16(m, 1);
	put32(m, ttl);
	put16(m, rdlen);
}

static void rr_a(struct msg *m, const char *owner, u32 ttl, const char *ip)
{
	u8 b[16];
	int v6 = !!strchr(ip, ':');

	inet_pton(v6 ? AF_INET6 : AF_INET, ip, b);
	rr_head(m, owner, v6 ? 28 : 1, ttl, v6 ? 16 : 4);
	put(m, b, v6 ? 16 : 4);
}

static void rr_cname(struct msg *m, const char *owner, u32 ttl,
		     const char *target)
{
	struct msg t = { .n = 0 };

	put_name(&t, target);
	rr_head(m, owner, 5, ttl, t.n);
	put(m, t.b, t.n);
}

static enum cw_parse_result parse(const struct msg *m)
{
	return cw_parse_dns_answer(m->b, m->n, &a);
}

/* ---- captures ----------------------------------------------------------- */

static void check_chain_capture(const char *what, const u8 *p, u32 n)
{
	enum cw_parse_result r = cw_parse_dns_answer(p, n, &a);
	u32 i, bad = 0;

	tap_ok(r == CW_PARSE_NAME, "%s: answer read (%s)", what, rs(r));
	tap_ok(a.nr_names == 3 && !strcmp(a.name[0], "api.push.xiaomi.net") &&
	       !strcmp(a.name[1], "mid.cdn.example.net") &&
	       !strcmp(a.name[2], "edge.cdn.example.net"),
	       "%s: the chain, question lower-cased, two CNAMEs (%u names)",
	       what, a.nr_names);
	/* dnsmasq rotates the records of one name: either order */
	i = a.nr_addrs == 2 && !strcmp(addr_str(0), "198.51.100.22");
	tap_ok(a.nr_addrs == 2 && a.addr[i].family == AF_INET &&
	       !strcmp(addr_str(i), "198.51.100.21") && a.addr[i].ttl == 300 &&
	       a.addr[0].name == 2 && a.addr[1].name == 2 &&
	       !strcmp(addr_str(!i), "198.51.100.22") && a.addr[!i].ttl == 120,
	       "%s: both A records of the chain's end, each with its TTL", what);
	/* Every cut binds nothing. */
	for (i = 0; i < n; i++)
		if (cw_parse_dns_answer(p, i, &a) == CW_PARSE_NAME)
			bad++;
	tap_ok(!bad, "%s: no cut of it gives an address (%u did)", what, bad);
}

static void test_captures(void)
{
	struct blob b = load("dnsa-dnsmasq-cname-a.bin");
	enum cw_parse_result r;

	check_chain_capture("dnsmasq, UDP, CNAME chain, A", b.p, b.n);
	free(b.p);

	b = load("dnsa-dnsmasq-tcp-a.bin");
	tap_ok(b.n > 2 && (u32)(b.p[0] << 8 | b.p[1]) == b.n - 2,
	       "dnsmasq, TCP: one message after its length prefix");
	check_chain_capture("dnsmasq, TCP, CNAME chain, A", b.p + 2, b.n - 2);
	free(b.p);

	b = load("dnsa-dnsmasq-cname-aaaa.bin");
	r = cw_parse_dns_answer(b.p, b.n, &a);
	tap_ok(r == CW_PARSE_NAME && a.nr_names == 3 && a.nr_addrs == 1 &&
	       a.addr[0].family == AF_INET6 &&
	       !strcmp(addr_str(0), "2001:db8::21") && a.addr[0].ttl == 300,
	       "dnsmasq, UDP, CNAME chain, AAAA: %s, %s", rs(r),
	       a.nr_addrs ? addr_str(0) : "none");
	free(b.p);

	b = load("dnsa-dnsmasq-nxdomain.bin");
	r = cw_parse_dns_answer(b.p, b.n, &a);
	tap_ok(r == CW_PARSE_NO_NAME && !a.nr_addrs,
	       "dnsmasq, NXDOMAIN: no address (%s)", rs(r));
	free(b.p);

	b = load("dns-udp-dig-edns.bin");
	r = cw_parse_dns_answer(b.p, b.n, &a);
	tap_ok(r == CW_PARSE_NOT_PROTO, "a query from dig is not an answer (%s)",
	       rs(r));
	free(b.p);
}

/* ---- built messages ----------------------------------------------------- */

static void test_header(void)
{
	struct msg m;

	start(&m, 0x8180, 1, "a.xiaomi.net", 1);
	rr_a(&m, "a.xiaomi.net", 60, "198.51.100.1");
	tap_ok(parse(&m) == CW_PARSE_NAME && a.nr_addrs == 1 &&
	       a.addr[0].ttl == 60, "a plain answer");

	start(&m, 0x8380, 1, "a.xiaomi.net", 1);
	rr_a(&m, "a.xiaomi.net", 60, "198.51.100.1");
	tap_ok(parse(&m) == CW_PARSE_INCOMPLETE, "TC set: incomplete");

	start(&m, 0x0100, 1, "a.xiaomi.net", 1);
	rr_a(&m, "a.xiaomi.net", 60, "198.51.100.1");
	tap_ok(parse(&m) == CW_PARSE_NOT_PROTO, "QR clear: not an answer");

	start(&m, 0x9180, 1, "a.xiaomi.net", 1);	/* opcode 2, STATUS */
	rr_a(&m, "a.xiaomi.net", 60, "198.51.100.1");
	tap_ok(parse(&m) == CW_PARSE_NOT_PROTO, "opcode STATUS: not an answer");

	start(&m, 0x8182, 1, "a.xiaomi.net", 1);	/* SERVFAIL */
	rr_a(&m, "a.xiaomi.net", 60, "198.51.100.1");
	tap_ok(parse(&m) == CW_PARSE_NO_NAME, "RCODE SERVFAIL: nothing bound");

	start(&m, 0x8180, 1, "a.xiaomi.net", 1);
	m.b[5] = 2;					/* QDCOUNT 2 */
	rr_a(&m, "a.xiaomi.net", 60, "198.51.100.1");
	tap_ok(parse(&m) == CW_PARSE_NO_NAME, "two questions: nothing bound");

	start(&m, 0x8180, 1, "a.xiaomi.net", 1);
	m.b[m.n - 1] = 3;				/* QCLASS CH */
	rr_a(&m, "a.xiaomi.net", 60, "198.51.100.1");
	tap_ok(parse(&m) == CW_PARSE_NO_NAME, "class CHAOS: nothing bound");

	start(&m, 0x8180, 1, "a_b*.xiaomi.net", 1);
	rr_a(&m, "a_b*.xiaomi.net", 60, "198.51.100.1");
	tap_ok(parse(&m) == CW_PARSE_NO_NAME, "a question that is no host name");

	start(&m, 0x8180, 1, "a.xiaomi.net", 1);
	rr_a(&m, "a.xiaomi.net", 0x80000001, "198.51.100.1");
	tap_ok(parse(&m) == CW_PARSE_NAME && a.addr[0].ttl == 0,
	       "a TTL over 2^31 - 1 counts as 0 (RFC 2181 8)");

	m.n = 11;
	tap_ok(parse(&m) == CW_PARSE_INCOMPLETE, "shorter than a header");
	m.n = CW_DNSA_MSG_MAX + 1;
	tap_ok(parse(&m) == CW_PARSE_INCOMPLETE, "longer than CW_DNSA_MSG_MAX");
}

static void test_chains(void)
{
	struct msg m;
	char n[16], ip[32];
	u32 i;

	/* Out of order: the A comes before the CNAME that leads to it. */
	start(&m, 0x8180, 2, "a.xiaomi.net", 1);
	rr_a(&m, "edge.example.net", 60, "198.51.100.2");
	rr_cname(&m, "a.xiaomi.net", 60, "edge.example.net");
	tap_ok(parse(&m) == CW_PARSE_NO_NAME && a.nr_names == 2,
	       "a record before the CNAME to its owner is not taken");

	/* Records of names outside the chain are not taken. */
	start(&m, 0x8180, 3, "a.xiaomi.net", 1);
	rr_a(&m, "other.example.org", 60, "198.51.100.3");
	rr_cname(&m, "b.xiaomi.net", 60, "c.example.net");
	rr_a(&m, "c.example.net", 60, "198.51.100.4");
	tap_ok(parse(&m) == CW_PARSE_NO_NAME && a.nr_names == 1,
	       "records outside the chain: nothing bound");

	/* Owner case and the question's: compared normalized. */
	start(&m, 0x8180, 2, "A.Xiaomi.Net", 1);
	rr_cname(&m, "a.XIAOMI.net", 60, "Edge.Example.NET");
	rr_a(&m, "EDGE.example.net", 60, "198.51.100.5");
	tap_ok(parse(&m) == CW_PARSE_NAME && a.addr[0].name == 1 &&
	       !strcmp(a.name[1], "edge.example.net"),
	       "names compared whatever their case");

	/* A CNAME loop adds no name twice. */
	start(&m, 0x8180, 3, "a.xiaomi.net", 1);
	rr_cname(&m, "a.xiaomi.net", 60, "b.example.net");
	rr_cname(&m, "b.example.net", 60, "a.xiaomi.net");
	rr_a(&m, "b.example.net", 60, "198.51.100.6");
	tap_ok(parse(&m) == CW_PARSE_NAME && a.nr_names == 2,
	       "a CNAME loop: each name once (%u)", a.nr_names);

	/* A chain longer than CW_DNSA_NAMES stops growing. */
	start(&m, 0x8180, CW_DNSA_NAMES + 1, "n0.example.net", 1);
	for (i = 0; i < CW_DNSA_NAMES; i++) {
		char t[16];

		snprintf(n, sizeof(n), "n%u.example.net", i);
		snprintf(t, sizeof(t), "n%u.example.net", i + 1);
		rr_cname(&m, n, 60, t);
	}
	snprintf(n, sizeof(n), "n%u.example.net", CW_DNSA_NAMES);
	rr_a(&m, n, 60, "198.51.100.7");
	tap_ok(parse(&m) == CW_PARSE_NO_NAME && a.nr_names == CW_DNSA_NAMES,
	       "a chain past CW_DNSA_NAMES names binds nothing past them");

	/* More addresses than CW_DNSA_ADDRS: the first ones are kept. */
	start(&m, 0x8180, CW_DNSA_ADDRS + 8, "a.xiaomi.net", 1);
	for (i = 0; i < CW_DNSA_ADDRS + 8; i++) {
		snprintf(ip, sizeof(ip), "203.0.113.%u", i);
		rr_a(&m, "a.xiaomi.net", 60, ip);
	}
	tap_ok(parse(&m) == CW_PARSE_NAME && a.nr_addrs == CW_DNSA_ADDRS &&
	       a.addr[CW_DNSA_ADDRS - 1].addr[3] == CW_DNSA_ADDRS - 1,
	       "%u A records: the first %u kept", CW_DNSA_ADDRS + 8,
	       CW_DNSA_ADDRS);

	/* Records past CW_DNSA_RRS are not read. */
	start(&m, 0x8180, CW_DNSA_RRS + 1, "a.xiaomi.net", 1);
	for (i = 0; i < CW_DNSA_RRS; i++)
		rr_cname(&m, "x.example.org", 60, "y.example.org");
	rr_a(&m, "a.xiaomi.net", 60, "198.51.100.8");
	tap_ok(parse(&m) == CW_PARSE_NO_NAME,
	       "an address past CW_DNSA_RRS records is not read");

	/* Other types in between are stepped over. */
	start(&m, 0x8180, 2, "a.xiaomi.net", 1);
	rr_head(&m, "a.xiaomi.net", 46, 60, 3);	/* RRSIG, any data */
	put(&m, "abc", 3);
	rr_a(&m, "a.xiaomi.net", 60, "2001:db8::8");
	tap_ok(parse(&m) == CW_PARSE_NAME && a.addr[0].family == AF_INET6,
	       "an RRSIG before the AAAA is stepped over");
}

static void test_malformed(void)
{
	struct msg m;
	u32 i, q;

	start(&m, 0x8180, 1, "a.xiaomi.net", 1);
	rr_head(&m, "a.xiaomi.net", 1, 60, 5);
	put(&m, "\xc6\x33\x64\x01\x00", 5);
	tap_ok(parse(&m) == CW_PARSE_MALFORMED, "an A of 5 bytes: malformed");

	start(&m, 0x8180, 1, "a.xiaomi.net", 28);
	rr_head(&m, "a.xiaomi.net", 28, 60, 4);
	put(&m, "\xc6\x33\x64\x01", 4);
	tap_ok(parse(&m) == CW_PARSE_MALFORMED, "an AAAA of 4 bytes: malformed");

	/* A record data overrun (rdlen past the end): incomplete. */
	start(&m, 0x8180, 1, "a.xiaomi.net", 1);
	rr_head(&m, "a.xiaomi.net", 1, 60, 4);
	put(&m, "\xc6\x33", 2);
	tap_ok(parse(&m) == CW_PARSE_INCOMPLETE, "data past the end: incomplete");

	/* Pointers: to the question (fine), to itself, forwards, a chain. */
	start(&m, 0x8180, 1, "a.xiaomi.net", 1);
	put(&m, "\xc0\x0c", 2);
	put16(&m, 1); put16(&m, 1); put32(&m, 60); put16(&m, 4);
	put(&m, "\xc6\x33\x64\x09", 4);
	tap_ok(parse(&m) == CW_PARSE_NAME, "an owner pointing at the question");
	q = m.n;

	start(&m, 0x8180, 1, "a.xiaomi.net", 1);
	i = m.n;
	put16(&m, 0xc000 | i);
	put16(&m, 1); put16(&m, 1); put32(&m, 60); put16(&m, 4);
	put(&m, "\xc6\x33\x64\x09", 4);
	tap_ok(parse(&m) == CW_PARSE_MALFORMED && m.n == q,
	       "a pointer to itself: malformed");

	start(&m, 0x8180, 1, "a.xiaomi.net", 1);
	i = m.n;
	put16(&m, 0xc000 | (i + 2));
	put16(&m, 1); put16(&m, 1); put32(&m, 60); put16(&m, 4);
	put(&m, "\xc6\x33\x64\x09", 4);
	tap_ok(parse(&m) == CW_PARSE_MALFORMED, "a forward pointer: malformed");

	/* A label then a pointer back to that label: a loop, hops bounded. */
	start(&m, 0x8180, 1, "a.xiaomi.net", 1);
	i = m.n;
	put(&m, "\x01x", 2);
	put16(&m, 0xc000 | i);
	put16(&m, 1); put16(&m, 1); put32(&m, 60); put16(&m, 4);
	put(&m, "\xc6\x33\x64\x09", 4);
	tap_ok(parse(&m) == CW_PARSE_MALFORMED, "a pointer loop: malformed");

	/*
	 * CW_DNSA_HOPS + 1 pointers: the data of a first record holds
	 * CW_DNSA_HOPS pointers, each to the one before (the first to the
	 * question); the owner of the second points at the last of them.
	 */
	start(&m, 0x8180, 2, "a.xiaomi.net", 1);
	rr_head(&m, "a.xiaomi.net", 99, 60, 2 * CW_DNSA_HOPS);
	for (i = 0; i < CW_DNSA_HOPS; i++)
		put16(&m, 0xc000 | (i ? m.n - 2 : 12));
	put16(&m, 0xc000 | (m.n - 2));
	put16(&m, 1); put16(&m, 1); put32(&m, 60); put16(&m, 4);
	put(&m, "\xc6\x33\x64\x09", 4);
	tap_ok(parse(&m) == CW_PARSE_MALFORMED, "%u pointers: malformed",
	       CW_DNSA_HOPS + 1);
	/* ... and CW_DNSA_HOPS of them are followed */
	m.b[m.n - 16] = 0xc0 | (m.n - 20) >> 8;
	m.b[m.n - 15] = (m.n - 20) & 0xff;
	tap_ok(parse(&m) == CW_PARSE_NAME, "%u pointers: followed",
	       CW_DNSA_HOPS);

	start(&m, 0x8180, 1, "a.xiaomi.net", 1);
	put(&m, "\x41x\x00", 3);			/* label type 0x40 */
	put16(&m, 1); put16(&m, 1); put32(&m, 60); put16(&m, 4);
	put(&m, "\xc6\x33\x64\x09", 4);
	tap_ok(parse(&m) == CW_PARSE_MALFORMED, "label type 0x40: malformed");

	/* A CNAME whose target does not end where its data does. */
	start(&m, 0x8180, 2, "a.xiaomi.net", 1);
	rr_head(&m, "a.xiaomi.net", 5, 60, 7);
	put(&m, "\x01" "b\x00zzzz", 7);
	rr_a(&m, "b", 60, "198.51.100.10");
	tap_ok(parse(&m) == CW_PARSE_MALFORMED,
	       "a CNAME with bytes after its target: malformed");

	/* A name of 255 wire bytes is fine; 256 is malformed. */
	for (q = 0; q < 2; q++) {
		char big[300];
		u32 k = 0;

		/* 3 labels of 63 and one of 61 + q: 4 + 63*3 + 61 + q + 1 */
		for (i = 0; i < 4; i++) {
			u32 l = i < 3 ? 63 : 61 + q;

			memset(big + k, 'a' + i, l);
			k += l;
			big[k++] = i < 3 ? '.' : '\0';
		}
		start(&m, 0x8180, 1, "a.xiaomi.net", 1);
		rr_a(&m, big, 60, "198.51.100.11");
		tap_ok(parse(&m) == (q ? CW_PARSE_MALFORMED : CW_PARSE_NO_NAME),
		       "an owner of %u wire bytes: %s", 255 + q,
		       q ? "malformed" : "read, not in the chain");
	}
}

int main(void)
{
	test_captures();
	test_header();
	test_chains();
	test_malformed();
	return tap_done();
}
