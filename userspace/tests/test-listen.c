// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * consentd's control socket handed over by a service manager: Android
 * init (ANDROID_SOCKET_consentd) and systemd socket activation
 * (LISTEN_PID/LISTEN_FDS), with real listening sockets, real connects and
 * a bad handover refused with a clear error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "../consentd/daemon.h"
#include "../../tests/tap.h"

static char tmp[] = "/tmp/cw-listen-XXXXXX";

static int listener(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(fd, 4))
		abort();
	return fd;
}

/* Connects to PATH and accepts on LFD: 1 if the two ends meet. */
static int meets(const char *path, int lfd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int c = socket(AF_UNIX, SOCK_STREAM, 0), a, ok;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(c, (struct sockaddr *)&sa, sizeof(sa))) {
		close(c);
		return 0;
	}
	usleep(10000);
	a = accept(lfd, NULL, NULL);
	ok = a >= 0;
	if (a >= 0)
		close(a);
	close(c);
	return ok;
}

static void reset(struct daemon *d, const char *own)
{
	memset(d, 0, sizeof(*d));
	d->listen_fd = -1;
	d->sock_path = own;
}

int main(void)
{
	char own[200], given[200], num[16], err[256], want[300];
	struct daemon d;
	int fd, sv[2], r;

	log_init(true);
	if (!mkdtemp(tmp))
		return 1;
	snprintf(own, sizeof(own), "%s/own.sock", tmp);
	snprintf(given, sizeof(given), "%s/given.sock", tmp);

	/* Nothing handed over: consentd binds its own path, and removes it. */
	reset(&d, own);
	r = control_listen(&d, err, sizeof(err));
	tap_ok(r == 0 && meets(own, d.listen_fd), "no handover: listens on --socket");
	tap_ok(!strcmp(d.listening, own), "no handover: the log names --socket: %s",
	       d.listening);
	control_close(&d);
	tap_ok(access(own, F_OK) && errno == ENOENT, "no handover: socket file removed at exit");

	/* systemd: fd 3, LISTEN_PID is ours. */
	fd = listener(given);
	if (fd != 3) {
		if (dup2(fd, 3) < 0)
			abort();
		close(fd);
	}
	snprintf(num, sizeof(num), "%d", (int)getpid());
	setenv("LISTEN_PID", num, 1);
	setenv("LISTEN_FDS", "1", 1);
	reset(&d, own);
	r = control_listen(&d, err, sizeof(err));
	tap_ok(r == 0 && d.listen_fd == 3, "LISTEN_FDS=1: fd 3 taken");
	tap_ok(meets(given, d.listen_fd), "LISTEN_FDS=1: a client reaches the daemon");
	snprintf(want, sizeof(want), "%s, handed over by systemd (LISTEN_FDS)", given);
	tap_ok(!strcmp(d.listening, want),
	       "LISTEN_FDS=1: the log names the socket served, not --socket: %s",
	       d.listening);
	tap_ok(access(own, F_OK) && errno == ENOENT, "LISTEN_FDS=1: no socket of its own made");
	tap_ok(!getenv("LISTEN_FDS") && !getenv("LISTEN_PID"),
	       "LISTEN_FDS=1: variables not passed on to children");
	tap_ok((fcntl(3, F_GETFL) & O_NONBLOCK) && (fcntl(3, F_GETFD) & FD_CLOEXEC),
	       "LISTEN_FDS=1: fd made non-blocking and close-on-exec");
	control_close(&d);
	tap_ok(access(given, F_OK) == 0, "LISTEN_FDS=1: the manager's socket file left alone");

	/* systemd: LISTEN_PID of another process is not for us. */
	setenv("LISTEN_PID", "1", 1);
	setenv("LISTEN_FDS", "1", 1);
	reset(&d, own);
	r = control_listen(&d, err, sizeof(err));
	tap_ok(r == 0 && meets(own, d.listen_fd), "LISTEN_PID of another process: ignored");
	control_close(&d);
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");

	/* Two sockets: consentd has one, and says so. */
	setenv("LISTEN_PID", num, 1);
	setenv("LISTEN_FDS", "2", 1);
	reset(&d, own);
	r = control_listen(&d, err, sizeof(err));
	tap_ok(r < 0 && d.listen_fd == -1 && strstr(err, "expected exactly one"),
	       "LISTEN_FDS=2: refused (%s)", err);
	tap_ok(access(own, F_OK) && errno == ENOENT, "LISTEN_FDS=2: nothing bound");

	/* Android init: ANDROID_SOCKET_consentd names the fd. */
	unlink(given);
	fd = listener(given);
	snprintf(num, sizeof(num), "%d", fd);
	setenv("ANDROID_SOCKET_consentd", num, 1);
	reset(&d, own);
	r = control_listen(&d, err, sizeof(err));
	tap_ok(r == 0 && d.listen_fd == fd && meets(given, d.listen_fd),
	       "ANDROID_SOCKET_consentd: init's socket served");
	snprintf(want, sizeof(want),
		 "%s, handed over by Android init (ANDROID_SOCKET_consentd)", given);
	tap_ok(!strcmp(d.listening, want),
	       "ANDROID_SOCKET_consentd: the log names the socket served: %s",
	       d.listening);
	tap_ok(!getenv("ANDROID_SOCKET_consentd"), "ANDROID_SOCKET_consentd: unset for children");
	control_close(&d);

	/* Not a listening socket, or not a number: a clear error, nothing made. */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		abort();
	snprintf(num, sizeof(num), "%d", sv[0]);
	setenv("ANDROID_SOCKET_consentd", num, 1);
	reset(&d, own);
	r = control_listen(&d, err, sizeof(err));
	tap_ok(r < 0 && d.listen_fd == -1 && strstr(err, "inherited control socket"),
	       "a connected socket is refused (%s)", err);
	setenv("ANDROID_SOCKET_consentd", "12x", 1);
	r = control_listen(&d, err, sizeof(err));
	tap_ok(r < 0 && d.listen_fd == -1, "ANDROID_SOCKET_consentd=12x refused (%s)", err);
	tap_ok(access(own, F_OK) && errno == ENOENT, "refused handovers bind nothing");

	unlink(given);
	rmdir(tmp);
	return tap_done();
}
