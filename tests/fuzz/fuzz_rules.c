// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The rules parser (userspace/lib/rules.c) on arbitrary files: either
 * consentwall.rules(5) text or, with the first byte odd, a domain list.
 * Whatever the input: no crash, no leak, and what it accepts is what the
 * kernel would accept (valid purpose names, sane entries), finalised
 * twice to the same digests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../../userspace/lib/packages.h"
#include "../../userspace/lib/rules.h"
#include "fuzz_check.h"

static void check_purpose(const struct rule_purpose *p)
{
	size_t i;

	FUZZ_CHECK(cw_purpose_name_valid(p->name));
	FUZZ_CHECK(strlen(p->desc) < sizeof(p->desc));
	for (i = 0; i < p->n; i++) {
		const struct rule_entry *e = &p->e[i];

		FUZZ_CHECK(e->type <= RULE_APP);
		if (e->type == RULE_ADDR) {
			FUZZ_CHECK(e->family == AF_INET || e->family == AF_INET6);
			FUZZ_CHECK(e->prefixlen <= (e->family == AF_INET ? 32 : 128));
			FUZZ_CHECK(e->port_min <= e->port_max);
		} else if (e->type == RULE_DOMAIN) {
			FUZZ_CHECK(e->domain && *e->domain);
			FUZZ_CHECK(strlen(e->domain) <= 253);
		} else if (e->type == RULE_APP) {
			FUZZ_CHECK(e->domain && pkg_name_valid(e->domain));
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[RULES_ERR_MAX], digest[65];
	struct rule_purpose lp;
	struct rules r;
	size_t i;
	int ret;

	if (!size)
		return 0;
	if (data[0] & 1) {
		memset(&lp, 0, sizeof(lp));
		strcpy(lp.name, "fuzz");
		err[0] = '\0';
		ret = rules_parse_list(&lp, "data/fuzz.domains",
				       (const char *)data + 1, size - 1, err,
				       sizeof(err));
		FUZZ_CHECK(ret == 0 || err[0]);
		if (!ret)
			check_purpose(&lp);
		for (i = 0; i < lp.n; i++)
			free(lp.e[i].domain);
		free(lp.e);
		return 0;
	}
	rules_init(&r);
	err[0] = '\0';
	ret = rules_parse(&r, "data/fuzz.rules", (const char *)data + 1,
			  size - 1, err, sizeof(err));
	/* Every refusal says where and why. */
	FUZZ_CHECK(ret == 0 || !strncmp(err, "data/", 5));
	if (!ret) {
		FUZZ_CHECK(r.n <= CW_PURPOSES_MAX);
		rules_finalize(&r);
		for (i = 0; i < r.n; i++) {
			check_purpose(r.p[i]);
			memcpy(digest, r.p[i]->digest, sizeof(digest));
			rules_finalize(&r);
			FUZZ_CHECK(!strcmp(digest, r.p[i]->digest));
		}
	}
	rules_free(&r);
	return 0;
}
