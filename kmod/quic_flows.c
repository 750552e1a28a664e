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
 * into a slot only if it did not hold the whole answer; the slot is given
 * back with the datagram that completes it. The connection's later
 * Initials carry the server's ID, under the keys of the first one's: no
 * key opens them here (quic.h), and they are judged as its other packets
 * are, by what the flow memory has of it. One spinlock guards the table;
 * it is taken only for long-header datagrams, a few per connection.
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

bool cw_quic_wanted_gso(const struct sk_buff *skb, u32 poff, u32 plen)
{
	u32 n = cw_quic_dgram(skb, plen), off;

	for (off = n; off < plen; off += n)
		if (cw_quic_long(skb, poff + off, min(n, plen - off)))
			return true;
	return false;
}

static bool cw_quic_is(const struct cw_quic_slot *s,
		       const struct cw_quic_flow *f)
{
	return s->used && s->sport == f->sport && s->dport == f->dport &&
	       !memcmp(s->daddr, f->daddr, 16);
}

static struct cw_quic_slot *cw_quic_find(struct cw_quic_flows *qf,
					 const struct cw_quic_flow *f)
{
	int i;

	for (i = 0; i < CW_QUIC_FLOWS_MAX; i++)
		if (cw_quic_is(&qf->slot[i], f))
			return &qf->slot[i];
	return NULL;
}

static void cw_quic_release(struct cw_quic_flows *qf, struct cw_quic_slot *s)
{
	s->used = false;
	atomic_dec(&qf->used);
}

/* The slots @uid holds that it has not let expire. */
static u32 cw_quic_held(const struct cw_quic_flows *qf, u32 uid)
{
	u32 i, n = 0;

	for (i = 0; i < CW_QUIC_FLOWS_MAX; i++) {
		const struct cw_quic_slot *s = &qf->slot[i];

		n += s->used && s->uid == uid &&
		     !time_after(jiffies, s->expires);
	}
	return n;
}

static struct cw_quic_slot *cw_quic_add(struct cw_quic_flows *qf,
					const struct cw_quic_flow *f)
{
	struct cw_quic_slot *s = NULL;
	int i;

	/* counted only once the table holds enough for a UID to be full */
	if (atomic_read(&qf->used) >= CW_QUIC_FLOWS_PER_UID &&
	    cw_quic_held(qf, f->uid) >= CW_QUIC_FLOWS_PER_UID)
		return NULL;
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
	memcpy(s->daddr, f->daddr, 16);
	s->sport = f->sport;
	s->dport = f->dport;
	s->uid = f->uid;
	s->expires = jiffies + CW_QUIC_FLOWS_TIMEOUT;
	return s;
}

static bool cw_quic_refused_is(const struct cw_quic_refused *r,
			       const struct cw_quic_flow *f,
			       const u8 *dcid, u32 dcid_len)
{
	return r->dcid_len == dcid_len && !memcmp(r->dcid, dcid, dcid_len) &&
	       r->sport == f->sport && r->dport == f->dport &&
	       !memcmp(r->daddr, f->daddr, 16);
}

/*
 * The refused connection whose first ID heads datagram @d (@n bytes, its
 * first packet a long header), or NULL.
 */
static struct cw_quic_refused *cw_quic_refused_of(struct cw_quic_flows *qf,
						  const struct cw_quic_flow *f,
						  const u8 *d, u32 n)
{
	struct cw_quic_refused *r;
	u32 i, l;

	if (!qf->nrefused || n < 6 || !(d[0] & 0x80))
		return NULL;
	l = d[5];
	if (!l || l > CW_QUIC_CID_MAX || n < 6 + l)
		return NULL;
	for (i = 0; i < qf->nrefused; i++) {
		r = &qf->refused[i];
		if (cw_quic_refused_is(r, f, d + 6, l) &&
		    !time_after(jiffies, r->expires))
			return r;
	}
	return NULL;
}

void cw_quic_refuse(struct cw_quic_flows *qf, const struct cw_quic_flow *f,
		    const struct cw_quic_seen *seen)
{
	struct cw_quic_refused *r = NULL;
	u32 i;

	if (seen->r != CW_PARSE_NAME || !seen->dcid_len)
		return;
	spin_lock(&qf->lock);
	for (i = 0; i < qf->nrefused && !r; i++)
		if (cw_quic_refused_is(&qf->refused[i], f, seen->dcid,
				       seen->dcid_len))
			r = &qf->refused[i];
	if (!r) {
		r = &qf->refused[qf->refused_next];
		qf->refused_next = (qf->refused_next + 1) % CW_QUIC_REFUSED_MAX;
		if (qf->nrefused < CW_QUIC_REFUSED_MAX)
			qf->nrefused++;
		memcpy(r->daddr, f->daddr, 16);
		r->sport = f->sport;
		r->dport = f->dport;
		r->dcid_len = seen->dcid_len;
		memcpy(r->dcid, seen->dcid, seen->dcid_len);
	}
	r->name_len = seen->name_len;
	memcpy(r->name, seen->name, seen->name_len);
	r->name[seen->name_len] = '\0';
	r->expires = jiffies + CW_QUIC_FLOWS_TIMEOUT;
	spin_unlock(&qf->lock);
}

/*
 * For datagram qc->dgram (@n bytes) of @f that shows no name of its own:
 * if it is a refused connection's, its name, as if it showed it.
 */
static void cw_quic_recall(struct cw_quic_flows *qf,
			   const struct cw_quic_flow *f, struct cw_quic_cpu *qc,
			   u32 n, struct cw_quic_seen *seen, u32 *name_len)
{
	struct cw_quic_refused *r = cw_quic_refused_of(qf, f, qc->dgram, n);

	if (!r)
		return;
	r->expires = jiffies + CW_QUIC_FLOWS_TIMEOUT;
	memcpy(qc->name, r->name, r->name_len + 1);
	*name_len = r->name_len;
	seen->r = CW_PARSE_NAME;
	seen->dcid_len = r->dcid_len;
	memcpy(seen->dcid, r->dcid, r->dcid_len);
}

/*
 * Whether a state holds CRYPTO bytes: one read from Initials without any
 * leaves nothing to keep. (memchr_inv() is in no GKI symbol list.)
 */
static bool cw_quic_has_crypto(const struct cw_quic_state *st)
{
	u32 i;

	for (i = 0; i < sizeof(st->have); i++)
		if (st->have[i])
			return true;
	return false;
}

void cw_quic_read(struct cw_quic_flows *qf, const struct sk_buff *skb,
		  u32 off, u32 len, const struct cw_quic_flow *f,
		  struct cw_quic_seen *seen)
{
	struct cw_quic_cpu *qc = cw_quic_this_cpu();
	struct cw_quic_state *st = &qc->st;
	struct cw_quic_slot *s;
	u32 n = len, name_len = 0;
	bool cut;

	cut = n > CW_QUIC_DGRAM_MAX;
	if (cut)
		n = CW_QUIC_DGRAM_MAX;
	seen->name = NULL;
	seen->name_len = 0;
	if (skb_copy_bits(skb, off, qc->dgram, n)) {
		seen->r = CW_PARSE_MALFORMED;
		seen->why = CW_QUIC_HEADER;
		return;
	}
	spin_lock(&qf->lock);
	s = atomic_read(&qf->used) ? cw_quic_find(qf, f) : NULL;
	if (s) {
		st = &s->st;
		s->expires = jiffies + CW_QUIC_FLOWS_TIMEOUT;
	} else {
		cw_quic_init(st);
	}
	seen->r = cw_quic_feed(st, &qc->ops, qc->dgram, n, qc->name,
			       &name_len);
	seen->why = st->why;
	seen->dcid_len = 0;
	if (seen->r == CW_PARSE_NAME) {
		seen->dcid_len = st->dcid_len;
		memcpy(seen->dcid, st->dcid, st->dcid_len);
	} else if (seen->r == CW_PARSE_INCOMPLETE ||
		   seen->r == CW_PARSE_NOT_PROTO ||
		   (seen->r == CW_PARSE_MALFORMED && seen->why == CW_QUIC_TAG)) {
		/* no name of its own: a refused connection's has its name */
		cw_quic_recall(qf, f, qc, n, seen, &name_len);
	}
	if (s && st->result != CW_PARSE_INCOMPLETE) {
		/* answered: later Initials are read as any other datagram */
		cw_quic_release(qf, s);
	} else if (!s && seen->r == CW_PARSE_INCOMPLETE &&
		   cw_quic_has_crypto(st)) {
		s = cw_quic_add(qf, f);
		if (s) {
			memcpy(&s->st, st, sizeof(*st));
		} else {
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
		seen->name_len = name_len;
	}
}
