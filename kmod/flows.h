/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-flow state, in two fixed tables per network namespace, allocated
 * with the namespace: the packet path never allocates, and a full table
 * makes the hook fail closed.
 *  - struct cw_flows: the TCP flows whose first payload was the start of a
 *    TLS ClientHello or an HTTP request head that did not hold the name yet
 *    (or DNS over TCP in pieces), until the answer;
 *  - struct cw_mem, the flow memory: every TCP flow and QUIC connection
 *    classified by its name, for its whole life, so that a withdrawal or
 *    a commit reaches it (hooks.c judges it again at every packet).
 */
#ifndef _CW_FLOWS_H
#define _CW_FLOWS_H

#include <linux/list.h>
#include <linux/list_nulls.h>
#include <linux/limits.h>
#include <linux/spinlock.h>
#include <linux/atomic.h>
#include <linux/bottom_half.h>
#include <linux/jiffies.h>

#include "parse.h"
#include "quic.h"

/* Slots per namespace; a flow's slot is one of CW_FLOWS_PROBE after its hash. */
#define CW_FLOWS_MAX	256
#define CW_FLOWS_PROBE	16
/*
 * Slots one UID may hold at once: a quarter of the table, so that an app
 * that opens ClientHellos and never finishes them takes no more, and the
 * rest stays for every other app's; its own beyond that fail closed.
 */
#define CW_FLOWS_PER_UID	(CW_FLOWS_MAX / 4)
/*
 * A slot whose flow sent nothing for this long may be reused. Until then
 * the flow keeps it: a ClientHello continues within a round trip, or a
 * few retransmission timeouts if segments are lost.
 */
#define CW_FLOWS_TIMEOUT	(30 * HZ)

struct cw_flow_slot {
	const void *sk;		/* identity only, never dereferenced */
	u32 next_seq;		/* stream byte the parser wants next */
	unsigned long expires;	/* jiffies */
	u32 uid;		/* the socket's owner, for CW_FLOWS_PER_UID */
	u16 sport, dport;
	bool used;
	/* The verdict was to block: later segments are blocked again. */
	bool blocked;
	bool is_http;	/* the union holds http, else tls (or dns, port 53) */
	union {
		struct cw_tls_state tls;	/* a ClientHello in pieces */
		struct cw_http_state http;	/* an HTTP request head */
		struct {			/* DNS over TCP (port 53) */
			/*
			 * next_seq is where the next message starts, or,
			 * with have bytes of a message's head kept here
			 * (its question not whole yet), the byte after them.
			 */
			u16 have;
			u8 head[CW_DNS_WANT];
		} dns;
	};
};

struct cw_flows {
	spinlock_t lock;	/* the slots */
	atomic_t used;		/* slots in use, read without the lock */
	struct cw_flow_slot slot[CW_FLOWS_MAX];
};

/**
 * cw_flows_new() - allocate an empty flow table
 *
 * Context: process context, may sleep.
 * Return: the table, or NULL when out of memory.
 */
struct cw_flows *cw_flows_new(void);

/**
 * cw_flows_free() - free a flow table
 * @ft: the table, or NULL; no packet may still be using it
 *
 * Context: any context that may call kvfree().
 */
void cw_flows_free(struct cw_flows *ft);

/**
 * cw_flows_empty() - whether no flow is tracked, read without the lock
 * @ft: the table
 *
 * Context: the packet path, any context.
 * Return: true if no slot is in use (the answer may be stale at once).
 */
static inline bool cw_flows_empty(const struct cw_flows *ft)
{
	return !atomic_read(&ft->used);
}

/**
 * cw_flows_lock() - take the table's lock
 * @ft: the table
 *
 * Context: bottom halves disabled. The functions below are called with it.
 */
void cw_flows_lock(struct cw_flows *ft) __acquires(&ft->lock);

/**
 * cw_flows_unlock() - release the table's lock
 * @ft: the table
 *
 * Context: bottom halves disabled, the lock held.
 */
void cw_flows_unlock(struct cw_flows *ft) __releases(&ft->lock);

/**
 * cw_flows_find() - the slot of a tracked flow
 * @ft: the table
 * @sk: the flow's socket, compared as an identity only
 * @sport: its source port
 * @dport: its destination port
 *
 * Context: the table's lock held (cw_flows_lock()).
 * Return: the slot, expired or not, or NULL if the flow is not tracked.
 */
struct cw_flow_slot *cw_flows_find(struct cw_flows *ft, const void *sk,
				   u16 sport, u16 dport);

/**
 * cw_flows_add() - a slot for a flow to track
 * @ft: the table
 * @sk: the flow's socket, kept as an identity only
 * @sport: its source port
 * @dport: its destination port
 * @uid: the socket's owner
 *
 * Any old slot of the same flow is released first; a slot whose flow has
 * been silent for CW_FLOWS_TIMEOUT may be taken over.
 *
 * Context: the table's lock held (cw_flows_lock()).
 * Return: the slot, its parser state for the caller to fill, or NULL when
 * @uid holds CW_FLOWS_PER_UID slots already or every slot the flow may
 * use is taken and not yet expired.
 */
struct cw_flow_slot *cw_flows_add(struct cw_flows *ft, const void *sk,
				  u16 sport, u16 dport, u32 uid);

/**
 * cw_flows_release() - stop tracking a flow
 * @ft: the table
 * @s: its slot (a free slot is left as it is)
 *
 * Context: the table's lock held (cw_flows_lock()).
 */
void cw_flows_release(struct cw_flows *ft, struct cw_flow_slot *s);

/*
 * The flow memory. Bounds (documented in the README):
 *  - CW_MEM_MAX entries per namespace, CW_MEM_PER_UID per UID, and
 *    CW_MEM_UIDS UIDs with entries at a time;
 *  - a UID at its bound, or in a full table the UID holding the most
 *    entries (only if it holds more than the newcomer's), gives up its
 *    least recently active entry that matched no purpose and carries no
 *    identifier scan of a flow still open (no FIN yet), or that has been
 *    idle past its expiry; an entry that matched a purpose or carries
 *    such a scan and is still live is never given up: a new flow that
 *    matched a purpose, or needs a scan's carry, and finds no room is
 *    refused instead (cw_mem_add() fails);
 *  - an entry goes with its flow: a reset seen on the way out ends it at
 *    once, a FIN makes it expire CW_MEM_FIN_TIMEOUT after the flow's last
 *    packet, a live flow's expires CW_MEM_TIMEOUT after its last packet
 *    (CW_MEM_IDLE_TIMEOUT for one that matched nothing). Expiry only makes
 *    an entry one that may be given up for room; until then it holds.
 */
#define CW_MEM_MAX		2048
#define CW_MEM_PER_UID		256
#define CW_MEM_UIDS		128
#define CW_MEM_BUCKETS		1024
#define CW_MEM_TIMEOUT		(2 * 3600 * HZ)
#define CW_MEM_IDLE_TIMEOUT	(600 * HZ)
#define CW_MEM_FIN_TIMEOUT	(120 * HZ)

/*
 * What names a flow. TCP: its socket, as an identity only (never
 * dereferenced from here), with the ports, the destination and the
 * connection's initial send sequence (isn, see hooks.c), so that another
 * connection on a socket reallocated at the same address, with the same
 * ports, is another flow. QUIC: the destination and ports, sk NULL (the
 * table is per namespace, and a local port is bound by one socket).
 */
struct cw_mem_key {
	const void *sk;
	u32 isn;
	u16 sport, dport;
	u8 daddr[16];
	u8 proto;
};

/*
 * The identifier scan's carry of a TCP flow (scan.c): where its stream
 * stands, so that a pattern split across segments is found, and whether
 * its bytes are still TLS records.
 */
struct cw_scan_carry {
	u32 seq;		/* the first stream byte not looked at yet */
	u32 state;		/* the matcher's, after the bytes before @seq */
	u32 generation;		/* of the ruleset whose matcher made @state */
	u16 rec_left;		/* TLS: bytes of the record's body to come */
	u8 rec_type;		/* TLS: the content type of that record */
	u8 hdr_have;		/* TLS: bytes of the next record header so far */
	u8 hdr[5];		/* TLS: those bytes */
	bool tls;		/* every byte so far was a TLS record */
};

/* A QUIC connection ID (RFC 9000 5.1). */
struct cw_quic_cid {
	u8 len;
	u8 id[CW_QUIC_CID_MAX];
};

struct cw_mem_entry {
	struct hlist_nulls_node node;	/* in its bucket (flows.c) */
	/*
	 * its UID's list, least recently active first: indices in e[]; of a
	 * free entry, @lru_next is the next free one
	 */
	u16 lru_prev, lru_next;
	struct cw_mem_key key;
	u16 uid_slot;
	bool fin;			/* a FIN went out */
	bool revoked;			/* its last packet was blocked */
	bool named;			/* classified by its name (hooks.c) */
	bool scanning;			/* @scan is in use */
	bool has_cid;			/* @server_cid is known */
	u8 name_len;
	u32 generation;			/* of the ruleset that judged @match */
	u64 match;			/* purposes its packets match */
	unsigned long expires;		/* jiffies */
	union {
		struct cw_scan_carry scan;	/* TCP */
		/*
		 * QUIC: the ID the server gave, as the client's Handshake
		 * packets carry it (scan.c)
		 */
		struct cw_quic_cid server_cid;
	};
	char name[CW_NAME_MAX + 1];
};

/* No entry, in a list of entries by index. */
#define CW_MEM_NIL	U16_MAX

struct cw_mem_uid {
	u32 uid;
	u16 n;				/* its entries; 0 = a free slot */
	u16 head, tail;			/* its entries' list */
};

struct cw_mem {
	spinlock_t lock;		/* everything below */
	atomic_t used;			/* entries in use, read without the lock */
	u16 free;			/* the first free entry, or CW_MEM_NIL */
	/* changed under the lock, walked without it by cw_mem_seen() */
	struct hlist_nulls_head bucket[CW_MEM_BUCKETS];
	struct cw_mem_uid uids[CW_MEM_UIDS];
	struct cw_mem_entry e[CW_MEM_MAX];
};

/**
 * cw_mem_new() - allocate an empty flow memory
 *
 * Context: process context, may sleep.
 * Return: the memory, or NULL when out of memory.
 */
struct cw_mem *cw_mem_new(void);

/**
 * cw_mem_free() - free a flow memory
 * @mem: the memory, or NULL; no packet may still be using it
 *
 * Context: any context that may call kvfree().
 */
void cw_mem_free(struct cw_mem *mem);

/**
 * cw_mem_empty() - whether no flow is remembered, read without the lock
 * @mem: the memory
 *
 * Context: the packet path, any context.
 * Return: true if no entry is in use (the answer may be stale at once).
 */
static inline bool cw_mem_empty(const struct cw_mem *mem)
{
	return !atomic_read(&mem->used);
}

/**
 * cw_mem_seen() - whether a flow may be remembered by name, without the lock
 * @mem: the memory
 * @k: the flow
 *
 * The test that lets most packets skip the lock: an entry that only
 * carries an identifier scan's carry names nothing, and is passed over
 * like no entry (the scan takes the lock for its carry). An entry of the flow
 * that is there when the call begins and stays until it returns is
 * always seen; one added or forgotten meanwhile may be seen or not, as if
 * the call had come before or after the change. True means only that an
 * entry looked like the flow's (whatever its isn): the caller takes the
 * lock and asks cw_mem_find(), which decides.
 *
 * Context: the packet path, in an RCU read-side critical section (the
 * netfilter hook's), any context; no lock held.
 * Return: false if the flow is not remembered by name, true if it may be.
 */
bool cw_mem_seen(struct cw_mem *mem, const struct cw_mem_key *k);

/**
 * cw_mem_lock() - take the memory's lock, bottom halves off
 * @mem: the memory
 *
 * Context: the packet path; the functions below are called with it.
 */
static inline void cw_mem_lock(struct cw_mem *mem) __acquires(&mem->lock)
{
	/*
	 * spin_lock_bh() spelled out: the same, with imports the module has
	 * already (its _raw_spin_lock_bh is one more symbol for the GKI
	 * lists); inline, for the packet path's every scanned segment.
	 */
	local_bh_disable();
	spin_lock(&mem->lock);
}

/**
 * cw_mem_unlock() - release the memory's lock, bottom halves on again
 * @mem: the memory
 *
 * Context: the lock held.
 */
static inline void cw_mem_unlock(struct cw_mem *mem) __releases(&mem->lock)
{
	spin_unlock(&mem->lock);
	local_bh_enable();
}

/**
 * cw_mem_find() - the entry of a remembered flow
 * @mem: the memory
 * @k: the flow
 *
 * An entry of the same socket, ports and destination with another isn
 * belongs to an earlier connection: it is forgotten, and NULL returned.
 *
 * Context: the memory's lock held.
 * Return: the entry, or NULL if the flow is not remembered.
 */
struct cw_mem_entry *cw_mem_find(struct cw_mem *mem,
				 const struct cw_mem_key *k);

/**
 * cw_mem_add() - remember a flow, or find it remembered already
 * @mem: the memory
 * @k: the flow
 * @uid: the UID it is counted against
 * @matched: whether it matched a purpose or is to carry a scan (room
 *           may then be taken from other flows, see the bounds above)
 *
 * A new entry has no name, match 0, generation 0, no scan's carry, and
 * expires as a live flow's; the caller fills it.
 *
 * Context: the memory's lock held.
 * Return: the entry, or NULL when there is no room for it.
 */
struct cw_mem_entry *cw_mem_add(struct cw_mem *mem, const struct cw_mem_key *k,
				u32 uid, bool matched);

/**
 * cw_mem_to_tail() - make an entry its UID's most recently active
 * @mem: the memory
 * @e: the entry
 *
 * The list move of cw_mem_touch(), out of line.
 *
 * Context: the memory's lock held.
 */
void cw_mem_to_tail(struct cw_mem *mem, struct cw_mem_entry *e);

/**
 * cw_mem_touch() - a packet of a remembered flow went out
 * @mem: the memory
 * @e: its entry
 * @timeout: jiffies from now until it expires
 *
 * Context: the memory's lock held.
 */
static inline void cw_mem_touch(struct cw_mem *mem, struct cw_mem_entry *e,
				unsigned long timeout)
{
	e->expires = jiffies + timeout;
	/* the most recently active of its UID already, as a flow's every packet */
	if (mem->uids[e->uid_slot].tail != e - mem->e)
		cw_mem_to_tail(mem, e);
}

/**
 * cw_mem_forget() - forget a flow
 * @mem: the memory
 * @e: its entry
 *
 * Context: the memory's lock held.
 */
void cw_mem_forget(struct cw_mem *mem, struct cw_mem_entry *e);

/**
 * cw_mem_end_scans() - let every identifier scan's carry go
 * @mem: the flow memory
 *
 * For when the scan stops: its purpose granted, or a ruleset that does
 * not scan committed. A carry held its flow's room until the flow ended,
 * which the scan no longer sees; an entry that only held a carry is
 * forgotten, one that also names its flow keeps the name. A flow scanned
 * again later starts a new carry from its next segment. (A packet that
 * met the old table meanwhile may leave one carry behind: it goes by idle
 * expiry, like a flow's that was never seen to end.)
 *
 * Context: process context; takes the memory's lock.
 */
void cw_mem_end_scans(struct cw_mem *mem);

#endif /* _CW_FLOWS_H */
