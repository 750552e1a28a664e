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
#include "idmatch.h"
#include "learned.h"
#include "quic_flows.h"
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
	/* The identifier guard: its matcher (NULL: none) and purpose. */
	struct cw_idm *idm;
	u32 idm_purpose;
	struct cw_table_pcpu __percpu *stats;
	struct rcu_head rcu;
};

/**
 * cw_name_shows_ident() - whether a name holds an identifier pattern
 * @t: the table, or NULL
 * @name: the name
 * @len: its length
 *
 * A name made of an identifier (an app's 490154203237518.t.example) is
 * left out of what the module tells userspace, events and explain
 * replies, whatever the consent of the patterns' purpose: no pattern is
 * given back. Names are lower case, and every hex form has its lower-case
 * pattern.
 *
 * Context: under the RCU read lock that holds @t; reads only.
 * Return: true if @name holds a pattern.
 */
static inline bool cw_name_shows_ident(const struct cw_table *t,
				       const char *name, u32 len)
{
	u32 tag;

	return t && t->idm && len &&
	       cw_idm_first(t->idm, NULL, (const u8 *)name, len, &tag);
}

/* Namespace counters, per cpu, summed on read: u64s only (cw_net_sum()). */
struct cw_net_pcpu {
	u64 unconfigured_blocked;
	u64 events_sent;
	u64 events_dropped;
	u64 names_failed;
	u64 dns_answered;
	u64 flows_remembered;	/* flows the memory took */
	u64 flows_revoked;	/* remembered flows blocked, once each */
	u64 flows_refused;	/* flows of a purpose with no room to remember */
	u64 idents_scanned;	/* payloads run through the identifier matcher */
	u64 idents_skipped;	/* payloads shown TLS records or QUIC */
	u64 idents_blocked;	/* payloads blocked: an identifier */
};

/* A namespace's NAT64 prefixes, replaced whole (CW_CMD_SET_NAT64). */
struct cw_nat64 {
	struct rcu_head rcu;
	struct cw_nat64_set set;
};

struct cw_net {
	struct net *net;
	/*
	 * Serialises the control plane: generic netlink doit handlers, the
	 * NETLINK_URELEASE notifier and the event work's owner lookup.
	 */
	struct mutex lock;
	/*
	 * The owner is its socket, held, and that socket's port id: a port
	 * id alone is free for another socket to bind from the moment
	 * netlink_release() unhashes the owner's, before NETLINK_URELEASE.
	 */
	u32 owner;			/* port id, 0 = none */
	struct sock *owner_sk;		/* iff owner */
	bool policed;			/* READ_ONCE on the packet path */
	bool hooks_registered;		/* iff policed, but set first */
	/* cw_hooks_ops with priv = this, registered for this namespace */
	struct nf_hook_ops nf_ops[4];
	struct cw_table __rcu *table;	/* NULL = unconfigured */
	struct cw_nat64 __rcu *nat64;	/* never NULL once initialised */
	struct cw_builder *txn;		/* open transaction, owner's */
	/*
	 * Its identifier patterns (NULL: none yet), their purpose's index
	 * (the builder's, which is the committed ruleset's), and how many
	 * and how long they are, which bound the matcher's size.
	 */
	struct cw_idm_set *txn_ids;
	u32 txn_ids_purpose;
	u32 txn_ids_n, txn_ids_bytes;
	u32 generation;			/* last committed, 0 = never */
	u64 owner_releases;		/* under lock */
	u64 commits;			/* under lock */
	struct cw_net_pcpu __percpu *stats;
	struct cw_events events;
	struct cw_flows *flows;		/* flows in mid-ClientHello, iff hooks */
	struct cw_quic_flows *quic;	/* QUIC connections in mid-ClientHello */
	struct cw_learned *learned;	/* addresses from DNS answers, iff hooks */
	struct cw_mem *mem;		/* flows classified by name, iff hooks */
};

extern unsigned int cw_net_id;

/**
 * cw_net() - consentwall's state of a network namespace
 * @net: the namespace
 *
 * Context: any context; the namespace must be alive.
 * Return: its struct cw_net, never NULL.
 */
static inline struct cw_net *cw_net(const struct net *net)
{
	return net_generic(net, cw_net_id);
}

/**
 * cw_net_init() - the hooks every policed namespace registers
 * @ops: the template (cw_hooks_ops); each namespace registers a copy
 * @n: its number of entries
 *
 * Context: module init, before any namespace is set up.
 * Return: 0, or -EINVAL if struct cw_net has no room for @n hooks.
 */
int cw_net_init(const struct nf_hook_ops *ops, unsigned int n);

/**
 * cw_net_setup() - a namespace's state, at its pernet init
 * @net: the namespace
 *
 * Context: process context, may sleep.
 * Return: 0, or -ENOMEM.
 */
int cw_net_setup(struct net *net);

/**
 * cw_net_unpolice() - unregister a namespace's hooks, at its pre_exit
 * @net: the namespace, which no claim can reach any more
 *
 * Packets already inside a hook may still run: what they use is freed by
 * cw_net_teardown(), after an RCU grace period.
 *
 * Context: process context, may sleep.
 */
void cw_net_unpolice(struct net *net);

/**
 * cw_net_teardown() - free a namespace's state, at its pernet exit
 * @net: the namespace; no hook, command or event work can use it
 *
 * The ruleset goes with call_rcu(): module exit waits with rcu_barrier().
 *
 * Context: process context, may sleep (takes cw_net.lock).
 */
void cw_net_teardown(struct net *net);

/**
 * cw_net_unconfigured_blocks() - the unconfigured module parameter
 *
 * Context: any context.
 * Return: true if a policed namespace without a ruleset blocks its
 * non-exempt egress (unconfigured=block), false if it accepts it.
 */
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

/**
 * cw_table_new() - wrap a frozen ruleset for the packet path
 * @rs: the ruleset; the table owns it from now on, on success
 * @generation: the generation it is committed as
 *
 * Every consent starts denied.
 *
 * Context: process context, may sleep.
 * Return: the table, or NULL when out of memory (@rs is left to the
 * caller).
 */
struct cw_table *cw_table_new(struct cw_ruleset *rs, u32 generation);

/**
 * cw_table_release() - free a table once no packet can be reading it
 * @t: the table, or NULL
 *
 * Context: any context; frees after an RCU grace period (call_rcu()).
 */
void cw_table_release(struct cw_table *t);

/**
 * cw_net_swap_table() - make @new the namespace's active table
 * @cw: the namespace's state
 * @new: the table, or NULL for unconfigured
 *
 * Every packet sees the old or the new table; the old one is released.
 * The addresses learned from DNS answers follow their names into @new.
 *
 * Context: cw_net.lock held.
 */
void cw_net_swap_table(struct cw_net *cw, struct cw_table *new);

/**
 * cw_nat64_new() - a NAT64 prefix set holding the well-known prefix alone
 *
 * Context: may sleep.
 * Return: the set (p[0] is 64:ff9b::/96, n is 1), or NULL without memory.
 */
struct cw_nat64 *cw_nat64_new(void);

/**
 * cw_net_swap_nat64() - make @new the namespace's NAT64 prefixes
 * @cw: the namespace's state
 * @new: a set from cw_nat64_new(), filled
 *
 * Every packet sees the old or the new set whole; the old one is freed
 * after an RCU grace period.
 *
 * Context: cw_net.lock held.
 */
void cw_net_swap_nat64(struct cw_net *cw, struct cw_nat64 *new);

/**
 * cw_net_txn_drop() - drop the open transaction, if any
 * @cw: the namespace's state
 *
 * Its builder and its identifier patterns (wiped) are freed.
 *
 * Context: cw_net.lock held, or the namespace going away.
 */
void cw_net_txn_drop(struct cw_net *cw);

/**
 * cw_net_drop_owner() - end the owner's authority (its socket closed)
 * @cw: the namespace's state
 *
 * Every consent reverts to denied at once (fail closed), the open
 * transaction is dropped and the owner's socket let go; the ruleset stays.
 *
 * Context: cw_net.lock held.
 */
void cw_net_drop_owner(struct cw_net *cw);

/**
 * cw_net_police() - filter the namespace from now on, for good
 * @cw: the namespace's state
 *
 * Registers its hooks (and allocates their flow table) if it has none.
 *
 * Context: process context, may sleep; at namespace init, or with
 * cw_net.lock held (a claim).
 * Return: 0, or the error of the allocation or of the registration.
 */
int cw_net_police(struct cw_net *cw);

/**
 * cw_net_table() - the active table, for the control plane
 * @cw: the namespace's state
 *
 * Context: cw_net.lock held (lockdep checks it).
 * Return: the table, or NULL while unconfigured.
 */
static inline struct cw_table *cw_net_table(struct cw_net *cw)
{
	return rcu_dereference_protected(cw->table,
					 lockdep_is_held(&cw->lock));
}

/**
 * cw_table_sum() - one purpose's counters, summed over the CPUs
 * @t: the table
 * @idx: the purpose's index in its ruleset
 * @sum: filled with the sums
 *
 * Context: any context; the table must stay alive (RCU read lock or
 * cw_net.lock held). The sums are not a snapshot across CPUs.
 */
void cw_table_sum(const struct cw_table *t, u32 idx,
		  struct cw_purpose_stats *sum);

/**
 * cw_net_sum() - the namespace's counters, summed over the CPUs
 * @cw: the namespace's state
 * @sum: filled with the sums
 *
 * Context: any context. The sums are not a snapshot across CPUs.
 */
void cw_net_sum(const struct cw_net *cw, struct cw_net_pcpu *sum);

#endif /* _CW_NET_H */
