// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libnl builds and sends the messages; the receive side is a plain recv()
 * loop over one socket, because replies, ACKs and unsolicited events are
 * interleaved on it and libnl's receive loop would block waiting for the
 * end of a multipart reply that an event does not belong to.
 */
#include "kernel.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/family.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../lib/util.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define REQ_TIMEOUT_MS	5000
#define ADD_MSG_MAX	(48 * 1024)	/* well under the default sndbuf */
#define RECV_BUF	(256 * 1024)

typedef void (*reply_fn)(struct kernel *k, struct nlmsghdr *h, void *arg);

struct kernel {
	struct nl_sock *sk;
	int family;
	kernel_event_fn fn;
	void *arg;
	uint8_t *buf;
	bool changed;
	bool overrun;		/* ENOBUFS since the last kernel_poll() */
	uint64_t overruns;	/* ENOBUFS in all */
	/* The request in flight. */
	uint32_t seq;
	bool done;
	int error;
	char msg[256];
	reply_fn reply;
	void *rarg;
	bool lost;		/* ENOBUFS while it was in flight */
	unsigned int rcvbuf;	/* receive buffer asked for */
	char note[256];		/* a limit worth one log line */
};

uint64_t kernel_overruns(const struct kernel *k)
{
	return k->overruns;
}

int kernel_fd(const struct kernel *k)
{
	return nl_socket_get_fd(k->sk);
}

uint32_t kernel_portid(const struct kernel *k)
{
	return nl_socket_get_local_port(k->sk);
}

bool kernel_connected(const struct kernel *k)
{
	return k->family > 0;
}

void kernel_disconnect(struct kernel *k)
{
	k->family = 0;
}

/* A private socket for nlctrl lookups: resolving must not eat our events. */
static struct nl_sock *ctrl_socket(void)
{
	struct nl_sock *sk = nl_socket_alloc();

	if (sk && genl_connect(sk)) {
		nl_socket_free(sk);
		sk = NULL;
	}
	return sk;
}

/* The nlctrl "notify" group id. */
static int resolve_notify(void)
{
	struct nl_sock *sk = ctrl_socket();
	int ret;

	if (!sk)
		return -ENOENT;
	ret = genl_ctrl_resolve_grp(sk, "nlctrl", "notify");
	nl_socket_free(sk);
	return ret < 0 ? -ENOENT : ret;
}

/*
 * The consentwall family id from a dump of every family. Never a lookup by
 * name: for a name it does not know the kernel calls request_module(),
 * which would load an installed module again right after an rmmod.
 */
static int resolve_family(void)
{
	struct nl_sock *sk = ctrl_socket();
	struct nl_cache *cache = NULL;
	struct genl_family *f;
	int ret = -EIO;

	if (!sk)
		return -EIO;
	if (!genl_ctrl_alloc_cache(sk, &cache)) {
		f = genl_ctrl_search_by_name(cache, CW_GENL_NAME);
		ret = f ? (int)genl_family_get_id(f) : -ENOENT;
		if (f)
			genl_family_put(f);
		nl_cache_free(cache);
	}
	nl_socket_free(sk);
	return ret;
}

/* The events socket; the kernel asked for more room than it may get. */
static int sock_open(struct kernel *k, char *err, size_t errlen)
{
	int one = 1, want = (int)k->rcvbuf, got = 0, grp, ret;
	socklen_t len = sizeof(got);

	k->sk = nl_socket_alloc();
	if (!k->sk)
		return -ENOMEM;
	nl_socket_disable_seq_check(k->sk);
	ret = genl_connect(k->sk);
	if (ret) {
		snprintf(err, errlen, "generic netlink socket: %s",
			 nl_geterror(ret));
		nl_socket_free(k->sk);
		k->sk = NULL;
		return -EIO;
	}
	/* Extack messages, and ACKs that do not echo our 48 KB batches. */
	setsockopt(kernel_fd(k), SOL_NETLINK, NETLINK_EXT_ACK, &one,
		   sizeof(one));
	setsockopt(kernel_fd(k), SOL_NETLINK, NETLINK_CAP_ACK, &one,
		   sizeof(one));
	/* Past net.core.rmem_max with CAP_NET_ADMIN: room for event bursts. */
	if (setsockopt(kernel_fd(k), SOL_SOCKET, SO_RCVBUFFORCE, &want,
		       sizeof(want)) < 0) {
		ret = errno;
		nl_socket_set_buffer_size(k->sk, want, 1 << 20);
		/* The kernel doubles what it grants, for its bookkeeping. */
		if (!getsockopt(kernel_fd(k), SOL_SOCKET, SO_RCVBUF, &got,
				&len) && got / 2 < want)
			snprintf(k->note, sizeof(k->note),
				 "netlink receive buffer %d bytes, not %d (net.core.rmem_max; SO_RCVBUFFORCE: %s): bursts of events may be lost",
				 got / 2, want, strerror(ret));
	}
	want = 1 << 20;
	setsockopt(kernel_fd(k), SOL_SOCKET, SO_SNDBUF, &want, sizeof(want));
	nl_socket_set_nonblocking(k->sk);
	/* Hear when the module is loaded or unloaded. */
	grp = resolve_notify();
	if (grp > 0)
		nl_socket_add_membership(k->sk, grp);
	return 0;
}

const char *kernel_note(const struct kernel *k)
{
	return k->note;
}

void kernel_reopen(struct kernel *k)
{
	char err[256];

	nl_socket_free(k->sk);
	k->sk = NULL;
	k->family = 0;
	/* The old socket's close released the namespace: all denied. */
	if (sock_open(k, err, sizeof(err)))
		abort();	/* no socket at all: nothing left to do */
}

int kernel_open(struct kernel **out, unsigned int rcvbuf, kernel_event_fn fn,
		void *arg, char *err, size_t errlen)
{
	struct kernel *k = xcalloc(1, sizeof(*k));
	int ret;

	k->rcvbuf = rcvbuf;
	k->fn = fn;
	k->arg = arg;
	k->buf = xmalloc(RECV_BUF);
	ret = sock_open(k, err, errlen);
	if (ret) {
		free(k->buf);
		free(k);
		if (!err[0])
			snprintf(err, errlen, "netlink: %s", strerror(-ret));
		return ret;
	}
	*out = k;
	return 0;
}

void kernel_close(struct kernel *k)
{
	if (!k)
		return;
	if (k->sk)
		nl_socket_free(k->sk);
	free(k->buf);
	free(k);
}

int kernel_connect(struct kernel *k, char *err, size_t errlen)
{
	int id = resolve_family();

	if (id < 0) {
		snprintf(err, errlen,
			 "generic netlink family '%s' not found: is consentwall.ko loaded?",
			 CW_GENL_NAME);
		return id;
	}
	k->family = id;
	return 0;
}

static void parse_extack(struct kernel *k, struct nlattr *attrs, int len)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];

	if (len <= 0 || nla_parse(tb, NLMSGERR_ATTR_MAX, attrs, len, NULL))
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(k->msg, sizeof(k->msg), "%.*s",
			 nla_len(tb[NLMSGERR_ATTR_MSG]),
			 (char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
}

static void handle_error(struct kernel *k, struct nlmsghdr *h)
{
	struct nlmsgerr *e = NLMSG_DATA(h);
	size_t off;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)) || !k->seq ||
	    e->msg.nlmsg_seq != k->seq)
		return;
	k->error = e->error;
	k->done = true;
	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	off = sizeof(*e);
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	off = NLMSG_ALIGN(off);
	if (NLMSG_LENGTH(off) >= h->nlmsg_len)
		return;
	parse_extack(k, (struct nlattr *)((char *)e + off),
		     (int)(h->nlmsg_len - NLMSG_LENGTH(off)));
}

static void handle_done(struct kernel *k, struct nlmsghdr *h)
{
	if (!k->seq || h->nlmsg_seq != k->seq)
		return;
	k->done = true;
	if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
		k->error = *(int *)NLMSG_DATA(h);
	if ((h->nlmsg_flags & NLM_F_ACK_TLVS) &&
	    h->nlmsg_len > NLMSG_LENGTH(NLMSG_ALIGN(sizeof(int))))
		parse_extack(k, (struct nlattr *)((char *)NLMSG_DATA(h) +
						  NLMSG_ALIGN(sizeof(int))),
			     (int)(h->nlmsg_len -
				   NLMSG_LENGTH(NLMSG_ALIGN(sizeof(int)))));
}

static void handle_ctrl(struct kernel *k, struct nlmsghdr *h)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct genlmsghdr *g = nlmsg_data(h);

	if (g->cmd != CTRL_CMD_NEWFAMILY && g->cmd != CTRL_CMD_DELFAMILY)
		return;
	if (genlmsg_parse(h, 0, tb, CTRL_ATTR_MAX, NULL) ||
	    !tb[CTRL_ATTR_FAMILY_NAME])
		return;
	if (!strcmp(nla_get_string(tb[CTRL_ATTR_FAMILY_NAME]), CW_GENL_NAME))
		k->changed = true;
}

static void get_str(char *dst, size_t len, struct nlattr *a)
{
	if (!a) {
		dst[0] = '\0';
		return;
	}
	snprintf(dst, len, "%.*s", nla_len(a), (char *)nla_data(a));
	dst[strnlen(dst, len)] = '\0';
}

static uint32_t get_u32(struct nlattr *a)
{
	return a && nla_len(a) >= 4 ? nla_get_u32(a) : 0;
}

static uint64_t get_u64(struct nlattr *a)
{
	return a && nla_len(a) >= 8 ? nla_get_u64(a) : 0;
}

static void parse_purpose(struct nlattr *nest, struct kpurpose *p)
{
	struct nlattr *tb[CW_PURPOSE_A_MAX + 1];

	memset(p, 0, sizeof(*p));
	if (nla_parse_nested(tb, CW_PURPOSE_A_MAX, nest, NULL))
		return;
	get_str(p->name, sizeof(p->name), tb[CW_PURPOSE_A_NAME]);
	get_str(p->desc, sizeof(p->desc), tb[CW_PURPOSE_A_DESC]);
	p->consent = get_u32(tb[CW_PURPOSE_A_CONSENT]);
	p->nr_entries = get_u32(tb[CW_PURPOSE_A_NR_ENTRIES]);
	p->blocked_packets = get_u64(tb[CW_PURPOSE_A_BLOCKED_PACKETS]);
	p->blocked_bytes = get_u64(tb[CW_PURPOSE_A_BLOCKED_BYTES]);
	p->allowed_packets = get_u64(tb[CW_PURPOSE_A_ALLOWED_PACKETS]);
	p->allowed_bytes = get_u64(tb[CW_PURPOSE_A_ALLOWED_BYTES]);
}

static int parse_purposes(struct nlattr *nest, struct kpurpose *p, int max)
{
	struct nlattr *a;
	int rem, n = 0;

	if (!nest)
		return 0;
	nla_for_each_nested(a, nest, rem) {
		if (n == max)
			break;
		parse_purpose(a, &p[n++]);
	}
	return n;
}

static void handle_event(struct kernel *k, struct nlattr **tb)
{
	struct kpurpose p[CW_PURPOSES_MAX];
	struct kev ev;
	int i, n;

	memset(&ev, 0, sizeof(ev));
	ev.generation = get_u32(tb[CW_A_GENERATION]);
	n = parse_purposes(tb[CW_A_PURPOSES], p, CW_PURPOSES_MAX);
	for (i = 0; i < n; i++) {
		size_t l = strlen(ev.purposes);

		snprintf(ev.purposes + l, sizeof(ev.purposes) - l, "%s%s",
			 i ? "," : "", p[i].name);
	}
	ev.family = get_u32(tb[CW_A_FAMILY]);
	ev.proto = get_u32(tb[CW_A_PROTO]);
	ev.port = get_u32(tb[CW_A_PORT]);
	if (tb[CW_A_ADDR] && ((ev.family == AF_INET && nla_len(tb[CW_A_ADDR]) == 4) ||
			      (ev.family == AF_INET6 && nla_len(tb[CW_A_ADDR]) == 16)))
		inet_ntop((int)ev.family, nla_data(tb[CW_A_ADDR]), ev.addr,
			  sizeof(ev.addr));
	if (tb[CW_A_UID]) {
		ev.has_uid = true;
		ev.uid = get_u32(tb[CW_A_UID]);
	}
	get_str(ev.name, sizeof(ev.name), tb[CW_A_NAME]);
	ev.count = tb[CW_A_COUNT] ? get_u32(tb[CW_A_COUNT]) : 1;
	if (!ev.count)
		ev.count = 1;
	if (tb[CW_A_IDENT_TAG]) {
		ev.has_ident = true;
		ev.ident_tag = get_u32(tb[CW_A_IDENT_TAG]);
	}
	if (k->fn)
		k->fn(k->arg, &ev);
}

static void handle(struct kernel *k, struct nlmsghdr *h)
{
	struct nlattr *tb[CW_A_MAX + 1];
	struct genlmsghdr *g;

	if (h->nlmsg_type == NLMSG_ERROR) {
		handle_error(k, h);
		return;
	}
	if (h->nlmsg_type == NLMSG_DONE) {
		handle_done(k, h);
		return;
	}
	if (h->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return;
	if (h->nlmsg_type == GENL_ID_CTRL) {
		handle_ctrl(k, h);
		return;
	}
	if (!k->family || h->nlmsg_type != k->family)
		return;
	g = nlmsg_data(h);
	if (g->cmd == CW_CMD_EVENT) {
		if (!genlmsg_parse(h, 0, tb, CW_A_MAX, NULL))
			handle_event(k, tb);
		return;
	}
	if (k->seq && h->nlmsg_seq == k->seq && k->reply)
		k->reply(k, h, k->rarg);
}

/* Reads one datagram if there is one within ms. 0 on timeout. */
static int recv_some(struct kernel *k, int ms)
{
	struct pollfd pfd = { .fd = kernel_fd(k), .events = POLLIN };
	struct nlmsghdr *h;
	ssize_t n;
	int len;

	if (ms) {
		int r = poll(&pfd, 1, ms);

		if (r < 0)
			return errno == EINTR ? 0 : -errno;
		if (!r)
			return 0;
	}
	n = recv(kernel_fd(k), k->buf, RECV_BUF, MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		if (errno != ENOBUFS)
			return -errno;
		/*
		 * Messages were dropped: events, and maybe the answer to the
		 * request in flight. Counted, and told to the caller.
		 */
		k->overruns++;
		k->overrun = true;
		if (k->seq)
			k->lost = true;
		return 1;
	}
	if (n > RECV_BUF)
		return 1;
	len = (int)n;
	for (h = (struct nlmsghdr *)k->buf; nlmsg_ok(h, len);
	     h = nlmsg_next(h, &len))
		handle(k, h);
	return 1;
}

int kernel_poll(struct kernel *k)
{
	int ret;

	while ((ret = recv_some(k, 0)) > 0)
		;
	if (ret < 0)
		return ret;
	if (k->changed) {
		k->changed = false;
		k->overrun = false;
		return 1;
	}
	if (k->overrun) {
		k->overrun = false;
		return 2;
	}
	return 0;
}

/*
 * Frees msg, wiped first: an ADD of the identifier guard carries patterns,
 * the value as written among them, and the heap keeps what is freed.
 */
static void msg_free(struct nl_msg *msg)
{
	explicit_bzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
}

/* Sends msg (consumed), waits for its ACK or the end of its dump. */
static int request(struct kernel *k, struct nl_msg *msg, reply_fn fn,
		   void *arg, char *err, size_t errlen)
{
	int64_t deadline;
	bool dump;
	int ret;

	k->seq = 0;
	ret = nl_send_auto(k->sk, msg);
	if (ret < 0) {
		msg_free(msg);
		snprintf(err, errlen, "kernel: send: %s", nl_geterror(ret));
		return -EIO;
	}
	k->seq = nlmsg_hdr(msg)->nlmsg_seq;
	dump = nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP;
	msg_free(msg);
	k->done = false;
	k->error = 0;
	k->msg[0] = '\0';
	k->reply = fn;
	k->rarg = arg;
	k->lost = false;
	deadline = mono_ms() + REQ_TIMEOUT_MS;
	while (!k->done) {
		int64_t left = deadline - mono_ms();

		if (left <= 0) {
			ret = -ETIMEDOUT;
			break;
		}
		/*
		 * The kernel answers a request (not a dump) before send()
		 * returns: after an overrun, an empty socket means the
		 * answer was among what was dropped.
		 */
		ret = recv_some(k, k->lost && !dump ? 0 : (int)left);
		if (ret < 0)
			break;
		if (!ret && k->lost && !dump) {
			ret = -ENOBUFS;
			break;
		}
		ret = 0;
	}
	k->seq = 0;
	k->reply = NULL;
	if (!ret)
		ret = k->error;
	if (ret) {
		if (k->msg[0])
			snprintf(err, errlen, "kernel: %s (%s)", k->msg,
				 strerror(-ret));
		else if (ret == -ENOBUFS)
			snprintf(err, errlen, "kernel: the answer was lost (receive buffer full)");
		else
			snprintf(err, errlen, "kernel: %s", strerror(-ret));
	}
	return ret;
}

static struct nl_msg *new_msg(struct kernel *k, uint8_t cmd, int flags,
			      size_t size)
{
	struct nl_msg *msg = size ? nlmsg_alloc_size(size) : nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, k->family, 0, flags,
			 cmd, CW_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int simple(struct kernel *k, uint8_t cmd, char *err, size_t errlen)
{
	struct nl_msg *msg;

	if (!k->family) {
		snprintf(err, errlen, "kernel: consentwall module not loaded");
		return -ENOENT;
	}
	msg = new_msg(k, cmd, NLM_F_ACK, 0);
	if (!msg)
		return -ENOMEM;
	return request(k, msg, NULL, NULL, err, errlen);
}

int kernel_claim(struct kernel *k, char *err, size_t errlen)
{
	return simple(k, CW_CMD_CLAIM, err, errlen);
}

static void commit_reply(struct kernel *k, struct nlmsghdr *h, void *arg)
{
	struct nlattr *tb[CW_A_MAX + 1];

	(void)k;
	if (!genlmsg_parse(h, 0, tb, CW_A_MAX, NULL))
		*(uint32_t *)arg = get_u32(tb[CW_A_GENERATION]);
}

static int put_entry(struct nl_msg *msg, const struct rule_entry *e,
		     const struct pkglist *pkgs)
{
	const struct pkg *pk = NULL;
	struct nlattr *n;
	int ret = 0;

	/* A package that is not installed has no UID: nothing to send. */
	if (e->type == RULE_APP && !(pk = pkglist_find(pkgs, e->domain)))
		return 0;
	n = nla_nest_start(msg, CW_A_ENTRY);
	if (!n)
		return -ENOMEM;
	switch (e->type) {
	case RULE_APP:
		if (e->uid == RULE_USER_ANY)
			ret = nla_put_u32(msg, CW_ENTRY_A_APPID, pk->appid);
		else
			ret = nla_put_u32(msg, CW_ENTRY_A_UID,
					  e->uid * PKG_PER_USER_RANGE + pk->appid);
		break;
	case RULE_DOMAIN:
		ret = nla_put_string(msg, CW_ENTRY_A_DOMAIN, e->domain);
		break;
	case RULE_UID:
		ret = nla_put_u32(msg, CW_ENTRY_A_UID, e->uid);
		break;
	default:
		ret = nla_put_u32(msg, CW_ENTRY_A_FAMILY, e->family) ||
		      nla_put(msg, CW_ENTRY_A_ADDR,
			      e->family == AF_INET ? 4 : 16, e->addr) ||
		      nla_put_u32(msg, CW_ENTRY_A_PREFIXLEN, e->prefixlen);
		if (!ret && e->proto)
			ret = nla_put_u32(msg, CW_ENTRY_A_PROTO, e->proto);
		if (!ret && e->port_min)
			ret = nla_put_u32(msg, CW_ENTRY_A_PORT_MIN,
					  e->port_min) ||
			      nla_put_u32(msg, CW_ENTRY_A_PORT_MAX,
					  e->port_max);
	}
	if (ret)
		return -ENOMEM;
	nla_nest_end(msg, n);
	return 0;
}

/* One purpose, in as many ADD messages as its entries need. */
static int add_purpose(struct kernel *k, const struct rule_purpose *p,
		       const struct pkglist *pkgs, char *err, size_t errlen)
{
	size_t i = 0;
	bool first = true;

	do {
		struct nl_msg *msg = new_msg(k, CW_CMD_ADD, NLM_F_ACK,
					     ADD_MSG_MAX + 4096);
		struct nlattr *nest;
		int ret;

		if (!msg)
			return -ENOMEM;
		if (nla_put_string(msg, CW_A_PURPOSE_NAME, p->name) ||
		    (first && p->desc[0] &&
		     nla_put_string(msg, CW_A_PURPOSE_DESC, p->desc)) ||
		    !(nest = nla_nest_start(msg, CW_A_ENTRIES))) {
			nlmsg_free(msg);
			return -ENOMEM;
		}
		for (; i < p->n; i++) {
			if (nlmsg_hdr(msg)->nlmsg_len > ADD_MSG_MAX)
				break;
			if (put_entry(msg, &p->e[i], pkgs)) {
				nlmsg_free(msg);
				return -ENOMEM;
			}
		}
		nla_nest_end(msg, nest);
		first = false;
		ret = request(k, msg, NULL, NULL, err, errlen);
		if (ret) {
			size_t l = strlen(err);

			snprintf(err + l, errlen - l, " adding [%s] (%s)",
				 p->name, p->where);
			return ret;
		}
	} while (i < p->n);
	return 0;
}

/* The identifier guard's patterns, in as many ADD messages as they need. */
static int add_patterns(struct kernel *k, const struct ident_set *ids,
			char *err, size_t errlen)
{
	struct ident_patterns ps;
	size_t i = 0;
	int ret;

	ret = ident_derive(ids, &ps, err, errlen);
	while (!ret && i < ps.n) {
		struct nl_msg *msg = new_msg(k, CW_CMD_ADD, NLM_F_ACK,
					     ADD_MSG_MAX + 4096);
		struct nlattr *all, *one;

		ret = -ENOMEM;
		if (!msg)
			break;
		if (nla_put_string(msg, CW_A_PURPOSE_NAME, IDENT_PURPOSE) ||
		    !(all = nla_nest_start(msg, CW_A_PATTERNS)))
			goto nomem;
		for (; i < ps.n && nlmsg_hdr(msg)->nlmsg_len <= ADD_MSG_MAX; i++) {
			if (!(one = nla_nest_start(msg, CW_A_PATTERN)) ||
			    nla_put(msg, CW_PATTERN_A_BYTES, ps.p[i].len,
				    ps.p[i].bytes) ||
			    nla_put_u32(msg, CW_PATTERN_A_TAG,
					IDENT_TAG(ps.p[i].kind, ps.p[i].form)))
				goto nomem;
			nla_nest_end(msg, one);
		}
		nla_nest_end(msg, all);
		ret = request(k, msg, NULL, NULL, err, errlen);
		continue;
nomem:
		msg_free(msg);
		snprintf(err, errlen, "out of memory for the identifier patterns");
		break;
	}
	if (ret && ret != -ENOMEM && ret != -E2BIG) {
		size_t l = strlen(err);

		snprintf(err + l, errlen - l, " adding the identifier patterns");
	}
	ident_patterns_free(&ps);
	return ret;
}

int kernel_commit(struct kernel *k, const struct rules *r,
		  const struct pkglist *pkgs, const struct ident_set *ids,
		  uint32_t *gen, char *err, size_t errlen)
{
	struct kstatus *st = xmalloc(sizeof(*st));
	char ignore[64];
	uint32_t before;
	size_t i;
	int ret;

	/* The generation before, to tell a commit whose ACK was lost. */
	ret = kernel_status(k, st, err, errlen);
	before = st->generation;
	if (!ret)
		ret = simple(k, CW_CMD_BEGIN, err, errlen);
	if (ret) {
		free(st);
		return ret;
	}
	if (ret)
		return ret;
	for (i = 0; i < r->n; i++) {
		ret = add_purpose(k, r->p[i], pkgs, err, errlen);
		if (!ret && ids && ids->n && !strcmp(r->p[i]->name, IDENT_PURPOSE))
			ret = add_patterns(k, ids, err, errlen);
		if (ret) {
			free(st);
			goto abort;
		}
	}
	*gen = 0;
	{
		struct nl_msg *msg = new_msg(k, CW_CMD_COMMIT, NLM_F_ACK, 0);

		if (!msg) {
			free(st);
			ret = -ENOMEM;
			goto abort;
		}
		ret = request(k, msg, commit_reply, gen, err, errlen);
	}
	if (ret == -ENOBUFS || ret == -ETIMEDOUT) {
		/* No answer: ask the kernel what happened, never guess. */
		char e2[128];

		if (!kernel_status(k, st, e2, sizeof(e2)) &&
		    st->owner == kernel_portid(k) && st->generation != before) {
			*gen = st->generation;
			ret = 0;
		}
	}
	free(st);
	if (!ret)
		return 0;
abort:
	if (k->family)
		simple(k, CW_CMD_ABORT, ignore, sizeof(ignore));
	return ret;
}

int kernel_set_nat64(struct kernel *k, const struct cw_nat64_prefix *p,
		     size_t n, char *err, size_t errlen)
{
	struct nlattr *all, *one;
	struct nl_msg *msg;
	size_t i;

	if (!k->family) {
		snprintf(err, errlen, "kernel: consentwall module not loaded");
		return -ENOENT;
	}
	msg = new_msg(k, CW_CMD_SET_NAT64, NLM_F_ACK, 0);
	if (!msg)
		return -ENOMEM;
	all = nla_nest_start(msg, CW_A_NAT64_PREFIXES);
	for (i = 0; all && i < n; i++) {
		one = nla_nest_start(msg, CW_A_NAT64_PREFIX);
		if (!one || nla_put(msg, CW_NAT64_A_ADDR, 16, p[i].addr) ||
		    nla_put_u32(msg, CW_NAT64_A_PREFIXLEN, p[i].len))
			all = NULL;
		else
			nla_nest_end(msg, one);
	}
	if (!all) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nla_nest_end(msg, all);
	return request(k, msg, NULL, NULL, err, errlen);
}

int kernel_set_consent(struct kernel *k, const char *purpose, bool granted,
		       char *err, size_t errlen)
{
	struct nl_msg *msg;
	int tries, ret = 0;

	if (!k->family) {
		snprintf(err, errlen, "kernel: consentwall module not loaded");
		return -ENOENT;
	}
	/* Setting consent is idempotent: an answer lost is asked again. */
	for (tries = 0; tries < 3; tries++) {
		msg = new_msg(k, CW_CMD_SET_CONSENT, NLM_F_ACK, 0);
		if (!msg)
			return -ENOMEM;
		if (nla_put_string(msg, CW_A_PURPOSE_NAME, purpose) ||
		    nla_put_u32(msg, CW_A_CONSENT, granted)) {
			nlmsg_free(msg);
			return -ENOMEM;
		}
		ret = request(k, msg, NULL, NULL, err, errlen);
		if (ret != -ENOBUFS)
			break;
	}
	return ret;
}

static void status_reply(struct kernel *k, struct nlmsghdr *h, void *arg)
{
	struct nlattr *tb[CW_A_MAX + 1], *ct[CW_COUNTER_A_MAX + 1];
	struct kstatus *st = arg;

	(void)k;
	if (genlmsg_parse(h, 0, tb, CW_A_MAX, NULL))
		return;
	st->policed = get_u32(tb[CW_A_POLICED]);
	st->configured = get_u32(tb[CW_A_CONFIGURED]);
	st->owner = get_u32(tb[CW_A_OWNER]);
	st->generation = get_u32(tb[CW_A_GENERATION]);
	st->nr_entries = get_u32(tb[CW_A_NR_ENTRIES]);
	st->memory = get_u64(tb[CW_A_MEMORY]);
	if (tb[CW_A_COUNTERS] &&
	    !nla_parse_nested(ct, CW_COUNTER_A_MAX, tb[CW_A_COUNTERS], NULL)) {
		st->owner_releases = get_u64(ct[CW_COUNTER_A_OWNER_RELEASES]);
		st->events_sent = get_u64(ct[CW_COUNTER_A_EVENTS_SENT]);
		st->events_dropped = get_u64(ct[CW_COUNTER_A_EVENTS_DROPPED]);
		st->unconfigured_blocked =
			get_u64(ct[CW_COUNTER_A_UNCONFIGURED_BLOCKED]);
		st->commits = get_u64(ct[CW_COUNTER_A_COMMITS]);
		st->names_failed = get_u64(ct[CW_COUNTER_A_NAMES_FAILED]);
		st->dns_answered = get_u64(ct[CW_COUNTER_A_DNS_ANSWERED]);
		st->flows_remembered =
			get_u64(ct[CW_COUNTER_A_FLOWS_REMEMBERED]);
		st->flows_revoked = get_u64(ct[CW_COUNTER_A_FLOWS_REVOKED]);
		st->flows_refused = get_u64(ct[CW_COUNTER_A_FLOWS_REFUSED]);
		st->idents_scanned = get_u64(ct[CW_COUNTER_A_IDENTS_SCANNED]);
		st->idents_skipped = get_u64(ct[CW_COUNTER_A_IDENTS_SKIPPED]);
		st->idents_blocked = get_u64(ct[CW_COUNTER_A_IDENTS_BLOCKED]);
	}
	st->np = parse_purposes(tb[CW_A_PURPOSES], st->p, CW_PURPOSES_MAX);
}

/* Status and stats: one attribute-less request, replies parsed into st. */
static int kernel_read(struct kernel *k, uint8_t cmd, int flags, reply_fn fn,
		       struct kstatus *st, char *err, size_t errlen)
{
	struct nl_msg *msg;
	int tries, ret = 0;

	memset(st, 0, sizeof(*st));
	if (!k->family) {
		snprintf(err, errlen, "kernel: consentwall module not loaded");
		return -ENOENT;
	}
	for (tries = 0; tries < 3; tries++) {
		memset(st, 0, sizeof(*st));
		msg = new_msg(k, cmd, flags, 0);
		if (!msg)
			return -ENOMEM;
		ret = request(k, msg, fn, st, err, errlen);
		if (ret != -ENOBUFS)
			break;
	}
	return ret;
}

int kernel_status(struct kernel *k, struct kstatus *st, char *err,
		  size_t errlen)
{
	return kernel_read(k, CW_CMD_GET_STATUS, NLM_F_ACK, status_reply, st,
			   err, errlen);
}

static void stats_reply(struct kernel *k, struct nlmsghdr *h, void *arg)
{
	struct nlattr *tb[CW_A_MAX + 1];
	struct kstatus *st = arg;

	(void)k;
	if (genlmsg_parse(h, 0, tb, CW_A_MAX, NULL))
		return;
	st->generation = get_u32(tb[CW_A_GENERATION]);
	if (tb[CW_A_PURPOSE] && st->np < CW_PURPOSES_MAX)
		parse_purpose(tb[CW_A_PURPOSE], &st->p[st->np++]);
}

int kernel_stats(struct kernel *k, struct kstatus *st, char *err,
		 size_t errlen)
{
	/* A dump ends with NLMSG_DONE, no ACK needed. */
	return kernel_read(k, CW_CMD_GET_STATS, NLM_F_DUMP, stats_reply, st,
			   err, errlen);
}

static void explain_reply(struct kernel *k, struct nlmsghdr *h, void *arg)
{
	struct nlattr *tb[CW_A_MAX + 1];
	struct kexplain *ex = arg;

	(void)k;
	if (genlmsg_parse(h, 0, tb, CW_A_MAX, NULL))
		return;
	ex->verdict = get_u32(tb[CW_A_VERDICT]);
	ex->generation = get_u32(tb[CW_A_GENERATION]);
	ex->np = parse_purposes(tb[CW_A_PURPOSES], ex->p, CW_PURPOSES_MAX);
	if (tb[CW_A_LEARNED_NAME])
		snprintf(ex->learned_name, sizeof(ex->learned_name), "%.*s",
			 (int)strnlen(nla_data(tb[CW_A_LEARNED_NAME]),
				      nla_len(tb[CW_A_LEARNED_NAME])),
			 (const char *)nla_data(tb[CW_A_LEARNED_NAME]));
	if (tb[CW_A_NAT64_ADDR] && nla_len(tb[CW_A_NAT64_ADDR]) == 4 &&
	    tb[CW_A_NAT64_PREFIX]) {
		struct nlattr *pt[CW_NAT64_A_MAX + 1];
		char a[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET, nla_data(tb[CW_A_NAT64_ADDR]),
			  ex->nat64_addr, sizeof(ex->nat64_addr));
		if (!nla_parse_nested(pt, CW_NAT64_A_MAX, tb[CW_A_NAT64_PREFIX],
				      NULL) && pt[CW_NAT64_A_ADDR] &&
		    nla_len(pt[CW_NAT64_A_ADDR]) == 16 &&
		    inet_ntop(AF_INET6, nla_data(pt[CW_NAT64_A_ADDR]), a,
			      sizeof(a)))
			snprintf(ex->nat64_prefix, sizeof(ex->nat64_prefix),
				 "%s/%u", a, get_u32(pt[CW_NAT64_A_PREFIXLEN]));
	}
}

int kernel_explain(struct kernel *k, uint32_t family, uint32_t proto,
		   const uint8_t *addr, uint32_t port, const uint32_t *uid,
		   const char *name, struct kexplain *out, char *err,
		   size_t errlen)
{
	struct nl_msg *msg;

	memset(out, 0, sizeof(*out));
	if (!k->family) {
		snprintf(err, errlen, "kernel: consentwall module not loaded");
		return -ENOENT;
	}
	msg = new_msg(k, CW_CMD_EXPLAIN, NLM_F_ACK, 0);
	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, CW_A_FAMILY, family) ||
	    nla_put_u32(msg, CW_A_PROTO, proto) ||
	    nla_put(msg, CW_A_ADDR, family == AF_INET ? 4 : 16, addr) ||
	    nla_put_u32(msg, CW_A_PORT, port) ||
	    (uid && nla_put_u32(msg, CW_A_UID, *uid)) ||
	    (name && nla_put_string(msg, CW_A_NAME, name))) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return request(k, msg, explain_reply, out, err, errlen);
}
