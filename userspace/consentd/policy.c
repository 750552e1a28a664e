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
	struct rules_ctx unused;
	int ret;

	(void)unused;
	d->log_fd = -1;
	d->listen_fd = -1;
	d->started = time(NULL);
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
		logmsg(LOG_ERR, "receipts unreadable: %s: every purpose denied",
		       err);
	} else {
		logmsg(LOG_INFO, "%zu receipts restored from %s", d->st.n,
		       d->state_path);
	}
	err[0] = '\0';
	events_init(d);
	daemon_load_rules(d);
	return 0;
}

void daemon_fini(struct daemon *d)
{
	rules_free(&d->rules);
	free_errors(d->errors, d->nerrors);
	d->errors = NULL;
	d->nerrors = 0;
	state_free(&d->st);
	events_fini(d);
	kernel_close(d->k);
	d->k = NULL;
}

void daemon_load_rules(struct daemon *d)
{
	struct rules_ctx ctx = { .packages_list = d->cfg.packages_list };
	char err[RULES_ERR_MAX];
	char **files;
	int n, i;

	rules_free(&d->rules);
	free_errors(d->errors, d->nerrors);
	d->errors = NULL;
	d->nerrors = 0;
	n = rules_dir_list(d->rules_dir, &files);
	if (n < 0) {
		logmsg(LOG_ERR, "rules directory %s: %s: no purposes loaded",
		       d->rules_dir, strerror(-n));
		return;
	}
	for (i = 0; i < n; i++) {
		struct rules tmp;
		int ret;

		rules_init(&tmp);
		ret = rules_parse_file(&tmp, &ctx, files[i], err, sizeof(err));
		if (!ret)
			ret = rules_merge(&d->rules, &tmp, err, sizeof(err));
		if (ret) {
			struct load_error *le;
			char *buf;
			size_t len;

			logmsg(LOG_ERR, "%s: file skipped, what it defines stays blocked",
			       err);
			d->errors = xrealloc(d->errors, (size_t)(d->nerrors + 1) *
					     sizeof(*d->errors));
			le = &d->errors[d->nerrors++];
			le->msg = xstrdup(err);
			le->purposes = NULL;
			le->np = 0;
			if (!read_file(files[i], &buf, &len)) {
				int np = rules_scan_sections(buf, len,
							     &le->purposes);

				le->np = np > 0 ? np : 0;
				free(buf);
			}
		}
		rules_free(&tmp);
	}
	free_names(files, n);
	rules_finalize(&d->rules);
	rules_ctx_free(&ctx);
	logmsg(LOG_INFO, "rules: %zu purposes, %zu entries from %s (%d files skipped)",
	       d->rules.n, rules_nr_entries(&d->rules), d->rules_dir,
	       d->nerrors);
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
	if (daemon_tainted(d, p->name, NULL)) {
		if (why)
			*why = "a file defining it failed to load";
		return false;
	}
	if (strcmp(r->digest, p->digest)) {
		if (why)
			*why = "rules changed since it was allowed";
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
	char err[512];
	int ret;

	d->synced = false;
	err[0] = '\0';
	if (!d->k)
		return -ENOENT;
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
		ret = kernel_commit(d->k, &d->rules, &d->generation, err,
				    sizeof(err));
	if (!ret)
		ret = apply_consent(d, &d->rules, err, sizeof(err));
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
	d->last_check = time(NULL);
	logmsg(LOG_INFO,
	       "kernel: ruleset generation %u committed, consent restored",
	       d->generation);
	return 0;
}

void daemon_check_kernel(struct daemon *d)
{
	struct kstatus st;
	char err[512];

	if (!d->k)
		return;
	if (!d->synced) {
		daemon_sync(d);
		return;
	}
	if (kernel_status(d->k, &st, err, sizeof(err)) ||
	    st.owner != kernel_portid(d->k)) {
		/* Module reloaded or our claim lost: start over. */
		logmsg(LOG_WARNING, "kernel: lost ownership (%s), resynchronizing",
		       err[0] ? err : "owner changed");
		kernel_disconnect(d->k);
		daemon_sync(d);
	}
}

int daemon_reload(struct daemon *d, char *err, size_t errlen)
{
	struct rules_ctx ctx = { .packages_list = d->cfg.packages_list };
	struct rules nr, old;
	struct load_error *olderr;
	char **files;
	int n, i, ret = 0, oldn;

	rules_init(&nr);
	n = rules_dir_list(d->rules_dir, &files);
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", d->rules_dir, strerror(-n));
		return PE_RULES;
	}
	for (i = 0; i < n && !ret; i++) {
		struct rules tmp;

		rules_init(&tmp);
		ret = rules_parse_file(&tmp, &ctx, files[i], err, errlen);
		if (!ret)
			ret = rules_merge(&nr, &tmp, err, errlen);
		rules_free(&tmp);
	}
	free_names(files, n);
	rules_ctx_free(&ctx);
	if (ret) {
		rules_free(&nr);
		logmsg(LOG_ERR, "reload refused, running ruleset kept: %s", err);
		return PE_RULES;
	}
	rules_finalize(&nr);

	/* The new ruleset is clean: nothing is tainted any more. */
	old = d->rules;
	olderr = d->errors;
	oldn = d->nerrors;
	d->rules = nr;
	d->errors = NULL;
	d->nerrors = 0;

	if (d->k && d->synced) {
		/*
		 * Withdraw, before the swap, every grant the new rules void,
		 * so no packet to a new endpoint rides on an old grant.
		 */
		for (i = 0; i < (int)old.n; i++) {
			struct rule_purpose *np = rules_find(&nr, old.p[i]->name);
			char e2[256];

			if (np && !daemon_effective(d, np, NULL))
				kernel_set_consent(d->k, np->name, false, e2,
						   sizeof(e2));
		}
		ret = kernel_commit(d->k, &nr, &d->generation, err, errlen);
		if (!ret)
			ret = apply_consent(d, &nr, err, errlen);
		if (ret) {
			/* The kernel kept the old ruleset: so do we. */
			d->rules = old;
			d->errors = olderr;
			d->nerrors = oldn;
			rules_free(&nr);
			apply_consent(d, &d->rules, err + strlen(err), 0);
			logmsg(LOG_ERR, "reload failed in the kernel, running ruleset kept: %s",
			       err);
			return PE_KERNEL;
		}
	}
	rules_free(&old);
	free_errors(olderr, oldn);
	logmsg(LOG_INFO, "reloaded: %zu purposes, %zu entries, generation %u",
	       d->rules.n, rules_nr_entries(&d->rules), d->generation);
	return 0;
}

int daemon_set(struct daemon *d, char **names, int n, bool granted,
	       uid_t uid, char *err, size_t errlen)
{
	struct state saved;
	const char *why;
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
	if (granted && (!d->k || !d->synced)) {
		snprintf(err, errlen,
			 "the consentwall kernel module is not under consentd's control (%s); nothing can be allowed now",
			 d->kernel_err[0] ? d->kernel_err : "not connected");
		return PE_KERNEL;
	}
	/* Keep a copy so a failed save leaves memory as it was on disk. */
	saved.n = d->st.n;
	saved.r = xmalloc((d->st.n ? d->st.n : 1) * sizeof(*saved.r));
	if (d->st.n)
		memcpy(saved.r, d->st.r, d->st.n * sizeof(*saved.r));
	for (i = 0; i < n; i++) {
		struct rule_purpose *p = rules_find(&d->rules, names[i]);
		struct receipt r;

		memset(&r, 0, sizeof(r));
		snprintf(r.purpose, sizeof(r.purpose), "%s", p->name);
		r.granted = granted;
		r.time = time(NULL);
		r.uid = uid;
		memcpy(r.digest, p->digest, sizeof(r.digest));
		if (d->k && d->synced) {
			ret = kernel_set_consent(d->k, p->name, granted, err,
						 errlen);
			if (ret) {
				state_free(&d->st);
				d->st = saved;
				if (granted)
					apply_consent(d, &d->rules, err +
						      strlen(err), 0);
				return PE_KERNEL;
			}
		}
		state_put(&d->st, &r);
	}
	ret = state_save(&d->st, d->state_path);
	if (ret) {
		snprintf(err, errlen,
			 "could not write the receipts %s: %s; %s",
			 d->state_path, strerror(-ret),
			 granted ? "nothing was allowed" :
				   "denied now, but the old decision would come back after a restart");
		state_free(&d->st);
		d->st = saved;
		/* Back to what the saved receipts say (deny stays denied). */
		if (d->k && d->synced && granted)
			apply_consent(d, &d->rules, err + strlen(err), 0);
		return PE_STATE;
	}
	state_free(&saved);
	for (i = 0; i < n; i++)
		logmsg(LOG_NOTICE, "%s %s (uid %u)",
		       granted ? "allowed" : "denied", names[i],
		       (unsigned int)uid);
	return 0;
}

void daemon_on_event(void *arg, const struct kev *ev)
{
	struct daemon *d = arg;
	struct event e;

	e.time = time(NULL);
	e.k = *ev;
	events_add(d, &e);
}
