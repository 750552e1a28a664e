// SPDX-License-Identifier: GPL-2.0
/*
 * The identifier scan. A UDP datagram is scanned whole, alone. A TCP
 * segment is scanned as the next bytes of its stream, from the matcher
 * state its flow's carry (struct cw_scan_carry, in the flow memory) left,
 * so that a pattern written in pieces, at any split, is found in the
 * segment that completes it.
 *
 * The carry follows the stream by sequence number. A segment that starts
 * at the carry's next byte goes on from its state. A retransmission (all
 * or part of it before the next byte) carries the same bytes again: TCP
 * resends from its write queue, and only TCP_REPAIR, which takes
 * CAP_NET_ADMIN, could write other bytes under those numbers; so only
 * its new bytes, if any, are scanned. A segment beyond the next byte (a
 * gap: bytes that left while nothing was scanned, before the patterns
 * were committed or while their purpose was granted) starts from the
 * matcher's start state, and its flow is no TLS stream any more.
 *
 * The TLS shortcut: a flow whose first payload byte is its stream's first
 * (so record boundaries are known) and begins a handshake record is
 * walked as TLS records across segments: each header must be a record's
 * (content type 20-23, version 3.1-3.4, length at most 2^14 + 2048); the
 * bodies of handshake, alert and change_cipher_spec records (cleartext in
 * every TLS version's first flight: a ClientHello's names) are scanned;
 * only application_data bodies (type 23), ciphertext in any TLS a client
 * negotiates, are stepped over by their length. The first byte that is
 * no part of a valid header ends the shortcut for good: the stream is
 * scanned byte by byte from the first byte of that would-be header (the
 * header bytes before it, kept in the carry, are scanned first), so:
 *
 *   Claim: no byte of a TCP stream leaves unscanned unless it lies in
 *   the body of a record whose five header bytes, read in stream order,
 *   were checked valid, and every record before it was valid too, back
 *   to the stream's first byte, which began a handshake record.
 *
 * A cleartext payload that imitates a record header (a POST behind
 * "\x16\x03\x01\x00\x05") is scanned from where its claimed record ends:
 * an HTTP method there is no header (scenario 89). What an app could do
 * to evade, deliberately: frame its cleartext as application_data records
 * behind a fake handshake record (it could as well encrypt it: the guard
 * is against identifiers sent in clear, not against an app that hides
 * them on purpose); split a pattern across a gap the carry cannot see:
 * across two connections, or across a pause long enough for its carry to
 * expire (CW_MEM_IDLE_TIMEOUT, 10 minutes) and be taken for room by
 * CW_MEM_PER_UID other flows of its own; or across a commit of a new
 * ruleset (a matcher's state means nothing to the next one: the carry
 * starts again). A flow that needs a carry and finds no room in the flow
 * memory is refused (CW_SCAN_FULL): never scanned without one.
 *
 * QUIC: a datagram is skipped only if it parses as QUIC packets: long
 * headers of version 1 or 2 whose lengths tile the datagram, or a short
 * header on a connection the flow memory knows by its Initial's name that
 * carries its server's ID (behind long headers, theirs; alone, the one
 * the client's Handshake packets gave). A payload is skipped only if each
 * of its datagrams is (a GSO send is many). Anything else is scanned. To
 * get cleartext past that, an app would have to frame it as QUIC on
 * purpose: behind a long header whose length covers it, or behind the
 * server ID of a connection it opened with a name.
 */
#include <linux/highmem.h>

#include "quic.h"
#include "quic_flows.h"
#include "scan.h"

/* One scan: the carry being advanced and what was found. */
struct cw_scan {
	const struct cw_idm *m;
	struct cw_scan_carry c;
	u32 tag;
	bool scanned;		/* the matcher read a byte */
	bool skipped;		/* bytes were stepped over as TLS */
	bool alone;		/* a datagram in one piece: no state to carry */
};

static bool cw_scan_match(struct cw_scan *s, const u8 *p, u32 n)
{
	s->scanned = true;
	return cw_idm_first(s->m, s->alone ? NULL : &s->c.state, p, n,
			    &s->tag);
}

/*
 * Takes the next byte of a TLS record header; false if it cannot be
 * one. A whole header opens its record's body.
 */
static bool cw_scan_tls_hdr(struct cw_scan_carry *c, u8 b)
{
	bool ok;

	switch (c->hdr_have) {
	case 0:
		/* the stream's first record is a handshake (a ClientHello) */
		ok = c->rec_type ? b >= 20 && b <= 23 : b == 22;
		break;
	case 1:
		ok = b == 3;
		break;
	case 2:
		ok = b >= 1 && b <= 4;
		break;
	case 3:
		ok = true;
		break;
	default:
		ok = (c->hdr[3] << 8 | b) <= CW_TLS_RECORD_MAX;
		break;
	}
	if (!ok)
		return false;
	c->hdr[c->hdr_have++] = b;
	if (c->hdr_have == sizeof(c->hdr)) {
		c->rec_type = c->hdr[0];
		c->rec_left = c->hdr[3] << 8 | c->hdr[4];
		c->hdr_have = 0;
		/* what is scanned next does not follow what was scanned last */
		c->state = CW_IDM_START;
	}
	return true;
}

/* The next @n bytes of the stream. Returns true on a match. */
static bool cw_scan_feed(struct cw_scan *s, const u8 *p, u32 n)
{
	struct cw_scan_carry *c = &s->c;

	while (n && c->tls) {
		if (c->rec_left) {
			u32 k = min_t(u32, c->rec_left, n);

			if (c->rec_type != 23) {
				if (cw_scan_match(s, p, k))
					return true;
			} else {
				s->skipped = true;
			}
			p += k;
			n -= k;
			c->rec_left -= k;
			continue;
		}
		if (!cw_scan_tls_hdr(c, *p)) {
			/* no record: scanned from the would-be header on */
			c->tls = false;
			c->state = CW_IDM_START;
			if (c->hdr_have && cw_scan_match(s, c->hdr, c->hdr_have))
				return true;
			break;
		}
		s->skipped = true;
		p++;
		n--;
	}
	return n && cw_scan_match(s, p, n);
}

/*
 * Feeds @len bytes of @skb from @off, in the pieces the skb holds them
 * in (head, page fragments, frag_list: as skb_copy_bits() walks them),
 * without copying. Returns true on a match.
 */
static bool cw_scan_skb(struct cw_scan *s, const struct sk_buff *skb,
			int off, int len)
{
	int start = skb_headlen(skb), i, n;
	struct sk_buff *frag;

	n = start - off;
	if (n > 0) {
		n = min(n, len);
		if (cw_scan_feed(s, skb->data + off, n))
			return true;
		len -= n;
		off += n;
	}
	for (i = 0; len > 0 && i < skb_shinfo(skb)->nr_frags; i++) {
		const skb_frag_t *f = &skb_shinfo(skb)->frags[i];
		int end = start + skb_frag_size(f);

		n = end - off;
		if (n > 0) {
			u32 p_off, p_len, copied;
			struct page *pg;
			bool hit = false;

			n = min(n, len);
			skb_frag_foreach_page(f, skb_frag_off(f) + off - start,
					      n, pg, p_off, p_len, copied) {
				u8 *v = kmap_local_page(pg);

				hit = cw_scan_feed(s, v + p_off, p_len);
				kunmap_local(v);
				if (hit)
					return true;
			}
			len -= n;
			off += n;
		}
		start = end;
	}
	skb_walk_frags((struct sk_buff *)skb, frag) {
		int end = start + frag->len;

		if (len <= 0)
			break;
		n = end - off;
		if (n > 0) {
			n = min(n, len);
			if (cw_scan_skb(s, frag, off - start, n))
				return true;
			len -= n;
			off += n;
		}
		start = end;
	}
	return false;
}

/* cw_scan_feed(), its cleartext case inline: the matcher at once */
static __always_inline bool cw_scan_piece(struct cw_scan *s, const u8 *p,
					  u32 n)
{
	return s->c.tls ? cw_scan_feed(s, p, n) : cw_scan_match(s, p, n);
}

/*
 * cw_scan_skb(), for what is nearly every small segment: bytes that lie
 * in one piece, in the skb's head or in one page of its first fragment
 * (where TCP's sendmsg() puts them), fed in place without the walk.
 */
static __always_inline bool cw_scan_bytes(struct cw_scan *s,
					  const struct sk_buff *skb,
					  int off, int len)
{
	int hl = skb_headlen(skb);
	const skb_frag_t *f = &skb_shinfo(skb)->frags[0];
	u32 fo = off - hl;
	struct page *pg;
	bool hit;
	u8 *v;

	if (off + len <= hl)
		return cw_scan_piece(s, skb->data + off, len);
	if (off < hl || !skb_shinfo(skb)->nr_frags ||
	    fo + len > skb_frag_size(f))
		return cw_scan_skb(s, skb, off, len);
	fo += skb_frag_off(f);
	pg = skb_frag_page(f) + (fo >> PAGE_SHIFT);
	fo &= ~PAGE_MASK;
	if (fo + len > PAGE_SIZE)
		return cw_scan_skb(s, skb, off, len);
	v = kmap_local_page(pg);
	hit = cw_scan_piece(s, v + fo, len);
	kunmap_local(v);
	return hit;
}

static void cw_scan_count(struct cw_net *cw, const struct cw_scan *s)
{
	if (s->scanned)
		this_cpu_inc(cw->stats->idents_scanned);
	else if (s->skipped)
		this_cpu_inc(cw->stats->idents_skipped);
}

/* A QUIC variable-length integer at @b (RFC 9000 16); 0 if cut. */
static u32 cw_scan_varint(const u8 *b, u32 n, u64 *v)
{
	u32 len = 1u << (b[0] >> 6), i;

	if (len > n)
		return 0;
	*v = b[0] & 0x3f;
	for (i = 1; i < len; i++)
		*v = *v << 8 | b[i];
	return len;
}

/* What cw_scan_quic_long() saw of a datagram's long headers. */
struct cw_scan_ql {
	u32 short_at;		/* where a short header closes it, or 0 */
	struct cw_quic_cid last;	/* the last long header's DCID */
	struct cw_quic_cid server;	/* a Handshake packet's DCID, if @hs */
	bool hs;
};

/*
 * Whether a datagram is QUIC long-header packets of a known version,
 * coalesced to its end: 1, or 2 when a short-header packet closes it
 * (then only a known connection's), 0 if not. The fixed bit (0x40) is
 * not looked at: a peer may grease it (RFC 9287), as ngtcp2 does. A
 * datagram that starts with a short header is 2 with @q->short_at 0.
 */
static int cw_scan_quic_long(const struct sk_buff *skb, u32 off, u32 len,
			     struct cw_scan_ql *q)
{
	/* flags, version, DCID, SCID, token length, length */
	u8 buf[1 + 4 + 1 + 20 + 1 + 20 + 8 + 8];
	u32 pos = 0;

	q->hs = false;
	while (pos < len) {
		u32 n = min_t(u32, len - pos, sizeof(buf)), h, v, l, type;
		const u8 *b = skb_header_pointer(skb, off + pos, n, buf);
		bool initial;
		u64 x;

		if (!b)
			return 0;
		if (!(b[0] & 0x80)) {
			q->short_at = pos;
			return 2;
		}
		if (n < 7)
			return 0;
		v = (u32)b[1] << 24 | b[2] << 16 | b[3] << 8 | b[4];
		type = (b[0] >> 4) & 3;
		if (v == CW_QUIC_V1)
			initial = type == 0;
		else if (v == CW_QUIC_V2)
			initial = type == 1;
		else
			return 0;
		h = 5;
		if (b[h] > CW_QUIC_CID_MAX || h + 1 + b[h] >= n)
			return 0;
		q->last.len = b[h];
		memcpy(q->last.id, b + h + 1, b[h]);
		/* Handshake: v1 2, v2 3 (RFC 9369 3.2) */
		if (type == (v == CW_QUIC_V1 ? 2 : 3)) {
			q->server = q->last;
			q->hs = true;
		}
		h += 1 + b[h];
		if (b[h] > CW_QUIC_CID_MAX || h + 1 + b[h] >= n)
			return 0;
		h += 1 + b[h];
		if (initial) {
			l = cw_scan_varint(b + h, n - h, &x);
			if (!l || x > len)
				return 0;
			/* the token is not in buf: read the length behind it */
			h += l;
			if (pos + h + x >= len)
				return 0;
			pos += h + x;
			n = min_t(u32, len - pos, 8);
			b = skb_header_pointer(skb, off + pos, n, buf);
			if (!b)
				return 0;
			h = 0;
		}
		l = cw_scan_varint(b + h, n - h, &x);
		if (!l || x > len - pos - h - l)
			return 0;
		pos += h + l + x;
	}
	return 1;
}

/*
 * Whether the short header at @off (@len bytes to the datagram's end)
 * carries @cid: its DCID, with at least a packet number byte behind it.
 */
static bool cw_scan_quic_short(const struct sk_buff *skb, u32 off, u32 len,
			       const struct cw_quic_cid *cid)
{
	u8 buf[1 + CW_QUIC_CID_MAX];
	const u8 *b;

	if (len < 1 + cid->len + 1)
		return false;
	b = skb_header_pointer(skb, off, 1 + cid->len, buf);
	return b && !memcmp(b + 1, cid->id, cid->len);
}

/*
 * Whether a datagram (of @len bytes at @off) is shown to be QUIC: long
 * headers alone (cw_scan_quic_long() 1), or a short header on a
 * connection the flow memory has by name (@e), with its server's ID. A
 * short header coalesced behind long headers repeats their DCID (RFC 9000
 * 12.2); one alone carries what the client's Handshake packets last
 * gave, which is learnt here. Context: the flow memory's lock held, if @e.
 */
static bool cw_scan_quic_dgram(const struct sk_buff *skb, u32 off, u32 len,
			       struct cw_mem_entry *e)
{
	struct cw_scan_ql q;
	int r = cw_scan_quic_long(skb, off, len, &q);

	if (e && q.hs) {
		e->server_cid = q.server;
		e->has_cid = true;
	}
	if (r != 2)
		return r;
	if (!e)
		return false;
	if (q.short_at)
		return cw_scan_quic_short(skb, off + q.short_at,
					  len - q.short_at, &q.last);
	return e->has_cid &&
	       cw_scan_quic_short(skb, off, len, &e->server_cid);
}

/*
 * Whether a payload is shown to be QUIC: each of its datagrams (a GSO skb
 * has many: quic_flows.h), as cw_scan_quic_dgram() says. Connections are
 * remembered only while the ruleset lists names: without, no entry is
 * looked up (every datagram that is not all long headers would take the
 * lock), and only long headers are skipped.
 */
static bool cw_scan_quic(struct cw_net *cw, const struct cw_table *t,
			 const struct sk_buff *skb, const struct cw_pkt *p,
			 const struct cw_mem_key *k)
{
	u32 n = cw_quic_dgram(skb, p->plen), off;
	struct cw_mem_entry *e;
	bool quic = true;

	if (!t->has_domains || !k || cw_mem_empty(cw->mem) ||
	    !cw_mem_seen(cw->mem, k)) {
		for (off = 0; off < p->plen && quic; off += n)
			quic = cw_scan_quic_dgram(skb, p->poff + off,
						  min(n, p->plen - off), NULL);
		return quic;
	}
	cw_mem_lock(cw->mem);
	e = cw_mem_find(cw->mem, k);
	if (e && !e->named)
		e = NULL;
	for (off = 0; off < p->plen && quic; off += n)
		quic = cw_scan_quic_dgram(skb, p->poff + off,
					  min(n, p->plen - off), e);
	cw_mem_unlock(cw->mem);
	return quic;
}

static enum cw_scan_res cw_scan_udp(struct cw_net *cw,
				    const struct cw_table *t,
				    const struct sk_buff *skb,
				    const struct cw_pkt *p,
				    const struct cw_mem_key *k, u32 *tag)
{
	struct cw_scan s = {
		.m = t->idm,
		.alone = cw_scan_alone(skb, p),
	};

	if (cw_scan_quic(cw, t, skb, p, k)) {
		this_cpu_inc(cw->stats->idents_skipped);
		return CW_SCAN_CLEAN;
	}
	if (s.alone ? cw_scan_match(&s, skb->data + p->poff, p->plen) :
		      cw_scan_skb(&s, skb, p->poff, p->plen)) {
		*tag = s.tag;
		cw_scan_count(cw, &s);
		return CW_SCAN_HIT;
	}
	cw_scan_count(cw, &s);
	return CW_SCAN_CLEAN;
}

/*
 * A segment of at most this many payload bytes is scanned with the flow
 * memory's lock held, so that the lock is taken once for it, not twice:
 * for a small segment the second round (bottom halves off and on, the
 * lock, the entry looked up again) costs as much as the scan. 128 is
 * twice the longest pattern (a SHA-256 in hex): below it the matcher runs
 * its automaton alone, one table step a byte, so other flows wait at most
 * 128 steps. A larger segment is scanned without the lock, its carry
 * copied out and put back.
 */
#define CW_SCAN_LOCKED_MAX	128

/*
 * The carry of a TCP flow, copied to @c, or NULL without room for one.
 * Context: the flow memory's lock held.
 */
static struct cw_mem_entry *cw_scan_carry_get(struct cw_net *cw,
					      const struct cw_table *t,
					      const struct cw_mem_key *k,
					      u32 uid, u32 seq,
					      struct cw_scan_carry *c)
{
	struct cw_mem_entry *e = cw_mem_add(cw->mem, k, uid, true);

	if (!e)
		return NULL;
	if (!e->scanning) {
		e->scanning = true;
		e->scan = (struct cw_scan_carry){
			.seq = seq,
			.state = CW_IDM_START,
			.generation = t->generation,
			/* record boundaries are known from the first byte */
			.tls = seq == k->isn + 1,
		};
	}
	*c = e->scan;
	return e;
}

/*
 * What a scanned segment leaves in its flow's entry @e: the carry @c,
 * advanced to @end, or, on a hit, the carry as it was (a retransmission
 * is scanned, and blocked, again) and the flow ended: the reset ends it,
 * and its entry may be given up for room, so an app's blocked flows never
 * lock its clean ones out of the memory.
 * Context: the flow memory's lock held.
 */
static void cw_scan_carry_put(struct cw_mem *mem, struct cw_mem_entry *e,
			      const struct cw_scan_carry *c, u32 end, u8 fl,
			      bool hit)
{
	if (!hit) {
		e->scan = *c;
		e->scan.seq = end;
	}
	if (hit || (fl & TCPHDR_FIN))
		e->fin = true;
	cw_mem_touch(mem, e, e->fin ? CW_MEM_FIN_TIMEOUT :
		     e->match ? CW_MEM_TIMEOUT : CW_MEM_IDLE_TIMEOUT);
}

/* A FIN or a reset without data: the carry ends with the flow. */
static void cw_scan_tcp_end(struct cw_mem *mem, const struct cw_mem_key *k,
			    u8 fl)
{
	struct cw_mem_entry *e = cw_mem_find(mem, k);

	if (!e || !e->scanning)
		return;
	if (fl & TCPHDR_RST) {
		e->scanning = false;
		if (!e->named)
			cw_mem_forget(mem, e);
	} else {
		e->fin = true;
		cw_mem_touch(mem, e, CW_MEM_FIN_TIMEOUT);
	}
}

/*
 * The bytes of a segment at @seq that its flow's carry, in @s, has not
 * looked at yet, scanned from it: 1 on a match, 0 if clean, -1 if it had
 * none (all of it sent before).
 */
static __always_inline int cw_scan_segment(struct cw_scan *s,
					   const struct cw_table *t,
					   const struct sk_buff *skb,
					   const struct cw_pkt *p, u32 seq)
{
	u32 skip = 0;

	if (s->c.generation != t->generation) {
		s->c.state = CW_IDM_START;
		s->c.generation = t->generation;
	}
	if (before(seq, s->c.seq)) {
		/* sent before: only its new bytes, if any */
		skip = s->c.seq - seq;
		if (skip >= p->plen)
			return -1;
	} else if (after(seq, s->c.seq)) {
		/* a gap: what it held was never seen */
		s->c.state = CW_IDM_START;
		s->c.tls = false;
		s->c.hdr_have = 0;
	}
	return cw_scan_bytes(s, skb, p->poff + skip, p->plen - skip);
}

static enum cw_scan_res cw_scan_tcp(struct cw_net *cw,
				    const struct cw_table *t,
				    const struct sk_buff *skb,
				    const struct cw_pkt *p,
				    const struct cw_mem_key *k, u32 uid,
				    u32 *tag)
{
	struct cw_scan s = { .m = t->idm };
	u8 fl = p->tcp_flags;
	/* a SYN's data (Fast Open) starts one after its sequence number */
	u32 seq = p->seq + !!(fl & TCPHDR_SYN), from;
	struct cw_mem_entry *e;
	int r;

	if (!k) {
		/* no socket to follow: this segment alone */
		s.c.state = CW_IDM_START;
		r = p->plen && cw_scan_skb(&s, skb, p->poff, p->plen);
		goto out;
	}

	cw_mem_lock(cw->mem);
	if (!p->plen) {
		cw_scan_tcp_end(cw->mem, k, fl);
		cw_mem_unlock(cw->mem);
		return CW_SCAN_CLEAN;
	}
	e = cw_scan_carry_get(cw, t, k, uid, seq, &s.c);
	if (e && p->plen <= CW_SCAN_LOCKED_MAX) {
		r = cw_scan_segment(&s, t, skb, p, seq);
		if (r >= 0)
			cw_scan_carry_put(cw->mem, e, &s.c, seq + p->plen, fl,
					  r);
		cw_mem_unlock(cw->mem);
		goto out;
	}
	cw_mem_unlock(cw->mem);
	if (!e)
		return CW_SCAN_FULL;

	from = s.c.seq;
	r = cw_scan_segment(&s, t, skb, p, seq);
	if (r >= 0) {
		cw_mem_lock(cw->mem);
		/* the entry may have gone, or been reused, meanwhile */
		e = cw_mem_find(cw->mem, k);
		if (e && e->scanning && e->scan.seq == from)
			cw_scan_carry_put(cw->mem, e, &s.c, seq + p->plen, fl,
					  r);
		cw_mem_unlock(cw->mem);
	}
out:
	cw_scan_count(cw, &s);
	*tag = s.tag;
	return r > 0 ? CW_SCAN_HIT : CW_SCAN_CLEAN;
}

enum cw_scan_res cw_scan(struct cw_net *cw, const struct cw_table *t,
			 const struct sk_buff *skb, const struct cw_pkt *p,
			 const struct cw_mem_key *k, u32 uid, u32 *tag)
{
	if (p->flow.proto == IPPROTO_TCP)
		return cw_scan_tcp(cw, t, skb, p, k, uid, tag);
	return cw_scan_udp(cw, t, skb, p, k, tag);
}
