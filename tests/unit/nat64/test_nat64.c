// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * RFC 6052 embedding and extraction (kmod/nat64.h) at every prefix length,
 * checked against the table of RFC 6052 section 2.4, plus the prefix test
 * the packet path runs and the prefixes a configuration must refuse.
 */
#include <stdio.h>
#include <arpa/inet.h>

#include "nat64.h"
#include "../../tap.h"

/* RFC 6052 section 2.4: 192.0.2.33 under each prefix. */
static const struct {
	const char *prefix;
	unsigned int len;
	const char *v6;
} rfc[] = {
	{ "2001:db8::", 32, "2001:db8:c000:221::" },
	{ "2001:db8:100::", 40, "2001:db8:1c0:2:21::" },
	{ "2001:db8:122::", 48, "2001:db8:122:c000:2:2100::" },
	{ "2001:db8:122:300::", 56, "2001:db8:122:3c0:0:221::" },
	{ "2001:db8:122:344::", 64, "2001:db8:122:344:c0:2:2100:0" },
	{ "2001:db8:122:344::", 96, "2001:db8:122:344::192.0.2.33" },
	{ "64:ff9b::", 96, "64:ff9b::192.0.2.33" },
};

static void pton6(const char *s, u8 *a)
{
	if (inet_pton(AF_INET6, s, a) != 1) {
		fprintf(stderr, "bad test address %s\n", s);
		exit(2);
	}
}

static void test_rfc_table(void)
{
	u8 v4[4], a4[4], p6[16], want[16], got[16];
	struct cw_nat64_prefix p;
	char buf[INET6_ADDRSTRLEN];
	size_t i;

	inet_pton(AF_INET, "192.0.2.33", v4);
	for (i = 0; i < ARRAY_SIZE(rfc); i++) {
		pton6(rfc[i].prefix, p6);
		pton6(rfc[i].v6, want);
		tap_ok(cw_nat64_prefix_init(&p, p6, rfc[i].len) == 0,
		       "%s/%u is a prefix", rfc[i].prefix, rfc[i].len);
		cw_nat64_embed(&p, v4, got);
		inet_ntop(AF_INET6, got, buf, sizeof(buf));
		tap_ok(!memcmp(got, want, 16), "192.0.2.33 under %s/%u is %s (got %s)",
		       rfc[i].prefix, rfc[i].len, rfc[i].v6, buf);
		tap_ok(cw_nat64_under(&p, want), "%s is under %s/%u",
		       rfc[i].v6, rfc[i].prefix, rfc[i].len);
		memset(a4, 0, 4);
		cw_nat64_extract(want, rfc[i].len, a4);
		tap_ok(!memcmp(a4, v4, 4), "%s/%u: %s holds 192.0.2.33",
		       rfc[i].prefix, rfc[i].len, rfc[i].v6);
	}
}

static void test_under(void)
{
	struct cw_nat64_prefix wkp, p;
	u8 a[16], pre[16];
	unsigned int len, bit;

	cw_nat64_wkp_init(&wkp);
	pton6("64:ff9b::c633:641e", a);
	tap_ok(cw_nat64_under(&wkp, a), "64:ff9b::c633:641e under the well-known prefix");
	pton6("64:ff9b:1::c633:641e", a);
	tap_ok(!cw_nat64_under(&wkp, a), "64:ff9b:1::c633:641e is not (RFC 8215's local block)");
	pton6("2001:db8::1", a);
	tap_ok(!cw_nat64_under(&wkp, a), "2001:db8::1 is not");
	pton6("::", a);
	tap_ok(!cw_nat64_under(&wkp, a), ":: is not");

	/* Every bit of the prefix counts, no bit after it does. */
	for (len = 32; len <= 96; len += len == 64 ? 32 : 8) {
		int inside = 1, outside = 1;

		memset(pre, 0, sizeof(pre));
		pre[0] = 0x20;
		pre[1] = 0x01;
		pre[len / 8 - 1] |= 0x01;
		if (cw_nat64_prefix_init(&p, pre, len)) {
			tap_ok(0, "/%u prefix refused", len);
			continue;
		}
		for (bit = 0; bit < 128; bit++) {
			memcpy(a, pre, 16);
			a[bit / 8] ^= 0x80 >> (bit % 8);
			if (bit < len)
				outside &= !cw_nat64_under(&p, a);
			else
				inside &= cw_nat64_under(&p, a);
		}
		tap_ok(outside, "/%u: flipping any of the first %u bits leaves the prefix", len, len);
		tap_ok(inside, "/%u: flipping any later bit stays under it", len);
	}
}

static void test_u_octet(void)
{
	struct cw_nat64_prefix p;
	u8 pre[16], a[16], a4[4];

	/* A /40 embedding with a non-zero u octet still yields its address. */
	pton6("2001:db8:100::", pre);
	cw_nat64_prefix_init(&p, pre, 40);
	pton6("2001:db8:1c0:2:ff21::", a);
	cw_nat64_extract(a, 40, a4);
	tap_ok(a4[0] == 192 && a4[1] == 0 && a4[2] == 2 && a4[3] == 33,
	       "a set u octet is skipped, not read (%u.%u.%u.%u)",
	       a4[0], a4[1], a4[2], a4[3]);
	pton6("64:ff9b::c000:221:0", a);
	cw_nat64_extract(a, 64, a4);
	tap_ok(a4[0] == 0 && a4[1] == 0xc0 && a4[2] == 0 && a4[3] == 2,
	       "/64 reads bytes 9-12, the suffix ignored");
}

static void test_refused(void)
{
	static const unsigned int bad_len[] = { 0, 8, 24, 33, 72, 80, 88, 95, 97, 128 };
	struct cw_nat64_prefix p;
	u8 pre[16];
	size_t i;

	pton6("2001:db8::", pre);
	for (i = 0; i < ARRAY_SIZE(bad_len); i++)
		tap_ok(cw_nat64_prefix_init(&p, pre, bad_len[i]) == -EINVAL,
		       "/%u is not an RFC 6052 length", bad_len[i]);
	pton6("2001:db8:0:0:0:0:1::", pre);
	tap_ok(cw_nat64_prefix_init(&p, pre, 96) == -EINVAL,
	       "2001:db8::1:0:0/96 has bits past its length: refused");
	pton6("2001:db8:100::", pre);
	tap_ok(cw_nat64_prefix_init(&p, pre, 32) == -EINVAL,
	       "2001:db8:100::/32 has bits past its length: refused");
	pton6("2001:db8:0:0:ff00::", pre);
	tap_ok(cw_nat64_prefix_init(&p, pre, 64) == -EINVAL,
	       "a /64 with the u octet set: refused");
}

int main(void)
{
	test_rfc_table();
	test_under();
	test_u_octet();
	test_refused();
	return tap_done();
}
