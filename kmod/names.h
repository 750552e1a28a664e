/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Destination names for the packet path: DNS query names, TLS SNI and
 * HTTP Host read from the first payload of a flow (see names.c).
 */
#ifndef _CW_NAMES_H
#define _CW_NAMES_H

#include <linux/netfilter.h>

#include "hooks.h"

struct cw_net;
struct cw_table;

/* Whether the packet may carry a name worth parsing. */
bool cw_may_name(const struct cw_pkt *p);

/* Classifies @p by its name as well, then counts and enforces it. */
unsigned int cw_hook_names(struct cw_net *cw, struct cw_table *t,
			   struct sk_buff *skb, const struct nf_hook_state *state,
			   struct cw_pkt *p, u64 denied);

/* The per-CPU parse area, shared by every namespace with hooks. */
int cw_names_get(void);
void cw_names_put(void);

#endif /* _CW_NAMES_H */
