// SPDX-License-Identifier: GPL-2.0
/*
 * A blocked segment of an established TCP flow: dropping it alone leaves
 * the application waiting for retransmissions to time out (minutes), so we
 * also send a reset toward the local socket, addressed from the peer, with
 * the sequence number the socket expects next (the segment's ack_seq), which
 * the receiver accepts as an exact in-window reset (RFC 5961).
 *
 * nf_send_reset() and nf_send_reset6() would do this but GKI kernels do not
 * export them: the reset is built here with alloc_skb()/skb_reserve() and
 * sent with ip_local_out()/ip6_local_out(), routing choices in compat.h.
 * The reset leaves through the loopback device, which the hook lets pass.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/tcp.h>
#include <net/dst.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/tcp.h>

#include "compat.h"
#include "reject.h"

#define CW_RST_TTL 64

/* Fills the TCP header of the reset that answers @oth of @oldskb. */
static struct tcphdr *cw_put_rst(struct sk_buff *nskb, const struct tcphdr *oth,
				 unsigned int payload)
{
	struct tcphdr *th;

	skb_reset_transport_header(nskb);
	th = skb_put_zero(nskb, sizeof(*th));
	th->source = oth->dest;
	th->dest = oth->source;
	th->doff = sizeof(*th) / 4;
	th->rst = 1;
	if (oth->ack) {
		th->seq = oth->ack_seq;
	} else {
		th->ack_seq = htonl(ntohl(oth->seq) + oth->syn + oth->fin +
				    payload);
		th->ack = 1;
	}
	nskb->ip_summed = CHECKSUM_PARTIAL;
	nskb->csum_start = (unsigned char *)th - nskb->head;
	nskb->csum_offset = offsetof(struct tcphdr, check);
	return th;
}

static void cw_reset4(struct net *net, const struct sk_buff *oldskb)
{
	const struct iphdr *oiph = ip_hdr(oldskb);
	unsigned int thoff = skb_network_offset(oldskb) + oiph->ihl * 4;
	struct tcphdr _oth, *th;
	const struct tcphdr *oth;
	struct sk_buff *nskb;
	struct iphdr *niph;

	oth = skb_header_pointer(oldskb, thoff, sizeof(_oth), &_oth);
	if (!oth || oth->doff < 5 || thoff + oth->doff * 4 > oldskb->len ||
	    !skb_dst(oldskb))
		return;

	/*
	 * The one allocation of the packet path, only for a blocked segment
	 * of an established flow; atomic because we may run in softirq.
	 */
	nskb = alloc_skb(LL_MAX_HEADER + sizeof(struct iphdr) +
			 sizeof(struct tcphdr), GFP_ATOMIC);
	if (!nskb)
		return;
	skb_reserve(nskb, LL_MAX_HEADER);

	skb_reset_network_header(nskb);
	niph = skb_put_zero(nskb, sizeof(*niph));
	niph->version = 4;
	niph->ihl = sizeof(*niph) / 4;
	niph->frag_off = htons(IP_DF);
	niph->protocol = IPPROTO_TCP;
	niph->ttl = CW_RST_TTL;
	niph->saddr = oiph->daddr;
	niph->daddr = oiph->saddr;
	nskb->protocol = htons(ETH_P_IP);

	th = cw_put_rst(nskb, oth, oldskb->len - thoff - oth->doff * 4);
	th->check = ~tcp_v4_check(sizeof(*th), niph->saddr, niph->daddr, 0);

	/* ip_route_me_harder() starts from the device of the current route. */
	skb_dst_set_noref(nskb, skb_dst(oldskb));
	if (ip_route_me_harder(net, NULL, nskb, RTN_UNSPEC)) {
		kfree_skb(nskb);
		return;
	}
	ip_local_out(net, NULL, nskb);
}

#if CW_HAVE_RESET6
static void cw_reset6(struct net *net, const struct sk_buff *oldskb)
{
	const struct ipv6hdr *oip6h = ipv6_hdr(oldskb);
	struct tcphdr _oth, *th;
	const struct tcphdr *oth;
	struct ipv6hdr *nip6h;
	struct sk_buff *nskb;
	__be16 frag_off;
	u8 nexthdr = oip6h->nexthdr;
	int thoff;

	thoff = ipv6_skip_exthdr(oldskb, skb_network_offset(oldskb) +
				 sizeof(*oip6h), &nexthdr, &frag_off);
	if (thoff < 0 || nexthdr != IPPROTO_TCP || frag_off ||
	    !skb_dst(oldskb))
		return;
	oth = skb_header_pointer(oldskb, thoff, sizeof(_oth), &_oth);
	if (!oth || oth->doff < 5 ||
	    (unsigned int)thoff + oth->doff * 4 > oldskb->len)
		return;

	/* As for IPv4: the only allocation, atomic, established flows only. */
	nskb = alloc_skb(LL_MAX_HEADER + sizeof(struct ipv6hdr) +
			 sizeof(struct tcphdr), GFP_ATOMIC);
	if (!nskb)
		return;
	skb_reserve(nskb, LL_MAX_HEADER);

	skb_reset_network_header(nskb);
	nip6h = skb_put_zero(nskb, sizeof(*nip6h));
	ip6_flow_hdr(nip6h, 0, 0);
	nip6h->nexthdr = IPPROTO_TCP;
	nip6h->hop_limit = CW_RST_TTL;
	nip6h->saddr = oip6h->daddr;
	nip6h->daddr = oip6h->saddr;
	nskb->protocol = htons(ETH_P_IPV6);

	th = cw_put_rst(nskb, oth, oldskb->len - thoff - oth->doff * 4);
	th->check = ~tcp_v6_check(sizeof(*th), &nip6h->saddr, &nip6h->daddr,
				  0);

	skb_dst_set_noref(nskb, skb_dst(oldskb));
	if (cw_ip6_route(net, nskb)) {
		kfree_skb(nskb);
		return;
	}
	ip6_local_out(net, NULL, nskb);
}
#endif

void cw_reject_tcp_reset(struct net *net, const struct sk_buff *oldskb, u8 pf)
{
	if (pf == NFPROTO_IPV4)
		cw_reset4(net, oldskb);
#if CW_HAVE_RESET6
	else if (pf == NFPROTO_IPV6)
		cw_reset6(net, oldskb);
#endif
}
