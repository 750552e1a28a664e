// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * consentctl: the settings CLI of consentwall. The subcommand table is the
 * whole command line grammar; each entry's function lives in its own file.
 */
#include <stdio.h>
#include <string.h>

#include "ctl.h"

const struct subcommand subcommands[] = {
	{ "status", cmd_status, "",
	  "Show whether consentd and the kernel module are in control, and the\n"
	  "consent of every purpose." },
	{ "purposes", cmd_purposes, "",
	  "List the purposes of the loaded rules with their consent, why, and\n"
	  "who decided when." },
	{ "allow", cmd_allow, "PURPOSE...",
	  "Grant consent to each PURPOSE. It is in force in the kernel when this\n"
	  "command returns. Needs root or the daemon's control group." },
	{ "deny", cmd_deny, "PURPOSE...",
	  "Withdraw consent for each PURPOSE; its traffic is blocked when this\n"
	  "command returns. Needs root or the daemon's control group." },
	{ "log", cmd_log, "[-n N] [--follow]",
	  "Show the blocked attempts consentd kept (the last N with -n), then\n"
	  "with --follow keep printing new ones as they happen. With --json,\n"
	  "--follow prints one JSON object per line." },
	{ "stats", cmd_stats, "",
	  "Show the kernel's counters: per purpose packets and bytes blocked and\n"
	  "allowed since the ruleset was committed." },
	{ "explain", cmd_explain, "PROTO ADDR PORT [--uid UID] [--name HOST]",
	  "Ask the kernel what it would do with a packet: PROTO is tcp, udp,\n"
	  "icmp, icmpv6 or a number; ADDR an IPv4 or IPv6 destination. Prints\n"
	  "the verdict and every purpose that matched. Sends nothing." },
	{ "reload", cmd_reload, "",
	  "Reload the rules directory. On any error the running ruleset stays\n"
	  "and the error is printed as file:line:column. Needs root or the\n"
	  "daemon's control group." },
	{ NULL, NULL, NULL, NULL },
};

static void usage(FILE *f, const char *prog)
{
	const struct subcommand *s;

	fprintf(f, "Usage: %s [--json] [--socket PATH] COMMAND [ARGS]\n\n"
		"Commands:\n", prog);
	for (s = subcommands; s->name; s++)
		fprintf(f, "  %-9s %s\n", s->name, s->args);
	fprintf(f, "\nOptions:\n"
		"  --json         machine-readable output (valid JSON)\n"
		"  --socket PATH  consentd's control socket (default %s)\n"
		"\n'%s COMMAND --help' describes a command.\n"
		"Exit status: 0 success, 1 failure, 2 usage error.\n",
		DEFAULT_SOCKET, prog);
}

int main(int argc, char **argv)
{
	struct ctl c = { .sock = DEFAULT_SOCKET, .prog = "consentctl" };
	const struct subcommand *s;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			c.json = true;
		} else if (!strcmp(argv[i], "--socket")) {
			if (++i == argc)
				return ctl_usage_error(&c, "--socket needs a PATH");
			c.sock = argv[i];
		} else if (!strncmp(argv[i], "--socket=", 9)) {
			c.sock = argv[i] + 9;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout, c.prog);
			return EXIT_OK;
		} else if (argv[i][0] == '-') {
			return ctl_usage_error(&c, "unknown option '%s'",
					       argv[i]);
		} else {
			break;
		}
	}
	if (i == argc) {
		return ctl_usage_error(&c, "missing COMMAND");
	}
	for (s = subcommands; s->name; s++) {
		if (!strcmp(s->name, argv[i])) {
			c.cmd = s->name;
			return s->fn(&c, argc - i, argv + i);
		}
	}
	return ctl_usage_error(&c, "unknown command '%s'", argv[i]);
}
