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

#include "../lib/packages.h"
#include "../lib/rules.h"
#include "../lib/state.h"
#include "../lib/util.h"
#include "kernel.h"
#include "pref64.h"

#define DEFAULT_CONFIG		"/etc/consentwall/consentd.conf"
#define DEFAULT_RULES_DIR	"/etc/consentwall/rules.d"
#define DEFAULT_STATE_DIR	"/var/lib/consentwall"
#define DEFAULT_EVENT_LOG	"/var/log/consentwall/events.log"

struct config {
	char *packages_list;
	char *control_group;	/* may change consent besides root */
	gid_t control_gid;
	bool has_gid;
	unsigned int event_ring;	/* events kept in memory */
	char *event_log;		/* "" = none */
	unsigned long event_log_max;	/* bytes before rotation */
	unsigned int event_log_keep;	/* rotated files kept */
	struct cw_nat64_prefix nat64[CW_NAT64_MAX];	/* nat64_prefix = */
	unsigned int nr_nat64;
};

struct event {
	time_t time;
	struct kev k;
	char app[256];		/* the package of k.uid when it came, or "" */
};

struct client {
	int fd;
	uid_t uid;
	gid_t gid;
	pid_t pid;
	bool may_change;
	bool follow;
	bool closing;
	struct sbuf in, out;
	struct client *next;
};

struct load_error {
	char *msg;		/* file:line:col: expected ... */
	char **purposes;	/* sections of the broken file */
	int np;
	bool replaced;		/* by its last good version */
};

struct daemon {
	const char *config_path, *rules_dir, *state_dir, *sock_path;
	bool foreground;
	struct config cfg;

	struct rules rules;		/* what the kernel has (or will get) */
	struct pkglist pkgs;		/* packages.list as last read */
	int pkg_fd;			/* inotify on its directory, or -1 */
	char *pkg_missing;		/* packages last warned about */
	struct load_error *errors;	/* files broken at the last load */
	int nerrors;
	/* Why nothing is committed: a broken file with no last good version. */
	char rules_missing[RULES_ERR_MAX + 128];

	char state_path[4096];
	struct state st;

	struct pref64_set learned;	/* NAT64 prefixes from RAs */
	int ra_fd;			/* rtnetlink: ND user options, links */
	struct kernel *k;
	bool synced;		/* kernel owns our ruleset and consent */
	uint32_t generation;
	time_t last_check;
	char kernel_err[1024];

	struct event *ring;
	unsigned int ring_head, ring_len;
	uint64_t events_total;
	int log_fd;
	off_t log_size;

	int listen_fd;
	struct client *clients;
	bool stop;
	time_t started;
};

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
/* Applies grant/deny to names; 0 or a proto_err with err filled. */
int daemon_set(struct daemon *d, char **names, int n, bool granted,
	       uid_t uid, char *err, size_t errlen);
void daemon_on_event(void *arg, const struct kev *ev);
void daemon_check_kernel(struct daemon *d);

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
/* Once a second: lifetimes that ran out. */
void ra_tick(struct daemon *d);

/* events.c */
void events_init(struct daemon *d);
void events_fini(struct daemon *d);
void events_add(struct daemon *d, const struct event *e);
const struct event *events_get(const struct daemon *d, unsigned int i);
void event_record(struct sbuf *b, const struct event *e);

/* control.c */
int control_listen(struct daemon *d, char *err, size_t errlen);
void control_close(struct daemon *d);
struct client *control_add(struct daemon *d, int fd, uid_t uid, gid_t gid,
			   pid_t pid, const gid_t *groups, int ngroups);
void control_accept(struct daemon *d);
/* Reads and answers what the client sent; false if it must be dropped. */
bool control_read(struct daemon *d, struct client *c);
bool control_write(struct client *c);
void control_drop(struct daemon *d, struct client *c);
void control_handle(struct daemon *d, struct client *c, char *line);
void control_broadcast_event(struct daemon *d, const struct event *e);
/* Frees the clients marked closing whose output is flushed. */
void control_sweep(struct daemon *d);

#endif
