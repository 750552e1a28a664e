// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * get PURPOSE: what a settings toggle needs. The exit status is the
 * answer (0 allowed, 1 denied), so every failure exits EXIT_GET_ERROR and
 * a caller can never read an error as "denied".
 */
#include <string.h>

#include "ctl.h"

int cmd_get(struct ctl *c, int argc, char **argv)
{
	const struct record *r = NULL;
	struct reply rep;
	struct sbuf known;
	int ret, i, st;
	bool allowed;

	c->fail_status = EXIT_GET_ERROR;
	if (ctl_common_args(c, &argc, argv, &st))
		return st;
	if (argc != 2 || argv[1][0] == '-')
		return ctl_usage_error(c, argc < 2 ? "get needs a PURPOSE" :
				       "get takes one PURPOSE, not '%s'",
				       argv[argc < 2 ? 0 : argc - 1]);
	ret = ctl_request(c, "PURPOSES", 0, NULL, &rep);
	if (ret)
		return ret;
	for (i = 0; i < rep.n; i++)
		if (!strcmp(rep.rec[i].type, "purpose") &&
		    !strcmp(record_get(&rep.rec[i], "name") ?: "", argv[1]))
			r = &rep.rec[i];
	if (!r) {
		sbuf_init(&known);
		for (i = 0; i < rep.n; i++)
			if (!strcmp(rep.rec[i].type, "purpose"))
				sbuf_printf(&known, "%s%s", known.len ? ", " : "",
					    record_get(&rep.rec[i], "name") ?: "?");
		ret = ctl_fail(c, EXIT_GET_ERROR, ERRK_PURPOSE,
			       "no purpose '%s' in the loaded rules (known: %s)",
			       argv[1], known.len ? known.s : "none");
		sbuf_free(&known);
		reply_free(&rep);
		return ret;
	}
	allowed = !strcmp(record_get(r, "consent") ?: "", "allowed");
	if (c->json) {
		struct json j;

		json_init(&j);
		json_obj(&j);
		json_key(&j, "purpose");
		json_record(&j, r);
		json_obj_end(&j);
		json_print(&j);
		json_free(&j);
	} else {
		/* Denied says why: never allowed, withdrawn, rules changed... */
		if (allowed)
			printf("%s: allowed\n", argv[1]);
		else
			printf("%s: denied (%s)\n", argv[1],
			       record_get(r, "reason") ?: "?");
	}
	reply_free(&rep);
	return allowed ? EXIT_OK : EXIT_FAIL;
}
