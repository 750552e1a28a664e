/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-flow name tracking: the TCP flows in the middle of a TLS ClientHello
 * or an HTTP request head that did not hold the name yet, and DNS over TCP
 * flows whose message goes on. One fixed table per
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
	bool is_http;	/* the union holds http, else tls (or dns, port 53) */
	union {
		struct cw_tls_state tls;	/* a ClientHello in pieces */
		struct cw_http_state http;	/* an HTTP request head */
		struct {			/* DNS over TCP (port 53) */
			/*
			 * next_seq is where the next message starts, or,
			 * with have bytes of a message's head kept here
			 * (its question not whole yet), the byte after them.
			 */
			u16 have;
			u8 head[CW_DNS_WANT];
		} dns;
	};
};

struct cw_flows {
	spinlock_t lock;	/* the slots */
	atomic_t used;		/* slots in use, read without the lock */
	struct cw_flow_slot slot[CW_FLOWS_MAX];
};

/**
 * cw_flows_new() - allocate an empty flow table
 *
 * Context: process context, may sleep.
 * Return: the table, or NULL when out of memory.
 */
struct cw_flows *cw_flows_new(void);

/**
 * cw_flows_free() - free a flow table
 * @ft: the table, or NULL; no packet may still be using it
 *
 * Context: any context that may call kvfree().
 */
void cw_flows_free(struct cw_flows *ft);

/**
 * cw_flows_empty() - whether no flow is tracked, read without the lock
 * @ft: the table
 *
 * Context: the packet path, any context.
 * Return: true if no slot is in use (the answer may be stale at once).
 */
static inline bool cw_flows_empty(const struct cw_flows *ft)
{
	return !atomic_read(&ft->used);
}

/**
 * cw_flows_lock() - take the table's lock
 * @ft: the table
 *
 * Context: bottom halves disabled. The functions below are called with it.
 */
void cw_flows_lock(struct cw_flows *ft) __acquires(&ft->lock);

/**
 * cw_flows_unlock() - release the table's lock
 * @ft: the table
 *
 * Context: bottom halves disabled, the lock held.
 */
void cw_flows_unlock(struct cw_flows *ft) __releases(&ft->lock);

/**
 * cw_flows_find() - the slot of a tracked flow
 * @ft: the table
 * @sk: the flow's socket, compared as an identity only
 * @sport: its source port
 * @dport: its destination port
 *
 * Context: the table's lock held (cw_flows_lock()).
 * Return: the slot, expired or not, or NULL if the flow is not tracked.
 */
struct cw_flow_slot *cw_flows_find(struct cw_flows *ft, const void *sk,
				   u16 sport, u16 dport);

/**
 * cw_flows_add() - a slot for a flow to track
 * @ft: the table
 * @sk: the flow's socket, kept as an identity only
 * @sport: its source port
 * @dport: its destination port
 *
 * Any old slot of the same flow is released first; a slot whose flow has
 * been silent for CW_FLOWS_TIMEOUT may be taken over.
 *
 * Context: the table's lock held (cw_flows_lock()).
 * Return: the slot, its parser state for the caller to fill, or NULL when
 * every slot the flow may use is taken and not yet expired.
 */
struct cw_flow_slot *cw_flows_add(struct cw_flows *ft, const void *sk,
				  u16 sport, u16 dport);

/**
 * cw_flows_release() - stop tracking a flow
 * @ft: the table
 * @s: its slot (a free slot is left as it is)
 *
 * Context: the table's lock held (cw_flows_lock()).
 */
void cw_flows_release(struct cw_flows *ft, struct cw_flow_slot *s);

#endif /* _CW_FLOWS_H */
