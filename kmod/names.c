// SPDX-License-Identifier: GPL-2.0
/*
 * Destination names.
 *
 * Only when the ruleset has domain entries does the hook look at payloads
 * (with every purpose consented, only so that the flows opened meanwhile
 * are remembered: DNS is then not looked at), and then only at:
 *  - UDP to port 53: the query name of the datagram;
 *  - TCP to port 53: the query names of the messages in the segment
 *    (resolvers write each query, length prefix included, at once; glibc
 *    writes its A and AAAA queries together); a message written in pieces
 *    puts the flow in the flow table, which says where the next message
 *    starts and keeps the head of one whose question is not whole yet;
 *  - UDP to any other port whose first byte marks a QUIC long header: the
 *    SNI of the ClientHello in its client Initials (quic.h), decrypted
 *    with keys anyone can derive; a ClientHello over several Initials is
 *    reassembled in the namespace's QUIC table (quic_flows.c). A short
 *    header, the bulk of QUIC, costs that one byte test;
 *  - any other TCP payload at the start of its stream: a TLS ClientHello's
 *    SNI, or else an HTTP/1.x request's host. A ClientHello or request
 *    head whose name is not in that first payload puts the flow in the
 *    namespace's flow table (flows.c), and its next segments are fed to
 *    the same parser state until the answer;
 *  - a TCP payload later in its stream that starts with an HTTP method:
 *    the next request of a kept-alive connection, judged by its host as
 *    the first one is, with the requests pipelined behind it in the same
 *    segment (cw_names_http() says how far that goes). Every other
 *    segment in the middle of a stream costs a peek at its first bytes.
 *
 * A flow, with the name found, is remembered (hooks.c, the flow memory of
 * flows.h): its other packets are judged by that name, and a later
 * request of the same connection that names another replaces it.
 *
 * "Start of the stream" needs no per-flow memory: the segment begins at the
 * oldest unacknowledged byte (tp->snd_una) and no payload was acknowledged
 * yet (tp->bytes_acked counts only the SYN on the connecting side, 1, and
 * nothing on the accepting side, 0). That holds for the first
 * transmission, for every retransmission of it (so a blocked first segment
 * stays blocked when block=drop lets the socket retransmit it) and for a
 * SYN carrying data (TCP Fast Open). These fields are stable here: a
 * transmission from process context owns the socket (lock_sock()), one
 * from softirq (a timer, an ACK clocking out data) holds its spinlock
 * only; either way the receive path, which moves them, waits for it.
 *
 * At LOCAL_OUT a TCP skb is usually a GSO super-packet: its payload is many
 * segments of the stream, in order, and is parsed as such. Everything is
 * read with skb_header_pointer(), a chunk at a time, into a per-CPU
 * scratch area with the parsers' states, which do not belong on the stack
 * (nor does the HTTP state, a name's worth of bytes). The area
 * is used with bottom halves disabled, so a softirq transmission on the
 * same CPU (a TCP timer, an ACK clocking out data) cannot reuse it
 * meanwhile.
 *
 * Failing closed: a parser answer that may hide a name (MALFORMED, a TLS,
 * HTTP or QUIC parse OVER_BUDGET, a DNS message cut by the end of the
 * segment, a QUIC Initial of an unknown version or whose tag fails),
 * or no free slot in a flow table, blocks the packet, as a
 * denied name would. Such a packet matched no purpose: it is not in the
 * purposes' counters nor in an event, but in the names_failed counter.
 *
 * Not seen: a ClientHello after STARTTLS, an HTTP request behind a body
 * whose end is not known in its segment (cw_names_http()), names behind
 * Encrypted Client Hello, and DNS over TLS or HTTPS (whose server name is
 * seen as any other SNI). Such traffic is classified by address, port and
 * app only.
 */
#include <linux/minmax.h>
#include <linux/netfilter.h>
#include <linux/percpu.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "flows.h"
#include "names.h"
#include "parse.h"
#include "quic_crypto.h"
#include "quic_flows.h"

/* How much of a ClientHello is copied out of the skb at a time. */
#define CW_TLS_CHUNK	256
/* How much of an HTTP request head is copied out of the skb at a time. */
#define CW_HTTP_CHUNK	512
/* Request heads looked at in one TCP segment: a client's pipeline. */
#define CW_HTTP_PIPELINE	16
/* DNS messages looked at in one TCP segment. */
#define CW_DNS_TCP_MSGS	16
/*
 * A segment that starts this far at most beyond the bytes the TLS parser
 * has seen is of the flow, sent after a segment that never reached us: it
 * is dropped so that TCP sends it again in order. Farther, the slot is of
 * an older flow that had the same socket address and ports.
 */
#define CW_FLOWS_WINDOW	BIT(20)

struct cw_scratch {
	struct cw_tls_state tls;
	struct cw_http_state http;
	char name[CW_NAME_MAX + 1];
	u8 buf[CW_HTTP_CHUNK];	/* a DNS head, TLS or HTTP chunk */
};

static_assert(CW_HTTP_CHUNK >= CW_DNS_WANT && CW_HTTP_CHUNK >= CW_TLS_CHUNK);

/*
 * Shared by every namespace, for the module's life: the handset's
 * namespace is policed from load, so it is always in use.
 */
static struct cw_scratch __percpu *cw_scratch;

static u64 cw_match_name(const struct cw_ruleset *rs, struct cw_pkt *p,
			 const char *name, u32 len)
{
	p->flow.name = name;
	p->flow.name_len = len;
	return cw_ruleset_match(rs, &p->flow);
}

static enum cw_name_res cw_names_dns_udp(const struct cw_ruleset *rs,
					 const struct sk_buff *skb,
					 struct cw_pkt *p, struct cw_scratch *sc,
					 u64 *m)
{
	u32 n = min_t(u32, p->plen, CW_DNS_WANT), len = 0;
	const u8 *d = skb_header_pointer(skb, p->poff, n, sc->buf);

	if (!d)
		return CW_NAMES_FAIL;
	switch (cw_parse_dns_udp(d, n, sc->name, &len)) {
	case CW_PARSE_NAME:
		*m = cw_match_name(rs, p, sc->name, len);
		return CW_NAMES_OK;
	case CW_PARSE_MALFORMED:
	case CW_PARSE_INCOMPLETE:
		return CW_NAMES_FAIL;
	default:
		*m = cw_ruleset_match(rs, &p->flow);
		return CW_NAMES_OK;
	}
}

/*
 * A payload that may be QUIC, each of its datagrams (a GSO skb has many)
 * in turn: a client Initial's SNI classifies it, and the first datagram
 * whose name is denied ends the walk (the event names it). What is not an
 * Initial of a known version (a short header, a 0-RTT or Handshake
 * packet, another UDP protocol) or can open no connection (no key opens
 * it: quic.h) is matched without a name, as is a ClientHello whose end is
 * in later Initials (it completes nothing). One that cannot be read fails
 * closed.
 */
static enum cw_name_res cw_names_quic(struct cw_quic_flows *qf,
				      const struct cw_ruleset *rs,
				      const struct sk_buff *skb,
				      struct cw_pkt *p, u64 denied, u64 *m)
{
	struct cw_quic_flow f = {
		.daddr = p->daddr,
		.sport = p->sport,
		.dport = p->flow.dport,
		.uid = cw_flow_owner(&p->flow),
	};
	u32 n = cw_quic_dgram(skb, p->plen), off, k;
	struct cw_quic_seen seen;
	bool pending = false;
	u64 mm;

	for (off = 0; off < p->plen; off += n) {
		k = min(n, p->plen - off);
		if (!cw_quic_long(skb, p->poff + off, k))
			continue;
		cw_quic_read(qf, skb, p->poff + off, k, &f, &seen);
		switch (seen.r) {
		case CW_PARSE_NAME:
			mm = cw_match_name(rs, p, seen.name, seen.name_len);
			*m |= mm;
			if (mm & denied) {
				cw_quic_refuse(qf, &f, &seen);
				return CW_NAMES_OK;
			}
			break;
		case CW_PARSE_MALFORMED:
			if (seen.why == CW_QUIC_TAG)
				break;
			return CW_NAMES_FAIL;
		case CW_PARSE_OVER_BUDGET:
			return CW_NAMES_FAIL;
		case CW_PARSE_INCOMPLETE:
			pending = true;
			break;
		default:
			break;
		}
	}
	/* a match by a name holds the one without (cw_ruleset_match()) */
	if (!p->flow.name)
		*m = cw_ruleset_match(rs, &p->flow);
	p->name_pending = pending && !p->flow.name;
	return CW_NAMES_OK;
}

/*
 * Every query the segment starts with counts; the event names the first
 * one that is denied. A segment that does not start at a message (the
 * rest of a message written in pieces) is not a query and ends the walk.
 */
/*
 * The slot of a DNS-over-TCP flow whose last message goes on past this
 * segment: where the next one starts (have = 0), or the head of the
 * message kept so far. No slot: a segment that ends where its messages
 * end, so the next one starts a message. Called under the table's lock.
 */
static bool cw_dns_tcp_track(struct cw_flows *ft, const struct sock *sk,
			     struct cw_pkt *p, struct cw_flow_slot **sp,
			     u32 next_seq, const u8 *head, u32 have)
{
	struct cw_flow_slot *s = *sp;

	if (!sk)
		return !have;	/* no stream to follow: nothing to keep */
	if (!s)
		s = cw_flows_add(ft, sk, p->sport, p->flow.dport,
				 __kuid_val(sk->sk_uid));
	*sp = s;
	if (!s)
		return false;
	s->next_seq = next_seq;
	s->dns.have = have;
	memcpy(s->dns.head, head, have);
	s->expires = jiffies + CW_FLOWS_TIMEOUT;
	return true;
}

/* One message's head at d (n bytes, n <= CW_DNS_WANT), judged. */
static enum cw_parse_result cw_dns_tcp_msg(const struct cw_ruleset *rs,
					   struct cw_pkt *p,
					   struct cw_scratch *sc, const u8 *d,
					   u32 n, u64 denied, u64 *m,
					   bool *found)
{
	enum cw_parse_result r;
	u32 len;
	u64 mm;

	r = cw_parse_dns_tcp(d, n, sc->name, &len);
	if (r == CW_PARSE_NAME && !*found) {
		mm = cw_match_name(rs, p, sc->name, len);
		*m |= mm;
		if (mm & denied)
			*found = true;
	}
	return r;
}

/*
 * Every query the segment holds counts; the event names the first one
 * that is denied. Resolvers write each query, length prefix included, at
 * once, but a client may write the prefix alone, or a long message in
 * pieces: the flow's slot then says where the next message starts in the
 * stream, and keeps the head of one whose question is not whole yet (it
 * carries no name so far, and goes through).
 */
static enum cw_name_res cw_names_dns_tcp(struct cw_flows *ft,
					 const struct cw_ruleset *rs,
					 const struct sk_buff *skb,
					 struct cw_pkt *p, struct cw_scratch *sc,
					 u64 denied, u64 *m)
{
	const struct sock *sk = skb_to_full_sk(skb);
	u32 off = p->poff, end = p->poff + p->plen, i, n, ahead;
	enum cw_name_res res = CW_NAMES_OK;
	struct cw_flow_slot *s = NULL;
	bool found = false;
	const u8 *d;

	*m = cw_ruleset_match(rs, &p->flow);
	if (sk && (!sk_fullsock(sk) || sk->sk_protocol != IPPROTO_TCP))
		sk = NULL;
	cw_flows_lock(ft);
	if (sk && !cw_flows_empty(ft))
		s = cw_flows_find(ft, sk, p->sport, p->flow.dport);
	if (s) {
		ahead = s->next_seq - p->seq;
		if (ahead >= p->plen && ahead < CW_FLOWS_WINDOW) {
			/* inside a message judged already, or sent again */
			goto out;
		}
		if (ahead >= CW_FLOWS_WINDOW) {
			/* a gap, or an older flow's slot: start afresh */
			cw_flows_release(ft, s);
			s = NULL;
		} else if (s->dns.have) {
			u32 have = s->dns.have;

			n = min_t(u32, CW_DNS_WANT - have, p->plen - ahead);
			if (skb_copy_bits(skb, off + ahead, s->dns.head + have,
					  n)) {
				res = CW_NAMES_FAIL;
				goto out;
			}
			switch (cw_dns_tcp_msg(rs, p, sc, s->dns.head,
					       have + n, denied, m, &found)) {
			case CW_PARSE_INCOMPLETE:
				if (have + n < CW_DNS_WANT &&
				    ahead + n == p->plen) {
					s->dns.have = have + n;
					s->next_seq = p->seq + p->plen;
					goto out;
				}
				fallthrough;
			case CW_PARSE_MALFORMED:
				res = CW_NAMES_FAIL;
				goto out;
			default:
				break;
			}
			if (found) {	/* blocked: the flow ends here */
				/* what the reply answers (reject.c) */
				memcpy(sc->buf, s->dns.head, have + n);
				p->dns_q = sc->buf;
				p->dns_len = have + n;
				goto out;
			}
			/* the message's end, from its start in the stream */
			n = 2 + ((u32)s->dns.head[0] << 8 | s->dns.head[1]);
			off += ahead + n - have;
			if (ahead + n - have > p->plen) {
				cw_dns_tcp_track(ft, sk, p, &s, p->seq + ahead +
						 n - have, NULL, 0);
				goto out;
			}
		} else {
			off += ahead;
		}
	}
	for (i = 0; i < CW_DNS_TCP_MSGS && off < end; i++) {
		n = min_t(u32, end - off, CW_DNS_WANT);
		d = skb_header_pointer(skb, off, n, sc->buf);
		if (!d) {
			res = CW_NAMES_FAIL;
			goto out;
		}
		switch (cw_dns_tcp_msg(rs, p, sc, d, n, denied, m, &found)) {
		case CW_PARSE_NAME:
		case CW_PARSE_NO_NAME:
			break;
		case CW_PARSE_INCOMPLETE:
			/*
			 * The segment ends inside the message's head: keep
			 * it, its question comes with the next segment.
			 */
			if (n == end - off && n < CW_DNS_WANT &&
			    (n < 2 || 2 + ((u32)d[0] << 8 | d[1]) > n)) {
				if (!cw_dns_tcp_track(ft, sk, p, &s,
						      p->seq + p->plen, d, n))
					res = CW_NAMES_FAIL;
				goto out;
			}
			fallthrough;
		case CW_PARSE_MALFORMED:
			res = CW_NAMES_FAIL;
			goto out;
		default:
			goto out;
		}
		if (found) {
			p->dns_q = d;
			p->dns_len = n;
			goto out;
		}
		off += 2 + ((u32)d[0] << 8 | d[1]);
	}
	if (off > end) {
		/* the last message goes on in later segments */
		if (!cw_dns_tcp_track(ft, sk, p, &s, p->seq + (off - p->poff),
				      NULL, 0))
			res = CW_NAMES_FAIL;
	} else if (s) {
		cw_flows_release(ft, s);
	}
out:
	cw_flows_unlock(ft);
	/* Every later message overwrote sc->name: keep the name denied. */
	if (!found) {
		p->flow.name = NULL;
		p->flow.name_len = 0;
	}
	return res;
}

/* Feeds @len payload bytes at @off to @st, stepping over what it skips. */
static enum cw_parse_result cw_tls_feed_skb(struct cw_tls_state *st,
					    const struct sk_buff *skb,
					    u32 off, u32 len, u8 *buf)
{
	enum cw_parse_result r = cw_tls_feed(st, NULL, 0, NULL, NULL);

	while (len && r == CW_PARSE_INCOMPLETE) {
		u32 n = min(cw_tls_skippable(st), len);
		const u8 *d;

		if (n) {
			/* Key shares, cipher suites...: never copied. */
			n = cw_tls_skip(st, n);
			off += n;
			len -= n;
			if (n)
				continue;
		}
		n = min_t(u32, len, CW_TLS_CHUNK);
		d = skb_header_pointer(skb, off, n, buf);
		if (!d)
			return CW_PARSE_MALFORMED;
		r = cw_tls_feed(st, d, n, NULL, NULL);
		off += n;
		len -= n;
	}
	return cw_tls_feed(st, NULL, 0, NULL, NULL);
}

static bool cw_tcp_at_start(const struct sock *sk, u32 seq)
{
	const struct tcp_sock *tp = tcp_sk(sk);

	return seq == READ_ONCE(tp->snd_una) &&
	       READ_ONCE(tp->bytes_acked) <= 1;
}

/*
 * Feeds the request head at @off (@len payload bytes from there) to @st, a
 * chunk at a time, up to the head's end or until the parser stops; *@used
 * says how far that was.
 */
static enum cw_parse_result cw_http_feed_skb(struct cw_http_state *st,
					     const struct sk_buff *skb,
					     u32 off, u32 len, u8 *buf,
					     u32 *used)
{
	enum cw_parse_result r = st->result;
	u32 n, u;

	*used = 0;
	while (len) {
		const u8 *d;

		n = min_t(u32, len, CW_HTTP_CHUNK);
		d = skb_header_pointer(skb, off, n, buf);
		if (!d)
			return CW_PARSE_MALFORMED;
		r = cw_http_feed(st, d, n, &u);
		*used += u;
		if (u < n)
			break;
		off += n;
		len -= n;
	}
	return r;
}

/*
 * Whether a segment in the middle of a stream may start a request head (a
 * kept-alive connection's next request): its first bytes are a method.
 * What every such TCP segment pays when names are looked at.
 */
static bool cw_http_starts(const struct sk_buff *skb, const struct cw_pkt *p)
{
	u8 b[CW_HTTP_METHOD_MAX] __uninitialized;
	u32 n = min_t(u32, p->plen, sizeof(b));
	const u8 *d = skb_header_pointer(skb, p->poff, n, b);

	return d && cw_http_may_start(d, n);
}

/*
 * A ClientHello (@http NULL, @tls its state) or request head (@http) that
 * goes on in later segments: the flow enters the table with its parser
 * state and the segment goes through (a partial ClientHello completes
 * nothing; the bytes of a head before its Host line complete no request:
 * no server acts on them). Its name is still to come, so no learned
 * address judges it yet. Returns false when the table has no room.
 */
static bool cw_track(struct cw_flows *ft, const struct sock *sk,
		     struct cw_pkt *p, const struct cw_tls_state *tls,
		     const struct cw_http_state *http)
{
	struct cw_flow_slot *s;

	cw_flows_lock(ft);
	s = cw_flows_add(ft, sk, p->sport, p->flow.dport,
			 __kuid_val(sk->sk_uid));
	if (s) {
		if (http) {
			s->is_http = true;
			s->http = *http;
		} else {
			s->tls = *tls;
		}
		s->next_seq = p->seq + p->plen +
			      !!(p->tcp_flags & TCPHDR_SYN);
	}
	cw_flows_unlock(ft);
	if (s)
		p->name_pending = true;
	return s;
}

/*
 * The request heads of a segment, the first at @off in its payload: each
 * is matched by its name (*@m gathers them all, the event names the first
 * one denied). A kept-alive client pipelines requests: another head may
 * follow in the same segment, after a head and its Content-Length body.
 * A head that goes on past the segment is tracked (cw_track()).
 *
 * Seen, then: a request that starts a segment (every request of a client
 * that waits for each answer, retransmissions included), and one behind
 * others in the same segment. Not seen: a request behind a body whose
 * length is not in its head (Transfer-Encoding: chunked) or that began in
 * an earlier segment; a client that wants to hide a request writes it
 * there. Its flow is then judged by address, port and app, as HTTPS
 * requests after the first are.
 */
static enum cw_name_res cw_names_http(struct cw_flows *ft,
				      const struct cw_ruleset *rs,
				      const struct sk_buff *skb,
				      const struct sock *sk, struct cw_pkt *p,
				      struct cw_scratch *sc, u64 denied,
				      u32 off, u64 *m)
{
	struct cw_http_state *st = &sc->http;
	u32 i, used, next;
	u64 mm;

	for (i = 0; i < CW_HTTP_PIPELINE && off < p->plen; i++) {
		cw_http_init(st);
		switch (cw_http_feed_skb(st, skb, p->poff + off, p->plen - off,
					 sc->buf, &used)) {
		case CW_PARSE_NAME:
			memcpy(sc->name, st->val, st->name_len + 1);
			mm = cw_match_name(rs, p, sc->name, st->name_len);
			*m |= mm;
			if (mm & denied)
				return CW_NAMES_OK;
			break;
		case CW_PARSE_NO_NAME:
			break;
		case CW_PARSE_NOT_PROTO:
			/* Not a request: nothing in it names a host. */
			return CW_NAMES_OK;
		case CW_PARSE_INCOMPLETE:
			/* A socketless sender has no stream to follow. */
			if (!sk || !cw_track(ft, sk, p, NULL, st))
				return CW_NAMES_FAIL;
			return CW_NAMES_OK;
		default:
			return CW_NAMES_FAIL;
		}
		next = cw_http_next(st);
		if (!next)
			break;
		off += next;
	}
	return CW_NAMES_OK;
}

/* The first payload of a TCP stream. @sk is NULL for a socketless one. */
static enum cw_name_res cw_names_tcp_start(struct cw_flows *ft,
					   const struct cw_ruleset *rs,
					   const struct sk_buff *skb,
					   const struct sock *sk,
					   struct cw_pkt *p,
					   struct cw_scratch *sc, u64 denied,
					   u64 *m)
{
	struct cw_flow_slot *s;
	enum cw_parse_result r;

	cw_tls_init(&sc->tls);
	r = cw_tls_feed_skb(&sc->tls, skb, p->poff, p->plen, sc->buf);

	/* A new stream: a slot left by an earlier one is stale. */
	if (sk && r != CW_PARSE_INCOMPLETE && !cw_flows_empty(ft)) {
		cw_flows_lock(ft);
		s = cw_flows_find(ft, sk, p->sport, p->flow.dport);
		if (s)
			cw_flows_release(ft, s);
		cw_flows_unlock(ft);
	}

	switch (r) {
	case CW_PARSE_NAME:
		*m = cw_match_name(rs, p, sc->tls.name, sc->tls.name_len);
		return CW_NAMES_OK;
	case CW_PARSE_NO_NAME:
		break;
	case CW_PARSE_NOT_PROTO:
		*m = cw_ruleset_match(rs, &p->flow);
		return cw_names_http(ft, rs, skb, sk, p, sc, denied, 0, m);
	case CW_PARSE_INCOMPLETE:
		/*
		 * A socketless sender (a raw socket, CAP_NET_RAW) has no
		 * stream we could follow: only its segments' starts count.
		 */
		if (!sk)
			break;
		if (!cw_track(ft, sk, p, &sc->tls, NULL))
			return CW_NAMES_FAIL;
		break;
	default:
		return CW_NAMES_FAIL;
	}
	*m = cw_ruleset_match(rs, &p->flow);
	return CW_NAMES_OK;
}

/*
 * Where the next request starts in this segment's payload, after the head
 * of a tracked flow ended in it (@skip: where the segment's new bytes
 * start, @used of them taken), or 0 if not in this segment.
 */
static u32 cw_http_after(const struct cw_flow_slot *s, const struct cw_pkt *p,
			 u32 skip, u32 used)
{
	u32 next = cw_http_next(&s->http), at;

	if (!s->is_http || !next || !used)
		return 0;
	/* from the head's first byte to the byte after its end, then on */
	at = skip + used + (next - s->http.fed);
	return at < p->plen ? at : 0;
}

/*
 * A later payload segment of a flow that may be in the table; one that is
 * not is looked at as a kept-alive connection's next request may be.
 */
static enum cw_name_res cw_names_tcp_more(struct cw_flows *ft,
					  const struct cw_ruleset *rs,
					  const struct sk_buff *skb,
					  const struct sock *sk,
					  struct cw_pkt *p,
					  struct cw_scratch *sc, u64 denied,
					  u64 *m)
{
	enum cw_name_res res = CW_NAMES_OK;
	u32 ahead, skip, used = 0, walk = 0;
	bool untracked = false;
	struct cw_flow_slot *s;
	enum cw_parse_result r;
	const char *name;
	u32 len;

	*m = cw_ruleset_match(rs, &p->flow);
	cw_flows_lock(ft);
	s = cw_flows_find(ft, sk, p->sport, p->flow.dport);
	if (!s) {
		untracked = true;
		goto out;
	}

	ahead = p->seq - s->next_seq;
	if (ahead && ahead < CW_FLOWS_WINDOW) {
		/*
		 * Bytes before this segment went out unparsed: while every
		 * purpose was consented, no name was looked at. Once they are
		 * acknowledged TCP never sends them again, and holding this
		 * segment would drop it, and each retransmission, forever:
		 * the name is lost to the parser, so fail closed at once.
		 * Before that, a retransmission from snd_una may still bring
		 * them: drop this one so that TCP sends it again in order.
		 */
		if (before(s->next_seq, READ_ONCE(tcp_sk(sk)->snd_una))) {
			s->blocked = true;
			res = CW_NAMES_FAIL;
		} else {
			res = CW_NAMES_HOLD;
		}
		goto out;
	}
	skip = -ahead;
	if (ahead && skip >= CW_FLOWS_WINDOW) {
		cw_flows_release(ft, s);
		untracked = true;
		goto out;
	}
	s->expires = jiffies + CW_FLOWS_TIMEOUT;
	/* Bytes the parser saw already (a retransmission) are not fed again. */
	if (skip < p->plen) {
		if (s->is_http)
			r = cw_http_feed_skb(&s->http, skb, p->poff + skip,
					     p->plen - skip, sc->buf, &used);
		else
			r = cw_tls_feed_skb(&s->tls, skb, p->poff + skip,
					    p->plen - skip, sc->buf);
		s->next_seq = p->seq + p->plen;
	} else if (s->is_http) {
		r = s->http.result;
	} else {
		r = cw_tls_feed(&s->tls, NULL, 0, NULL, NULL);
	}

	switch (r) {
	case CW_PARSE_INCOMPLETE:
		p->name_pending = true;
		break;
	case CW_PARSE_NAME:
		name = s->is_http ? s->http.val : s->tls.name;
		len = s->is_http ? s->http.name_len : s->tls.name_len;
		memcpy(sc->name, name, len + 1);
		*m = cw_match_name(rs, p, sc->name, len);
		/*
		 * A blocked flow keeps its slot, so that its segments are
		 * blocked again if they are sent again (block=drop, or a
		 * reset that could not be sent).
		 */
		if (*m & denied) {
			s->blocked = true;
			break;
		}
		fallthrough;
	case CW_PARSE_NO_NAME:
	case CW_PARSE_NOT_PROTO:	/* HTTP: not a request after all */
		walk = cw_http_after(s, p, skip, used);
		cw_flows_release(ft, s);
		break;
	default:
		s->blocked = true;
		res = CW_NAMES_FAIL;
		break;
	}
out:
	cw_flows_unlock(ft);
	/* A request pipelined behind the head, or one starting a segment. */
	if (walk)
		return cw_names_http(ft, rs, skb, sk, p, sc, denied, walk, m);
	if (untracked && cw_http_starts(skb, p))
		return cw_names_http(ft, rs, skb, sk, p, sc, denied, 0, m);
	return res;
}

/* Which part of a TCP stream a payload segment is, for the name parsers. */
enum cw_tcp_part {
	CW_TCP_OTHER,		/* nothing to look at */
	CW_TCP_START,		/* the start of its stream */
	CW_TCP_TRACKED,		/* maybe a flow in the table */
	CW_TCP_HTTP,		/* may start a request head */
	CW_TCP_NOSOCK,		/* no TCP socket: each segment on its own */
};

static enum cw_tcp_part cw_tcp_part(const struct cw_flows *ft,
				    const struct sk_buff *skb,
				    const struct cw_pkt *p,
				    const struct sock **skp)
{
	const struct sock *sk = skb_to_full_sk(skb);

	*skp = NULL;
	if (!sk || !sk_fullsock(sk) || sk->sk_type != SOCK_STREAM ||
	    sk->sk_protocol != IPPROTO_TCP)
		return CW_TCP_NOSOCK;
	*skp = sk;
	if (cw_tcp_at_start(sk, p->seq))
		return CW_TCP_START;
	if (!cw_flows_empty(ft))
		return CW_TCP_TRACKED;
	return cw_http_starts(skb, p) ? CW_TCP_HTTP : CW_TCP_OTHER;
}

bool cw_names_tcp_wanted(const struct cw_flows *ft, const struct sk_buff *skb,
			 const struct cw_pkt *p)
{
	const struct sock *sk;

	/*
	 * The common case, a segment in the middle of a stream that is not
	 * tracked, costs a few loads from its socket and a peek at its first
	 * bytes (is it a request head?), no more.
	 */
	return p->flow.dport == 53 ||
	       cw_tcp_part(ft, skb, p, &sk) != CW_TCP_OTHER;
}

enum cw_name_res cw_names_classify(struct cw_flows *ft,
				   struct cw_quic_flows *qf,
				   const struct cw_ruleset *rs,
				   const struct sk_buff *skb, struct cw_pkt *p,
				   u64 denied, u64 *m)
{
	struct cw_scratch *sc = this_cpu_ptr(cw_scratch);
	const struct sock *sk = NULL;

	*m = 0;
	if (p->flow.proto == IPPROTO_UDP && p->flow.dport == 53)
		return cw_names_dns_udp(rs, skb, p, sc, m);
	if (p->flow.proto == IPPROTO_UDP)
		return cw_names_quic(qf, rs, skb, p, denied, m);
	if (p->flow.dport == 53)
		return cw_names_dns_tcp(ft, rs, skb, p, sc, denied, m);
	switch (cw_tcp_part(ft, skb, p, &sk)) {
	case CW_TCP_TRACKED:
		return cw_names_tcp_more(ft, rs, skb, sk, p, sc, denied, m);
	case CW_TCP_HTTP:
		*m = cw_ruleset_match(rs, &p->flow);
		return cw_names_http(ft, rs, skb, sk, p, sc, denied, 0, m);
	case CW_TCP_OTHER:
		/* Its flow left the table since cw_names_wanted(). */
		*m = cw_ruleset_match(rs, &p->flow);
		return CW_NAMES_OK;
	default:
		return cw_names_tcp_start(ft, rs, skb, sk, p, sc, denied, m);
	}
}

int __init cw_names_init(void)
{
	int ret;

	cw_scratch = alloc_percpu(struct cw_scratch);
	if (!cw_scratch)
		return -ENOMEM;
	ret = cw_quic_crypto_init();
	if (ret)
		free_percpu(cw_scratch);
	return ret;
}

void cw_names_uninit(void)
{
	cw_quic_crypto_exit();
	free_percpu(cw_scratch);
}
