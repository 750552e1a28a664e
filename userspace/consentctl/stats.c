// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <string.h>

#include "ctl.h"

int cmd_stats(struct ctl *c, int argc, char **argv)
{
	static const char *const ensure[] = { "purpose", "ident", NULL };
	struct reply rep;
	int ret, i, st, w;
	bool idents = false;

	if (ctl_common_args(c, &argc, argv, &st))
		return st;
	if (argc != 1)
		return ctl_usage_error(c, "stats takes no arguments");
	ret = ctl_request(c, "STATS", 0, NULL, &rep);
	if (ret)
		return ret;
	if (c->json) {
		json_print_records(&rep, ensure);
		reply_free(&rep);
		return EXIT_OK;
	}
	w = ctl_purpose_width(&rep);
	for (i = 0; i < rep.n; i++) {
		const struct record *r = &rep.rec[i];

		if (!strcmp(r->type, "counters")) {
			printf("ruleset generation %s: %s entries, %s bytes; %s commits\n",
			       record_get(r, "generation"),
			       record_get(r, "entries"), record_get(r, "memory"),
			       record_get(r, "commits"));
			printf("events: %s sent, %s dropped by the rate limit; owner releases: %s\n",
			       record_get(r, "events_sent"),
			       record_get(r, "events_dropped"),
			       record_get(r, "owner_releases"));
			printf("blocked while unconfigured: %s; blocked because a name could not be read: %s\n",
			       record_get(r, "unconfigured_blocked"),
			       record_get(r, "names_failed"));
			printf("identifiers: scanned %s, skipped %s (TLS/QUIC), blocked %s\n\n",
			       record_get(r, "idents_scanned"),
			       record_get(r, "idents_skipped"),
			       record_get(r, "idents_blocked"));
			printf("%-*s %12s %14s %12s %14s\n", w, "PURPOSE",
			       "BLOCKED PKTS", "BLOCKED BYTES", "ALLOWED PKTS",
			       "ALLOWED BYTES");
		} else if (!strcmp(r->type, "purpose")) {
			printf("%-*s %12s %14s %12s %14s\n", w,
			       record_get(r, "name"),
			       record_get(r, "blocked_packets"),
			       record_get(r, "blocked_bytes"),
			       record_get(r, "allowed_packets"),
			       record_get(r, "allowed_bytes"));
		} else if (!strcmp(r->type, "ident")) {
			if (!idents)
				printf("\n%-36s %12s\n",
				       "cleartext-identifiers: KIND FORM",
				       "BLOCKED");
			idents = true;
			printf("%-14s %-21s %12s\n", record_get(r, "kind"),
			       record_get(r, "form"), record_get(r, "blocked"));
		}
	}
	reply_free(&rep);
	return EXIT_OK;
}
