/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fast failure of a blocked TCP flow that is past its handshake: a reset
 * sent toward the local socket, as if the peer had sent it.
 */
#ifndef _CW_REJECT_H
#define _CW_REJECT_H

#include <linux/skbuff.h>
#include <net/net_namespace.h>

void cw_reject_tcp_reset(struct net *net, const struct sk_buff *oldskb,
			 u8 pf);

#endif /* _CW_REJECT_H */
