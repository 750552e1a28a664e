// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"

static const char *get(const struct record *r, const char *k)
{
	const char *v = record_get(r, k);

	return v ? v : "";
}

static void print_purposes(const struct reply *rep, bool detail)
{
	int i, w = ctl_purpose_width(rep);

	printf("%-*s %-8s %7s  %s\n", w, "PURPOSE", "CONSENT", "ENTRIES",
	       detail ? "WHY" : "DESCRIPTION");
	for (i = 0; i < rep->n; i++) {
		const struct record *r = &rep->rec[i];

		if (strcmp(r->type, "purpose"))
			continue;
		printf("%-*s %-8s %7s  %s\n", w, get(r, "name"),
		       get(r, "consent"), get(r, "entries"),
		       detail ? get(r, "reason") : get(r, "description"));
		if (detail && record_get(r, "decided_at")) {
			time_t t = (time_t)strtoll(get(r, "decided_at"), NULL, 10);
			char ts[32];
			struct tm tm;

			gmtime_r(&t, &tm);
			strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S UTC", &tm);
			printf("%-*s last decision: %s by uid %s at %s\n", w, "",
			       get(r, "decision"), get(r, "decided_by"), ts);
		}
	}
}

int cmd_status(struct ctl *c, int argc, char **argv)
{
	static const char *const ensure[] = { "purpose", "skipped", NULL };
	struct reply rep;
	int ret, i, st;

	if (ctl_common_args(c, &argc, argv, &st))
		return st;
	if (argc != 1)
		return ctl_usage_error(c, "status takes no arguments");
	ret = ctl_request(c, "STATUS", 0, NULL, &rep);
	if (ret)
		return ret;
	if (c->json) {
		json_print_records(&rep, ensure);
		reply_free(&rep);
		return EXIT_OK;
	}
	for (i = 0; i < rep.n; i++) {
		const struct record *r = &rep.rec[i];

		if (!strcmp(r->type, "daemon")) {
			printf("consentd: running (pid %s)\n", get(r, "pid"));
			if (!strcmp(get(r, "kernel"), "connected"))
				printf("kernel:   connected, ruleset generation %s in force\n",
				       get(r, "generation"));
			else
				printf("kernel:   NOT under consentd's control: %s\n"
				       "          (while so, consentwall blocks every purpose)\n",
				       get(r, "kernel_error"));
			printf("rules:    %s purposes, %s entries from %s",
			       get(r, "purposes"), get(r, "entries"),
			       get(r, "rules_dir"));
			if (*get(r, "vendor_rules_dir"))
				printf(" over %s", get(r, "vendor_rules_dir"));
			putchar('\n');
			printf("receipts: %s (%s)\n", get(r, "state_file"),
			       get(r, "receipts"));
			printf("events:   %s blocked attempts seen, %s gaps (events lost), %s netlink overruns\n",
			       get(r, "events"), get(r, "event_gaps"),
			       get(r, "netlink_overruns"));
			if (!strcmp(get(r, "you_may_change"), "false"))
				printf("note:     you may read, but not change, consent\n");
		} else if (!strcmp(r->type, "kernel")) {
			printf("module:   %s, %s entries, %s bytes, %s events dropped, %s blocked DNS queries answered\n",
			       strcmp(get(r, "policed"), "true") ? "not policing" :
			       "policing", get(r, "entries"), get(r, "memory"),
			       get(r, "events_dropped"), get(r, "dns_answered"));
			printf("flows:    %s remembered by name, %s cut on withdrawal, %s refused (memory full)\n",
			       get(r, "flows_remembered"), get(r, "flows_revoked"),
			       get(r, "flows_refused"));
			printf("identifiers: scanned %s, skipped %s (TLS/QUIC), blocked %s\n",
			       get(r, "idents_scanned"), get(r, "idents_skipped"),
			       get(r, "idents_blocked"));
		} else if (!strcmp(r->type, "skipped")) {
			printf("SKIPPED:  %s\n", get(r, "error"));
			if (!strcmp(get(r, "in_force"), "last good version"))
				printf("          in force instead: its last good version (purposes %s)\n",
				       get(r, "purposes"));
			else
				printf("          in force instead: %s\n",
				       strncmp(get(r, "in_force"), "nothing", 7) ?
				       get(r, "in_force") :
				       "nothing, no ruleset was committed: every purpose stays blocked");
		}
	}
	putchar('\n');
	print_purposes(&rep, false);
	reply_free(&rep);
	return EXIT_OK;
}

int cmd_purposes(struct ctl *c, int argc, char **argv)
{
	static const char *const ensure[] = { "purpose", NULL };
	struct reply rep;
	int ret, st;

	if (ctl_common_args(c, &argc, argv, &st))
		return st;
	if (argc != 1)
		return ctl_usage_error(c, "purposes takes no arguments");
	ret = ctl_request(c, "PURPOSES", 0, NULL, &rep);
	if (ret)
		return ret;
	if (c->json) {
		json_print_records(&rep, ensure);
	} else {
		print_purposes(&rep, true);
	}
	reply_free(&rep);
	return EXIT_OK;
}
