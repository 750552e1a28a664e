// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"

/*
 * An entry of the log in JSON: an event object, or {"gap":{...}} where
 * consentd lost events, so that a gap keeps its place among them.
 */
static void json_entry(struct json *j, const struct record *r)
{
	bool gap = !strcmp(r->type, "gap");

	if (gap) {
		json_obj(j);
		json_key(j, "gap");
	}
	json_record(j, r);
	if (gap)
		json_obj_end(j);
}

static void print_event(struct ctl *c, const struct record *r)
{
	const char *v;
	char ts[32];
	time_t t;
	struct tm tm;

	if (strcmp(r->type, "event") && strcmp(r->type, "gap"))
		return;
	if (c->json) {
		struct json j;

		json_init(&j);
		json_entry(&j, r);
		json_print(&j);
		json_free(&j);
		return;
	}
	v = record_get(r, "time");
	t = v ? (time_t)strtoll(v, NULL, 10) : 0;
	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", &tm);
	if (!strcmp(r->type, "gap")) {
		v = record_get(r, "reason");
		printf("%s GAP      events were lost here (%s)\n", ts,
		       v ? v : "reason unknown");
		fflush(stdout);
		return;
	}
	v = record_get(r, "addr");
	printf("%s blocked %-16s %s %s%s%s:%s", ts,
	       record_get(r, "purposes") ? record_get(r, "purposes") : "?",
	       record_get(r, "proto") ? record_get(r, "proto") : "?",
	       v && strchr(v, ':') ? "[" : "", v ? v : "?",
	       v && strchr(v, ':') ? "]" : "",
	       record_get(r, "port") ? record_get(r, "port") : "0");
	if ((v = record_get(r, "uid")))
		printf(" uid %s", v);
	if ((v = record_get(r, "app")))
		printf(" (%s, user %s)", v, record_get(r, "user") ?
		       record_get(r, "user") : "?");
	if ((v = record_get(r, "name")))
		printf(" %s", v);
	if ((v = record_get(r, "ident_kind")))
		printf(" carrying %s %s", v, record_get(r, "ident_form") ?
		       record_get(r, "ident_form") : "?");
	if ((v = record_get(r, "count")) && strcmp(v, "1"))
		printf(" (%s attempts)", v);
	putchar('\n');
	fflush(stdout);
}

int cmd_log(struct ctl *c, int argc, char **argv)
{
	char *args[1], nbuf[24];
	struct reply rep;
	bool follow = false;
	long n = -1;
	int i, ret, st;

	if (ctl_common_args(c, &argc, argv, &st))
		return st;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--follow") || !strcmp(argv[i], "-f")) {
			follow = true;
		} else if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			char *end;

			n = strtol(argv[++i], &end, 10);
			if (*end || n < 0 || n > 1000000 || !*argv[i])
				return ctl_usage_error(c, "-n needs a count of 0-1000000, not '%s'",
						       argv[i]);
		} else {
			return ctl_usage_error(c, "unexpected argument '%s'",
					       argv[i]);
		}
	}
	if (n >= 0) {
		snprintf(nbuf, sizeof(nbuf), "%ld", n);
		args[0] = nbuf;
	}
	ret = ctl_request(c, "LOG", n >= 0, args, &rep);
	if (ret)
		return ret;
	if (c->json && !follow) {
		struct json j;

		json_init(&j);
		json_obj(&j);
		json_key(&j, "events");
		json_arr(&j);
		for (i = 0; i < rep.n; i++)
			if (!strcmp(rep.rec[i].type, "event") ||
			    !strcmp(rep.rec[i].type, "gap"))
				json_entry(&j, &rep.rec[i]);
		json_arr_end(&j);
		json_obj_end(&j);
		json_print(&j);
		json_free(&j);
	} else {
		for (i = 0; i < rep.n; i++)
			print_event(c, &rep.rec[i]);
	}
	reply_free(&rep);
	if (!follow)
		return EXIT_OK;
	ret = ctl_send(c, "FOLLOW", 0, NULL);
	if (ret)
		return ret;
	for (;;) {
		struct record r;
		char *line;

		ret = ctl_read_line(c, &line);
		if (ret <= 0)
			return ctl_fail(c, EXIT_FAIL, ERRK_CONNECT,
					"consentd closed the connection: it stopped (every purpose is blocked until it is back), or this reader fell too far behind");
		rep.err = -1;
		if (ctl_parse_err(line, &rep)) {
			free(line);
			ret = ctl_report_error(c, &rep);
			reply_free(&rep);
			return ret;
		}
		if (!record_parse(line, &r))
			print_event(c, &r);
		free(line);
	}
}
