/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A ruleset maps a described packet (struct cw_flow) to the set of purposes
 * it belongs to. It is built aside by a cw_builder in process context, then
 * frozen into an immutable struct cw_ruleset that the packet path reads
 * under RCU. Pure code: compiled unchanged into userspace tests.
 *
 * Matching semantics: a flow matches purpose P if any entry of P matches:
 *  - an address entry whose prefix covers the destination, whose protocol is
 *    0 (any) or the flow's, and whose port range (if any) holds the port;
 *  - an app entry whose uid is the flow's uid, or whose app ID is the flow's
 *    uid modulo CW_APPID_RANGE (only when the flow has a uid);
 *  - a domain entry equal to the flow's name or a label-boundary suffix of it.
 * Every entry that matches counts, not only the most specific: the result is
 * the union of their purposes. An IPv6 destination under one of the flow's
 * NAT64 prefixes also matches as the IPv4 address it embeds (RFC 6052).
 */
#ifndef _CW_RULESET_H
#define _CW_RULESET_H

#include "pure.h"
#include "nat64.h"
#include "uapi/consentwall.h"

struct cw_flow {
	const u8 *daddr;	/* 4 or 16 bytes, network order */
	const char *name;	/* lower case, no trailing dot; NULL if none */
	u32 name_len;
	u32 uid;
	bool has_uid;
	u8 family;		/* AF_INET or AF_INET6 */
	u8 proto;		/* IPPROTO_* */
	u16 dport;		/* host order; 0 if the protocol has none */
	/* IPv6: the NAT64 prefixes whose embedded IPv4 addresses count */
	const struct cw_nat64_set *nat64;
};

struct cw_purpose {
	char name[CW_PURPOSE_NAME_MAX];
	char desc[CW_PURPOSE_DESC_MAX];
	u32 nr_entries;
};

struct cw_limits {
	u32 max_entries;	/* address + app + domain entries */
	u64 max_memory;		/* bytes, builder and frozen ruleset */
};

struct cw_ruleset;
struct cw_builder;

struct cw_builder *cw_builder_new(const struct cw_limits *limits);
void cw_builder_free(struct cw_builder *b);

/*
 * Returns the purpose's index (0..CW_PURPOSES_MAX-1), creating it on first
 * use in insertion order. A NULL or empty desc leaves the description as is.
 * On error returns a negative errno and points *why at a static message.
 */
int cw_builder_purpose(struct cw_builder *b, const char *name,
		       const char *desc, const char **why);
int cw_builder_add_prefix(struct cw_builder *b, int purpose, u8 family,
			  const u8 *addr, u8 prefixlen, u8 proto,
			  u16 port_min, u16 port_max, const char **why);
int cw_builder_add_uid(struct cw_builder *b, int purpose, u32 uid,
		       const char **why);
/* The app ID @appid (< CW_APPID_RANGE) in every Android user. */
int cw_builder_add_appid(struct cw_builder *b, int purpose, u32 appid,
			 const char **why);
int cw_builder_add_domain(struct cw_builder *b, int purpose,
			  const char *name, u32 len, const char **why);

/*
 * Freezes the builder into a ruleset and frees the builder in every case.
 * Returns NULL on allocation failure.
 */
struct cw_ruleset *cw_builder_finish(struct cw_builder *b);
void cw_ruleset_free(struct cw_ruleset *rs);

/* Bitmask of the purposes (bit i = purpose index i) the flow matches. */
u64 cw_ruleset_match(const struct cw_ruleset *rs, const struct cw_flow *f);
/*
 * The part of that an IPv6 flow owes to the IPv4 addresses it embeds under
 * f->nat64's prefixes. *@hit is the index of a prefix whose address matched
 * something (-1 if none), @a4 that address: what explain reports.
 */
u64 cw_ruleset_match_nat64(const struct cw_ruleset *rs,
			   const struct cw_flow *f, int *hit, u8 *a4);

u32 cw_ruleset_nr_purposes(const struct cw_ruleset *rs);
const struct cw_purpose *cw_ruleset_purpose(const struct cw_ruleset *rs,
					    u32 idx);
/* Index of the purpose with that name, or -ENOENT. */
int cw_ruleset_find(const struct cw_ruleset *rs, const char *name);
u32 cw_ruleset_nr_entries(const struct cw_ruleset *rs);
bool cw_ruleset_has_domains(const struct cw_ruleset *rs);
u64 cw_ruleset_memory(const struct cw_ruleset *rs);

#endif /* _CW_RULESET_H */
