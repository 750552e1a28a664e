/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * consentwall: kernel-enforced telemetry consent.
 *
 * The generic netlink contract between consentwall.ko and userspace. This is
 * the only header userspace includes. Every attribute is a string, a 32- or
 * 64-bit integer, or an address in network byte order: no binary structs.
 *
 * Conversation of the daemon (consentd) with the kernel:
 *
 *   CW_CMD_CLAIM                      become the owner of this network
 *                                     namespace; held until the socket closes
 *   CW_CMD_BEGIN                      open a ruleset transaction (owner only)
 *   CW_CMD_ADD     x N                add endpoints to one purpose:
 *                    CW_A_PURPOSE_NAME, [CW_A_PURPOSE_DESC],
 *                    CW_A_ENTRIES { CW_A_ENTRY { ... } x M },
 *                    [CW_A_PATTERNS { CW_A_PATTERN { ... } x K }]
 *   CW_CMD_COMMIT                     swap the new ruleset in (RCU); the reply
 *                                     carries CW_A_GENERATION
 *   CW_CMD_ABORT                      drop the transaction
 *   CW_CMD_SET_CONSENT                CW_A_PURPOSE_NAME, CW_A_CONSENT
 *   CW_CMD_SET_NAT64                  CW_A_NAT64_PREFIXES: the network's
 *                                     NAT64 prefixes, replacing the last set
 *
 * IPv4 address entries also match IPv6 destinations that embed an IPv4
 * address (RFC 6052) under a NAT64 prefix: the well-known 64:ff9b::/96,
 * always, and the up to CW_NAT64_MAX prefixes of the last SET_NAT64 (each a
 * nest of CW_NAT64_A_ADDR, 16 bytes, and CW_NAT64_A_PREFIXLEN, 32, 40, 48,
 * 56, 64 or 96, no bit set past it; an empty CW_A_NAT64_PREFIXES clears
 * them). The prefixes are the network's, not a purpose's, and change at any
 * time (router advertisements): they are their own command, outside the
 * ruleset transaction, apply at once to every packet and stay when the
 * ruleset is replaced or the owner goes away (they only widen what entries
 * match).
 *
 * Consent is kept by purpose name across commits: a purpose that exists in
 * both the old and the new ruleset keeps its decision. When the owner's
 * socket is released every consent reverts to denied; the ruleset stays.
 *
 * Blocked attempts are unicast to the owner only, as CW_CMD_EVENT messages
 * carrying CW_A_GENERATION, CW_A_PURPOSES (the denied purposes that matched,
 * names only), CW_A_FAMILY, CW_A_PROTO, CW_A_ADDR, CW_A_PORT, CW_A_UID (when
 * the packet had a full socket), CW_A_NAME (when known) and CW_A_COUNT: an
 * event waits about 100 ms before it is sent, and the same attempt again
 * meanwhile (same app, destination, protocol, port, name and purposes) is
 * folded into it, so CW_A_COUNT attempts are reported by one message.
 * A payload blocked because it carried an identifier pattern (CW_A_PATTERNS)
 * is reported the same way, with CW_A_IDENT_TAG: the pattern's tag (the
 * tag is part of what makes two attempts the same). While the purpose that
 * has the patterns is denied, every outgoing TCP segment and UDP datagram
 * is scanned for them, whatever else it matched or was granted (a pattern
 * split across a TCP stream's segments included); only TLS application
 * data and QUIC packets, while shown to be such, are skipped. The
 * namespace counters CW_COUNTER_A_IDENTS_* count the payloads scanned,
 * skipped and blocked. A name that holds one of the patterns is never
 * sent, whatever the purpose's consent: an event then has no CW_A_NAME,
 * an explain reply no CW_A_LEARNED_NAME.
 *
 * CW_CMD_EXPLAIN runs the classifier on a described packet: CW_A_FAMILY,
 * CW_A_PROTO, CW_A_ADDR, CW_A_PORT, [CW_A_UID], [CW_A_NAME]. The reply holds
 * CW_A_VERDICT, CW_A_GENERATION and CW_A_PURPOSES (every purpose that
 * matched, with CW_PURPOSE_A_NAME and CW_PURPOSE_A_CONSENT). When an IPv6
 * address matched as the IPv4 address it embeds, the reply adds
 * CW_A_NAT64_ADDR, that IPv4 address, and CW_A_NAT64_PREFIX, the prefix it
 * was found under (events carry the IPv6 address as it was sent). When the
 * request carries no CW_A_NAME and the address matched because a DNS answer
 * bound it (an A or AAAA record, through its CNAME chain, of a listed name,
 * seen while the binding's TTL lasts), the reply adds CW_A_LEARNED_NAME:
 * the listed name that answer was for (with several bindings, the first
 * found). A packet that shows a name of its own is judged by that name, and
 * so is a request with CW_A_NAME: no learned address counts for it.
 *
 * CW_CMD_GET_STATUS replies with CW_A_POLICED, CW_A_CONFIGURED, CW_A_OWNER,
 * CW_A_GENERATION, CW_A_NR_ENTRIES, CW_A_MEMORY, CW_A_COUNTERS and
 * CW_A_PURPOSES (name, description, consent, entries of every purpose) and
 * CW_A_NAT64_PREFIXES (the prefixes of the last SET_NAT64).
 * CW_CMD_GET_STATS dumps one message per purpose: CW_A_GENERATION and one
 * CW_A_PURPOSE with its counters since the ruleset was committed.
 *
 * Any process may read: CW_CMD_GET_STATUS, CW_CMD_GET_STATS (dump, one
 * message per purpose) and CW_CMD_EXPLAIN. Every other command requires
 * CAP_NET_ADMIN in the initial user namespace (GENL_ADMIN_PERM).
 *
 * Errors (each with an extended ack message, naming the attribute at fault):
 *   EPERM      a mutating command without CAP_NET_ADMIN in the initial
 *              user namespace
 *   EBUSY      CLAIM, or any owner-only command, from a socket other than
 *              the owner's ("namespace already owned by ...")
 *   ENOTCONN   an owner-only command while nobody owns the namespace
 *   EINVAL     ADD or COMMIT without an open transaction; a malformed or
 *              missing attribute (ERANGE for an integer out of bounds)
 *   E2BIG      a ruleset limit (entries, memory, purposes) exceeded; at
 *              COMMIT, the ruleset and its identifier matcher together
 *              past max_memory_mb
 *   ENOENT     SET_CONSENT for a purpose not in the active ruleset, or
 *              before the first commit
 * Any error in an ADD drops the whole transaction (BEGIN again); a BEGIN
 * inside a transaction starts it over; ABORT without one succeeds.
 * EXPLAIN of an unconfigured namespace answers with the unconfigured
 * policy and generation 0. An event whose ruleset was replaced before the
 * event left carries its generation but no purpose names. Loopback traffic
 * is never filtered.
 */
/*
 * Each *_MAX define follows its enum directly, as in the other generic
 * netlink uapi headers; checkpatch's LINE_SPACING check on them is expected.
 */
#ifndef _UAPI_LINUX_CONSENTWALL_H
#define _UAPI_LINUX_CONSENTWALL_H

#define CW_GENL_NAME		"consentwall"
#define CW_GENL_VERSION		1

/* Limits the kernel enforces; the daemon checks them first. */
#define CW_PURPOSES_MAX		64	/* purposes in one ruleset */
#define CW_PURPOSE_NAME_MAX	32	/* bytes, including the NUL */
#define CW_PURPOSE_DESC_MAX	256	/* bytes, including the NUL */
#define CW_NAME_MAX		254	/* a DNS name, without the trailing dot */
#define CW_NAT64_MAX		8	/* NAT64 prefixes besides 64:ff9b::/96 */
#define CW_APPID_RANGE		100000	/* Android: UID = user * this + app ID */

/*
 * A purpose name is 1 to CW_PURPOSE_NAME_MAX - 1 bytes of a-z, 0-9, '.',
 * '_' and '-', and starts with a letter or a digit: "[a-z0-9][a-z0-9._-]*".
 * The module, consentd and consentctl all judge a name by these two
 * functions (ASCII only, whatever the locale).
 *
 * cw_purpose_name_span() returns how many leading bytes of the string @s
 * can stand in a purpose name; cw_purpose_name_valid() returns 1 if the
 * whole of @s is one.
 */
static inline unsigned int cw_purpose_name_span(const char *s)
{
	unsigned int i;

	for (i = 0; s[i]; i++) {
		char c = s[i];

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			continue;
		if (i == 0 || (c != '.' && c != '_' && c != '-'))
			break;
	}
	return i;
}

static inline int cw_purpose_name_valid(const char *s)
{
	unsigned int n = cw_purpose_name_span(s);

	return n > 0 && n < CW_PURPOSE_NAME_MAX && !s[n];
}

enum cw_cmd {
	CW_CMD_UNSPEC,
	CW_CMD_CLAIM,
	CW_CMD_BEGIN,
	CW_CMD_ADD,
	CW_CMD_COMMIT,
	CW_CMD_ABORT,
	CW_CMD_SET_CONSENT,
	CW_CMD_GET_STATUS,
	CW_CMD_GET_STATS,
	CW_CMD_EXPLAIN,
	CW_CMD_EVENT,
	CW_CMD_SET_NAT64,
	__CW_CMD_MAX
};
#define CW_CMD_MAX (__CW_CMD_MAX - 1)

/* Verdicts, in CW_A_VERDICT. */
enum cw_verdict {
	CW_VERDICT_ACCEPT,
	CW_VERDICT_BLOCK,
};

/* Top-level attributes. */
enum cw_attr {
	CW_A_UNSPEC,
	CW_A_PURPOSE_NAME,	/* string: cw_purpose_name_valid() */
	CW_A_PURPOSE_DESC,	/* string, < CW_PURPOSE_DESC_MAX */
	CW_A_ENTRIES,		/* nested array of CW_A_ENTRY */
	CW_A_CONSENT,		/* u32: 0 denied, 1 granted */
	CW_A_GENERATION,	/* u32: ruleset generation, 0 = never committed */
	CW_A_OWNER,		/* u32: netlink port id of the owner, 0 = none */
	CW_A_CONFIGURED,	/* u32: 1 once a ruleset was committed */
	CW_A_POLICED,		/* u32: 1 if this namespace is filtered */
	CW_A_PURPOSES,		/* nest of CW_A_PURPOSE */
	CW_A_PURPOSE,		/* nest of enum cw_purpose_attr */
	CW_A_FAMILY,		/* u32: AF_INET or AF_INET6 */
	CW_A_PROTO,		/* u32: IPPROTO_TCP, IPPROTO_UDP, or another */
	CW_A_ADDR,		/* binary: 4 (AF_INET) or 16 (AF_INET6) bytes */
	CW_A_PORT,		/* u32: destination port, host order */
	CW_A_UID,		/* u32: socket owner uid */
	CW_A_NAME,		/* string: destination name, if known */
	CW_A_VERDICT,		/* u32: enum cw_verdict */
	CW_A_COUNTERS,		/* nest of enum cw_counter_attr (namespace) */
	CW_A_NR_ENTRIES,	/* u32: entries in the ruleset */
	CW_A_MEMORY,		/* u64: bytes the ruleset uses */
	CW_A_PAD,
	CW_A_COUNT,		/* u32: attempts one event stands for (>= 1) */
	CW_A_NAT64_PREFIXES,	/* nested array of CW_A_NAT64_PREFIX */
	CW_A_NAT64_PREFIX,	/* nest of enum cw_nat64_attr */
	CW_A_NAT64_ADDR,	/* binary: 4 bytes, the embedded IPv4 address */
	/*
	 * Appended (issue 15): nested array of CW_A_PATTERN, in CW_CMD_ADD
	 * only, never in a reply: the byte patterns of the identifier guard,
	 * for this purpose (one purpose per ruleset may have them).
	 */
	CW_A_PATTERNS,
	CW_A_LEARNED_NAME,	/* string: the DNS answer's name that bound ADDR */
	/*
	 * Appended (issue 15): u32, in an event of a payload blocked because
	 * it carried an identifier: the CW_PATTERN_A_TAG of the pattern found
	 * (the first, when several were). Never the pattern's bytes.
	 */
	CW_A_IDENT_TAG,
	__CW_A_MAX
};
#define CW_A_MAX (__CW_A_MAX - 1)

/*
 * The type of each nest inside CW_A_ENTRIES. Like every nested array the
 * kernel does not look at it (NLA_POLICY_NESTED_ARRAY); senders use this.
 */
#define CW_A_ENTRY		1

/*
 * One pattern, inside CW_A_PATTERNS (nest type CW_A_PATTERN): its bytes
 * and the sender's tag, which the kernel reports but does not read. At most
 * CW_PATTERNS_MAX patterns of 1..CW_PATTERN_LEN_MAX bytes and
 * CW_PATTERN_BYTES_MAX bytes in all per ruleset.
 */
#define CW_A_PATTERN		1
#define CW_PATTERNS_MAX		4096
#define CW_PATTERN_LEN_MAX	256
#define CW_PATTERN_BYTES_MAX	65536

enum cw_pattern_attr {
	CW_PATTERN_A_UNSPEC,
	CW_PATTERN_A_BYTES,	/* binary: 1..CW_PATTERN_LEN_MAX bytes */
	CW_PATTERN_A_TAG,	/* u32 */
	__CW_PATTERN_A_MAX
};
#define CW_PATTERN_A_MAX (__CW_PATTERN_A_MAX - 1)

/*
 * One endpoint, inside CW_A_ENTRIES. Exactly one of these forms:
 *   address: CW_ENTRY_A_FAMILY, CW_ENTRY_A_ADDR, [CW_ENTRY_A_PREFIXLEN],
 *            [CW_ENTRY_A_PROTO, [CW_ENTRY_A_PORT_MIN, CW_ENTRY_A_PORT_MAX]]
 *   app:     CW_ENTRY_A_UID (that UID only) or CW_ENTRY_A_APPID (the
 *            app in every Android user: any UID whose remainder by
 *            CW_APPID_RANGE is the app ID)
 *   name:    CW_ENTRY_A_DOMAIN (the name and every name below it)
 * A missing prefix length means a host (32 or 128). Ports need a protocol
 * of tcp or udp; a missing PORT_MAX means PORT_MIN alone.
 */
enum cw_entry_attr {
	CW_ENTRY_A_UNSPEC,
	CW_ENTRY_A_FAMILY,	/* u32: AF_INET or AF_INET6 */
	CW_ENTRY_A_ADDR,	/* binary: 4 or 16 bytes, network order */
	CW_ENTRY_A_PREFIXLEN,	/* u32: 0..32 or 0..128 */
	CW_ENTRY_A_PROTO,	/* u32: 0 any, IPPROTO_TCP, IPPROTO_UDP */
	CW_ENTRY_A_PORT_MIN,	/* u32: 1..65535 */
	CW_ENTRY_A_PORT_MAX,	/* u32: PORT_MIN..65535 */
	CW_ENTRY_A_UID,		/* u32 */
	CW_ENTRY_A_DOMAIN,	/* string, lower case, no trailing dot */
	CW_ENTRY_A_APPID,	/* u32: 0..CW_APPID_RANGE - 1 */
	__CW_ENTRY_A_MAX
};
#define CW_ENTRY_A_MAX (__CW_ENTRY_A_MAX - 1)

/* One purpose, inside CW_A_PURPOSES (status, explain, event, stats). */
enum cw_purpose_attr {
	CW_PURPOSE_A_UNSPEC,
	CW_PURPOSE_A_NAME,		/* string */
	CW_PURPOSE_A_DESC,		/* string */
	CW_PURPOSE_A_CONSENT,		/* u32 */
	CW_PURPOSE_A_NR_ENTRIES,	/* u32 */
	CW_PURPOSE_A_BLOCKED_PACKETS,	/* u64 */
	CW_PURPOSE_A_BLOCKED_BYTES,	/* u64 */
	CW_PURPOSE_A_ALLOWED_PACKETS,	/* u64 */
	CW_PURPOSE_A_ALLOWED_BYTES,	/* u64 */
	CW_PURPOSE_A_PAD,
	__CW_PURPOSE_A_MAX
};
#define CW_PURPOSE_A_MAX (__CW_PURPOSE_A_MAX - 1)

/* One NAT64 prefix, inside CW_A_NAT64_PREFIXES or CW_A_NAT64_PREFIX. */
enum cw_nat64_attr {
	CW_NAT64_A_UNSPEC,
	CW_NAT64_A_ADDR,	/* binary: 16 bytes */
	CW_NAT64_A_PREFIXLEN,	/* u32: 32, 40, 48, 56, 64 or 96 */
	__CW_NAT64_A_MAX
};
#define CW_NAT64_A_MAX (__CW_NAT64_A_MAX - 1)

/* Namespace counters, inside CW_A_COUNTERS. All u64. */
enum cw_counter_attr {
	CW_COUNTER_A_UNSPEC,
	CW_COUNTER_A_OWNER_RELEASES,	/* owner sockets that went away */
	CW_COUNTER_A_EVENTS_SENT,	/* events delivered to the owner */
	CW_COUNTER_A_EVENTS_DROPPED,	/* attempts not reported (rate limit) */
	CW_COUNTER_A_UNCONFIGURED_BLOCKED, /* packets blocked before config */
	CW_COUNTER_A_COMMITS,		/* rulesets committed */
	CW_COUNTER_A_PAD,
	CW_COUNTER_A_NAMES_FAILED,	/* blocked: the name could not be read */
	CW_COUNTER_A_DNS_ANSWERED,	/* blocked DNS queries answered at once */
	/* Flow memory (appended for issue 12, item 1): */
	CW_COUNTER_A_FLOWS_REMEMBERED,	/* flows classified by name, remembered */
	CW_COUNTER_A_FLOWS_REVOKED,	/* remembered flows blocked (once each) */
	CW_COUNTER_A_FLOWS_REFUSED,	/* flows of a purpose with no room left */
	/* The identifier scan (appended for issue 15): */
	CW_COUNTER_A_IDENTS_SCANNED,	/* payloads run through the matcher */
	CW_COUNTER_A_IDENTS_SKIPPED,	/* payloads shown TLS records or QUIC */
	CW_COUNTER_A_IDENTS_BLOCKED,	/* payloads blocked: an identifier */
	__CW_COUNTER_A_MAX
};
#define CW_COUNTER_A_MAX (__CW_COUNTER_A_MAX - 1)

#endif /* _UAPI_LINUX_CONSENTWALL_H */
