/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The identifier scan (issue 15): every outgoing TCP segment's payload and
 * every UDP datagram of a policed namespace is run through the ruleset's
 * identifier matcher (idmatch.h) while the purpose that owns the patterns
 * is denied. It says what it found; hooks.c decides and blocks.
 */
#ifndef _CW_SCAN_H
#define _CW_SCAN_H

#include <linux/skbuff.h>
#include <net/tcp.h>

#include "flows.h"
#include "names.h"
#include "net.h"

/* A TLS record's body is at most 2^14 + 2048 bytes (RFC 8446 5.2). */
#define CW_TLS_RECORD_MAX	(16384 + 2048)

enum cw_scan_res {
	CW_SCAN_CLEAN,		/* no pattern in what was scanned */
	CW_SCAN_HIT,		/* a pattern: its tag is given */
	/*
	 * A TCP flow whose scan found no room for its carry in the flow
	 * memory: it cannot be followed, so it is refused (fail closed).
	 */
	CW_SCAN_FULL,
};

/**
 * cw_scan_wanted() - whether the identifier scan runs on a packet
 * @t: the table the packet meets
 * @denied: its denied purposes
 * @p: the parsed packet
 *
 * Only while the ruleset has patterns and their purpose is denied; then
 * for every TCP segment that carries a payload or ends its flow (FIN,
 * RST: the carry goes with it), and every UDP datagram with a payload.
 * When the scan stops (its purpose granted, or a ruleset without patterns
 * committed), every carry goes at once: cw_mem_end_scans().
 *
 * Return: true if cw_scan() is to run.
 */
static inline bool cw_scan_wanted(const struct cw_table *t, u64 denied,
				  const struct cw_pkt *p)
{
	if (!t->idm || !(denied & BIT_ULL(t->idm_purpose)) || !p->has_l4)
		return false;
	if (p->flow.proto == IPPROTO_TCP)
		return p->plen || (p->tcp_flags & (TCPHDR_FIN | TCPHDR_RST));
	return p->flow.proto == IPPROTO_UDP && p->plen;
}

/**
 * cw_scan_alone() - whether a datagram can be matched alone, in place
 * @skb: the packet
 * @p: the parsed packet (its payload's offset and length)
 *
 * Return: true if the payload lies in one piece, in the skb's head.
 */
static inline bool cw_scan_alone(const struct sk_buff *skb,
				 const struct cw_pkt *p)
{
	return p->poff + p->plen <= skb_headlen(skb);
}

/**
 * cw_scan_plain() - the scan of a plain datagram, without its call chain
 * @cw: the namespace's state (its counters)
 * @t: the table, with a matcher
 * @skb: the packet
 * @p: the parsed packet
 *
 * The scan's common case, inline: a UDP datagram in one piece that cannot
 * be taken for QUIC (its first byte's 0x80 bit clear, and no names for a
 * short header's connection to be remembered by) whose probes of the
 * sieve all miss (cw_idm_clear()). False sends the packet the whole way
 * (cw_scan(), which runs the matcher where a probe passes, and also
 * answers for a datagram this let through: it would have scanned it the
 * same).
 *
 * Context: the packet path, RCU read lock held.
 * Return: true if the datagram was scanned and is clean.
 */
static inline bool cw_scan_plain(struct cw_net *cw, const struct cw_table *t,
				 const struct sk_buff *skb,
				 const struct cw_pkt *p)
{
	const u8 *b = skb->data + p->poff;

	if (p->flow.proto != IPPROTO_UDP || t->has_domains ||
	    !cw_scan_alone(skb, p) || (*b & 0x80) ||
	    !cw_idm_clear(t->idm, b, p->plen))
		return false;
	this_cpu_inc(cw->stats->idents_scanned);
	return true;
}

/**
 * cw_scan() - look for the identifier patterns in an outgoing payload
 * @cw: the namespace's state (its flow memory keeps TCP carries; its
 *      counters count what was scanned and skipped)
 * @t: the table, with a matcher
 * @skb: the packet
 * @p: the parsed packet (payload offset, TCP sequence and flags)
 * @k: its flow's key in the flow memory, or NULL when it has none (a TCP
 *     segment without a full socket is then scanned alone); a datagram's
 *     is needed only while the ruleset has names (QUIC connections are
 *     remembered by them)
 * @uid: the UID its flow is counted against in the flow memory
 * @tag: set to the tag of the pattern found, on CW_SCAN_HIT
 *
 * Context: the packet path, RCU read lock held; never sleeps or
 * allocates (takes the flow memory's lock briefly, bottom halves off).
 * Return: what was found.
 */
enum cw_scan_res cw_scan(struct cw_net *cw, const struct cw_table *t,
			 const struct sk_buff *skb, const struct cw_pkt *p,
			 const struct cw_mem_key *k, u32 uid, u32 *tag);

#endif /* _CW_SCAN_H */
