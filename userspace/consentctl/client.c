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

__attribute__((format(printf, 4, 0)))
static int vfail(struct ctl *c, int status, const char *kind, const char *fmt,
		 va_list ap)
{
	struct sbuf m;

	/* A command whose exit status is its answer (get) keeps 1 for it. */
	if (status == EXIT_FAIL && c->fail_status)
		status = c->fail_status;
	sbuf_init(&m);
	sbuf_vprintf(&m, fmt, ap);
	fprintf(stderr, "%s: %s\n", c->prog, m.s ? m.s : "");
	if (c->json) {
		struct json j;

		json_init(&j);
		json_obj(&j);
		json_key(&j, "error");
		json_obj(&j);
		json_key(&j, "kind");
		json_str(&j, kind);
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

int ctl_fail(struct ctl *c, int status, const char *kind, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vfail(c, status, kind, fmt, ap);
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
	ctl_fail(c, EXIT_USAGE, ERRK_USAGE, "%s", m.s);
	sbuf_free(&m);
	return EXIT_USAGE;
}

/* --socket PATH or --socket=PATH at argv[*i]; false if it is neither. */
bool ctl_socket_arg(struct ctl *c, int argc, char **argv, int *i, int *status)
{
	if (!strncmp(argv[*i], "--socket=", 9)) {
		c->sock = argv[*i] + 9;
	} else if (!strcmp(argv[*i], "--socket")) {
		if (*i + 1 == argc) {
			*status = ctl_usage_error(c, "--socket needs a PATH");
			return true;
		}
		c->sock = argv[++*i];
	} else {
		return false;
	}
	if (!*c->sock)
		*status = ctl_usage_error(c, "--socket needs a PATH");
	return true;
}

void ctl_command_help(const struct ctl *c, const struct subcommand *s)
{
	printf("Usage: %s [-j|--json] [--socket PATH] %s%s%s\n\n%s\n", c->prog,
	       s->name, s->args[0] ? " " : "", s->args, s->help);
}

bool ctl_common_args(struct ctl *c, int *argc, char **argv, int *status)
{
	const struct subcommand *s;
	int i, o = 1;

	*status = -1;
	for (i = 1; i < *argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			for (s = subcommands; s->name; s++)
				if (!strcmp(s->name, c->cmd))
					ctl_command_help(c, s);
			*status = EXIT_OK;
			return true;
		}
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j")) {
			c->json = true;
			continue;
		}
		if (ctl_socket_arg(c, *argc, argv, &i, status)) {
			if (*status >= 0)
				return true;
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
		return ctl_fail(c, EXIT_USAGE, ERRK_USAGE,
				"socket path too long: %s", c->sock);
	strcpy(sa.sun_path, c->sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ctl_fail(c, EXIT_FAIL, ERRK_CONNECT, "socket: %s",
				strerror(errno));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		c->fd = fd;
		return 0;
	}
	e = errno;
	close(fd);
	if (e == ENOENT || e == ECONNREFUSED) {
		/* Say what that means for the user, not just errno. */
		if (stat("/sys/module/consentwall", &sb) == 0)
			return ctl_fail(c, EXIT_FAIL, ERRK_CONNECT,
					"consentd is not running (nothing listens on %s): every purpose is blocked, since consentwall fails closed without its daemon; start consentd to restore your choices",
					c->sock);
		return ctl_fail(c, EXIT_FAIL, ERRK_CONNECT,
				"consentd is not running (nothing listens on %s); without it consentwall blocks every purpose, but the consentwall kernel module is not loaded here, so nothing is filtered at all",
				c->sock);
	}
	if (e == EACCES)
		return ctl_fail(c, EXIT_FAIL, ERRK_CONNECT,
				"cannot connect to consentd at %s: permission denied",
				c->sock);
	return ctl_fail(c, EXIT_FAIL, ERRK_CONNECT,
			"cannot connect to consentd at %s: %s", c->sock,
			strerror(e));
}

/* 0 once the request line is sent, else errno. */
static int send_request(struct ctl *c, const char *verb, int argc, char **argv)
{
	struct sbuf b;
	size_t off = 0;
	int i, e = 0;

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
			e = errno;
			break;
		}
		off += (size_t)n;
	}
	sbuf_free(&b);
	return e;
}

int ctl_send(struct ctl *c, const char *verb, int argc, char **argv)
{
	int e = send_request(c, verb, argc, argv);

	if (e)
		return ctl_fail(c, EXIT_FAIL, ERRK_CONNECT,
				"consentd closed the connection: %s",
				strerror(e));
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

int ctl_purpose_width(const struct reply *rep)
{
	int i, w = 20;

	for (i = 0; i < rep->n; i++) {
		const char *name = record_get(&rep->rec[i], "name");
		int len;

		if (strcmp(rep->rec[i].type, "purpose") || !name)
			continue;
		len = (int)strlen(name);
		if (len > w)
			w = len;
	}
	return w;
}

bool ctl_parse_err(const char *line, struct reply *rep)
{
	const char *sp;
	char kind[16];
	size_t l;

	if (strncmp(line, "ERR ", 4))
		return false;
	sp = strchr(line + 4, ' ');
	l = sp ? (size_t)(sp - line - 4) : strlen(line + 4);
	snprintf(kind, sizeof(kind), "%.*s", (int)l, line + 4);
	rep->err = proto_err_parse(kind);
	if (rep->err < 0)
		rep->err = PE_INTERNAL;
	free(rep->errmsg);
	rep->errmsg = xstrdup(sp ? sp + 1 : "error");
	return true;
}

/*
 * Collects one reply: records until OK (0) or ERR (-1, rep->err and
 * rep->errmsg set, nothing printed); any other failure is printed and its
 * exit status returned.
 */
static int read_reply(struct ctl *c, struct reply *rep)
{
	char *line;

	for (;;) {
		if (ctl_read_line(c, &line) <= 0)
			return ctl_fail(c, EXIT_FAIL, ERRK_CONNECT,
					"consentd closed the connection before answering");
		if (!strcmp(line, "OK")) {
			free(line);
			return 0;
		}
		if (ctl_parse_err(line, rep)) {
			free(line);
			return -1;
		}
		rep->lines = xrealloc(rep->lines,
				      (size_t)(rep->n + 1) * sizeof(*rep->lines));
		rep->rec = xrealloc(rep->rec,
				    (size_t)(rep->n + 1) * sizeof(*rep->rec));
		rep->lines[rep->n] = line;
		if (record_parse(line, &rep->rec[rep->n])) {
			rep->n++;
			return ctl_fail(c, EXIT_FAIL, ERRK_PROTOCOL,
					"consentd sent a malformed reply line (control protocol %d expected)",
					PROTO_VERSION);
		}
		rep->n++;
	}
}

/*
 * The VERSION answer, read before the reply to the request it was sent
 * with: a daemon that does not know VERSION, or speaks another protocol,
 * is named as such instead of having its answers misread.
 */
static int check_version(struct ctl *c)
{
	struct reply v = { .err = -1 };
	const char *p, *sw;
	uint32_t pv;
	int ret;

	ret = read_reply(c, &v);
	if (ret > 0) {
		reply_free(&v);
		return ret;
	}
	if (ret && v.err == PE_BUSY) {
		/* Refused before the handshake: not a matter of versions. */
		ret = ctl_report_error(c, &v);
		reply_free(&v);
		return ret;
	}
	if (ret) {
		ret = ctl_fail(c, EXIT_FAIL, ERRK_VERSION,
			       "consentd at %s does not speak control protocol %d (it refused VERSION: %s); install a consentd and consentctl of the same release (this consentctl is %s)",
			       c->sock, PROTO_VERSION,
			       v.errmsg ? v.errmsg : "no answer", CW_SOFTWARE_VERSION);
		reply_free(&v);
		return ret;
	}
	p = v.n == 1 && !strcmp(v.rec[0].type, "version") ?
	    record_get(&v.rec[0], "protocol") : NULL;
	sw = v.n == 1 ? record_get(&v.rec[0], "software") : NULL;
	if (!p || !parse_u32(p, UINT32_MAX, &pv) || pv != PROTO_VERSION) {
		ret = ctl_fail(c, EXIT_FAIL, ERRK_VERSION,
			       "consentd %s at %s speaks control protocol %s, this consentctl %s speaks %d: install a consentd and consentctl of the same release",
			       sw ? sw : "(unknown release)", c->sock,
			       p ? p : "(none given)", CW_SOFTWARE_VERSION,
			       PROTO_VERSION);
		reply_free(&v);
		return ret;
	}
	reply_free(&v);
	return 0;
}

int ctl_request(struct ctl *c, const char *verb, int argc, char **argv,
		struct reply *rep)
{
	int ret = 0;

	memset(rep, 0, sizeof(*rep));
	rep->err = -1;
	/*
	 * The handshake comes first and alone: a daemon of another protocol
	 * must not act on a request (ALLOW...) it might read differently.
	 */
	if (c->fd <= 0) {
		ret = ctl_connect(c);
		/*
		 * A busy consentd answers and closes at once, so the send may
		 * fail with its answer waiting: the reply says what happened.
		 */
		if (!ret) {
			send_request(c, "VERSION", 0, NULL);
			ret = check_version(c);
		}
	}
	if (!ret)
		ret = ctl_send(c, verb, argc, argv);
	if (!ret)
		ret = read_reply(c, rep);
	if (ret < 0)
		ret = ctl_report_error(c, rep);
	if (ret)
		reply_free(rep);
	return ret;
}

int ctl_report_error(struct ctl *c, const struct reply *rep)
{
	if (rep->err == PE_BUSY)
		return ctl_fail(c, EXIT_BUSY, proto_err_name(PE_BUSY),
				"consentd at %s is busy (%s)", c->sock,
				rep->errmsg);
	return ctl_fail(c, rep->err == PE_USAGE ? EXIT_USAGE : EXIT_FAIL,
			proto_err_name((enum proto_err)rep->err), "%s",
			rep->errmsg);
}

static bool is_list_type(const char *t, const char **key)
{
	static const char *const lists[][2] = {
		{ "purpose", "purposes" }, { "skipped", "skipped" },
		{ "event", "events" }, { "match", "matches" },
		{ "ident", "idents" },
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
	int i;

	json_obj(j);
	for (i = 0; i < r->n; i++) {
		json_key(j, r->key[i]);
		/* A list of names (purposes, identifier kinds), comma-separated on the wire. */
		if ((!strcmp(r->key[i], "purposes") || !strcmp(r->key[i], "kinds")) &&
		    r->kind[i] == PK_STR) {
			char *s = xstrdup(r->val[i]), *tok, *save = NULL;

			json_arr(j);
			for (tok = strtok_r(s, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save))
				json_str(j, tok);
			json_arr_end(j);
			free(s);
		} else if (r->kind[i] == PK_NUM) {
			json_u64(j, strtoull(r->val[i], NULL, 10));
		} else if (r->kind[i] == PK_BOOL) {
			json_bool(j, !strcmp(r->val[i], "true"));
		} else {
			json_str(j, r->val[i]);
		}
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
