/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "consentwall" generic netlink family (kmod/uapi/consentwall.h) and
 * the NETLINK_URELEASE notifier that ends ownership when a socket closes.
 */
#ifndef _CW_NETLINK_H
#define _CW_NETLINK_H

#include "uapi/consentwall.h"

struct cw_net;

/* One blocked attempt (or several folded into one), as CW_CMD_EVENT says it. */
struct cw_event {
	u64 denied;		/* denied purposes that matched */
	u32 count;		/* attempts folded into this event */
	u32 generation;
	u32 uid;
	bool has_uid;
	u8 family;
	u8 proto;
	u16 dport;
	u8 daddr[16];
	u16 name_len;
	char name[CW_NAME_MAX + 1];
};

int cw_genl_init(void);
void cw_genl_uninit(void);
int cw_notifier_init(void);
void cw_notifier_uninit(void);

/* Process context: unicasts one CW_CMD_EVENT to @portid. */
int cw_netlink_send_event(struct cw_net *cw, const struct cw_event *e,
			  u32 portid);

#endif /* _CW_NETLINK_H */
