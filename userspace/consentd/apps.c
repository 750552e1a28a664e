// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Apps by package name, followed live. Rules name packages; what the kernel
 * gets are their UIDs, resolved from packages.list at every commit. Android
 * rewrites that file whole and renames it into place whenever a package is
 * installed, updated or removed, so consentd watches the directory (a watch
 * on the file itself would follow the old inode away) and, when what the
 * rules' packages resolve to has changed, commits the same rules again at
 * once. Consent stays: it is bound to the rules' digest, which covers
 * package names, never the UIDs they stand for.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <syslog.h>
#include <unistd.h>

#include "daemon.h"

void apps_init(struct daemon *d)
{
	char dir[4096];

	d->pkg_fd = -1;
	apps_load(d);
	if (path_dirname(d->cfg.packages_list, dir, sizeof(dir)))
		return;
	d->pkg_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (d->pkg_fd < 0 ||
	    inotify_add_watch(d->pkg_fd, dir, IN_CLOSE_WRITE | IN_MOVED_TO |
			      IN_MOVED_FROM | IN_DELETE | IN_CREATE) < 0) {
		logmsg(LOG_WARNING, "%s: cannot watch (%s): packages installed later are not followed",
		       dir, strerror(errno));
		if (d->pkg_fd >= 0)
			close(d->pkg_fd);
		d->pkg_fd = -1;
	}
}

void apps_fini(struct daemon *d)
{
	pkglist_free(&d->pkgs);
	free(d->pkg_missing);
	d->pkg_missing = NULL;
	if (d->pkg_fd >= 0)
		close(d->pkg_fd);
	d->pkg_fd = -1;
}

void apps_load(struct daemon *d)
{
	int ret = pkglist_load(&d->pkgs, d->cfg.packages_list);

	d->pkg_err = ret;
	if (ret && ret != -ENOENT)
		logmsg(LOG_WARNING, "%s: %s: no package is resolved",
		       d->cfg.packages_list, strerror(-ret));
	else if (d->pkgs.bad)
		logmsg(LOG_WARNING, "%s: %zu lines are not a package (the first is line %u): skipped",
		       d->cfg.packages_list, d->pkgs.bad, d->pkgs.first_bad);
}

/*
 * One warning line per package the rules name that is not installed, when
 * that set changes (not at every commit).
 */
void apps_warn(struct daemon *d)
{
	struct sbuf b;
	size_t i, j;

	sbuf_init(&b);
	for (i = 0; i < d->rules.n; i++) {
		const struct rule_purpose *p = d->rules.p[i];

		for (j = 0; j < p->n; j++)
			if (p->e[j].type == RULE_APP &&
			    !pkglist_find(&d->pkgs, p->e[j].domain))
				sbuf_printf(&b, "[%s] app = %s\n", p->name,
					    p->e[j].domain);
	}
	if (!d->pkg_missing || strcmp(d->pkg_missing, b.s ? b.s : "")) {
		const char *s = b.s ? b.s : "", *nl;

		for (; (nl = strchr(s, '\n')); s = nl + 1)
			logmsg(LOG_WARNING, "%.*s: %s %s%s%s: matches nothing until it is installed",
			       (int)(nl - s), s, d->pkg_err ? "cannot be resolved:" : "not in",
			       d->cfg.packages_list, d->pkg_err ? ": " : "",
			       d->pkg_err ? strerror(-d->pkg_err) : "");
		free(d->pkg_missing);
		d->pkg_missing = xstrdup(b.s ? b.s : "");
	}
	sbuf_free(&b);
}

/* Whether the rules' packages resolve the same in @a and @b. */
static bool same_resolution(const struct rules *r, const struct pkglist *a,
			    const struct pkglist *b)
{
	size_t i, j;

	for (i = 0; i < r->n; i++)
		for (j = 0; j < r->p[i]->n; j++) {
			const struct rule_entry *e = &r->p[i]->e[j];
			const struct pkg *x, *y;

			if (e->type != RULE_APP)
				continue;
			x = pkglist_find(a, e->domain);
			y = pkglist_find(b, e->domain);
			if (!x != !y || (x && x->appid != y->appid))
				return false;
		}
	return true;
}

void apps_changed(struct daemon *d)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	const char *base = strrchr(d->cfg.packages_list, '/');
	struct pkglist old;
	bool ours = false;
	ssize_t n;

	base = base ? base + 1 : d->cfg.packages_list;
	while ((n = read(d->pkg_fd, buf, sizeof(buf))) > 0) {
		const char *s = buf;

		while (s < buf + n) {
			const struct inotify_event *ev = (const void *)s;

			if (ev->len && !strcmp(ev->name, base))
				ours = true;
			s += sizeof(*ev) + ev->len;
		}
	}
	if (!ours)
		return;
	old = d->pkgs;
	memset(&d->pkgs, 0, sizeof(d->pkgs));
	apps_load(d);
	if (same_resolution(&d->rules, &old, &d->pkgs)) {
		pkglist_free(&old);
		return;
	}
	pkglist_free(&old);
	logmsg(LOG_INFO, "%s changed: the rules' apps resolve differently, committing again",
	       d->cfg.packages_list);
	apps_warn(d);
	daemon_recommit(d);
}

const struct pkg *apps_of_uid(const struct daemon *d, uint32_t uid)
{
	return pkglist_by_uid(&d->pkgs, uid);
}
