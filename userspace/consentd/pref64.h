/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * NAT64 prefixes learned from router advertisements: the PREF64 option of
 * RFC 8781, which the kernel hands to userspace as an ND user option
 * (RTM_NEWNDUSEROPT on RTNLGRP_ND_USEROPT, one message per option). Pure
 * code: parsing and the lifetime bookkeeping take bytes and a clock value,
 * so the host tests drive them without sockets or timers.
 */
#ifndef CW_PREF64_H
#define CW_PREF64_H

#include <stddef.h>
#include <stdint.h>

#include "../../kmod/nat64.h"

#define ND_OPT_PREF64_TYPE 38	/* RFC 8781 */

/* One PREF64 option as received. */
struct pref64 {
	int ifindex;		/* interface the advertisement came in on */
	uint8_t prefix[16];	/* bits past len zero */
	uint8_t len;		/* 32, 40, 48, 56, 64 or 96 */
	uint32_t lifetime;	/* seconds; 0 withdraws the prefix */
};

/*
 * Reads the PREF64 options of one RTM_NEWNDUSEROPT message (@msg: what
 * follows the nlmsghdr, @len bytes) into @out (room for @max). Options of
 * other types are skipped, a PREF64 option of a wrong size or an unknown
 * prefix length code is ignored (RFC 8781 section 4). Returns how many
 * were stored, or -EINVAL if the message is not an IPv6 router
 * advertisement's user option or its lengths do not add up.
 */
int pref64_parse(const void *msg, size_t len, struct pref64 *out, size_t max);

/* What consentd has learned: a prefix, its interface and when it expires. */
struct pref64_set {
	struct {
		struct pref64 p;
		uint64_t expires_ms;	/* on the monotonic clock */
	} v[CW_NAT64_MAX];
	size_t n;
};

/*
 * Applies one received option at @now_ms: a new prefix is added (if there
 * is room), a known one (same interface, prefix and length) gets the new
 * lifetime, a lifetime of 0 removes it. Returns 1 if the set of prefixes
 * changed, 0 if not (a refresh), -ENOSPC if a new prefix found no room.
 */
int pref64_apply(struct pref64_set *s, const struct pref64 *o,
		 uint64_t now_ms);
/* Removes every prefix learned on @ifindex (the interface went away). */
int pref64_forget_if(struct pref64_set *s, int ifindex);
/*
 * Removes the prefixes whose lifetime ran out by @now_ms; returns 1 if any
 * was removed. *@next_ms is the next expiry, or 0 with none left.
 */
int pref64_expire(struct pref64_set *s, uint64_t now_ms, uint64_t *next_ms);

#endif
