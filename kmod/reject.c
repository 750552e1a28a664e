// SPDX-License-Identifier: GPL-2.0
/*
 * Replies toward a local socket, as if its peer had sent them, that make a
 * blocked flow fail at once instead of into its timeout:
 *
 *  - a reset of an established TCP flow: dropping its segment alone leaves
 *    the application waiting for retransmissions to time out (minutes).
 *    The reset carries the sequence number the socket expects next (the
 *    segment's ack_seq), which the receiver accepts as an exact in-window
 *    reset (RFC 5961);
 *  - the answer to a blocked DNS query, REFUSED or NXDOMAIN (parse.h,
 *    cw_dns_answer()): a resolver whose send fails, or that ignores the
 *    error (dig, resolvers of apps' own), would otherwise wait for its
 *    timeout, 5 s and more, and try again.
 *
 * nf_send_reset() and nf_send_reset6() would do the first but GKI kernels
 * do not export them: every reply is built here with alloc_skb() and
 * sent with ip_local_out()/ip6_local_out(), routing choices in compat.h.
 * The reply leaves through the loopback device, which the hook lets pass.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/dst.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/tcp.h>

#include "compat.h"
#include "parse.h"
#include "reject.h"

#define CW_REPLY_TTL 64
/* The largest reply: a DNS answer over TCP, its length prefix first. */
#define CW_REPLY_MAX (sizeof(struct ipv6hdr) + sizeof(struct tcphdr) + 2 + \
		      CW_DNS_ANSWER_MAX)

/*
 * The one allocation of the packet path, only for a blocked flow; atomic
 * because we may run in softirq. Room for any reply.
 */
static struct sk_buff *cw_reply_alloc(void)
{
	struct sk_buff *nskb = alloc_skb(LL_MAX_HEADER + CW_REPLY_MAX,
					 GFP_ATOMIC);

	if (nskb)
		skb_reserve(nskb, LL_MAX_HEADER);
	return nskb;
}

/*
 * The network header of a reply to @oldskb, from its destination to its
 * source; the length fields are set by ip_local_out()/ip6_local_out().
 */
static void cw_put_ip(struct sk_buff *nskb, const struct sk_buff *oldskb,
		      u8 pf, u8 proto)
{
	skb_reset_network_header(nskb);
	if (pf == NFPROTO_IPV4) {
		const struct iphdr *oiph = ip_hdr(oldskb);
		struct iphdr *niph = skb_put_zero(nskb, sizeof(*niph));

		niph->version = 4;
		niph->ihl = sizeof(*niph) / 4;
		niph->frag_off = htons(IP_DF);
		niph->protocol = proto;
		niph->ttl = CW_REPLY_TTL;
		niph->saddr = oiph->daddr;
		niph->daddr = oiph->saddr;
		nskb->protocol = htons(ETH_P_IP);
	} else {
		const struct ipv6hdr *oip6h = ipv6_hdr(oldskb);
		struct ipv6hdr *nip6h = skb_put_zero(nskb, sizeof(*nip6h));

		ip6_flow_hdr(nip6h, 0, 0);
		nip6h->nexthdr = proto;
		nip6h->hop_limit = CW_REPLY_TTL;
		nip6h->saddr = oip6h->daddr;
		nip6h->daddr = oip6h->saddr;
		nskb->protocol = htons(ETH_P_IPV6);
	}
	skb_reset_transport_header(nskb);
}

/* Routes @nskb from its header and sends it; consumes it either way. */
static bool cw_reply_send(struct net *net, const struct sk_buff *oldskb,
			  struct sk_buff *nskb, u8 pf)
{
	/* The route lookup starts from the device of the current route. */
	skb_dst_set_noref(nskb, skb_dst(oldskb));
	if (pf == NFPROTO_IPV4) {
		if (ip_route_me_harder(net, NULL, nskb, RTN_UNSPEC))
			goto drop;
		ip_local_out(net, NULL, nskb);
		return true;
	}
#if CW_HAVE_RESET6
	if (cw_ip6_route(net, nskb))
		goto drop;
	ip6_local_out(net, NULL, nskb);
	return true;
#endif
drop:
	kfree_skb(nskb);
	return false;
}

/*
 * The offset of the transport header of @oldskb, if it is of @proto, a
 * first fragment, with a route to answer along; else -1.
 */
static int cw_reply_thoff(const struct sk_buff *oldskb, u8 pf, u8 proto)
{
	__be16 frag_off;
	u8 nexthdr;
	int thoff;

	if (!skb_dst(oldskb))
		return -1;
	if (pf == NFPROTO_IPV4) {
		const struct iphdr *iph = ip_hdr(oldskb);

		if (iph->protocol != proto || iph->frag_off & htons(IP_OFFSET))
			return -1;
		return skb_network_offset(oldskb) + iph->ihl * 4;
	}
	if (!CW_HAVE_RESET6 || pf != NFPROTO_IPV6)
		return -1;
	nexthdr = ipv6_hdr(oldskb)->nexthdr;
	thoff = cw_ipv6_skip_exthdr(oldskb, skb_network_offset(oldskb) +
				    sizeof(struct ipv6hdr), &nexthdr,
				    &frag_off);
	if (thoff < 0 || nexthdr != proto || frag_off)
		return -1;
	return thoff;
}

/* The TCP header of @oldskb at @thoff, sane and inside the packet. */
static const struct tcphdr *cw_old_tcp(const struct sk_buff *oldskb,
				       int thoff, struct tcphdr *buf)
{
	const struct tcphdr *oth;

	oth = skb_header_pointer(oldskb, thoff, sizeof(*buf), buf);
	if (!oth || oth->doff < 5 ||
	    (unsigned int)thoff + oth->doff * 4 > oldskb->len)
		return NULL;
	return oth;
}

/* The TCP header of a segment from the peer of @oth's socket. */
static struct tcphdr *cw_put_tcp(struct sk_buff *nskb, const struct tcphdr *oth)
{
	struct tcphdr *th = skb_put_zero(nskb, sizeof(*th));

	th->source = oth->dest;
	th->dest = oth->source;
	th->doff = sizeof(*th) / 4;
	return th;
}

/*
 * The checksum of the TCP segment at @th, to the tail of @nskb, is left to
 * the loopback path to trust (CHECKSUM_PARTIAL, as every local TCP
 * segment).
 */
static void cw_tcp_csum(struct sk_buff *nskb, struct tcphdr *th, u8 pf)
{
	unsigned int len = skb_tail_pointer(nskb) - (unsigned char *)th;

	if (pf == NFPROTO_IPV4)
		th->check = ~tcp_v4_check(len, ip_hdr(nskb)->saddr,
					  ip_hdr(nskb)->daddr, 0);
	else
		th->check = ~tcp_v6_check(len, &ipv6_hdr(nskb)->saddr,
					  &ipv6_hdr(nskb)->daddr, 0);
	nskb->ip_summed = CHECKSUM_PARTIAL;
	nskb->csum_start = (unsigned char *)th - nskb->head;
	nskb->csum_offset = offsetof(struct tcphdr, check);
}

/* A reset at @seq, or, for a segment without ACK, acknowledging it. */
static bool cw_send_rst(struct net *net, const struct sk_buff *oldskb, u8 pf,
			const struct tcphdr *oth, int thoff, __be32 seq)
{
	struct sk_buff *nskb = cw_reply_alloc();
	struct tcphdr *th;

	if (!nskb)
		return false;
	cw_put_ip(nskb, oldskb, pf, IPPROTO_TCP);
	th = cw_put_tcp(nskb, oth);
	th->rst = 1;
	if (oth->ack) {
		th->seq = seq;
	} else {
		th->ack_seq = htonl(ntohl(oth->seq) + oth->syn + oth->fin +
				    oldskb->len - thoff - oth->doff * 4);
		th->ack = 1;
	}
	cw_tcp_csum(nskb, th, pf);
	return cw_reply_send(net, oldskb, nskb, pf);
}

void cw_reject_tcp_reset(struct net *net, const struct sk_buff *oldskb, u8 pf)
{
	int thoff = cw_reply_thoff(oldskb, pf, IPPROTO_TCP);
	struct tcphdr _oth;
	const struct tcphdr *oth;

	if (thoff < 0)
		return;
	oth = cw_old_tcp(oldskb, thoff, &_oth);
	if (oth)
		cw_send_rst(net, oldskb, pf, oth, thoff, oth->ack_seq);
}

/*
 * The query copied past the tail of @nskb (@len bytes, at most
 * CW_DNS_ANSWER_MAX: there is room) made into its answer, put; the
 * answer's length, 0 for none.
 */
static u32 cw_put_dns(struct sk_buff *nskb, u32 len, u8 rcode)
{
	len = cw_dns_answer(skb_tail_pointer(nskb), len, rcode);
	if (len)
		skb_put(nskb, len);
	return len;
}

static bool cw_answer_udp(struct net *net, const struct sk_buff *oldskb,
			  u8 pf, u8 rcode)
{
	int thoff = cw_reply_thoff(oldskb, pf, IPPROTO_UDP);
	struct udphdr _ouh, *uh;
	const struct udphdr *ouh;
	struct sk_buff *nskb;
	unsigned int len;
	__wsum csum;
	u32 n;

	if (thoff < 0)
		return false;
	ouh = skb_header_pointer(oldskb, thoff, sizeof(_ouh), &_ouh);
	if (!ouh || (unsigned int)thoff + sizeof(*ouh) >= oldskb->len)
		return false;
	nskb = cw_reply_alloc();
	if (!nskb)
		return false;
	cw_put_ip(nskb, oldskb, pf, IPPROTO_UDP);
	uh = skb_put_zero(nskb, sizeof(*uh));
	uh->source = ouh->dest;
	uh->dest = ouh->source;
	n = min_t(u32, oldskb->len - thoff - sizeof(*ouh), CW_DNS_ANSWER_MAX);
	if (skb_copy_bits(oldskb, thoff + sizeof(*ouh),
			  skb_tail_pointer(nskb), n) ||
	    !cw_put_dns(nskb, n, rcode)) {
		kfree_skb(nskb);
		return false;
	}
	len = skb_tail_pointer(nskb) - (unsigned char *)uh;
	uh->len = htons(len);
	/*
	 * A whole checksum, not one the loopback path would trust unseen:
	 * the receiving socket verifies it, so a wrong one would lose the
	 * answer (and fail the guest tests), never pass unnoticed.
	 */
	csum = csum_partial(uh, len, 0);
	if (pf == NFPROTO_IPV4)
		uh->check = csum_tcpudp_magic(ip_hdr(nskb)->saddr,
					      ip_hdr(nskb)->daddr, len,
					      IPPROTO_UDP, csum);
	else
		uh->check = csum_ipv6_magic(&ipv6_hdr(nskb)->saddr,
					    &ipv6_hdr(nskb)->daddr, len,
					    IPPROTO_UDP, csum);
	if (!uh->check)
		uh->check = CSUM_MANGLED_0;
	nskb->ip_summed = CHECKSUM_NONE;
	return cw_reply_send(net, oldskb, nskb, pf);
}

/*
 * DNS over TCP: the answer as the peer's data, at the sequence number the
 * socket expects (the segment's ack_seq), then a reset right behind it.
 * The socket queues the answer, so the resolver reads REFUSED (or
 * NXDOMAIN) first and fails on that, as it would for a server's answer;
 * the reset then ends the connection at once, since the server never saw
 * the query and the stream cannot go on (a next query on it would hang).
 * dig +tcp, measured in the guest (tests/guest/83-*): status REFUSED in a
 * few ms, where the reset alone gives "communications error: connection
 * reset" and no status. The answer's ACK only repeats the segment's start:
 * the query was dropped, never sent, and acknowledging bytes the socket
 * has not sent yet would get the whole segment discarded. Its window is
 * zero: data received makes the socket push what it has pending, the
 * dropped query, which would be answered again before the reset lands.
 */
static bool cw_answer_tcp(struct net *net, const struct sk_buff *oldskb,
			  u8 pf, const u8 *q, u32 qlen, u8 rcode)
{
	int thoff = cw_reply_thoff(oldskb, pf, IPPROTO_TCP);
	struct tcphdr _oth, *th;
	const struct tcphdr *oth;
	struct sk_buff *nskb;
	u32 mlen, len;
	u8 *pfx;

	if (thoff < 0 || qlen < 2)
		return false;
	oth = cw_old_tcp(oldskb, thoff, &_oth);
	/* A segment of an established flow. */
	if (!oth || !oth->ack || oth->syn || oth->rst)
		return false;
	mlen = min3((u32)q[0] << 8 | q[1], qlen - 2, (u32)CW_DNS_ANSWER_MAX);
	nskb = cw_reply_alloc();
	if (!nskb)
		return false;
	cw_put_ip(nskb, oldskb, pf, IPPROTO_TCP);
	th = cw_put_tcp(nskb, oth);
	th->seq = oth->ack_seq;
	th->ack_seq = oth->seq;
	th->ack = 1;
	th->psh = 1;
	th->window = 0;
	pfx = skb_put(nskb, 2);
	memcpy(skb_tail_pointer(nskb), q + 2, mlen);
	len = cw_put_dns(nskb, mlen, rcode);
	if (!len) {
		kfree_skb(nskb);
		return false;
	}
	pfx[0] = len >> 8;
	pfx[1] = len & 0xff;
	cw_tcp_csum(nskb, th, pf);
	if (!cw_reply_send(net, oldskb, nskb, pf))
		return false;
	cw_send_rst(net, oldskb, pf, oth, thoff,
		    htonl(ntohl(oth->ack_seq) + 2 + len));
	return true;
}

bool cw_reject_dns(struct net *net, const struct sk_buff *oldskb, u8 pf,
		   u8 proto, const u8 *tcp_q, u32 tcp_len, u8 rcode)
{
	if (proto == IPPROTO_UDP)
		return cw_answer_udp(net, oldskb, pf, rcode);
	if (proto == IPPROTO_TCP && tcp_q)
		return cw_answer_tcp(net, oldskb, pf, tcp_q, tcp_len, rcode);
	return false;
}
