// SPDX-License-Identifier: GPL-2.0
/*
 * The packet path: every locally generated IPv4 and IPv6 packet passes
 * through cw_hook_out() at LOCAL_OUT. It runs in any context (process,
 * softirq), under the RCU read lock that nf_hook() holds, and must never
 * allocate (except for a reply, see reject.c), sleep or wait on a lock.
 * Every packet delivered to the host passes cw_hook_in() at LOCAL_IN,
 * which only reads DNS answers (learned.h) and accepts everything.
 */
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/percpu.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/sock.h>
#include <net/inet_sock.h>
#include <net/request_sock.h>

#include "compat.h"
#include "events.h"
#include "hooks.h"
#include "learned.h"
#include "names.h"
#include "net.h"
#include "parse.h"
#include "reject.h"
#include "scan.h"

enum cw_block_mode {
	CW_BLOCK_REJECT,
	CW_BLOCK_DROP,
};

static int cw_block_mode = CW_BLOCK_REJECT;
static const char * const cw_block_names[] = {
	[CW_BLOCK_REJECT] = "reject",
	[CW_BLOCK_DROP] = "drop",
};

static struct cw_param_enum cw_block_param = {
	.value = &cw_block_mode,
	.names = cw_block_names,
	.nr = ARRAY_SIZE(cw_block_names),
};
module_param_cb(block, &cw_param_enum_ops, &cw_block_param, 0644);
MODULE_PARM_DESC(block,
		 "How a blocked packet fails: reject (default: connect/send fail at once, established TCP flows get a reset) or drop (silent)");

enum cw_dns_answer_mode {
	CW_DNS_ANSWER_REFUSED,
	CW_DNS_ANSWER_NXDOMAIN,
};

static int cw_dns_answer_mode = CW_DNS_ANSWER_REFUSED;
static const char * const cw_dns_answer_names[] = {
	[CW_DNS_ANSWER_REFUSED] = "refused",
	[CW_DNS_ANSWER_NXDOMAIN] = "nxdomain",
};

static struct cw_param_enum cw_dns_answer_param = {
	.value = &cw_dns_answer_mode,
	.names = cw_dns_answer_names,
	.nr = ARRAY_SIZE(cw_dns_answer_names),
};
module_param_cb(dns_answer, &cw_param_enum_ops, &cw_dns_answer_param, 0644);
MODULE_PARM_DESC(dns_answer,
		 "The answer a blocked DNS query gets at once, with block=reject: refused (default) or nxdomain");

static bool cw_proto_has_ports(u8 proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_UDPLITE || proto == IPPROTO_SCTP ||
	       proto == IPPROTO_DCCP;
}

static __always_inline void cw_parse_l4(const struct sk_buff *skb, int thoff,
					struct cw_pkt *p)
{
	u8 proto = p->flow.proto;

	if (cw_proto_has_ports(proto)) {
		/*
		 * Ports first; TCP sequence number in bytes 4-7, data offset
		 * in the high nibble of byte 12, flags in byte 13.
		 */
		u8 _h[14] __uninitialized;	/* filled if used */
		const u8 *h;
		unsigned int need = proto == IPPROTO_TCP ? 14 : 4, hlen = 0;

		h = skb_header_pointer(skb, thoff, need, _h);
		if (!h)
			return;
		p->sport = (h[0] << 8) | h[1];
		p->flow.dport = (h[2] << 8) | h[3];
		if (proto == IPPROTO_TCP) {
			p->tcp_flags = h[13];
			p->seq = (u32)h[4] << 24 | h[5] << 16 | h[6] << 8 | h[7];
			hlen = (h[12] >> 4) * 4;
			if (hlen < sizeof(struct tcphdr))
				hlen = 0;
		} else if (proto == IPPROTO_UDP) {
			hlen = sizeof(struct udphdr);
		}
		/* A payload only behind a sane header inside the packet. */
		if (hlen && thoff + hlen < skb->len) {
			p->poff = thoff + hlen;
			p->plen = skb->len - p->poff;
		}
		p->has_l4 = true;
	} else if (proto == IPPROTO_ICMPV6) {
		u8 _t __uninitialized;
		const u8 *t = skb_header_pointer(skb, thoff, 1, &_t);

		if (!t)
			return;
		p->icmp6_type = *t;
		p->has_l4 = true;
	}
}

/*
 * Fills @p, zeroed by the caller, from the packet. A fragment other than
 * the first has no transport header: its port is 0 and only port-less
 * entries match it. Returns false if not even the network header is
 * readable. (The bounce buffers of skb_header_pointer() are written before
 * they are read: __uninitialized spares the packet path their zeroing by
 * CONFIG_INIT_STACK_ALL_ZERO, a rep stos each.)
 */
static __always_inline bool cw_parse(const struct sk_buff *skb, u8 pf,
				     struct cw_pkt *p)
{
	int noff = skb_network_offset(skb);

	p->flow.daddr = p->daddr;

	if (pf == NFPROTO_IPV4) {
		struct iphdr _iph __uninitialized;
		const struct iphdr *iph;

		iph = skb_header_pointer(skb, noff, sizeof(_iph), &_iph);
		if (!iph || iph->ihl < 5)
			return false;
		memcpy(p->daddr, &iph->daddr, 4);
		p->flow.family = AF_INET;
		p->flow.proto = iph->protocol;
		if (!(iph->frag_off & htons(IP_OFFSET)))
			cw_parse_l4(skb, noff + iph->ihl * 4, p);
		return true;
	}

#if IS_ENABLED(CONFIG_IPV6)
	if (pf == NFPROTO_IPV6) {
		struct ipv6hdr _ip6h __uninitialized;
		const struct ipv6hdr *ip6h;
		__be16 frag_off = 0;
		u8 nexthdr;
		int thoff;

		ip6h = skb_header_pointer(skb, noff, sizeof(_ip6h), &_ip6h);
		if (!ip6h)
			return false;
		memcpy(p->daddr, &ip6h->daddr, 16);
		p->flow.family = AF_INET6;
		nexthdr = ip6h->nexthdr;
		thoff = cw_ipv6_skip_exthdr(skb, noff + sizeof(*ip6h),
					    &nexthdr, &frag_off);
		p->flow.proto = nexthdr;
		if (thoff >= 0 && !(frag_off & htons(~0x7)))
			cw_parse_l4(skb, thoff, p);
		return true;
	}
#endif
	return false;
}

static void cw_fill_uid(const struct sk_buff *skb, struct cw_flow *f)
{
	/* A request socket speaks for its listener, the app that owns it. */
	const struct sock *sk = skb_to_full_sk(skb);

	if (sk && sk_fullsock(sk)) {
		f->uid = __kuid_val(sk->sk_uid);
		f->has_uid = true;
	}
}

static bool cw_out_is_loopback(const struct nf_hook_state *state)
{
	return state->out && (state->out->flags & IFF_LOOPBACK);
}

/*
 * What a host needs to get an address before any ruleset exists:
 * DHCPv4 (udp 68 -> 67), DHCPv6 (udp 546 -> 547) and ICMPv6 router
 * solicitation, neighbour solicitation/advertisement and MLDv2 reports.
 */
static bool cw_unconfigured_exempt(const struct cw_pkt *p)
{
	if (!p->has_l4)
		return false;
	if (p->flow.proto == IPPROTO_UDP) {
		if (p->flow.family == AF_INET)
			return p->sport == 68 && p->flow.dport == 67;
		return p->sport == 546 && p->flow.dport == 547;
	}
	if (p->flow.proto == IPPROTO_ICMPV6 && p->flow.family == AF_INET6) {
		switch (p->icmp6_type) {
		case NDISC_ROUTER_SOLICITATION:
		case NDISC_NEIGHBOUR_SOLICITATION:
		case NDISC_NEIGHBOUR_ADVERTISEMENT:
		case ICMPV6_MLD2_REPORT:
			return true;
		}
	}
	return false;
}

static unsigned int cw_block(struct sk_buff *skb,
			     const struct nf_hook_state *state,
			     const struct cw_pkt *p)
{
	if (READ_ONCE(cw_block_mode) == CW_BLOCK_DROP)
		return NF_DROP;

	/*
	 * A DNS query is answered in the server's place, so that every
	 * resolver fails at once, as if the server had refused it: the
	 * datagram is taken (its send succeeds, the answer follows); a TCP
	 * query's segment is dropped, its flow reset behind the answer.
	 */
	if (p->has_l4 && p->flow.dport == 53 &&
	    cw_reject_dns(state->net, skb, state->pf, p->flow.proto,
			  p->dns_q, p->dns_len,
			  READ_ONCE(cw_dns_answer_mode) == CW_DNS_ANSWER_NXDOMAIN ?
			  CW_DNS_NXDOMAIN : CW_DNS_REFUSED)) {
		this_cpu_inc(cw_net(state->net)->stats->dns_answered);
		if (p->flow.proto == IPPROTO_TCP)
			return NF_DROP;
		kfree_skb(skb);
		return NF_STOLEN;
	}

	if (p->flow.proto == IPPROTO_TCP && p->has_l4) {
		u8 fl = p->tcp_flags;

		/* No reset answers a reset. */
		if (fl & TCPHDR_RST)
			return NF_DROP;
		/*
		 * A segment of a flow past its SYN (data, ACK, FIN, SYN-ACK):
		 * the socket would only retransmit into the void, so reset it
		 * from "the peer" and the application sees ECONNRESET now.
		 */
		if (!(fl & TCPHDR_SYN) || (fl & TCPHDR_ACK)) {
			cw_reject_tcp_reset(state->net, skb, state->pf);
			return NF_DROP;
		}
	}
	/*
	 * A SYN, a datagram or anything else: the error travels back through
	 * ip_local_out() to tcp_connect() or sendmsg(), which fail at once.
	 */
	return NF_DROP_ERR(-ECONNREFUSED);
}

static unsigned int cw_hook_unconfigured(struct cw_net *cw,
					 struct sk_buff *skb,
					 const struct nf_hook_state *state)
{
	struct cw_pkt p = {};

	if (!cw_net_unconfigured_blocks() || cw_out_is_loopback(state))
		return NF_ACCEPT;
	if (cw_parse(skb, state->pf, &p) && cw_unconfigured_exempt(&p))
		return NF_ACCEPT;
	this_cpu_inc(cw->stats->unconfigured_blocked);
	return cw_block(skb, state, &p);
}

static void cw_count(struct cw_table *t, u64 mask, bool blocked,
		     unsigned int len)
{
	while (mask) {
		unsigned int i = __ffs64(mask);
		struct cw_purpose_stats __percpu *s = &t->stats->p[i];

		mask &= mask - 1;
		if (blocked) {
			this_cpu_inc(s->blocked_packets);
			this_cpu_add(s->blocked_bytes, len);
		} else {
			this_cpu_inc(s->allowed_packets);
			this_cpu_add(s->allowed_bytes, len);
		}
	}
}

/* Counts, records and enforces the classification @m of the packet. */
static unsigned int cw_verdict(struct cw_net *cw, struct cw_table *t,
			       struct sk_buff *skb,
			       const struct nf_hook_state *state,
			       const struct cw_pkt *p, u64 denied, u64 m)
{
	if (m & denied) {
		cw_count(t, m & denied, true, skb->len);
		cw_events_record(cw, t, &p->flow, m & denied, NULL);
		return cw_block(skb, state, p);
	}
	cw_count(t, m, false, skb->len);
	return NF_ACCEPT;
}

/*
 * The name of the flow being blocked, for its event, when the packet
 * does not carry it: the remembered flow's (cw_recall()) or the one whose
 * DNS answer bound the address (cw_verdict_learned()). Used with bottom
 * halves off.
 */
static DEFINE_PER_CPU(char[CW_NAME_MAX + 1], cw_recall_name);

/*
 * cw_verdict() for a packet that a learned address binds to a denied
 * purpose: its event names the host the DNS answer was for, as if the
 * flow had shown it, so that the log says which host was blocked. The
 * name is looked up again only here, for blocked packets.
 */
static noinline unsigned int
cw_verdict_learned(struct cw_net *cw, struct cw_table *t, struct sk_buff *skb,
		   const struct nf_hook_state *state, struct cw_pkt *p,
		   u64 denied, u64 m)
{
	unsigned int verdict;
	char *name;

	local_bh_disable();
	if (!p->flow.name) {
		name = this_cpu_ptr(cw_recall_name);
		if (cw_learned_match(cw->learned, t->generation, &p->flow,
				     name) && name[0]) {
			p->flow.name = name;
			p->flow.name_len = strlen(name);
		}
	}
	verdict = cw_verdict(cw, t, skb, state, p, denied, m);
	local_bh_enable();
	return verdict;
}

/*
 * The purposes a packet meets by a destination address that a DNS answer
 * bound (learned.h), when it shows no name of its own. A flow is judged
 * at its first payload: what it sends before (a SYN, the handshake's ACK)
 * meets no binding, for a name may follow. A flow that showed its name
 * (SNI, Host, QUIC SNI: @p->flow.name, seen by the name parsers, @first)
 * is judged by that name for good, not by an address it may share with
 * others (a CDN's); one whose name is still to come
 * (@p->name_pending) meets no binding yet.
 */
static noinline u64 cw_hook_learned(struct cw_net *cw, const struct cw_table *t,
				    const struct sk_buff *skb,
				    const struct cw_pkt *p, bool first)
{
	const struct sock *sk = skb_to_full_sk(skb);
	bool tcp = p->flow.proto == IPPROTO_TCP;
	u64 m;

	m = cw_learned_match(cw->learned, t->generation, &p->flow, NULL);
	if (!m || p->name_pending)
		return 0;
	if (sk && !sk_fullsock(sk))
		sk = NULL;
	/*
	 * A TCP stream's first payload says what its flow is, named or not;
	 * a datagram only when it names one (a QUIC Initial): the other
	 * packets of a QUIC connection, its Handshake ones included, show
	 * no name and keep the one it showed.
	 */
	if (first && (p->flow.name || tcp)) {
		cw_learned_set_named(cw->learned, sk, &p->flow, p->sport);
		return p->flow.name ? 0 : m;
	}
	if (tcp && !p->plen && sk && sk->sk_protocol == IPPROTO_TCP &&
	    READ_ONCE(tcp_sk(sk)->bytes_acked) <= 1)
		return 0;
	/* after a FIN the peer's FIN is still to be acknowledged: RST only */
	if (cw_learned_named(cw->learned, sk, &p->flow, p->sport,
			     tcp && (p->tcp_flags & TCPHDR_RST)))
		return 0;
	return m;
}

/*
 * The flow memory (flows.h). A TCP flow is keyed by its socket, as an
 * identity, with its ports, its destination and its initial send
 * sequence: snd_una - bytes_acked, which the receive path moves together
 * (tcp_snd_una_update()), so it stays what it was at connect for the
 * connection's life, and a connection on a socket reallocated at the same
 * address with the same ports has another (random) one. All of it is read
 * from the socket and the headers: the same for every segment of a GSO
 * skb, for retransmissions, and on whichever CPU the socket sends from;
 * no per-CPU or per-skb state is involved. The fields are stable here for
 * the reason names.c gives for snd_una. Why not something else on GKI:
 * the socket cookie is made by __sock_gen_cookie(), and a conntrack
 * extension by nf_ct_ext_add(), neither of which is in a GKI symbol list
 * (../shared/GKI.md), and conntrack need not even be loaded; reading
 * socket and header fields needs no symbol at all. A QUIC connection is
 * its destination and ports, as quic_flows.c keys it.
 */
static __always_inline bool cw_mem_key_of(const struct sk_buff *skb,
					  const struct cw_pkt *p,
					  struct cw_mem_key *k)
{
	const struct sock *sk;

	if (!p->has_l4)
		return false;
	k->sk = NULL;
	k->isn = 0;
	if (p->flow.proto == IPPROTO_TCP) {
		const struct tcp_sock *tp;

		sk = skb_to_full_sk(skb);
		if (!sk || !sk_fullsock(sk) || sk->sk_protocol != IPPROTO_TCP)
			return false;
		tp = tcp_sk(sk);
		k->sk = sk;
		k->isn = READ_ONCE(tp->snd_una) -
			 (u32)READ_ONCE(tp->bytes_acked);
	} else if (p->flow.proto != IPPROTO_UDP) {
		return false;
	}
	k->sport = p->sport;
	k->dport = p->flow.dport;
	k->proto = p->flow.proto;
	memcpy(k->daddr, p->daddr, 16);
	return true;
}

/*
 * A flow the name in @p classified as @m: remembered, whatever it
 * matched, so that a withdrawal or a later commit reaches it. Returns
 * false for a flow of a purpose that finds no room: it must be refused.
 */
static bool cw_remember(struct cw_net *cw, const struct cw_table *t,
			const struct sk_buff *skb, const struct cw_pkt *p,
			u64 m)
{
	struct cw_mem_entry *e;
	struct cw_mem_key k;

	if (p->flow.dport == 53 || !cw_mem_key_of(skb, p, &k))
		return true;	/* DNS, or no flow to follow: per packet */
	cw_mem_lock(cw->mem);
	e = cw_mem_add(cw->mem, &k, cw_flow_owner(&p->flow), m);
	if (e) {
		if (!e->generation)
			this_cpu_inc(cw->stats->flows_remembered);
		memcpy(e->name, p->flow.name, p->flow.name_len);
		e->name[p->flow.name_len] = '\0';
		e->named = true;
		e->name_len = p->flow.name_len;
		e->match = m;
		e->generation = t->generation;
	}
	cw_mem_unlock(cw->mem);
	if (!e && m) {
		this_cpu_inc(cw->stats->flows_refused);
		return false;
	}
	return true;
}

/*
 * Without the lock: the key of @p's flow, and whether the memory may hold
 * it. Most packets looked up belong to no remembered flow: this answers
 * them, and only a flow that may be there takes the lock (cw_recall()).
 */
static __always_inline bool cw_recall_key(struct cw_net *cw,
					  const struct sk_buff *skb,
					  const struct cw_pkt *p,
					  struct cw_mem_key *k)
{
	return cw_mem_key_of(skb, p, k) && cw_mem_seen(cw->mem, k);
}

/*
 * A packet that carries no name of its own, of the flow @k that the
 * memory may hold (cw_recall_key()): if it is remembered, what its name
 * matched, judged again by a ruleset committed since. With bottom halves
 * off (the caller's): a blocked flow's name is left in @p->flow, in this
 * CPU's cw_recall_name, for the event.
 */
static bool cw_recall(struct cw_net *cw, const struct cw_table *t,
		      struct cw_pkt *p, const struct cw_mem_key *k,
		      u64 denied, u64 *m)
{
	struct cw_mem_entry *e;
	unsigned long timeout;
	u8 fl = p->tcp_flags;

	cw_mem_lock(cw->mem);
	/* looked for again: what cw_mem_seen() saw may have changed */
	e = cw_mem_find(cw->mem, k);
	/* an entry that only carries an identifier scan names nothing */
	if (!e || !e->named) {
		cw_mem_unlock(cw->mem);
		return false;
	}
	p->flow.name = e->name;
	p->flow.name_len = e->name_len;
	if (e->generation != t->generation) {
		e->match = cw_ruleset_match(t->rs, &p->flow);
		e->generation = t->generation;
	}
	*m = e->match;
	if (*m & denied) {
		char *name = this_cpu_ptr(cw_recall_name);

		memcpy(name, e->name, e->name_len + 1);
		p->flow.name = name;
		if (!e->revoked)
			this_cpu_inc(cw->stats->flows_revoked);
		e->revoked = true;
	} else {
		p->flow.name = NULL;
		p->flow.name_len = 0;
		e->revoked = false;
	}
	if (k->proto == IPPROTO_TCP && (fl & TCPHDR_RST)) {
		cw_mem_forget(cw->mem, e);
	} else {
		/*
		 * A flow that is blocked keeps its entry while it sends, so
		 * that a retransmission is blocked again (block=drop).
		 */
		if (k->proto == IPPROTO_TCP && (fl & TCPHDR_FIN))
			e->fin = true;
		if (e->fin || (*m & denied))
			timeout = CW_MEM_FIN_TIMEOUT;
		else if (e->match)
			timeout = CW_MEM_TIMEOUT;
		else
			timeout = CW_MEM_IDLE_TIMEOUT;
		cw_mem_touch(cw->mem, e, timeout);
	}
	cw_mem_unlock(cw->mem);
	return true;
}

/*
 * A packet of a namespace whose ruleset has names that carries none
 * itself, of a flow the memory may hold (cw_recall_key() gave @k): judged
 * by its flow's remembered name, or as if the memory were not there
 * (*@done false).
 */
static noinline unsigned int
cw_hook_recall(struct cw_net *cw, struct cw_table *t, struct sk_buff *skb,
	       const struct nf_hook_state *state, struct cw_pkt *p,
	       const struct cw_mem_key *k, u64 denied, bool *done)
{
	unsigned int verdict = NF_ACCEPT;
	u64 m;

	local_bh_disable();
	*done = cw_recall(cw, t, p, k, denied, &m);
	if (*done)
		verdict = cw_verdict(cw, t, skb, state, p, denied, m);
	local_bh_enable();
	return verdict;
}

/*
 * A payload the name parsers look at. The name they leave in @p lives in
 * their per-CPU area while bottom halves are off: the verdict, and the
 * event that copies the name, come before they are on again. A parser
 * answer that may hide a name matched no purpose: it is in neither the
 * purposes' counters nor an event, but in names_failed. A flow its name
 * classified is remembered; one without a name of its own here (the
 * middle of a stream, a QUIC packet that is no Initial) is judged by what
 * is remembered of it. With nothing denied, the parsers run only so that
 * the flows opened meanwhile are remembered: nothing is blocked.
 */
static noinline unsigned int
cw_hook_names(struct cw_net *cw, struct cw_table *t, struct sk_buff *skb,
	      const struct nf_hook_state *state, struct cw_pkt *p, u64 denied)
{
	unsigned int verdict;
	struct cw_mem_key k;
	u64 m, mm, lm = 0;

	local_bh_disable();
	switch (cw_names_classify(cw->flows, cw->quic, t->rs, skb, p, denied,
				  &m)) {
	case CW_NAMES_OK:
		if (p->flow.name && !(m & denied) &&
		    !cw_remember(cw, t, skb, p, m)) {
			verdict = cw_block(skb, state, p);
			break;
		}
		if (!p->flow.name && !cw_mem_empty(cw->mem) &&
		    cw_recall_key(cw, skb, p, &k) &&
		    cw_recall(cw, t, p, &k, denied, &mm))
			m |= mm;
		if (!cw_learned_empty(cw->learned))
			lm = cw_hook_learned(cw, t, skb, p, true);
		m |= lm;
		if (lm & denied)
			verdict = cw_verdict_learned(cw, t, skb, state, p,
						     denied, m);
		else
			verdict = cw_verdict(cw, t, skb, state, p, denied, m);
		break;
	case CW_NAMES_FAIL:
		if (!denied) {
			verdict = NF_ACCEPT;
			break;
		}
		this_cpu_inc(cw->stats->names_failed);
		verdict = cw_block(skb, state, p);
		break;
	default:
		/* TCP sends it again, in order */
		verdict = denied ? NF_DROP : NF_ACCEPT;
		break;
	}
	local_bh_enable();
	return verdict;
}

/*
 * The identifier guard (scan.h): a payload that carries one of the
 * ruleset's patterns while their purpose is denied is blocked, whatever
 * its destination and whatever else it matched or was granted: counted
 * against that purpose, its event naming the pattern's tag. A TCP flow
 * that cannot be followed for want of room is refused (flows_refused).
 * Returns false to let the packet go on to the classifier.
 */
static noinline bool cw_hook_scan(struct cw_net *cw, struct cw_table *t,
				  struct sk_buff *skb,
				  const struct nf_hook_state *state,
				  const struct cw_pkt *p, unsigned int *verdict)
{
	u64 idm = BIT_ULL(t->idm_purpose);
	struct cw_mem_key k, *kp = NULL;
	u32 tag;

	/* a datagram's key only finds a QUIC connection remembered by name */
	if ((p->flow.proto == IPPROTO_TCP || t->has_domains) &&
	    cw_mem_key_of(skb, p, &k))
		kp = &k;
	switch (cw_scan(cw, t, skb, p, kp, cw_flow_owner(&p->flow), &tag)) {
	case CW_SCAN_CLEAN:
		return false;
	case CW_SCAN_HIT:
		this_cpu_inc(cw->stats->idents_blocked);
		cw_events_record(cw, t, &p->flow, idm, &tag);
		break;
	case CW_SCAN_FULL:
		this_cpu_inc(cw->stats->flows_refused);
		cw_events_record(cw, t, &p->flow, idm, NULL);
		break;
	}
	cw_count(t, idm, true, skb->len);
	*verdict = cw_block(skb, state, p);
	return true;
}

/*
 * A packet of a policed, configured namespace with something denied, or
 * whose ruleset has names (a flow opened while they are consented is
 * remembered). Out of line: the packets that cw_hook_out() lets through
 * at once need none of its stack frame.
 */
static noinline unsigned int
cw_hook_classify(struct cw_net *cw, struct cw_table *t, struct sk_buff *skb,
		 const struct nf_hook_state *state, u64 denied)
{
	struct cw_pkt p = {};
	unsigned int verdict;
	u64 m;

	/* Fail closed on a packet whose network header cannot be read. */
	if (unlikely(!cw_parse(skb, state->pf, &p)))
		return denied ? NF_DROP : NF_ACCEPT;
	cw_fill_uid(skb, &p.flow);
	p.flow.nat64 = &rcu_dereference(cw->nat64)->set;

	if (cw_scan_wanted(t, denied, &p) && !cw_scan_plain(cw, t, skb, &p) &&
	    cw_hook_scan(cw, t, skb, state, &p, &verdict))
		return verdict;

	/*
	 * Destination names: DNS query names, TLS and QUIC SNI, HTTP Host;
	 * then the names remembered of open flows.
	 */
	if (t->has_domains) {
		bool done;

		if (cw_names_wanted(cw->flows, skb, &p) &&
		    (denied || p.flow.dport != 53))
			return cw_hook_names(cw, t, skb, state, &p, denied);
		/*
		 * Most flows are not remembered: the test is inline, and
		 * costs neither the memory's lock nor bottom halves off.
		 */
		if (!cw_mem_empty(cw->mem)) {
			struct cw_mem_key k;

			if (cw_recall_key(cw, skb, &p, &k)) {
				verdict = cw_hook_recall(cw, t, skb, state, &p,
							 &k, denied, &done);
				if (done)
					return verdict;
			}
		}
	}
	if (!denied)
		return NF_ACCEPT;

	m = cw_ruleset_match(t->rs, &p.flow);
	if (unlikely(!cw_learned_empty(cw->learned))) {
		u64 lm = cw_hook_learned(cw, t, skb, &p, false);

		if (lm & denied)
			return cw_verdict_learned(cw, t, skb, state, &p,
						  denied, m | lm);
		m |= lm;
	}
	/* most packets: no purpose at all, nothing to count */
	if (!m)
		return NF_ACCEPT;
	return cw_verdict(cw, t, skb, state, &p, denied, m);
}

/*
 * The tests that let most packets through at once come first, before
 * anything is read from the packet (or zeroed on the stack for it).
 */
static unsigned int cw_hook_out(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	struct cw_net *cw = priv;	/* cw_net(state->net), see below */
	struct cw_table *t;
	u64 denied;

	/* The hooks come first, then policed (cw_net_police()). */
	if (!READ_ONCE(cw->policed))
		return NF_ACCEPT;

	t = rcu_dereference(cw->table);
	if (!t)
		return cw_hook_unconfigured(cw, skb, state);

	/*
	 * Early out: with every purpose consented to nothing can be blocked,
	 * so skip the lookup, unless names classify: the flows opened now
	 * must be remembered for a withdrawal. The allowed counters then
	 * count only the packets of remembered flows.
	 */
	denied = t->all_mask & ~READ_ONCE(t->consent);
	if (!denied && !t->has_domains)
		return NF_ACCEPT;

	/*
	 * Loopback stays on the device: it is not egress. This also lets the
	 * resets of reject.c, addressed to a local socket, through.
	 */
	if (cw_out_is_loopback(state))
		return NF_ACCEPT;

	return cw_hook_classify(cw, t, skb, state, denied);
}

/*
 * A packet delivered to the host from port 53 of a policed, configured
 * namespace whose ruleset lists names: its DNS answers bind the addresses
 * they give for those names (learned.c). Out of line, like
 * cw_hook_classify().
 */
static noinline void cw_hook_answer(struct cw_net *cw, struct cw_table *t,
				    struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	struct cw_pkt p = {};
	const struct sock *sk;
	u32 uid = CW_NO_UID;

	if (!cw_parse(skb, state->pf, &p) || !p.has_l4 || p.sport != 53 ||
	    !p.plen ||
	    (p.flow.proto != IPPROTO_UDP && p.flow.proto != IPPROTO_TCP))
		return;
	/* The receiving socket, where early demux found it. */
	sk = skb_to_full_sk(skb);
	if (sk && sk_fullsock(sk))
		uid = __kuid_val(sk->sk_uid);
	cw_learned_answer(cw->learned, t->rs, t->generation, skb, p.poff,
			  p.plen, p.flow.proto == IPPROTO_TCP,
			  sk && sk_fullsock(sk) ? sk : NULL, p.seq, uid);
}

/*
 * LOCAL_IN: reads, never drops. An answer is learned whatever the consent:
 * one that arrives just after a withdrawal gave its app the address all
 * the same.
 */
static unsigned int cw_hook_in(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	struct cw_net *cw = priv;
	struct cw_table *t;

	if (!READ_ONCE(cw->policed))
		return NF_ACCEPT;
	t = rcu_dereference(cw->table);
	if (t && t->has_domains)
		cw_hook_answer(cw, t, skb, state);
	return NF_ACCEPT;
}

/* LOCAL_OUT last of the filter hooks: see the packet as it will leave. */
const struct nf_hook_ops cw_hooks_ops[CW_HOOKS_NR] = {
	{
		.hook = cw_hook_out,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP_PRI_FILTER + 1,
	},
#if IS_ENABLED(CONFIG_IPV6)
	{
		.hook = cw_hook_out,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP6_PRI_FILTER + 1,
	},
#endif
	/* After the filter too: an answer it drops reaches no app. */
	{
		.hook = cw_hook_in,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP_PRI_FILTER + 1,
	},
#if IS_ENABLED(CONFIG_IPV6)
	{
		.hook = cw_hook_in,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP6_PRI_FILTER + 1,
	},
#endif
};
