/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Netfilter hooks at LOCAL_OUT (IPv4 and IPv6) of every network namespace,
 * and the packet-facing module parameters.
 */
#ifndef _CW_HOOKS_H
#define _CW_HOOKS_H

#include <net/net_namespace.h>

#include "ruleset.h"

enum cw_unconfigured_policy {
	CW_UNCONFIGURED_BLOCK,
	CW_UNCONFIGURED_ACCEPT,
};

enum cw_block_mode {
	CW_BLOCK_REJECT,
	CW_BLOCK_DROP,
};

int cw_hooks_register(struct net *net);
void cw_hooks_unregister(struct net *net);

/* What an unconfigured, policed namespace does with non-exempt traffic. */
bool cw_hooks_unconfigured_blocks(void);

#endif /* _CW_HOOKS_H */
