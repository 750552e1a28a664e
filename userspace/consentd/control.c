// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The control socket: unix stream, one line per request (lib/proto.h).
 * Anyone who can connect may read the purposes and status; changes, and
 * the blocked-attempt log (it names apps and hosts), need uid 0 or the
 * configured group, judged from the kernel's SO_PEERCRED/SO_PEERGROUPS,
 * never from anything the client says.
 *
 * No client can wear the daemon down: it holds at most one request line
 * and one answer (no request is read while an answer waits), at most
 * clients_max unprivileged connections exist at once (root's and the
 * group's are always accepted), each is dropped when idle, slow to finish
 * a line or not reading its answer, and every turn of the loop serves each
 * client at most a few requests, so none waits behind another.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "../lib/proto.h"
#include "daemon.h"

#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS 59
#endif

#define FOLLOW_BACKLOG_MAX	(1024 * 1024)
#define ACCEPT_PER_TURN		128	/* a flood drains in few turns */
#define REQUESTS_PER_TURN	4

/* The listening socket came from the service manager, which owns its file. */
static bool listen_inherited;

/*
 * A listening socket the service manager made before starting us: Android
 * init's `socket consentd stream ...` line (ANDROID_SOCKET_consentd=FD) or
 * systemd's socket activation (LISTEN_PID=our pid, LISTEN_FDS=1, fd 3).
 * Clients can connect before consentd runs, so there is no start-up race.
 * Returns the fd (what then names it, and who handed it over), -1 when
 * there is none, or -errno for one that is not a listening unix stream
 * socket.
 */
static int inherited_socket(char *what, size_t wlen)
{
	const char *via;
	const char *a = getenv("ANDROID_SOCKET_consentd");
	const char *pid = getenv("LISTEN_PID"), *n = getenv("LISTEN_FDS");
	int fd, v, type = 0, acc = 0;
	socklen_t len = sizeof(int);
	struct sockaddr_un sa;
	socklen_t salen = sizeof(sa);
	char *end;
	long l;

	if (a) {
		l = strtol(a, &end, 10);
		if (*a == '\0' || *end || l < 0 || l > 1 << 20)
			return -EBADF;
		fd = (int)l;
		via = "Android init (ANDROID_SOCKET_consentd)";
	} else if (pid && n && strtol(pid, NULL, 10) == getpid()) {
		if (strcmp(n, "1"))
			return -E2BIG;
		fd = 3;
		via = "systemd (LISTEN_FDS)";
	} else {
		return -1;
	}
	unsetenv("ANDROID_SOCKET_consentd");
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0)
		return -errno;
	len = sizeof(int);
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &len) < 0)
		return -errno;
	if (getsockname(fd, (struct sockaddr *)&sa, &salen) < 0)
		return -errno;
	if (type != SOCK_STREAM || !acc || sa.sun_family != AF_UNIX)
		return -ENOTSOCK;
	salen -= offsetof(struct sockaddr_un, sun_path);
	if (!salen)
		snprintf(what, wlen, "an unnamed socket handed over by %s", via);
	else	/* a path, or an abstract name shown as @name */
		snprintf(what, wlen, "%s%.*s, handed over by %s",
			 sa.sun_path[0] ? "" : "@", (int)salen - !sa.sun_path[0],
			 sa.sun_path + !sa.sun_path[0], via);
	v = fcntl(fd, F_GETFL);
	if (v < 0 || fcntl(fd, F_SETFL, v | O_NONBLOCK) < 0 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		return -errno;
	return fd;
}

int control_listen(struct daemon *d, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[sizeof(sa.sun_path)];
	int fd;

	fd = inherited_socket(d->listening, sizeof(d->listening));
	listen_inherited = fd >= 0;
	if (fd >= 0) {
		d->listen_fd = fd;
		return 0;
	}
	if (fd != -1) {
		snprintf(err, errlen,
			 "inherited control socket (ANDROID_SOCKET_consentd or LISTEN_FDS): %s",
			 fd == -E2BIG ? "expected exactly one" : strerror(-fd));
		return fd;
	}
	if (strlen(d->sock_path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "socket path too long: %s", d->sock_path);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, d->sock_path);
	if (!path_dirname(d->sock_path, dir, sizeof(dir)) &&
	    mkdir(dir, 0755) == 0)
		chmod(dir, 0755);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* A socket file that accepts belongs to a live daemon: leave it. */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		close(fd);
		snprintf(err, errlen, "another consentd is listening on %s",
			 d->sock_path);
		return -EADDRINUSE;
	}
	close(fd);
	unlink(d->sock_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(d->sock_path, 0666) < 0 || listen(fd, SOMAXCONN) < 0) {
		snprintf(err, errlen, "%s: %s", d->sock_path, strerror(errno));
		close(fd);
		return -EIO;
	}
	d->listen_fd = fd;
	snprintf(d->listening, sizeof(d->listening), "%s", d->sock_path);
	/* Held back for the day descriptors run out (see control_accept). */
	d->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return 0;
}

void control_close(struct daemon *d)
{
	while (d->clients)
		control_drop(d, d->clients);
	if (d->listen_fd >= 0) {
		close(d->listen_fd);
		if (!listen_inherited)
			unlink(d->sock_path);
	}
	if (d->spare_fd >= 0)
		close(d->spare_fd);
	d->listen_fd = -1;
	d->spare_fd = -1;
}

struct client *control_add(struct daemon *d, int fd, uid_t uid, gid_t gid,
			   pid_t pid, const gid_t *groups, int ngroups)
{
	struct client *c = xcalloc(1, sizeof(*c));
	int i;

	c->fd = fd;
	c->uid = uid;
	c->gid = gid;
	c->pid = pid;
	c->may_change = uid == 0 || (d->cfg.has_gid && gid == d->cfg.control_gid);
	for (i = 0; i < ngroups && !c->may_change; i++)
		if (d->cfg.has_gid && groups[i] == d->cfg.control_gid)
			c->may_change = true;
	sbuf_init(&c->in);
	sbuf_init(&c->out);
	c->active_ms = mono_ms();
	c->next = d->clients;
	d->clients = c;
	d->nclients++;
	return c;
}

static unsigned int unprivileged(const struct daemon *d)
{
	const struct client *c;
	unsigned int n = 0;

	for (c = d->clients; c; c = c->next)
		n += !c->may_change;
	return n;
}

/* The unprivileged client that has waited longest for nothing. */
static struct client *most_idle(const struct daemon *d)
{
	struct client *c, *best = NULL;

	for (c = d->clients; c; c = c->next)
		if (!c->may_change && (!best || c->active_ms < best->active_ms))
			best = c;
	return best;
}

/*
 * Out of descriptors: an unprivileged client makes room; with none, the
 * spare descriptor lets one waiting connection be accepted and closed, so
 * the listening socket does not stay readable and spin the loop.
 */
static void out_of_fds(struct daemon *d)
{
	struct client *victim = most_idle(d);
	int fd;

	if (victim) {
		control_drop(d, victim);
		return;
	}
	if (d->spare_fd >= 0) {
		close(d->spare_fd);
		fd = accept4(d->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0)
			close(fd);
		d->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	}
	if (d->spare_fd < 0)
		d->accept_after = mono_ms() + 100;
}

void control_accept(struct daemon *d)
{
	static const char busy[] =
		"ERR busy too many connections from unprivileged users; try again\n";
	int i;

	for (i = 0; i < ACCEPT_PER_TURN; i++) {
		struct ucred cr;
		socklen_t len = sizeof(cr);
		gid_t groups[256];
		socklen_t glen = sizeof(groups);
		struct client *c;
		int fd, ng;

		fd = accept4(d->listen_fd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM)
				out_of_fds(d);
			else if (errno == ECONNABORTED || errno == EINTR)
				continue;
			return;	/* EAGAIN: nothing more waits */
		}
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0) {
			close(fd);
			continue;
		}
		ng = getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &glen) < 0 ?
		     0 : (int)(glen / sizeof(gid_t));
		c = control_add(d, fd, cr.uid, cr.gid, cr.pid, groups, ng);
		if (!c->may_change && unprivileged(d) > d->cfg.clients_max) {
			ssize_t n = send(fd, busy, sizeof(busy) - 1,
					 MSG_NOSIGNAL | MSG_DONTWAIT);

			(void)n;
			control_drop(d, c);
		}
	}
}

void control_drop(struct daemon *d, struct client *c)
{
	struct client **pp;

	for (pp = &d->clients; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	close(c->fd);
	sbuf_free(&c->in);
	sbuf_free(&c->out);
	free(c);
	d->nclients--;
}

bool control_write(struct client *c)
{
	while (c->out.len) {
		ssize_t n = send(c->fd, c->out.s, c->out.len,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN;
		}
		memmove(c->out.s, c->out.s + n, c->out.len - (size_t)n);
		c->out.len -= (size_t)n;
		c->out.s[c->out.len] = '\0';
		c->active_ms = mono_ms();
	}
	if (c->out.cap > 65536) {
		/* A long answer sent: give its memory back. */
		sbuf_free(&c->out);
	}
	return !c->closing;
}

/* When c is due to be dropped, or INT64_MAX. */
static int64_t deadline(const struct daemon *d, const struct client *c)
{
	if (c->closing)
		return c->active_ms + d->cfg.stall_ms;
	if (c->out.len)
		return c->active_ms + d->cfg.stall_ms;	/* not reading */
	if (c->line_ms)
		return c->line_ms + d->cfg.line_ms;	/* dripping a line */
	if (c->follow)
		return INT64_MAX;
	return c->active_ms + d->cfg.idle_ms;
}

int control_sweep(struct daemon *d, int64_t now)
{
	struct client *c, *next;
	int64_t soonest = INT64_MAX;

	for (c = d->clients; c; c = next) {
		int64_t due = deadline(d, c);

		next = c->next;
		if ((c->closing && !c->out.len) || due <= now) {
			control_drop(d, c);
			continue;
		}
		if (due < soonest)
			soonest = due;
	}
	if (soonest == INT64_MAX)
		return -1;
	return soonest - now > 60000 ? 60000 : (int)(soonest - now);
}

void control_broadcast_event(struct daemon *d, const struct event *e)
{
	struct client *c;

	for (c = d->clients; c; c = c->next) {
		if (!c->follow)
			continue;
		/*
		 * A follower that stopped reading must not grow us forever.
		 * It is only marked here: this may run inside a request of
		 * that very client (events arrive while we wait for the
		 * kernel), so freeing it is left to control_sweep().
		 */
		if (c->out.len > FOLLOW_BACKLOG_MAX) {
			sbuf_reset(&c->out);
			c->follow = false;
			c->closing = true;
			continue;
		}
		event_record(&c->out, e);
		if (!control_write(c)) {
			sbuf_reset(&c->out);
			c->follow = false;
			c->closing = true;
		}
	}
}

static void purpose_record(struct daemon *d, struct sbuf *b,
			   const struct rule_purpose *p,
			   const struct kstatus *ks)
{
	const struct receipt *r = state_find(&d->st, p->name);
	const char *why;
	bool on = daemon_effective(d, p, &why);
	int i;

	rec_begin(b, "purpose");
	rec_str(b, "name", p->name);
	rec_str(b, "description", p->desc);
	rec_u64(b, "entries", p->n);
	rec_str(b, "consent", on ? "allowed" : "denied");
	rec_str(b, "reason", why);
	rec_str(b, "digest", p->digest);
	rec_str(b, "defined", p->where);
	if (r) {
		rec_str(b, "decision", r->granted ? "allow" : "deny");
		rec_u64(b, "decided_at", (uint64_t)r->time);
		rec_u64(b, "decided_by", r->uid);
	}
	for (i = 0; ks && i < ks->np; i++) {
		if (!strcmp(ks->p[i].name, p->name)) {
			rec_str(b, "kernel_consent",
				ks->p[i].consent ? "allowed" : "denied");
			rec_u64(b, "kernel_entries", ks->p[i].nr_entries);
		}
	}
	rec_end(b);
}

/* The module's ruleset figures and namespace counters (status, stats). */
static void rec_kernel_counters(struct sbuf *b, const struct kstatus *ks)
{
	rec_u64(b, "generation", ks->generation);
	rec_u64(b, "entries", ks->nr_entries);
	rec_u64(b, "memory", ks->memory);
	rec_u64(b, "owner_releases", ks->owner_releases);
	rec_u64(b, "events_sent", ks->events_sent);
	rec_u64(b, "events_dropped", ks->events_dropped);
	rec_u64(b, "unconfigured_blocked", ks->unconfigured_blocked);
	rec_u64(b, "commits", ks->commits);
	rec_u64(b, "names_failed", ks->names_failed);
	rec_u64(b, "dns_answered", ks->dns_answered);
	rec_u64(b, "flows_remembered", ks->flows_remembered);
	rec_u64(b, "flows_revoked", ks->flows_revoked);
	rec_u64(b, "flows_refused", ks->flows_refused);
	rec_u64(b, "idents_scanned", ks->idents_scanned);
	rec_u64(b, "idents_skipped", ks->idents_skipped);
	rec_u64(b, "idents_blocked", ks->idents_blocked);
}

static void do_status(struct daemon *d, struct client *c, bool full)
{
	struct sbuf *b = &c->out;
	struct kstatus ks;
	char err[512];
	bool have_ks = false;
	size_t i;
	int j;

	if (d->k && d->synced)
		have_ks = !kernel_status(d->k, &ks, err, sizeof(err));
	if (full) {
		rec_begin(b, "daemon");
		rec_u64(b, "pid", (uint64_t)getpid());
		rec_u64(b, "uptime", (uint64_t)(mono_ms() - d->started_ms) / 1000);
		rec_str(b, "kernel", d->synced ? "connected" : "disconnected");
		if (!d->synced)
			rec_str(b, "kernel_error", d->kernel_err[0] ?
				d->kernel_err : "not connected");
		rec_u64(b, "generation", d->generation);
		rec_str(b, "rules_dir", d->rules_dir);
		rec_str(b, "vendor_rules_dir", d->vendor_rules_dir ?
			d->vendor_rules_dir : "");
		rec_str(b, "state_file", d->state_path);
		rec_u64(b, "purposes", d->rules.n);
		rec_u64(b, "entries", rules_nr_entries(&d->rules));
		rec_u64(b, "skipped_files", (uint64_t)d->nerrors);
		rec_u64(b, "events", d->events_total);
		rec_u64(b, "event_gaps", d->gaps);
		rec_u64(b, "netlink_overruns", d->k ? kernel_overruns(d->k) : 0);
		rec_str(b, "receipts", d->state_locked[0] ? "unreadable, not overwritten" :
			d->state_dirty ? "not written yet" : "written");
		rec_bool(b, "you_may_change", c->may_change);
		rec_end(b);
		if (have_ks) {
			rec_begin(b, "kernel");
			rec_bool(b, "policed", ks.policed);
			rec_bool(b, "configured", ks.configured);
			rec_u64(b, "owner", ks.owner);
			rec_kernel_counters(b, &ks);
			rec_end(b);
		}
		for (j = 0; j < d->nerrors; j++) {
			struct sbuf names;
			int k;

			sbuf_init(&names);
			for (k = 0; k < d->errors[j].np; k++)
				sbuf_printf(&names, "%s%s", k ? "," : "",
					    d->errors[j].purposes[k]);
			rec_begin(b, "skipped");
			rec_str(b, "error", d->errors[j].msg);
			rec_str(b, "purposes", names.s ? names.s : "");
			rec_str(b, "in_force", d->errors[j].in_force ?
				d->errors[j].in_force : d->errors[j].replaced ?
				"last good version" : "nothing (not committed)");
			rec_end(b);
			sbuf_free(&names);
		}
	}
	for (i = 0; i < d->rules.n; i++)
		purpose_record(d, b, d->rules.p[i], have_ks ? &ks : NULL);
	proto_ok(b);
}

static void do_stats(struct daemon *d, struct client *c)
{
	struct sbuf *b = &c->out;
	struct kstatus ks, st;
	char err[512];
	int i;

	if (!d->k || !d->synced) {
		proto_err(b, PE_KERNEL,
			  "no statistics: consentd is not connected to the kernel module (%s)",
			  d->kernel_err[0] ? d->kernel_err : "not connected");
		return;
	}
	if (kernel_status(d->k, &ks, err, sizeof(err)) ||
	    kernel_stats(d->k, &st, err, sizeof(err))) {
		proto_err(b, PE_KERNEL, "%s", err);
		return;
	}
	rec_begin(b, "counters");
	rec_kernel_counters(b, &ks);
	rec_u64(b, "events_received", d->events_total);
	rec_end(b);
	for (i = 0; i < st.np; i++) {
		rec_begin(b, "purpose");
		rec_str(b, "name", st.p[i].name);
		rec_u64(b, "blocked_packets", st.p[i].blocked_packets);
		rec_u64(b, "blocked_bytes", st.p[i].blocked_bytes);
		rec_u64(b, "allowed_packets", st.p[i].allowed_packets);
		rec_u64(b, "allowed_bytes", st.p[i].allowed_bytes);
		rec_end(b);
	}
	events_ident_records(d, b);
	proto_ok(b);
}

/* The IPv4 entry of @p that the embedded address @a4 (text) matched. */
static const struct rule_entry *ipv4_entry(const struct rule_purpose *p,
					   const char *a4, uint32_t proto,
					   uint32_t port)
{
	uint8_t a[4];
	size_t i;

	if (!p || inet_pton(AF_INET, a4, a) != 1)
		return NULL;
	for (i = 0; i < p->n; i++) {
		const struct rule_entry *e = &p->e[i];
		uint32_t m, x, y;

		if (e->type != RULE_ADDR || e->family != AF_INET ||
		    (e->proto && e->proto != proto) ||
		    (e->port_min && (port < e->port_min || port > e->port_max)))
			continue;
		m = e->prefixlen ? ~0u << (32 - e->prefixlen) : 0;
		memcpy(&x, a, 4);
		memcpy(&y, e->addr, 4);
		if (!((ntohl(x) ^ ntohl(y)) & m))
			return e;
	}
	return NULL;
}

/*
 * What the identifier guard does to a payload to any destination: the
 * kinds configured (never a value) and the consent of their purpose.
 */
static void identifiers_record(const struct daemon *d, struct sbuf *b)
{
	const struct rule_purpose *p = rules_find(&d->rules, IDENT_PURPOSE);
	char kinds[IDENT_KINDS_LEN];
	const char *why;

	if (!p || !d->idents || !d->idents->n)
		return;
	ident_kinds(d->idents, kinds);
	rec_begin(b, "identifiers");
	rec_str(b, "purpose", IDENT_PURPOSE);
	rec_str(b, "kinds", kinds);
	rec_str(b, "consent", daemon_effective(d, p, &why) ? "allowed" : "denied");
	rec_end(b);
}

static void do_explain(struct daemon *d, struct client *c, int argc,
		       char **argv)
{
	struct sbuf *b = &c->out;
	uint32_t proto, port, uid, family;
	uint8_t addr[16];
	const char *name = NULL;
	bool has_uid = false;
	struct kexplain ex;
	char err[512];
	int i;

	if (argc < 4 || !parse_ip_proto(argv[1], &proto)) {
		proto_err(b, PE_USAGE,
			  "EXPLAIN needs PROTO (tcp, udp, icmp, icmpv6 or a number) ADDR PORT");
		return;
	}
	if (inet_pton(AF_INET, argv[2], addr) == 1) {
		family = AF_INET;
	} else if (inet_pton(AF_INET6, argv[2], addr) == 1) {
		family = AF_INET6;
	} else {
		proto_err(b, PE_USAGE, "not an IPv4 or IPv6 address: %s",
			  argv[2]);
		return;
	}
	if (!parse_u32(argv[3], 65535, &port)) {
		proto_err(b, PE_USAGE, "not a port (0-65535): %s", argv[3]);
		return;
	}
	for (i = 4; i < argc; i++) {
		if (!strncmp(argv[i], "uid=", 4) &&
		    parse_u32(argv[i] + 4, CW_UID_MAX, &uid)) {
			has_uid = true;
		} else if (!strncmp(argv[i], "name=", 5) && argv[i][5] &&
			   strlen(argv[i] + 5) < CW_NAME_MAX) {
			name = argv[i] + 5;
		} else {
			proto_err(b, PE_USAGE, "expected uid=UID or name=HOST, not %s",
				  argv[i]);
			return;
		}
	}
	if (!d->k || !d->synced) {
		proto_err(b, PE_KERNEL,
			  "cannot explain: consentd is not connected to the kernel module (%s)",
			  d->kernel_err[0] ? d->kernel_err : "not connected");
		return;
	}
	if (kernel_explain(d->k, family, proto, addr, port,
			   has_uid ? &uid : NULL, name, &ex, err,
			   sizeof(err))) {
		proto_err(b, PE_KERNEL, "%s", err);
		return;
	}
	rec_begin(b, "verdict");
	rec_str(b, "verdict", ex.verdict == CW_VERDICT_BLOCK ? "block" : "accept");
	rec_u64(b, "generation", ex.generation);
	if (has_uid && apps_of_uid(d, uid)) {
		rec_str(b, "app", apps_of_uid(d, uid)->name);
		rec_u64(b, "user", uid / PKG_PER_USER_RANGE);
	}
	if (ex.nat64_addr[0]) {
		rec_str(b, "nat64_ipv4", ex.nat64_addr);
		rec_str(b, "nat64_prefix", ex.nat64_prefix);
	}
	if (ex.learned_name[0])
		rec_str(b, "learned_name", ex.learned_name);
	rec_end(b);
	for (i = 0; i < ex.np; i++) {
		const struct rule_entry *e = NULL;

		if (ex.nat64_addr[0])
			e = ipv4_entry(rules_find(&d->rules, ex.p[i].name),
				       ex.nat64_addr, proto, port);
		rec_begin(b, "match");
		rec_str(b, "name", ex.p[i].name);
		rec_str(b, "consent", ex.p[i].consent ? "allowed" : "denied");
		if (e) {
			char text[320];

			rule_entry_format(e, text, sizeof(text));
			rec_str(b, "nat64_entry", text);
		}
		rec_end(b);
	}
	identifiers_record(d, b);
	proto_ok(b);
}

static void do_log(struct daemon *d, struct client *c, int argc, char **argv)
{
	uint32_t n = UINT32_MAX;
	unsigned int i, start;
	const struct event *e;

	if (argc > 2 || (argc == 2 && !parse_u32(argv[1], UINT32_MAX, &n))) {
		proto_err(&c->out, PE_USAGE, "LOG takes at most one count");
		return;
	}
	start = d->ring_len > n ? d->ring_len - n : 0;
	for (i = start; (e = events_get(d, i)); i++)
		event_record(&c->out, e);
	proto_ok(&c->out);
}

/*
 * Root or the control group: to change consent, and to read the log (it
 * names apps and hosts, which the kernel tells its owner only).
 */
static bool need_priv(struct daemon *d, struct client *c, const char *what)
{
	if (c->may_change)
		return true;
	if (d->cfg.has_gid)
		proto_err(&c->out, PE_PERM,
			  "permission denied: %s needs root or membership of group '%s' (you are uid %u)",
			  what, d->cfg.control_group, (unsigned int)c->uid);
	else
		proto_err(&c->out, PE_PERM,
			  "permission denied: %s needs root (you are uid %u)",
			  what, (unsigned int)c->uid);
	return false;
}

#define CHANGING "changing consent"
#define READING_LOG "the blocked-attempt log names apps and hosts; reading it"

void control_handle(struct daemon *d, struct client *c, char *line)
{
	char *argv[PROTO_ARGS_MAX];
	char err[1024];
	int argc, ret;

	argc = proto_split(line, argv, PROTO_ARGS_MAX);
	if (argc <= 0) {
		proto_err(&c->out, PE_USAGE, "malformed request");
		return;
	}
	if (!strcmp(argv[0], "VERSION") && argc == 1) {
		rec_begin(&c->out, "version");
		rec_u64(&c->out, "protocol", PROTO_VERSION);
		rec_str(&c->out, "software", CW_SOFTWARE_VERSION);
		rec_end(&c->out);
		proto_ok(&c->out);
	} else if (!strcmp(argv[0], "STATUS") && argc == 1) {
		do_status(d, c, true);
	} else if (!strcmp(argv[0], "PURPOSES") && argc == 1) {
		do_status(d, c, false);
	} else if ((!strcmp(argv[0], "ALLOW") || !strcmp(argv[0], "DENY")) &&
		   argc >= 2) {
		bool grant = argv[0][0] == 'A';
		int i;

		if (!need_priv(d, c, CHANGING))
			return;
		ret = daemon_set(d, argv + 1, argc - 1, grant, c->uid, err,
				 sizeof(err));
		if (ret) {
			proto_err(&c->out, (enum proto_err)ret, "%s", err);
			return;
		}
		for (i = 1; i < argc; i++) {
			rec_begin(&c->out, "purpose");
			rec_str(&c->out, "name", argv[i]);
			rec_str(&c->out, "consent", grant ? "allowed" : "denied");
			rec_str(&c->out, "kernel", d->synced ? "applied" :
				"not connected");
			rec_end(&c->out);
		}
		proto_ok(&c->out);
	} else if (!strcmp(argv[0], "LOG")) {
		if (need_priv(d, c, READING_LOG))
			do_log(d, c, argc, argv);
	} else if (!strcmp(argv[0], "FOLLOW") && argc == 1) {
		if (need_priv(d, c, READING_LOG))
			c->follow = true;
	} else if (!strcmp(argv[0], "STATS") && argc == 1) {
		do_stats(d, c);
	} else if (!strcmp(argv[0], "EXPLAIN")) {
		do_explain(d, c, argc, argv);
	} else if (!strcmp(argv[0], "RELOAD") && argc == 1) {
		if (!need_priv(d, c, CHANGING))
			return;
		ret = daemon_reload(d, err, sizeof(err));
		if (ret) {
			proto_err(&c->out, (enum proto_err)ret, "%s", err);
			return;
		}
		rec_begin(&c->out, "reload");
		rec_u64(&c->out, "generation", d->generation);
		rec_u64(&c->out, "purposes", d->rules.n);
		rec_u64(&c->out, "entries", rules_nr_entries(&d->rules));
		rec_str(&c->out, "kernel", d->synced ? "committed" :
			"not connected");
		rec_end(&c->out);
		proto_ok(&c->out);
	} else {
		proto_err(&c->out, PE_USAGE, "unknown request or wrong arguments: %s",
			  argv[0]);
	}
}

bool control_ready(const struct client *c)
{
	return !c->closing && !c->out.len && c->in.len &&
	       memchr(c->in.s, '\n', c->in.len);
}

void control_serve(struct daemon *d, struct client *c)
{
	int served = 0;
	char *nl;

	while (served++ < REQUESTS_PER_TURN && control_ready(c)) {
		size_t l;
		char *line;

		/* The turn's share of the unprivileged is spent: next turn. */
		if (!c->may_change && d->unpriv_spent >= UNPRIV_BYTES_PER_TURN)
			break;

		nl = memchr(c->in.s, '\n', c->in.len);
		l = (size_t)(nl - c->in.s);
		line = xstrndup(c->in.s, l);
		memmove(c->in.s, nl + 1, c->in.len - l - 1);
		c->in.len -= l + 1;
		c->in.s[c->in.len] = '\0';
		if (l && line[l - 1] == '\r')
			line[l - 1] = '\0';
		c->active_ms = mono_ms();
		control_handle(d, c, line);
		free(line);
		/* out was empty (control_ready): all of it is this answer. */
		if (!c->may_change)
			d->unpriv_spent += c->out.len;
		if (!control_write(c))
			c->closing = true;
	}
	/* What is left is an unfinished line: it has line_ms to end. */
	if (!c->in.len || memchr(c->in.s, '\n', c->in.len))
		c->line_ms = 0;
	else if (!c->line_ms)
		c->line_ms = mono_ms();
	if (c->in.len > PROTO_LINE_MAX && !memchr(c->in.s, '\n', c->in.len)) {
		sbuf_free(&c->in);
		proto_err(&c->out, PE_USAGE, "request line too long");
		c->closing = true;
	}
}

bool control_read(struct daemon *d, struct client *c)
{
	char buf[PROTO_LINE_MAX + 1];
	size_t room = sizeof(buf);
	ssize_t n;

	/*
	 * Past a complete line nothing more is read until it is served, and
	 * an unfinished line never grows past PROTO_LINE_MAX + 1 bytes.
	 */
	if (c->in.len && memchr(c->in.s, '\n', c->in.len))
		room = 0;
	else if (c->in.len < sizeof(buf))
		room = sizeof(buf) - c->in.len;
	else
		room = 0;
	if (c->closing || !room) {
		if (c->closing) {
			/* Whatever it sends now is dropped unread. */
			n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (n == 0)
				return false;
		}
		return control_write(c);
	}
	n = recv(c->fd, buf, room, MSG_DONTWAIT);
	if (n == 0)
		return false;
	if (n < 0)
		return errno == EAGAIN || errno == EINTR;
	sbuf_add(&c->in, buf, (size_t)n);
	control_serve(d, c);
	return control_write(c);
}
