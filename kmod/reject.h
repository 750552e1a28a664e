/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fast failure of a blocked flow: a reset of a TCP flow past its
 * handshake, or the answer to a DNS query, sent toward the local socket as
 * if the peer had sent it.
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

/**
 * cw_reject_dns() - answer a blocked DNS query in place of its server
 * @net: the namespace the query leaves from
 * @oldskb: the blocked query (left as it is: the caller drops it)
 * @pf: NFPROTO_IPV4 or NFPROTO_IPV6
 * @proto: IPPROTO_UDP or IPPROTO_TCP
 * @tcp_q: TCP only: the query's first bytes, from its 2-byte length prefix,
 *         as the name parser read them (NULL: nothing is answered); a UDP
 *         query is read from the datagram
 * @tcp_len: how many bytes @tcp_q holds
 * @rcode: CW_DNS_REFUSED or CW_DNS_NXDOMAIN (parse.h)
 *
 * Sends the answer (cw_dns_answer()) from the server's address and port to
 * the query's source address and port; over TCP, as the peer's data, then
 * a reset. Nothing is sent for a packet that holds no whole query, without
 * memory or without a route.
 *
 * Context: the LOCAL_OUT hook, any context; allocates with GFP_ATOMIC.
 * Return: true if the answer was sent.
 */
bool cw_reject_dns(struct net *net, const struct sk_buff *oldskb, u8 pf,
		   u8 proto, const u8 *tcp_q, u32 tcp_len, u8 rcode);

#endif /* _CW_REJECT_H */
