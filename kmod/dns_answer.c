// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The DNS answer parser (see dns_answer.h). Pure code: no kernel-only
 * calls, so the unit tests and the fuzzer compile this very file. Work is
 * linear in the message: at most CW_DNSA_RRS records, each name at most
 * 255 wire bytes and CW_DNSA_HOPS pointers, each compared with at most
 * CW_DNSA_NAMES names of the chain.
 */
#include "dns_answer.h"

#define CW_DNSA_HDR	12
#define CW_DNSA_WIRE	255	/* RFC 1035 2.3.4 */
#define CW_DNS_A	1
#define CW_DNS_CNAME	5
#define CW_DNS_AAAA	28
#define CW_DNS_IN	1

static u32 cw_dnsa_u16(const u8 *p)
{
	return (u32)p[0] << 8 | p[1];
}

/*
 * The name at *off, its labels joined by dots into out (CW_NAME_MAX + 1
 * bytes: 255 wire bytes make 253 at most), normalized; *olen is 0 when it
 * is the root or not a host name (a dot inside a label, another
 * character). *off moves past the name as it is on the wire (past its
 * first pointer). Only bytes below len are read.
 */
static enum cw_parse_result cw_dnsa_name(const u8 *m, u32 len, u32 *off,
					 char *out, u32 *olen)
{
	u32 pos = *off, wire = 1, n = 0, hops = 0, end = 0, l, i;
	bool bad = false;

	for (;;) {
		if (pos >= len)
			return hops ? CW_PARSE_MALFORMED : CW_PARSE_INCOMPLETE;
		l = m[pos];
		if ((l & 0xc0) == 0xc0) {
			u32 ptr;

			if (len - pos < 2)
				return hops ? CW_PARSE_MALFORMED :
					      CW_PARSE_INCOMPLETE;
			ptr = (l & 0x3f) << 8 | m[pos + 1];
			/* backwards only, and a bounded number of times */
			if (ptr >= pos || ++hops > CW_DNSA_HOPS)
				return CW_PARSE_MALFORMED;
			if (hops == 1)
				end = pos + 2;
			pos = ptr;
			continue;
		}
		if (l & 0xc0)
			return CW_PARSE_MALFORMED;	/* 0x40, 0x80 */
		if (!l)
			break;
		wire += 1 + l;
		if (wire > CW_DNSA_WIRE)
			return CW_PARSE_MALFORMED;
		if (l >= len - pos)
			return hops ? CW_PARSE_MALFORMED : CW_PARSE_INCOMPLETE;
		if (n)
			out[n++] = '.';
		for (i = 1; i <= l; i++) {
			if (m[pos + i] == '.')
				bad = true;
			out[n++] = m[pos + i];
		}
		pos += 1 + l;
	}
	*off = hops ? end : pos + 1;
	*olen = bad || !n ? 0 : cw_name_normalize(out, n, out);
	return CW_PARSE_NAME;
}

/* The index of a name in the chain, or a->nr_names if it is not there. */
static u32 cw_dnsa_chain_find(const struct cw_dns_answer *a, const char *s,
			      u32 len)
{
	u32 k;

	for (k = 0; k < a->nr_names; k++)
		if (a->name_len[k] == len && !memcmp(a->name[k], s, len))
			break;
	return k;
}

/* A CNAME's data at off, rdlen bytes: its target joins the chain. */
static enum cw_parse_result cw_dnsa_cname(const u8 *m, u32 off, u32 rdlen,
					  bool owner_in_chain,
					  struct cw_dns_answer *a)
{
	u32 t = off, olen = 0, n = a->nr_names;
	bool room = owner_in_chain && n < CW_DNSA_NAMES;
	char *out = room ? a->name[n] : a->tmp;

	/* The target lies inside the data; its pointers point before it. */
	if (cw_dnsa_name(m, off + rdlen, &t, out, &olen) != CW_PARSE_NAME ||
	    t != off + rdlen)
		return CW_PARSE_MALFORMED;
	if (room && olen && cw_dnsa_chain_find(a, out, olen) == n) {
		a->name_len[n] = olen;
		a->nr_names = n + 1;
	}
	return CW_PARSE_NAME;
}

enum cw_parse_result cw_parse_dns_answer(const u8 *m, u32 len,
					 struct cw_dns_answer *a)
{
	u32 off = CW_DNSA_HDR, an, i, type, cls, ttl, rdlen, olen = 0, k;
	enum cw_parse_result r;
	struct cw_dnsa_addr *ad;

	a->nr_names = 0;
	a->nr_addrs = 0;
	if (len < CW_DNSA_HDR || len > CW_DNSA_MSG_MAX)
		return CW_PARSE_INCOMPLETE;
	/* A query, or an opcode other than QUERY: not an answer. */
	if (!(m[2] & 0x80) || (m[2] & 0x78))
		return CW_PARSE_NOT_PROTO;
	if (m[2] & 0x02)
		return CW_PARSE_INCOMPLETE;	/* TC: the rest is elsewhere */
	if (cw_dnsa_u16(m + 4) != 1)
		return CW_PARSE_NO_NAME;
	an = cw_dnsa_u16(m + 6);
	r = cw_dnsa_name(m, len, &off, a->name[0], &olen);
	if (r != CW_PARSE_NAME)
		return r;
	if (len - off < 4)
		return CW_PARSE_INCOMPLETE;
	cls = cw_dnsa_u16(m + off + 2);
	off += 4;
	if ((m[3] & 0x0f) || !olen || cls != CW_DNS_IN)
		return CW_PARSE_NO_NAME;
	a->name_len[0] = olen;
	a->nr_names = 1;

	for (i = 0; i < an && i < CW_DNSA_RRS; i++) {
		r = cw_dnsa_name(m, len, &off, a->tmp, &olen);
		if (r != CW_PARSE_NAME)
			goto bad;
		if (len - off < 10) {
			r = CW_PARSE_INCOMPLETE;
			goto bad;
		}
		type = cw_dnsa_u16(m + off);
		cls = cw_dnsa_u16(m + off + 2);
		ttl = cw_dnsa_u16(m + off + 4) << 16 | cw_dnsa_u16(m + off + 6);
		rdlen = cw_dnsa_u16(m + off + 8);
		off += 10;
		if (rdlen > len - off) {
			r = CW_PARSE_INCOMPLETE;
			goto bad;
		}
		k = olen && cls == CW_DNS_IN ?
		    cw_dnsa_chain_find(a, a->tmp, olen) : CW_DNSA_NAMES;
		r = CW_PARSE_MALFORMED;
		switch (type) {
		case CW_DNS_A:
		case CW_DNS_AAAA:
			if (rdlen != (type == CW_DNS_A ? 4 : 16))
				goto bad;
			if (k >= a->nr_names || a->nr_addrs == CW_DNSA_ADDRS)
				break;
			ad = &a->addr[a->nr_addrs++];
			memset(ad->addr, 0, sizeof(ad->addr));
			memcpy(ad->addr, m + off, rdlen);
			ad->family = type == CW_DNS_A ? AF_INET : AF_INET6;
			ad->name = k;
			ad->ttl = ttl & 0x80000000 ? 0 : ttl;
			break;
		case CW_DNS_CNAME:
			if (cw_dnsa_cname(m, off, rdlen, k < a->nr_names, a) !=
			    CW_PARSE_NAME)
				goto bad;
			break;
		default:
			break;
		}
		off += rdlen;
	}
	return a->nr_addrs ? CW_PARSE_NAME : CW_PARSE_NO_NAME;
bad:
	a->nr_addrs = 0;
	return r;
}
