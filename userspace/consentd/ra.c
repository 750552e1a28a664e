// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * NAT64 prefixes learned from router advertisements. The kernel passes
 * every PREF64 option (RFC 8781) of an accepted RA to the rtnetlink group
 * RTNLGRP_ND_USEROPT; pref64.c reads them and keeps their lifetimes. Any
 * change of the set (a new prefix, lifetime 0, a lifetime that ran out, an
 * interface that went away) goes to the kernel at once, together with the
 * prefixes of consentd.conf.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "daemon.h"

void ra_open(struct daemon *d)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = RTMGRP_LINK,
	};
	int grp = RTNLGRP_ND_USEROPT;

	d->ra_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
			  NETLINK_ROUTE);
	if (d->ra_fd < 0 ||
	    bind(d->ra_fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(d->ra_fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
		       sizeof(grp))) {
		logmsg(LOG_WARNING, "rtnetlink: %s: NAT64 prefixes are not learned from router advertisements",
		       strerror(errno));
		if (d->ra_fd >= 0)
			close(d->ra_fd);
		d->ra_fd = -1;
	}
}

void ra_close(struct daemon *d)
{
	if (d->ra_fd >= 0)
		close(d->ra_fd);
	d->ra_fd = -1;
}

static void ra_log(const struct pref64 *p, const char *what)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, p->prefix, a, sizeof(a));
	logmsg(LOG_INFO, "NAT64 prefix %s/%u on interface %d %s", a, p->len,
	       p->ifindex, what);
}

void ra_read(struct daemon *d)
{
	char buf[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
	bool changed = false;
	ssize_t n;

	while ((n = recv(d->ra_fd, buf, sizeof(buf), 0)) > 0) {
		const struct nlmsghdr *h = (const void *)buf;
		size_t left = (size_t)n;

		for (; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			struct pref64 p[CW_NAT64_MAX];
			int i, np, r;

			if (h->nlmsg_type == RTM_DELLINK &&
			    h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ifinfomsg))) {
				const struct ifinfomsg *ifi = NLMSG_DATA(h);

				changed |= pref64_forget_if(&d->learned,
							    ifi->ifi_index) > 0;
				continue;
			}
			if (h->nlmsg_type != RTM_NEWNDUSEROPT)
				continue;
			np = pref64_parse(NLMSG_DATA(h),
					  h->nlmsg_len - NLMSG_LENGTH(0), p,
					  CW_NAT64_MAX);
			for (i = 0; i < np; i++) {
				r = pref64_apply(&d->learned, &p[i], (uint64_t)mono_ms());
				if (r == -ENOSPC)
					ra_log(&p[i], "ignored: no room for more");
				else if (r > 0)
					ra_log(&p[i], p[i].lifetime ?
					       "learned" : "withdrawn");
				changed |= r > 0;
			}
		}
	}
	if (n < 0 && errno == ENOBUFS)
		logmsg(LOG_WARNING, "rtnetlink: messages lost; prefixes follow the next advertisement");
	if (changed)
		daemon_push_nat64(d);
}

int64_t ra_next(const struct daemon *d)
{
	int64_t next = -1;
	size_t i;

	for (i = 0; i < d->learned.n; i++)
		if (next < 0 || (int64_t)d->learned.v[i].expires_ms < next)
			next = (int64_t)d->learned.v[i].expires_ms;
	return next;
}

void ra_tick(struct daemon *d)
{
	uint64_t next;

	if (d->learned.n && pref64_expire(&d->learned, (uint64_t)mono_ms(), &next)) {
		logmsg(LOG_INFO, "a NAT64 prefix's lifetime ran out");
		daemon_push_nat64(d);
	}
}
