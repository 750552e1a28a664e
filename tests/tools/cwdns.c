// SPDX-License-Identifier: GPL-2.0
/*
 * cwdns: a tiny DNS server for the guest scenarios. It answers every query
 * (UDP and TCP) for any name: an A question with ANSWER_V4 (default
 * 198.51.100.11), anything else with an empty NOERROR answer. Each query
 * that arrives appends "udp|tcp NAME" to LOG, so a scenario can assert
 * that a blocked query never reached the server.
 *
 *   cwdns ADDR PORT LOG [ANSWER_V4 [CUTS]]
 *
 * ADDR is an IPv4 or an IPv6 address. CUTS (comma-separated byte offsets
 * into a TCP answer, its length prefix included, e.g. "2" or "2,30")
 * writes each TCP answer in pieces cut there, 50 ms apart, with
 * TCP_NODELAY: one segment each, as a server that writes the prefix and
 * the message separately does.
 * LOG is created (empty) once both sockets listen.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

static struct in_addr answer;
static const char *logpath;
static const char *cuts;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void note(const char *proto, const char *name)
{
	FILE *f = fopen(logpath, "a");

	if (!f)
		die("log");
	fprintf(f, "%s %s\n", proto, name);
	fclose(f);
}

/*
 * Builds the answer to the query q[0..n) into r; returns its length, or 0
 * if the query is not worth answering.
 */
static size_t answer_query(const char *proto, const uint8_t *q, size_t n,
			   uint8_t *r, size_t rmax)
{
	char name[300];
	size_t off = 12, out = 0, qend;
	uint16_t qtype;

	if (n < 12 || (q[2] & 0x80) || !q[5])
		return 0;
	while (off < n && q[off]) {
		size_t l = q[off];

		if ((l & 0xc0) || off + 1 + l > n || out + l + 2 > sizeof(name))
			return 0;
		if (out)
			name[out++] = '.';
		memcpy(name + out, q + off + 1, l);
		out += l;
		off += 1 + l;
	}
	name[out] = '\0';
	if (off + 5 > n)
		return 0;
	qtype = q[off + 1] << 8 | q[off + 2];
	qend = off + 5;
	for (size_t i = 0; i < out; i++)
		name[i] = tolower((unsigned char)name[i]);
	note(proto, out ? name : ".");

	if (qend + 16 > rmax)
		return 0;
	memcpy(r, q, qend);
	r[2] = 0x84 | (q[2] & 0x01);	/* QR, AA, RD copied */
	r[3] = 0x80;			/* RA, NOERROR */
	r[4] = 0, r[5] = 1;		/* one question */
	r[6] = 0, r[7] = qtype == 1;	/* answers */
	memset(r + 8, 0, 4);
	if (qtype != 1)
		return qend;
	r += qend;
	r[0] = 0xc0, r[1] = 12;		/* the question's name */
	r[2] = 0, r[3] = 1, r[4] = 0, r[5] = 1;
	r[6] = 0, r[7] = 0, r[8] = 0, r[9] = 60;
	r[10] = 0, r[11] = 4;
	memcpy(r + 12, &answer, 4);
	return qend + 16;
}

/* Writes r[0..n) at once, or in the pieces CUTS says. */
static int write_answer(int c, const uint8_t *r, size_t n)
{
	const char *p = cuts;
	size_t at = 0, cut;
	char *end;

	while (p && *p) {
		cut = strtoul(p, &end, 10);
		if (cut > at && cut < n) {
			if (write(c, r + at, cut - at) < 0)
				return -1;
			at = cut;
			usleep(50000);
		}
		p = *end == ',' ? end + 1 : "";
	}
	return write(c, r + at, n - at) < 0 ? -1 : 0;
}

static void serve_tcp(int c)
{
	uint8_t q[65538], r[600];
	size_t have = 0;
	int one = 1;

	if (cuts)
		setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));

	for (;;) {
		ssize_t got = read(c, q + have, sizeof(q) - have);
		size_t mlen, rlen;

		if (got <= 0)
			break;
		have += got;
		while (have >= 2 && have >= 2 + (mlen = q[0] << 8 | q[1])) {
			rlen = answer_query("tcp", q + 2, mlen, r + 2,
					    sizeof(r) - 2);
			if (rlen) {
				r[0] = rlen >> 8, r[1] = rlen;
				if (write_answer(c, r, rlen + 2) < 0)
					break;
			}
			memmove(q, q + 2 + mlen, have - 2 - mlen);
			have -= 2 + mlen;
		}
	}
	close(c);
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct sockaddr_in6 sa6 = { .sin6_family = AF_INET6 };
	struct sockaddr *addr = (struct sockaddr *)&sa;
	socklen_t alen = sizeof(sa);
	struct pollfd pfd[2];
	int u, t, one = 1;
	FILE *f;

	signal(SIGCHLD, SIG_IGN);
	if (argc < 4) {
		fprintf(stderr, "usage: cwdns ADDR PORT LOG [ANSWER_V4 [CUTS]]\n");
		return 2;
	}
	logpath = argv[3];
	cuts = argc > 5 ? argv[5] : NULL;
	if (inet_pton(AF_INET6, argv[1], &sa6.sin6_addr) == 1) {
		addr = (struct sockaddr *)&sa6;
		alen = sizeof(sa6);
	} else if (inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1) {
		fprintf(stderr, "cwdns: bad address\n");
		return 2;
	}
	if (inet_pton(AF_INET, argc > 4 ? argv[4] : "198.51.100.11",
		      &answer) != 1) {
		fprintf(stderr, "cwdns: bad address\n");
		return 2;
	}
	sa.sin_port = sa6.sin6_port = htons(atoi(argv[2]));
	u = socket(addr->sa_family, SOCK_DGRAM, 0);
	t = socket(addr->sa_family, SOCK_STREAM, 0);
	if (u < 0 || t < 0)
		die("socket");
	setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(u, SOL_IP, IP_FREEBIND, &one, sizeof(one));
	setsockopt(t, SOL_IP, IP_FREEBIND, &one, sizeof(one));
	if (bind(u, addr, alen) || bind(t, addr, alen) || listen(t, 16))
		die("bind");
	f = fopen(logpath, "w");
	if (!f)
		die("log");
	fclose(f);

	pfd[0] = (struct pollfd){ .fd = u, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = t, .events = POLLIN };
	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (pfd[0].revents & POLLIN) {
			uint8_t q[1500], r[600];
			struct sockaddr_storage from;
			socklen_t fl = sizeof(from);
			ssize_t n = recvfrom(u, q, sizeof(q), 0,
					     (struct sockaddr *)&from, &fl);
			size_t rl;

			if (n > 0) {
				rl = answer_query("udp", q, n, r, sizeof(r));
				if (rl)
					sendto(u, r, rl, 0,
					       (struct sockaddr *)&from, fl);
			}
		}
		if (pfd[1].revents & POLLIN) {
			int c = accept(t, NULL, NULL);

			/*
			 * A child per connection: a client whose query was
			 * blocked never closes its side, and must not stall
			 * the server.
			 */
			if (c >= 0 && fork() == 0) {
				close(u);
				close(t);
				serve_tcp(c);
				_exit(0);
			}
			if (c >= 0)
				close(c);
		}
	}
}
