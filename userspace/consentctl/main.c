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
	  "Show whether consentd and the kernel module are in control, lost\n"
	  "events, each skipped rules file and what is in force instead, and\n"
	  "the consent of every purpose." },
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
	  "with --follow keep printing new ones as they happen; a GAP line\n"
	  "marks where consentd lost events. An attempt that carried one of the\n"
	  "handset's identifiers ends with its kind and form (never its value).\n"
	  "With --json, --follow prints one JSON object per line. Needs root or\n"
	  "the daemon's control group." },
	{ "stats", cmd_stats, "",
	  "Show the kernel's counters: per purpose packets and bytes blocked and\n"
	  "allowed since the ruleset was committed; the identifier scan's, and\n"
	  "the identifiers blocked per kind and form." },
	{ "explain", cmd_explain, "PROTO ADDR PORT [--uid UID] [--name HOST]",
	  "Ask the kernel what it would do with a packet: PROTO is tcp, udp,\n"
	  "icmp, icmpv6 or a number; ADDR an IPv4 or IPv6 destination. Prints\n"
	  "the verdict and every purpose that matched, and whether identifiers\n"
	  "in clear would be blocked. Sends nothing." },
	{ "get", cmd_get, "PURPOSE",
	  "Print the consent of one PURPOSE. The exit status is the answer: 0\n"
	  "allowed, 1 denied; 2 on a usage error, 3 on any other error\n"
	  "(consentd not running, no such purpose) and 4 when consentd is\n"
	  "busy, with one line on stderr." },
	{ "reload", cmd_reload, "",
	  "Reload the rules directory. On any error the running ruleset stays\n"
	  "and the error is printed as file:line:column. Needs root or the\n"
	  "daemon's control group." },
	{ "help", cmd_help, "[COMMAND]",
	  "Describe consentctl, or one COMMAND." },
	{ NULL, NULL, NULL, NULL },
};

static void usage(FILE *f, const char *prog)
{
	const struct subcommand *s;

	fprintf(f, "Usage: %s [-j|--json] [--socket PATH] COMMAND [ARGS]\n\n"
		"Commands:\n", prog);
	for (s = subcommands; s->name; s++)
		fprintf(f, "  %s%s%s\n", s->name, s->args[0] ? " " : "", s->args);
	fprintf(f, "\nOptions (before or after COMMAND):\n"
		"  -j, --json     machine-readable output (valid JSON)\n"
		"  --socket PATH  consentd's control socket (default %s)\n"
		"  -h, --help     this text; after COMMAND, that command's\n"
		"  --version      consentctl's release and control protocol\n"
		"\n'%s help COMMAND' or '%s COMMAND --help' describes a command.\n"
		"Exit status: 0 success, 1 failure (permission denied too), 2 usage\n"
		"error, 4 consentd busy, try again (get: 0 allowed, 1 denied, 2 usage\n"
		"error, 3 other error, 4 busy).\n",
		CW_DEFAULT_SOCKET, prog, prog);
}

int cmd_help(struct ctl *c, int argc, char **argv)
{
	const struct subcommand *s;
	int st;

	if (ctl_common_args(c, &argc, argv, &st))
		return st;
	if (argc == 1) {
		usage(stdout, c->prog);
		return EXIT_OK;
	}
	if (argc > 2)
		return ctl_usage_error(c, "help takes at most one COMMAND");
	for (s = subcommands; s->name; s++) {
		if (!strcmp(s->name, argv[1])) {
			ctl_command_help(c, s);
			return EXIT_OK;
		}
	}
	c->cmd = NULL;
	return ctl_usage_error(c, "unknown command '%s'", argv[1]);
}

int main(int argc, char **argv)
{
	struct ctl c = { .sock = CW_DEFAULT_SOCKET, .prog = "consentctl" };
	const struct subcommand *s;
	int i, st = -1;

	/* Options before the command; each command takes them after it too. */
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j")) {
			c.json = true;
		} else if (ctl_socket_arg(&c, argc, argv, &i, &st)) {
			if (st >= 0)
				return st;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout, c.prog);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--version")) {
			printf("consentctl %s (control protocol %d)\n",
			       CW_SOFTWARE_VERSION, PROTO_VERSION);
			return EXIT_OK;
		} else if (argv[i][0] == '-') {
			return ctl_usage_error(&c, "unknown option '%s'",
					       argv[i]);
		} else {
			break;
		}
	}
	if (i == argc)
		return ctl_usage_error(&c, "missing COMMAND");
	for (s = subcommands; s->name; s++) {
		if (!strcmp(s->name, argv[i])) {
			c.cmd = s->name;
			return s->fn(&c, argc - i, argv + i);
		}
	}
	return ctl_usage_error(&c, "unknown command '%s'", argv[i]);
}
