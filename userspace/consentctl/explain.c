// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

int cmd_explain(struct ctl *c, int argc, char **argv)
{
	static const char *const ensure[] = { "match", NULL };
	char *args[5], uidarg[32], namearg[300];
	unsigned char a[16];
	struct reply rep;
	int ret, i, n = 0, st, pos = 0;
	uint32_t v;

	if (ctl_common_args(c, &argc, argv, &st))
		return st;
	uidarg[0] = namearg[0] = '\0';
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--uid") && i + 1 < argc) {
			if (!parse_u32(argv[++i], CW_UID_MAX, &v))
				return ctl_usage_error(c, "--uid needs a number, not '%s'",
						       argv[i]);
			snprintf(uidarg, sizeof(uidarg), "uid=%u", v);
		} else if (!strcmp(argv[i], "--name") && i + 1 < argc) {
			if (!*argv[++i] || strlen(argv[i]) > 253)
				return ctl_usage_error(c, "--name needs a host name of 1-253 bytes");
			snprintf(namearg, sizeof(namearg), "name=%s", argv[i]);
		} else if (argv[i][0] == '-' || pos == 3) {
			return ctl_usage_error(c, "unexpected argument '%s'",
					       argv[i]);
		} else {
			args[pos++] = argv[i];
		}
	}
	if (pos != 3)
		return ctl_usage_error(c, "explain needs PROTO ADDR PORT");
	if (!parse_ip_proto(args[0], &v))
		return ctl_usage_error(c, "PROTO must be tcp, udp, icmp, icmpv6 or 0-255, not '%s'",
				       args[0]);
	if (inet_pton(AF_INET, args[1], a) != 1 &&
	    inet_pton(AF_INET6, args[1], a) != 1)
		return ctl_usage_error(c, "ADDR must be an IPv4 or IPv6 address, not '%s'",
				       args[1]);
	if (!parse_u32(args[2], 65535, &v))
		return ctl_usage_error(c, "PORT must be 0-65535, not '%s'",
				       args[2]);
	n = 3;
	if (uidarg[0])
		args[n++] = uidarg;
	if (namearg[0])
		args[n++] = namearg;
	ret = ctl_request(c, "EXPLAIN", n, args, &rep);
	if (ret)
		return ret;
	if (c->json) {
		json_print_records(&rep, ensure);
	} else {
		const char *verdict = "?", *app = NULL, *user = NULL;
		const char *v4 = NULL, *pfx = NULL, *learned = NULL;
		int m = 0;

		for (i = 0; i < rep.n; i++)
			if (!strcmp(rep.rec[i].type, "verdict")) {
				verdict = record_get(&rep.rec[i], "verdict");
				app = record_get(&rep.rec[i], "app");
				user = record_get(&rep.rec[i], "user");
				v4 = record_get(&rep.rec[i], "nat64_ipv4");
				pfx = record_get(&rep.rec[i], "nat64_prefix");
				learned = record_get(&rep.rec[i],
						     "learned_name");
			}
		printf("%s", verdict);
		for (i = 0; i < rep.n; i++) {
			if (strcmp(rep.rec[i].type, "match"))
				continue;
			printf("%s %s (%s)", m++ ? "," : ": matches",
			       record_get(&rep.rec[i], "name"),
			       record_get(&rep.rec[i], "consent"));
			if (record_get(&rep.rec[i], "nat64_entry"))
				printf(" by %s",
				       record_get(&rep.rec[i], "nat64_entry"));
		}
		printf("%s", m ? "" : ": matches no purpose");
		if (v4)
			printf("; as %s under the NAT64 prefix %s", v4,
			       pfx ? pfx : "?");
		if (learned)
			printf("; the address was learned from a DNS answer for %s",
			       learned);
		if (app)
			printf("; the app is %s (user %s)", app, user ? user : "?");
		putchar('\n');
		for (i = 0; i < rep.n; i++) {
			const struct record *r = &rep.rec[i];
			const char *kinds = record_get(r, "kinds");
			const char *consent = record_get(r, "consent");

			if (strcmp(r->type, "identifiers"))
				continue;
			printf("identifiers: payloads carrying ");
			for (; kinds && *kinds; kinds++)
				if (*kinds == ',')
					fputs(", ", stdout);
				else
					putchar(*kinds);
			if (consent && !strcmp(consent, "allowed"))
				printf(" in clear pass (%s is allowed)\n",
				       record_get(r, "purpose"));
			else
				printf(" in clear are blocked, to this and any destination, while %s is denied\n",
				       record_get(r, "purpose"));
		}
	}
	reply_free(&rep);
	return EXIT_OK;
}
