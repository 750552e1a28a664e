// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state: created with the namespace and torn down
 * with it. Its netfilter hooks are registered when it becomes policed: at
 * load for the handset's namespace, at the first claim for any other, so
 * that the packets of a namespace nobody claimed pay nothing.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <net/sock.h>

#include "net.h"

unsigned int cw_net_id __read_mostly;

/* The hooks every policed namespace registers (cw_hooks_ops). */
static const struct nf_hook_ops *cw_net_hook_ops __read_mostly;
static unsigned int cw_net_nr_hook_ops __read_mostly;

static int cw_param_enum_set(const char *val, const struct kernel_param *kp)
{
	const struct cw_param_enum *e = kp->arg;
	unsigned int i;

	for (i = 0; i < e->nr; i++) {
		if (sysfs_streq(val, e->names[i])) {
			WRITE_ONCE(*e->value, i);
			return 0;
		}
	}
	return -EINVAL;
}

static int cw_param_enum_get(char *buf, const struct kernel_param *kp)
{
	const struct cw_param_enum *e = kp->arg;

	return sysfs_emit(buf, "%s\n", e->names[READ_ONCE(*e->value)]);
}

const struct kernel_param_ops cw_param_enum_ops = {
	.set = cw_param_enum_set,
	.get = cw_param_enum_get,
};

enum cw_unconfigured_policy {
	CW_UNCONFIGURED_BLOCK,
	CW_UNCONFIGURED_ACCEPT,
};

static int cw_unconfigured = CW_UNCONFIGURED_BLOCK;
static const char * const cw_unconfigured_names[] = {
	[CW_UNCONFIGURED_BLOCK] = "block",
	[CW_UNCONFIGURED_ACCEPT] = "accept",
};

static struct cw_param_enum cw_unconfigured_param = {
	.value = &cw_unconfigured,
	.names = cw_unconfigured_names,
	.nr = ARRAY_SIZE(cw_unconfigured_names),
};
module_param_cb(unconfigured, &cw_param_enum_ops, &cw_unconfigured_param,
		0644);
MODULE_PARM_DESC(unconfigured,
		 "Policed namespace before its first commit: block (default: all non-loopback egress except DHCP, DHCPv6, IPv6 RS/NS/NA/MLDv2) or accept");

bool cw_net_unconfigured_blocks(void)
{
	return READ_ONCE(cw_unconfigured) == CW_UNCONFIGURED_BLOCK;
}

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
	cw_idm_free(t->idm);
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
	struct cw_table *old = cw_net_table(cw);

	if (new && cw->learned)
		cw_learned_rederive(cw->learned, new->rs,
				    old ? old->generation : 0, new->generation);
	old = rcu_replace_pointer(cw->table, new, lockdep_is_held(&cw->lock));
	if (new && cw->learned)
		cw_learned_prune(cw->learned, new->generation);
	cw_table_release(old);
}

void cw_net_txn_drop(struct cw_net *cw)
{
	if (cw->txn)
		cw_builder_free(cw->txn);
	cw->txn = NULL;
	cw_idm_set_free(cw->txn_ids);
	cw->txn_ids = NULL;
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
	cw_net_txn_drop(cw);
	WRITE_ONCE(cw->owner, 0);
	sock_put(cw->owner_sk);
	cw->owner_sk = NULL;
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
	u64 *to = (u64 *)sum;
	unsigned int i;
	int cpu;

	/* every counter is a u64: summed as an array */
	static_assert(sizeof(*sum) % sizeof(u64) == 0);
	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const u64 *s = (const u64 *)per_cpu_ptr(cw->stats, cpu);

		for (i = 0; i < sizeof(*sum) / sizeof(u64); i++)
			to[i] += READ_ONCE(s[i]);
	}
}

/* The per-flow tables of the packet path, or what was allocated of them. */
static void cw_net_free_flows(struct cw_net *cw)
{
	cw_flows_free(cw->flows);
	cw->flows = NULL;
	cw_quic_flows_free(cw->quic);
	cw->quic = NULL;
	cw_learned_free(cw->learned);
	cw->learned = NULL;
	cw_mem_free(cw->mem);
	cw->mem = NULL;
}

/*
 * Everything the hooks of a namespace use is allocated before they are
 * registered and freed only once no packet can be inside one
 * (cw_net_exit_one()), so the packet path never allocates and never finds
 * it missing. Each namespace registers its own copy of the ops, whose priv
 * is its cw_net: the hook gets it without net_generic(), which takes and
 * drops the RCU read lock (two calls on a preemptible-RCU kernel) for
 * every packet.
 */
static int cw_net_hooks_register(struct cw_net *cw)
{
	unsigned int i;
	int ret;

	memcpy(cw->nf_ops, cw_net_hook_ops,
	       cw_net_nr_hook_ops * sizeof(*cw->nf_ops));
	for (i = 0; i < cw_net_nr_hook_ops; i++)
		cw->nf_ops[i].priv = cw;

	cw->flows = cw_flows_new();
	cw->quic = cw_quic_flows_new();
	cw->learned = cw_learned_new();
	cw->mem = cw_mem_new();
	ret = cw->flows && cw->quic && cw->learned && cw->mem ? 0 : -ENOMEM;
	if (!ret)
		ret = nf_register_net_hooks(cw->net, cw->nf_ops,
					    cw_net_nr_hook_ops);
	if (ret)
		cw_net_free_flows(cw);
	return ret;
}

/*
 * Filters @cw's namespace from now on, for good: registers its hooks if it
 * has none yet. At namespace init, or with cw->lock held (a claim).
 */
int cw_net_police(struct cw_net *cw)
{
	int ret;

	if (!cw->hooks_registered) {
		ret = cw_net_hooks_register(cw);
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

/* Per-namespace state, at namespace init, before anything else uses it. */
int cw_net_setup(struct net *net)
{
	struct cw_net *cw = cw_net(net);
	struct cw_nat64 *nat64 = cw_nat64_new();

	if (!nat64)
		return -ENOMEM;
	cw->net = net;
	mutex_init(&cw->lock);
	RCU_INIT_POINTER(cw->table, NULL);
	RCU_INIT_POINTER(cw->nat64, nat64);
	cw->stats = alloc_percpu(struct cw_net_pcpu);
	if (!cw->stats) {
		kfree(nat64);
		return -ENOMEM;
	}
	return 0;
}

/*
 * No claim can run now, nor later: a claim comes from a socket in the
 * namespace, which holds a reference on it. So hooks_registered is stable.
 *
 * nf_unregister_net_hooks() does not wait for the packets already inside a
 * hook: the hook blob is freed with call_rcu(), and a CPU that loaded our
 * hook from it before it was replaced still calls it. Hence two steps: the
 * hooks go here (pernet pre_exit), and what they use (this namespace's
 * state included) goes in cw_net_teardown() (exit), after the RCU grace
 * period that the netns core puts between the two.
 */
void cw_net_unpolice(struct net *net)
{
	struct cw_net *cw = cw_net(net);

	if (cw->hooks_registered)
		nf_unregister_net_hooks(net, cw->nf_ops, cw_net_nr_hook_ops);
}

/* The rest of the state, once no hook, command or event work can use it. */
void cw_net_teardown(struct net *net)
{
	struct cw_net *cw = cw_net(net);
	struct cw_table *t;

	cw_net_free_flows(cw);

	mutex_lock(&cw->lock);
	/* Unload with the owner's socket still open. */
	if (cw->owner_sk)
		sock_put(cw->owner_sk);
	cw->owner_sk = NULL;
	cw_net_txn_drop(cw);
	t = cw_net_table(cw);
	RCU_INIT_POINTER(cw->table, NULL);
	mutex_unlock(&cw->lock);
	cw_table_release(t);
	/* After the hooks' synchronize_rcu(): no reader is left. */
	kfree(rcu_dereference_protected(cw->nat64, true));

	free_percpu(cw->stats);
	mutex_destroy(&cw->lock);
}

int cw_net_init(const struct nf_hook_ops *ops, unsigned int n)
{
	struct cw_net *cw;

	if (WARN_ON(n > ARRAY_SIZE(cw->nf_ops)))
		return -EINVAL;
	cw_net_hook_ops = ops;
	cw_net_nr_hook_ops = n;
	return 0;
}
