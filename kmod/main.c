// SPDX-License-Identifier: GPL-2.0
/*
 * consentwall: blocks egress to telemetry endpoints unless the user
 * consented to the purpose. This file only orchestrates load and unload.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>

#include "events.h"
#include "hooks.h"
#include "names.h"
#include "net.h"
#include "netlink.h"
#include "selftest.h"
#include "uapi/consentwall.h"

static bool cw_pin;
module_param_named(pin, cw_pin, bool, 0444);
MODULE_PARM_DESC(pin,
		 "Take a reference on the module at load so that it can never be unloaded (ROM builds)");

#if IS_ENABLED(CONFIG_CONSENTWALL_DEBUG)
static bool cw_selftest_at_load = true;
module_param_named(selftest, cw_selftest_at_load, bool, 0444);
MODULE_PARM_DESC(selftest,
		 "Debug builds: run the differential self-test at load (default on; refuses to load on a mismatch)");

static bool cw_bench_at_load;
module_param_named(bench, cw_bench_at_load, bool, 0444);
MODULE_PARM_DESC(bench,
		 "Debug builds: run the lookup microbenchmark at load (about a minute, ~200 MB)");
#else
#define cw_selftest_at_load false
#define cw_bench_at_load false
#endif

/* A namespace's state: net.c's first, then the event ring, then policing. */
static int __net_init cw_pernet_init(struct net *net)
{
	struct cw_net *cw = cw_net(net);
	int ret;

	ret = cw_net_setup(net);
	if (ret)
		return ret;
	ret = cw_events_init(cw);
	if (ret)
		goto err_events;
	/*
	 * The handset's namespace is filtered from load (fail closed); any
	 * other namespace (containers) only once a daemon claims it.
	 */
	if (net_eq(net, &init_net)) {
		ret = cw_net_police(cw);
		if (ret)
			goto err_police;
	}
	return 0;

err_police:
	cw_events_uninit(cw);
err_events:
	cw_net_teardown(net);
	return ret;
}

static void __net_exit cw_pernet_pre_exit(struct net *net)
{
	cw_net_unpolice(net);
}

/*
 * The netns core runs synchronize_rcu() between every pre_exit and exit:
 * the hooks (called under rcu_read_lock()) are done with this namespace.
 */
static void __net_exit cw_pernet_exit(struct net *net)
{
	/* No packet can queue an event any more: stop the drain for good. */
	cw_events_uninit(cw_net(net));
	cw_net_teardown(net);
}

static struct pernet_operations cw_pernet_ops = {
	.init = cw_pernet_init,
	.pre_exit = cw_pernet_pre_exit,
	.exit = cw_pernet_exit,
	.id = &cw_net_id,
	.size = sizeof(struct cw_net),
};

static int __init cw_mod_init(void)
{
	int ret;

	if (cw_selftest_at_load) {
		ret = cw_selftest();
		if (ret) {
			pr_err("self-test failed (%d): refusing to load\n", ret);
			return ret;
		}
	}
	/* A benchmark that cannot run is no reason to refuse loading. */
	if (cw_bench_at_load) {
		ret = cw_bench();
		if (ret)
			pr_warn("benchmark failed (%d)\n", ret);
	}

	/* The name parsers' area first: the hooks use it at once. */
	ret = cw_names_init();
	if (ret)
		return ret;
	/*
	 * Per-namespace state (and its hooks) next: the notifier and the
	 * family look it up and must never find a namespace without it.
	 */
	ret = cw_net_init(cw_hooks_ops, ARRAY_SIZE(cw_hooks_ops));
	if (!ret)
		ret = register_pernet_subsys(&cw_pernet_ops);
	if (ret)
		goto err_net;
	ret = cw_notifier_init();
	if (ret)
		goto err_notifier;
	ret = cw_genl_init();
	if (ret)
		goto err_genl;

	if (cw_pin)
		__module_get(THIS_MODULE);
	pr_info("loaded, generic netlink family \"%s\"%s\n", CW_GENL_NAME,
		cw_pin ? ", pinned" : "");
	return 0;

err_genl:
	cw_notifier_uninit();
err_notifier:
	unregister_pernet_subsys(&cw_pernet_ops);
err_net:
	/* Tables are freed with call_rcu(): wait for them. */
	rcu_barrier();
	cw_names_uninit();
	return ret;
}

static void __exit cw_mod_exit(void)
{
	cw_genl_uninit();
	cw_notifier_uninit();
	unregister_pernet_subsys(&cw_pernet_ops);
	/* No RCU callback of ours may run once the module text is gone. */
	rcu_barrier();
	cw_names_uninit();
	pr_info("unloaded\n");
}

module_init(cw_mod_init);
module_exit(cw_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Kernel-enforced telemetry consent");
