/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything that differs between kernel versions, or between a full kernel
 * and an Android GKI kernel (whose vendor modules may only call the symbols
 * of the GKI lists), lives here and nowhere else.
 *
 * Supported: what the test matrix proves (make check-matrix, the cells of
 * tests/qemu/cells): the whole guest suite on Debian's stock 6.1 and 6.12
 * kernels, each on x86_64 and arm64. 6.1 is the floor; nothing older is
 * claimed. Kernels between the two (6.6, android15's base) are not booted
 * here: the choices below test features (is the macro defined), not
 * version numbers, so such a kernel takes the paths of one end or the
 * other.
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

/**
 * cw_ipv6_skip_exthdr() - find the transport header behind IPv6 extension headers
 * @skb: the packet
 * @start: offset of the first header after the fixed IPv6 header
 * @nexthdr: in: the fixed header's next header; out: the type found
 * @frag_off: out: the fragment header's offset field, 0 without one
 *
 * The kernel's ipv6_skip_exthdr() is a GKI symbol only by some vendors'
 * favour (6.1: qcom and mtk lists, not pixel's; 6.6: not pixel's), so this
 * walk uses skb_header_pointer() alone (inline over skb_copy_bits(), in
 * every list), with ipv6_skip_exthdr()'s contract. At a non-first fragment
 * the walk stops there, *@nexthdr NEXTHDR_FRAGMENT. Every step advances by
 * at least 8 bytes, so a chain longer than the packet ends at its end.
 * Context: any; reads the packet only.
 *
 * Return: the offset of the first header that is not an extension header,
 * or -1 for a chain that is cut short or ends in NEXTHDR_NONE.
 */
static inline int cw_ipv6_skip_exthdr(const struct sk_buff *skb, int start,
				      u8 *nexthdr, __be16 *frag_off)
{
	u8 nh = *nexthdr;

	*frag_off = 0;
	for (;;) {
		struct ipv6_opt_hdr _hdr;
		const struct ipv6_opt_hdr *hp;
		struct frag_hdr _fh;
		const struct frag_hdr *fh;

		switch (nh) {
		case NEXTHDR_HOP:
		case NEXTHDR_ROUTING:
		case NEXTHDR_DEST:
		case NEXTHDR_AUTH:
		case NEXTHDR_FRAGMENT:
			break;
		case NEXTHDR_NONE:
			return -1;
		default:
			*nexthdr = nh;
			return start;
		}
		if (nh == NEXTHDR_FRAGMENT) {
			fh = skb_header_pointer(skb, start, sizeof(_fh), &_fh);
			if (!fh)
				return -1;
			*frag_off = fh->frag_off;
			if (ntohs(fh->frag_off) & ~0x7) {
				*nexthdr = nh;
				return start;
			}
			nh = fh->nexthdr;
			start += sizeof(_fh);
			continue;
		}
		hp = skb_header_pointer(skb, start, sizeof(_hdr), &_hdr);
		if (!hp)
			return -1;
		start += nh == NEXTHDR_AUTH ? ipv6_authlen(hp) : ipv6_optlen(hp);
		nh = hp->nexthdr;
	}
}

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
 * Generic netlink ops: struct genl_ops with a policy per op works on
 * both ends of the matrix, 6.1 and 6.12 (split ops since 6.2 included),
 * so netlink.c uses it as is. Older kernels are not claimed:
 * NL_SET_ERR_ATTR_MISS, for one, is newer than 5.10.
 */

#endif /* _CW_COMPAT_H */
