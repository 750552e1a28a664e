/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "consentwall" generic netlink family (kmod/uapi/consentwall.h) and
 * the NETLINK_URELEASE notifier that ends ownership when a socket closes.
 */
#ifndef _CW_NETLINK_H
#define _CW_NETLINK_H

#include "events.h"

struct cw_net;

int cw_genl_init(void);
void cw_genl_uninit(void);
int cw_notifier_init(void);
void cw_notifier_uninit(void);

/* Process context: unicasts one CW_CMD_EVENT to @portid. */
int cw_netlink_send_event(struct cw_net *cw, const struct cw_event *e,
			  u32 portid);

#endif /* _CW_NETLINK_H */
