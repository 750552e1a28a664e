/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fast failure of a blocked TCP flow that is past its handshake: a reset
 * sent toward the local socket, as if the peer had sent it.
 */
#ifndef _CW_REJECT_H
#define _CW_REJECT_H

#include <linux/skbuff.h>
#include <net/net_namespace.h>

/**
 * cw_reject_tcp_reset() - reset the local socket of a blocked TCP segment
 * @net: the namespace the segment leaves from
 * @oldskb: the blocked segment (left as it is: the caller drops it)
 * @pf: NFPROTO_IPV4 or NFPROTO_IPV6
 *
 * Builds a RST as if the peer had sent it and sends it toward the local
 * socket. Without memory or a route (or without ip6_route_me_harder() on
 * GKI, see compat.h) nothing is sent: the segment is still dropped.
 *
 * Context: the LOCAL_OUT hook, any context; allocates with GFP_ATOMIC.
 */
void cw_reject_tcp_reset(struct net *net, const struct sk_buff *oldskb,
			 u8 pf);

#endif /* _CW_REJECT_H */
