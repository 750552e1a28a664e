/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Netfilter hooks at LOCAL_OUT (IPv4 and IPv6) of every policed network
 * namespace, and the packet-facing module parameters.
 */
#ifndef _CW_HOOKS_H
#define _CW_HOOKS_H

#include <linux/netfilter.h>
#include <net/net_namespace.h>

#include "ruleset.h"

struct cw_net;
struct cw_table;

enum cw_unconfigured_policy {
	CW_UNCONFIGURED_BLOCK,
	CW_UNCONFIGURED_ACCEPT,
};

enum cw_block_mode {
	CW_BLOCK_REJECT,
	CW_BLOCK_DROP,
};

int cw_hooks_register(struct net *net);
/* pre_exit: the hooks go; exit, after an RCU grace period: what they use. */
void cw_hooks_unregister(struct net *net);
void cw_hooks_free(struct net *net);

/* What an unconfigured, policed namespace does with non-exempt traffic. */
bool cw_hooks_unconfigured_blocks(void);

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

/* Fails the packet as the block parameter says. */
unsigned int cw_block(struct sk_buff *skb, const struct nf_hook_state *state,
		      const struct cw_pkt *p);
/* Counts, records and enforces the classification @m of the packet. */
unsigned int cw_verdict(struct cw_net *cw, struct cw_table *t,
			struct sk_buff *skb, const struct nf_hook_state *state,
			const struct cw_pkt *p, u64 denied, u64 m);

#endif /* _CW_HOOKS_H */
