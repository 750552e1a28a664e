/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per network namespace state of consentwall: the active table (ruleset +
 * consent), the owner, the open transaction, counters and the event ring.
 */
#ifndef _CW_NET_H
#define _CW_NET_H

#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/netfilter.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "events.h"
#include "flows.h"
#include "ruleset.h"

/* Per-cpu counters of one purpose, summed on read. */
struct cw_purpose_stats {
	u64 blocked_packets;
	u64 blocked_bytes;
	u64 allowed_packets;
	u64 allowed_bytes;
};

struct cw_table_pcpu {
	struct cw_purpose_stats p[CW_PURPOSES_MAX];
};

/*
 * The ruleset the packet path reads under RCU, with the consent that goes
 * with it. The ruleset is immutable; only @consent changes in place, as one
 * u64 written with WRITE_ONCE under cw_net.lock and read with READ_ONCE, so
 * a packet sees either the old or the new decision, never a torn one.
 */
struct cw_table {
	struct cw_ruleset *rs;
	u64 consent;		/* bit i set = purpose i granted */
	u64 all_mask;		/* bit i set = purpose i exists */
	u32 generation;
	bool has_domains;	/* cw_ruleset_has_domains(rs) */
	struct cw_table_pcpu __percpu *stats;
	struct rcu_head rcu;
};

/* Namespace counters, per cpu, summed on read. */
struct cw_net_pcpu {
	u64 unconfigured_blocked;
	u64 events_sent;
	u64 events_dropped;
	u64 names_failed;
};

struct cw_net {
	struct net *net;
	/*
	 * Serialises the control plane: generic netlink doit handlers, the
	 * NETLINK_URELEASE notifier and the event work's owner lookup.
	 */
	struct mutex lock;
	u32 owner;			/* port id, 0 = none */
	bool policed;			/* READ_ONCE on the packet path */
	bool hooks_registered;		/* iff policed, but set first */
	/* cw_hooks_ops with priv = this, registered for this namespace */
	struct nf_hook_ops nf_ops[2];
	struct cw_table __rcu *table;	/* NULL = unconfigured */
	struct cw_builder *txn;		/* open transaction, owner's */
	u32 generation;			/* last committed, 0 = never */
	u64 owner_releases;		/* under lock */
	u64 commits;			/* under lock */
	struct cw_net_pcpu __percpu *stats;
	struct cw_events events;
	struct cw_flows *flows;		/* flows in mid-ClientHello, iff hooks */
};

extern unsigned int cw_net_id;

static inline struct cw_net *cw_net(const struct net *net)
{
	return net_generic(net, cw_net_id);
}

int cw_net_init(const struct nf_hook_ops *ops, unsigned int n);
int cw_net_setup(struct net *net);
void cw_net_unpolice(struct net *net);
void cw_net_teardown(struct net *net);

/* What an unconfigured, policed namespace does with non-exempt traffic. */
bool cw_net_unconfigured_blocks(void);

/*
 * Enum module parameters share one set of param ops: the kernel_param's arg
 * points at a struct cw_param_enum naming the accepted words.
 */
struct cw_param_enum {
	int *value;
	const char * const *names;
	unsigned int nr;
};

extern const struct kernel_param_ops cw_param_enum_ops;

/* Helpers for the control plane, all called with cw->lock held. */
struct cw_table *cw_table_new(struct cw_ruleset *rs, u32 generation);
void cw_table_release(struct cw_table *t);
void cw_net_swap_table(struct cw_net *cw, struct cw_table *new);
void cw_net_drop_owner(struct cw_net *cw);
int cw_net_police(struct cw_net *cw);

static inline struct cw_table *cw_net_table(struct cw_net *cw)
{
	return rcu_dereference_protected(cw->table,
					 lockdep_is_held(&cw->lock));
}

void cw_table_sum(const struct cw_table *t, u32 idx,
		  struct cw_purpose_stats *sum);
void cw_net_sum(const struct cw_net *cw, struct cw_net_pcpu *sum);

#endif /* _CW_NET_H */
