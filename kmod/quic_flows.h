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
 * Slots per namespace. A slot holds a struct cw_quic_state (about 5 KiB)
 * for a connection whose ClientHello goes on past the Initials read so
 * far, and is given back with the Initial that ends it: a client sends
 * its whole ClientHello at once, so a slot is held for the moments
 * between two datagrams of one flight unless packets are lost.
 */
#define CW_QUIC_FLOWS_MAX	16
/* A slot silent this long may be taken by another connection. */
#define CW_QUIC_FLOWS_TIMEOUT	(10 * HZ)
/*
 * A UID holds at most this many slots that have not expired: an app that
 * opens ClientHellos and never ends them fails its own new ones, never
 * another app's.
 */
#define CW_QUIC_FLOWS_PER_UID	(CW_QUIC_FLOWS_MAX / 4)

struct cw_quic_slot {
	u8 daddr[16];
	u16 sport, dport;
	bool used;
	u32 uid;		/* the sender, for CW_QUIC_FLOWS_PER_UID */
	unsigned long expires;	/* jiffies */
	struct cw_quic_state st;
};

/*
 * Connections refused by name, the last CW_QUIC_REFUSED_MAX of them for
 * CW_QUIC_FLOWS_TIMEOUT of silence each: the Initials a client still
 * sends on one (its CONNECTION_CLOSE, a probe), which carry no name of
 * their own, are judged by its name, so that none reaches the server.
 * The oldest makes room; one that has gone lets such an Initial pass,
 * which carries nothing but the client's goodbye.
 */
#define CW_QUIC_REFUSED_MAX	32

struct cw_quic_refused {
	u8 daddr[16];
	u16 sport, dport;
	u8 dcid_len;		/* 0: an empty entry */
	u8 dcid[CW_QUIC_CID_MAX];
	u8 name_len;
	char name[CW_NAME_MAX + 1];
	unsigned long expires;	/* jiffies */
};

struct cw_quic_flows {
	spinlock_t lock;	/* the slots and the refused */
	atomic_t used;		/* slots in use */
	u32 nrefused;		/* entries of refused[] filled so far */
	u32 refused_next;	/* the one to fill next */
	struct cw_quic_slot slot[CW_QUIC_FLOWS_MAX];
	struct cw_quic_refused refused[CW_QUIC_REFUSED_MAX];
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
 * cw_quic_dgram() - the length of each datagram of a UDP payload
 * @skb: the packet
 * @plen: its payload's length
 *
 * A UDP GSO skb (UDP_SEGMENT) is many datagrams of gso_size bytes, the
 * last one shorter; any other payload is one.
 *
 * Return: the datagrams' length, @plen for one.
 */
static inline u32 cw_quic_dgram(const struct sk_buff *skb, u32 plen)
{
	if (skb_is_gso(skb) && skb_shinfo(skb)->gso_size &&
	    skb_shinfo(skb)->gso_size < plen)
		return skb_shinfo(skb)->gso_size;
	return plen;
}

/**
 * cw_quic_long() - may a datagram be a QUIC long header?
 * @skb: the packet
 * @off: where the datagram starts
 * @len: its length
 *
 * The one-byte test: short-header packets, the bulk of QUIC, stop here.
 *
 * Context: any; reads the packet only.
 * Return: true if its first byte has the long-header bit.
 */
static inline bool cw_quic_long(const struct sk_buff *skb, u32 off, u32 len)
{
	const u8 *b;
	u8 buf;

	if (len < 7)
		return false;
	b = skb_header_pointer(skb, off, 1, &buf);
	return b && (*b & 0x80);
}

/**
 * cw_quic_wanted_gso() - cw_quic_long() of a GSO skb's datagrams after its first
 * @skb: the packet
 * @poff: where its UDP payload starts
 * @plen: the payload's length
 *
 * Context: any; reads the packet only.
 * Return: true if one of them may be a long header.
 */
bool cw_quic_wanted_gso(const struct sk_buff *skb, u32 poff, u32 plen);

/**
 * cw_quic_wanted() - may a UDP payload hold a QUIC long header?
 * @skb: the packet
 * @poff: where its UDP payload starts
 * @plen: the payload's length
 *
 * cw_quic_long() of its first datagram, inline, and a pointer into a
 * linear skb: every UDP datagram of a namespace with a denied name pays
 * it. A GSO skb's other datagrams are looked at too, out of line.
 *
 * Context: any; reads the packet only.
 * Return: true if a datagram's first byte has the long-header bit.
 */
static inline bool cw_quic_wanted(const struct sk_buff *skb, u32 poff,
				  u32 plen)
{
	u32 n = cw_quic_dgram(skb, plen);

	return cw_quic_long(skb, poff, n) ||
	       (n < plen && cw_quic_wanted_gso(skb, poff, plen));
}

/* What cw_quic_read() found. name points into this CPU's area. */
struct cw_quic_seen {
	enum cw_parse_result r;
	enum cw_quic_why why;
	const char *name;
	u32 name_len;
	u8 dcid_len;		/* with a name: the connection's first ID */
	u8 dcid[CW_QUIC_CID_MAX];
};

/* A QUIC flow: where it goes, and who sends. */
struct cw_quic_flow {
	const u8 *daddr;	/* 16 bytes: IPv4 in the first 4, zeros after */
	u16 sport, dport;
	u32 uid;
};

/**
 * cw_quic_read() - read one UDP datagram as QUIC client Initials
 * @qf: the namespace's table
 * @skb: the packet
 * @off: where the datagram starts (a UDP payload, or one datagram of a
 *       GSO skb's, cw_quic_dgram())
 * @len: its length
 * @f: its flow
 * @seen: set to the answer: r as for cw_quic_feed(), and
 *        CW_PARSE_MALFORMED with CW_QUIC_FULL when a ClientHello goes on
 *        in later Initials and no slot is free, or the flow's UID holds
 *        CW_QUIC_FLOWS_PER_UID already
 *
 * Context: bottom halves disabled; @seen->name stays valid until they are
 * enabled again. Never sleeps or allocates.
 */
void cw_quic_read(struct cw_quic_flows *qf, const struct sk_buff *skb,
		  u32 off, u32 len, const struct cw_quic_flow *f,
		  struct cw_quic_seen *seen);

/**
 * cw_quic_refuse() - remember a connection refused by its name
 * @qf: the namespace's table
 * @f: its flow
 * @seen: what cw_quic_read() gave for it (CW_PARSE_NAME)
 *
 * cw_quic_read() then gives its name for its later Initials that show
 * none of their own (their first long header has its first ID).
 *
 * Context: bottom halves disabled. Never sleeps or allocates.
 */
void cw_quic_refuse(struct cw_quic_flows *qf, const struct cw_quic_flow *f,
		    const struct cw_quic_seen *seen);

#endif /* _CW_QUIC_FLOWS_H */
