/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * consentctl: one file per subcommand, like wireguard-tools. Each
 * subcommand parses its own arguments, sends one request to consentd and
 * formats the reply, as text or, with --json, as JSON.
 */
#ifndef CW_CTL_H
#define CW_CTL_H

#include <stdbool.h>
#include <stdio.h>

#include "../lib/json.h"
#include "../lib/proto.h"

/*
 * Exit statuses. get answers with its status (0 allowed, 1 denied), so
 * its failures take EXIT_GET_ERROR instead of EXIT_FAIL. EXIT_BUSY is
 * consentd refusing the connection for now (ERR busy): worth a retry.
 */
enum {
	EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_GET_ERROR = 3,
	EXIT_BUSY = 4,
};

/*
 * The "kind" of a JSON error object: the daemon's ERR kinds
 * (proto_err_name()) and these, for what goes wrong in consentctl itself.
 */
#define ERRK_USAGE	"usage"		/* the command line is wrong */
#define ERRK_CONNECT	"connect"	/* consentd cannot be reached */
#define ERRK_VERSION	"version"	/* consentd speaks another protocol */
#define ERRK_PROTOCOL	"protocol"	/* consentd's reply is malformed */
#define ERRK_PURPOSE	"purpose"	/* no such purpose (get) */

struct ctl {
	const char *sock;
	bool json;
	const char *prog;	/* "consentctl" */
	const char *cmd;	/* the subcommand */
	int fd;
	int fail_status;	/* 0, or what EXIT_FAIL becomes */
};

struct reply {
	struct record *rec;
	char **lines;		/* storage behind rec */
	int n;
	int err;		/* -1 OK, else enum proto_err */
	char *errmsg;
};

struct subcommand {
	const char *name;
	int (*fn)(struct ctl *c, int argc, char **argv);
	const char *args;
	const char *help;
};

extern const struct subcommand subcommands[];

int cmd_status(struct ctl *c, int argc, char **argv);
int cmd_purposes(struct ctl *c, int argc, char **argv);
int cmd_allow(struct ctl *c, int argc, char **argv);
int cmd_deny(struct ctl *c, int argc, char **argv);
int cmd_log(struct ctl *c, int argc, char **argv);
int cmd_stats(struct ctl *c, int argc, char **argv);
int cmd_explain(struct ctl *c, int argc, char **argv);
int cmd_reload(struct ctl *c, int argc, char **argv);
int cmd_get(struct ctl *c, int argc, char **argv);
int cmd_help(struct ctl *c, int argc, char **argv);

/* client.c */
int ctl_connect(struct ctl *c);
int ctl_send(struct ctl *c, const char *verb, int argc, char **argv);
/* Reads one line, malloc'd into *line: 1, or 0 at EOF, -1 on error. */
int ctl_read_line(struct ctl *c, char **line);
/* An ERR line into rep->err and rep->errmsg; false if it is no ERR line. */
bool ctl_parse_err(const char *line, struct reply *rep);
/* Sends a request and collects the reply; returns an exit status. */
int ctl_request(struct ctl *c, const char *verb, int argc, char **argv,
		struct reply *rep);
void reply_free(struct reply *rep);
/*
 * The width of a table's purpose column: the longest name of the reply's
 * purpose records, at least 20 (what the tables had before a longer name).
 */
int ctl_purpose_width(const struct reply *rep);
/* Prints the daemon's error (text or JSON); returns the exit status. */
int ctl_report_error(struct ctl *c, const struct reply *rep);
/* One line on stderr (and the error object with --json); returns status. */
__attribute__((format(printf, 4, 5)))
int ctl_fail(struct ctl *c, int status, const char *kind, const char *fmt, ...);
/*
 * Takes the options valid anywhere out of a command's argv (-j/--json,
 * --socket PATH, -h/--help); true when the command is over (help was
 * printed, or an option was wrong), with its exit status in *status.
 */
bool ctl_common_args(struct ctl *c, int *argc, char **argv, int *status);
/* --socket PATH / --socket=PATH at argv[*i]: true if it was one. */
bool ctl_socket_arg(struct ctl *c, int argc, char **argv, int *i, int *status);
void ctl_command_help(const struct ctl *c, const struct subcommand *s);
__attribute__((format(printf, 2, 3)))
int ctl_usage_error(struct ctl *c, const char *fmt, ...);

/* Records of a reply to JSON: types as keys, repeated types as arrays. */
void json_records(struct json *j, const struct reply *rep,
		  const char *const *ensure);
void json_record(struct json *j, const struct record *r);
void json_print(struct json *j);
/* json_records() of the whole reply, printed: what --json shows. */
void json_print_records(const struct reply *rep, const char *const *ensure);

#endif
