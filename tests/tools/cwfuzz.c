// SPDX-License-Identifier: GPL-2.0
/*
 * cwfuzz: a netlink fuzzer of the consentwall generic netlink family, run
 * inside the QEMU guest (tests/guest/9x-*.sh). Built on libmnl because the
 * messages it sends are ones libnl refuses to build.
 *
 *   cwfuzz [-s SEED] [-n MESSAGES] [-t THREADS] [-m MODE] [-v]
 *
 * MODE says what the fuzzer may do in the network namespace it runs in:
 *   full      (default) anything: claims, claim races, transactions, ADDs
 *             past every limit, consent. Meant for a namespace of its own.
 *   noclaim   never CLAIM (the genl command byte of a mutated message is
 *             cleared too): beside a daemon that owns the namespace, so
 *             every mutating command must be refused (EBUSY, ENOTCONN,
 *             EPERM...), never accepted, even while the daemon restarts.
 *   unpriv    run without CAP_NET_ADMIN (the caller drops it): every
 *             mutating command must be refused; reads are fuzzed.
 *
 * Every message carries a unique sequence number and, unless the fuzzer
 * deliberately leaves it out, NLM_F_ACK; each one is followed by a sync
 * request when its answer cannot be told from silence. Rules checked:
 *   - every message the netlink core can parse gets its final answer (an
 *     ack, an error or the end of a dump): silence is a failure;
 *   - every message built malformed (attribute past the maximum, wrong
 *     length or type, truncated genl header, nested garbage, unknown
 *     command) for a command that has a policy is refused;
 *   - in noclaim and unpriv modes no mutating command succeeds.
 * Output: one summary line "cwfuzz: sent N replied N rejected N ..." and
 * one line per failure (at most 20); exit 0 only without failures.
 * Each thread draws from its own generator seeded by SEED and its index,
 * so a seed reproduces the messages (not their interleaving).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "uapi/consentwall.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

#define MAX_THREADS	16
#define REPLY_TIMEOUT_MS 20000	/* a KASAN kernel under TCG is slow */

enum mode { MODE_FULL, MODE_NOCLAIM, MODE_UNPRIV };

/* What a message must get back. */
enum expect {
	EXP_ANY,	/* an answer; success or error both fine */
	EXP_ERR,	/* malformed: an error answer */
	EXP_NONE,	/* the netlink core drops it unanswered, by design */
};

static enum mode mode = MODE_FULL;
static uint16_t family_id;
static unsigned long total = 100000;
static int nthreads = 4;
static uint64_t seed;
static bool verbose;
static unsigned int max_entries = 1000000;

static atomic_ulong n_sent, n_answered, n_rejected, n_accepted, n_noreply,
	n_dropped, n_fail, n_replies, n_dumps, n_nomsg,
	n_next;
static atomic_ulong n_errno[160], n_nomsg_errno[160];
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static void failure(const char *fmt, ...)
{
	va_list ap;

	if (atomic_fetch_add(&n_fail, 1) >= 20)
		return;
	pthread_mutex_lock(&out_lock);
	fputs("cwfuzz: FAIL: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	pthread_mutex_unlock(&out_lock);
}

/* ---- per-thread state ---------------------------------------------- */

struct th {
	int id;
	uint64_t rng;
	struct mnl_socket *a, *b;	/* b: a second socket of the thread */
	unsigned int seq;
	bool owner;			/* a's last CLAIM succeeded */
	char buf[65536];
	char rbuf[1 << 16];
};

static uint64_t rnd(struct th *t)
{
	/* splitmix64: small, good enough, the same everywhere */
	uint64_t z = (t->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int rn(struct th *t, unsigned int n)
{
	return n ? rnd(t) % n : 0;
}

static struct mnl_socket *sock_open(void)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_GENERIC);
	int one = 1;

	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("cwfuzz: netlink socket");
		exit(2);
	}
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	return nl;
}

static struct nlmsghdr *msg_start(struct th *t, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(t->buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = family_id;
	nlh->nlmsg_flags = flags;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = CW_GENL_VERSION;
	return nlh;
}

static bool is_mutating(uint8_t cmd)
{
	return cmd >= CW_CMD_CLAIM && cmd <= CW_CMD_SET_CONSENT;
}

/*
 * Commands whose attributes the kernel validates against a policy: every
 * command it implements (those without attributes refuse any).
 */
static bool has_policy(uint8_t cmd)
{
	return cmd >= CW_CMD_CLAIM && cmd <= CW_CMD_EXPLAIN;
}

/* ---- one exchange ---------------------------------------------------- */

struct answer {
	bool final;	/* ack, error or end of dump seen */
	int err;	/* 0 or a positive errno */
	bool extack_msg;
	unsigned int replies;
};

static bool extack_has_msg(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	size_t off = sizeof(*e);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return false;
	/* NETLINK_CAP_ACK: the request is not echoed back */
	mnl_attr_for_each_payload((const void *)((const char *)e + off),
				  mnl_nlmsg_get_payload_len(nlh) - off)
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG)
			return true;
	return false;
}

static void note(const struct nlmsghdr *nlh, struct answer *ans)
{
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

		ans->final = true;
		ans->err = -e->error;
		ans->extack_msg = extack_has_msg(nlh);
	} else if (nlh->nlmsg_type == NLMSG_DONE) {
		ans->final = true;
		atomic_fetch_add(&n_dumps, 1);
	} else {
		ans->replies++;
	}
}

/*
 * Reads answers until the final one for seq arrives (true) or the socket
 * stays silent for REPLY_TIMEOUT_MS (false). Answers to other sequence
 * numbers (events, late parts) are skipped.
 */
static bool wait_final(struct th *t, struct mnl_socket *nl, unsigned int seq,
		       struct answer *ans, unsigned int aux_seq,
		       struct answer *aux)
{
	int fd = mnl_socket_get_fd(nl);

	memset(ans, 0, sizeof(*ans));
	if (aux)
		memset(aux, 0, sizeof(*aux));
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct nlmsghdr *nlh;
		ssize_t r;
		int len;

		r = poll(&p, 1, REPLY_TIMEOUT_MS);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		r = recv(fd, t->rbuf, sizeof(t->rbuf), MSG_DONTWAIT);
		if (r < 0) {
			/* ENOBUFS: events overran the socket; go on */
			if (errno == EAGAIN || errno == EINTR ||
			    errno == ENOBUFS)
				continue;
			failure("recv: %s", strerror(errno));
			return false;
		}
		len = r;
		for (nlh = (struct nlmsghdr *)t->rbuf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq == seq)
				note(nlh, ans);
			else if (aux && aux_seq && nlh->nlmsg_seq == aux_seq)
				note(nlh, aux);
		}
		if (ans->final)
			return true;
	}
}

static unsigned int next_seq(struct th *t)
{
	if (++t->seq == 0)
		t->seq = 1;
	return t->seq;
}

/*
 * A request whose final answer is certain: GET_STATUS with an ack. What
 * came meanwhile for aux_seq lands in aux.
 */
static bool sync_sock(struct th *t, struct mnl_socket *nl,
		      unsigned int aux_seq, struct answer *aux)
{
	char b[64];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(b);
	struct genlmsghdr *g;
	struct answer ans;

	nlh->nlmsg_type = family_id;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = next_seq(t);
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CW_CMD_GET_STATUS;
	g->version = CW_GENL_VERSION;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return false;
	return wait_final(t, nl, nlh->nlmsg_seq, &ans, aux_seq, aux) &&
	       !ans.err;
}

/*
 * Sends len bytes of t->buf (a message whose header may be a lie) on nl
 * and checks its answer against exp. Returns the errno answered (0 for
 * success), -1 when nothing final came.
 */
static int xmit(struct th *t, struct mnl_socket *nl, size_t len,
		enum expect exp, const char *what)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)t->buf;
	struct genlmsghdr *g = (struct genlmsghdr *)(t->buf + NLMSG_HDRLEN);
	uint8_t cmd = len >= NLMSG_HDRLEN + 1 ? g->cmd : 0;
	bool want_ack, parsed;
	struct answer ans = { 0 };
	unsigned int seq;

	/*
	 * The netlink core answers nothing at all for a message shorter than
	 * its header or longer than the datagram; anything else it answers
	 * when asked (NLM_F_ACK) or on error.
	 */
	parsed = len >= NLMSG_HDRLEN && nlh->nlmsg_len >= NLMSG_HDRLEN &&
		 nlh->nlmsg_len <= len;
	if (len >= NLMSG_HDRLEN) {
		seq = next_seq(t);
		nlh->nlmsg_seq = seq;
		want_ack = nlh->nlmsg_flags & NLM_F_ACK;
	} else {
		seq = 0;
		want_ack = false;
	}
	if (!parsed)
		exp = EXP_NONE;

	if (mnl_socket_sendto(nl, t->buf, len) < 0) {
		failure("%s: send: %s", what, strerror(errno));
		return -1;
	}
	atomic_fetch_add(&n_sent, 1);

	if (parsed && want_ack) {
		if (!wait_final(t, nl, seq, &ans, 0, NULL)) {
			atomic_fetch_add(&n_noreply, 1);
			failure("%s (cmd %u flags %#x len %zu seq %u): no answer in %d ms",
				what, cmd, nlh->nlmsg_flags, len, seq,
				REPLY_TIMEOUT_MS);
			return -1;
		}
	} else {
		/*
		 * No ack asked for, or a header the core drops: an answer of
		 * seq may or may not come before the sync's; the sync's answer
		 * proves the socket was not left hanging.
		 */
		if (!sync_sock(t, nl, seq, &ans)) {
			atomic_fetch_add(&n_noreply, 1);
			failure("%s (cmd %u len %zu): the sync after it got no answer",
				what, cmd, len);
			return -1;
		}
		if (!parsed)
			atomic_fetch_add(&n_dropped, 1);
		exp = EXP_ANY;	/* silence was allowed */
	}
	atomic_fetch_add(&n_answered, 1);
	atomic_fetch_add(&n_replies, ans.replies);
	if (ans.err) {
		atomic_fetch_add(&n_rejected, 1);
		if (ans.err > 0 && ans.err < 160)
			atomic_fetch_add(&n_errno[ans.err], 1);
		if (!ans.extack_msg) {
			atomic_fetch_add(&n_nomsg, 1);
			if (ans.err > 0 && ans.err < 160)
				atomic_fetch_add(&n_nomsg_errno[ans.err], 1);
		}
	} else {
		atomic_fetch_add(&n_accepted, 1);
		if (exp == EXP_ERR)
			failure("%s (cmd %u flags %#x len %zu): malformed, yet accepted",
				what, cmd, nlh->nlmsg_flags, len);
		/*
		 * Without NLM_F_REQUEST the core acks without running it;
		 * errors are always answered, so silence after a request
		 * means it ran.
		 */
		if (mode != MODE_FULL && is_mutating(cmd) && parsed &&
		    (nlh->nlmsg_flags & NLM_F_REQUEST)) {
			failure("%s (cmd %u): a mutating command accepted in %s mode",
				what, cmd, mode == MODE_UNPRIV ? "unpriv" :
				"noclaim");
		}
	}
	return ans.err;
}

/* ---- message builders ------------------------------------------------ */

static const char *const purposes[] = {
	"analytics", "push", "tracker", "ads", "crash", "a", "b.c", "x-y_z",
};

static void put_name(struct th *t, struct nlmsghdr *nlh)
{
	if (rn(t, 8)) {
		mnl_attr_put_strz(nlh, CW_A_PURPOSE_NAME,
				  purposes[rn(t, 8)]);
	} else {
		char n[40];

		snprintf(n, sizeof(n), "p%u", rn(t, 100));
		mnl_attr_put_strz(nlh, CW_A_PURPOSE_NAME, n);
	}
}

static void put_addr(struct th *t, struct nlmsghdr *nlh, int type, int fam)
{
	uint8_t a[16];

	for (int i = 0; i < 16; i++)
		a[i] = rnd(t);
	if (fam == AF_INET) {
		a[0] = rn(t, 2) ? 198 : 10;
		mnl_attr_put(nlh, type, 4, a);
	} else {
		a[0] = 0x20;
		a[1] = 0x01;
		mnl_attr_put(nlh, type, 16, a);
	}
}

/* One valid CW_A_ENTRY of a random form. */
static void put_entry(struct th *t, struct nlmsghdr *nlh)
{
	struct nlattr *e = mnl_attr_nest_start(nlh, 0);
	int fam = rn(t, 2) ? AF_INET : AF_INET6;
	char d[64];

	switch (rn(t, 4)) {
	case 0:
	case 1:
		mnl_attr_put_u32(nlh, CW_ENTRY_A_FAMILY, fam);
		put_addr(t, nlh, CW_ENTRY_A_ADDR, fam);
		if (rn(t, 2))
			mnl_attr_put_u32(nlh, CW_ENTRY_A_PREFIXLEN,
					 rn(t, fam == AF_INET ? 33 : 129));
		if (rn(t, 2)) {
			unsigned int lo = 1 + rn(t, 65535);

			mnl_attr_put_u32(nlh, CW_ENTRY_A_PROTO,
					 rn(t, 2) ? IPPROTO_TCP : IPPROTO_UDP);
			mnl_attr_put_u32(nlh, CW_ENTRY_A_PORT_MIN, lo);
			if (rn(t, 2))
				mnl_attr_put_u32(nlh, CW_ENTRY_A_PORT_MAX,
						 lo + rn(t, 65536 - lo));
		}
		break;
	case 2:
		mnl_attr_put_u32(nlh, CW_ENTRY_A_UID, 10000 + rn(t, 1000));
		break;
	default:
		snprintf(d, sizeof(d), "h%u.example%u.com", rn(t, 1000),
			 rn(t, 10));
		mnl_attr_put_strz(nlh, CW_ENTRY_A_DOMAIN, d);
		break;
	}
	mnl_attr_nest_end(nlh, e);
}

/* A valid request of a random command (the kernel may still refuse it
 * for the state it is in: not owner, no transaction...). */
static struct nlmsghdr *build_valid(struct th *t, uint8_t cmd)
{
	uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;
	struct nlmsghdr *nlh;
	struct nlattr *n;
	int fam;

	if (cmd == CW_CMD_GET_STATS)
		flags |= NLM_F_DUMP;
	nlh = msg_start(t, cmd, flags);
	switch (cmd) {
	case CW_CMD_ADD:
		put_name(t, nlh);
		if (rn(t, 2))
			mnl_attr_put_strz(nlh, CW_A_PURPOSE_DESC, "fuzz");
		n = mnl_attr_nest_start(nlh, CW_A_ENTRIES);
		for (unsigned int i = rn(t, 8); i; i--)
			put_entry(t, nlh);
		mnl_attr_nest_end(nlh, n);
		break;
	case CW_CMD_SET_CONSENT:
		put_name(t, nlh);
		mnl_attr_put_u32(nlh, CW_A_CONSENT, rn(t, 2));
		break;
	case CW_CMD_EXPLAIN:
		fam = rn(t, 2) ? AF_INET : AF_INET6;
		mnl_attr_put_u32(nlh, CW_A_FAMILY, fam);
		mnl_attr_put_u32(nlh, CW_A_PROTO,
				 rn(t, 2) ? IPPROTO_TCP : IPPROTO_UDP);
		put_addr(t, nlh, CW_A_ADDR, fam);
		mnl_attr_put_u32(nlh, CW_A_PORT, rn(t, 65536));
		if (rn(t, 2))
			mnl_attr_put_u32(nlh, CW_A_UID, rn(t, 20000));
		if (rn(t, 2))
			mnl_attr_put_strz(nlh, CW_A_NAME,
					  rn(t, 2) ? "Tracker.Example.COM." :
					  "h1.example1.com");
		break;
	default:
		break;
	}
	return nlh;
}

static uint8_t pick_cmd(struct th *t)
{
	static const uint8_t weights[] = {
		CW_CMD_ADD, CW_CMD_ADD, CW_CMD_ADD, CW_CMD_EXPLAIN,
		CW_CMD_EXPLAIN, CW_CMD_SET_CONSENT, CW_CMD_GET_STATUS,
		CW_CMD_GET_STATS, CW_CMD_BEGIN, CW_CMD_COMMIT, CW_CMD_ABORT,
		CW_CMD_CLAIM,
	};
	uint8_t c = weights[rn(t, sizeof(weights))];

	if (c == CW_CMD_CLAIM && mode == MODE_NOCLAIM)
		c = CW_CMD_GET_STATUS;
	return c;
}

static uint8_t pick_policy_cmd(struct th *t)
{
	static const uint8_t c[] = {
		CW_CMD_ADD, CW_CMD_SET_CONSENT, CW_CMD_EXPLAIN,
	};

	return c[rn(t, 3)];
}

/* A malformed attribute at the top level of a policy command. */
static size_t build_bad_attr(struct th *t, const char **what)
{
	uint8_t cmd = pick_policy_cmd(t);
	struct nlmsghdr *nlh = build_valid(t, cmd);
	char junk[300];

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = rnd(t);
	switch (rn(t, 6)) {
	case 0:	/* a type past the maximum */
		*what = "attribute past CW_A_MAX";
		mnl_attr_put(nlh, CW_A_MAX + 1 + rn(t, 200), rn(t, 9), junk);
		break;
	case 1:	/* an integer of the wrong size */
		*what = "u32 of the wrong length";
		mnl_attr_put(nlh, cmd == CW_CMD_EXPLAIN ? CW_A_PORT :
			     cmd == CW_CMD_ADD ? CW_A_PURPOSE_NAME :
			     CW_A_CONSENT,
			     (unsigned int[]){ 0, 1, 2, 3, 5, 8 }[rn(t, 6)],
			     junk);
		if (cmd == CW_CMD_ADD) {
			/* a string without its NUL */
			junk[0] = 'a';
			mnl_attr_put(nlh, CW_A_PURPOSE_DESC, 1, junk);
		}
		break;
	case 2:	/* an attribute of another command */
		*what = "attribute of another command";
		mnl_attr_put_u32(nlh, cmd == CW_CMD_EXPLAIN ? CW_A_CONSENT :
				 CW_A_VERDICT, 1);
		break;
	case 3:	/* strings too long */
		*what = "string too long";
		memset(junk, 'a', sizeof(junk));
		junk[sizeof(junk) - 1] = 0;
		mnl_attr_put_strz(nlh, cmd == CW_CMD_EXPLAIN ? CW_A_NAME :
				  rn(t, 2) ? CW_A_PURPOSE_NAME :
				  CW_A_PURPOSE_DESC,
				  junk + rn(t, 40));
		break;
	case 4:	/* a nested attribute where a scalar belongs */
		*what = "nest in a scalar";
		{
			struct nlattr *n = mnl_attr_nest_start(nlh,
				cmd == CW_CMD_EXPLAIN ? CW_A_FAMILY :
				cmd == CW_CMD_ADD ? CW_A_PURPOSE_DESC :
				CW_A_CONSENT);

			mnl_attr_put_u32(nlh, 1, 1);
			mnl_attr_nest_end(nlh, n);
		}
		break;
	default: /* an unused type 0 */
		*what = "attribute of type 0";
		mnl_attr_put(nlh, 0, 4, junk);
		break;
	}
	return nlh->nlmsg_len;
}

/* CW_A_ENTRIES holding garbage of many kinds. */
static size_t build_bad_nest(struct th *t, const char **what)
{
	struct nlmsghdr *nlh = msg_start(t, CW_CMD_ADD,
					 NLM_F_REQUEST | NLM_F_ACK);
	struct nlattr *n, *e;
	char junk[64];

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = rnd(t);
	put_name(t, nlh);
	n = mnl_attr_nest_start(nlh, CW_A_ENTRIES);
	if (rn(t, 2))
		put_entry(t, nlh);
	switch (rn(t, 8)) {
	case 0:
		*what = "raw bytes in CW_A_ENTRIES";
		mnl_attr_put(nlh, rn(t, 4), rn(t, 64), junk);
		break;
	case 1:
		*what = "entry attribute past CW_ENTRY_A_MAX";
		e = mnl_attr_nest_start(nlh, 0);
		mnl_attr_put_u32(nlh, CW_ENTRY_A_UID, 1);
		mnl_attr_put(nlh, CW_ENTRY_A_MAX + 1 + rn(t, 100), 4, junk);
		mnl_attr_nest_end(nlh, e);
		break;
	case 2:
		*what = "entry: bad family";
		e = mnl_attr_nest_start(nlh, 0);
		mnl_attr_put_u32(nlh, CW_ENTRY_A_FAMILY, rn(t, 2) ? 0 : 99);
		mnl_attr_put(nlh, CW_ENTRY_A_ADDR, 4, junk);
		mnl_attr_nest_end(nlh, e);
		break;
	case 3:
		*what = "entry: address of a wrong length";
		e = mnl_attr_nest_start(nlh, 0);
		mnl_attr_put_u32(nlh, CW_ENTRY_A_FAMILY, AF_INET);
		mnl_attr_put(nlh, CW_ENTRY_A_ADDR,
			     (unsigned int[]){ 0, 3, 5, 15, 17, 32 }[rn(t, 6)],
			     junk);
		mnl_attr_nest_end(nlh, e);
		break;
	case 4:
		*what = "entry: prefix, port or protocol out of range";
		e = mnl_attr_nest_start(nlh, 0);
		mnl_attr_put_u32(nlh, CW_ENTRY_A_FAMILY, AF_INET);
		mnl_attr_put(nlh, CW_ENTRY_A_ADDR, 4, junk);
		switch (rn(t, 4)) {
		case 0:
			mnl_attr_put_u32(nlh, CW_ENTRY_A_PREFIXLEN,
					 129 + rn(t, 1000));
			break;
		case 1:
			mnl_attr_put_u32(nlh, CW_ENTRY_A_PROTO, 3 + rn(t, 3));
			break;
		case 2:
			mnl_attr_put_u32(nlh, CW_ENTRY_A_PROTO, IPPROTO_TCP);
			mnl_attr_put_u32(nlh, CW_ENTRY_A_PORT_MIN,
					 rn(t, 2) ? 0 : 65536 + rn(t, 9));
			break;
		default:
			mnl_attr_put_u32(nlh, CW_ENTRY_A_PROTO, IPPROTO_UDP);
			mnl_attr_put_u32(nlh, CW_ENTRY_A_PORT_MIN, 10);
			mnl_attr_put_u32(nlh, CW_ENTRY_A_PORT_MAX, 0);
			break;
		}
		mnl_attr_nest_end(nlh, e);
		break;
	case 5:
		*what = "entry: nest inside the entry";
		e = mnl_attr_nest_start(nlh, 0);
		{
			struct nlattr *d = mnl_attr_nest_start(nlh,
				CW_ENTRY_A_UID);

			mnl_attr_put_u32(nlh, CW_ENTRY_A_UID, 1);
			mnl_attr_nest_end(nlh, d);
		}
		mnl_attr_nest_end(nlh, e);
		break;
	case 6:
		*what = "entry: attribute length past the nest";
		e = mnl_attr_nest_start(nlh, 0);
		mnl_attr_put_u32(nlh, CW_ENTRY_A_UID, 1);
		mnl_attr_nest_end(nlh, e);
		/* the inner attribute claims more than the nest holds */
		((struct nlattr *)((char *)e + NLA_HDRLEN))->nla_len =
			200 + rn(t, 1000);
		break;
	default:
		*what = "entry: domain without NUL";
		e = mnl_attr_nest_start(nlh, 0);
		mnl_attr_put(nlh, CW_ENTRY_A_DOMAIN, 8, "abcdefgh");
		mnl_attr_nest_end(nlh, e);
		break;
	}
	mnl_attr_nest_end(nlh, n);
	return nlh->nlmsg_len;
}

/* Netlink and genl header lies. Sets *exp. */
static size_t build_bad_header(struct th *t, const char **what,
			       enum expect *exp)
{
	struct nlmsghdr *nlh = build_valid(t, pick_cmd(t));
	size_t len = nlh->nlmsg_len;
	struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

	*exp = EXP_ERR;
	switch (rn(t, 7)) {
	case 0:
		*what = "datagram shorter than nlmsghdr";
		*exp = EXP_NONE;
		return 1 + rn(t, NLMSG_HDRLEN - 1);	/* 0: ENODATA at send */
	case 1:
		*what = "nlmsg_len past the datagram";
		*exp = EXP_NONE;
		nlh->nlmsg_len = len + 1 + rn(t, 1000);
		return len;
	case 2:
		*what = "truncated genl header";
		nlh->nlmsg_len = NLMSG_HDRLEN + rn(t, GENL_HDRLEN);
		return nlh->nlmsg_len;
	case 3:
		*what = "unknown command";
		g->cmd = rn(t, 2) ? CW_CMD_UNSPEC :
			 CW_CMD_EVENT + rn(t, 246);
		return len;
	case 4:
		*what = "dump flag on a doit command";
		if (g->cmd == CW_CMD_GET_STATS || g->cmd == CW_CMD_CLAIM)
			g->cmd = CW_CMD_EXPLAIN;
		nlh->nlmsg_flags |= NLM_F_DUMP;
		return len;
	case 5:
		*what = "attribute length past the message";
		if (len <= NLMSG_HDRLEN + GENL_HDRLEN) {
			*exp = EXP_ANY;
			return len;
		}
		((struct nlattr *)((char *)g + GENL_HDRLEN))->nla_len =
			len + rn(t, 100);
		if (!has_policy(g->cmd))
			*exp = EXP_ANY;
		return len;
	default:
		*what = "random flags";
		*exp = EXP_ANY;
		nlh->nlmsg_flags = rnd(t) | (rn(t, 8) ? NLM_F_ACK : 0);
		if (mode == MODE_NOCLAIM && g->cmd == CW_CMD_CLAIM)
			g->cmd = CW_CMD_GET_STATUS;
		/* a dump request of a command without dumpit must fail,
		 * of GET_STATS must not: either way an answer comes */
		return len;
	}
}

/* A valid message with random bytes changed, cut or repeated. */
static size_t build_mutation(struct th *t, const char **what)
{
	struct nlmsghdr *nlh = build_valid(t, pick_cmd(t));
	size_t len = nlh->nlmsg_len, n = 1 + rn(t, 8);
	struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

	*what = "mutated valid message";
	if (len <= NLMSG_HDRLEN + GENL_HDRLEN)
		return len;
	for (size_t i = 0; i < n; i++) {
		size_t at = NLMSG_HDRLEN + rn(t, len - NLMSG_HDRLEN);

		switch (rn(t, 3)) {
		case 0:
			t->buf[at] = rnd(t);
			break;
		case 1:
			t->buf[at] ^= 1 << rn(t, 8);
			break;
		default:
			t->buf[at] = (char[]){ 0, 0xff, 0x7f, 0x80, 1 }[rn(t, 5)];
			break;
		}
	}
	if (!rn(t, 4)) {	/* cut short (nlmsg_len says so) */
		len = NLMSG_HDRLEN + GENL_HDRLEN +
		      rn(t, len - NLMSG_HDRLEN - GENL_HDRLEN);
		nlh->nlmsg_len = len;
	}
	if (mode == MODE_NOCLAIM && g->cmd == CW_CMD_CLAIM)
		g->cmd = CW_CMD_GET_STATUS;
	return len;
}

/*
 * Anyone may ask genetlink for the family's policies; writing them out
 * walks every policy entry of the module (and is what an extack pointing
 * at a bad attribute does for that attribute's entry).
 */
static size_t build_policy_dump(struct th *t)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(t->buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETPOLICY;
	g->version = 1;
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, family_id);
	if (rn(t, 2))
		mnl_attr_put_u32(nlh, CTRL_ATTR_OP, rn(t, CW_CMD_MAX + 2));
	return nlh->nlmsg_len;
}

/* ---- hostile but well-formed sequences (full mode) -------------------- */

static int send_cmd(struct th *t, struct mnl_socket *nl, uint8_t cmd,
		    const char *what)
{
	struct nlmsghdr *nlh = build_valid(t, cmd);

	return xmit(t, nl, nlh->nlmsg_len, EXP_ANY, what);
}

static void expect_err(struct th *t, int got, const char *what)
{
	(void)t;
	if (got == 0)
		failure("%s: succeeded, must fail", what);
}

/* An ADD of purpose name with count host entries 10.x.y.z from base. */
static int add_hosts(struct th *t, struct mnl_socket *nl, const char *name,
		     unsigned int base, unsigned int count)
{
	struct nlmsghdr *nlh = msg_start(t, CW_CMD_ADD,
					 NLM_F_REQUEST | NLM_F_ACK);
	struct nlattr *n, *e;

	mnl_attr_put_strz(nlh, CW_A_PURPOSE_NAME, name);
	n = mnl_attr_nest_start(nlh, CW_A_ENTRIES);
	for (unsigned int i = 0; i < count; i++) {
		uint32_t a = htonl(0x0a000000 | ((base + i) & 0xffffff));

		e = mnl_attr_nest_start(nlh, 0);
		mnl_attr_put_u32(nlh, CW_ENTRY_A_FAMILY, AF_INET);
		mnl_attr_put(nlh, CW_ENTRY_A_ADDR, 4, &a);
		mnl_attr_nest_end(nlh, e);
	}
	mnl_attr_nest_end(nlh, n);
	return xmit(t, nl, nlh->nlmsg_len, EXP_ANY, "add hosts");
}

static void hostile(struct th *t)
{
	char name[32];
	int r;

	switch (rn(t, 6)) {
	case 0:	/* claim race: a fresh socket, claim at once */
		mnl_socket_close(t->a);
		t->a = sock_open();
		t->owner = !send_cmd(t, t->a, CW_CMD_CLAIM, "claim race");
		break;
	case 1:	/* commit without begin */
		if (!t->owner)
			break;
		send_cmd(t, t->a, CW_CMD_ABORT, "abort");
		if (t->owner)
			expect_err(t, send_cmd(t, t->a, CW_CMD_COMMIT,
					       "commit without begin"),
				   "commit without begin");
		break;
	case 2:	/* two transactions at once, from two sockets */
		if (send_cmd(t, t->a, CW_CMD_BEGIN, "begin on a"))
			break;
		expect_err(t, send_cmd(t, t->b, CW_CMD_BEGIN, "begin on b"),
			   "a second transaction from another socket");
		expect_err(t, send_cmd(t, t->b, CW_CMD_CLAIM, "claim on b"),
			   "a claim from another socket");
		add_hosts(t, t->a, "race", rn(t, 1000), 10);
		send_cmd(t, t->a, rn(t, 2) ? CW_CMD_COMMIT : CW_CMD_ABORT,
			 "end of a");
		break;
	case 3:	/* more purposes than a ruleset may hold */
		if (send_cmd(t, t->a, CW_CMD_BEGIN, "begin"))
			break;
		for (int i = 0; i <= CW_PURPOSES_MAX; i++) {
			snprintf(name, sizeof(name), "lim%d", i);
			r = add_hosts(t, t->a, name, i, 1);
			if (r)
				break;
			if (i == CW_PURPOSES_MAX)
				failure("purpose %d of %d accepted", i + 1,
					CW_PURPOSES_MAX);
		}
		send_cmd(t, t->a, CW_CMD_ABORT, "abort");
		break;
	case 4:	/* more entries than max_entries */
		if (max_entries > 20000 ||
		    send_cmd(t, t->a, CW_CMD_BEGIN, "begin"))
			break;
		for (unsigned int i = 0; i <= max_entries / 500 + 1; i++) {
			r = add_hosts(t, t->a, "big", i * 500, 500);
			if (r)
				break;
			if ((i + 1) * 500 > max_entries) {
				/* the limit may be checked at commit */
				expect_err(t, send_cmd(t, t->a, CW_CMD_COMMIT,
						       "commit past max_entries"),
					   "commit past max_entries");
				break;
			}
		}
		send_cmd(t, t->a, CW_CMD_ABORT, "abort");
		break;
	default: /* a full, good transaction, then consent */
		if (send_cmd(t, t->a, CW_CMD_BEGIN, "begin"))
			break;
		for (unsigned int i = 1 + rn(t, 4); i; i--)
			send_cmd(t, t->a, CW_CMD_ADD, "add");
		send_cmd(t, t->a, CW_CMD_COMMIT, "commit");
		send_cmd(t, t->a, CW_CMD_SET_CONSENT, "consent");
		break;
	}
}

/* ---- threads ----------------------------------------------------------- */

static void *worker(void *arg)
{
	struct th *t = arg;

	t->a = sock_open();
	t->b = sock_open();
	while (atomic_fetch_add(&n_next, 1) < total) {
		const char *what = "valid message";
		enum expect exp = EXP_ANY;
		size_t len;
		unsigned int k = rn(t, 100);

		if (k < 1) {
			len = build_policy_dump(t);
			what = "policy dump (CTRL_CMD_GETPOLICY)";
		} else if (k < 20) {
			len = build_valid(t, pick_cmd(t))->nlmsg_len;
		} else if (k < 35) {
			len = build_bad_attr(t, &what);
			exp = EXP_ERR;
		} else if (k < 50) {
			len = build_bad_nest(t, &what);
			exp = EXP_ERR;
		} else if (k < 62) {
			len = build_bad_header(t, &what, &exp);
		} else if (k < 92) {
			len = build_mutation(t, &what);
		} else if (mode == MODE_FULL) {
			hostile(t);
			continue;
		} else {
			len = build_valid(t, pick_cmd(t))->nlmsg_len;
		}
		xmit(t, rn(t, 8) ? t->a : t->b, len, exp, what);
	}
	mnl_socket_close(t->a);
	mnl_socket_close(t->b);
	return NULL;
}

static int resolve_family(void)
{
	struct mnl_socket *nl = sock_open();
	char buf[8192];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;
	int len;

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = 1;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, CW_GENL_NAME);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	len = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	mnl_socket_close(nl);
	if (len < 0)
		return -1;
	nlh = (struct nlmsghdr *)buf;
	if (!mnl_nlmsg_ok(nlh, len) || nlh->nlmsg_type == NLMSG_ERROR)
		return -1;
	{
		struct nlattr *a;

		mnl_attr_for_each(a, nlh, GENL_HDRLEN)
			if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
				family_id = mnl_attr_get_u16(a);
	}
	return family_id ? 0 : -1;
}

int main(int argc, char **argv)
{
	static struct th th[MAX_THREADS];
	pthread_t tid[MAX_THREADS];
	struct timespec t0, t1;
	double secs;
	FILE *f;
	int c;

	setvbuf(stdout, NULL, _IOLBF, 0);
	seed = time(NULL);
	while ((c = getopt(argc, argv, "s:n:t:m:v")) != -1) {
		switch (c) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'n': total = strtoul(optarg, NULL, 0); break;
		case 't': nthreads = atoi(optarg); break;
		case 'm':
			mode = !strcmp(optarg, "noclaim") ? MODE_NOCLAIM :
			       !strcmp(optarg, "unpriv") ? MODE_UNPRIV :
			       MODE_FULL;
			break;
		case 'v': verbose = true; break;
		default:
			fprintf(stderr, "usage: cwfuzz [-s SEED] [-n MESSAGES] [-t THREADS] [-m full|noclaim|unpriv] [-v]\n");
			return 2;
		}
	}
	if (nthreads < 1 || nthreads > MAX_THREADS)
		nthreads = 4;
	f = fopen("/sys/module/consentwall/parameters/max_entries", "r");
	if (f) {
		if (fscanf(f, "%u", &max_entries) != 1)
			max_entries = 1000000;
		fclose(f);
	}
	if (resolve_family()) {
		printf("cwfuzz: FAIL: family %s not found (module loaded?)\n",
		       CW_GENL_NAME);
		return 1;
	}
	printf("cwfuzz: seed %llu, %lu messages, %d threads, mode %s, family %u\n",
	       (unsigned long long)seed, total, nthreads,
	       mode == MODE_FULL ? "full" : mode == MODE_NOCLAIM ? "noclaim" :
	       "unpriv", family_id);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < nthreads; i++) {
		th[i].id = i;
		th[i].rng = seed * 1000003 + i;
		if (pthread_create(&tid[i], NULL, worker, &th[i])) {
			perror("cwfuzz: pthread_create");
			return 2;
		}
	}
	for (int i = 0; i < nthreads; i++)
		pthread_join(tid[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;

	printf("cwfuzz: sent %lu answered %lu rejected %lu accepted %lu unanswered %lu dropped-by-core %lu replies %lu dumps %lu (%.1f s, %.0f msg/s)\n",
	       atomic_load(&n_sent), atomic_load(&n_answered),
	       atomic_load(&n_rejected), atomic_load(&n_accepted),
	       atomic_load(&n_noreply), atomic_load(&n_dropped),
	       atomic_load(&n_replies), atomic_load(&n_dumps), secs,
	       atomic_load(&n_sent) / (secs > 0 ? secs : 1));
	printf("cwfuzz: rejected by errno:");
	for (int e = 1; e < 160; e++)
		if (atomic_load(&n_errno[e]))
			printf(" %s %lu", strerrorname_np(e) ?: "?",
			       atomic_load(&n_errno[e]));
	printf("; without an extack message %lu:", atomic_load(&n_nomsg));
	for (int e = 1; e < 160; e++)
		if (atomic_load(&n_nomsg_errno[e]))
			printf(" %s %lu", strerrorname_np(e) ?: "?",
			       atomic_load(&n_nomsg_errno[e]));
	printf("\n");
	if (atomic_load(&n_fail)) {
		printf("cwfuzz: %lu failures\n", atomic_load(&n_fail));
		return 1;
	}
	printf("cwfuzz: ok\n");
	return 0;
}
