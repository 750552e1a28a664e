// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * consentd's own request handler, driven through real unix sockets
 * (socketpair), with real rules files and receipts on disk. There is no
 * kernel here and none is faked: the daemon runs disconnected, the state it
 * is in whenever consentwall.ko is not loaded, which is itself a behaviour
 * to check (nothing can be allowed; denials are recorded).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../consentd/daemon.h"
#include "../lib/proto.h"
#include "../../tests/tap.h"

static char tmp[] = "/tmp/cw-ctl-XXXXXX";
static char rules_dir[300], state_dir[300], log_path[300], vendor_dir[300];
static char ident_path[300];

static void put(const char *dir, const char *name, const char *text)
{
	char path[400];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

struct peer {
	struct client *c;
	int fd;
};

static struct peer connect_as(struct daemon *d, uid_t uid, gid_t gid,
			      const gid_t *groups, int ng)
{
	struct peer p;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		abort();
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	p.c = control_add(d, sv[0], uid, gid, 4242, groups, ng);
	p.fd = sv[1];
	return p;
}

static char *drain(int fd)
{
	static char buf[65536];
	size_t len = 0;
	ssize_t n;

	while ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	return buf;
}

static char *ask(struct daemon *d, struct peer *p, const char *req)
{
	if (write(p->fd, req, strlen(req)) != (ssize_t)strlen(req))
		abort();
	d->unpriv_spent = 0;	/* each request a turn of its own */
	control_read(d, p->c);
	return drain(p->fd);
}

static const char *last_line(const char *s)
{
	static char line[2048];
	size_t n = strlen(s);
	const char *e = s + n, *b;

	if (n && e[-1] == '\n')
		e--;
	for (b = e; b > s && b[-1] != '\n'; b--)
		;
	snprintf(line, sizeof(line), "%.*s", (int)(e - b), b);
	return line;
}

static void setup(struct daemon *d)
{
	char err[512];

	memset(d, 0, sizeof(*d));
	d->rules_dir = rules_dir;
	d->vendor_rules_dir = vendor_dir;
	d->state_dir = state_dir;
	d->sock_path = "/nonexistent";
	d->foreground = true;
	config_defaults(&d->cfg);
	free(d->cfg.packages_list);
	d->cfg.packages_list = xstrdup("data/packages.list");
	free(d->cfg.event_log);
	d->cfg.event_log = xstrdup(log_path);
	free(d->cfg.identifiers);
	d->cfg.identifiers = xstrdup(ident_path);
	d->cfg.event_ring = 4;
	d->cfg.event_log_max = 4096;
	d->cfg.event_log_keep = 2;
	d->cfg.control_gid = 4321;
	d->cfg.has_gid = true;
	if (daemon_init(d, err, sizeof(err)))
		abort();
}

static void teardown(struct daemon *d)
{
	while (d->clients)
		control_drop(d, d->clients);
	daemon_fini(d);
	config_free(&d->cfg);
}

static bool gone(const char *dir, const char *name)
{
	char path[400];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) && errno == ENOENT;
}

static char *reload(struct daemon *d)
{
	struct peer root = connect_as(d, 0, 0, NULL, 0);
	char *r = (char *)last_line(ask(d, &root, "RELOAD\n"));

	control_drop(d, root.c);
	close(root.fd);
	return r;
}

static const char *domain0(const struct daemon *d, const char *purpose)
{
	struct rule_purpose *p = rules_find(&d->rules, purpose);

	return p && p->n && p->e[0].type == RULE_DOMAIN ? p->e[0].domain : "-";
}

/* Vendor files under /usr/lib, the admin's same-named files over them. */
static void test_vendor(void)
{
	char path[1200], good[400], want[1200];
	struct daemon d;
	struct peer root;
	const char *r;

	snprintf(vendor_dir, sizeof(vendor_dir), "%s/vendor", tmp);
	snprintf(rules_dir, sizeof(rules_dir), "%s/etc", tmp);
	snprintf(state_dir, sizeof(state_dir), "%s/state-vendor", tmp);
	snprintf(good, sizeof(good), "%s/last-good", state_dir);
	mkdir(vendor_dir, 0755);
	mkdir(rules_dir, 0755);
	put(vendor_dir, "10-push.rules", "[cloud-messaging]\ndomain = vendor.example\n");
	put(vendor_dir, "20-analytics.rules", "[analytics]\ndomain = stats.example\n");
	put(vendor_dir, "30-ads.rules", "[ads]\ninclude = ads.hosts\n");
	put(vendor_dir, "ads.hosts", "0.0.0.0 vendor-ads.example\n");
	put(rules_dir, "ads.hosts", "0.0.0.0 admin-ads.example\n");
	put(rules_dir, "15-mid.rules", "[mid]\ndomain = mid.example\n");

	setup(&d);
	tap_ok(d.rules.n == 4 && !d.rules_missing[0] &&
	       !strcmp(d.rules.p[0]->name, "cloud-messaging") &&
	       !strcmp(d.rules.p[1]->name, "mid") &&
	       !strcmp(d.rules.p[2]->name, "analytics") &&
	       !strcmp(d.rules.p[3]->name, "ads"),
	       "vendor and admin files load in base-name order across both");
	tap_ok(!strcmp(domain0(&d, "ads"), "vendor-ads.example"),
	       "a vendor file's include is read from the vendor directory: %s",
	       domain0(&d, "ads"));
	root = connect_as(&d, 0, 0, NULL, 0);
	r = ask(&d, &root, "STATUS\n");
	snprintf(want, sizeof(want), " rules_dir=%s vendor_rules_dir=%s ",
		 rules_dir, vendor_dir);
	tap_ok(strstr(r, want) != NULL, "STATUS names both directories");
	control_drop(&d, root.c);
	close(root.fd);

	/* Override, empty file, /dev/null. */
	put(rules_dir, "10-push.rules", "[cloud-messaging]\ndomain = admin.example\n");
	put(rules_dir, "30-ads.rules", "");
	snprintf(path, sizeof(path), "%s/20-analytics.rules", rules_dir);
	if (symlink("/dev/null", path))
		abort();
	r = reload(&d);
	tap_ok(!strcmp(r, "OK") && d.rules.n == 2 &&
	       !strcmp(domain0(&d, "cloud-messaging"), "admin.example") &&
	       rules_find(&d.rules, "cloud-messaging")->n == 1,
	       "an admin file replaces the vendor file of its name: %s %s", r,
	       domain0(&d, "cloud-messaging"));
	tap_ok(!rules_find(&d.rules, "analytics") && !rules_find(&d.rules, "ads"),
	       "a symlink to /dev/null, or an empty file, masks a vendor file");
	tap_ok(!gone(good, "20-analytics.rules") && !gone(good, "30-ads.rules"),
	       "a masked name keeps its last good version while a file of the name exists");
	unlink(path);
	snprintf(path, sizeof(path), "%s/30-ads.rules", rules_dir);
	unlink(path);

	/*
	 * The vendor file in force again, then an admin file of its name that
	 * is broken: the vendor's last good version must not stand in.
	 */
	snprintf(path, sizeof(path), "%s/10-push.rules", rules_dir);
	unlink(path);
	r = reload(&d);
	tap_ok(!strcmp(r, "OK") &&
	       !strcmp(domain0(&d, "cloud-messaging"), "vendor.example"),
	       "the admin file removed: the vendor file is back: %s", r);
	put(rules_dir, "10-push.rules", "[cloud-messaging]\ndomain = admin.example\nip = 10.1.0.0/8\n");
	r = reload(&d);
	snprintf(want, sizeof(want),
		 "ERR rules %s/10-push.rules:3:6: expected a network address with no bits past /8 (did you mean 10.0.0.0/8?); the file has no last good version",
		 rules_dir);
	tap_ok(!strcmp(r, want) &&
	       !strcmp(domain0(&d, "cloud-messaging"), "vendor.example"),
	       "a broken admin file over a vendor file has no last good version: %s",
	       r);
	put(rules_dir, "10-push.rules", "[cloud-messaging]\ndomain = admin.example\n");
	tap_ok(!strcmp(reload(&d), "OK"), "the admin file fixed");
	put(vendor_dir, "10-push.rules", "[cloud-messaging]\nnot a rule\n");
	tap_ok(!strcmp(reload(&d), "OK") && d.nerrors == 0,
	       "a broken vendor file under an admin file is not read");
	unlink(path);
	r = reload(&d);
	tap_ok(!strncmp(r, "ERR rules ", 10) && strstr(r, vendor_dir) &&
	       strstr(r, "the file has no last good version"),
	       "nor does the admin file's last good version stand in for the vendor's: %s",
	       r);
	snprintf(path, sizeof(path), "%s/10-push.rules", vendor_dir);
	unlink(path);
	tap_ok(!strcmp(reload(&d), "OK") && gone(good, "10-push.rules") &&
	       !gone(good, "20-analytics.rules"),
	       "a name in neither directory drops its last good version, one only vendor's keeps it");

	/* An admin include is confined to the admin directory. */
	put(rules_dir, "40-mine.rules", "[mine]\ninclude = ../vendor/ads.hosts\n");
	r = reload(&d);
	tap_ok(!strncmp(r, "ERR rules ", 10) &&
	       strstr(r, "40-mine.rules:2:11: expected a path inside the rules directory, without '..'"),
	       "an include reaching out of its directory is refused: %s", r);
	put(rules_dir, "40-mine.rules", "[mine]\ninclude = ads.hosts\n");
	tap_ok(!strcmp(reload(&d), "OK") &&
	       !strcmp(domain0(&d, "mine"), "admin-ads.example"),
	       "an admin file's include is read from the admin directory");
	teardown(&d);

	/* No vendor directory: empty; one that is not a directory: an error. */
	snprintf(vendor_dir, sizeof(vendor_dir), "%s/nonexistent", tmp);
	setup(&d);
	tap_ok(d.rules.n == 2 && !d.rules_missing[0],
	       "a missing vendor directory is empty");
	teardown(&d);
	snprintf(vendor_dir, sizeof(vendor_dir), "%s/etc/ads.hosts", tmp);
	setup(&d);
	snprintf(want, sizeof(want), "rules directory %s: Not a directory",
		 vendor_dir);
	tap_ok(!strcmp(d.rules_missing, want) && d.rules.n == 0,
	       "an unreadable vendor directory commits nothing: %s",
	       d.rules_missing);
	teardown(&d);
	vendor_dir[0] = '\0';
}

static struct kev mkev(int i)
{
	struct kev k;

	memset(&k, 0, sizeof(k));
	snprintf(k.purposes, sizeof(k.purposes), "analytics");
	k.family = 2;
	k.proto = 6;
	snprintf(k.addr, sizeof(k.addr), "192.0.2.%d", i);
	k.port = 443;
	k.has_uid = true;
	k.uid = 10061;
	snprintf(k.name, sizeof(k.name), "data.mistat.xiaomi.com");
	k.count = 1;
	return k;
}

/* True if no value of s, nor any pattern derived from one, is in text. */
static bool no_value_in(const struct ident_set *s, const char *text, size_t len)
{
	struct ident_patterns pats;
	char err[256];
	bool clean = true;
	size_t i;

	if (ident_derive(s, &pats, err, sizeof(err)))
		return false;
	for (i = 0; i < s->n; i++)
		clean &= !memmem(text, len, s->v[i].value, s->v[i].len);
	for (i = 0; i < pats.n; i++)
		clean &= !memmem(text, len, pats.p[i].bytes, pats.p[i].len);
	ident_patterns_free(&pats);
	return clean;
}

/*
 * Events of payloads blocked for an identifier: recorded with the kind
 * and form of the pattern's tag, counted per kind and form, and no value
 * or pattern in anything consentd writes or answers.
 */
static void test_ident_events(struct daemon *d)
{
	struct peer root = connect_as(d, 0, 0, NULL, 0);
	struct peer fol = connect_as(d, 0, 0, NULL, 0);
	struct kev k = mkev(9);
	struct sbuf b;
	char *text = NULL, all[65536];
	size_t len = 0;
	const char *r;

	r = ask(d, &fol, "FOLLOW\n");
	snprintf(k.purposes, sizeof(k.purposes), "%s", IDENT_PURPOSE);
	k.has_ident = true;
	k.ident_tag = IDENT_TAG(IDENT_IMEI, IDF_SHA1_HEX);
	k.count = 3;
	daemon_on_event(d, &k);
	k.ident_tag = IDENT_TAG(IDENT_MSISDN, IDF_E164_PCT);
	k.count = 1;
	daemon_on_event(d, &k);
	k.ident_tag = IDENT_TAG(IDENT_IMEI, IDF_SHA1_HEX);
	daemon_on_event(d, &k);
	k.ident_tag = 0xff00;		/* no tag consentd gives */
	daemon_on_event(d, &k);
	r = drain(fol.fd);
	snprintf(all, sizeof(all), "%s", r);
	tap_ok(strstr(r, "name=data.mistat.xiaomi.com ident_kind=imei ident_form=sha1-hex generation=0 count=3\n") &&
	       strstr(r, "ident_kind=msisdn ident_form=e164-pct ") &&
	       strstr(r, "ident_kind=unknown ident_form=unknown "),
	       "FOLLOW: each event names the kind and form (unknown for a foreign tag)");
	r = ask(d, &root, "LOG 4\n");
	tap_ok(strstr(r, "event time=") &&
	       strstr(r, "purposes=cleartext-identifiers family=ipv4 proto=tcp addr=192.0.2.9 port=443 uid=10061 ") &&
	       strstr(r, " ident_kind=imei ident_form=sha1-hex "),
	       "LOG: purpose, destination, app and kind and form");
	snprintf(all + strlen(all), sizeof(all) - strlen(all), "%s", r);
	sbuf_init(&b);
	events_ident_records(d, &b);
	tap_ok(b.s && !strcmp(b.s, "ident kind=imei form=sha1-hex blocked=4\n"
			      "ident kind=msisdn form=e164-pct blocked=1\n"),
	       "per kind and form: the attempts counted, a foreign tag in none: %s",
	       b.s ? b.s : "");
	sbuf_free(&b);
	if (read_file(log_path, &text, &len))
		len = 0;
	tap_ok(len && memmem(text, len, "ident_kind=imei ident_form=sha1-hex", 35) &&
	       no_value_in(d->idents, text, len) &&
	       no_value_in(d->idents, all, strlen(all)),
	       "no value nor pattern in the event log, LOG or FOLLOW");
	free(text);
	control_drop(d, root.c);
	close(root.fd);
	control_drop(d, fol.c);
	close(fol.fd);
}

/*
 * A grant or a withdrawal of purpose, bound to the digest of its rules as
 * they are, in consentd's receipts in memory (set directly: no kernel).
 */
static void put_grant(struct daemon *d, const char *purpose, bool granted)
{
	struct receipt rc;

	memset(&rc, 0, sizeof(rc));
	snprintf(rc.purpose, sizeof(rc.purpose), "%s", purpose);
	rc.granted = granted;
	memcpy(rc.digest, rules_find(&d->rules, purpose)->digest,
	       sizeof(rc.digest));
	state_put(&d->st, &rc);
}

/* The identifiers file: its purpose, its refusals, never its values. */
static void test_identifiers(void)
{
	static const char ids[] = "imei = 490154203237518\nmsisdn = +8613800138000\n";
	struct rule_purpose *p;
	struct daemon d;
	struct peer root;
	const char *r;
	char path[800];

	snprintf(rules_dir, sizeof(rules_dir), "%s/rules-ident", tmp);
	snprintf(state_dir, sizeof(state_dir), "%s/state-ident", tmp);
	mkdir(rules_dir, 0755);
	put(rules_dir, "10-push.rules", "[cloud-messaging]\ndomain = push.example\n");
	vendor_dir[0] = '\0';
	put(tmp, "identifiers", ids);
	chmod(ident_path, 0600);

	setup(&d);
	p = rules_find(&d.rules, "cleartext-identifiers");
	tap_ok(p && d.rules.n == 2 && !p->n && d.idents && d.idents->n == 2 &&
	       !strcmp(p->desc, "device identifiers in unencrypted traffic") &&
	       !strcmp(p->where, ident_path),
	       "identifiers (mode 0600): the purpose cleartext-identifiers is added");
	root = connect_as(&d, 0, 0, NULL, 0);
	r = ask(&d, &root, "STATUS\nPURPOSES\n");
	tap_ok(strstr(r, "purpose name=cleartext-identifiers description=device%20identifiers%20in%20unencrypted%20traffic entries=0 consent=denied reason=never%20allowed") &&
	       !strstr(r, "490154203237518") && !strstr(r, "8613800138000"),
	       "STATUS and PURPOSES: denied until allowed, and no value anywhere");
	control_drop(&d, root.c);
	close(root.fd);
	test_ident_events(&d);

	chmod(ident_path, 0644);
	r = reload(&d);
	tap_ok(!strcmp(r, "OK") && rules_find(&d.rules, "cleartext-identifiers") &&
	       d.idents && d.idents->n == 2,
	       "made world-readable, reload: refused, the identifiers read before stay (%s)", r);
	root = connect_as(&d, 0, 0, NULL, 0);
	r = ask(&d, &root, "STATUS\n");
	tap_ok(strstr(r, " skipped_files=1 ") &&
	       strstr(r, "skipped error=") && strstr(r, "identifiers:%20readable%20or%20writable%20by%20others%20than%20its%20owner%20(mode%200644)") &&
	       strstr(r, "purposes=%- in_force=the%20identifiers%20read%20before\n"),
	       "STATUS: the refused file as a skipped one, what stays in force (%s)", r);
	control_drop(&d, root.c);
	close(root.fd);
	teardown(&d);
	setup(&d);
	tap_ok(!rules_find(&d.rules, "cleartext-identifiers") && !d.idents &&
	       d.rules.n == 1, "world-readable at start: refused, the guard is off");
	root = connect_as(&d, 0, 0, NULL, 0);
	r = ask(&d, &root, "STATUS\n");
	tap_ok(strstr(r, " skipped_files=1 ") &&
	       strstr(r, "in_force=no%20identifiers%20guard\n"),
	       "STATUS at start: the refused file, no guard in force");
	control_drop(&d, root.c);
	close(root.fd);
	chmod(ident_path, 0600);
	tap_ok(!strcmp(reload(&d), "OK") && rules_find(&d.rules, "cleartext-identifiers") &&
	       !d.nerrors, "mode 0600 again, reload: the guard is on, nothing skipped");

	/* A grant covers the kinds it was given for. */
	{
		const char *why;
		bool on;

		put_grant(&d, "cleartext-identifiers", true);
		put(tmp, "identifiers", "imei = 490154203237518\nimei = 356938035643809\nmsisdn = +8613800138000\nmsisdn = +14155552671\n");
		chmod(ident_path, 0600);
		tap_ok(!strcmp(reload(&d), "OK") && d.idents->n == 4 &&
		       daemon_effective(&d, rules_find(&d.rules, "cleartext-identifiers"), &why),
		       "a second IMEI and number (another SIM), reload: the grant holds");
		put(tmp, "identifiers", "imei = 490154203237518\nmsisdn = +8613800138000\nimsi = 460001234567890\n");
		chmod(ident_path, 0600);
		r = reload(&d);
		on = daemon_effective(&d, rules_find(&d.rules, "cleartext-identifiers"), &why);
		tap_ok(!strcmp(r, "OK") && d.idents->n == 3 && !on &&
		       !strcmp(why, "the kinds of identifiers changed since it was allowed"),
		       "an IMSI added, reload: the grant is void (%s)", why);
		put(tmp, "identifiers", ids);
		chmod(ident_path, 0600);
		tap_ok(!strcmp(reload(&d), "OK") &&
		       daemon_effective(&d, rules_find(&d.rules, "cleartext-identifiers"), &why),
		       "the kinds it was given for again: the grant holds again");
		put_grant(&d, "cleartext-identifiers", false);
	}
	put(tmp, "identifiers", "imei = 490154203237519\n");
	r = reload(&d);
	tap_ok(!strcmp(r, "OK") && d.idents && d.idents->n == 2 &&
	       !memcmp(d.idents->v[0].value, "490154203237518", 15),
	       "a bad line, reload: the identifiers read before stay");
	unlink(ident_path);
	tap_ok(!strcmp(reload(&d), "OK") && !rules_find(&d.rules, "cleartext-identifiers") &&
	       !d.idents, "the file removed, reload: no identifiers, no purpose");
	put(rules_dir, "20-mine.rules", "# mine\n[cleartext-identifiers]\ndomain = x.example\n");
	r = reload(&d);
	snprintf(path, sizeof(path), "%s/20-mine.rules:2:2: expected a purpose name other than cleartext-identifiers, which consentd keeps for the identifiers file",
		 rules_dir);
	tap_ok(strstr(r, path) != NULL, "a rules file may not use the reserved name: %s", r);
	teardown(&d);
	snprintf(path, sizeof(path), "%s/20-mine.rules", rules_dir);
	unlink(path);
}

int main(void)
{
	struct daemon d;
	struct peer root, user, member, follower;
	char *text;
	size_t len;
	gid_t grp = 4321;
	const char *r;
	struct rule_purpose *p;
	const char *why;
	char path[1024];
	int i;

	log_init(true);
	if (!mkdtemp(tmp))
		return 1;
	snprintf(rules_dir, sizeof(rules_dir), "%s/rules.d", tmp);
	snprintf(state_dir, sizeof(state_dir), "%s/state", tmp);
	snprintf(log_path, sizeof(log_path), "%s/log/events.log", tmp);
	snprintf(ident_path, sizeof(ident_path), "%s/identifiers", tmp);
	mkdir(rules_dir, 0755);
	put(rules_dir, "10-push.rules",
	    "[cloud-messaging]\ndescription = push\ndomain = app.chat.xiaomi.net\n"
	    "ip = 111.13.141.211\napp = com.xiaomi.xmsf\n");
	put(rules_dir, "20-analytics.rules",
	    "[analytics]\ndomain = data.mistat.xiaomi.com\n");

	setup(&d);
	tap_ok(d.rules.n == 2 && d.nerrors == 0 && !d.rules_missing[0],
	       "startup: two clean files loaded");
	snprintf(path, sizeof(path), "%s/last-good/20-analytics.rules", state_dir);
	r = read_file(path, &text, &len) ? "" : text;
	snprintf(path, sizeof(path),
		 "# last good version of %s/20-analytics.rules\n[analytics]\ndomain = data.mistat.xiaomi.com\n",
		 rules_dir);
	tap_ok(!strcmp(r, path),
	       "each clean file kept as its last good version: %s", r);
	if (*r)
		free(text);

	root = connect_as(&d, 0, 0, NULL, 0);
	user = connect_as(&d, 1000, 1000, NULL, 0);
	member = connect_as(&d, 1001, 1001, &grp, 1);

	r = ask(&d, &root, "STATUS\n");
	tap_ok(strstr(r, "daemon pid=") && strstr(r, " kernel=disconnected") &&
	       strstr(r, "purpose name=cloud-messaging description=push entries=3 consent=denied reason=never%20allowed") &&
	       !strstr(r, "skipped ") && !strcmp(last_line(r), "OK"), "STATUS");
	r = ask(&d, &user, "PURPOSES\n");
	tap_ok(strstr(r, "purpose name=analytics") && !strstr(r, "daemon ") &&
	       !strcmp(last_line(r), "OK"), "PURPOSES from an ordinary user");

	r = ask(&d, &user, "ALLOW analytics\n");
	tap_ok(!strcmp(last_line(r), "ERR permission permission denied: changing consent needs root or membership of group 'consentwall' (you are uid 1000)"),
	       "ALLOW from an unauthorized user refused: %s", last_line(r));
	r = ask(&d, &user, "RELOAD\n");
	tap_ok(!strncmp(last_line(r), "ERR permission ", 15),
	       "RELOAD from an unauthorized user refused");
	r = ask(&d, &root, "ALLOW nope\n");
	tap_ok(!strcmp(last_line(r), "ERR purpose unknown purpose 'nope'; known purposes: cloud-messaging, analytics"),
	       "unknown purpose names the known ones: %s", last_line(r));
	r = ask(&d, &root, "ALLOW analytics\n");
	tap_ok(!strncmp(last_line(r), "ERR kernel the consentwall kernel module is not under consentd's control", 72),
	       "ALLOW without the kernel refused: %s", last_line(r));
	tap_ok(state_find(&d.st, "analytics") == NULL,
	       "a refused ALLOW leaves no receipt");
	r = ask(&d, &member, "DENY analytics cloud-messaging\n");
	tap_ok(strstr(r, "purpose name=analytics consent=denied kernel=not%20connected") &&
	       !strcmp(last_line(r), "OK"),
	       "DENY from a control-group member is recorded");
	tap_ok(state_find(&d.st, "analytics") &&
	       state_find(&d.st, "analytics")->uid == 1001 &&
	       !state_find(&d.st, "analytics")->granted,
	       "the receipt names who decided");

	r = ask(&d, &root, "FROB\n");
	tap_ok(!strcmp(last_line(r), "ERR usage unknown request or wrong arguments: FROB"),
	       "unknown verb: usage error");
	r = ask(&d, &root, "STATUS extra\n");
	tap_ok(!strncmp(last_line(r), "ERR usage ", 10), "STATUS with an argument");
	r = ask(&d, &root, "ALLOW  x\n");
	tap_ok(!strcmp(last_line(r), "ERR usage malformed request"), "malformed request");
	r = ask(&d, &root, "EXPLAIN tcp nothost 443\n");
	tap_ok(!strcmp(last_line(r), "ERR usage not an IPv4 or IPv6 address: nothost"),
	       "EXPLAIN checks its address");
	r = ask(&d, &root, "EXPLAIN tcp 192.0.2.1 443 uid=5\n");
	tap_ok(!strncmp(last_line(r), "ERR kernel cannot explain: consentd is not connected", 52),
	       "EXPLAIN without the kernel says why");
	r = ask(&d, &root, "STATS\n");
	tap_ok(!strncmp(last_line(r), "ERR kernel no statistics", 24),
	       "STATS without the kernel says why");
	r = ask(&d, &root, "STATUS\nPURPOSES\n");
	tap_ok(strstr(r, "daemon ") && strstr(r, "OK\n") &&
	       strstr(strstr(r, "OK\n") + 3, "OK"),
	       "two pipelined requests, two replies");

	/* A new broken file: no last good version, reload refused. */
	put(rules_dir, "30-broken.rules",
	    "[ads]\ndomain = ad.xiaomi.com\nip = 10.1.0.0/8\n");
	put(rules_dir, "40-new.rules", "[crash-reports]\ndomain = tracking.miui.com\n");
	r = ask(&d, &root, "RELOAD\n");
	snprintf(path, sizeof(path),
		 "ERR rules %s/30-broken.rules:3:6: expected a network address with no bits past /8 (did you mean 10.0.0.0/8?); the file has no last good version",
		 rules_dir);
	tap_ok(!strcmp(last_line(r), path), "RELOAD with a new broken file: %s",
	       last_line(r));
	tap_ok(d.rules.n == 2 && !rules_find(&d.rules, "crash-reports"),
	       "running ruleset untouched by the refused reload");
	r = ask(&d, &user, "STATUS\n");
	tap_ok(strstr(r, "skipped error=") && strstr(r, "30-broken.rules:3:6:") &&
	       strstr(r, "purposes=ads in_force=nothing%20(not%20committed)"),
	       "STATUS names the broken file and line");
	put(rules_dir, "30-broken.rules", "[ads]\ndomain = ad.xiaomi.com\nip = 10.0.0.0/8\n");
	r = ask(&d, &root, "RELOAD\n");
	tap_ok(strstr(r, "reload generation=0 purposes=4 entries=7 kernel=not%20connected") &&
	       !strcmp(last_line(r), "OK"), "RELOAD after the fix: %s", r);
	tap_ok(d.nerrors == 0, "no broken files after a clean reload");

	/* Broken again: its last good version stands in, reload and restart. */
	put(rules_dir, "30-broken.rules",
	    "[ads]\ndomain = ad.xiaomi.com\nip = 10.0.0.0/8\nip = 10.1.0.0/8\n");
	r = ask(&d, &root, "RELOAD\n");
	p = rules_find(&d.rules, "ads");
	tap_ok(strstr(r, "reload generation=0 purposes=4 entries=7 ") && p &&
	       p->n == 2 && !strcmp(last_line(r), "OK"),
	       "RELOAD with a file broken again: its last good version loads: %s", r);
	r = ask(&d, &root, "STATUS\n");
	tap_ok(strstr(r, "purposes=ads in_force=last%20good%20version") != NULL,
	       "STATUS says the last good version is in force");
	r = ask(&d, &root, "ALLOW ads\n");
	tap_ok(!strncmp(last_line(r), "ERR rules cannot allow ads: a file defining it failed to load", 61),
	       "a purpose of a broken file cannot be allowed: %s", last_line(r));
	teardown(&d);
	setup(&d);
	p = rules_find(&d.rules, "ads");
	tap_ok(d.rules.n == 4 && p && p->n == 2 && d.nerrors == 1 &&
	       d.errors[0].replaced && !d.rules_missing[0],
	       "restart with the broken file: its last good version loads");
	close(root.fd);
	close(user.fd);
	close(member.fd);
	root = connect_as(&d, 0, 0, NULL, 0);
	user = connect_as(&d, 1000, 1000, NULL, 0);
	member = connect_as(&d, 1001, 1001, &grp, 1);
	put(rules_dir, "30-broken.rules", "[ads]\ndomain = ad.xiaomi.com\nip = 10.0.0.0/8\n");
	r = ask(&d, &root, "RELOAD\n");
	tap_ok(!strcmp(last_line(r), "OK") && d.nerrors == 0, "fixed again");

	/* No packages.list (a plain Linux box): reload still succeeds. */
	free(d.cfg.packages_list);
	d.cfg.packages_list = xstrdup("data/nonexistent.list");
	r = ask(&d, &root, "RELOAD\n");
	p = rules_find(&d.rules, "cloud-messaging");
	tap_ok(!strcmp(last_line(r), "OK") && d.nerrors == 0 && p && p->n == 3 &&
	       d.pkgs.n == 0,
	       "reload without packages.list: the app entry stays, resolving to nothing");
	free(d.cfg.packages_list);
	d.cfg.packages_list = xstrdup("data/packages.list");
	ask(&d, &root, "RELOAD\n");

	/* A file removed takes its last good version with it. */
	snprintf(path, sizeof(path), "%s/40-new.rules", rules_dir);
	unlink(path);
	ask(&d, &root, "RELOAD\n");
	snprintf(path, sizeof(path), "%s/last-good/40-new.rules", state_dir);
	tap_ok(access(path, F_OK) && errno == ENOENT,
	       "a removed file's last good version is dropped");
	put(rules_dir, "40-new.rules", "[crash-reports]\ndomain = tracking.miui.com\n");
	ask(&d, &root, "RELOAD\n");

	/* Grant bound to the digest. */
	put_grant(&d, "ads", true);
	state_save(&d.st, d.state_path, NULL);
	tap_ok(daemon_effective(&d, rules_find(&d.rules, "ads"), &why),
	       "grant in force while the rules are unchanged");
	put(rules_dir, "30-broken.rules",
	    "[ads]\n# comment changed\ndescription = other words\ndomain = AD.xiaomi.com.\nip = 10.0.0.0/8\n");
	ask(&d, &root, "RELOAD\n");
	tap_ok(daemon_effective(&d, rules_find(&d.rules, "ads"), &why),
	       "editing comments, description, case keeps the grant");
	put(rules_dir, "30-broken.rules",
	    "[ads]\ndomain = ad.xiaomi.com\nip = 10.0.0.0/8\nip = 192.0.2.0/24\n");
	ask(&d, &root, "RELOAD\n");
	tap_ok(!daemon_effective(&d, rules_find(&d.rules, "ads"), &why) &&
	       !strcmp(why, "rules changed since it was allowed"),
	       "adding an endpoint voids the grant: %s", why);
	r = ask(&d, &root, "PURPOSES\n");
	tap_ok(strstr(r, "purpose name=ads ") &&
	       strstr(r, "consent=denied reason=rules%20changed%20since%20it%20was%20allowed"),
	       "PURPOSES says why the grant is not in force");

	/* Events: bounded ring, LOG n, follow, rotation. */
	r = ask(&d, &user, "FOLLOW\n");
	tap_ok(!strcmp(last_line(r), "ERR permission permission denied: the blocked-attempt log names apps and hosts; reading it needs root or membership of group 'consentwall' (you are uid 1000)"),
	       "FOLLOW from an ordinary user refused: %s", last_line(r));
	follower = connect_as(&d, 1001, 1001, &grp, 1);
	r = ask(&d, &follower, "FOLLOW\n");
	tap_ok(!r[0], "FOLLOW answers nothing until something happens");
	for (i = 1; i <= 6; i++) {
		struct kev k = mkev(i);

		if (i == 6)
			k.count = 40;
		daemon_on_event(&d, &k);
	}
	r = drain(follower.fd);
	tap_ok(strstr(r, "event time=") && strstr(r, "addr=192.0.2.1 ") &&
	       strstr(r, "addr=192.0.2.6 ") &&
	       strstr(r, "purposes=analytics family=ipv4 proto=tcp") &&
	       strstr(r, "uid=10061 app=com.xiaomi.xmsf user=0 name=data.mistat.xiaomi.com generation=0 count=1\n") &&
	       strstr(r, "generation=0 count=40\n"),
	       "the follower got every event live, with its count and the app's name");
	r = ask(&d, &user, "LOG\n");
	tap_ok(!strncmp(last_line(r), "ERR permission permission denied: the blocked-attempt log", 57) &&
	       !strstr(r, "192.0.2."), "LOG from an ordinary user refused, nothing shown");
	r = ask(&d, &member, "LOG\n");
	tap_ok(!strstr(r, "192.0.2.2 ") && strstr(r, "192.0.2.3 ") &&
	       strstr(r, "192.0.2.6 ") && !strcmp(last_line(r), "OK"),
	       "the ring keeps the last 4 of 6");
	r = ask(&d, &member, "LOG 1\n");
	tap_ok(!strstr(r, "192.0.2.5 ") && strstr(r, "192.0.2.6 "),
	       "LOG 1: the newest only");
	for (i = 0; i < 60; i++) {
		struct kev k = mkev(i);

		daemon_on_event(&d, &k);
	}
	drain(follower.fd);
	{
		struct stat sb;
		char p1[400], p2[400], p3[400];

		snprintf(p1, sizeof(p1), "%s.1", log_path);
		snprintf(p2, sizeof(p2), "%s.2", log_path);
		snprintf(p3, sizeof(p3), "%s.3", log_path);
		tap_ok(stat(log_path, &sb) == 0 && sb.st_size <= 4096 &&
		       access(p1, F_OK) == 0 && access(p2, F_OK) == 0 &&
		       access(p3, F_OK) != 0,
		       "event log rotated by size, 2 old files kept");
	}
	/* A follower that stops reading is dropped, not buffered forever. */
	{
		int before = 0, after = 0;
		struct client *c;

		for (c = d.clients; c; c = c->next)
			before++;
		for (i = 0; i < 40000; i++) {
			struct kev k = mkev(i % 250);

			daemon_on_event(&d, &k);
		}
		control_sweep(&d, mono_ms());
		for (c = d.clients; c; c = c->next)
			after++;
		tap_ok(after == before - 1, "a stalled follower is dropped");
		close(follower.fd);
	}

	/* Restart: receipts come back from disk. */
	close(root.fd);
	close(user.fd);
	close(member.fd);
	teardown(&d);
	setup(&d);
	tap_ok(state_find(&d.st, "analytics") &&
	       !state_find(&d.st, "analytics")->granted &&
	       state_find(&d.st, "ads") && state_find(&d.st, "ads")->granted,
	       "restart: receipts restored");
	teardown(&d);

	/* Restart on a damaged receipts file: set aside, all denied. */
	snprintf(path, sizeof(path), "%s/receipts", state_dir);
	{
		FILE *f = fopen(path, "a");

		fputs("grant analytics 1 0 1111\n", f);
		fclose(f);
	}
	setup(&d);
	tap_ok(d.st.n == 0 && access(path, F_OK) != 0,
	       "restart on a damaged file: set aside, nothing granted");
	for (i = 0; i < (int)d.rules.n; i++)
		if (daemon_effective(&d, d.rules.p[i], NULL))
			break;
	tap_ok(i == (int)d.rules.n, "every purpose denied");
	teardown(&d);

	/* A receipt that cannot be written: the DENY stands all the same. */
	setup(&d);
	root = connect_as(&d, 0, 0, NULL, 0);
	snprintf(path, sizeof(path), "%s/not-a-dir", tmp);
	put(tmp, "not-a-dir", "");
	snprintf(d.state_path, sizeof(d.state_path), "%s/receipts", path);
	r = ask(&d, &root, "DENY ads\n");
	tap_ok(strstr(last_line(r), "ERR state denied now, in the kernel and here, but the receipt could not be written") &&
	       state_find(&d.st, "ads") && !state_find(&d.st, "ads")->granted &&
	       d.state_dirty,
	       "DENY with an unwritable receipt: denied in memory, the client told: %s",
	       last_line(r));
	r = ask(&d, &root, "PURPOSES\n");
	tap_ok(strstr(r, "purpose name=ads ") && strstr(r, "consent=denied reason=withdrawn"),
	       "PURPOSES shows it withdrawn");
	snprintf(d.state_path, sizeof(d.state_path), "%s/receipts", state_dir);
	tap_ok(daemon_save_state(&d, path, sizeof(path)) && !d.state_dirty,
	       "written once the disk takes it again");
	close(root.fd);
	teardown(&d);
	setup(&d);
	tap_ok(state_find(&d.st, "ads") && !state_find(&d.st, "ads")->granted,
	       "and the withdrawal is what a restart loads");
	teardown(&d);

	/* Receipts that cannot be read are never overwritten. */
	snprintf(path, sizeof(path), "%s/receipts", state_dir);
	unlink(path);
	if (mkfifo(path, 0600))
		abort();
	setup(&d);
	root = connect_as(&d, 0, 0, NULL, 0);
	r = ask(&d, &root, "DENY analytics\n");
	{
		struct stat sb;

		tap_ok(!strncmp(last_line(r), "ERR state ", 10) &&
		       strstr(last_line(r), "not overwritten") &&
		       !stat(path, &sb) && S_ISFIFO(sb.st_mode) &&
		       state_find(&d.st, "analytics") &&
		       !state_find(&d.st, "analytics")->granted,
		       "unreadable receipts: DENY in memory only, the file left alone: %s",
		       last_line(r));
	}
	close(root.fd);
	teardown(&d);
	unlink(path);

	/* First boot with a broken file: nothing at all is committed. */
	snprintf(state_dir, sizeof(state_dir), "%s/state-new", tmp);
	put(rules_dir, "30-broken.rules", "[ads]\nip = 10.1.0.0/8\n");
	setup(&d);
	tap_ok(d.rules.n == 0 && d.nerrors == 1 && !d.errors[0].replaced &&
	       strstr(d.rules_missing, "30-broken.rules:2:6: "),
	       "first boot, broken file: no purposes, nothing to commit: %s",
	       d.rules_missing);
	root = connect_as(&d, 0, 0, NULL, 0);
	r = ask(&d, &root, "STATUS\n");
	tap_ok(strstr(r, "skipped error=") && strstr(r, "30-broken.rules:2:6:"),
	       "STATUS names the file and line");
	close(root.fd);
	teardown(&d);

	test_vendor();
	test_identifiers();
	snprintf(path, sizeof(path), "rm -rf %s", tmp);
	if (system(path))
		tap_diag("cleanup failed");
	return tap_done();
}
