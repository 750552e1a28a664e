// SPDX-License-Identifier: GPL-2.0
/*
 * Blocked-attempt events. The packet path may run in any context and must
 * never wait: it takes the ring lock with a trylock, and a token bucket
 * (event_rate per second, burst of one ring) bounds the work it causes.
 * Anything that does not fit is counted in events_dropped, never queued.
 * An attempt identical to the newest event still in the ring only adds to
 * that event's count. A work item drains the ring CW_EVENTS_DELAY after
 * the first event, in process context, and unicasts each event to the
 * namespace's owner only (events name apps and hosts: private).
 */
#include <linux/jiffies.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <net/sock.h>

#include "events.h"
#include "net.h"
#include "netlink.h"

static unsigned int cw_event_rate = 100;
module_param_named(event_rate, cw_event_rate, uint, 0644);
MODULE_PARM_DESC(event_rate,
		 "Blocked-attempt events per second and namespace sent to the owner (default 100, burst 128); the rest are counted as dropped");

static void cw_events_work(struct work_struct *work)
{
	struct cw_events *ev = container_of(to_delayed_work(work),
					    struct cw_events, work);
	struct cw_net *cw = container_of(ev, struct cw_net, events);
	unsigned long flags;
	bool more;

	do {
		int err;

		spin_lock_irqsave(&ev->lock, flags);
		more = ev->len > 0;
		if (more) {
			/* Only this work reads scratch: works never run twice at once. */
			ev->scratch = ev->ring[ev->head];
			ev->head = (ev->head + 1) % CW_EVENTS_RING;
			ev->len--;
		}
		spin_unlock_irqrestore(&ev->lock, flags);
		if (!more)
			break;

		/*
		 * Under the lock, as the notifier drops the owner: and never
		 * to a port id whose socket is closing, which another socket
		 * may bind before NETLINK_URELEASE comes.
		 */
		mutex_lock(&cw->lock);
		if (cw->owner && !sock_flag(cw->owner_sk, SOCK_DEAD))
			err = cw_netlink_send_event(cw, &ev->scratch,
						    cw->owner);
		else
			err = -ENOTCONN;
		mutex_unlock(&cw->lock);
		if (err)
			this_cpu_add(cw->stats->events_dropped,
				     ev->scratch.count);
		else
			this_cpu_inc(cw->stats->events_sent);
		cond_resched();
	} while (more);
}

/*
 * The bytes of @f's name an event carries: none for a name that holds an
 * identifier pattern (cw_name_shows_ident()), whatever the consent.
 */
static u32 cw_event_name_len(const struct cw_table *t, const struct cw_flow *f)
{
	if (!f->name || cw_name_shows_ident(t, f->name, f->name_len))
		return 0;
	return min_t(u32, f->name_len, CW_NAME_MAX);
}

static bool cw_event_same(const struct cw_event *e, const struct cw_flow *f,
			  u32 name_len, u32 generation, u64 denied,
			  const u32 *tag)
{
	return e->denied == denied && e->generation == generation &&
	       e->has_tag == !!tag && (!tag || e->tag == *tag) &&
	       e->has_uid == f->has_uid && (!f->has_uid || e->uid == f->uid) &&
	       e->family == f->family && e->proto == f->proto &&
	       e->dport == f->dport &&
	       !memcmp(e->daddr, f->daddr, f->family == AF_INET ? 4 : 16) &&
	       e->name_len == name_len &&
	       (!name_len || !memcmp(e->name, f->name, name_len));
}

void cw_events_record(struct cw_net *cw, const struct cw_table *t,
		      const struct cw_flow *f, u64 denied, const u32 *tag)
{
	struct cw_events *ev = &cw->events;
	const u64 cap = (u64)CW_EVENTS_RING * HZ;
	unsigned long now = jiffies, elapsed, flags;
	u32 name_len = cw_event_name_len(t, f), generation = t->generation;
	struct cw_event *e;

	if (!spin_trylock_irqsave(&ev->lock, flags))
		goto dropped;

	if (ev->len) {
		e = &ev->ring[(ev->head + ev->len - 1) % CW_EVENTS_RING];
		if (e->count < U32_MAX &&
		    cw_event_same(e, f, name_len, generation, denied, tag)) {
			e->count++;
			spin_unlock_irqrestore(&ev->lock, flags);
			return;
		}
	}

	/* Tokens are counted in 1/HZ of an event: one event costs HZ. */
	elapsed = min_t(unsigned long, now - ev->last_refill,
			CW_EVENTS_RING * HZ);
	ev->last_refill = now;
	ev->tokens = min_t(u64, cap,
			   ev->tokens + (u64)elapsed * READ_ONCE(cw_event_rate));
	if (ev->tokens < HZ || ev->len == CW_EVENTS_RING) {
		spin_unlock_irqrestore(&ev->lock, flags);
		goto dropped;
	}
	ev->tokens -= HZ;

	e = &ev->ring[(ev->head + ev->len) % CW_EVENTS_RING];
	ev->len++;
	e->denied = denied;
	e->count = 1;
	e->generation = generation;
	e->uid = f->uid;
	e->has_uid = f->has_uid;
	e->family = f->family;
	e->proto = f->proto;
	e->dport = f->dport;
	e->has_tag = tag;
	e->tag = tag ? *tag : 0;
	memcpy(e->daddr, f->daddr, f->family == AF_INET ? 4 : 16);
	e->name_len = name_len;
	if (name_len)
		memcpy(e->name, f->name, name_len);
	e->name[name_len] = '\0';
	spin_unlock_irqrestore(&ev->lock, flags);

	/* A no-op while pending: the first event of a batch sets the time. */
	schedule_delayed_work(&ev->work, CW_EVENTS_DELAY);
	return;

dropped:
	this_cpu_inc(cw->stats->events_dropped);
}

int cw_events_init(struct cw_net *cw)
{
	struct cw_events *ev = &cw->events;

	spin_lock_init(&ev->lock);
	INIT_DELAYED_WORK(&ev->work, cw_events_work);
	ev->head = 0;
	ev->len = 0;
	ev->last_refill = jiffies;
	ev->tokens = (u64)CW_EVENTS_RING * HZ;
	ev->ring = kvcalloc(CW_EVENTS_RING, sizeof(*ev->ring), GFP_KERNEL);
	return ev->ring ? 0 : -ENOMEM;
}

void cw_events_uninit(struct cw_net *cw)
{
	cancel_delayed_work_sync(&cw->events.work);
	kvfree(cw->events.ring);
	cw->events.ring = NULL;
}
