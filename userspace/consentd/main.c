// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * consentd: the only voice that tells consentwall.ko what the user agreed
 * to. main() parses the flags and runs the poll loop; everything else lives
 * in policy.c (decisions), kernel.c (netlink), control.c (the socket),
 * events.c (blocked attempts).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <syslog.h>
#include <unistd.h>

#include "daemon.h"

#define CHECK_INTERVAL 2	/* seconds between kernel health checks */
#define RETRY_INTERVAL 1	/* seconds between tries while unsynced */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: consentd [--foreground] [--config FILE] [--rules-dir DIR]\n"
		"                [--state-dir DIR] [--socket PATH]\n"
		"\n"
		"  --foreground     stay attached, log to stderr instead of syslog\n"
		"  --config FILE    daemon settings (default %s)\n"
		"  --rules-dir DIR  *.rules files (default %s)\n"
		"  --state-dir DIR  consent receipts (default %s)\n"
		"  --socket PATH    control socket (default %s)\n",
		DEFAULT_CONFIG, DEFAULT_RULES_DIR, DEFAULT_STATE_DIR,
		CW_DEFAULT_SOCKET);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "config", required_argument, NULL, 'c' },
		{ "rules-dir", required_argument, NULL, 'r' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "socket", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct daemon d;
	bool config_given = false;
	char err[1024] = "";
	sigset_t mask;
	int opt, sfd, ret;

	memset(&d, 0, sizeof(d));
	d.config_path = DEFAULT_CONFIG;
	d.rules_dir = DEFAULT_RULES_DIR;
	d.state_dir = DEFAULT_STATE_DIR;
	d.sock_path = CW_DEFAULT_SOCKET;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			d.foreground = true;
			break;
		case 'c':
			d.config_path = optarg;
			config_given = true;
			break;
		case 'r':
			d.rules_dir = optarg;
			break;
		case 's':
			d.state_dir = optarg;
			break;
		case 'S':
			d.sock_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "consentd: unexpected argument '%s'\n",
			argv[optind]);
		usage(stderr);
		return 2;
	}

	config_defaults(&d.cfg);
	if (config_load(&d.cfg, d.config_path, config_given, err,
			sizeof(err))) {
		fprintf(stderr, "consentd: %s\n", err);
		return 1;
	}
	if (!d.foreground && daemon(0, 0) < 0) {
		perror("consentd: daemon");
		return 1;
	}
	log_init(d.foreground);
	if (d.cfg.control_group[0] && !d.cfg.has_gid)
		logmsg(LOG_WARNING,
		       "control group '%s' does not exist: only root may change consent",
		       d.cfg.control_group);

	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);

	if (daemon_init(&d, err, sizeof(err))) {
		logmsg(LOG_ERR, "%s", err);
		return 1;
	}
	if (control_listen(&d, err, sizeof(err))) {
		logmsg(LOG_ERR, "%s", err);
		daemon_fini(&d);
		return 1;
	}
	if (kernel_open(&d.k, daemon_on_event, &d, err, sizeof(err)))
		logmsg(LOG_ERR, "%s: running without the kernel", err);
	else
		daemon_sync(&d);
	logmsg(LOG_INFO, "listening on %s", d.sock_path);

	while (!d.stop) {
		struct pollfd pfd[5 + 256];
		struct client *cl[256], *c;
		int n = 0, nc = 0, i;
		time_t now;

		pfd[n++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = d.listen_fd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = d.k ? kernel_fd(d.k) : -1,
					    .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = d.pkg_fd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = d.ra_fd, .events = POLLIN };
		for (c = d.clients; c && nc < 256; c = c->next) {
			cl[nc++] = c;
			pfd[n++] = (struct pollfd){
				.fd = c->fd,
				.events = POLLIN | (c->out.len ? POLLOUT : 0),
			};
		}
		ret = poll(pfd, (nfds_t)n, 1000);
		if (ret < 0 && errno != EINTR) {
			logmsg(LOG_ERR, "poll: %s", strerror(errno));
			break;
		}
		if (ret > 0 && (pfd[0].revents & POLLIN)) {
			struct signalfd_siginfo si;

			while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGHUP) {
					ret = daemon_reload(&d, err, sizeof(err));
					if (ret)
						logmsg(LOG_ERR, "SIGHUP: %s", err);
				} else {
					logmsg(LOG_INFO, "signal %u: exiting",
					       si.ssi_signo);
					d.stop = true;
				}
			}
		}
		if (ret > 0 && d.k && (pfd[2].revents & POLLIN)) {
			ret = kernel_poll(d.k);
			if (ret == 1) {
				/* Module loaded or unloaded: start over. */
				logmsg(LOG_INFO, "kernel: consentwall family changed, resynchronizing");
				kernel_disconnect(d.k);
				d.synced = false;
				daemon_sync(&d);
			} else if (ret < 0) {
				logmsg(LOG_WARNING, "kernel socket: %s",
				       strerror(-ret));
			}
		}
		for (i = 0; i < nc; i++) {
			short re = pfd[5 + i].revents;

			for (c = d.clients; c && c != cl[i]; c = c->next)
				;
			if (!c)	/* dropped meanwhile (follow overflow) */
				continue;
			if (re & (POLLERR | POLLNVAL)) {
				control_drop(&d, c);
				continue;
			}
			if ((re & (POLLIN | POLLHUP)) && !control_read(&d, c)) {
				control_drop(&d, c);
				continue;
			}
			if ((re & POLLOUT) && !control_write(c))
				control_drop(&d, c);
		}
		if (pfd[1].revents & POLLIN)
			control_accept(&d);
		if (pfd[3].revents & POLLIN)
			apps_changed(&d);
		if (pfd[4].revents & POLLIN)
			ra_read(&d);
		ra_tick(&d);
		now = time(NULL);
		if (d.k && ((!d.synced && now - d.last_check >= RETRY_INTERVAL) ||
			    now - d.last_check >= CHECK_INTERVAL)) {
			d.last_check = now;
			daemon_check_kernel(&d);
		}
		control_sweep(&d);
	}
	/*
	 * Closing the netlink socket makes the kernel revert every consent in
	 * this namespace to denied: exactly what stopping consentd means.
	 */
	control_close(&d);
	daemon_fini(&d);
	config_free(&d.cfg);
	if (sfd >= 0)
		close(sfd);
	return 0;
}
