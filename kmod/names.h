/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Destination names for the packet path: DNS query names, TLS SNI, QUIC
 * SNI and the HTTP Host of every request (see names.c). Names
 * classify: they say which purposes a packet matches and decide nothing.
 */
#ifndef _CW_NAMES_H
#define _CW_NAMES_H

#include <linux/skbuff.h>

#include "flows.h"
#include "quic_flows.h"
#include "ruleset.h"

/* What the packet path learns from the headers, never trusting a length. */
struct cw_pkt {
	struct cw_flow flow;
	u8 daddr[16];
	u16 sport;
	u8 tcp_flags;		/* valid if has_l4 and proto is TCP */
	u8 icmp6_type;		/* valid if has_l4 and proto is ICMPv6 */
	bool has_l4;		/* first fragment with a readable header */
	bool name_pending;	/* a ClientHello or request head, its name to come */
	u32 seq;		/* TCP: sequence number of the first byte */
	u32 poff, plen;		/* TCP and UDP: payload offset and length */
	/*
	 * TCP: the first bytes of the denied query, from its length prefix
	 * (dns_len of them, in the skb or the per-CPU area), or NULL.
	 */
	const u8 *dns_q;
	u32 dns_len;
};

enum cw_name_res {
	CW_NAMES_OK,		/* classified: the match is in *m */
	CW_NAMES_FAIL,		/* fail closed */
	CW_NAMES_HOLD,		/* drop silently, TCP will send it again */
};

/**
 * cw_names_tcp_wanted() - whether the name parsers look at a TCP segment
 * @ft: the namespace's flow table
 * @skb: the packet
 * @p: what cw_parse() read from its headers
 *
 * DNS over TCP, a payload at the start of its stream or of a tracked
 * flow, or one that starts with an HTTP method. A segment in the middle of
 * an untracked stream costs a few loads from its socket and a peek at its
 * first bytes.
 *
 * Context: the LOCAL_OUT hook, RCU read lock held; never sleeps.
 * Return: true if cw_names_classify() should see the segment.
 */
bool cw_names_tcp_wanted(const struct cw_flows *ft, const struct sk_buff *skb,
			 const struct cw_pkt *p);

/**
 * cw_names_wanted() - whether the name parsers look at this packet
 * @ft: the namespace's flow table
 * @skb: the packet
 * @p: what cw_parse() read from its headers
 *
 * Cheap, and inline for UDP, which every datagram of a namespace with a
 * denied name pays: a DNS query, or a QUIC long header (one byte read);
 * TCP as cw_names_tcp_wanted() says.
 *
 * Context: the LOCAL_OUT hook, RCU read lock held; never sleeps.
 * Return: true if cw_names_classify() should see the packet.
 */
static inline bool cw_names_wanted(const struct cw_flows *ft,
				   const struct sk_buff *skb,
				   const struct cw_pkt *p)
{
	if (!p->plen)
		return false;
	if (p->flow.proto == IPPROTO_UDP) {
		if (p->flow.dport != 53 &&
		    !cw_quic_wanted(skb, p->poff, p->plen))
			return false;
	} else if (p->flow.proto != IPPROTO_TCP ||
		   !cw_names_tcp_wanted(ft, skb, p)) {
		return false;
	}
	/*
	 * Not expected at LOCAL_OUT, but the per-CPU area could not be
	 * protected there: classify by address, port and app only.
	 */
	return !(hardirq_count() || irqs_disabled());
}

/**
 * cw_names_classify() - the purposes a packet matches, its name included
 * @ft: the namespace's flow table (a ClientHello in pieces is tracked)
 * @qf: the namespace's QUIC table (a ClientHello over several Initials)
 * @rs: the ruleset the packet meets
 * @skb: the packet
 * @p: what cw_parse() read; the name found is left in @p->flow, pointing
 *     into a per-CPU area valid until bottom halves are enabled again
 * @denied: the namespace's denied purposes (a denied name is kept)
 * @m: set to the purposes matched when the answer is CW_NAMES_OK
 *
 * Says what matched and decides nothing: the caller counts, records and
 * enforces.
 *
 * Context: the LOCAL_OUT hook, RCU read lock held, bottom halves disabled
 * by the caller; never sleeps, never allocates.
 * Return: CW_NAMES_OK with *@m set; CW_NAMES_FAIL when a name may hide
 * behind what the parsers could not read (fail closed); CW_NAMES_HOLD for
 * a segment sent ahead of one never seen, which TCP will send again.
 */
enum cw_name_res cw_names_classify(struct cw_flows *ft,
				   struct cw_quic_flows *qf,
				   const struct cw_ruleset *rs,
				   const struct sk_buff *skb, struct cw_pkt *p,
				   u64 denied, u64 *m);

/**
 * cw_names_init() - allocate the parsers' per-CPU areas and QUIC crypto
 *
 * Context: module init, may sleep.
 * Return: 0, or -ENOMEM.
 */
int cw_names_init(void);

/**
 * cw_names_uninit() - free the parsers' per-CPU areas and QUIC crypto
 *
 * Context: module exit (or a failed init), once no hook can run.
 */
void cw_names_uninit(void);

#endif /* _CW_NAMES_H */
