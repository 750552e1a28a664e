/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Destination names for the packet path: DNS query names, TLS SNI and
 * HTTP Host read from the first payload of a flow (see names.c). Names
 * classify: they say which purposes a packet matches and decide nothing.
 */
#ifndef _CW_NAMES_H
#define _CW_NAMES_H

#include <linux/skbuff.h>

#include "flows.h"
#include "ruleset.h"

/* What the packet path learns from the headers, never trusting a length. */
struct cw_pkt {
	struct cw_flow flow;
	u8 daddr[16];
	u16 sport;
	u8 tcp_flags;		/* valid if has_l4 and proto is TCP */
	u8 icmp6_type;		/* valid if has_l4 and proto is ICMPv6 */
	bool has_l4;		/* first fragment with a readable header */
	u32 seq;		/* TCP: sequence number of the first byte */
	u32 poff, plen;		/* TCP and UDP: payload offset and length */
};

enum cw_name_res {
	CW_NAMES_OK,		/* classified: the match is in *m */
	CW_NAMES_FAIL,		/* fail closed */
	CW_NAMES_HOLD,		/* drop silently, TCP will send it again */
};

bool cw_names_wanted(const struct cw_flows *ft, const struct sk_buff *skb,
		     const struct cw_pkt *p);
enum cw_name_res cw_names_classify(struct cw_flows *ft,
				   const struct cw_ruleset *rs,
				   const struct sk_buff *skb, struct cw_pkt *p,
				   u64 denied, u64 *m);

int cw_names_init(void);
void cw_names_uninit(void);

#endif /* _CW_NAMES_H */
