// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * What consentd decides: which rules are loaded, which consent is in force,
 * and how both reach the kernel.
 *
 * A grant is bound to the digest of the purpose's rules when the user gave
 * it. If the rules of that purpose later change (an endpoint added,
 * removed, or moved), the grant no longer applies: the purpose is denied
 * until the user allows it again, because they agreed to what the old rules
 * covered, not to whatever a later file puts under the same name. Editing
 * only the description or comments keeps the digest and the grant.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "../lib/proto.h"
#include "daemon.h"

static void free_errors(struct load_error *e, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(e[i].msg);
		free_names(e[i].purposes, e[i].np);
	}
	free(e);
}

int daemon_init(struct daemon *d, char *err, size_t errlen)
{
	int ret;

	d->log_fd = -1;
	d->listen_fd = -1;
	d->spare_fd = -1;
	d->started_ms = mono_ms();
	d->retry_ms = 1000;
	rules_init(&d->rules);
	state_init(&d->st);
	if (mkdir(d->state_dir, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "state directory %s: %s", d->state_dir,
			 strerror(errno));
		return -errno;
	}
	snprintf(d->state_path, sizeof(d->state_path), "%s/%s", d->state_dir,
		 STATE_FILE);
	ret = state_load(&d->st, d->state_path, err, errlen);
	if (ret == -ENOENT) {
		logmsg(LOG_INFO, "no receipts in %s: every purpose denied",
		       d->state_path);
	} else if (ret == -EBADMSG) {
		logmsg(LOG_ERR, "receipts corrupt: %s: every purpose denied",
		       err);
	} else if (ret) {
		snprintf(d->state_locked, sizeof(d->state_locked),
			 "the receipts could not be read at start and are not overwritten (%s)",
			 err);
		logmsg(LOG_ERR, "receipts unreadable: %s: every purpose denied, and the file is left alone",
		       err);
	} else {
		logmsg(LOG_INFO, "%zu receipts restored from %s", d->st.n,
		       d->state_path);
	}
	err[0] = '\0';
	events_init(d);
	apps_init(d);
	ra_open(d);
	daemon_load_rules(d);
	return 0;
}

static void idents_free(struct ident_set *s)
{
	if (s)
		ident_set_wipe(s);
	free(s);
}

void daemon_fini(struct daemon *d)
{
	rules_free(&d->rules);
	idents_free(d->idents);
	d->idents = NULL;
	apps_fini(d);
	ra_close(d);
	free_errors(d->errors, d->nerrors);
	d->errors = NULL;
	d->nerrors = 0;
	state_free(&d->st);
	events_fini(d);
	kernel_close(d->k);
	d->k = NULL;
}

/*
 * The one way rules are loaded, at start and at reload alike.
 *
 * The files are those in force across the vendor directory and the rules
 * directory (rules_dirs_list(): an admin file replaces the vendor file of
 * its name). Each is parsed on its own. A file that parses is taken as it
 * is. A file that does not is replaced by its last good version: the
 * canonical text of what it last loaded as (rules_format()), kept in
 * STATE/last-good/NAME under a first line naming the file it came from,
 * and used only for that file, so the copy of an overridden vendor file
 * never stands in for the admin's; one error line names the file, line
 * and column.
 * A broken file with no last good version (new, or first boot) makes the
 * load incomplete, and an incomplete load is never committed: whatever is
 * in force stays (at first boot nothing: the kernel stays unconfigured and
 * blocks everything). Only a complete load becomes the new set of last
 * good versions, and only once it is in force.
 */
struct load {
	struct rules rules;
	struct load_error *errors;
	int nerrors;
	char missing[RULES_ERR_MAX + 128];	/* "" when complete */
	struct sbuf good;		/* NAME\0TEXT\0 of each clean file */
	struct ident_set *idents;	/* the identifiers, NULL: no guard */
};

static void good_path(const struct daemon *d, const char *file, char *buf,
		      size_t len)
{
	const char *base = strrchr(file, '/');

	snprintf(buf, len, "%s/last-good/%s", d->state_dir,
		 base ? base + 1 : file);
}

#define GOOD_FROM "# last good version of "

/* The last good version of file, if it was taken from that file. */
static int read_good(const struct daemon *d, const char *file, char *gpath,
		     size_t glen, char **buf, size_t *len)
{
	size_t fl = strlen(GOOD_FROM), nl = strlen(file);
	int ret;

	good_path(d, file, gpath, glen);
	ret = read_file(gpath, buf, len);
	if (ret)
		return ret;
	if (*len > fl + nl && !strncmp(*buf, GOOD_FROM, fl) &&
	    !strncmp(*buf + fl, file, nl) && (*buf)[fl + nl] == '\n')
		return 0;
	free(*buf);
	return -ENOENT;
}

/* One file, or its last good version; -errno if neither loads. */
static int load_file(const struct daemon *d, const char *file, struct load *l, struct rules *tmp)
{
	char err[RULES_ERR_MAX], gerr[RULES_ERR_MAX], gpath[4096];
	struct load_error *le;
	struct sbuf text;
	char *buf;
	size_t len;
	int ret;

	ret = rules_parse_file(tmp, file, err, sizeof(err));
	if (!ret) {
		const char *base = strrchr(file, '/');

		sbuf_init(&text);
		sbuf_printf(&text, GOOD_FROM "%s\n", file);
		rules_format(tmp, &text);
		sbuf_add(&l->good, base ? base + 1 : file,
			 strlen(base ? base + 1 : file) + 1);
		sbuf_add(&l->good, text.s ? text.s : "", text.len + 1);
		sbuf_free(&text);
		return 0;
	}
	rules_free(tmp);
	l->errors = xrealloc(l->errors, (size_t)(l->nerrors + 1) *
			     sizeof(*l->errors));
	le = &l->errors[l->nerrors++];
	memset(le, 0, sizeof(*le));
	if (!read_file(file, &buf, &len)) {
		int np = rules_scan_sections(buf, len, &le->purposes);

		le->np = np > 0 ? np : 0;
		free(buf);
	}
	ret = read_good(d, file, gpath, sizeof(gpath), &buf, &len);
	if (!ret) {
		ret = rules_parse(tmp, gpath, buf, len, gerr, sizeof(gerr));
		free(buf);
	}
	if (!ret) {
		le->replaced = true;
		le->msg = xstrdup(err);
		logmsg(LOG_ERR, "%s: the file's last good version is used instead",
		       err);
		return 0;
	}
	rules_free(tmp);
	le->msg = xstrdup(err);
	if (!l->missing[0])
		snprintf(l->missing, sizeof(l->missing),
			 "%s; the file has no last good version", err);
	logmsg(LOG_ERR, "%s: no last good version of the file: nothing will be committed",
	       err);
	return -EINVAL;
}

static void load_free(struct load *l)
{
	rules_free(&l->rules);
	idents_free(l->idents);
	free_errors(l->errors, l->nerrors);
	sbuf_free(&l->good);
}

/*
 * The identifiers file, read at every load. Without one (or with
 * `identifiers =` empty) there is no guard. One that is refused (its mode,
 * owner or a line) leaves the guard off at start; at a reload the
 * identifiers read before stay, as a broken rules file changes nothing.
 * Either way STATUS shows it as a skipped file. Only counts and errors are
 * logged: never a value.
 */
static void load_identifiers(const struct daemon *d, struct load *l)
{
	const char *path = d->cfg.identifiers;
	char err[RULES_ERR_MAX];
	struct load_error *le;
	int ret;

	if (!path || !path[0])
		return;
	l->idents = xcalloc(1, sizeof(*l->idents));
	ret = ident_load(l->idents, path, geteuid(), err, sizeof(err));
	if (!ret) {
		logmsg(LOG_INFO, "identifiers: %zu from %s", l->idents->n, path);
		return;
	}
	if (ret == -ENOENT) {
		idents_free(l->idents);
		l->idents = NULL;
		logmsg(d->idents ? LOG_WARNING : LOG_INFO,
		       "identifiers: no file %s: the identifiers guard is off",
		       path);
		return;
	}
	l->errors = xrealloc(l->errors, (size_t)(l->nerrors + 1) *
			     sizeof(*l->errors));
	le = &l->errors[l->nerrors++];
	memset(le, 0, sizeof(*le));
	le->msg = xstrdup(err);
	if (d->idents) {
		*l->idents = *d->idents;
		le->in_force = "the identifiers read before";
		logmsg(LOG_ERR, "%s: the %zu identifiers read before stay in force",
		       err, d->idents->n);
		return;
	}
	idents_free(l->idents);
	l->idents = NULL;
	le->in_force = "no identifiers guard";
	logmsg(LOG_ERR, "%s: the identifiers guard is off", err);
}

/* With identifiers, their purpose: denied, like every one, until allowed. */
static void add_identifiers_purpose(const struct daemon *d, struct load *l)
{
	char err[RULES_ERR_MAX];
	struct rule_purpose *p;
	struct rules tmp;

	if (!l->idents || !l->idents->n)
		return;
	rules_init(&tmp);
	p = xcalloc(1, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", IDENT_PURPOSE);
	snprintf(p->desc, sizeof(p->desc), "%s", IDENT_PURPOSE_DESC);
	snprintf(p->where, sizeof(p->where), "%s", d->cfg.identifiers);
	tmp.p[tmp.n++] = p;
	if (rules_merge(&l->rules, &tmp, err, sizeof(err)) && !l->missing[0]) {
		snprintf(l->missing, sizeof(l->missing), "%s", err);
		logmsg(LOG_ERR, "%s: nothing will be committed", err);
	}
	rules_free(&tmp);
}

static void load_rules(const struct daemon *d, struct load *l)
{
	char err[RULES_ERR_MAX];
	const char *bad = NULL;
	char **files;
	int n, i;

	memset(l, 0, sizeof(*l));
	rules_init(&l->rules);
	sbuf_init(&l->good);
	n = rules_dirs_list(d->vendor_rules_dir, d->rules_dir, &files, &bad);
	if (n < 0) {
		snprintf(l->missing, sizeof(l->missing), "rules directory %s: %s",
			 bad, strerror(-n));
		logmsg(LOG_ERR, "%s: nothing will be committed", l->missing);
		return;
	}
	for (i = 0; i < n; i++) {
		struct rules tmp;

		rules_init(&tmp);
		if (!load_file(d, files[i], l, &tmp) &&
		    rules_merge(&l->rules, &tmp, err, sizeof(err)) &&
		    !l->missing[0]) {
			snprintf(l->missing, sizeof(l->missing), "%s", err);
			logmsg(LOG_ERR, "%s: nothing will be committed", err);
		}
		rules_free(&tmp);
	}
	free_names(files, n);
	load_identifiers(d, l);
	add_identifiers_purpose(d, l);
	rules_finalize(&l->rules);
	if (l->idents && l->idents->n) {
		struct rule_purpose *p = rules_find(&l->rules, IDENT_PURPOSE);

		if (p)
			ident_purpose_digest(l->idents, p->name, p->digest);
	}
}

/* A name in neither directory any more takes its last good version. */
static void drop_stale_good(const struct daemon *d)
{
	char dir[4096], **names;
	int n, i;

	snprintf(dir, sizeof(dir), "%s/last-good", d->state_dir);
	n = rules_dir_list(dir, &names);
	for (i = 0; i < n; i++) {
		const char *base = strrchr(names[i], '/') + 1;
		char admin[4096], vendor[4096] = "";

		snprintf(admin, sizeof(admin), "%s/%s", d->rules_dir, base);
		if (d->vendor_rules_dir && d->vendor_rules_dir[0])
			snprintf(vendor, sizeof(vendor), "%s/%s",
				 d->vendor_rules_dir, base);
		if (access(admin, F_OK) && errno == ENOENT &&
		    (!vendor[0] || (access(vendor, F_OK) && errno == ENOENT)))
			unlink(names[i]);
	}
	if (n > 0)
		free_names(names, n);
}

/* A load in force: its clean files become their last good versions. */
static void save_good(const struct daemon *d, const struct load *l)
{
	const char *s = l->good.s, *end = l->good.s + l->good.len;
	char path[4096];
	int ret;

	snprintf(path, sizeof(path), "%s/last-good", d->state_dir);
	if (mkdir(path, 0700) < 0 && errno != EEXIST) {
		logmsg(LOG_WARNING, "%s: %s: last good rules not kept", path,
		       strerror(errno));
		return;
	}
	while (s && s < end) {
		const char *text = s + strlen(s) + 1;

		good_path(d, s, path, sizeof(path));
		ret = write_file_atomic(path, text, strlen(text), 0600, NULL);
		if (ret)
			logmsg(LOG_WARNING, "%s: %s: last good version not kept",
			       path, strerror(-ret));
		s = text + strlen(text) + 1;
	}
	drop_stale_good(d);
}

/* Takes l's rules and errors into d; l keeps only what d had. */
static void load_swap(struct daemon *d, struct load *l)
{
	struct rules r = d->rules;
	struct load_error *e = d->errors;
	struct ident_set *id = d->idents;
	int n = d->nerrors;

	d->idents = l->idents;
	l->idents = id;
	d->rules = l->rules;
	d->errors = l->errors;
	d->nerrors = l->nerrors;
	l->rules = r;
	l->errors = e;
	l->nerrors = n;
}

void daemon_load_rules(struct daemon *d)
{
	struct load l;

	load_rules(d, &l);
	load_swap(d, &l);
	snprintf(d->rules_missing, sizeof(d->rules_missing), "%s", l.missing);
	if (l.missing[0]) {
		/* Nothing of an incomplete set: it is never committed. */
		rules_free(&d->rules);
	} else {
		save_good(d, &l);
	}
	load_free(&l);
	apps_warn(d);
	logmsg(LOG_INFO, "rules: %zu purposes, %zu entries from %s over %s (%d files broken)",
	       d->rules.n, rules_nr_entries(&d->rules), d->rules_dir,
	       d->vendor_rules_dir && d->vendor_rules_dir[0] ?
	       d->vendor_rules_dir : "no vendor directory", d->nerrors);
}

bool daemon_tainted(const struct daemon *d, const char *purpose,
		    const char **why)
{
	int i, j;

	for (i = 0; i < d->nerrors; i++)
		for (j = 0; j < d->errors[i].np; j++)
			if (!strcmp(d->errors[i].purposes[j], purpose)) {
				if (why)
					*why = d->errors[i].msg;
				return true;
			}
	return false;
}

bool daemon_effective(const struct daemon *d, const struct rule_purpose *p,
		      const char **why)
{
	const struct receipt *r = state_find(&d->st, p->name);

	if (why)
		*why = "";
	if (!r || !r->granted) {
		if (why)
			*why = r ? "withdrawn" : "never allowed";
		return false;
	}
	if (strcmp(r->digest, p->digest)) {
		if (why)
			*why = strcmp(p->name, IDENT_PURPOSE) ?
			       "rules changed since it was allowed" :
			       "the kinds of identifiers changed since it was allowed";
		return false;
	}
	if (why)
		*why = "allowed";
	return true;
}

static int apply_consent(struct daemon *d, const struct rules *r,
			 char *err, size_t errlen)
{
	size_t i;
	int ret;

	for (i = 0; i < r->n; i++) {
		ret = kernel_set_consent(d->k, r->p[i]->name,
					 daemon_effective(d, r->p[i], NULL),
					 err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}

int daemon_sync(struct daemon *d)
{
	char err[1024];
	int ret;

	d->synced = false;
	err[0] = '\0';
	if (!d->k)
		return -ENOENT;
	if (d->rules_missing[0]) {
		snprintf(err, sizeof(err),
			 "rules incomplete, nothing committed: %s",
			 d->rules_missing);
		ret = -EINVAL;
		goto out;
	}
	if (!kernel_connected(d->k)) {
		ret = kernel_connect(d->k, err, sizeof(err));
		if (ret)
			goto out;
	}
	ret = kernel_claim(d->k, err, sizeof(err));
	if (ret == -EBUSY) {
		struct kstatus ks;
		char e2[128];
		size_t l = strlen(err);

		/* Name the culprit: another consentd, or a test tool. */
		if (!kernel_status(d->k, &ks, e2, sizeof(e2)))
			snprintf(err + l, sizeof(err) - l,
				 "; owner is netlink port %u, consentd is %u",
				 ks.owner, kernel_portid(d->k));
	}
	if (!ret)
		ret = kernel_commit(d->k, &d->rules, &d->pkgs, d->idents,
				    &d->generation, err, sizeof(err));
	if (!ret)
		ret = apply_consent(d, &d->rules, err, sizeof(err));
	/* Logged inside; the ruleset and consent are in force either way. */
	if (!ret)
		daemon_push_nat64(d);
out:
	if (ret) {
		/* Log a given failure once, not every second. */
		if (strcmp(err, d->kernel_err))
			logmsg(LOG_WARNING, "%s", err);
		snprintf(d->kernel_err, sizeof(d->kernel_err), "%s", err);
		return ret;
	}
	d->kernel_err[0] = '\0';
	d->synced = true;
	logmsg(LOG_INFO,
	       "kernel: ruleset generation %u committed, consent restored",
	       d->generation);
	return 0;
}

int daemon_push_nat64(struct daemon *d)
{
	struct cw_nat64_prefix p[CW_NAT64_MAX];
	char err[512];
	size_t n = 0, i;
	int ret;

	if (!d->k || !kernel_connected(d->k))
		return 0;
	for (i = 0; i < d->cfg.nr_nat64; i++)
		p[n++] = d->cfg.nat64[i];
	for (i = 0; i < d->learned.n && n < CW_NAT64_MAX; i++)
		cw_nat64_prefix_init(&p[n++], d->learned.v[i].p.prefix,
				     d->learned.v[i].p.len);
	ret = kernel_set_nat64(d->k, p, n, err, sizeof(err));
	if (ret)
		logmsg(LOG_ERR, "kernel: NAT64 prefixes not set: %s", err);
	return ret;
}

void daemon_recommit(struct daemon *d)
{
	char err[1024];

	if (!d->k || !d->synced || d->rules_missing[0])
		return;
	if (kernel_commit(d->k, &d->rules, &d->pkgs, d->idents,
			  &d->generation, err, sizeof(err)) ||
	    apply_consent(d, &d->rules, err, sizeof(err))) {
		logmsg(LOG_ERR, "commit after a package change: %s; resynchronizing",
		       err);
		daemon_sync(d);
		return;
	}
	logmsg(LOG_INFO, "kernel: ruleset generation %u committed for the new package list",
	       d->generation);
}

void daemon_check_kernel(struct daemon *d)
{
	struct kstatus *st;
	char err[512];

	if (!d->k)
		return;
	if (!d->synced) {
		/* One lookup per try, the tries further apart each time. */
		if (daemon_sync(d)) {
			d->next_check = mono_ms() + d->retry_ms;
			if (d->retry_ms < 16000)
				d->retry_ms *= 2;
			return;
		}
		d->retry_ms = 1000;
		d->next_check = mono_ms() + 2000;
		return;
	}
	d->next_check = mono_ms() + 2000;
	st = xmalloc(sizeof(*st));
	err[0] = '\0';
	if (kernel_status(d->k, st, err, sizeof(err)) ||
	    st->owner != kernel_portid(d->k)) {
		/* Module reloaded or our claim lost: start over. */
		logmsg(LOG_WARNING, "kernel: lost ownership (%s), resynchronizing",
		       err[0] ? err : "owner changed");
		kernel_disconnect(d->k);
		d->synced = false;
		d->retry_ms = 1000;
		daemon_check_kernel(d);
	}
	free(st);
}

void daemon_overrun(struct daemon *d)
{
	d->gaps++;
	events_gap(d);
	logmsg(LOG_WARNING, "kernel: messages lost (netlink receive buffer full, %llu times): checking the kernel",
	       (unsigned long long)kernel_overruns(d->k));
	/* A lost family notification, or a lost claim, shows here. */
	daemon_check_kernel(d);
}

int daemon_reload(struct daemon *d, char *err, size_t errlen)
{
	struct load l;
	int ret = 0;
	size_t i;

	/* A reload reads packages.list again too, whatever inotify saw. */
	apps_load(d);
	load_rules(d, &l);
	if (l.missing[0]) {
		/* Refused, but what is broken is what status shows now. */
		snprintf(err, errlen, "%s", l.missing);
		free_errors(d->errors, d->nerrors);
		d->errors = l.errors;
		d->nerrors = l.nerrors;
		l.errors = NULL;
		l.nerrors = 0;
		load_free(&l);
		logmsg(LOG_ERR, "reload refused, running ruleset kept: %s", err);
		return PE_RULES;
	}
	if (!d->k || !d->synced) {
		load_swap(d, &l);
		d->rules_missing[0] = '\0';
		save_good(d, &l);
		load_free(&l);
		if (d->k)
			daemon_sync(d);
		goto done;
	}
	/*
	 * Withdraw, before the swap, every grant the new rules void, so no
	 * packet to a new endpoint rides on an old grant.
	 */
	for (i = 0; i < d->rules.n; i++) {
		struct rule_purpose *np = rules_find(&l.rules, d->rules.p[i]->name);
		char e2[256];

		if (np && !daemon_effective(d, np, NULL))
			kernel_set_consent(d->k, np->name, false, e2, sizeof(e2));
	}
	ret = kernel_commit(d->k, &l.rules, &d->pkgs, l.idents,
			    &d->generation, err, errlen);
	if (ret) {
		/* The kernel kept the old ruleset: so do we. */
		load_free(&l);
		apply_consent(d, &d->rules, err + strlen(err), 0);
		logmsg(LOG_ERR, "reload failed in the kernel, running ruleset kept: %s",
		       err);
		return PE_KERNEL;
	}
	load_swap(d, &l);
	save_good(d, &l);
	load_free(&l);
	ret = apply_consent(d, &d->rules, err, errlen);
	if (ret) {
		/* In force, but consent is not: start over from the receipts. */
		logmsg(LOG_ERR, "reload: consent not restored (%s), resynchronizing",
		       err);
		daemon_sync(d);
	}
done:
	apps_warn(d);
	logmsg(LOG_INFO, "reloaded: %zu purposes, %zu entries, generation %u",
	       d->rules.n, rules_nr_entries(&d->rules), d->generation);
	return 0;
}

/*
 * The order of a decision, and the state after each possible failure.
 *
 * DENY: (1) the receipts in memory say denied, and this is never undone;
 * (2) the kernel withdraws consent; if it cannot, consentd gives up the
 * kernel socket, which makes the kernel deny every purpose of the
 * namespace, and claims it again with consent from memory (denied);
 * (3) the receipts are written. If (3) fails, the purpose is denied in the
 * kernel and in PURPOSES, the client gets an error saying the receipt is
 * not on disk, and consentd writes the receipts again every few seconds
 * until it can (a restart before that would load the older decision).
 *
 * ALLOW: (1) the receipts, with the grant, are written to disk and made
 * durable (fsync of the file, rename, fsync of the directory); until this
 * has all succeeded nothing else changes, and the client is told nothing
 * was allowed. If only the directory fsync failed, the file may already
 * say allowed: consentd writes the receipts of memory (without the grant)
 * over it, now and every few seconds until that works. (2) The receipts in
 * memory take the grant; (3) the kernel grants. If (3) fails the grant is
 * recorded but not in force: consentd resynchronizes with the kernel and
 * the client gets the kernel's error.
 *
 * Receipts that exist but could not be read at start are never
 * overwritten: DENY then works in memory and in the kernel only, and ALLOW
 * is refused.
 */
static bool kernel_deny_all(struct daemon *d, char **names, int n, char *err,
			    size_t errlen)
{
	int i;

	for (i = 0; i < n; i++)
		if (kernel_set_consent(d->k, names[i], false, err, errlen))
			break;
	if (i == n)
		return true;
	logmsg(LOG_ERR, "kernel refused a withdrawal (%s): releasing it so it denies everything",
	       err);
	kernel_reopen(d->k);
	daemon_sync(d);
	return false;
}

static void put_receipts(struct state *st, const struct rules *r,
			 char **names, int n, bool granted, uid_t uid)
{
	int i;

	for (i = 0; i < n; i++) {
		struct rule_purpose *p = rules_find(r, names[i]);
		struct receipt rc;

		memset(&rc, 0, sizeof(rc));
		snprintf(rc.purpose, sizeof(rc.purpose), "%s", p->name);
		rc.granted = granted;
		rc.time = time(NULL);
		rc.uid = uid;
		memcpy(rc.digest, p->digest, sizeof(rc.digest));
		state_put(st, &rc);
	}
}

/* Writes the receipts of memory; false (and state_dirty) if it cannot. */
bool daemon_save_state(struct daemon *d, char *err, size_t errlen)
{
	int ret;

	if (d->state_locked[0]) {
		snprintf(err, errlen, "%s", d->state_locked);
		return false;
	}
	ret = state_save(&d->st, d->state_path, NULL);
	d->state_dirty = ret != 0;
	if (ret)
		snprintf(err, errlen, "%s: %s", d->state_path, strerror(-ret));
	return !ret;
}

int daemon_set(struct daemon *d, char **names, int n, bool granted,
	       uid_t uid, char *err, size_t errlen)
{
	const char *why;
	char e2[512];
	int i, ret;

	for (i = 0; i < n; i++) {
		if (!rules_find(&d->rules, names[i])) {
			struct sbuf b;
			size_t j;

			sbuf_init(&b);
			sbuf_printf(&b, "unknown purpose '%s'; known purposes: ",
				    names[i]);
			for (j = 0; j < d->rules.n; j++)
				sbuf_printf(&b, "%s%s", j ? ", " : "",
					    d->rules.p[j]->name);
			if (!d->rules.n)
				sbuf_adds(&b, "none (no rules loaded)");
			snprintf(err, errlen, "%s", b.s);
			sbuf_free(&b);
			return PE_PURPOSE;
		}
		if (granted && daemon_tainted(d, names[i], &why)) {
			snprintf(err, errlen,
				 "cannot allow %s: a file defining it failed to load (%s); fix it and reload",
				 names[i], why);
			return PE_RULES;
		}
	}
	if (!granted) {
		put_receipts(&d->st, &d->rules, names, n, false, uid);
		if (d->k && d->synced &&
		    !kernel_deny_all(d, names, n, e2, sizeof(e2))) {
			snprintf(err, errlen,
				 "denied, but the kernel refused it (%s): consentd released the kernel, which now denies everything, and is taking it back",
				 e2);
			daemon_save_state(d, e2, sizeof(e2));
			return PE_KERNEL;
		}
		for (i = 0; i < n; i++)
			logmsg(LOG_NOTICE, "denied %s (uid %u)", names[i],
			       (unsigned int)uid);
		if (d->state_locked[0]) {
			snprintf(err, errlen,
				 "denied now, in the kernel and here, but not recorded: %s",
				 d->state_locked);
			return PE_STATE;
		}
		if (!daemon_save_state(d, e2, sizeof(e2))) {
			snprintf(err, errlen,
				 "denied now, in the kernel and here, but the receipt could not be written (%s): until it is (consentd keeps trying), a restart would bring back the previous decision",
				 e2);
			logmsg(LOG_ERR, "receipts not written: %s", e2);
			return PE_STATE;
		}
		return 0;
	}

	if (!d->k || !d->synced) {
		snprintf(err, errlen,
			 "the consentwall kernel module is not under consentd's control (%s); nothing can be allowed now",
			 d->kernel_err[0] ? d->kernel_err : "not connected");
		return PE_KERNEL;
	}
	if (d->state_locked[0]) {
		snprintf(err, errlen, "nothing was allowed: %s", d->state_locked);
		return PE_STATE;
	}
	{
		struct state next;
		bool renamed;

		state_init(&next);
		next.r = xmalloc((d->st.n + (size_t)n) * sizeof(*next.r));
		if (d->st.n)
			memcpy(next.r, d->st.r, d->st.n * sizeof(*next.r));
		next.n = d->st.n;
		put_receipts(&next, &d->rules, names, n, true, uid);
		ret = state_save(&next, d->state_path, &renamed);
		if (ret) {
			state_free(&next);
			snprintf(err, errlen,
				 "nothing was allowed: the receipt could not be made durable: %s: %s",
				 d->state_path, strerror(-ret));
			if (renamed && !daemon_save_state(d, e2, sizeof(e2))) {
				/* The file may say allowed: put memory back. */
				logmsg(LOG_ERR, "receipts may hold a grant that is not in force; rewriting them failed: %s",
				       e2);
			}
			logmsg(LOG_ERR, "%s", err);
			return PE_STATE;
		}
		state_free(&d->st);
		d->st = next;
		d->state_dirty = false;
	}
	for (i = 0; i < n; i++) {
		ret = kernel_set_consent(d->k, names[i], true, err, errlen);
		if (ret) {
			size_t l = strlen(err);

			snprintf(err + l, errlen - l,
				 "; the grant of %s is recorded but not in force, consentd resynchronizes",
				 names[i]);
			kernel_reopen(d->k);
			daemon_sync(d);
			return PE_KERNEL;
		}
		logmsg(LOG_NOTICE, "allowed %s (uid %u)", names[i],
		       (unsigned int)uid);
	}
	return 0;
}

void daemon_on_event(void *arg, const struct kev *ev)
{
	struct daemon *d = arg;
	struct event e;

	memset(&e, 0, sizeof(e));
	e.time = time(NULL);
	e.k = *ev;
	e.app[0] = '\0';
	if (ev->has_uid) {
		const struct pkg *p = apps_of_uid(d, ev->uid);

		if (p)
			snprintf(e.app, sizeof(e.app), "%s", p->name);
	}
	events_add(d, &e);
}
