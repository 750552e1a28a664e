// SPDX-License-Identifier: GPL-2.0
/*
 * cwbench: the guest side of `make bench` (bench/run.sh).
 *
 *   cwbench udp ADDR PORT MS [BATCH [FILE [SPORT]]]
 *       Send 16-byte UDP datagrams to ADDR:PORT with sendmmsg(), BATCH
 *       (default 32) per call, for MS milliseconds, from a connected socket
 *       so that the kernel's cost per datagram is the route, the netfilter
 *       LOCAL_OUT hooks and the device: nothing else varies between the
 *       configurations being compared. A call that fails (a blocked
 *       datagram makes sendmmsg() fail at its first message) counts as one
 *       attempt. With FILE, each datagram is FILE's bytes (a QUIC packet,
 *       at most 1500); with SPORT, the socket is bound to that local port
 *       first (one QUIC connection across several runs). Prints:
 *         pps N attempts N sent N failed N errno NAME
 *   cwbench tcp ADDR PORT MS [one]
 *       Connect to ADDR:PORT (a reader that discards) and write 16 bytes
 *       at a time with TCP_NODELAY for MS milliseconds: a segment per
 *       write while nothing holds one back (TCP appends a write to a
 *       segment not sent yet: autocorking, small queues). With "one",
 *       every write waits until the one before it has left, so each is
 *       a segment of its own (TCP_NOTSENT_LOWAT 1 and poll() before each
 *       write: bytes = 16 x segs). Prints the segments sent per
 *       second (tcpi_segs_out), their number and the bytes acknowledged
 *       (tcpi_bytes_acked: 16 a segment unless TCP merged writes) as:
 *         pps N segs N bytes N
 *   cwbench bulk ADDR PORT MS FILE [tls]
 *       Connect and write FILE's bytes (at most 1 MiB), over and over, in
 *       64 KiB writes for MS milliseconds: a bulk upload. With "tls" the
 *       stream is framed as TLS records, as a TLS client's upload is seen
 *       on the wire: one small handshake record first, then FILE's bytes
 *       as application_data records of 16 KiB (the identifier scan steps
 *       over their bodies; the bytes stand in for ciphertext). Prints the
 *       bytes acknowledged per second (tcpi_bytes_acked) as:
 *         bps N bytes N
 *   cwbench time CMD [ARG...]
 *       Run CMD with its stdout sent to stderr, print "ms N rc N" (wall
 *       time; rc is 128+signal for a killed child) and exit 0. Commit times of consentd and nft are
 *       measured so.
 *   cwbench rss PID
 *       Print the resident memory of PID in kB ("rss_kb N").
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <linux/tcp.h>	/* tcpi_segs_out: glibc's tcp_info lacks it */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_BATCH 256

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static const char *errname(int e)
{
	const char *n = e ? strerrorname_np(e) : "none";

	return n ? n : "EUNKNOWN";
}

static int usage(void)
{
	fprintf(stderr, "usage: cwbench udp ADDR PORT MS [BATCH [FILE [SPORT]]] | tcp ADDR PORT MS [one] | bulk ADDR PORT MS FILE [tls] | time CMD [ARG...] | rss PID\n");
	return 2;
}

#define MAX_PAYLOAD 1500

/* FILE's bytes into buf: their number, or 0 for an empty or unreadable file. */
static size_t read_payload(const char *path, char *buf)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		perror(path);
		return 0;
	}
	n = fread(buf, 1, MAX_PAYLOAD, f);
	if (!n || fgetc(f) != EOF) {
		fprintf(stderr, "cwbench: %s: empty or over %d bytes\n", path,
			MAX_PAYLOAD);
		n = 0;
	}
	fclose(f);
	return n;
}

static int cmd_udp(int argc, char **argv)
{
	static char payload[MAX_PAYLOAD];
	struct mmsghdr msgs[MAX_BATCH];
	struct iovec iov[MAX_BATCH];
	struct sockaddr_storage ss, src;
	unsigned long long t0, end, t, attempts = 0, sent = 0, failed = 0;
	unsigned int batch = 32, ms, i;
	size_t plen = 16;
	socklen_t sl;
	int fd, last_err = 0, one = 1;

	if (argc < 4)
		return usage();
	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, argv[1], &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		ss.ss_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_port = htons(atoi(argv[2]));
		sl = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, argv[1],
			     &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		ss.ss_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(atoi(argv[2]));
		sl = sizeof(struct sockaddr_in6);
	} else {
		fprintf(stderr, "cwbench: bad address %s\n", argv[1]);
		return 2;
	}
	ms = atoi(argv[3]);
	if (argc > 4)
		batch = atoi(argv[4]);
	if (batch < 1 || batch > MAX_BATCH || ms < 1)
		return usage();
	if (argc > 5 && !(plen = read_payload(argv[5], payload)))
		return 2;

	fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (fd >= 0 && argc > 6) {
		memset(&src, 0, sizeof(src));
		src.ss_family = ss.ss_family;
		/* the port is at the same offset in both families */
		((struct sockaddr_in *)&src)->sin_port = htons(atoi(argv[6]));
		if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
		    bind(fd, (struct sockaddr *)&src, sl)) {
			printf("error %s: bind to port %s\n", errname(errno), argv[6]);
			return 1;
		}
	}
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, sl) < 0) {
		printf("error %s: socket/connect\n", errname(errno));
		return 1;
	}
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < batch; i++) {
		/* every message sends the same bytes: the kernel copies them */
		iov[i].iov_base = payload;
		iov[i].iov_len = plen;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}

	t0 = now_ns();
	end = t0 + (unsigned long long)ms * 1000000ULL;
	do {
		int n = sendmmsg(fd, msgs, batch, 0);

		if (n > 0) {
			attempts += n;
			sent += n;
		} else {
			attempts++;
			failed++;
			last_err = errno;
		}
		t = now_ns();
	} while (t < end);
	printf("pps %.0f attempts %llu sent %llu failed %llu errno %s\n",
	       attempts * 1e9 / (double)(t - t0), attempts, sent, failed,
	       errname(last_err));
	close(fd);
	return 0;
}

/* ADDR PORT into *ss; its length, or 0 for a bad address. */
static socklen_t parse_addr(const char *a, const char *port,
			    struct sockaddr_storage *ss)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, a, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(atoi(port));
		return sizeof(*s4);
	}
	if (inet_pton(AF_INET6, a, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(atoi(port));
		return sizeof(*s6);
	}
	fprintf(stderr, "cwbench: bad address %s\n", a);
	return 0;
}

#define BULK_MAX	(1 << 20)
#define BULK_WRITE	65536
#define TLS_RECORD	16384

/* FILE's bytes, repeated to fill buf (framed as TLS records with tls). */
static size_t bulk_fill(unsigned char *buf, size_t cap, const char *file,
			int tls)
{
	size_t n = 0, len, i, r;
	FILE *f = fopen(file, "r");

	if (!f)
		return 0;
	len = fread(buf, 1, cap / 2, f);
	fclose(f);
	if (!len)
		return 0;
	if (!tls) {
		for (n = len; n + len <= cap; n += len)
			memmove(buf + n, buf, len);
		return n;
	}
	/* records of TLS_RECORD bytes: header, then FILE's bytes again */
	memmove(buf + cap / 2, buf, len);
	for (i = 0; n + 5 + TLS_RECORD <= cap / 2; n += TLS_RECORD) {
		buf[n++] = 23;
		buf[n++] = 3;
		buf[n++] = 3;
		buf[n++] = TLS_RECORD >> 8;
		buf[n++] = TLS_RECORD & 0xff;
		for (r = 0; r < TLS_RECORD; r++, i++)
			buf[n + r] = buf[cap / 2 + i % len];
	}
	return n;
}

/* tcp_for()'s @how: TCP_NODELAY; and each write a segment of its own */
#define TCP_FOR_NODELAY	1
#define TCP_FOR_ONE	2

/*
 * Connect (TCP_NODELAY with TCP_FOR_NODELAY in @how), send @first, then
 * @buf's @n bytes over and over, at most @w a call, for @ms; *@d the
 * tcp_info counters it added (segments, bytes acknowledged), *@ns the
 * time. With TCP_FOR_ONE, a write waits (in poll(), TCP_NOTSENT_LOWAT 1)
 * until the bytes before it have left: TCP appends a write to a segment
 * it has not sent yet (autocorking, small queues), so without that the
 * writes per segment vary with how fast the path is. 0, or prints the
 * error and returns 1.
 */
static int tcp_for(const char *addr, const char *port, int ms,
		   const unsigned char *buf, size_t n, size_t w, int how,
		   const void *first, size_t first_len,
		   struct tcp_info *d, unsigned long long *ns)
{
	struct pollfd pfd = { .events = POLLOUT };
	struct sockaddr_storage ss;
	unsigned long long t0, end, t;
	struct tcp_info ti0;
	socklen_t sl, il = sizeof(*d);
	int fd, one = 1;
	size_t off = 0;

	sl = parse_addr(addr, port, &ss);
	if (!sl || ms < 1 || !n)
		return usage();
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, sl) < 0 ||
	    ((how & TCP_FOR_NODELAY) &&
	     setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0) ||
	    ((how & TCP_FOR_ONE) &&
	     setsockopt(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &one,
			sizeof(one)) < 0) ||
	    (first_len && send(fd, first, first_len, MSG_NOSIGNAL) < 0) ||
	    getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti0, &il) < 0) {
		printf("error %s: socket/connect\n", errname(errno));
		return 1;
	}
	t0 = now_ns();
	end = t0 + (unsigned long long)ms * 1000000ULL;
	pfd.fd = fd;
	do {
		ssize_t r;
		int pr;

		/* writable again once nothing is left unsent */
		if ((how & TCP_FOR_ONE) && (pr = poll(&pfd, 1, 1000)) != 1) {
			printf("error %s: poll\n", errname(pr ? errno : ETIMEDOUT));
			return 1;
		}
		r = send(fd, buf + off, n - off < w ? n - off : w, MSG_NOSIGNAL);
		if (r < 0) {
			printf("error %s: send\n", errname(errno));
			return 1;
		}
		off = (off + r) % n;
		t = now_ns();
	} while (t < end);
	il = sizeof(*d);
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, d, &il) < 0) {
		printf("error %s: TCP_INFO\n", errname(errno));
		return 1;
	}
	close(fd);
	d->tcpi_segs_out -= ti0.tcpi_segs_out;
	d->tcpi_bytes_acked -= ti0.tcpi_bytes_acked;
	*ns = t - t0;
	return 0;
}

static int cmd_tcp(int argc, char **argv)
{
	static const unsigned char payload[16];
	int how = TCP_FOR_NODELAY;
	unsigned long long ns;
	struct tcp_info d;

	if (argc < 4)
		return usage();
	if (argc > 4 && !strcmp(argv[4], "one"))
		how |= TCP_FOR_ONE;
	else if (argc > 4)
		return usage();
	if (tcp_for(argv[1], argv[2], atoi(argv[3]), payload, sizeof(payload),
		    sizeof(payload), how, NULL, 0, &d, &ns))
		return 1;
	printf("pps %.0f segs %u bytes %llu\n",
	       d.tcpi_segs_out * 1e9 / (double)ns, d.tcpi_segs_out,
	       (unsigned long long)d.tcpi_bytes_acked);
	return 0;
}

static int cmd_bulk(int argc, char **argv)
{
	/* a handshake record of 4 bytes: what starts a TLS stream */
	static const unsigned char hello[9] = { 22, 3, 1, 0, 4, 1, 0, 0, 0 };
	static unsigned char buf[BULK_MAX];
	int tls = argc > 5 && !strcmp(argv[5], "tls");
	unsigned long long ns;
	struct tcp_info d;
	size_t n;

	if (argc < 5)
		return usage();
	n = bulk_fill(buf, sizeof(buf), argv[4], tls);
	if (tcp_for(argv[1], argv[2], atoi(argv[3]), buf, n, BULK_WRITE, 0,
		    hello, tls ? sizeof(hello) : 0, &d, &ns))
		return 1;
	printf("bps %.0f bytes %llu\n", d.tcpi_bytes_acked * 1e9 / (double)ns,
	       (unsigned long long)d.tcpi_bytes_acked);
	return 0;
}

static int cmd_time(char **argv)
{
	unsigned long long t0 = now_ns();
	int st, rc;
	pid_t pid = fork();

	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (!pid) {
		/* Our stdout is the one result line: the child's goes to stderr. */
		dup2(2, 1);
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0) {
		perror("waitpid");
		return 1;
	}
	rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	printf("ms %.1f rc %d\n", (now_ns() - t0) / 1e6, rc);
	/* The child's status is in the output: "set -- $(cwbench time ...)" */
	return 0;
}

static int cmd_rss(const char *pid)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/status", pid);
	f = fopen(path, "r");
	if (!f) {
		perror(path);
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned long kb;

		if (sscanf(line, "VmRSS: %lu kB", &kb) == 1) {
			printf("rss_kb %lu\n", kb);
			fclose(f);
			return 0;
		}
	}
	fclose(f);
	fprintf(stderr, "cwbench: no VmRSS in %s\n", path);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "udp"))
		return cmd_udp(argc - 1, argv + 1);
	if (!strcmp(argv[1], "tcp"))
		return cmd_tcp(argc - 1, argv + 1);
	if (!strcmp(argv[1], "bulk"))
		return cmd_bulk(argc - 1, argv + 1);
	if (!strcmp(argv[1], "time") && argc > 2)
		return cmd_time(argv + 2);
	if (!strcmp(argv[1], "rss") && argc > 2)
		return cmd_rss(argv[2]);
	return usage();
}
