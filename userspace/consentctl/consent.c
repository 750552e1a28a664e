// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Shared by allow.c and deny.c: the same request with another verb. */
#include <string.h>

#include "ctl.h"
#include "consent.h"

int ctl_consent(struct ctl *c, int argc, char **argv, bool grant)
{
	static const char *const ensure[] = { "purpose", NULL };
	struct reply rep;
	int ret, i, st;

	if (ctl_common_args(c, &argc, argv, &st))
		return st;
	if (argc < 2)
		return ctl_usage_error(c, "%s needs at least one PURPOSE",
				       c->cmd);
	for (i = 1; i < argc; i++)
		if (argv[i][0] == '-')
			return ctl_usage_error(c, "unknown option '%s'",
					       argv[i]);
	ret = ctl_request(c, grant ? "ALLOW" : "DENY", argc - 1, argv + 1,
			  &rep);
	if (ret)
		return ret;
	if (c->json) {
		json_print_records(&rep, ensure);
	} else {
		for (i = 0; i < rep.n; i++) {
			const char *k = record_get(&rep.rec[i], "kernel");

			printf("%s: %s%s\n", grant ? "allowed" : "denied",
			       record_get(&rep.rec[i], "name"),
			       k && !strcmp(k, "applied") ?
			       " (in force in the kernel)" :
			       " (recorded; the kernel module is not connected)");
		}
	}
	reply_free(&rep);
	return EXIT_OK;
}
