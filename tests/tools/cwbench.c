// SPDX-License-Identifier: GPL-2.0
/*
 * cwbench: the guest side of `make bench` (bench/run.sh).
 *
 *   cwbench udp ADDR PORT MS [BATCH]
 *       Send 16-byte UDP datagrams to ADDR:PORT with sendmmsg(), BATCH
 *       (default 32) per call, for MS milliseconds, from a connected socket
 *       so that the kernel's cost per datagram is the route, the netfilter
 *       LOCAL_OUT hooks and the device: nothing else varies between the
 *       configurations being compared. A call that fails (a blocked
 *       datagram makes sendmmsg() fail at its first message) counts as one
 *       attempt. Prints:
 *         pps N attempts N sent N failed N errno NAME
 *   cwbench tcp ADDR PORT MS
 *       Connect to ADDR:PORT (a reader that discards) and write 16 bytes
 *       at a time with TCP_NODELAY for MS milliseconds: a segment per
 *       write while the window is open. Prints the segments sent per
 *       second (tcpi_segs_out) as:
 *         pps N segs N
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
	fprintf(stderr, "usage: cwbench udp ADDR PORT MS [BATCH] | tcp ADDR PORT MS | bulk ADDR PORT MS FILE [tls] | time CMD [ARG...] | rss PID\n");
	return 2;
}

static int cmd_udp(int argc, char **argv)
{
	static char payload[MAX_BATCH][16];
	struct mmsghdr msgs[MAX_BATCH];
	struct iovec iov[MAX_BATCH];
	struct sockaddr_storage ss;
	unsigned long long t0, end, t, attempts = 0, sent = 0, failed = 0;
	unsigned int batch = 32, ms, i;
	socklen_t sl;
	int fd, last_err = 0;

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

	fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, sl) < 0) {
		printf("error %s: socket/connect\n", errname(errno));
		return 1;
	}
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < batch; i++) {
		iov[i].iov_base = payload[i];
		iov[i].iov_len = sizeof(payload[i]);
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

static int cmd_tcp(int argc, char **argv)
{
	struct sockaddr_storage ss;
	unsigned long long t0, end, t;
	struct tcp_info ti, ti0;
	socklen_t sl, il = sizeof(ti);
	char payload[16] = { 0 };
	int fd, one = 1, ms;

	if (argc < 4)
		return usage();
	sl = parse_addr(argv[1], argv[2], &ss);
	ms = atoi(argv[3]);
	if (!sl || ms < 1)
		return usage();
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, sl) < 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0 ||
	    getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti0, &il) < 0) {
		printf("error %s: socket/connect\n", errname(errno));
		return 1;
	}
	t0 = now_ns();
	end = t0 + (unsigned long long)ms * 1000000ULL;
	do {
		if (send(fd, payload, sizeof(payload), MSG_NOSIGNAL) < 0) {
			printf("error %s: send\n", errname(errno));
			return 1;
		}
		t = now_ns();
	} while (t < end);
	il = sizeof(ti);
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &il) < 0) {
		printf("error %s: TCP_INFO\n", errname(errno));
		return 1;
	}
	printf("pps %.0f segs %u\n",
	       (ti.tcpi_segs_out - ti0.tcpi_segs_out) * 1e9 / (double)(t - t0),
	       ti.tcpi_segs_out - ti0.tcpi_segs_out);
	close(fd);
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

static int cmd_bulk(int argc, char **argv)
{
	/* a handshake record of 4 bytes: what starts a TLS stream */
	static const unsigned char hello[9] = { 22, 3, 1, 0, 4, 1, 0, 0, 0 };
	static unsigned char buf[BULK_MAX];
	struct sockaddr_storage ss;
	unsigned long long t0, end, t;
	struct tcp_info ti, ti0;
	socklen_t sl, il = sizeof(ti);
	int fd, ms, tls = argc > 5 && !strcmp(argv[5], "tls");
	size_t n, off = 0;

	if (argc < 5)
		return usage();
	sl = parse_addr(argv[1], argv[2], &ss);
	ms = atoi(argv[3]);
	n = bulk_fill(buf, sizeof(buf), argv[4], tls);
	if (!sl || ms < 1 || !n)
		return usage();
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, sl) < 0 ||
	    (tls && send(fd, hello, sizeof(hello), MSG_NOSIGNAL) < 0) ||
	    getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti0, &il) < 0) {
		printf("error %s: socket/connect\n", errname(errno));
		return 1;
	}
	t0 = now_ns();
	end = t0 + (unsigned long long)ms * 1000000ULL;
	do {
		size_t w = n - off < BULK_WRITE ? n - off : BULK_WRITE;
		ssize_t r = send(fd, buf + off, w, MSG_NOSIGNAL);

		if (r < 0) {
			printf("error %s: send\n", errname(errno));
			return 1;
		}
		off = (off + r) % n;
		t = now_ns();
	} while (t < end);
	il = sizeof(ti);
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &il) < 0) {
		printf("error %s: TCP_INFO\n", errname(errno));
		return 1;
	}
	printf("bps %.0f bytes %llu\n",
	       (ti.tcpi_bytes_acked - ti0.tcpi_bytes_acked) * 1e9 /
	       (double)(t - t0),
	       (unsigned long long)(ti.tcpi_bytes_acked - ti0.tcpi_bytes_acked));
	close(fd);
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
