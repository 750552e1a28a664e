// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"

static struct sbuf inbuf;

__attribute__((format(printf, 3, 0)))
static int vfail(struct ctl *c, int status, const char *fmt, va_list ap)
{
	struct sbuf m;

	sbuf_init(&m);
	sbuf_vprintf(&m, fmt, ap);
	fprintf(stderr, "%s: %s\n", c->prog, m.s ? m.s : "");
	if (c->json) {
		struct json j;

		json_init(&j);
		json_obj(&j);
		json_key(&j, "error");
		json_obj(&j);
		json_key(&j, "message");
		json_str(&j, m.s ? m.s : "");
		json_key(&j, "exit_status");
		json_u64(&j, (uint64_t)status);
		json_obj_end(&j);
		json_obj_end(&j);
		json_print(&j);
		json_free(&j);
	}
	sbuf_free(&m);
	return status;
}

int ctl_fail(struct ctl *c, int status, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vfail(c, status, fmt, ap);
	va_end(ap);
	return ret;
}

int ctl_usage_error(struct ctl *c, const char *fmt, ...)
{
	const struct subcommand *s;
	struct sbuf m;
	va_list ap;

	/* One line: what is wrong, then how the command is used. */
	sbuf_init(&m);
	va_start(ap, fmt);
	sbuf_vprintf(&m, fmt, ap);
	va_end(ap);
	for (s = subcommands; s->name; s++)
		if (c->cmd && !strcmp(s->name, c->cmd))
			sbuf_printf(&m, " (usage: %s %s%s%s)", c->prog, s->name,
				    s->args[0] ? " " : "", s->args);
	if (!c->cmd)
		sbuf_printf(&m, " (see %s --help)", c->prog);
	ctl_fail(c, EXIT_USAGE, "%s", m.s);
	sbuf_free(&m);
	return EXIT_USAGE;
}

bool ctl_common_args(struct ctl *c, int *argc, char **argv, int *status)
{
	const struct subcommand *s;
	int i, o = 1;

	for (i = 1; i < *argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			for (s = subcommands; s->name; s++) {
				if (strcmp(s->name, c->cmd))
					continue;
				printf("Usage: %s [--json] [--socket PATH] %s %s\n\n%s\n",
				       c->prog, s->name, s->args, s->help);
			}
			*status = EXIT_OK;
			return true;
		}
		if (!strcmp(argv[i], "--json")) {
			c->json = true;
			continue;
		}
		argv[o++] = argv[i];
	}
	*argc = o;
	return false;
}

int ctl_connect(struct ctl *c)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat sb;
	int fd, e;

	if (strlen(c->sock) >= sizeof(sa.sun_path))
		return ctl_fail(c, EXIT_USAGE, "socket path too long: %s",
				c->sock);
	strcpy(sa.sun_path, c->sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ctl_fail(c, EXIT_FAIL, "socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		c->fd = fd;
		return 0;
	}
	e = errno;
	close(fd);
	if (e == ENOENT || e == ECONNREFUSED) {
		/* Say what that means for the user, not just errno. */
		if (stat("/sys/module/consentwall", &sb) == 0)
			return ctl_fail(c, EXIT_FAIL,
					"consentd is not running (nothing listens on %s): every purpose is blocked, since consentwall fails closed without its daemon; start consentd to restore your choices",
					c->sock);
		return ctl_fail(c, EXIT_FAIL,
				"consentd is not running (nothing listens on %s); without it consentwall blocks every purpose, but the consentwall kernel module is not loaded here, so nothing is filtered at all",
				c->sock);
	}
	if (e == EACCES)
		return ctl_fail(c, EXIT_FAIL,
				"cannot connect to consentd at %s: permission denied",
				c->sock);
	return ctl_fail(c, EXIT_FAIL, "cannot connect to consentd at %s: %s",
			c->sock, strerror(e));
}

int ctl_send(struct ctl *c, const char *verb, int argc, char **argv)
{
	struct sbuf b;
	size_t off = 0;
	int i;

	sbuf_init(&b);
	sbuf_adds(&b, verb);
	for (i = 0; i < argc; i++) {
		sbuf_addc(&b, ' ');
		proto_escape(&b, argv[i]);
	}
	sbuf_addc(&b, '\n');
	while (off < b.len) {
		ssize_t n = send(c->fd, b.s + off, b.len - off, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			sbuf_free(&b);
			return ctl_fail(c, EXIT_FAIL,
					"consentd closed the connection: %s",
					strerror(errno));
		}
		off += (size_t)n;
	}
	sbuf_free(&b);
	return 0;
}

/* 1 with a malloc'd line, 0 at EOF, -1 on error. */
int ctl_read_line(struct ctl *c, char **line)
{
	char buf[4096], *nl;
	ssize_t n;

	for (;;) {
		if (inbuf.len && (nl = memchr(inbuf.s, '\n', inbuf.len))) {
			size_t l = (size_t)(nl - inbuf.s);

			*line = xstrndup(inbuf.s, l);
			memmove(inbuf.s, nl + 1, inbuf.len - l - 1);
			inbuf.len -= l + 1;
			return 1;
		}
		n = recv(c->fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n ? -1 : 0;
		sbuf_add(&inbuf, buf, (size_t)n);
	}
}

void reply_free(struct reply *rep)
{
	int i;

	for (i = 0; i < rep->n; i++)
		free(rep->lines[i]);
	free(rep->lines);
	free(rep->rec);
	free(rep->errmsg);
	memset(rep, 0, sizeof(*rep));
}

int ctl_request(struct ctl *c, const char *verb, int argc, char **argv,
		struct reply *rep)
{
	char *line;
	int ret;

	memset(rep, 0, sizeof(*rep));
	rep->err = -1;
	if (c->fd <= 0) {
		ret = ctl_connect(c);
		if (ret)
			return ret;
	}
	ret = ctl_send(c, verb, argc, argv);
	if (ret)
		return ret;
	for (;;) {
		ret = ctl_read_line(c, &line);
		if (ret <= 0) {
			reply_free(rep);
			return ctl_fail(c, EXIT_FAIL,
					"consentd closed the connection before answering");
		}
		if (!strcmp(line, "OK")) {
			free(line);
			return 0;
		}
		if (!strncmp(line, "ERR ", 4)) {
			char *sp = strchr(line + 4, ' ');

			if (sp)
				*sp = '\0';
			rep->err = proto_err_parse(line + 4);
			if (rep->err < 0)
				rep->err = PE_INTERNAL;
			rep->errmsg = xstrdup(sp ? sp + 1 : "error");
			free(line);
			return ctl_report_error(c, rep);
		}
		rep->lines = xrealloc(rep->lines,
				      (size_t)(rep->n + 1) * sizeof(*rep->lines));
		rep->rec = xrealloc(rep->rec,
				    (size_t)(rep->n + 1) * sizeof(*rep->rec));
		rep->lines[rep->n] = line;
		if (record_parse(line, &rep->rec[rep->n])) {
			reply_free(rep);
			return ctl_fail(c, EXIT_FAIL,
					"consentd sent a malformed reply");
		}
		rep->n++;
	}
}

int ctl_report_error(struct ctl *c, const struct reply *rep)
{
	return ctl_fail(c, rep->err == PE_USAGE ? EXIT_USAGE : EXIT_FAIL, "%s",
			rep->errmsg);
}

static bool is_list_type(const char *t, const char **key)
{
	static const char *const lists[][2] = {
		{ "purpose", "purposes" }, { "skipped", "skipped" },
		{ "event", "events" }, { "match", "matches" },
	};
	size_t i;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		if (!strcmp(t, lists[i][0])) {
			*key = lists[i][1];
			return true;
		}
	}
	*key = t;
	return false;
}

void json_record(struct json *j, const struct record *r)
{
	static const char *const strings[] = {
		"name", "description", "digest", "defined", "error", "reason",
		"addr", "kernel_error", "rules_dir", "state_file",
	};
	int i;
	size_t k;

	json_obj(j);
	for (i = 0; i < r->n; i++) {
		bool str = false;

		json_key(j, r->key[i]);
		if (!strcmp(r->key[i], "purposes") &&
		    (!strcmp(r->type, "event") || !strcmp(r->type, "skipped"))) {
			char *s = xstrdup(r->val[i]), *tok, *save = NULL;

			json_arr(j);
			for (tok = strtok_r(s, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save))
				json_str(j, tok);
			json_arr_end(j);
			free(s);
			continue;
		}
		for (k = 0; k < sizeof(strings) / sizeof(strings[0]); k++)
			if (!strcmp(r->key[i], strings[k]))
				str = true;
		if (str)
			json_str(j, r->val[i]);
		else
			json_auto(j, r->val[i]);
	}
	json_obj_end(j);
}

void json_print_records(const struct reply *rep, const char *const *ensure)
{
	struct json j;

	json_init(&j);
	json_records(&j, rep, ensure);
	json_print(&j);
	json_free(&j);
}

void json_records(struct json *j, const struct reply *rep,
		  const char *const *ensure)
{
	const char *key;
	int i, k;
	bool seen;

	json_obj(j);
	/* Lists a consumer relies on exist even when empty. */
	for (; ensure && *ensure; ensure++) {
		seen = false;
		for (k = 0; k < rep->n; k++)
			if (!strcmp(rep->rec[k].type, *ensure))
				seen = true;
		if (!seen) {
			is_list_type(*ensure, &key);
			json_key(j, key);
			json_arr(j);
			json_arr_end(j);
		}
	}
	/* Each type once, in order of first appearance. */
	for (i = 0; i < rep->n; i++) {
		seen = false;
		for (k = 0; k < i; k++)
			if (!strcmp(rep->rec[k].type, rep->rec[i].type))
				seen = true;
		if (seen)
			continue;
		if (is_list_type(rep->rec[i].type, &key)) {
			json_key(j, key);
			json_arr(j);
			for (k = i; k < rep->n; k++)
				if (!strcmp(rep->rec[k].type, rep->rec[i].type))
					json_record(j, &rep->rec[k]);
			json_arr_end(j);
		} else {
			json_key(j, key);
			json_record(j, &rep->rec[i]);
		}
	}
	json_obj_end(j);
}

void json_print(struct json *j)
{
	fwrite(j->out.s, 1, j->out.len, stdout);
	putchar('\n');
	fflush(stdout);
}
