/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Blocked-attempt events: a fixed ring per network namespace, filled from
 * the packet path without ever waiting and drained by a work item that
 * unicasts CW_CMD_EVENT to the namespace's owner.
 */
#ifndef _CW_EVENTS_H
#define _CW_EVENTS_H

#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "netlink.h"
#include "ruleset.h"

#define CW_EVENTS_RING	128	/* also the token bucket's burst */
/*
 * How long an event waits in the ring before it is sent. Meanwhile the
 * same attempt again (an app retrying, a datagram flood) is folded into it
 * and only counted: a flow that keeps failing wakes the daemon at most
 * HZ / CW_EVENTS_DELAY times a second, whatever its packet rate.
 */
#define CW_EVENTS_DELAY	(HZ / 10)

struct cw_events {
	spinlock_t lock;		/* ring and bucket */
	unsigned int head, len;
	unsigned long last_refill;	/* jiffies */
	u64 tokens;			/* scaled by HZ, see events.c */
	struct cw_event *ring;
	struct cw_event scratch;	/* the drain work's copy */
	struct delayed_work work;
};

struct cw_net;
struct cw_table;

/**
 * cw_events_init() - set up a namespace's event ring and its drain work
 * @cw: the namespace's state, at namespace init
 *
 * Context: process context, may sleep (allocates the ring).
 * Return: 0, or -ENOMEM.
 */
int cw_events_init(struct cw_net *cw);

/**
 * cw_events_uninit() - stop the drain work for good and free the ring
 * @cw: the namespace's state, once no packet can record an event
 *
 * Context: process context, may sleep (waits for a running drain).
 */
void cw_events_uninit(struct cw_net *cw);

/**
 * cw_events_record() - queue a blocked attempt for the namespace's owner
 * @cw: the namespace's state
 * @t: the table that blocked it (its generation; its identifier matcher,
 *     which keeps a name that holds a pattern out of the event)
 * @f: the flow that was blocked (its name, if any, is copied)
 * @denied: the denied purposes it matched
 * @tag: the tag of the identifier pattern it carried, or NULL
 *
 * The same attempt as the newest queued event only adds to its count; a
 * token bucket (event_rate) bounds the rest. What does not fit, or finds
 * the ring's lock taken, is counted in events_dropped.
 *
 * Context: the packet path, any context; never sleeps, never waits on a
 * lock (a trylock).
 */
void cw_events_record(struct cw_net *cw, const struct cw_table *t,
		      const struct cw_flow *f, u64 denied, const u32 *tag);

#endif /* _CW_EVENTS_H */
