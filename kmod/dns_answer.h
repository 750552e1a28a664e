/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * DNS answers: the addresses a cleartext answer gives for the name it was
 * asked, through the CNAME chain inside the answer. Pure code (pure.h):
 * the same file is compiled into the module, the unit tests and a
 * libFuzzer harness. Like parse.c it never trusts a length, never reads
 * outside [buf, buf + len), never allocates, never recurses.
 *
 * Only a standard response (QR = 1, opcode QUERY, RCODE NOERROR, not
 * truncated) with one question of class IN is read, and only its answer
 * section: authority and additional records are never looked at (glue is
 * not an answer). The chain starts at the question's name; a CNAME record
 * whose owner is a name of the chain so far adds its target (RFC 1034
 * 4.3.2: a resolver writes the CNAME before the records of its target,
 * so one pass suffices; a record whose owner is not in the chain yet is
 * skipped); an A or AAAA record whose owner is in the chain gives an
 * address with its own TTL. Names are compared in the form the other
 * parsers return (lower case, no trailing dot, cw_name_normalize()); a
 * name that is not a host name joins no chain.
 *
 * Compression pointers (RFC 1035 4.1.4) are followed only backwards, to
 * bytes before the pointer itself, and at most CW_DNSA_HOPS times in one
 * name; a name over 255 bytes on the wire, a reserved label type
 * (0x40, 0x80), a record whose data overruns the message, an A record
 * whose data is not 4 bytes or an AAAA not 16, a CNAME whose data is not
 * exactly its name: all CW_PARSE_MALFORMED. A message that ends before
 * its question or answer records end, or has the TC bit, is
 * CW_PARSE_INCOMPLETE. Either binds nothing: the caller uses the answer
 * only on CW_PARSE_NAME.
 */
#ifndef _CW_DNS_ANSWER_H
#define _CW_DNS_ANSWER_H

#include "parse.h"

#define CW_DNSA_NAMES	8	/* the question's name and CNAME targets */
#define CW_DNSA_ADDRS	32	/* A and AAAA records kept; more are not */
#define CW_DNSA_RRS	64	/* answer records read; the rest are not */
#define CW_DNSA_HOPS	16	/* compression pointers in one name */
/* Bytes of a message read at most: a larger answer binds nothing. */
#define CW_DNSA_MSG_MAX	4096

struct cw_dnsa_addr {
	u32 ttl;	/* seconds, as sent (RFC 2181 8: over 2^31 - 1 is 0) */
	u8 family;	/* AF_INET or AF_INET6 */
	u8 name;	/* index of its owner in the chain */
	u8 addr[16];	/* network order; IPv4 in the first 4 bytes */
};

struct cw_dns_answer {
	u32 nr_names;	/* >= 1 once the question was read */
	u32 nr_addrs;
	u32 name_len[CW_DNSA_NAMES];
	char name[CW_DNSA_NAMES][CW_NAME_MAX + 1];
	struct cw_dnsa_addr addr[CW_DNSA_ADDRS];
	char tmp[CW_NAME_MAX + 1];	/* the parser's own: a record's owner */
};

/**
 * cw_parse_dns_answer() - the addresses a DNS response gives for its name
 * @msg: the message (a UDP payload, or a TCP message after its prefix)
 * @len: its length (a message past CW_DNSA_MSG_MAX is CW_PARSE_INCOMPLETE)
 * @a: filled with the chain of names and the addresses
 *
 * Context: any context; pure.
 * Return: CW_PARSE_NAME with at least one address in @a; CW_PARSE_NO_NAME
 * for a well-formed response that gives none (NXDOMAIN, NODATA, another
 * RCODE, a question that is not a host name or not of class IN);
 * CW_PARSE_NOT_PROTO for a query or another opcode; CW_PARSE_INCOMPLETE
 * or CW_PARSE_MALFORMED as above. @a is meaningful only with
 * CW_PARSE_NAME.
 */
enum cw_parse_result cw_parse_dns_answer(const u8 *msg, u32 len,
					 struct cw_dns_answer *a);

#endif /* _CW_DNS_ANSWER_H */
