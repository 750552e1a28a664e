/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The frozen ruleset's layout: what the build stages write and the lookup
 * (ruleset_match.c, where the design is described) reads. Private to the
 * ruleset_*.c files.
 */
#ifndef _CW_RULESET_LAYOUT_H
#define _CW_RULESET_LAYOUT_H

#include "ruleset.h"

#define CW_ROOT_BITS	21	/* root table of at most 16 MiB per family */
#define CW_SKIP_MAX	32	/* shared leading bits skipped: c + s < 64 */
#define CW_RUN		8	/* most prefixes in a slot's run */
#define CW_ROOT_BUDGET	27	/* bytes per prefix that buy a bigger root */
#define CW_STACK	8	/* prefix nodes remembered during a walk */
#define CW_LIST_MAX	((1U << 24) - 1) /* list index fits in 24 bits */
#define CW_ALLOC_MAX	0x7fff0000ULL	/* kvmalloc refuses more than INT_MAX */

/* One item of a match list. A list ends at the item with last set. */
struct cw_item {
	u64 mask;
	u16 port_min;
	u16 port_max;
	u8 proto;
	u8 last;
};

/*
 * Trie nodes. info: list index (first item) << 8 | bit position (the
 * prefix length); list 0 means a branch node without a prefix. An IPv4
 * node holds its key, so the final compare reads no other cache line. So
 * does an IPv6 prefix node, in n6: its key (8 bytes up to /64, 16 beyond)
 * follows it, and a node's number is its offset in n6, in 4-byte words;
 * a branch node has no key (see cw_fam_emit()).
 */
struct cw_node6 {
	u32 child[2];
	u32 info;
};

struct cw_node4 {
	struct cw_node6 n;	/* first: the walk sees both kinds alike */
	u32 key;		/* host order */
};

/*
 * Root slots, 8 bytes: tag in bits 0-1, the slot's list (the merged lists
 * of the prefixes of c + s bits or fewer that cover it, 0 = none) in the
 * lbits bits above it, then by tag:
 *  - CW_SLOT_LIST: nothing else (a slot with no longer prefix below);
 *  - CW_SLOT_PFX: one longer prefix inline: its list (lbits), its length
 *    minus c + s (7 bits), and in the top bits the key bits that follow
 *    the slot index (as many as it needs, at most 55 - 2 * lbits);
 *  - CW_SLOT_RUN: the number of longer prefixes minus one (3 bits), and
 *    in the top 32 bits the offset in runs of the first. Each is a word
 *    list << 8 | length, then its key in host-order words: one for IPv4;
 *    two for IPv6 up to /64, else four;
 *  - CW_SLOT_TRIE: the index of the node the slot's trie starts from
 *    (nbits).
 */
#define CW_SLOT_LIST	0U
#define CW_SLOT_TRIE	1U
#define CW_SLOT_PFX	2U
#define CW_SLOT_RUN	3U

struct cw_fam {
	u64 *root;		/* 1 << sbits slots, see CW_SLOT_* */
	struct cw_node4 *n4;	/* [0] unused */
	u32 *n6;		/* v6 nodes and their keys, see cw_fam_emit() */
	u32 *runs;		/* see CW_SLOT_RUN */
	u64 ckey;		/* the cbits bits every prefix shares, */
	u64 cmask;		/* left-aligned as in cw_hi() */
	u32 nr_nodes;
	u32 nr_n6;		/* words of n6 */
	u32 nr_runs;		/* words of runs */
	u8 cbits;
	u8 sbits;
	u8 abits;
	u8 lbits;		/* list index width in a slot */
	u8 nbits;		/* node index width in a slot */
};

struct cw_dom {
	u64 mask;
	u32 hash;
	u32 off;
	u32 len;
};

struct cw_ruleset {
	struct cw_fam fam[2];
	struct cw_item *items;
	u32 nr_items;
	u32 *uids;
	u64 *uid_masks;
	u32 nr_uids;
	u32 *dtab;		/* record index + 1, 0 = empty */
	u32 dtab_mask;
	struct cw_dom *doms;
	char *dpool;
	u32 nr_doms;
	u32 nr_entries;
	u32 nr_purposes;
	struct cw_purpose *purposes;
	u64 memory;
};

/*
 * The helpers below are pure arithmetic on keys and names: any context,
 * the packet path included.
 */

/**
 * cw_word() - word @i of a key, read without alignment
 * @k: the key, 4 or 16 bytes in network order
 * @i: the word, 0 for IPv4, 0..3 for IPv6
 *
 * Return: the word in host order.
 */
static inline u32 cw_word(const u8 *k, u32 i)
{
	__be32 w;

	memcpy(&w, k + 4 * i, sizeof(w));
	return be32_to_cpu(w);
}

/**
 * cw_bit() - bit @pos of a key
 * @k: the key
 * @pos: the bit, 0 the most significant of its first byte
 *
 * Return: 0 or 1.
 */
static inline u32 cw_bit(const u8 *k, u32 pos)
{
	return (k[pos >> 3] >> (7 - (pos & 7))) & 1;
}

/**
 * cw_hi() - the first 64 bits of a key
 * @k: the key
 * @klen: its length, 4 or 16 bytes (an IPv4 key is padded with zeros)
 *
 * Return: the bits, the key's first the most significant.
 */
static inline u64 cw_hi(const u8 *k, u32 klen)
{
	return (u64)cw_word(k, 0) << 32 | (klen > 4 ? cw_word(k, 1) : 0);
}

/**
 * cw_lo() - the 64 bits of a key after those of cw_hi()
 * @k: the key
 * @klen: its length, 4 or 16 bytes
 *
 * Return: the bits; 0 for an IPv4 key.
 */
static inline u64 cw_lo(const u8 *k, u32 klen)
{
	return klen > 4 ? (u64)cw_word(k, 2) << 32 | cw_word(k, 3) : 0;
}

/**
 * cw_from() - the 64 bits from bit @o of the 128-bit key @hi:@lo
 * @hi: the key's first 64 bits
 * @lo: its next 64
 * @o: the first bit, 0..63
 *
 * Return: the bits, left-aligned.
 */
static inline u64 cw_from(u64 hi, u64 lo, u32 o)
{
	return o ? hi << o | lo >> (64 - o) : hi;
}

/**
 * cw_slot() - a key's root slot
 * @k: the key
 * @klen: its length, 4 or 16 bytes
 * @c: the leading bits every key of the family shares
 * @s: the root's index bits
 *
 * Return: the @s bits of the key after the first @c.
 */
static inline u32 cw_slot(const u8 *k, u32 klen, u32 c, u32 s)
{
	return s ? cw_from(cw_hi(k, klen), cw_lo(k, klen), c) >> (64 - s) : 0;
}

/**
 * cw_cpl() - the length of the common prefix of two keys
 * @a: a key
 * @b: another, of the same length
 * @klen: their length, 4 or 16 bytes
 *
 * Return: the common prefix's length in bits, up to @klen * 8.
 */
static inline u32 cw_cpl(const u8 *a, const u8 *b, u32 klen)
{
	u32 i, x;

	for (i = 0; i < klen / 4; i++) {
		x = cw_word(a, i) ^ cw_word(b, i);
		if (x)
			return (i + 1) * 32 - fls(x);
	}
	return klen * 8;
}

/**
 * cw_lower() - an ASCII byte in lower case
 * @c: the byte
 *
 * Return: 'a'..'z' for 'A'..'Z', else @c.
 */
static inline u8 cw_lower(u8 c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/**
 * cw_dom_slot() - spread a name's hash over the domain table's slots
 * @h: the hash (FNV-1a, see cw_dom_match())
 *
 * Return: the mixed hash; the caller masks it to the table's size.
 */
static inline u32 cw_dom_slot(u32 h)
{
	h ^= h >> 16;
	h *= 0x7feb352dU;
	h ^= h >> 15;
	return h;
}

/**
 * cw_dom_eq() - whether a domain record is the name @s
 * @rs: the ruleset whose pool holds the record's name
 * @d: the record
 * @h: the hash of @s
 * @s: the name, any case
 * @len: its length
 *
 * Return: true if the record holds @s, case aside.
 */
static inline bool cw_dom_eq(const struct cw_ruleset *rs,
			     const struct cw_dom *d, u32 h,
			     const char *s, u32 len)
{
	const char *p = rs->dpool + d->off;
	u32 i;

	if (d->hash != h || d->len != len)
		return false;
	for (i = 0; i < len; i++)
		if (p[i] != cw_lower(s[i]))
			return false;
	return true;
}

/**
 * cw_run_words() - the size of one prefix in a run
 * @klen: the key length, 4 or 16 bytes
 * @len: the prefix length
 *
 * A word for its list and length, then its key: one word for IPv4, two
 * for IPv6 up to /64, else four.
 *
 * Return: the prefix's size in 4-byte words.
 */
static inline u32 cw_run_words(u32 klen, u32 len)
{
	return 1 + (klen == 4 ? 1 : len <= 64 ? 2 : 4);
}

/*
 * FNV-1a over the lower-cased name, last byte first (see cw_dom_match()):
 * a running hash, so one pass from the name's end gives every
 * label-boundary suffix its hash on the way. jhash() hashes a whole key
 * at a time and would take a pass per suffix, on the packet path.
 */
#define CW_FNV_SEED	0x811c9dc5U
#define CW_FNV_PRIME	0x01000193U

#endif /* _CW_RULESET_LAYOUT_H */
