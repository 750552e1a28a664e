// SPDX-License-Identifier: GPL-2.0
/*
 * The per-namespace table of QUIC connections whose ClientHello is being
 * reassembled over several Initials (see quic_flows.h).
 *
 * A flow is its destination address and ports (the table is per
 * namespace, and a local port is bound by one socket at a time); not the
 * socket, which an app may close and open again between Initials, and not
 * the connection IDs (the client's destination ID changes once the server
 * answers, and a Retry changes it too). The key is taken from the headers,
 * so it holds across GSO, retransmissions and the socket moving between
 * CPUs; the parser state keeps the IDs and the name for a later flow
 * memory. A connection's
 * first datagram is read in this CPU's area (quic_crypto.c) and copied
 * into a slot only if it did not hold the whole answer or to keep the
 * answer for the connection's later Initials, which may carry another
 * destination ID under the same keys. One spinlock guards the table; it
 * is taken only for long-header datagrams, a few per connection.
 */
#include <linux/hash.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "quic_crypto.h"
#include "quic_flows.h"

struct cw_quic_flows *cw_quic_flows_new(void)
{
	struct cw_quic_flows *qf = kvzalloc(sizeof(*qf), GFP_KERNEL);

	if (!qf)
		return NULL;
	spin_lock_init(&qf->lock);
	atomic_set(&qf->used, 0);
	return qf;
}

void cw_quic_flows_free(struct cw_quic_flows *qf)
{
	kvfree(qf);
}

static bool cw_quic_is(const struct cw_quic_slot *s, const u8 daddr[16],
		       u16 sport, u16 dport)
{
	return s->used && s->sport == sport &&
	       s->dport == dport && !memcmp(s->daddr, daddr, 16);
}

static struct cw_quic_slot *cw_quic_find(struct cw_quic_flows *qf,
					 const u8 daddr[16], u16 sport,
					 u16 dport)
{
	int i;

	for (i = 0; i < CW_QUIC_FLOWS_MAX; i++)
		if (cw_quic_is(&qf->slot[i], daddr, sport, dport))
			return &qf->slot[i];
	return NULL;
}

static struct cw_quic_slot *cw_quic_add(struct cw_quic_flows *qf,
					const u8 daddr[16], u16 sport,
					u16 dport)
{
	struct cw_quic_slot *s = NULL;
	int i;

	for (i = 0; i < CW_QUIC_FLOWS_MAX && !s; i++) {
		if (!qf->slot[i].used)
			s = &qf->slot[i];
		else if (time_after(jiffies, qf->slot[i].expires))
			s = &qf->slot[i];	/* taken from a silent flow */
	}
	if (!s)
		return NULL;
	if (!s->used)
		atomic_inc(&qf->used);
	s->used = true;
	memcpy(s->daddr, daddr, 16);
	s->sport = sport;
	s->dport = dport;
	return s;
}

void cw_quic_read(struct cw_quic_flows *qf, const struct sk_buff *skb,
		  u32 poff, u32 plen, const u8 daddr[16], u16 sport,
		  u16 dport, struct cw_quic_seen *seen)
{
	struct cw_quic_cpu *qc = cw_quic_this_cpu();
	struct cw_quic_state *st = &qc->st;
	struct cw_quic_slot *s;
	u32 n = plen, len = 0;
	bool cut;

	/* UDP GSO: the first datagram is the first gso_size bytes */
	if (skb_is_gso(skb) && skb_shinfo(skb)->gso_size < n)
		n = skb_shinfo(skb)->gso_size;
	cut = n > CW_QUIC_DGRAM_MAX;
	if (cut)
		n = CW_QUIC_DGRAM_MAX;
	seen->name = NULL;
	seen->name_len = 0;
	if (skb_copy_bits(skb, poff, qc->dgram, n)) {
		seen->r = CW_PARSE_MALFORMED;
		seen->why = CW_QUIC_HEADER;
		return;
	}
	spin_lock(&qf->lock);
	s = atomic_read(&qf->used) ?
	    cw_quic_find(qf, daddr, sport, dport) : NULL;
	if (s) {
		st = &s->st;
		s->expires = jiffies + CW_QUIC_FLOWS_TIMEOUT;
	} else {
		cw_quic_init(st);
	}
	seen->r = cw_quic_feed(st, &qc->ops, qc->dgram, n, qc->name, &len);
	seen->why = st->why;
	if (!s && seen->r != CW_PARSE_NOT_PROTO) {
		s = cw_quic_add(qf, daddr, sport, dport);
		if (s) {
			s->expires = jiffies + CW_QUIC_FLOWS_TIMEOUT;
			memcpy(&s->st, st, sizeof(*st));
		} else if (seen->r == CW_PARSE_INCOMPLETE) {
			seen->r = CW_PARSE_MALFORMED;
			seen->why = CW_QUIC_FULL;
		}
	}
	spin_unlock(&qf->lock);
	/* a datagram longer than we read: its Initial could not fit */
	if (cut && seen->r == CW_PARSE_MALFORMED && seen->why == CW_QUIC_HEADER) {
		seen->r = CW_PARSE_OVER_BUDGET;
		seen->why = CW_QUIC_BUDGET;
	}
	if (seen->r == CW_PARSE_NAME) {
		seen->name = qc->name;
		seen->name_len = len;
	}
}
