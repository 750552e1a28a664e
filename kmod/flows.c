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

struct cw_flow_slot *cw_flows_add(struct cw_flows *ft, const void *sk,
				  u16 sport, u16 dport)
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
	free->sport = sport;
	free->dport = dport;
	free->blocked = false;
	free->is_http = false;
	free->expires = jiffies + CW_FLOWS_TIMEOUT;
	atomic_inc(&ft->used);
	return free;
}
