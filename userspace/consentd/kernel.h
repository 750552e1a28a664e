/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The thin layer between consentd and consentwall.ko: generic netlink via
 * libnl-genl-3, nothing else in consentd includes a netlink header. Every
 * call is synchronous (request, then replies and the ACK by sequence
 * number); blocked-attempt events that arrive in between, on the same
 * socket, are handed to the event callback as they come.
 *
 * Errors are negative errnos with a one-line message in err: the kernel's
 * extack message when it sent one, else strerror.
 */
#ifndef CW_KERNEL_H
#define CW_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/identifiers.h"
#include "../lib/packages.h"
#include "../lib/rules.h"
#include "../../kmod/nat64.h"

struct kernel;

struct kev {
	uint32_t generation;
	char purposes[CW_PURPOSES_MAX * CW_PURPOSE_NAME_MAX];	/* a,b */
	uint32_t family, proto, port;
	char addr[48];
	bool has_uid;
	uint32_t uid;
	char name[CW_NAME_MAX + 1];
	uint32_t count;		/* attempts folded into this event, >= 1 */
	/* A payload that carried an identifier: its pattern's IDENT_TAG. */
	bool has_ident;
	uint32_t ident_tag;
};

struct kpurpose {
	char name[CW_PURPOSE_NAME_MAX];
	char desc[CW_PURPOSE_DESC_MAX];
	uint32_t consent, nr_entries;
	uint64_t blocked_packets, blocked_bytes;
	uint64_t allowed_packets, allowed_bytes;
};

struct kstatus {
	uint32_t policed, configured, owner, generation, nr_entries;
	uint64_t memory;
	uint64_t owner_releases, events_sent, events_dropped;
	uint64_t unconfigured_blocked, commits, names_failed, dns_answered;
	uint64_t flows_remembered, flows_revoked, flows_refused;
	uint64_t idents_scanned, idents_skipped, idents_blocked;
	int np;
	struct kpurpose p[CW_PURPOSES_MAX];
};

struct kexplain {
	uint32_t verdict, generation;
	/* An IPv6 address matched as this IPv4 address, under this prefix. */
	char nat64_addr[16];		/* "" if not */
	char nat64_prefix[48];		/* "64:ff9b::/96" */
	/* The address matched as bound by a DNS answer for this name. */
	char learned_name[CW_NAME_MAX + 1];	/* "" if not */
	int np;
	struct kpurpose p[CW_PURPOSES_MAX];
};

typedef void (*kernel_event_fn)(void *arg, const struct kev *ev);

/*
 * Opens the socket, with a receive buffer of rcvbuf bytes (forced past
 * net.core.rmem_max when allowed); the module need not be there yet.
 */
int kernel_open(struct kernel **out, unsigned int rcvbuf, kernel_event_fn fn,
		void *arg, char *err, size_t errlen);
void kernel_close(struct kernel *k);
/*
 * Closes the socket and opens a new one: the kernel sees its owner go and
 * denies every purpose of the namespace at once. Then kernel_connect().
 */
void kernel_reopen(struct kernel *k);
/* A limit of the socket worth a log line (small buffer), or "". */
const char *kernel_note(const struct kernel *k);
/* Receive buffer overruns (ENOBUFS) since kernel_open(). */
uint64_t kernel_overruns(const struct kernel *k);
int kernel_fd(const struct kernel *k);
uint32_t kernel_portid(const struct kernel *k);

/*
 * Resolves the family from a dump of all families (never by name, which
 * would make the kernel load the module); -ENOENT while it is not loaded.
 */
int kernel_connect(struct kernel *k, char *err, size_t errlen);
bool kernel_connected(const struct kernel *k);
/* Forgets the family (after it vanished); the socket stays. */
void kernel_disconnect(struct kernel *k);
/*
 * Reads whatever is pending without blocking: events, and family
 * notifications. Returns 1 if the consentwall family appeared or vanished
 * since the last call (the caller then resynchronizes), 2 if messages were
 * lost to a full receive buffer (events missing; the caller checks its
 * state), 0, or -errno.
 */
int kernel_poll(struct kernel *k);

int kernel_claim(struct kernel *k, char *err, size_t errlen);
/*
 * BEGIN, ADD (batched), COMMIT; ABORT on any error. A COMMIT whose answer
 * was lost is judged by the generation GET_STATUS reports, never guessed.
 * `app = PACKAGE` entries are resolved against @pkgs: a package it does not
 * list is left out. The patterns of @ids (NULL: none) go with the purpose
 * IDENT_PURPOSE, derived here and wiped once sent.
 */
int kernel_commit(struct kernel *k, const struct rules *r,
		  const struct pkglist *pkgs, const struct ident_set *ids,
		  uint32_t *gen, char *err, size_t errlen);
int kernel_set_consent(struct kernel *k, const char *purpose, bool granted,
		       char *err, size_t errlen);
/* SET_NAT64: these prefixes (besides 64:ff9b::/96) replace the last. */
int kernel_set_nat64(struct kernel *k, const struct cw_nat64_prefix *p,
		     size_t n, char *err, size_t errlen);
int kernel_status(struct kernel *k, struct kstatus *st, char *err,
		  size_t errlen);
/* Fills st->p[] with the per-purpose counters (GET_STATS dump). */
int kernel_stats(struct kernel *k, struct kstatus *st, char *err,
		 size_t errlen);
int kernel_explain(struct kernel *k, uint32_t family, uint32_t proto,
		   const uint8_t *addr, uint32_t port, const uint32_t *uid,
		   const char *name, struct kexplain *out, char *err,
		   size_t errlen);

#endif
