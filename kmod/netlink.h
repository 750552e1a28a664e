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
	bool has_tag;		/* it carried an identifier pattern: */
	u32 tag;		/* the pattern's tag */
	u8 daddr[16];
	u16 name_len;
	char name[CW_NAME_MAX + 1];
};

/**
 * cw_genl_init() - register the generic netlink family
 *
 * Context: module init, may sleep; after the pernet state exists.
 * Return: 0, or genl_register_family()'s error.
 */
int cw_genl_init(void);

/**
 * cw_genl_uninit() - unregister the generic netlink family
 *
 * Context: module exit, may sleep (waits for the commands in progress).
 */
void cw_genl_uninit(void);

/**
 * cw_notifier_init() - watch netlink sockets close (NETLINK_URELEASE)
 *
 * Context: module init, may sleep.
 * Return: 0, or netlink_register_notifier()'s error.
 */
int cw_notifier_init(void);

/**
 * cw_notifier_uninit() - stop watching netlink sockets close
 *
 * Context: module exit, may sleep.
 */
void cw_notifier_uninit(void);

/**
 * cw_netlink_send_event() - unicast one CW_CMD_EVENT
 * @cw: the namespace's state (its active ruleset names the purposes)
 * @e: the event
 * @portid: the recipient, the namespace's owner
 *
 * Context: process context (the event work), may sleep; cw_net.lock held.
 * Return: 0; -ENOTCONN once the family is unregistered (unload), -ENOMEM,
 * -EMSGSIZE, or genlmsg_unicast()'s error.
 */
int cw_netlink_send_event(struct cw_net *cw, const struct cw_event *e,
			  u32 portid);

#endif /* _CW_NETLINK_H */
