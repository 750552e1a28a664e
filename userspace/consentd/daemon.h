/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * consentd's state. The daemon is one thread around one poll() loop: the
 * kernel socket, the control socket, its clients and a signalfd. Requests
 * that touch the kernel run to completion (the kernel answers in
 * microseconds), which keeps every change ordered and the code simple.
 */
#ifndef CW_DAEMON_H
#define CW_DAEMON_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "../lib/identifiers.h"
#include "../lib/packages.h"
#include "../lib/rules.h"
#include "../lib/state.h"
#include "../lib/util.h"
#include "kernel.h"
#include "pref64.h"

#define DEFAULT_CONFIG		"/etc/consentwall/consentd.conf"
#define DEFAULT_RULES_DIR	"/etc/consentwall/rules.d"
#define DEFAULT_VENDOR_RULES_DIR "/usr/lib/consentwall/rules.d"
#define DEFAULT_STATE_DIR	"/var/lib/consentwall"
#define DEFAULT_EVENT_LOG	"/var/log/consentwall/events.log"

struct config {
	char *packages_list;
	char *vendor_rules_dir;	/* "" = none */
	char *control_group;	/* may change consent besides root */
	gid_t control_gid;
	bool has_gid;
	unsigned int event_ring;	/* events kept in memory */
	char *event_log;		/* "" = none */
	char *identifiers;		/* the identifiers file, "" = none */
	unsigned long event_log_max;	/* bytes before rotation */
	unsigned int event_log_keep;	/* rotated files kept */
	struct cw_nat64_prefix nat64[CW_NAT64_MAX];	/* nat64_prefix = */
	unsigned int nr_nat64;
	unsigned int netlink_buffer;	/* receive buffer for events, bytes */
	/* Control socket bounds. */
	unsigned int clients_max;	/* unprivileged connections at once */
	unsigned int idle_ms;		/* a connection that asks nothing */
	unsigned int line_ms;		/* to finish a request line once begun */
	unsigned int stall_ms;		/* to read a pending answer */
};

struct event {
	time_t time;
	bool gap;		/* not an event: some were lost before this */
	struct kev k;
	char app[256];		/* the package of k.uid when it came, or "" */
};

/*
 * A control connection. Its memory is bounded: the input never holds more
 * than one request line, and no request is read while an answer waits to
 * be sent (a client that does not read only stops being served).
 */
struct client {
	int fd;
	uid_t uid;
	gid_t gid;
	pid_t pid;
	bool may_change;	/* root or the control group: also LOG, FOLLOW */
	bool follow;
	bool closing;
	struct sbuf in, out;
	int64_t active_ms;	/* accepted, last request, or last bytes sent */
	int64_t line_ms;	/* first byte of an unfinished line, or 0 */
	struct client *next;
};

struct load_error {
	char *msg;		/* file:line:col: expected ... */
	char **purposes;	/* sections of the broken file */
	int np;
	bool replaced;		/* by its last good version */
	const char *in_force;	/* instead, if not that or nothing */
};

struct daemon {
	const char *config_path, *rules_dir, *state_dir, *sock_path;
	/* Under rules_dir: its files replace these of the same name. */
	const char *vendor_rules_dir;	/* NULL or "" = none */
	char listening[192];	/* what the control socket is, for the log */
	bool foreground;
	struct config cfg;

	struct rules rules;		/* what the kernel has (or will get) */
	struct pkglist pkgs;		/* packages.list as last read */
	int pkg_fd;			/* inotify on its directory, or -1 */
	int pkg_err;			/* -errno of its last read, or 0 */
	char *pkg_missing;		/* packages last warned about */
	struct load_error *errors;	/* files broken at the last load */
	int nerrors;
	/* Why nothing is committed: a broken file with no last good version. */
	char rules_missing[RULES_ERR_MAX + 128];

	char state_path[4096];
	struct state st;
	bool state_dirty;	/* memory holds decisions the disk does not */
	char state_locked[1024];	/* why the receipts must not be written */

	/* The identifiers in force (lib/identifiers.h), NULL: no guard. */
	struct ident_set *idents;

	struct pref64_set learned;	/* NAT64 prefixes from RAs */
	int ra_fd;			/* rtnetlink: ND user options, links */
	struct kernel *k;
	bool synced;		/* kernel owns our ruleset and consent */
	uint32_t generation;
	int64_t next_check;	/* mono_ms() of the next health check or try */
	unsigned int retry_ms;	/* backoff while it cannot connect or claim */
	char kernel_err[1024];
	uint64_t gaps;		/* event losses seen (netlink ENOBUFS) */
	int64_t next_save;	/* next try to write dirty receipts */

	struct event *ring;
	unsigned int ring_head, ring_len;
	uint64_t events_total;
	/* Attempts reported blocked for an identifier, by kind and form. */
	uint64_t ident_blocked[IDENT_KINDS][IDF_FORMS];
	int log_fd;
	off_t log_size;

	int listen_fd;
	int spare_fd;		/* given up to accept-and-refuse at EMFILE */
	int64_t accept_after;	/* accept paused until (out of descriptors) */
	struct client *clients;
	unsigned int nclients;
	/*
	 * Answer bytes the unprivileged were given this turn (at most about
	 * UNPRIV_BYTES_PER_TURN), and where in the turn's order that share
	 * ran out the last time: the next turn starts there.
	 */
	size_t unpriv_spent;
	unsigned int serve_from;
	bool stop;
	int64_t started_ms;
};

/*
 * Unprivileged clients together get this much of answers a turn, so that
 * however many of them ask, a turn stays short and root's request waits
 * for no more than that.
 */
#define UNPRIV_BYTES_PER_TURN	(64 * 1024)

/* log.c */
void log_init(bool foreground);
__attribute__((format(printf, 2, 3)))
void logmsg(int prio, const char *fmt, ...);

/* config.c */
void config_defaults(struct config *c);
void config_free(struct config *c);
/* Missing file is fine unless required; errors are file:line:col. */
int config_load(struct config *c, const char *path, bool required,
		char *err, size_t errlen);

/* policy.c */
int daemon_init(struct daemon *d, char *err, size_t errlen);
void daemon_fini(struct daemon *d);
/* Startup load (see policy.c for what a broken file does). */
void daemon_load_rules(struct daemon *d);
/* The same load, committed; 0, or a proto_err with err filled. */
int daemon_reload(struct daemon *d, char *err, size_t errlen);
bool daemon_tainted(const struct daemon *d, const char *purpose,
		    const char **why);
/* Consent the daemon puts in force for p (receipt, digest, taint). */
bool daemon_effective(const struct daemon *d, const struct rule_purpose *p,
		      const char **why);
/* Connect, claim, commit, restore consent. */
int daemon_sync(struct daemon *d);
/* The same rules again (their apps resolve differently now). */
void daemon_recommit(struct daemon *d);
/* The configured and learned NAT64 prefixes to the kernel. */
int daemon_push_nat64(struct daemon *d);
/* Writes the receipts; false (state_dirty stays) with err if it cannot. */
bool daemon_save_state(struct daemon *d, char *err, size_t errlen);
/* Applies grant/deny to names (order in policy.c); 0 or a proto_err. */
int daemon_set(struct daemon *d, char **names, int n, bool granted,
	       uid_t uid, char *err, size_t errlen);
void daemon_on_event(void *arg, const struct kev *ev);
/*
 * Paced by mono_ms(): every 2 s a check that the kernel is still ours;
 * while it is not, a try to connect and claim with a backoff of 1 s to
 * 16 s (the family is looked up once per try, from a dump).
 */
void daemon_check_kernel(struct daemon *d);
/* Messages lost to a full netlink buffer: a gap in the log, a check. */
void daemon_overrun(struct daemon *d);

/* apps.c: packages.list, followed live */
void apps_init(struct daemon *d);
void apps_fini(struct daemon *d);
void apps_load(struct daemon *d);
void apps_warn(struct daemon *d);
/* The inotify descriptor is readable. */
void apps_changed(struct daemon *d);
const struct pkg *apps_of_uid(const struct daemon *d, uint32_t uid);

/* ra.c: NAT64 prefixes from router advertisements */
void ra_open(struct daemon *d);
void ra_close(struct daemon *d);
/* The socket is readable. */
void ra_read(struct daemon *d);
/* Lifetimes that ran out; ra_next(): mono_ms() of the next, or -1. */
void ra_tick(struct daemon *d);
int64_t ra_next(const struct daemon *d);

/* events.c */
void events_init(struct daemon *d);
void events_fini(struct daemon *d);
void events_add(struct daemon *d, const struct event *e);
/* A "gap" record where events were lost. */
void events_gap(struct daemon *d);
const struct event *events_get(const struct daemon *d, unsigned int i);
void event_record(struct sbuf *b, const struct event *e);
/* One `ident` record per kind and form that events reported blocked. */
void events_ident_records(const struct daemon *d, struct sbuf *b);

/* control.c */
int control_listen(struct daemon *d, char *err, size_t errlen);
void control_close(struct daemon *d);
struct client *control_add(struct daemon *d, int fd, uid_t uid, gid_t gid,
			   pid_t pid, const gid_t *groups, int ngroups);
/* Accepts a few pending connections (the rest wait for the next turn). */
void control_accept(struct daemon *d);
/* Reads and answers what the client sent; false if it must be dropped. */
bool control_read(struct daemon *d, struct client *c);
/* Answers a few complete lines already read, if nothing waits to be sent. */
void control_serve(struct daemon *d, struct client *c);
/* True if c has a complete line to serve now (no need to poll for it). */
bool control_ready(const struct client *c);
bool control_write(struct client *c);
void control_drop(struct daemon *d, struct client *c);
void control_handle(struct daemon *d, struct client *c, char *line);
void control_broadcast_event(struct daemon *d, const struct event *e);
/*
 * Frees the clients marked closing whose output is flushed, and those past
 * a time bound; returns ms until the next bound falls due (or -1).
 */
int control_sweep(struct daemon *d, int64_t now);

#endif
