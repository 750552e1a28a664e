// SPDX-License-Identifier: GPL-2.0
/*
 * cwnl: a byte-level driver of the consentwall generic netlink family, for
 * the guest scenarios. It speaks exactly kmod/uapi/consentwall.h, prints
 * every reply, error name and extack message, and can keep its socket (and
 * so the ownership of the namespace) open while a scenario runs.
 *
 *   cwnl COMMAND [ARGS]        one command on a fresh socket
 *   cwnl -c 'CMD; CMD; ...'    several commands on one socket
 *   cwnl -i                    read commands from stdin, one per line, on
 *                              one socket; print events as they arrive;
 *                              after each command print ". SEQ OK|ERRNAME"
 *
 * Commands:
 *   claim | begin | commit | abort
 *   add PURPOSE [desc=TEXT] ENTRY...     ENTRY is one of
 *        ip=ADDR[/LEN][,PROTO[,PORT[-PORT]]]   (PROTO tcp, udp or a number)
 *        uid=N    appid=N (every Android user)    domain=NAME
 *   addgen PURPOSE COUNT [PER_MSG]       COUNT host entries 10.x.y.z
 *   addpat PURPOSE TEXT[:TAG]...         identifier patterns (CW_A_PATTERNS):
 *                                        TEXT's bytes ("" for an empty one)
 *   addpatgen PURPOSE COUNT LEN          COUNT distinct patterns of LEN
 *                                        bytes, in messages of at most 32 KiB
 *   consent PURPOSE 0|1|allow|deny
 *   nat64 [PREFIX/LEN...]                 SET_NAT64 (none: clear them)
 *   status | stats
 *   explain PROTO ADDR PORT [uid=N] [name=HOST]
 *   swap N PURPOSE ENTRY...              N x (begin, add, commit), the
 *                                        ruleset alternating in size
 *   sleep MS | echo TEXT
 *
 * Output: "error ERRNAME: extack message [attr N]" for a failed command,
 * "generation N" after a commit, key/value lines for status, stats,
 * explain and events. Exit status 0 only if every command succeeded.
 * With CWNL_RAW=FILE every message received is appended to FILE as is.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "uapi/consentwall.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

static struct mnl_socket *nl;
static unsigned int portid, seq;
static uint16_t family_id;
static char sent[1 << 20];	/* last request, to name the bad attribute */
static char rbuf[1 << 20];
static int cur_cmd;
static bool interactive, quiet;

/* CWNL_RAW: every message received, appended as is. */
static void raw_save(const void *p, ssize_t n)
{
	const char *path = getenv("CWNL_RAW");
	FILE *f;

	if (!path || n <= 0)
		return;
	f = fopen(path, "ab");
	if (f) {
		fwrite(p, 1, (size_t)n, f);
		fclose(f);
	}
}


static const char *errname(int e)
{
	const char *n = strerrorname_np(e);

	return n ? n : "EUNKNOWN";
}

static void die(const char *what)
{
	printf("error %s: %s\n", errname(errno), what);
	exit(1);
}

/* ---- printing ---------------------------------------------------------- */

static unsigned long long attr_uint(const struct nlattr *a)
{
	switch (mnl_attr_get_payload_len(a)) {
	case 1: return mnl_attr_get_u8(a);
	case 2: return mnl_attr_get_u16(a);
	case 4: return mnl_attr_get_u32(a);
	case 8: return mnl_attr_get_u64(a);
	}
	return 0;
}

static void print_addr(const struct nlattr *a)
{
	char s[INET6_ADDRSTRLEN] = "?";
	int len = mnl_attr_get_payload_len(a);

	if (len == 4)
		inet_ntop(AF_INET, mnl_attr_get_payload(a), s, sizeof(s));
	else if (len == 16)
		inet_ntop(AF_INET6, mnl_attr_get_payload(a), s, sizeof(s));
	printf(" addr %s", s);
}

static const char *const purpose_keys[] = {
	[CW_PURPOSE_A_CONSENT] = "consent",
	[CW_PURPOSE_A_NR_ENTRIES] = "entries",
	[CW_PURPOSE_A_BLOCKED_PACKETS] = "blocked_packets",
	[CW_PURPOSE_A_BLOCKED_BYTES] = "blocked_bytes",
	[CW_PURPOSE_A_ALLOWED_PACKETS] = "allowed_packets",
	[CW_PURPOSE_A_ALLOWED_BYTES] = "allowed_bytes",
};

/* "purpose NAME consent 0 entries 3 ... desc TEXT" on one line */
static void print_purpose(const char *prefix, const struct nlattr *nest)
{
	const struct nlattr *a;
	const char *name = "?", *desc = NULL;

	mnl_attr_for_each_nested(a, nest)
		if (mnl_attr_get_type(a) == CW_PURPOSE_A_NAME)
			name = mnl_attr_get_str(a);
	printf("%s %s", prefix, name);
	mnl_attr_for_each_nested(a, nest) {
		int t = mnl_attr_get_type(a);

		if (t == CW_PURPOSE_A_DESC)
			desc = mnl_attr_get_str(a);
		else if (t > 0 && t <= CW_PURPOSE_A_ALLOWED_BYTES &&
			 purpose_keys[t])
			printf(" %s %llu", purpose_keys[t], attr_uint(a));
	}
	if (desc)
		printf(" desc %s", desc);
	printf("\n");
}

static void print_nat64(bool event, const struct nlattr *nest)
{
	char s[INET6_ADDRSTRLEN] = "?";
	const struct nlattr *a;
	unsigned int len = 0;

	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_get_type(a) == CW_NAT64_A_ADDR &&
		    mnl_attr_get_payload_len(a) == 16)
			inet_ntop(AF_INET6, mnl_attr_get_payload(a), s, sizeof(s));
		else if (mnl_attr_get_type(a) == CW_NAT64_A_PREFIXLEN)
			len = mnl_attr_get_u32(a);
	}
	printf(event ? " nat64_prefix %s/%u" : "nat64_prefix %s/%u\n", s, len);
}

static const char *const counter_keys[] = {
	[CW_COUNTER_A_OWNER_RELEASES] = "owner_releases",
	[CW_COUNTER_A_EVENTS_SENT] = "events_sent",
	[CW_COUNTER_A_EVENTS_DROPPED] = "events_dropped",
	[CW_COUNTER_A_UNCONFIGURED_BLOCKED] = "unconfigured_blocked",
	[CW_COUNTER_A_COMMITS] = "commits",
	[CW_COUNTER_A_NAMES_FAILED] = "names_failed",
	[CW_COUNTER_A_DNS_ANSWERED] = "dns_answered",
	[CW_COUNTER_A_FLOWS_REMEMBERED] = "flows_remembered",
	[CW_COUNTER_A_FLOWS_REVOKED] = "flows_revoked",
	[CW_COUNTER_A_FLOWS_REFUSED] = "flows_refused",
	[CW_COUNTER_A_IDENTS_SCANNED] = "idents_scanned",
	[CW_COUNTER_A_IDENTS_SKIPPED] = "idents_skipped",
	[CW_COUNTER_A_IDENTS_BLOCKED] = "idents_blocked",
};

static const char *const top_keys[] = {
	[CW_A_CONSENT] = "consent",
	[CW_A_GENERATION] = "generation",
	[CW_A_OWNER] = "owner",
	[CW_A_CONFIGURED] = "configured",
	[CW_A_POLICED] = "policed",
	[CW_A_FAMILY] = "family",
	[CW_A_PROTO] = "proto",
	[CW_A_PORT] = "port",
	[CW_A_UID] = "uid",
	[CW_A_NR_ENTRIES] = "nr_entries",
	[CW_A_MEMORY] = "memory",
	[CW_A_COUNT] = "count",
	[CW_A_IDENT_TAG] = "ident_tag",
};

/*
 * Status/stats/explain replies: one "key value" line per scalar, one line
 * per purpose and per counter. Events: everything on one "event" line, so
 * that a scenario can grep a single line.
 */
static void print_genl(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	bool event = g->cmd == CW_CMD_EVENT;
	const struct nlattr *a, *b;

	if (quiet && !event)
		return;
	if (event)
		printf("event");
	mnl_attr_for_each(a, nlh, sizeof(*g)) {
		int t = mnl_attr_get_type(a);

		switch (t) {
		case CW_A_VERDICT:
			printf(event ? " verdict %s" : "verdict %s\n",
			       mnl_attr_get_u32(a) == CW_VERDICT_BLOCK ?
			       "block" : "accept");
			break;
		case CW_A_ADDR:
			print_addr(a);
			if (!event)
				printf("\n");
			break;
		case CW_A_NAME:
		case CW_A_PURPOSE_NAME:
			printf(event ? " name %s" : "name %s\n",
			       mnl_attr_get_str(a));
			break;
		case CW_A_PURPOSES:
			if (event) {
				const char *sep = " purposes ";

				mnl_attr_for_each_nested(b, a) {
					const struct nlattr *c;

					mnl_attr_for_each_nested(c, b)
						if (mnl_attr_get_type(c) ==
						    CW_PURPOSE_A_NAME) {
							printf("%s%s", sep,
							       mnl_attr_get_str(c));
							sep = ",";
						}
				}
				break;
			}
			mnl_attr_for_each_nested(b, a)
				print_purpose("purpose", b);
			break;
		case CW_A_PURPOSE:
			print_purpose(cur_cmd == CW_CMD_GET_STATS ?
				      "stats" : "purpose", a);
			break;
		case CW_A_NAT64_ADDR:
			printf(event ? " nat64" : "nat64");
			print_addr(a);
			if (!event)
				printf("\n");
			break;
		case CW_A_NAT64_PREFIX:
			print_nat64(event, a);
			break;
		case CW_A_LEARNED_NAME:
			printf("learned_name %s\n", mnl_attr_get_str(a));
			break;
		case CW_A_NAT64_PREFIXES:
			mnl_attr_for_each_nested(b, a)
				print_nat64(event, b);
			break;
		case CW_A_COUNTERS:
			mnl_attr_for_each_nested(b, a) {
				int c = mnl_attr_get_type(b);

				if (c > 0 && c <= CW_COUNTER_A_MAX &&
				    counter_keys[c])
					printf("counter %s %llu\n",
					       counter_keys[c], attr_uint(b));
			}
			break;
		default:
			if (t > 0 && t < (int)(sizeof(top_keys) / sizeof(*top_keys)) &&
			    top_keys[t])
				printf(event ? " %s %llu" : "%s %llu\n",
				       top_keys[t], attr_uint(a));
			else if (t != CW_A_PAD)
				printf(event ? " attr%d" : "attr%d\n", t);
		}
	}
	if (event)
		printf("\n");
	fflush(stdout);
}

/* Names the attribute of the last request that extack points at. */
static int bad_attr_type(unsigned int offs)
{
	struct nlmsghdr *req = (struct nlmsghdr *)sent;
	struct nlattr *a;

	if (offs + sizeof(*a) > req->nlmsg_len || offs < sizeof(*req))
		return -1;
	a = (struct nlattr *)(sent + offs);
	return a->nla_type & NLA_TYPE_MASK;
}

static int print_error(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const char *msg = NULL;
	int bad = -1;
	size_t off = sizeof(*e);

	if (!e->error)
		return 0;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		const struct nlattr *a;

		mnl_attr_for_each(a, nlh, off) {
			if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG)
				msg = mnl_attr_get_str(a);
			else if (mnl_attr_get_type(a) == NLMSGERR_ATTR_OFFS)
				bad = bad_attr_type(mnl_attr_get_u32(a));
		}
	}
	printf("error %s", errname(-e->error));
	if (msg)
		printf(": %s", msg);
	if (bad >= 0)
		printf(" [attr %d]", bad);
	printf("\n");
	fflush(stdout);
	return -e->error;
}

/*
 * Reads until the answer to request `want` is complete (ACK, error or end
 * of dump). Events that arrive meanwhile are printed. want == 0: print
 * whatever is pending without blocking.
 */
static int receive(unsigned int want)
{
	for (;;) {
		struct nlmsghdr *nlh;
		ssize_t n;
		int len;

		if (!want) {
			struct pollfd p = { mnl_socket_get_fd(nl), POLLIN, 0 };

			if (poll(&p, 1, 0) <= 0)
				return 0;
		}
		n = mnl_socket_recvfrom(nl, rbuf, sizeof(rbuf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				printf("events lost ENOBUFS\n");
				continue;
			}
			return errno;
		}
		len = n;
		raw_save(rbuf, n);
		for (nlh = (struct nlmsghdr *)rbuf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			bool mine = want && nlh->nlmsg_seq == want;

			if (nlh->nlmsg_type == NLMSG_ERROR) {
				if (mine)
					return print_error(nlh);
				continue;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				if (mine) {
					int *err = mnl_nlmsg_get_payload(nlh);

					if (nlh->nlmsg_len >= NLMSG_LENGTH(4) && *err)
						return print_error(nlh);
					return 0;
				}
				continue;
			}
			if (nlh->nlmsg_type == family_id)
				print_genl(nlh);
		}
		if (!want)
			continue;
	}
}

/* ---- requests ---------------------------------------------------------- */

static struct nlmsghdr *start(int cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(sent);
	struct genlmsghdr *g;

	nlh->nlmsg_type = family_id;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = CW_GENL_VERSION;
	cur_cmd = cmd;
	return nlh;
}

static int transact(struct nlmsghdr *nlh)
{
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		die("sendto");
	return receive(nlh->nlmsg_seq);
}

static int resolve_family(void)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(sent);
	struct genlmsghdr *g;
	ssize_t n;

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, CW_GENL_NAME);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		die("sendto");
	for (;;) {
		int len;

		n = mnl_socket_recvfrom(nl, rbuf, sizeof(rbuf));
		if (n < 0)
			die("recv");
		len = n;
		for (nlh = (struct nlmsghdr *)rbuf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct nlattr *a;

			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e =
					mnl_nlmsg_get_payload(nlh);

				if (e->error) {
					printf("error %s: generic netlink family %s not found (module not loaded?)\n",
					       errname(-e->error), CW_GENL_NAME);
					return -e->error;
				}
				return family_id ? 0 : ENOENT;
			}
			mnl_attr_for_each(a, nlh, GENL_HDRLEN)
				if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
					family_id = mnl_attr_get_u16(a);
		}
	}
}

static int parse_proto(const char *s)
{
	if (!strcmp(s, "tcp"))
		return IPPROTO_TCP;
	if (!strcmp(s, "udp"))
		return IPPROTO_UDP;
	if (!strcmp(s, "any"))
		return 0;
	return atoi(s);
}

/* Parses ADDR into buf; returns AF_INET, AF_INET6 or -1. */
static int parse_ip(const char *s, unsigned char *buf)
{
	if (inet_pton(AF_INET, s, buf) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, s, buf) == 1)
		return AF_INET6;
	return -1;
}

/*
 * uapi/consentwall.h says CW_A_ENTRIES is a "nest of CW_A_ENTRY" but names
 * no such constant: each entry is sent as a nest of type 1 (the kernel
 * walks the array without looking at the type) unless the header grows one.
 */
#ifdef CW_A_ENTRY
#define ENTRY_NEST CW_A_ENTRY
#else
#define ENTRY_NEST 1
#endif

/* Adds one ENTRY token as a nest. Returns false if it cannot be parsed. */
static bool put_entry(struct nlmsghdr *nlh, const char *tok)
{
	unsigned char addr[16];
	char buf[256], *parts[4] = { 0 }, *p, *save = NULL;
	struct nlattr *e;
	int fam, n = 0;

	e = mnl_attr_nest_start(nlh, ENTRY_NEST);
	if (!strncmp(tok, "uid=", 4)) {
		mnl_attr_put_u32(nlh, CW_ENTRY_A_UID, strtoul(tok + 4, NULL, 0));
	} else if (!strncmp(tok, "appid=", 6)) {
		mnl_attr_put_u32(nlh, CW_ENTRY_A_APPID,
				 strtoul(tok + 6, NULL, 0));
	} else if (!strncmp(tok, "domain=", 7)) {
		mnl_attr_put_strz(nlh, CW_ENTRY_A_DOMAIN, tok + 7);
	} else if (!strncmp(tok, "ip=", 3)) {
		snprintf(buf, sizeof(buf), "%s", tok + 3);
		for (p = strtok_r(buf, ",", &save); p && n < 4;
		     p = strtok_r(NULL, ",", &save))
			parts[n++] = p;
		if (!n)
			return false;
		p = strchr(parts[0], '/');
		if (p)
			*p++ = 0;
		fam = parse_ip(parts[0], addr);
		if (fam < 0)
			return false;
		mnl_attr_put_u32(nlh, CW_ENTRY_A_FAMILY, fam);
		mnl_attr_put(nlh, CW_ENTRY_A_ADDR, fam == AF_INET ? 4 : 16,
			     addr);
		if (p)
			mnl_attr_put_u32(nlh, CW_ENTRY_A_PREFIXLEN, atoi(p));
		if (parts[1])
			mnl_attr_put_u32(nlh, CW_ENTRY_A_PROTO,
					 parse_proto(parts[1]));
		if (parts[2]) {
			char *dash = strchr(parts[2], '-');

			if (dash)
				*dash++ = 0;
			mnl_attr_put_u32(nlh, CW_ENTRY_A_PORT_MIN,
					 atoi(parts[2]));
			if (dash)
				mnl_attr_put_u32(nlh, CW_ENTRY_A_PORT_MAX,
						 atoi(dash));
		}
	} else {
		return false;
	}
	mnl_attr_nest_end(nlh, e);
	return true;
}

static int simple(int cmd)
{
	return transact(start(cmd, NLM_F_ACK));
}

static int cmd_add(int argc, char **argv)
{
	struct nlmsghdr *nlh;
	struct nlattr *ents;
	int i;

	if (argc < 2) {
		printf("error EINVAL: usage: add PURPOSE [desc=TEXT] ENTRY...\n");
		return EINVAL;
	}
	nlh = start(CW_CMD_ADD, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CW_A_PURPOSE_NAME, argv[1]);
	i = 2;
	if (i < argc && !strncmp(argv[i], "desc=", 5))
		mnl_attr_put_strz(nlh, CW_A_PURPOSE_DESC, argv[i++] + 5);
	ents = mnl_attr_nest_start(nlh, CW_A_ENTRIES);
	for (; i < argc; i++) {
		if (!put_entry(nlh, argv[i])) {
			printf("error EINVAL: cannot parse entry %s\n", argv[i]);
			return EINVAL;
		}
	}
	mnl_attr_nest_end(nlh, ents);
	return transact(nlh);
}

/* COUNT host entries 10.a.b.c, PER_MSG to a message. */
static int cmd_addgen(int argc, char **argv)
{
	unsigned long count, per, done = 0;
	int err;

	if (argc < 3) {
		printf("error EINVAL: usage: addgen PURPOSE COUNT [PER_MSG]\n");
		return EINVAL;
	}
	count = strtoul(argv[2], NULL, 0);
	per = argc > 3 ? strtoul(argv[3], NULL, 0) : 1000;
	while (done < count) {
		struct nlmsghdr *nlh = start(CW_CMD_ADD, NLM_F_ACK);
		struct nlattr *ents;
		unsigned long i;

		mnl_attr_put_strz(nlh, CW_A_PURPOSE_NAME, argv[1]);
		ents = mnl_attr_nest_start(nlh, CW_A_ENTRIES);
		for (i = 0; i < per && done < count; i++, done++) {
			uint32_t a = htonl(0x0a000001 + done);
			struct nlattr *e = mnl_attr_nest_start(nlh, ENTRY_NEST);

			mnl_attr_put_u32(nlh, CW_ENTRY_A_FAMILY, AF_INET);
			mnl_attr_put(nlh, CW_ENTRY_A_ADDR, 4, &a);
			mnl_attr_nest_end(nlh, e);
		}
		mnl_attr_nest_end(nlh, ents);
		err = transact(nlh);
		if (err)
			return err;
	}
	printf("added %lu\n", done);
	return 0;
}

/* One pattern as a CW_A_PATTERN nest. */
static void put_pattern(struct nlmsghdr *nlh, const void *p, size_t n,
			uint32_t tag)
{
	struct nlattr *one = mnl_attr_nest_start(nlh, CW_A_PATTERN);

	mnl_attr_put(nlh, CW_PATTERN_A_BYTES, n, p);
	mnl_attr_put_u32(nlh, CW_PATTERN_A_TAG, tag);
	mnl_attr_nest_end(nlh, one);
}

static int cmd_addpat(int argc, char **argv)
{
	struct nlmsghdr *nlh;
	struct nlattr *all;
	int i;

	if (argc < 3) {
		printf("error EINVAL: usage: addpat PURPOSE TEXT[:TAG]...\n");
		return EINVAL;
	}
	nlh = start(CW_CMD_ADD, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CW_A_PURPOSE_NAME, argv[1]);
	all = mnl_attr_nest_start(nlh, CW_A_PATTERNS);
	for (i = 2; i < argc; i++) {
		char *colon = strrchr(argv[i], ':');
		size_t n = colon ? (size_t)(colon - argv[i]) : strlen(argv[i]);

		put_pattern(nlh, argv[i], n,
			    colon ? strtoul(colon + 1, NULL, 0) : (uint32_t)i - 2);
	}
	mnl_attr_nest_end(nlh, all);
	return transact(nlh);
}

static int cmd_addpatgen(int argc, char **argv)
{
	unsigned long count, len, done = 0, k;
	char p[512];
	int err;

	if (argc < 4 || (len = strtoul(argv[3], NULL, 0)) > sizeof(p)) {
		printf("error EINVAL: usage: addpatgen PURPOSE COUNT LEN (LEN <= 512)\n");
		return EINVAL;
	}
	count = strtoul(argv[2], NULL, 0);
	while (done < count) {
		struct nlmsghdr *nlh = start(CW_CMD_ADD, NLM_F_ACK);
		struct nlattr *all;

		mnl_attr_put_strz(nlh, CW_A_PURPOSE_NAME, argv[1]);
		all = mnl_attr_nest_start(nlh, CW_A_PATTERNS);
		for (; done < count && nlh->nlmsg_len < 32768; done++) {
			for (k = 0; k < len; k++)
				p[k] = 'a' + (done >> (4 * (k % 8))) % 16;
			put_pattern(nlh, p, len, done);
		}
		mnl_attr_nest_end(nlh, all);
		err = transact(nlh);
		if (err)
			return err;
	}
	printf("added %lu\n", done);
	return 0;
}

static int cmd_commit(void)
{
	return transact(start(CW_CMD_COMMIT, NLM_F_ACK));
}

static int cmd_consent(int argc, char **argv)
{
	struct nlmsghdr *nlh;
	int v;

	if (argc < 3) {
		printf("error EINVAL: usage: consent PURPOSE 0|1\n");
		return EINVAL;
	}
	v = !strcmp(argv[2], "allow") ? 1 : !strcmp(argv[2], "deny") ? 0 :
	    atoi(argv[2]);
	nlh = start(CW_CMD_SET_CONSENT, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CW_A_PURPOSE_NAME, argv[1]);
	mnl_attr_put_u32(nlh, CW_A_CONSENT, v);
	return transact(nlh);
}

/* nat64 [PREFIX/LEN...]: lengths are sent as written, checked by the kernel */
static int cmd_nat64(int argc, char **argv)
{
	struct nlmsghdr *nlh = start(CW_CMD_SET_NAT64, NLM_F_ACK);
	struct nlattr *all, *one;
	unsigned char addr[16];
	char buf[64], *slash;
	int i;

	all = mnl_attr_nest_start(nlh, CW_A_NAT64_PREFIXES);
	for (i = 1; i < argc; i++) {
		snprintf(buf, sizeof(buf), "%s", argv[i]);
		slash = strchr(buf, '/');
		if (slash)
			*slash++ = 0;
		if (parse_ip(buf, addr) != AF_INET6) {
			printf("error EINVAL: usage: nat64 [IPV6PREFIX/LEN...]\n");
			return EINVAL;
		}
		one = mnl_attr_nest_start(nlh, CW_A_NAT64_PREFIX);
		mnl_attr_put(nlh, CW_NAT64_A_ADDR, 16, addr);
		if (slash)
			mnl_attr_put_u32(nlh, CW_NAT64_A_PREFIXLEN, atoi(slash));
		mnl_attr_nest_end(nlh, one);
	}
	mnl_attr_nest_end(nlh, all);
	return transact(nlh);
}

static int cmd_explain(int argc, char **argv)
{
	unsigned char addr[16];
	struct nlmsghdr *nlh;
	int fam, i;

	if (argc < 4) {
		printf("error EINVAL: usage: explain PROTO ADDR PORT [uid=N] [name=HOST]\n");
		return EINVAL;
	}
	fam = parse_ip(argv[2], addr);
	if (fam < 0) {
		printf("error EINVAL: bad address %s\n", argv[2]);
		return EINVAL;
	}
	nlh = start(CW_CMD_EXPLAIN, NLM_F_ACK);
	mnl_attr_put_u32(nlh, CW_A_FAMILY, fam);
	mnl_attr_put_u32(nlh, CW_A_PROTO, parse_proto(argv[1]));
	mnl_attr_put(nlh, CW_A_ADDR, fam == AF_INET ? 4 : 16, addr);
	mnl_attr_put_u32(nlh, CW_A_PORT, atoi(argv[3]));
	for (i = 4; i < argc; i++) {
		if (!strncmp(argv[i], "uid=", 4))
			mnl_attr_put_u32(nlh, CW_A_UID,
					 strtoul(argv[i] + 4, NULL, 0));
		else if (!strncmp(argv[i], "name=", 5))
			mnl_attr_put_strz(nlh, CW_A_NAME, argv[i] + 5);
	}
	return transact(nlh);
}

/*
 * N ruleset swaps, each one a full transaction. Every other ruleset has an
 * extra purpose so that consecutive rulesets really differ.
 */
static int cmd_swap(int argc, char **argv)
{
	unsigned long n, i;
	int err;

	if (argc < 4) {
		printf("error EINVAL: usage: swap N PURPOSE ENTRY...\n");
		return EINVAL;
	}
	n = strtoul(argv[1], NULL, 0);
	for (i = 0; i < n; i++) {
		err = simple(CW_CMD_BEGIN);
		if (!err)
			err = cmd_add(argc - 1, argv + 1);
		if (!err && (i & 1)) {
			char *extra[] = { "add", "swap-filler",
					  "ip=203.0.113.250/32,udp,9", NULL };

			err = cmd_add(3, extra);
		}
		if (!err) {
			/* Keep the per-commit "generation" lines out. */
			quiet = true;
			err = cmd_commit();
			quiet = false;
		}
		if (err) {
			printf("swap failed at %lu: %s\n", i, errname(err));
			return err;
		}
	}
	printf("swapped %lu\n", n);
	return 0;
}

static int run(int argc, char **argv)
{
	const char *c;

	if (!argc)
		return 0;
	c = argv[0];
	if (!strcmp(c, "claim"))
		return simple(CW_CMD_CLAIM);
	if (!strcmp(c, "begin"))
		return simple(CW_CMD_BEGIN);
	if (!strcmp(c, "commit"))
		return cmd_commit();
	if (!strcmp(c, "abort"))
		return simple(CW_CMD_ABORT);
	if (!strcmp(c, "add"))
		return cmd_add(argc, argv);
	if (!strcmp(c, "addgen"))
		return cmd_addgen(argc, argv);
	if (!strcmp(c, "addpat"))
		return cmd_addpat(argc, argv);
	if (!strcmp(c, "addpatgen"))
		return cmd_addpatgen(argc, argv);
	if (!strcmp(c, "consent"))
		return cmd_consent(argc, argv);
	if (!strcmp(c, "nat64"))
		return cmd_nat64(argc, argv);
	if (!strcmp(c, "status"))
		return simple(CW_CMD_GET_STATUS);
	if (!strcmp(c, "stats"))
		return transact(start(CW_CMD_GET_STATS, NLM_F_DUMP));
	if (!strcmp(c, "explain"))
		return cmd_explain(argc, argv);
	if (!strcmp(c, "swap"))
		return cmd_swap(argc, argv);
	if (!strcmp(c, "sleep")) {
		if (argc > 1)
			usleep(atol(argv[1]) * 1000);
		return receive(0);
	}
	if (!strcmp(c, "echo")) {
		for (int i = 1; i < argc; i++)
			printf("%s%s", argv[i], i + 1 < argc ? " " : "\n");
		return 0;
	}
	if (!strcmp(c, "raw")) {
		/* raw CMD: an empty request of any command number */
		return simple(argc > 1 ? atoi(argv[1]) : 0);
	}
	printf("error EINVAL: unknown command %s\n", c);
	return EINVAL;
}

/* Splits a line into words; "double quotes" group words. */
static int split(char *line, char **argv, int max)
{
	int n = 0;

	while (*line && n < max - 1) {
		while (*line == ' ' || *line == '\t' || *line == '\n')
			line++;
		if (!*line)
			break;
		if (*line == '"') {
			argv[n++] = ++line;
			while (*line && *line != '"')
				line++;
		} else {
			argv[n++] = line;
			while (*line && *line != ' ' && *line != '\t' &&
			       *line != '\n')
				line++;
		}
		if (*line)
			*line++ = 0;
	}
	argv[n] = NULL;
	return n;
}

static int run_line(char *line)
{
	char *argv[4096];
	int argc = split(line, argv, 4096);

	if (!argc || argv[0][0] == '#')
		return 0;
	return run(argc, argv);
}

/* -i: commands from stdin, events printed whenever they arrive. */
static int loop(void)
{
	static char in[1 << 16];
	size_t have = 0;
	int failed = 0, n = 0;

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = 0, .events = POLLIN },
			{ .fd = mnl_socket_get_fd(nl), .events = POLLIN },
		};
		char *nlpos;
		ssize_t r;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (p[1].revents)
			receive(0);
		if (!p[0].revents)
			continue;
		r = read(0, in + have, sizeof(in) - 1 - have);
		if (r <= 0)
			return failed ? 1 : 0;
		have += r;
		in[have] = 0;
		while ((nlpos = strchr(in, '\n'))) {
			int err;

			*nlpos = 0;
			err = run_line(in);
			printf(". %d %s\n", ++n, err ? errname(err) : "OK");
			fflush(stdout);
			if (err)
				failed = 1;
			have -= nlpos + 1 - in;
			memmove(in, nlpos + 1, have + 1);
		}
	}
}

int main(int argc, char **argv)
{
	int one = 1, err = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl)
		die("socket");
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die("bind");
	portid = mnl_socket_get_portid(nl);
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	err = resolve_family();
	if (err)
		return 1;
	if (argc > 1 && !strcmp(argv[1], "-i")) {
		interactive = true;
		printf("portid %u\n", portid);
		return loop();
	}
	if (argc > 2 && !strcmp(argv[1], "-c")) {
		char *save = NULL, *cmd;

		for (cmd = strtok_r(argv[2], ";\n", &save); cmd;
		     cmd = strtok_r(NULL, ";\n", &save)) {
			err = run_line(cmd);
			if (err)
				return 1;
		}
		return 0;
	}
	return run(argc - 1, argv + 1) ? 1 : 0;
}
