// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <string.h>

#include "ctl.h"

int cmd_reload(struct ctl *c, int argc, char **argv)
{
	struct reply rep;
	int ret, i, st;

	if (ctl_common_args(c, &argc, argv, &st))
		return st;
	if (argc != 1)
		return ctl_usage_error(c, "reload takes no arguments");
	ret = ctl_request(c, "RELOAD", 0, NULL, &rep);
	if (ret)
		return ret;
	if (c->json) {
		json_print_records(&rep, NULL);
	} else {
		for (i = 0; i < rep.n; i++) {
			const struct record *r = &rep.rec[i];

			if (strcmp(r->type, "reload"))
				continue;
			printf("reloaded: %s purposes, %s entries; kernel: %s",
			       record_get(r, "purposes"), record_get(r, "entries"),
			       record_get(r, "kernel"));
			if (!strcmp(record_get(r, "kernel"), "committed"))
				printf(" (generation %s)", record_get(r, "generation"));
			putchar('\n');
		}
	}
	reply_free(&rep);
	return EXIT_OK;
}
