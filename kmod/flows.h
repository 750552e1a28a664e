/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-flow name tracking: the TCP flows whose first payload was the start
 * of a TLS ClientHello that did not hold the SNI yet. One fixed table per
 * network namespace, allocated with the namespace: the packet path never
 * allocates, and a full table makes the hook fail closed.
 */
#ifndef _CW_FLOWS_H
#define _CW_FLOWS_H

#include <linux/spinlock.h>
#include <linux/atomic.h>

#include "parse.h"

/* Slots per namespace; a flow's slot is one of CW_FLOWS_PROBE after its hash. */
#define CW_FLOWS_MAX	128
#define CW_FLOWS_PROBE	16
/*
 * A slot whose flow sent nothing for this long may be reused. Until then
 * the flow keeps it: a ClientHello continues within a round trip, or a
 * few retransmission timeouts if segments are lost.
 */
#define CW_FLOWS_TIMEOUT	(30 * HZ)

struct cw_flow_slot {
	const void *sk;		/* identity only, never dereferenced */
	u32 next_seq;		/* stream byte the parser wants next */
	unsigned long expires;	/* jiffies */
	u16 sport, dport;
	bool used;
	/* The verdict was to block: later segments are blocked again. */
	bool blocked;
	struct cw_tls_state tls;
};

struct cw_flows {
	spinlock_t lock;	/* the slots */
	atomic_t used;		/* slots in use, read without the lock */
	struct cw_flow_slot slot[CW_FLOWS_MAX];
};

struct cw_flows *cw_flows_new(void);
void cw_flows_free(struct cw_flows *ft);

/* Cheap test on the packet path: no flow is tracked. */
static inline bool cw_flows_empty(const struct cw_flows *ft)
{
	return !atomic_read(&ft->used);
}

/*
 * The rest is called with bottom halves disabled, between cw_flows_lock()
 * and cw_flows_unlock().
 */
void cw_flows_lock(struct cw_flows *ft) __acquires(&ft->lock);
void cw_flows_unlock(struct cw_flows *ft) __releases(&ft->lock);

struct cw_flow_slot *cw_flows_find(struct cw_flows *ft, const void *sk,
				   u16 sport, u16 dport);
/*
 * A free slot for the flow (any old slot of the same flow is released
 * first), or NULL when every slot it may use is taken and not yet expired.
 */
struct cw_flow_slot *cw_flows_add(struct cw_flows *ft, const void *sk,
				  u16 sport, u16 dport);
void cw_flows_release(struct cw_flows *ft, struct cw_flow_slot *s);

#endif /* _CW_FLOWS_H */
