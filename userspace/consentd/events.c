// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Blocked attempts: a bounded ring in memory for `consentctl log`, a log
 * file that rotates by size so a chatty app cannot fill the disk, and a
 * live copy to every `consentctl log --follow`.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "../lib/proto.h"
#include "daemon.h"

static void log_open(struct daemon *d)
{
	struct stat sb;
	char dir[PATH_MAX];

	d->log_fd = -1;
	if (!d->cfg.event_log || !d->cfg.event_log[0])
		return;
	if (!path_dirname(d->cfg.event_log, dir, sizeof(dir)))
		mkdir(dir, 0750);
	d->log_fd = open(d->cfg.event_log,
			 O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (d->log_fd < 0) {
		logmsg(LOG_WARNING, "event log %s: %s (events stay in memory)",
		       d->cfg.event_log, strerror(errno));
		return;
	}
	d->log_size = fstat(d->log_fd, &sb) ? 0 : sb.st_size;
}

void events_init(struct daemon *d)
{
	d->ring = xcalloc(d->cfg.event_ring, sizeof(*d->ring));
	d->ring_head = 0;
	d->ring_len = 0;
	log_open(d);
}

void events_fini(struct daemon *d)
{
	free(d->ring);
	d->ring = NULL;
	if (d->log_fd >= 0)
		close(d->log_fd);
	d->log_fd = -1;
}

/* events.log -> events.log.1 -> ... -> events.log.KEEP (dropped). */
static void rotate(struct daemon *d)
{
	char from[PATH_MAX], to[PATH_MAX];
	unsigned int i;

	close(d->log_fd);
	d->log_fd = -1;
	if (!d->cfg.event_log_keep) {
		unlink(d->cfg.event_log);
	} else {
		for (i = d->cfg.event_log_keep; i > 1; i--) {
			snprintf(from, sizeof(from), "%s.%u", d->cfg.event_log,
				 i - 1);
			snprintf(to, sizeof(to), "%s.%u", d->cfg.event_log, i);
			rename(from, to);
		}
		snprintf(to, sizeof(to), "%s.1", d->cfg.event_log);
		rename(d->cfg.event_log, to);
	}
	log_open(d);
}

/* The kind and form a pattern's tag names; false for a tag consentd never gave. */
static bool ident_tag_split(uint32_t tag, unsigned int *kind,
			    unsigned int *form)
{
	*kind = tag >> 8;
	*form = tag & 0xff;
	return *kind < IDENT_KINDS && *form < IDF_FORMS;
}

void event_record(struct sbuf *b, const struct event *e)
{
	char pb[16];

	if (e->gap) {
		/* Where events were lost: the log is not complete here. */
		rec_begin(b, "gap");
		rec_u64(b, "time", (uint64_t)e->time);
		rec_str(b, "reason", "netlink receive buffer full");
		rec_end(b);
		return;
	}
	rec_begin(b, "event");
	rec_u64(b, "time", (uint64_t)e->time);
	rec_str(b, "purposes", e->k.purposes);
	rec_str(b, "family", e->k.family == AF_INET6 ? "ipv6" : "ipv4");
	rec_str(b, "proto", ip_proto_name(e->k.proto, pb, sizeof(pb)));
	rec_str(b, "addr", e->k.addr);
	rec_u64(b, "port", e->k.port);
	if (e->k.has_uid)
		rec_u64(b, "uid", e->k.uid);
	if (e->app[0]) {
		rec_str(b, "app", e->app);
		rec_u64(b, "user", e->k.uid / PKG_PER_USER_RANGE);
	}
	if (e->k.name[0])
		rec_str(b, "name", e->k.name);
	if (e->k.has_ident) {
		/* Which pattern, by kind and form: the kernel never says more. */
		unsigned int kind, form;
		bool known = ident_tag_split(e->k.ident_tag, &kind, &form);

		rec_str(b, "ident_kind", known ? ident_kind_name(kind) : "unknown");
		rec_str(b, "ident_form", known ? ident_form_name(form) : "unknown");
	}
	rec_u64(b, "generation", e->k.generation);
	rec_u64(b, "count", e->k.count);
	rec_end(b);
}

void events_add(struct daemon *d, const struct event *e)
{
	unsigned int slot = (d->ring_head + d->ring_len) % d->cfg.event_ring;

	if (d->ring_len == d->cfg.event_ring)
		d->ring_head = (d->ring_head + 1) % d->cfg.event_ring;
	else
		d->ring_len++;
	d->ring[slot] = *e;
	d->events_total++;
	if (e->k.has_ident) {
		unsigned int kind, form;

		if (ident_tag_split(e->k.ident_tag, &kind, &form))
			d->ident_blocked[kind][form] += e->k.count;
	}

	if (d->log_fd >= 0) {
		struct sbuf b;
		struct tm tm;
		char ts[32];

		gmtime_r(&e->time, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
		sbuf_init(&b);
		sbuf_printf(&b, "%s ", ts);
		event_record(&b, e);
		if (d->log_size + (off_t)b.len > (off_t)d->cfg.event_log_max)
			rotate(d);
		if (d->log_fd >= 0 && write(d->log_fd, b.s, b.len) > 0)
			d->log_size += (off_t)b.len;
		sbuf_free(&b);
	}
	control_broadcast_event(d, e);
}

void events_ident_records(const struct daemon *d, struct sbuf *b)
{
	unsigned int kind, form;

	for (kind = 0; kind < IDENT_KINDS; kind++)
		for (form = 0; form < IDF_FORMS; form++) {
			if (!d->ident_blocked[kind][form])
				continue;
			rec_begin(b, "ident");
			rec_str(b, "kind", ident_kind_name(kind));
			rec_str(b, "form", ident_form_name(form));
			rec_u64(b, "blocked", d->ident_blocked[kind][form]);
			rec_end(b);
		}
}

/* i = 0 is the oldest kept event. */
const struct event *events_get(const struct daemon *d, unsigned int i)
{
	if (i >= d->ring_len)
		return NULL;
	return &d->ring[(d->ring_head + i) % d->cfg.event_ring];
}

void events_gap(struct daemon *d)
{
	struct event e;

	memset(&e, 0, sizeof(e));
	e.time = time(NULL);
	e.gap = true;
	events_add(d, &e);
	d->events_total--;	/* a mark, not an attempt */
}
