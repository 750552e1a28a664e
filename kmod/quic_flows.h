/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QUIC client Initials on the packet path: the datagram is read with this
 * CPU's crypto (quic_crypto.h) and, for a connection whose ClientHello
 * spans several Initials, its reassembly state is kept in a small fixed
 * table per network namespace until the answer. The packet path never
 * allocates; a full table makes the hook fail closed.
 */
#ifndef _CW_QUIC_FLOWS_H
#define _CW_QUIC_FLOWS_H

#include <linux/atomic.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>

#include "quic.h"

/*
 * Slots per namespace. A slot holds a struct cw_quic_state (about 5 KiB),
 * and a connection needs one only between its first and last Initial, a
 * round trip at most unless packets are lost.
 */
#define CW_QUIC_FLOWS_MAX	16
/* A slot silent this long may be taken by another connection. */
#define CW_QUIC_FLOWS_TIMEOUT	(10 * HZ)

struct cw_quic_slot {
	u8 daddr[16];
	u16 sport, dport;
	bool used;
	unsigned long expires;	/* jiffies */
	struct cw_quic_state st;
};

struct cw_quic_flows {
	spinlock_t lock;	/* the slots */
	atomic_t used;		/* slots in use */
	struct cw_quic_slot slot[CW_QUIC_FLOWS_MAX];
};

/**
 * cw_quic_flows_new() - an empty table for a namespace
 *
 * Context: may sleep.
 * Return: the table, or NULL.
 */
struct cw_quic_flows *cw_quic_flows_new(void);

/**
 * cw_quic_flows_free() - free a table
 * @qf: the table, or NULL
 *
 * Context: once no hook can use it.
 */
void cw_quic_flows_free(struct cw_quic_flows *qf);

/**
 * cw_quic_wanted() - may a UDP payload be a QUIC long header?
 * @skb: the packet
 * @poff: where its UDP payload starts
 * @plen: the payload's length
 *
 * The one-byte test: short-header packets, the bulk of QUIC, stop here.
 * Inline, and a pointer into a linear skb: every UDP datagram of a
 * namespace with a denied name pays it.
 *
 * Context: any; reads the packet only.
 * Return: true if the first byte has the long-header bit.
 */
static inline bool cw_quic_wanted(const struct sk_buff *skb, u32 poff,
				  u32 plen)
{
	const u8 *b;
	u8 buf;

	if (plen < 7)
		return false;
	b = skb_header_pointer(skb, poff, 1, &buf);
	return b && (*b & 0x80);
}

/* What cw_quic_read() found. name points into this CPU's area. */
struct cw_quic_seen {
	enum cw_parse_result r;
	enum cw_quic_why why;
	const char *name;
	u32 name_len;
};

/**
 * cw_quic_read() - read a UDP datagram as QUIC client Initials
 * @qf: the namespace's table
 * @skb: the packet
 * @poff: where its UDP payload starts
 * @plen: the payload's length
 * @daddr: the destination address (IPv4 in the first 4 bytes, zeros after)
 * @sport: the source port
 * @dport: the destination port
 * @seen: set to the answer: r as for cw_quic_feed(), and
 *        CW_PARSE_MALFORMED with CW_QUIC_FULL when a ClientHello goes on
 *        in later Initials and no slot is free
 *
 * Context: bottom halves disabled; @seen->name stays valid until they are
 * enabled again. Never sleeps or allocates.
 */
void cw_quic_read(struct cw_quic_flows *qf, const struct sk_buff *skb,
		  u32 poff, u32 plen, const u8 daddr[16], u16 sport,
		  u16 dport, struct cw_quic_seen *seen);

#endif /* _CW_QUIC_FLOWS_H */
