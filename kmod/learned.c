// SPDX-License-Identifier: GPL-2.0
/*
 * The per-namespace table of addresses learned from DNS answers (see
 * learned.h).
 *
 * An entry is one address bound by one UID's answers: two apps resolving
 * the same name hold two entries, and a lookup joins the purposes of every
 * live entry of the address. So the eviction that bounds one UID (its own
 * soonest to expire, past CW_LEARNED_PER_UID) never takes another UID's
 * binding; only a table full of live entries, which takes
 * CW_LEARNED_MAX / CW_LEARNED_PER_UID UIDs at least, gives up the soonest
 * to expire of all. Answers whose socket the hook could not see (no early
 * demux) share one quota, CW_NO_UID's.
 *
 * Entries are chained by address hash. Writers (answers at LOCAL_IN,
 * commits) take the seqlock; the packet path reads under its sequence
 * count and retries if a writer ran meanwhile, so it takes no lock, and a
 * chain walk is bounded by the table size even when it meets a chain
 * being rewritten. Each entry keeps its purposes for the active
 * ruleset's generation and, during a commit, for the next one's: a packet
 * meets the bindings of the ruleset it meets, never a mix.
 *
 * Answers over TCP are read from the segments as they come in; a
 * message that goes on past its segment waits, whole or not at all, in a
 * few per-namespace slots for the rest of its bytes (learned.h).
 *
 * Flows that showed their own name to a learned address are a second,
 * small table under a spinlock, looked at only for packets whose address
 * is bound: a CDN address that a listed name shares with others binds
 * nothing for a flow that says it is for another name.
 *
 * At commit the bindings are matched again by their names (renumbered
 * purposes follow, names no longer listed unbind); at namespace exit, and
 * so at rmmod, the table goes with the namespace's state.
 */
#include <linux/jhash.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>

#include "learned.h"

/* DNS messages looked at in one TCP segment. */
#define CW_LEARNED_TCP_MSGS	16

struct cw_learned *cw_learned_new(void)
{
	struct cw_learned *lt = kvzalloc(sizeof(*lt), GFP_KERNEL);

	if (!lt)
		return NULL;
	lt->scratch = alloc_percpu(struct cw_learned_scratch);
	if (!lt->scratch) {
		kvfree(lt);
		return NULL;
	}
	seqlock_init(&lt->lock);
	spin_lock_init(&lt->named_lock);
	spin_lock_init(&lt->tcp_lock);
	atomic_set(&lt->nr, 0);
	atomic_set(&lt->nr_named, 0);
	lt->latest = jiffies;
	return lt;
}

void cw_learned_free(struct cw_learned *lt)
{
	if (!lt)
		return;
	free_percpu(lt->scratch);
	kvfree(lt);
}

static u32 cw_learned_alen(u8 family)
{
	return family == AF_INET ? 4 : 16;
}

static u32 cw_learned_hash(u8 family, const u8 *addr)
{
	u32 w[4] = {};

	memcpy(w, addr, cw_learned_alen(family));
	return jhash2(w, 4, family) & (CW_LEARNED_BUCKETS - 1);
}

static bool cw_learned_live(const struct cw_learned_entry *e,
			    unsigned long now)
{
	return e->family && time_before(now, e->expires);
}

static u64 cw_learned_mask(const struct cw_learned_entry *e, u32 gen)
{
	if (e->b[0].gen == gen)
		return e->b[0].mask;
	return e->b[1].gen == gen ? e->b[1].mask : 0;
}

/* Unlinks entry i (in use) from its chain and frees it; seqlock held. */
static void cw_learned_drop(struct cw_learned *lt, u32 i)
{
	struct cw_learned_entry *e = &lt->e[i];
	u16 *pp = &lt->head[cw_learned_hash(e->family, e->addr)];
	u32 steps;

	for (steps = 0; *pp && steps < CW_LEARNED_MAX; steps++) {
		if (*pp == i + 1) {
			WRITE_ONCE(*pp, e->next);
			break;
		}
		pp = &lt->e[*pp - 1].next;
	}
	e->family = 0;
	atomic_dec(&lt->nr);
}

/*
 * The slot a new binding of @uid takes: past its quota its own soonest to
 * expire, else a free or expired one, else the soonest to expire of all.
 * Returns its index; the slot is free (unlinked). Seqlock held.
 */
static u32 cw_learned_slot(struct cw_learned *lt, u32 uid, unsigned long now)
{
	u32 i, n = 0, mine = CW_LEARNED_MAX, any = CW_LEARNED_MAX;
	u32 free = CW_LEARNED_MAX;

	for (i = 0; i < CW_LEARNED_MAX; i++) {
		const struct cw_learned_entry *e = &lt->e[i];

		if (!cw_learned_live(e, now)) {
			if (free == CW_LEARNED_MAX || !e->family)
				free = i;
			continue;
		}
		if (e->uid == uid) {
			n++;
			if (mine == CW_LEARNED_MAX ||
			    time_before(e->expires, lt->e[mine].expires))
				mine = i;
		}
		if (any == CW_LEARNED_MAX ||
		    time_before(e->expires, lt->e[any].expires))
			any = i;
	}
	i = n >= CW_LEARNED_PER_UID ? mine : free < CW_LEARNED_MAX ? free : any;
	if (lt->e[i].family)
		cw_learned_drop(lt, i);
	return i;
}

/* One address of an answer, bound to @mask for @ttl seconds. */
static void cw_learned_bind(struct cw_learned *lt, const struct cw_dnsa_addr *ad,
			    u64 mask, u32 gen, const char *name, u32 name_len,
			    u32 uid)
{
	unsigned long now = jiffies, expires;
	u32 alen = cw_learned_alen(ad->family), h, i, steps;
	struct cw_learned_entry *e;

	expires = now + clamp_t(u32, ad->ttl, CW_LEARNED_TTL_MIN,
				CW_LEARNED_TTL_MAX) * HZ;
	h = cw_learned_hash(ad->family, ad->addr);
	write_seqlock_bh(&lt->lock);
	for (i = lt->head[h], steps = 0; i && steps < CW_LEARNED_MAX;
	     i = e->next, steps++) {
		e = &lt->e[i - 1];
		if (e->family != ad->family || e->uid != uid ||
		    memcmp(e->addr, ad->addr, alen))
			continue;
		if (!cw_learned_live(e, now)) {
			memset(e->b, 0, sizeof(e->b));
		} else {
			mask |= cw_learned_mask(e, gen);
			expires = max(expires, e->expires);
		}
		goto fill;
	}
	i = cw_learned_slot(lt, uid, now) + 1;
	e = &lt->e[i - 1];
	memset(e->b, 0, sizeof(e->b));
	memcpy(e->addr, ad->addr, sizeof(e->addr));
	e->family = ad->family;
	e->uid = uid;
	e->next = lt->head[h];
	WRITE_ONCE(lt->head[h], i);
	atomic_inc(&lt->nr);
fill:
	/* the binding for @gen in the slot that holds it, or the other */
	e->b[e->b[0].gen == gen ? 0 : e->b[1].gen == gen ? 1 : 0] =
		(struct cw_learned_bind){ .gen = gen, .mask = mask };
	e->expires = expires;
	memcpy(e->name, name, name_len + 1);
	e->name_len = name_len;
	if (time_after(expires, lt->latest))
		WRITE_ONCE(lt->latest, expires);
	write_sequnlock_bh(&lt->lock);
}

/*
 * One whole message: its names matched, its addresses bound. The purposes
 * of any name of the chain are the purposes of every address it gives (an
 * alias and its target are one resolution); the name kept is the first
 * that matched.
 */
static void cw_learned_msg(struct cw_learned *lt, const struct cw_ruleset *rs,
			   u32 gen, const u8 *msg, u32 len,
			   struct cw_dns_answer *a, u32 uid)
{
	struct cw_flow f = {};
	u32 i, first = 0;
	u64 m = 0, mk;

	if (cw_parse_dns_answer(msg, len, a) != CW_PARSE_NAME)
		return;
	for (i = 0; i < a->nr_names; i++) {
		f.name = a->name[i];
		f.name_len = a->name_len[i];
		mk = cw_ruleset_match(rs, &f);
		if (mk && !m)
			first = i;
		m |= mk;
	}
	if (!m)
		return;
	for (i = 0; i < a->nr_addrs; i++)
		cw_learned_bind(lt, &a->addr[i], m, gen, a->name[first],
				a->name_len[first], uid);
}

/* The slot keeping the start of @sk's message, or NULL. Under tcp_lock. */
static struct cw_learned_tcp *cw_learned_tcp_find(struct cw_learned *lt,
						  const void *sk,
						  unsigned long now)
{
	struct cw_learned_tcp *s;
	u32 i;

	for (i = 0; i < CW_LEARNED_TCP_FLOWS; i++) {
		s = &lt->tcp[i];
		if (s->sk == sk && time_before(now, s->expires))
			return s;
	}
	return NULL;
}

/*
 * Keeps the @n bytes at @off, the start of a message, for @sk's next
 * segment (at @next_seq): in a free or silent slot, else in the one
 * soonest to expire. Under tcp_lock.
 */
static void cw_learned_tcp_keep(struct cw_learned *lt, const void *sk,
				const struct sk_buff *skb, u32 off, u32 n,
				u32 next_seq, unsigned long now)
{
	struct cw_learned_tcp *s = &lt->tcp[0];
	u32 i;

	for (i = 0; i < CW_LEARNED_TCP_FLOWS; i++) {
		if (!lt->tcp[i].sk || !time_before(now, lt->tcp[i].expires)) {
			s = &lt->tcp[i];
			break;
		}
		if (time_before(lt->tcp[i].expires, s->expires))
			s = &lt->tcp[i];
	}
	s->sk = NULL;
	if (n > sizeof(s->buf) || skb_copy_bits(skb, off, s->buf, n))
		return;
	s->sk = sk;
	s->have = n;
	s->next_seq = next_seq;
	s->expires = now + CW_LEARNED_TCP_IDLE;
}

/*
 * Completes the message kept in @s with the segment's bytes from *@off
 * (at stream position @seq) on: binds it once whole, and moves *@off past
 * what it took. Returns false while the message goes on past the segment.
 * A segment that does not start where the kept bytes end frees the slot,
 * but for a retransmission of bytes already kept (nothing new).
 */
static bool cw_learned_tcp_more(struct cw_learned *lt,
				const struct cw_ruleset *rs, u32 gen,
				const struct sk_buff *skb, u32 *off, u32 end,
				u32 seq, struct cw_learned_tcp *s,
				struct cw_learned_scratch *sc, u32 uid,
				unsigned long now)
{
	u32 skip = s->next_seq - seq, last = seq + (end - *off), want, take;

	if ((s32)skip < 0) {
		s->sk = NULL;		/* a gap: the message is lost */
		return true;
	}
	if (skip >= end - *off) {
		*off = end;		/* old bytes only */
		return false;
	}
	*off += skip;
	while (*off < end) {
		/* the length prefix first, then the message it announces */
		want = s->have < 2 ? 2 : 2 + ((u32)s->buf[0] << 8 | s->buf[1]);
		if (want > sizeof(s->buf))
			break;		/* too large to bind */
		take = min(want - s->have, end - *off);
		if (skb_copy_bits(skb, *off, s->buf + s->have, take))
			break;
		s->have += take;
		*off += take;
		if (s->have >= 2 &&
		    s->have == 2 + ((u32)s->buf[0] << 8 | s->buf[1])) {
			s->sk = NULL;
			cw_learned_msg(lt, rs, gen, s->buf + 2, s->have - 2,
				       &sc->a, uid);
			return true;
		}
	}
	if (*off < end) {
		s->sk = NULL;
		*off = end;
	}
	s->next_seq = last;
	s->expires = now + CW_LEARNED_TCP_IDLE;
	return false;
}

/*
 * TCP: the messages of the segment, after a 2-byte length each; the one
 * it ends inside is kept for the flow's next segment.
 */
static void cw_learned_tcp(struct cw_learned *lt, const struct cw_ruleset *rs,
			   u32 gen, const struct sk_buff *skb, u32 off,
			   u32 end, const void *sk, u32 seq,
			   struct cw_learned_scratch *sc, u32 uid)
{
	u32 next_seq = seq + (end - off), n, i;
	unsigned long now = jiffies;
	struct cw_learned_tcp *s;
	const u8 *d;
	u8 pfx[2];

	spin_lock(&lt->tcp_lock);
	s = sk ? cw_learned_tcp_find(lt, sk, now) : NULL;
	if (s && !cw_learned_tcp_more(lt, rs, gen, skb, &off, end, seq, s,
				      sc, uid, now))
		goto out;
	for (i = 0; i < CW_LEARNED_TCP_MSGS && off < end; i++) {
		n = 0;
		if (end - off >= 2) {
			if (skb_copy_bits(skb, off, pfx, 2))
				goto out;
			n = (u32)pfx[0] << 8 | pfx[1];
			if (n > CW_DNSA_MSG_MAX)
				goto out;	/* binds nothing */
		}
		if (end - off < 2 || n > end - off - 2) {
			if (sk)
				cw_learned_tcp_keep(lt, sk, skb, off, end - off,
						    next_seq, now);
			goto out;
		}
		d = skb_header_pointer(skb, off + 2, n, sc->msg);
		if (!d)
			goto out;
		cw_learned_msg(lt, rs, gen, d, n, &sc->a, uid);
		off += 2 + n;
	}
out:
	spin_unlock(&lt->tcp_lock);
}

void cw_learned_answer(struct cw_learned *lt, const struct cw_ruleset *rs,
		       u32 gen, const struct sk_buff *skb, u32 poff, u32 plen,
		       bool tcp, const void *sk, u32 seq, u32 uid)
{
	struct cw_learned_scratch *sc;
	const u8 *d;

	local_bh_disable();
	sc = this_cpu_ptr(lt->scratch);
	if (tcp) {
		cw_learned_tcp(lt, rs, gen, skb, poff, poff + plen, sk, seq,
			       sc, uid);
	} else {
		d = plen <= CW_DNSA_MSG_MAX ?
		    skb_header_pointer(skb, poff, plen, sc->msg) : NULL;
		if (d)
			cw_learned_msg(lt, rs, gen, d, plen, &sc->a, uid);
	}
	local_bh_enable();
}

u64 cw_learned_match(struct cw_learned *lt, u32 gen, const struct cw_flow *f,
		     char *name)
{
	const struct cw_learned_entry *e;
	unsigned long now = jiffies;
	u32 alen, h, i, steps;
	unsigned int seq;
	u64 m, mk;

	if (!f->daddr || (f->family != AF_INET && f->family != AF_INET6))
		return 0;
	alen = cw_learned_alen(f->family);
	h = cw_learned_hash(f->family, f->daddr);
	do {
		seq = read_seqbegin(&lt->lock);
		m = 0;
		if (name)
			name[0] = '\0';
		for (i = READ_ONCE(lt->head[h]), steps = 0;
		     i && steps < CW_LEARNED_MAX;
		     i = READ_ONCE(e->next), steps++) {
			e = &lt->e[i - 1];
			if (e->family != f->family ||
			    memcmp(e->addr, f->daddr, alen) ||
			    !cw_learned_live(e, now))
				continue;
			mk = cw_learned_mask(e, gen);
			if (mk && name && !name[0])
				memcpy(name, e->name,
				       min_t(u32, e->name_len, CW_NAME_MAX) + 1);
			m |= mk;
		}
	} while (read_seqretry(&lt->lock, seq));
	return m;
}

void cw_learned_rederive(struct cw_learned *lt, const struct cw_ruleset *rs,
			 u32 gen, u32 next)
{
	unsigned long now = jiffies;
	struct cw_learned_entry *e;
	struct cw_flow f = {};
	u32 i;

	write_seqlock_bh(&lt->lock);
	for (i = 0; i < CW_LEARNED_MAX; i++) {
		e = &lt->e[i];
		if (!cw_learned_live(e, now))
			continue;
		f.name = e->name;
		f.name_len = e->name_len;
		/* the slot that does not hold the active binding */
		e->b[e->b[0].gen == gen] = (struct cw_learned_bind){
			.gen = next, .mask = cw_ruleset_match(rs, &f) };
	}
	write_sequnlock_bh(&lt->lock);
}

void cw_learned_prune(struct cw_learned *lt, u32 gen)
{
	unsigned long now = jiffies;
	u32 i;

	write_seqlock_bh(&lt->lock);
	for (i = 0; i < CW_LEARNED_MAX; i++)
		if (lt->e[i].family && (!cw_learned_live(&lt->e[i], now) ||
					!cw_learned_mask(&lt->e[i], gen)))
			cw_learned_drop(lt, i);
	write_sequnlock_bh(&lt->lock);
}

/* ---- flows that showed their own name ----------------------------------- */

static bool cw_learned_named_is(const struct cw_learned_named *n,
				const void *sk, const struct cw_flow *f,
				u16 sport)
{
	return n->used && n->sk == sk && n->sport == sport &&
	       n->dport == f->dport && n->proto == f->proto &&
	       !memcmp(n->daddr, f->daddr, cw_learned_alen(f->family));
}

static struct cw_learned_named *
cw_learned_named_find(struct cw_learned *lt, const void *sk,
		      const struct cw_flow *f, u16 sport)
{
	u32 i;

	for (i = 0; i < CW_LEARNED_NAMED; i++)
		if (cw_learned_named_is(&lt->named[i], sk, f, sport))
			return &lt->named[i];
	return NULL;
}

static void cw_learned_named_forget(struct cw_learned *lt,
				    struct cw_learned_named *n)
{
	n->used = false;
	atomic_dec(&lt->nr_named);
}

bool cw_learned_named(struct cw_learned *lt, const void *sk,
		      const struct cw_flow *f, u16 sport, bool end)
{
	struct cw_learned_named *n;
	bool named = false;

	if (!sk || !atomic_read(&lt->nr_named))
		return false;
	spin_lock_bh(&lt->named_lock);
	n = cw_learned_named_find(lt, sk, f, sport);
	if (n && time_before(jiffies, n->expires)) {
		named = true;
		n->expires = jiffies + CW_LEARNED_NAMED_IDLE;
	}
	if (n && (end || !named))
		cw_learned_named_forget(lt, n);
	spin_unlock_bh(&lt->named_lock);
	return named;
}

void cw_learned_set_named(struct cw_learned *lt, const void *sk,
			  const struct cw_flow *f, u16 sport)
{
	struct cw_learned_named *n, *free = NULL;
	unsigned long now = jiffies;
	u32 i, uid = cw_flow_owner(f), mine = 0;

	if (!sk || (!f->name && !atomic_read(&lt->nr_named)))
		return;
	spin_lock_bh(&lt->named_lock);
	n = cw_learned_named_find(lt, sk, f, sport);
	if (n && !f->name) {
		cw_learned_named_forget(lt, n);
		n = NULL;
	}
	if (n || !f->name)
		goto out;
	for (i = 0; i < CW_LEARNED_NAMED; i++) {
		struct cw_learned_named *s = &lt->named[i];

		if (s->used && time_after_eq(now, s->expires))
			cw_learned_named_forget(lt, s);
		if (!s->used)
			free = free ?: s;
		else if (s->uid == uid)
			mine++;
	}
	if (!free || mine >= CW_LEARNED_NAMED_PER_UID)
		goto out;
	n = free;
	n->used = true;
	n->sk = sk;
	n->sport = sport;
	n->dport = f->dport;
	n->proto = f->proto;
	n->uid = uid;
	memset(n->daddr, 0, sizeof(n->daddr));
	memcpy(n->daddr, f->daddr, cw_learned_alen(f->family));
	atomic_inc(&lt->nr_named);
out:
	if (n)
		n->expires = now + CW_LEARNED_NAMED_IDLE;
	spin_unlock_bh(&lt->named_lock);
}
