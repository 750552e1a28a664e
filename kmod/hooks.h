/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The verdict: netfilter hooks at LOCAL_OUT (IPv4 and IPv6) that classify
 * every locally generated packet of a policed namespace and enforce what
 * its consent says (hooks.c, reject.c).
 */
#ifndef _CW_HOOKS_H
#define _CW_HOOKS_H

#include <linux/netfilter.h>

/* LOCAL_OUT (the verdict) and LOCAL_IN (DNS answers read), per family */
#define CW_HOOKS_NR	(IS_ENABLED(CONFIG_IPV6) ? 4 : 2)

/*
 * The hooks' template: net.c registers a copy in each policed namespace,
 * with priv pointing at that namespace's struct cw_net.
 */
extern const struct nf_hook_ops cw_hooks_ops[CW_HOOKS_NR];

#endif /* _CW_HOOKS_H */
