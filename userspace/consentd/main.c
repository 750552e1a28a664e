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
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <syslog.h>
#include <unistd.h>

#include "daemon.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: consentd [--foreground] [--config FILE] [--rules-dir DIR]\n"
		"                [--vendor-rules-dir DIR] [--state-dir DIR] [--socket PATH]\n"
		"\n"
		"  --foreground     stay attached, log to stderr instead of syslog\n"
		"  --config FILE    daemon settings (default %s)\n"
		"  --rules-dir DIR  *.rules files (default %s)\n"
		"  --vendor-rules-dir DIR\n"
		"                   *.rules files that same-named ones in --rules-dir\n"
		"                   replace (default vendor_rules_dir of the config, %s)\n"
		"  --state-dir DIR  consent receipts (default %s)\n"
		"  --socket PATH    control socket (default %s)\n",
		DEFAULT_CONFIG, DEFAULT_RULES_DIR, DEFAULT_VENDOR_RULES_DIR,
		DEFAULT_STATE_DIR,
		CW_DEFAULT_SOCKET);
}

/* Room for the clients: the soft descriptor limit up to the hard one. */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Signals: SIGHUP reloads, the others stop. False on a broken signalfd. */
static bool read_signals(struct daemon *d, int sfd)
{
	struct signalfd_siginfo si;
	char err[1024];
	ssize_t n;

	while ((n = read(sfd, &si, sizeof(si))) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			if (daemon_reload(d, err, sizeof(err)))
				logmsg(LOG_ERR, "SIGHUP: %s", err);
		} else {
			logmsg(LOG_INFO, "signal %u: exiting", si.ssi_signo);
			d->stop = true;
		}
	}
	if (n < 0 && errno != EAGAIN && errno != EINTR) {
		logmsg(LOG_ERR, "signalfd: %s: exiting", strerror(errno));
		return false;
	}
	return true;
}

static void read_kernel(struct daemon *d)
{
	int ret = kernel_poll(d->k);

	if (ret == 1) {
		/* Module loaded or unloaded: start over, now. */
		logmsg(LOG_INFO, "kernel: consentwall family changed, resynchronizing");
		kernel_disconnect(d->k);
		d->synced = false;
		d->retry_ms = 1000;
		daemon_check_kernel(d);
	} else if (ret == 2) {
		daemon_overrun(d);
	} else if (ret < 0) {
		/* A socket that errs is replaced: the kernel denies meanwhile. */
		logmsg(LOG_WARNING, "kernel socket: %s: reopening it",
		       strerror(-ret));
		kernel_reopen(d->k);
		d->synced = false;
		d->retry_ms = 1000;
		daemon_check_kernel(d);
	}
}

static int until(int64_t when, int64_t now, int timeout)
{
	int64_t left = when - now;

	if (left < 0)
		left = 0;
	return timeout < 0 || left < timeout ? (int)left : timeout;
}

/* The poll loop; returns the exit status. */
static int run(struct daemon *d, int sfd)
{
	struct pollfd *pfd = NULL;
	struct client **cl = NULL;
	size_t cap = 0;
	char err[1024];
	int status = 0;

	while (!d->stop) {
		int64_t now = mono_ms();
		int n = 0, nc = 0, i, k, timeout, ret;
		unsigned int start;
		bool spent = false;
		struct client *c;

		timeout = control_sweep(d, now);
		if (d->k)
			timeout = until(d->next_check, now, timeout);
		if (d->state_dirty)
			timeout = until(d->next_save, now, timeout);
		if (d->learned.n)
			timeout = until(ra_next(d), now, timeout);
		if (cap < d->nclients + 5) {
			cap = d->nclients + 5 + 64;
			pfd = xrealloc(pfd, cap * sizeof(*pfd));
			cl = xrealloc(cl, cap * sizeof(*cl));
		}
		pfd[n++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		pfd[n++] = (struct pollfd){
			.fd = now >= d->accept_after ? d->listen_fd : -1,
			.events = POLLIN };
		if (d->accept_after > now)
			timeout = until(d->accept_after, now, timeout);
		pfd[n++] = (struct pollfd){ .fd = d->k ? kernel_fd(d->k) : -1,
					    .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = d->pkg_fd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = d->ra_fd, .events = POLLIN };
		/* Every client, every turn: none is left out. */
		for (c = d->clients; c; c = c->next) {
			short ev = 0;

			if (c->out.len)
				ev = POLLOUT;	/* not a byte more until it reads */
			else if (control_ready(c))
				timeout = 0;	/* a line already read waits */
			else if (!c->closing)
				ev = POLLIN;
			cl[nc++] = c;
			pfd[n++] = (struct pollfd){ .fd = c->fd, .events = ev };
		}
		ret = poll(pfd, (nfds_t)n, timeout);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOMEM || errno == EAGAIN) {
				usleep(100000);
				continue;
			}
			logmsg(LOG_ERR, "poll: %s: exiting", strerror(errno));
			status = 1;
			break;
		}
		if ((pfd[0].revents & (POLLIN | POLLERR)) &&
		    !read_signals(d, sfd)) {
			status = 1;
			break;
		}
		if (d->k && (pfd[2].revents & (POLLIN | POLLERR)))
			read_kernel(d);
		d->unpriv_spent = 0;
		start = nc ? d->serve_from % (unsigned int)nc : 0;
		for (k = 0; k < nc; k++) {
			short re;

			i = (int)((start + (unsigned int)k) % (unsigned int)nc);
			if (d->unpriv_spent >= UNPRIV_BYTES_PER_TURN && !spent) {
				spent = true;
				d->serve_from = (unsigned int)i;
			}
			re = pfd[5 + i].revents;
			for (c = d->clients; c && c != cl[i]; c = c->next)
				;
			if (!c)	/* dropped meanwhile (follow overflow) */
				continue;
			if (re & (POLLERR | POLLNVAL)) {
				control_drop(d, c);
				continue;
			}
			if (re & (POLLIN | POLLHUP)) {
				if (!control_read(d, c)) {
					control_drop(d, c);
					continue;
				}
			} else if (control_ready(c)) {
				control_serve(d, c);
			}
			if ((re & POLLOUT) && !control_write(c))
				control_drop(d, c);
		}
		if (pfd[1].revents & POLLIN)
			control_accept(d);
		if (pfd[3].revents & POLLIN)
			apps_changed(d);
		if (pfd[4].revents & POLLIN)
			ra_read(d);
		ra_tick(d);
		now = mono_ms();
		if (d->k && now >= d->next_check)
			daemon_check_kernel(d);
		if (d->state_dirty && now >= d->next_save) {
			d->next_save = now + 2000;
			if (daemon_save_state(d, err, sizeof(err)))
				logmsg(LOG_NOTICE, "receipts written at last");
		}
	}
	free(pfd);
	free(cl);
	return status;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "config", required_argument, NULL, 'c' },
		{ "rules-dir", required_argument, NULL, 'r' },
		{ "vendor-rules-dir", required_argument, NULL, 'v' },
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
		case 'v':
			d.vendor_rules_dir = optarg;
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
	if (!d.vendor_rules_dir)
		d.vendor_rules_dir = d.cfg.vendor_rules_dir;
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
	/* Without the signalfd, SIGTERM would stay blocked forever: stop. */
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0 ||
	    (sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
		logmsg(LOG_ERR, "signals: %s", strerror(errno));
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	raise_nofile();

	if (daemon_init(&d, err, sizeof(err))) {
		logmsg(LOG_ERR, "%s", err);
		return 1;
	}
	if (control_listen(&d, err, sizeof(err))) {
		logmsg(LOG_ERR, "%s", err);
		daemon_fini(&d);
		return 1;
	}
	if (kernel_open(&d.k, d.cfg.netlink_buffer, daemon_on_event, &d, err,
			sizeof(err))) {
		logmsg(LOG_ERR, "%s: running without the kernel", err);
	} else {
		if (kernel_note(d.k)[0])
			logmsg(LOG_WARNING, "%s", kernel_note(d.k));
		daemon_check_kernel(&d);
	}
	logmsg(LOG_INFO, "listening on %s", d.listening);
	ret = run(&d, sfd);
	/*
	 * Closing the netlink socket makes the kernel revert every consent in
	 * this namespace to denied: exactly what stopping consentd means.
	 */
	control_close(&d);
	daemon_fini(&d);
	config_free(&d.cfg);
	close(sfd);
	return ret;
}
