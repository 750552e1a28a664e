/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything that differs between kernel versions, or between a full kernel
 * and an Android GKI kernel (whose vendor modules may only call the symbols
 * of the GKI lists), lives here and nowhere else.
 */
#ifndef _CW_COMPAT_H
#define _CW_COMPAT_H

#include <linux/version.h>
#include <linux/skbuff.h>
#include <linux/ipv6.h>
#include <net/ipv6.h>
#include <linux/netlink.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>

/*
 * Routing of the TCP reset that reject.c sends toward a local socket.
 *
 * IPv4: ip_route_me_harder() is in the GKI symbol lists.
 *
 * IPv6: nf_send_reset6() and nf_ip6_route() are not usable on GKI. The
 * helper the ip6tables mangle table uses, ip6_route_me_harder(), is exported
 * by the core IPv6 code (EXPORT_SYMBOL, built in whenever IPv6 is) and
 * routes a locally built packet from its header exactly as we need. A GKI
 * symbol list that lacks it must define CW_NO_IP6_ROUTE_ME_HARDER: the
 * blocked IPv6 flow is then dropped without a reset, which is still a
 * block, only a slower failure for the application.
 */
#if IS_ENABLED(CONFIG_IPV6) && !defined(CW_NO_IP6_ROUTE_ME_HARDER)
#define CW_HAVE_RESET6 1
/**
 * cw_ip6_route() - route a locally built IPv6 packet from its header
 * @net: the namespace it is sent in
 * @skb: the packet, its IPv6 header written
 *
 * Context: any context (the LOCAL_OUT hook).
 * Return: 0, or a negative errno when no route was found.
 */
static inline int cw_ip6_route(struct net *net, struct sk_buff *skb)
{
	return ip6_route_me_harder(net, NULL, skb);
}
#else
#define CW_HAVE_RESET6 0
#endif

/*
 * Formatted extack messages (NL_SET_ERR_MSG_FMT_MOD) arrived in 6.2; before
 * that a message must be a static string, so the owner's port id is left
 * out (GET_STATUS reports it as CW_A_OWNER).
 */
#ifdef NL_SET_ERR_MSG_FMT_MOD
#define CW_SET_ERR_MSG_OWNED(extack, port)				\
	NL_SET_ERR_MSG_FMT_MOD(extack, "namespace already owned by port %u", \
			       port)
#else
#define CW_SET_ERR_MSG_OWNED(extack, port)				\
	NL_SET_ERR_MSG_MOD(extack,					\
			   "namespace already owned by another socket")
#endif

/*
 * An extack message that is not a literal: the ruleset builder's, static
 * strings shared with the host tests. From 6.2, NL_SET_ERR_MSG_FMT copies
 * it (and traces it, as every NL_SET_ERR_MSG does); 6.1's macros take
 * string literals only, so there it is pointed at, as they would do.
 */
#ifdef NL_SET_ERR_MSG_FMT
#define CW_SET_ERR_MSG_STR(extack, str) NL_SET_ERR_MSG_FMT(extack, "%s", str)
#else
#define CW_SET_ERR_MSG_STR(extack, str) do {				\
	struct netlink_ext_ack *__extack = (extack);			\
									\
	if (__extack)							\
		__extack->_msg = (str);					\
} while (0)
#endif

/*
 * Generic netlink ops: struct genl_ops with a policy per op works from 5.10
 * on, including kernels with split ops (6.2+), so netlink.c uses it as is.
 */

#endif /* _CW_COMPAT_H */
