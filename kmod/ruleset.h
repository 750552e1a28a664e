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

/* The UID that all flows without an owner share (cw_flow_owner()). */
#define CW_NO_UID	((u32)-1)

/**
 * cw_flow_owner() - the UID a flow is counted against
 * @f: the flow
 *
 * The tables that bound each app's share (flow memory, QUIC hellos,
 * learned addresses) count a flow against its owner.
 *
 * Return: @f's owner's UID, or CW_NO_UID for a flow without an owner.
 */
static inline u32 cw_flow_owner(const struct cw_flow *f)
{
	return f->has_uid ? f->uid : CW_NO_UID;
}

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

/*
 * Context of the builder functions below: process context, may sleep
 * (they allocate with GFP_KERNEL and yield during long builds); one caller
 * at a time per builder (netlink.c holds cw_net.lock). On an error they
 * point *why at a static message for the extack, and change nothing.
 */

/**
 * cw_builder_new() - an empty builder
 * @limits: the bounds of this build (copied)
 *
 * Context: may sleep.
 * Return: the builder, or NULL when out of memory.
 */
struct cw_builder *cw_builder_new(const struct cw_limits *limits);

/**
 * cw_builder_free() - drop a builder and what it holds
 * @b: the builder, or NULL
 *
 * Context: may sleep.
 */
void cw_builder_free(struct cw_builder *b);

/**
 * cw_builder_purpose() - declare a purpose, or find it again
 * @b: the builder
 * @name: its name (cw_purpose_name_valid(), shorter than
 *        CW_PURPOSE_NAME_MAX)
 * @desc: its description, or NULL or "" to leave it as it is
 * @why: set to a static message on error
 *
 * Purposes are numbered in the order they are first declared.
 *
 * Context: may sleep.
 * Return: the purpose's index, 0..CW_PURPOSES_MAX-1; -EINVAL for a bad
 * name or description, -E2BIG past CW_PURPOSES_MAX purposes.
 */
int cw_builder_purpose(struct cw_builder *b, const char *name,
		       const char *desc, const char **why);

/**
 * cw_builder_add_prefix() - add an address entry
 * @b: the builder
 * @purpose: an index from cw_builder_purpose()
 * @family: AF_INET or AF_INET6
 * @addr: the address, 4 or 16 bytes in network order; no bit may be set
 *        beyond @prefixlen
 * @prefixlen: 0..32 or 0..128
 * @proto: 0 (any), IPPROTO_TCP or IPPROTO_UDP
 * @port_min: first port of the range, or 0 for every port
 * @port_max: last port, or 0 for @port_min alone
 * @why: set to a static message on error
 *
 * Context: may sleep.
 * Return: 0; -EINVAL for a bad entry, -EAFNOSUPPORT for a bad family,
 * -E2BIG past max_entries or max_memory, -ENOMEM out of memory.
 */
int cw_builder_add_prefix(struct cw_builder *b, int purpose, u8 family,
			  const u8 *addr, u8 prefixlen, u8 proto,
			  u16 port_min, u16 port_max, const char **why);

/**
 * cw_builder_add_uid() - add an app entry: all egress of one UID
 * @b: the builder
 * @purpose: an index from cw_builder_purpose()
 * @uid: the socket owner's UID, in the initial user namespace
 * @why: set to a static message on error
 *
 * Context: may sleep.
 * Return: 0; -EINVAL for a bad purpose, -E2BIG past max_entries or
 * max_memory, -ENOMEM out of memory.
 */
int cw_builder_add_uid(struct cw_builder *b, int purpose, u32 uid,
		       const char **why);

/**
 * cw_builder_add_appid() - add an app entry: an Android app in every user
 * @b: the builder
 * @purpose: an index from cw_builder_purpose()
 * @appid: the app ID, below CW_APPID_RANGE; it matches every UID whose
 *	remainder by CW_APPID_RANGE it is (user * 100000 + app ID)
 * @why: set to a static message on error
 *
 * Context: may sleep.
 * Return: 0; -EINVAL for a bad purpose or app ID, -E2BIG past max_entries
 * or max_memory, -ENOMEM out of memory.
 */
int cw_builder_add_appid(struct cw_builder *b, int purpose, u32 appid,
			 const char **why);

/**
 * cw_builder_add_domain() - add a name entry: the name and its subdomains
 * @b: the builder
 * @purpose: an index from cw_builder_purpose()
 * @name: the name, any case, one trailing dot allowed
 * @len: its length in bytes
 * @why: set to a static message on error
 *
 * Context: may sleep.
 * Return: 0; -EINVAL for a name that is not a host name, -E2BIG past
 * max_entries or max_memory, -ENOMEM out of memory.
 */
int cw_builder_add_domain(struct cw_builder *b, int purpose,
			  const char *name, u32 len, const char **why);

/**
 * cw_builder_finish() - freeze a builder into an immutable ruleset
 * @b: the builder, freed in every case
 *
 * Context: may sleep; long (a second natively at a million prefixes) but
 * yields the CPU as it goes.
 * Return: the ruleset, or NULL when out of memory or when the frozen form
 * would exceed max_memory.
 */
struct cw_ruleset *cw_builder_finish(struct cw_builder *b);

/**
 * cw_ruleset_free() - free a ruleset at once
 * @rs: the ruleset, or NULL; no reader may be left (see cw_table_release())
 *
 * Context: may sleep.
 */
void cw_ruleset_free(struct cw_ruleset *rs);

/**
 * cw_ruleset_match() - the purposes a flow belongs to
 * @rs: the ruleset
 * @f: the flow
 *
 * Every entry that matches counts (see the matching semantics above).
 *
 * Context: any context, the packet path included: never sleeps, never
 * allocates, takes no lock; @rs must stay alive (RCU read lock held).
 * Return: the bitmask of the purposes matched, bit i for index i.
 */
u64 cw_ruleset_match(const struct cw_ruleset *rs, const struct cw_flow *f);

/**
 * cw_ruleset_match_nat64() - what an IPv6 flow matches as embedded IPv4
 * @rs: the ruleset
 * @f: the flow; its IPv6 destination, under the prefixes of f->nat64
 * @hit: set to the index in f->nat64 of a prefix whose embedded address
 *	matched something, -1 if none; may be NULL
 * @a4: set to that IPv4 address (4 bytes) when *@hit >= 0
 *
 * The part of cw_ruleset_match() that a flow owes to RFC 6052 embeddings:
 * what explain reports.
 *
 * Context: as cw_ruleset_match().
 * Return: the bitmask of the purposes the embedded addresses matched.
 */
u64 cw_ruleset_match_nat64(const struct cw_ruleset *rs,
			   const struct cw_flow *f, int *hit, u8 *a4);

/**
 * cw_ruleset_nr_purposes() - how many purposes a ruleset has
 * @rs: the ruleset
 *
 * Context: any context.
 * Return: 0..CW_PURPOSES_MAX.
 */
u32 cw_ruleset_nr_purposes(const struct cw_ruleset *rs);

/**
 * cw_ruleset_purpose() - one purpose of a ruleset
 * @rs: the ruleset
 * @idx: its index, below cw_ruleset_nr_purposes()
 *
 * Context: any context.
 * Return: the purpose, or NULL for an index out of range.
 */
const struct cw_purpose *cw_ruleset_purpose(const struct cw_ruleset *rs,
					    u32 idx);

/**
 * cw_ruleset_find() - a purpose's index by name
 * @rs: the ruleset
 * @name: the name, NUL-terminated
 *
 * Context: any context.
 * Return: the index, or -ENOENT.
 */
int cw_ruleset_find(const struct cw_ruleset *rs, const char *name);

/**
 * cw_ruleset_nr_entries() - how many entries went into a ruleset
 * @rs: the ruleset
 *
 * Context: any context.
 * Return: address, app and domain entries, duplicates included.
 */
u32 cw_ruleset_nr_entries(const struct cw_ruleset *rs);

/**
 * cw_ruleset_has_domains() - whether a ruleset has name entries
 * @rs: the ruleset
 *
 * Context: any context.
 * Return: true if it has one at least (the hook then reads payloads).
 */
bool cw_ruleset_has_domains(const struct cw_ruleset *rs);

/**
 * cw_ruleset_memory() - the bytes a frozen ruleset holds
 * @rs: the ruleset
 *
 * Context: any context.
 * Return: its allocations' size, in bytes.
 */
u64 cw_ruleset_memory(const struct cw_ruleset *rs);

#endif /* _CW_RULESET_H */
