// SPDX-License-Identifier: GPL-2.0
/*
 * The per-namespace table of TCP flows whose ClientHello, HTTP request head
 * or DNS message is being parsed across segments (see names.c for when a
 * flow enters and leaves it).
 *
 * Open addressing over a fixed array: a flow hashes to a slot and may use
 * the CW_FLOWS_PROBE slots from there. One spinlock guards the table: it is
 * taken only for flows that are, or are about to be, in it, which are few
 * and short-lived, and cw_flows_empty() lets every other packet skip it.
 * The segments of one flow are serialised by its socket lock anyway.
 */
#include <linux/hash.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/rculist_nulls.h>
#include <linux/slab.h>

#include "flows.h"

struct cw_flows *cw_flows_new(void)
{
	struct cw_flows *ft = kvzalloc(sizeof(*ft), GFP_KERNEL);

	if (!ft)
		return NULL;
	spin_lock_init(&ft->lock);
	atomic_set(&ft->used, 0);
	return ft;
}

void cw_flows_free(struct cw_flows *ft)
{
	kvfree(ft);
}

void cw_flows_lock(struct cw_flows *ft) __acquires(&ft->lock)
{
	spin_lock(&ft->lock);
}

void cw_flows_unlock(struct cw_flows *ft) __releases(&ft->lock)
{
	spin_unlock(&ft->lock);
}

static u32 cw_flows_hash(const void *sk, u16 sport, u16 dport)
{
	return hash_32(hash_ptr(sk, 32) ^ ((u32)sport << 16 | dport),
		       ilog2(CW_FLOWS_MAX));
}

static bool cw_flows_is(const struct cw_flow_slot *s, const void *sk,
			u16 sport, u16 dport)
{
	return s->used && s->sk == sk && s->sport == sport &&
	       s->dport == dport;
}

struct cw_flow_slot *cw_flows_find(struct cw_flows *ft, const void *sk,
				   u16 sport, u16 dport)
{
	u32 h = cw_flows_hash(sk, sport, dport), i;

	for (i = 0; i < CW_FLOWS_PROBE; i++) {
		struct cw_flow_slot *s = &ft->slot[(h + i) % CW_FLOWS_MAX];

		if (cw_flows_is(s, sk, sport, dport))
			return s;
	}
	return NULL;
}

void cw_flows_release(struct cw_flows *ft, struct cw_flow_slot *s)
{
	if (!s->used)
		return;
	s->used = false;
	s->sk = NULL;
	atomic_dec(&ft->used);
}

/* The slots @uid holds that it has not let expire. */
static u32 cw_flows_held(const struct cw_flows *ft, u32 uid)
{
	u32 i, n = 0;

	for (i = 0; i < CW_FLOWS_MAX; i++) {
		const struct cw_flow_slot *s = &ft->slot[i];

		n += s->used && s->uid == uid &&
		     !time_after(jiffies, s->expires);
	}
	return n;
}

struct cw_flow_slot *cw_flows_add(struct cw_flows *ft, const void *sk,
				  u16 sport, u16 dport, u32 uid)
{
	u32 h = cw_flows_hash(sk, sport, dport), i;
	struct cw_flow_slot *s, *free = NULL;

	/*
	 * A socket freed while its flow was in the table may come back at
	 * the same address with the same ports: its old slot is stale.
	 */
	s = cw_flows_find(ft, sk, sport, dport);
	if (s)
		cw_flows_release(ft, s);
	/* counted only once the table holds enough for a UID to be full */
	if (atomic_read(&ft->used) >= CW_FLOWS_PER_UID &&
	    cw_flows_held(ft, uid) >= CW_FLOWS_PER_UID)
		return NULL;

	for (i = 0; i < CW_FLOWS_PROBE && !free; i++) {
		s = &ft->slot[(h + i) % CW_FLOWS_MAX];
		if (!s->used) {
			free = s;
		} else if (time_after(jiffies, s->expires)) {
			/*
			 * Lookups ignore expiry: a slot is only taken from a
			 * flow that stayed silent for CW_FLOWS_TIMEOUT when
			 * another flow needs it.
			 */
			cw_flows_release(ft, s);
			free = s;
		}
	}
	if (!free)
		return NULL;
	free->used = true;
	free->sk = sk;
	free->uid = uid;
	free->sport = sport;
	free->dport = dport;
	free->blocked = false;
	free->is_http = false;
	free->expires = jiffies + CW_FLOWS_TIMEOUT;
	atomic_inc(&ft->used);
	return free;
}

/*
 * The flow memory (flows.h has its bounds). Chained buckets over a fixed
 * pool of entries, one spinlock for every change: every flow's packets
 * are serialised by its socket anyway. Each UID's entries are on a list,
 * least recently active first, so that the entry it gives up for room is
 * found without a search of the table.
 *
 * Most packets that are looked up belong to no remembered flow, and
 * cw_mem_seen() answers them without the lock. The entries are never
 * freed while the namespace lives (the memory goes after the hooks'
 * synchronize_rcu()), but one that is forgotten is reused at once for
 * another flow, in another bucket, so a lockless reader may be standing
 * on an entry when its key is rewritten and its chain changed. That is
 * what the nulls lists of SLAB_TYPESAFE_BY_RCU objects are for (TCP's
 * established table and conntrack walk theirs the same way): each
 * bucket's chain ends in a marker that carries the bucket's index, so a
 * reader carried off into another chain by a reused entry sees at its
 * end that it is not where it began, and walks again. An entry is
 * inserted at its chain's head only, after its key is written
 * (rcu_assign_pointer orders the two); a forgotten entry keeps its next
 * pointer, so a reader on it goes on along the old chain. A reader
 * therefore finds every entry that stays in its bucket for the whole
 * walk. What it may also see is an entry being reused, its key half
 * written: a key that looks like the flow's when it is not, or the
 * reverse, for that entry only. The first is why a match is only a hint
 * to take the lock and look again (cw_mem_find()); the second misses
 * nothing, for the entry was not the flow's. A flow's own entry is added
 * and forgotten by its own packets, which its socket orders: no reader
 * of that flow races them. A per-bucket seqcount would do as well, at
 * the price of a write for every change and a retry loop of its own;
 * the nulls walk writes nothing and needs no memory.
 *
 * The free entries are on a list by index, through lru_next, not through
 * their chain node: a forgotten entry's node still leads along its old
 * chain until it is reused, and no reader is led into a free list.
 */
static_assert(CW_MEM_MAX < CW_MEM_NIL, "entries are indexed by u16");
static_assert(CW_MEM_BUCKETS <= (1UL << (BITS_PER_LONG - 2)),
	      "a bucket's index fits its nulls marker");

static void cw_mem_free_push(struct cw_mem *mem, struct cw_mem_entry *e)
{
	e->lru_next = mem->free;
	mem->free = e - mem->e;
}

struct cw_mem *cw_mem_new(void)
{
	struct cw_mem *mem = kvzalloc(sizeof(*mem), GFP_KERNEL);
	int i;

	if (!mem)
		return NULL;
	spin_lock_init(&mem->lock);
	atomic_set(&mem->used, 0);
	for (i = 0; i < CW_MEM_BUCKETS; i++)
		INIT_HLIST_NULLS_HEAD(&mem->bucket[i], i);
	mem->free = CW_MEM_NIL;
	for (i = CW_MEM_MAX - 1; i >= 0; i--)
		cw_mem_free_push(mem, &mem->e[i]);
	for (i = 0; i < CW_MEM_UIDS; i++) {
		mem->uids[i].head = CW_MEM_NIL;
		mem->uids[i].tail = CW_MEM_NIL;
	}
	return mem;
}

void cw_mem_free(struct cw_mem *mem)
{
	kvfree(mem);
}

static __always_inline u32 cw_mem_hash(const struct cw_mem_key *k)
{
	u32 a, h;

	memcpy(&a, k->daddr + 12, 4);
	h = hash_ptr(k->sk, 32) ^ ((u32)k->sport << 16 | k->dport);
	h ^= hash_32(a ^ k->daddr[0] ^ k->daddr[3] << 8 ^ k->proto << 16, 32);
	return hash_32(h, ilog2(CW_MEM_BUCKETS));
}

/* The same flow but perhaps another connection of it (the isn aside). */
static bool cw_mem_same(const struct cw_mem_key *a, const struct cw_mem_key *b)
{
	return a->sk == b->sk && a->sport == b->sport &&
	       a->dport == b->dport && a->proto == b->proto &&
	       !memcmp(a->daddr, b->daddr, 16);
}

bool cw_mem_seen(struct cw_mem *mem, const struct cw_mem_key *k)
{
	u32 h = cw_mem_hash(k);
	struct hlist_nulls_node *n;
	struct cw_mem_entry *e;

again:
	hlist_nulls_for_each_entry_rcu(e, n, &mem->bucket[h], node)
		/* a key being rewritten is read as it stands (above) */
		if (data_race(cw_mem_same(&e->key, k) && e->named))
			return true;
	if (get_nulls_value(n) != h)
		goto again;
	return false;
}

static __always_inline struct cw_mem_entry *
cw_mem_lookup(struct cw_mem *mem, const struct cw_mem_key *k)
{
	struct hlist_nulls_node *n;
	struct cw_mem_entry *e;

	hlist_nulls_for_each_entry(e, n, &mem->bucket[cw_mem_hash(k)], node)
		if (cw_mem_same(&e->key, k))
			return e;
	return NULL;
}

/*
 * Each UID's list of entries, by index in e[]: list_head would add the
 * list-debugging imports of some configurations, and indices halve it.
 */
static void cw_mem_lru_del(struct cw_mem *mem, struct cw_mem_entry *e)
{
	struct cw_mem_uid *u = &mem->uids[e->uid_slot];

	if (e->lru_prev == CW_MEM_NIL)
		u->head = e->lru_next;
	else
		mem->e[e->lru_prev].lru_next = e->lru_next;
	if (e->lru_next == CW_MEM_NIL)
		u->tail = e->lru_prev;
	else
		mem->e[e->lru_next].lru_prev = e->lru_prev;
}

static void cw_mem_lru_add_tail(struct cw_mem *mem, struct cw_mem_entry *e)
{
	struct cw_mem_uid *u = &mem->uids[e->uid_slot];
	u16 i = e - mem->e;

	e->lru_next = CW_MEM_NIL;
	e->lru_prev = u->tail;
	if (u->tail == CW_MEM_NIL)
		u->head = i;
	else
		mem->e[u->tail].lru_next = i;
	u->tail = i;
}

void cw_mem_forget(struct cw_mem *mem, struct cw_mem_entry *e)
{
	struct cw_mem_uid *u = &mem->uids[e->uid_slot];

	hlist_nulls_del_rcu(&e->node);
	cw_mem_lru_del(mem, e);
	u->n--;
	cw_mem_free_push(mem, e);
	atomic_dec(&mem->used);
}

struct cw_mem_entry *cw_mem_find(struct cw_mem *mem,
				 const struct cw_mem_key *k)
{
	struct cw_mem_entry *e = cw_mem_lookup(mem, k);

	if (e && e->key.isn != k->isn) {
		cw_mem_forget(mem, e);
		return NULL;
	}
	return e;
}

void cw_mem_to_tail(struct cw_mem *mem, struct cw_mem_entry *e)
{
	cw_mem_lru_del(mem, e);
	cw_mem_lru_add_tail(mem, e);
}

/*
 * Gives up the least recently active entry of @u that matched no purpose
 * and carries no scan of an open flow, or has expired. Returns false if
 * it has none: every one of its entries is a live flow of a purpose, or
 * one being scanned.
 */
static bool cw_mem_give_up(struct cw_mem *mem, struct cw_mem_uid *u)
{
	u16 i;

	for (i = u->head; i != CW_MEM_NIL; i = mem->e[i].lru_next) {
		struct cw_mem_entry *e = &mem->e[i];

		if ((!e->match && (!e->scanning || e->fin)) ||
		    time_after(jiffies, e->expires)) {
			cw_mem_forget(mem, e);
			return true;
		}
	}
	return false;
}

/* The slot of @uid, taken if it has none; NULL when every slot is taken. */
static struct cw_mem_uid *cw_mem_uid(struct cw_mem *mem, u32 uid)
{
	struct cw_mem_uid *free = NULL;
	int i;

	for (i = 0; i < CW_MEM_UIDS; i++) {
		struct cw_mem_uid *u = &mem->uids[i];

		if (u->n && u->uid == uid)
			return u;
		if (!u->n && !free)
			free = u;
	}
	if (free)
		free->uid = uid;
	return free;
}

/* In a full table: the UID that gives up an entry for @u, or NULL. */
static struct cw_mem_uid *cw_mem_richest(struct cw_mem *mem,
					 const struct cw_mem_uid *u)
{
	struct cw_mem_uid *best = NULL;
	int i;

	for (i = 0; i < CW_MEM_UIDS; i++)
		if (!best || mem->uids[i].n > best->n)
			best = &mem->uids[i];
	return best == u || best->n > u->n + 1 ? best : NULL;
}

struct cw_mem_entry *cw_mem_add(struct cw_mem *mem, const struct cw_mem_key *k,
				u32 uid, bool matched)
{
	struct cw_mem_entry *e = cw_mem_lookup(mem, k);
	struct cw_mem_uid *u, *r;

	if (e) {
		if (e->key.isn == k->isn &&
		    mem->uids[e->uid_slot].uid == uid)
			return e;
		cw_mem_forget(mem, e);
	}
	u = cw_mem_uid(mem, uid);
	if (!u)
		return NULL;
	if (u->n >= CW_MEM_PER_UID && !cw_mem_give_up(mem, u))
		return NULL;
	if (mem->free == CW_MEM_NIL) {
		r = cw_mem_richest(mem, u);
		/* Only a flow of a purpose takes room from another UID. */
		if (!r || (r != u && !matched) || !cw_mem_give_up(mem, r))
			return NULL;
	}
	e = &mem->e[mem->free];
	mem->free = e->lru_next;
	e->key = *k;
	e->uid_slot = u - mem->uids;
	e->fin = false;
	e->revoked = false;
	e->named = false;
	e->scanning = false;
	e->has_cid = false;
	e->name_len = 0;
	e->name[0] = '\0';
	e->generation = 0;
	e->match = 0;
	e->expires = jiffies + CW_MEM_TIMEOUT;
	/* after the key and the rest, for cw_mem_seen() */
	hlist_nulls_add_head_rcu(&e->node, &mem->bucket[cw_mem_hash(k)]);
	cw_mem_lru_add_tail(mem, e);
	u->n++;
	atomic_inc(&mem->used);
	return e;
}

void cw_mem_end_scans(struct cw_mem *mem)
{
	struct cw_mem_entry *e;
	struct hlist_nulls_node *n;
	int b;

	cw_mem_lock(mem);
	for (b = 0; b < CW_MEM_BUCKETS; b++) {
		/* the next entry is read before one is forgotten */
		hlist_nulls_for_each_entry_safe(e, n, &mem->bucket[b], node) {
			if (!e->scanning)
				continue;
			e->scanning = false;
			if (!e->named)
				cw_mem_forget(mem, e);
		}
	}
	cw_mem_unlock(mem);
}
