// SPDX-License-Identifier: GPL-2.0
/*
 * cwprobe: the sockets side of the guest scenarios. Clients print exactly
 * what the system calls returned (an errno name, or OK) and how long it
 * took, so a scenario can assert "blocked, ECONNREFUSED, within 1 s".
 * Servers record what actually arrived, so a scenario can assert that not
 * one byte got through.
 *
 *   cwprobe tcp ADDR PORT [-t MS] [-s BYTES] [-u UID] [-D FILE [-S AT]]
 *       connect (then send BYTES, or FILE's bytes, and wait for the
 *       server to close); prints "OK <ms>" or "<ERRNO> <ms>"; exit 0 on
 *       OK, 1 otherwise. -S AT: FILE in two writes, its first AT bytes
 *       then the rest 50 ms later, with TCP_NODELAY: two segments
 *   cwprobe udp ADDR PORT [-s BYTES] [-u UID] [-D FILE] [-G SIZE] [-p SPORT]
 *       one datagram (of FILE's bytes) with sendto; same output. -G SIZE:
 *       that one sendto with UDP_SEGMENT SIZE, so its bytes leave as
 *       datagrams of SIZE bytes made from one skb (UDP GSO). -p SPORT:
 *       from that local port (SO_REUSEADDR), so that runs one after the
 *       other are one flow
 *   cwprobe tcp-hold ADDR PORT -f GO [-t MS] [-s BYTES] [-u UID]
 *       connect and send BYTES, print "connected" and keep the connection
 *       open until file GO exists; then send BYTES more and wait for the
 *       server to close; prints "OK <ms>" or "<ERRNO> <ms>" for that part
 *       (an established flow across a change of consent)
 *   cwprobe flood tcp|udp ADDR PORT -d MS [-i MS] [-s BYTES] [-D FILE] [-u UID]
 *                [-f STOP] [-n N]
 *       repeat the above every -i MS for -d MS, until file STOP exists or
 *       after N attempts; with -P N the port advances by one at each
 *       attempt, over N ports (so no two attempts in a row are the same
 *       flow); each attempt waits at most 1 s, or -t MS with -n (N whole
 *       exchanges are wanted, not a rate); prints "attempts A ok O fail F
 *       last <ERRNO>"
 *   cwprobe tcp-many ADDR PORT -n N -D FILE -f STOP [-t MS] [-u UID]
 *       open N connections, send FILE's bytes (at most 16 KiB) on each,
 *       and hold them all; after -t MS (default 3000) prints "open O
 *       reset R failed F" (R: connections reset since, F: connects or
 *       sends that failed) and waits until file STOP exists
 *   cwprobe tcp-server ADDR PORT FILE
 *       accept forever; FILE holds "conns N bytes M", rewritten atomically
 *       after each change; created once listening. With CWPROBE_DUMP=1
 *       in the environment (tcp-server, udp-server), every byte received
 *       is appended to FILE.data too
 *   cwprobe tcp-sink ADDR PORT FILE
 *       listen with the largest backlog and never accept: connections
 *       stay established, unread, in the queue (the peer of tcp-many);
 *       FILE is created once listening
 *   cwprobe udp-server ADDR PORT FILE
 *       FILE holds "packets N bytes M"
 *   cwprobe resolve NAME
 *       getaddrinfo(NAME) through the libc resolver (resolv.conf); prints
 *       "OK <ms> ADDR..." or "<EAI_ERROR> <ms>", the time of that call
 *       alone; exit 0 on OK, 1 otherwise
 *
 * Clients take -x HDR[,HDR] to put headers before the transport header:
 * "ipopt" (IPv4 options: NOP and an empty record route, 8 bytes), "hbh"
 * and "dst" (IPv6 hop-by-hop and destination options, 8 bytes of PadN).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long timeout_ms = 3000, size, interval_ms = 10, duration_ms;
static long uid = -1, nports = 1, count, split = -1, gso, sport = -1;
static const char *stop_file, *exthdrs, *data_file;

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *errname(int e)
{
	const char *n = strerrorname_np(e);

	return n ? n : "EUNKNOWN";
}

static void usage(void)
{
	fprintf(stderr, "usage: cwprobe tcp|udp|tcp-hold|flood|tcp-many|tcp-server|tcp-sink|udp-server|resolve ...\n"
		"  (see the comment at the top of tests/tools/cwprobe.c)\n");
	exit(2);
}

static socklen_t parse_addr(const char *a, const char *p,
			    struct sockaddr_storage *ss)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	long port = strtol(p, NULL, 10);

	memset(ss, 0, sizeof(*ss));
	if (port < 0 || port > 65535)
		usage();
	if (inet_pton(AF_INET, a, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		return sizeof(*s4);
	}
	if (inet_pton(AF_INET6, a, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		return sizeof(*s6);
	}
	fprintf(stderr, "cwprobe: bad address %s\n", a);
	exit(2);
}

static void drop_privileges(void)
{
	if (uid < 0)
		return;
	if (setgid(uid) || setuid(uid)) {
		perror("cwprobe: setuid");
		exit(2);
	}
}

static void parse_opts(int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "t:s:u:d:i:f:x:P:n:D:S:G:p:")) != -1) {
		switch (c) {
		case 't': timeout_ms = atol(optarg); break;
		case 's': size = atol(optarg); break;
		case 'u': uid = atol(optarg); break;
		case 'd': duration_ms = atol(optarg); break;
		case 'i': interval_ms = atol(optarg); break;
		case 'f': stop_file = optarg; break;
		case 'x': exthdrs = optarg; break;
		case 'P': nports = atol(optarg); break;
		case 'n': count = atol(optarg); break;
		case 'D': data_file = optarg; break;
		case 'S': split = atol(optarg); break;
		case 'G': gso = atol(optarg); break;
		case 'p': sport = atol(optarg); break;
		default: usage();
		}
	}
}

/* The -x headers on a new socket; exits on a name it does not know. */
static void set_exthdrs(int fd, int family)
{
	/* NOP, record route: length 7, pointer 4, one empty slot */
	static const unsigned char ipopt[8] = { 1, 7, 7, 4 };
	/* next header (the kernel fills it), length 0, PadN of 4 */
	static const unsigned char pad8[8] = { 0, 0, 1, 4 };
	char *list, *h, *save = NULL;
	int r = 0;

	if (!exthdrs)
		return;
	list = strdup(exthdrs);
	for (h = strtok_r(list, ",", &save); h; h = strtok_r(NULL, ",", &save)) {
		if (!strcmp(h, "ipopt") && family == AF_INET)
			r = setsockopt(fd, IPPROTO_IP, IP_OPTIONS, ipopt, sizeof(ipopt));
		else if (!strcmp(h, "hbh") && family == AF_INET6)
			r = setsockopt(fd, IPPROTO_IPV6, IPV6_HOPOPTS, pad8, sizeof(pad8));
		else if (!strcmp(h, "dst") && family == AF_INET6)
			r = setsockopt(fd, IPPROTO_IPV6, IPV6_DSTOPTS, pad8, sizeof(pad8));
		else
			usage();
		if (r < 0) {
			fprintf(stderr, "cwprobe: -x %s: %s\n", h, errname(errno));
			exit(2);
		}
	}
	free(list);
}

/* Waits for fd to become ready; returns 0, or an errno. */
static int wait_fd(int fd, short events, long deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	long left = deadline - now_ms();
	int r;

	if (left < 0)
		left = 0;
	r = poll(&pfd, 1, left);
	if (r < 0)
		return errno;
	if (r == 0)
		return ETIMEDOUT;
	return 0;
}

/* A non-blocking TCP connect: 0 and *fdp, or an errno. */
static int tcp_connect(struct sockaddr_storage *ss, socklen_t len,
		       long deadline, int *fdp)
{
	int fd, err = 0;
	socklen_t elen = sizeof(err);

	fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return errno;
	set_exthdrs(fd, ss->ss_family);
	if (connect(fd, (struct sockaddr *)ss, len) < 0) {
		if (errno != EINPROGRESS) {
			err = errno;
			goto out;
		}
		err = wait_fd(fd, POLLOUT, deadline);
		if (err)
			goto out;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
			err = errno;
	}
out:
	if (err)
		close(fd);
	else
		*fdp = fd;
	return err;
}

static char data[65536];
static long data_len = -1;

/* -D FILE's bytes (at most 64 KiB), read once; exits if it cannot. */
static void load_data(void)
{
	FILE *f;

	if (!data_file || data_len >= 0)
		return;
	f = fopen(data_file, "r");
	if (!f) {
		perror("cwprobe: -D");
		exit(2);
	}
	data_len = fread(data, 1, sizeof(data), f);
	fclose(f);
}

/* -D FILE's bytes on fd, in two writes with -S; 0 or an errno. */
static int tcp_send_data(int fd)
{
	long at = split >= 0 && split < data_len ? split : data_len;
	int one = 1;

	if (split >= 0 &&
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		return errno;
	if (at && send(fd, data, at, MSG_NOSIGNAL) != at)
		return errno ? errno : EIO;
	if (at == data_len)
		return 0;
	usleep(50000);
	if (send(fd, data + at, data_len - at, MSG_NOSIGNAL) != data_len - at)
		return errno ? errno : EIO;
	return 0;
}

/* Sends size bytes (or -D FILE's) on fd; 0 or an errno. */
static int tcp_send(int fd, long deadline)
{
	char buf[4096];
	long sent = 0;
	int err;

	if (data_file)
		return tcp_send_data(fd);
	memset(buf, 'x', sizeof(buf));
	while (sent < size) {
		long n = size - sent > (long)sizeof(buf) ?
			 (long)sizeof(buf) : size - sent;
		ssize_t r = send(fd, buf, n, MSG_NOSIGNAL);

		if (r < 0 && errno == EAGAIN) {
			err = wait_fd(fd, POLLOUT, deadline);
			if (err)
				return err;
			continue;
		}
		if (r < 0)
			return errno;
		sent += r;
	}
	return 0;
}

/*
 * Waits for the server to close: then it has counted every byte, and a
 * scenario reading its record right after us sees the final number.
 */
static int tcp_finish(int fd, long deadline)
{
	char buf[4096];
	int err;

	shutdown(fd, SHUT_WR);
	for (;;) {
		ssize_t r;

		err = wait_fd(fd, POLLIN, deadline);
		if (err)
			return err;
		r = recv(fd, buf, sizeof(buf), 0);
		if (r == 0)
			return 0;
		if (r < 0 && errno != EAGAIN)
			return errno;
	}
}

/* One TCP exchange. Returns 0 or an errno. */
static int tcp_once(struct sockaddr_storage *ss, socklen_t len)
{
	long deadline = now_ms() + timeout_ms;
	int fd, err;

	err = tcp_connect(ss, len, deadline, &fd);
	if (err)
		return err;
	err = tcp_send(fd, deadline);
	if (!err)
		err = tcp_finish(fd, deadline);
	close(fd);
	return err;
}

/*
 * tcp-hold: the first BYTES at connect, the next BYTES once file GO
 * exists, whatever happened to consent in between.
 */
static int tcp_hold(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	long t0;
	int fd, err;

	if (argc < 3)
		usage();
	len = parse_addr(argv[1], argv[2], &ss);
	parse_opts(argc - 2, argv + 2);
	if (!stop_file)
		usage();
	drop_privileges();
	t0 = now_ms();
	err = tcp_connect(&ss, len, t0 + timeout_ms, &fd);
	if (!err)
		err = tcp_send(fd, t0 + timeout_ms);
	if (err) {
		printf("%s %ld\n", errname(err), now_ms() - t0);
		return 1;
	}
	printf("connected\n");
	while (access(stop_file, F_OK))
		usleep(10000);
	t0 = now_ms();
	err = tcp_send(fd, t0 + timeout_ms);
	if (!err)
		err = tcp_finish(fd, t0 + timeout_ms);
	close(fd);
	printf("%s %ld\n", err ? errname(err) : "OK", now_ms() - t0);
	return err ? 1 : 0;
}

/* tcp-many: N connections that each sent FILE, held open. */
static int tcp_many(int argc, char **argv)
{
	struct sockaddr_storage ss;
	long open_n = 0, reset = 0, failed = 0, i, n;
	struct rlimit rl;
	socklen_t len;
	int *fds, fd;
	FILE *f;

	if (argc < 3)
		usage();
	len = parse_addr(argv[1], argv[2], &ss);
	parse_opts(argc - 2, argv + 2);
	if (!stop_file || !data_file || count <= 0)
		usage();
	f = fopen(data_file, "r");
	if (!f) {
		perror("cwprobe: -D");
		return 2;
	}
	n = fread(data, 1, 16384, f);
	fclose(f);
	fds = calloc(count, sizeof(*fds));
	rl.rlim_cur = rl.rlim_max = count + 64;
	if (!fds || setrlimit(RLIMIT_NOFILE, &rl)) {
		perror("cwprobe: tcp-many");
		return 2;
	}
	drop_privileges();
	for (i = 0; i < count; i++) {
		fds[i] = -1;
		if (tcp_connect(&ss, len, now_ms() + 3000, &fd)) {
			failed++;
			continue;
		}
		if (send(fd, data, n, MSG_NOSIGNAL) != n) {
			failed++;
			close(fd);
			continue;
		}
		fds[i] = fd;
		open_n++;
	}
	usleep(timeout_ms * 1000);
	for (i = 0; i < count; i++) {
		char c;

		if (fds[i] >= 0 && recv(fds[i], &c, 1, MSG_DONTWAIT) < 0 &&
		    errno == ECONNRESET)
			reset++;
	}
	printf("open %ld reset %ld failed %ld\n", open_n, reset, failed);
	while (access(stop_file, F_OK))
		usleep(10000);
	return 0;
}

static int udp_fd = -1;

/* -p SPORT: the socket's local port, on every address. 0 or -1. */
static int udp_bind(int fd, int family)
{
	struct sockaddr_storage a = { .ss_family = family };
	int one = 1;

	if (family == AF_INET)
		((struct sockaddr_in *)&a)->sin_port = htons(sport);
	else
		((struct sockaddr_in6 *)&a)->sin6_port = htons(sport);
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)))
		return -1;
	return bind(fd, (struct sockaddr *)&a, family == AF_INET ?
		    sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6));
}

static int udp_once(struct sockaddr_storage *ss, socklen_t len)
{
	char buf[65536];
	long n = size > 0 ? size : 1;

	if (n > (long)sizeof(buf))
		n = sizeof(buf);
	if (udp_fd < 0) {
		udp_fd = socket(ss->ss_family, SOCK_DGRAM, 0);
		if (udp_fd < 0)
			return errno;
		set_exthdrs(udp_fd, ss->ss_family);
		if (sport >= 0 && udp_bind(udp_fd, ss->ss_family))
			return errno;
		if (gso > 0 && setsockopt(udp_fd, SOL_UDP, UDP_SEGMENT, &(int){ gso },
					  sizeof(int)))
			return errno;
	}
	memset(buf, 'u', n);
	if (data_file) {
		memcpy(buf, data, data_len);
		n = data_len;
	}
	if (sendto(udp_fd, buf, n, 0, (struct sockaddr *)ss, len) < 0)
		return errno;
	return 0;
}

static int client(int tcp, int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	long t0;
	int err;

	if (argc < 3)
		usage();
	len = parse_addr(argv[1], argv[2], &ss);
	parse_opts(argc - 2, argv + 2);
	load_data();
	drop_privileges();
	t0 = now_ms();
	err = tcp ? tcp_once(&ss, len) : udp_once(&ss, len);
	printf("%s %ld\n", err ? errname(err) : "OK", now_ms() - t0);
	return err ? 1 : 0;
}

static int flood(int argc, char **argv)
{
	struct sockaddr_storage ss;
	long end, attempts = 0, ok = 0, fail = 0, port0;
	int tcp, err, last = 0;
	socklen_t len;

	if (argc < 4)
		usage();
	tcp = !strcmp(argv[1], "tcp");
	len = parse_addr(argv[2], argv[3], &ss);
	parse_opts(argc - 3, argv + 3);
	load_data();
	drop_privileges();
	if (timeout_ms > 1000 && count <= 0)
		timeout_ms = 1000;
	end = now_ms() + duration_ms;
	port0 = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (nports < 1 || port0 + nports - 1 > 65535)
		usage();
	while (now_ms() < end) {
		if ((stop_file && !access(stop_file, F_OK)) ||
		    (count > 0 && attempts >= count))
			break;
		/* sin_port and sin6_port are at the same offset */
		((struct sockaddr_in *)&ss)->sin_port =
			htons(port0 + attempts % nports);
		attempts++;
		err = tcp ? tcp_once(&ss, len) : udp_once(&ss, len);
		if (err) {
			fail++;
			last = err;
		} else {
			ok++;
		}
		if (interval_ms)
			usleep(interval_ms * 1000);
	}
	printf("attempts %ld ok %ld fail %ld last %s\n", attempts, ok, fail,
	       last ? errname(last) : "OK");
	return 0;
}

static void record(const char *file, const char *what, long a, long b)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	f = fopen(tmp, "w");
	if (!f) {
		perror("cwprobe: record");
		exit(2);
	}
	fprintf(f, "%s %ld bytes %ld\n", what, a, b);
	fclose(f);
	rename(tmp, file);
}

/* CWPROBE_DUMP=1: what a server received, appended to FILE.data. */
static void dump(const char *file, const char *buf, ssize_t n)
{
	char path[4096];
	FILE *f;

	if (!getenv("CWPROBE_DUMP") || strcmp(getenv("CWPROBE_DUMP"), "1"))
		return;
	snprintf(path, sizeof(path), "%s.data", file);
	f = fopen(path, "a");
	if (!f || fwrite(buf, 1, n, f) != (size_t)n) {
		perror("cwprobe: dump");
		exit(2);
	}
	fclose(f);
}

static int bound_socket(int type, int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, one = 1;

	if (argc < 4)
		usage();
	len = parse_addr(argv[1], argv[2], &ss);
	fd = socket(ss.ss_family, type, 0);
	if (fd < 0) {
		perror("cwprobe: socket");
		exit(2);
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	/* Servers may bind test addresses before they are configured. */
	setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
		fprintf(stderr, "cwprobe: bind %s %s: %s\n", argv[1], argv[2],
			errname(errno));
		exit(2);
	}
	return fd;
}

#define MAX_CONNS 1024

static int tcp_server(int argc, char **argv)
{
	struct pollfd pfd[MAX_CONNS + 1];
	long conns = 0, bytes = 0;
	int lfd, n = 1, i;
	char buf[65536];

	lfd = bound_socket(SOCK_STREAM, argc, argv);
	if (listen(lfd, 128) < 0) {
		perror("cwprobe: listen");
		return 2;
	}
	record(argv[3], "conns", 0, 0);
	pfd[0].fd = lfd;
	pfd[0].events = POLLIN;
	for (;;) {
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("cwprobe: poll");
			return 2;
		}
		for (i = n - 1; i >= 1; i--) {
			ssize_t r;

			if (!pfd[i].revents)
				continue;
			r = recv(pfd[i].fd, buf, sizeof(buf), 0);
			if (r > 0) {
				bytes += r;
				dump(argv[3], buf, r);
				record(argv[3], "conns", conns, bytes);
				continue;
			}
			if (r < 0 && errno == EINTR)
				continue;
			close(pfd[i].fd);
			pfd[i] = pfd[--n];
		}
		if (pfd[0].revents & POLLIN) {
			int fd = accept(lfd, NULL, NULL);

			if (fd < 0)
				continue;
			conns++;
			record(argv[3], "conns", conns, bytes);
			if (n > MAX_CONNS) {
				close(fd);
				continue;
			}
			pfd[n].fd = fd;
			pfd[n].events = POLLIN;
			pfd[n].revents = 0;
			n++;
		}
	}
}

static int tcp_sink(int argc, char **argv)
{
	int lfd = bound_socket(SOCK_STREAM, argc, argv);

	if (listen(lfd, 65535) < 0) {
		perror("cwprobe: listen");
		return 2;
	}
	record(argv[3], "conns", 0, 0);
	for (;;)
		pause();
}

static int udp_server(int argc, char **argv)
{
	long packets = 0, bytes = 0;
	char buf[65536];
	int fd;

	fd = bound_socket(SOCK_DGRAM, argc, argv);
	record(argv[3], "packets", 0, 0);
	for (;;) {
		ssize_t r = recv(fd, buf, sizeof(buf), 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			perror("cwprobe: recv");
			return 2;
		}
		packets++;
		bytes += r;
		dump(argv[3], buf, r);
		record(argv[3], "packets", packets, bytes);
	}
}

static const char *eainame(int e)
{
	switch (e) {
	case EAI_NONAME: return "EAI_NONAME";
	case EAI_AGAIN: return "EAI_AGAIN";
	case EAI_FAIL: return "EAI_FAIL";
	case EAI_NODATA: return "EAI_NODATA";
	case EAI_SYSTEM: return errname(errno);
	}
	return "EAI_OTHER";
}

static int resolve(int argc, char **argv)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *a;
	char s[INET6_ADDRSTRLEN];
	long t0;
	int e;

	if (argc != 2)
		usage();
	t0 = now_ms();
	e = getaddrinfo(argv[1], NULL, &hints, &res);
	printf("%s %ld", e ? eainame(e) : "OK", now_ms() - t0);
	for (a = e ? NULL : res; a; a = a->ai_next) {
		const void *ad = a->ai_family == AF_INET ?
			(const void *)&((struct sockaddr_in *)a->ai_addr)->sin_addr :
			(const void *)&((struct sockaddr_in6 *)a->ai_addr)->sin6_addr;

		printf(" %s", inet_ntop(a->ai_family, ad, s, sizeof(s)));
	}
	putchar('\n');
	if (!e)
		freeaddrinfo(res);
	return !!e;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "tcp"))
		return client(1, argc - 1, argv + 1);
	if (!strcmp(argv[1], "udp"))
		return client(0, argc - 1, argv + 1);
	if (!strcmp(argv[1], "tcp-hold"))
		return tcp_hold(argc - 1, argv + 1);
	if (!strcmp(argv[1], "flood"))
		return flood(argc - 1, argv + 1);
	if (!strcmp(argv[1], "tcp-many"))
		return tcp_many(argc - 1, argv + 1);
	if (!strcmp(argv[1], "tcp-server"))
		return tcp_server(argc - 1, argv + 1);
	if (!strcmp(argv[1], "tcp-sink"))
		return tcp_sink(argc - 1, argv + 1);
	if (!strcmp(argv[1], "udp-server"))
		return udp_server(argc - 1, argv + 1);
	if (!strcmp(argv[1], "resolve"))
		return resolve(argc - 1, argv + 1);
	usage();
	return 2;
}
