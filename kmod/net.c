// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state: created with the namespace and torn down
 * with it. Its netfilter hooks are registered when it becomes policed: at
 * load for the handset's namespace, at the first claim for any other, so
 * that the packets of a namespace nobody claimed pay nothing.
 */
#include <linux/slab.h>

#include "net.h"
#include "hooks.h"

unsigned int cw_net_id __read_mostly;

struct cw_table *cw_table_new(struct cw_ruleset *rs, u32 generation)
{
	struct cw_table *t;
	u32 n = cw_ruleset_nr_purposes(rs);

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return NULL;
	t->stats = alloc_percpu(struct cw_table_pcpu);
	if (!t->stats) {
		kfree(t);
		return NULL;
	}
	t->rs = rs;
	t->generation = generation;
	t->has_domains = cw_ruleset_has_domains(rs);
	t->all_mask = n >= 64 ? ~0ULL : BIT_ULL(n) - 1;
	return t;
}

static void cw_table_free(struct cw_table *t)
{
	cw_ruleset_free(t->rs);
	free_percpu(t->stats);
	kfree(t);
}

static void cw_table_free_rcu(struct rcu_head *head)
{
	cw_table_free(container_of(head, struct cw_table, rcu));
}

/*
 * Packets may still be reading @t: free it only after a grace period. The
 * module's exit path runs rcu_barrier() so that no callback outlives the
 * module text.
 */
void cw_table_release(struct cw_table *t)
{
	if (t)
		call_rcu(&t->rcu, cw_table_free_rcu);
}

void cw_net_swap_table(struct cw_net *cw, struct cw_table *new)
{
	struct cw_table *old;

	old = rcu_replace_pointer(cw->table, new, lockdep_is_held(&cw->lock));
	cw_table_release(old);
}

/*
 * The owner's socket went away: revert every consent at once (fail closed),
 * drop its transaction, keep the ruleset.
 */
void cw_net_drop_owner(struct cw_net *cw)
{
	struct cw_table *t = cw_net_table(cw);

	lockdep_assert_held(&cw->lock);
	if (t)
		WRITE_ONCE(t->consent, 0);
	if (cw->txn)
		cw_builder_free(cw->txn);
	cw->txn = NULL;
	WRITE_ONCE(cw->owner, 0);
	cw->owner_releases++;
}

void cw_table_sum(const struct cw_table *t, u32 idx,
		  struct cw_purpose_stats *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct cw_purpose_stats *s =
			&per_cpu_ptr(t->stats, cpu)->p[idx];

		sum->blocked_packets += READ_ONCE(s->blocked_packets);
		sum->blocked_bytes += READ_ONCE(s->blocked_bytes);
		sum->allowed_packets += READ_ONCE(s->allowed_packets);
		sum->allowed_bytes += READ_ONCE(s->allowed_bytes);
	}
}

void cw_net_sum(const struct cw_net *cw, struct cw_net_pcpu *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct cw_net_pcpu *s = per_cpu_ptr(cw->stats, cpu);

		sum->unconfigured_blocked += READ_ONCE(s->unconfigured_blocked);
		sum->events_sent += READ_ONCE(s->events_sent);
		sum->events_dropped += READ_ONCE(s->events_dropped);
		sum->names_failed += READ_ONCE(s->names_failed);
	}
}

/*
 * Filters @cw's namespace from now on, for good: registers its hooks if it
 * has none yet. At namespace init, or with cw->lock held (a claim).
 */
int cw_net_police(struct cw_net *cw)
{
	int ret;

	if (!cw->hooks_registered) {
		ret = cw_hooks_register(cw->net);
		if (ret)
			return ret;
		cw->hooks_registered = true;
	}
	WRITE_ONCE(cw->policed, true);
	return 0;
}

struct cw_nat64 *cw_nat64_new(void)
{
	struct cw_nat64 *n = kzalloc(sizeof(*n), GFP_KERNEL);

	if (!n)
		return NULL;
	cw_nat64_wkp_init(&n->set.p[0]);
	n->set.n = 1;
	return n;
}

/* Packets see the old or the new set whole; the old one goes after them. */
void cw_net_swap_nat64(struct cw_net *cw, struct cw_nat64 *new)
{
	struct cw_nat64 *old;

	old = rcu_replace_pointer(cw->nat64, new, lockdep_is_held(&cw->lock));
	kfree_rcu(old, rcu);
}

static int __net_init cw_net_init_one(struct net *net)
{
	struct cw_net *cw = cw_net(net);
	struct cw_nat64 *nat64;
	int ret;

	cw->net = net;
	mutex_init(&cw->lock);
	RCU_INIT_POINTER(cw->table, NULL);
	nat64 = cw_nat64_new();
	if (!nat64)
		return -ENOMEM;
	RCU_INIT_POINTER(cw->nat64, nat64);
	cw->stats = alloc_percpu(struct cw_net_pcpu);
	if (!cw->stats) {
		kfree(nat64);
		return -ENOMEM;
	}

	ret = cw_events_init(cw);
	if (ret)
		goto err_stats;

	/*
	 * The handset's namespace is filtered from load (fail closed); any
	 * other namespace (containers) only once a daemon claims it.
	 */
	if (net_eq(net, &init_net)) {
		ret = cw_net_police(cw);
		if (ret)
			goto err_events;
	}
	return 0;

err_events:
	cw_events_uninit(cw);
err_stats:
	free_percpu(cw->stats);
	kfree(nat64);
	return ret;
}

/*
 * No claim can run now, nor later: a claim comes from a socket in the
 * namespace, which holds a reference on it. So hooks_registered is stable.
 */
static void __net_exit cw_net_pre_exit(struct net *net)
{
	struct cw_net *cw = cw_net(net);

	if (cw->hooks_registered)
		cw_hooks_unregister(net);
}

/*
 * The netns core runs synchronize_rcu() between every pre_exit and exit:
 * the hooks (called under rcu_read_lock()) are done with this namespace.
 */
static void __net_exit cw_net_exit_one(struct net *net)
{
	struct cw_net *cw = cw_net(net);
	struct cw_table *t;

	if (cw->hooks_registered)
		cw_hooks_free(net);
	/* No packet can queue an event any more: stop the drain for good. */
	cw_events_uninit(cw);

	mutex_lock(&cw->lock);
	if (cw->txn)
		cw_builder_free(cw->txn);
	cw->txn = NULL;
	t = cw_net_table(cw);
	RCU_INIT_POINTER(cw->table, NULL);
	mutex_unlock(&cw->lock);
	cw_table_release(t);
	/* After the hooks' synchronize_rcu(): no reader is left. */
	kfree(rcu_dereference_protected(cw->nat64, true));

	free_percpu(cw->stats);
	mutex_destroy(&cw->lock);
}

static struct pernet_operations cw_net_ops = {
	.init = cw_net_init_one,
	.pre_exit = cw_net_pre_exit,
	.exit = cw_net_exit_one,
	.id = &cw_net_id,
	.size = sizeof(struct cw_net),
};

int cw_net_init(void)
{
	return register_pernet_subsys(&cw_net_ops);
}

void cw_net_uninit(void)
{
	unregister_pernet_subsys(&cw_net_ops);
}
