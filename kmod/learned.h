/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Addresses learned from DNS answers. A cleartext answer (UDP or TCP from
 * port 53, read at LOCAL_IN) whose question's name, or a name of its
 * CNAME chain, belongs to purposes binds the A and AAAA addresses it gives
 * to those purposes for the answer's TTL (learned.c). The packet path then
 * matches a packet that shows no name of its own by such a binding too, so
 * an app that resolved a listed name (and keeps the address in its own
 * cache) cannot reach it, by any protocol, once the purpose is denied.
 *
 * The table is per network namespace, fixed in size and allocated with the
 * namespace's hooks: the packet path never allocates.
 */
#ifndef _CW_LEARNED_H
#define _CW_LEARNED_H

#include <linux/atomic.h>
#include <linux/jiffies.h>
#include <linux/seqlock.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>

#include "dns_answer.h"
#include "ruleset.h"

/* Bindings per namespace, and at most of them from one UID's answers. */
#define CW_LEARNED_MAX		256
#define CW_LEARNED_PER_UID	32
#define CW_LEARNED_BUCKETS	128
/*
 * A binding lasts its record's TTL, at least CW_LEARNED_TTL_MIN seconds
 * (TTL 0 means "use it now": the app connects in the next moments) and at
 * most CW_LEARNED_TTL_MAX.
 */
#define CW_LEARNED_TTL_MIN	5
#define CW_LEARNED_TTL_MAX	3600

/*
 * Flows to a learned address that showed their own name (SNI, Host, QUIC
 * SNI): judged by that name, their later packets are not matched by the
 * address. Per namespace, per UID, and how long one may stay silent.
 */
#define CW_LEARNED_NAMED	64
#define CW_LEARNED_NAMED_PER_UID 16
#define CW_LEARNED_NAMED_IDLE	(120 * HZ)

/*
 * DNS over TCP answers written in pieces (the length prefix in a segment
 * of its own, a message over several): the bytes of a message that goes
 * on past its segment are kept per flow until it is whole, in order, in
 * one of CW_LEARNED_TCP_FLOWS slots per namespace; a slot silent for
 * CW_LEARNED_TCP_IDLE is given up. A message is kept up to
 * CW_DNSA_MSG_MAX (4 KiB), the parser's own limit: an A/AAAA answer that
 * gives CW_DNSA_ADDRS addresses through a CNAME chain is about 1 KiB, DNS
 * servers keep answers meant for UDP under 1232 bytes (DNS Flag Day
 * 2020), and 64 KiB slots would cost 16 times the memory for answers no
 * resolver sends for an address. A larger message, or a segment that
 * does not start where the kept bytes end (lost or reordered), binds
 * nothing.
 */
#define CW_LEARNED_TCP_FLOWS	4
#define CW_LEARNED_TCP_IDLE	(5 * HZ)

struct cw_learned_tcp {
	const void *sk;		/* identity only, never dereferenced; NULL: free */
	u32 next_seq;		/* where the kept bytes end in the stream */
	u32 have;		/* bytes kept, the length prefix included */
	unsigned long expires;	/* jiffies */
	u8 buf[2 + CW_DNSA_MSG_MAX];
};

/* The purposes of a binding in the ruleset of one generation. */
struct cw_learned_bind {
	u32 gen;
	u64 mask;
};

struct cw_learned_entry {
	u8 addr[16];		/* IPv4 in the first 4 bytes, zeros after */
	u8 family;		/* 0: free */
	u8 name_len;
	u16 next;		/* index + 1 of the next in its bucket, 0: end */
	u32 uid;		/* whose answer, or CW_NO_UID */
	unsigned long expires;	/* jiffies */
	/* the current generation's and, during a commit, the next one's */
	struct cw_learned_bind b[2];
	char name[CW_NAME_MAX + 1];	/* the name that matched */
};

struct cw_learned_named {
	const void *sk;		/* identity only, never dereferenced */
	u8 daddr[16];
	u16 sport, dport;
	u8 proto;
	bool used;
	u32 uid;
	unsigned long expires;	/* jiffies */
};

struct cw_learned_scratch {
	u8 msg[CW_DNSA_MSG_MAX];
	struct cw_dns_answer a;
};

struct cw_learned {
	/* Writers: answers (softirq), commits (process); readers: packets. */
	seqlock_t lock;
	atomic_t nr;			/* entries in use */
	unsigned long latest;		/* no entry lives past this */
	u16 head[CW_LEARNED_BUCKETS];	/* index + 1 of a chain's first */
	struct cw_learned_entry e[CW_LEARNED_MAX];
	spinlock_t named_lock;		/* named[] */
	atomic_t nr_named;
	struct cw_learned_named named[CW_LEARNED_NAMED];
	struct cw_learned_scratch __percpu *scratch;	/* answers parsed */
	spinlock_t tcp_lock;		/* tcp[], and answers over TCP */
	struct cw_learned_tcp tcp[CW_LEARNED_TCP_FLOWS];
};

/**
 * cw_learned_new() - an empty table for a namespace
 *
 * Context: process context, may sleep.
 * Return: the table, or NULL when out of memory.
 */
struct cw_learned *cw_learned_new(void);

/**
 * cw_learned_free() - free a table
 * @lt: the table, or NULL; no packet or command may still be using it
 *
 * Context: process context.
 */
void cw_learned_free(struct cw_learned *lt);

/**
 * cw_learned_empty() - whether no binding can match, read without a lock
 * @lt: the table
 *
 * The whole cost for packets while nothing is learned, or every binding
 * has expired.
 *
 * Context: any context.
 * Return: true if no lookup can find anything.
 */
static inline bool cw_learned_empty(const struct cw_learned *lt)
{
	return !atomic_read(&lt->nr) ||
	       time_after(jiffies, READ_ONCE(lt->latest));
}

/**
 * cw_learned_answer() - bind the addresses of the DNS answers in a packet
 * @lt: the namespace's table
 * @rs: the active ruleset, whose names say which purposes an answer binds
 * @gen: its generation
 * @skb: the packet, from port 53
 * @poff: where its payload starts
 * @plen: the payload's length
 * @tcp: TCP (messages after a 2-byte length) rather than UDP (the payload
 *       is the message)
 * @sk: TCP: the receiving socket (identity only), or NULL if not known
 * @seq: TCP: the segment's sequence number
 * @uid: the receiving socket's owner, or CW_NO_UID
 *
 * An answer that cannot be read whole binds nothing; over TCP one that
 * goes on past its segment is completed from the flow's next segments
 * (CW_LEARNED_TCP_FLOWS), when its socket is known. One UID's answers
 * hold at most CW_LEARNED_PER_UID bindings: past that its own soonest to
 * expire goes. A full table gives up the soonest to expire of all.
 *
 * Context: the LOCAL_IN hook, RCU read lock held; never sleeps or
 * allocates.
 */
void cw_learned_answer(struct cw_learned *lt, const struct cw_ruleset *rs,
		       u32 gen, const struct sk_buff *skb, u32 poff, u32 plen,
		       bool tcp, const void *sk, u32 seq, u32 uid);

/**
 * cw_learned_match() - the purposes bound to a flow's destination
 * @lt: the namespace's table
 * @gen: the generation of the ruleset the packet meets
 * @f: the flow (its family and address are used)
 * @name: if not NULL, CW_NAME_MAX + 1 bytes for the name that bound the
 *        address (the one of the latest answer), "" if none
 *
 * Context: any context; lock-free for the packet path (a sequence count).
 * Return: the purposes, of ruleset generation @gen, 0 if none.
 */
u64 cw_learned_match(struct cw_learned *lt, u32 gen, const struct cw_flow *f,
		     char *name);

/**
 * cw_learned_named() - whether a flow showed its own name
 * @lt: the namespace's table
 * @sk: the flow's socket (identity), or NULL
 * @f: the flow
 * @sport: its source port
 * @end: the packet ends the flow (a TCP RST): forget it
 *
 * Context: any context, bottom halves may be on.
 * Return: true if the flow's name judges it, not its address.
 */
bool cw_learned_named(struct cw_learned *lt, const void *sk,
		      const struct cw_flow *f, u16 sport, bool end);

/**
 * cw_learned_set_named() - say whether a flow showed its own name
 * @lt: the namespace's table
 * @sk: the flow's socket (identity), or NULL (nothing is kept)
 * @f: the flow; with a name, it is remembered as judged by its name
 * @sport: its source port
 *
 * Called at the payload that starts a flow (or a QUIC Initial): a flow
 * without a name (or a new flow on an old one's socket and ports) is
 * forgotten. A full table, or the UID's CW_LEARNED_NAMED_PER_UID, keeps
 * nothing: the flow's later packets are matched by their address (fail
 * closed).
 *
 * Context: any context, bottom halves may be on.
 */
void cw_learned_set_named(struct cw_learned *lt, const void *sk,
			  const struct cw_flow *f, u16 sport);

/**
 * cw_learned_rederive() - bind every entry for the next ruleset
 * @lt: the namespace's table
 * @rs: the ruleset about to be committed
 * @gen: the generation of the active ruleset (0 if none)
 * @next: the generation @rs is committed as
 *
 * Each binding's name is matched again: purposes renumbered, added or
 * removed follow the name. Packets meeting the current ruleset still see
 * the current bindings; call cw_learned_prune() once @rs is active.
 *
 * Context: process context, cw_net.lock held; takes the table's lock with
 * bottom halves off while it matches every entry's name.
 */
void cw_learned_rederive(struct cw_learned *lt, const struct cw_ruleset *rs,
			 u32 gen, u32 next);

/**
 * cw_learned_prune() - drop what the active ruleset no longer binds
 * @lt: the namespace's table
 * @gen: the active ruleset's generation
 *
 * Context: process context, cw_net.lock held.
 */
void cw_learned_prune(struct cw_learned *lt, u32 gen);

#endif /* _CW_LEARNED_H */
