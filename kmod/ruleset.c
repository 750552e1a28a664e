// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The ruleset: built aside by a cw_builder, frozen into flat arrays read
 * under RCU by the packet path. Pure code (see pure.h).
 *
 * Addresses. Each family has its own structure:
 *  - the c leading bits that every prefix of the family shares (at most
 *    CW_SKIP_MAX, and no more than the shortest prefix): compared once,
 *    then skipped. Real lists cluster (IPv6 under 2000::/3 and a few
 *    registry blocks), and a root indexed by the first address bits would
 *    put them all in one slot;
 *  - a root table of 8-byte slots indexed by the s bits after those,
 *    1 << s about the number of distinct prefixes (half, the same rounded
 *    up or twice: the most slots an estimate of the memory allows, at
 *    most CW_ROOT_BITS bits, see cw_sbits()). Prefixes of c + s bits or
 *    fewer are expanded into the slots they cover: every slot holds the
 *    merged match list of those (or none);
 *  - a slot whose longer prefixes are just one holds it inline: its
 *    length, list and the key bits after the slot index (when they fit in
 *    the slot: 55 - 2 * list index width, e.g. 39 bits). With one slot per
 *    prefix a third of the slots are like that and most of the others are
 *    empty, so most lookups read one root slot and the (small, shared)
 *    list items, nothing else: one cache line outside the cache at 1M;
 *  - a slot with up to CW_RUN longer prefixes (or one that did not fit
 *    inline) points to a run of them: each its list and length and its
 *    key (IPv4 4 bytes, IPv6 8 up to /64, else 16), compared in turn. A
 *    run costs 8 bytes per IPv4 prefix and 12 per IPv6 /64 or shorter,
 *    against 24-32 for the trie below;
 *  - below a slot with more, a path-compressed binary trie (PATRICIA). A
 *    node is a bit position and two children; a node that carries a
 *    prefix also carries its match list.
 * Branch nodes hold no key: the walk follows the address bits to the
 * bottom, remembering the prefix nodes it passed, then compares the address
 * once with the key of the last prefix node passed. Every prefix node on
 * the path is an ancestor of that key, so it covers the address exactly
 * when its length is at most the common prefix length of the address and
 * that key. A lookup reads one root slot, at most one node per address bit
 * (in practice one to three) and one key: the cost grows with the address
 * length, never with the number of prefixes. Nodes keep their creation
 * order, so a slot's nodes are adjacent and share cache lines, and every
 * prefix node holds its key (the final compare reads no other line): an
 * IPv4 node is 16 bytes, an IPv6 branch node 12, an IPv6 prefix node 20
 * (up to /64) or 28. Measured (tests/unit/ruleset bench, bytes per prefix,
 * root table included, 1k..1M): random prefixes of every length, IPv4
 * 17..23, IPv6 21..29; make bench's sets (IPv4 /24s, IPv6 /48s under
 * 2a00::/16) 17..21 and 17..26. CW_ROOT_BUDGET caps the estimate.
 *
 * Match lists are runs of items (purpose mask, protocol, port range) in one
 * array, interned so that the many prefixes of one purpose share one list.
 * A list merges every unconstrained entry into a single item.
 *
 * UIDs: a sorted array searched by bisection. Domains: an open-addressing
 * hash table of the names; a lookup hashes the flow's name from right to
 * left and probes once per label-boundary suffix.
 *
 * Validation choices: an address with bits set beyond its prefix length is
 * refused (it is almost always a typo: 10.0.0.1/8); a port_max of 0 with a
 * port_min means that port alone; duplicates are harmless. Domain names are
 * lower-cased at add and one trailing dot is dropped; a flow's name may
 * carry upper case and one trailing dot too (folded while hashing).
 *
 * Limits: a zero max_entries or max_memory means no limit. max_memory
 * bounds the builder's own allocations as it grows, and the frozen ruleset:
 * cw_builder_finish() returns NULL when the frozen form would exceed it.
 */
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

/* Builder side: entries as added, normalized, in growable arrays. */
struct cw_bpfx {
	u8 key[16];
	u16 port_min;
	u16 port_max;
	u8 len;
	u8 proto;
	u8 purpose;
	u8 family;
};

struct cw_buid {
	u32 uid;
	u32 purpose;
};

struct cw_bdom {
	u32 off;
	u32 len;
	u32 purpose;
};

struct cw_builder {
	struct cw_limits lim;
	u64 mem;
	u32 nr_entries;
	u32 nr_purposes;
	struct cw_bpfx *pfx;
	u32 nr_pfx, cap_pfx;
	struct cw_buid *uid;
	u32 nr_uid, cap_uid;
	struct cw_bdom *dom;
	u32 nr_dom, cap_dom;
	char *pool;
	u32 nr_pool, cap_pool;
	struct cw_purpose purposes[CW_PURPOSES_MAX];
};

static void *cw_alloc(u64 bytes)
{
	if (!bytes || bytes > CW_ALLOC_MAX)
		return NULL;
	return kvzalloc((size_t)bytes, GFP_KERNEL);
}

/* Big-endian word i of a key (4 or 16 bytes), read without alignment. */
static inline u32 cw_word(const u8 *k, u32 i)
{
	__be32 w;

	memcpy(&w, k + 4 * i, sizeof(w));
	return be32_to_cpu(w);
}

static inline u32 cw_bit(const u8 *k, u32 pos)
{
	return (k[pos >> 3] >> (7 - (pos & 7))) & 1;
}

/* The first 64 bits of a key (an IPv4 key padded with zeros)... */
static inline u64 cw_hi(const u8 *k, u32 klen)
{
	return (u64)cw_word(k, 0) << 32 | (klen > 4 ? cw_word(k, 1) : 0);
}

/* ... and the next 64. */
static inline u64 cw_lo(const u8 *k, u32 klen)
{
	return klen > 4 ? (u64)cw_word(k, 2) << 32 | cw_word(k, 3) : 0;
}

/* The 64 bits from bit o (0..63) of the key hi:lo. */
static inline u64 cw_from(u64 hi, u64 lo, u32 o)
{
	return o ? hi << o | lo >> (64 - o) : hi;
}

/* A key's root slot: its s bits after the c that every key shares. */
static inline u32 cw_slot(const u8 *k, u32 klen, u32 c, u32 s)
{
	return s ? cw_from(cw_hi(k, klen), cw_lo(k, klen), c) >> (64 - s) : 0;
}

/* Length of the common prefix of two keys of klen bytes, in bits. */
static inline u32 cw_cpl(const u8 *a, const u8 *b, u32 klen)
{
	u32 i, x;

	for (i = 0; i < klen / 4; i++) {
		x = cw_word(a, i) ^ cw_word(b, i);
		if (x)
			return i * 32 + __builtin_clz(x);
	}
	return klen * 8;
}

static inline u32 cw_min(u32 a, u32 b)
{
	return a < b ? a : b;
}

/*
 * Compiling a million prefixes takes a second natively and twenty under
 * emulation: loops over them yield the CPU every so often (process
 * context: the netlink commit holds a mutex, no spinlock).
 */
static inline void cw_yield(u32 i)
{
	if (!(i & 0xfff))
		cond_resched();
}

/*
 * In-place heapsort: the kernel's sort() would do, but the same code must
 * run in userspace and its cost is bounded (no recursion, O(n log n)).
 */
static void cw_swap(u8 *a, u8 *b, u32 size)
{
	u8 t;

	while (size--) {
		t = *a;
		*a++ = *b;
		*b++ = t;
	}
}

static void cw_sift(u8 *base, u32 root, u32 n, u32 size,
		    int (*cmp)(const void *, const void *))
{
	u32 child;

	for (;;) {
		child = 2 * root + 1;
		if (child >= n)
			return;
		if (child + 1 < n &&
		    cmp(base + (u64)child * size,
			base + (u64)(child + 1) * size) < 0)
			child++;
		if (cmp(base + (u64)root * size,
			base + (u64)child * size) >= 0)
			return;
		cw_swap(base + (u64)root * size, base + (u64)child * size,
			size);
		root = child;
	}
}

static void cw_hsort(void *base, u32 n, u32 size,
		     int (*cmp)(const void *, const void *))
{
	u8 *b = base;
	u32 i;

	if (n < 2)
		return;
	for (i = n / 2; i-- > 0;) {
		cw_sift(b, i, n, size, cmp);
		cw_yield(i);
	}
	for (i = n - 1; i > 0; i--) {
		cw_swap(b, b + (u64)i * size, size);
		cw_sift(b, 0, i, size, cmp);
		cw_yield(i);
	}
}

/* ---------------------------------------------------------------- builder */

struct cw_builder *cw_builder_new(const struct cw_limits *limits)
{
	struct cw_builder *b = cw_alloc(sizeof(*b));

	if (!b)
		return NULL;
	if (limits)
		b->lim = *limits;
	b->mem = sizeof(*b);
	return b;
}

void cw_builder_free(struct cw_builder *b)
{
	if (!b)
		return;
	kvfree(b->pfx);
	kvfree(b->uid);
	kvfree(b->dom);
	kvfree(b->pool);
	kvfree(b);
}

/*
 * Makes room for one more element (or need more bytes), doubling the
 * capacity; the builder's memory is counted as it grows.
 */
static int cw_grow(struct cw_builder *b, void **arr, u32 *cap, u32 need,
		   u32 size, const char **why)
{
	u64 ncap, old = (u64)*cap * size, nbytes;
	void *n;

	if (need <= *cap)
		return 0;
	ncap = *cap ? (u64)*cap * 2 : 64;
	while (ncap < need)
		ncap *= 2;
	nbytes = ncap * size;
	if (b->lim.max_memory && b->mem - old + nbytes > b->lim.max_memory) {
		*why = "ruleset exceeds the memory limit";
		return -E2BIG;
	}
	n = cw_alloc(nbytes);
	if (!n) {
		*why = "out of memory building the ruleset";
		return -ENOMEM;
	}
	if (*arr)
		memcpy(n, *arr, old);
	kvfree(*arr);
	*arr = n;
	*cap = (u32)ncap;
	b->mem = b->mem - old + nbytes;
	return 0;
}

static int cw_check_entry(struct cw_builder *b, int purpose, const char **why)
{
	if (purpose < 0 || (u32)purpose >= b->nr_purposes) {
		*why = "purpose index out of range";
		return -EINVAL;
	}
	if (b->nr_entries >= CW_LIST_MAX ||
	    (b->lim.max_entries && b->nr_entries >= b->lim.max_entries)) {
		*why = "too many entries in the ruleset";
		return -E2BIG;
	}
	return 0;
}

static void cw_count_entry(struct cw_builder *b, int purpose)
{
	b->nr_entries++;
	b->purposes[purpose].nr_entries++;
}

int cw_builder_purpose(struct cw_builder *b, const char *name,
		       const char *desc, const char **why)
{
	size_t len, dlen = 0;
	u32 i;

	if (!name) {
		*why = "purpose name missing";
		return -EINVAL;
	}
	len = strnlen(name, CW_PURPOSE_NAME_MAX);
	if (!len) {
		*why = "purpose name empty";
		return -EINVAL;
	}
	if (len >= CW_PURPOSE_NAME_MAX) {
		*why = "purpose name too long";
		return -EINVAL;
	}
	if (!cw_purpose_name_valid(name)) {
		*why = "purpose name must match [a-z0-9][a-z0-9._-]*";
		return -EINVAL;
	}
	if (desc) {
		dlen = strnlen(desc, CW_PURPOSE_DESC_MAX);
		if (dlen >= CW_PURPOSE_DESC_MAX) {
			*why = "purpose description too long";
			return -EINVAL;
		}
	}
	for (i = 0; i < b->nr_purposes; i++)
		if (!strcmp(b->purposes[i].name, name))
			break;
	if (i == b->nr_purposes) {
		if (i >= CW_PURPOSES_MAX) {
			*why = "too many purposes";
			return -E2BIG;
		}
		memcpy(b->purposes[i].name, name, len + 1);
		b->nr_purposes++;
	}
	if (dlen)
		memcpy(b->purposes[i].desc, desc, dlen + 1);
	return i;
}

int cw_builder_add_prefix(struct cw_builder *b, int purpose, u8 family,
			  const u8 *addr, u8 prefixlen, u8 proto,
			  u16 port_min, u16 port_max, const char **why)
{
	struct cw_bpfx *p;
	u32 klen, i;
	int err;

	err = cw_check_entry(b, purpose, why);
	if (err)
		return err;
	if (family == AF_INET) {
		klen = 4;
	} else if (family == AF_INET6) {
		klen = 16;
	} else {
		*why = "address family must be AF_INET or AF_INET6";
		return -EAFNOSUPPORT;
	}
	if (!addr) {
		*why = "address missing";
		return -EINVAL;
	}
	if (prefixlen > klen * 8) {
		*why = "prefix length out of range";
		return -EINVAL;
	}
	for (i = prefixlen; i < klen * 8; i++) {
		if (cw_bit(addr, i)) {
			*why = "address has bits set beyond the prefix length";
			return -EINVAL;
		}
	}
	if (port_min && !port_max)
		port_max = port_min;
	if (port_max) {
		if (proto != IPPROTO_TCP && proto != IPPROTO_UDP) {
			*why = "ports need protocol tcp or udp";
			return -EINVAL;
		}
		if (!port_min) {
			*why = "port 0 is not a valid port";
			return -EINVAL;
		}
		if (port_min > port_max) {
			*why = "port range is reversed (min > max)";
			return -EINVAL;
		}
	} else {
		port_max = 0xffff;
	}
	err = cw_grow(b, (void **)&b->pfx, &b->cap_pfx, b->nr_pfx + 1,
		      sizeof(*b->pfx), why);
	if (err)
		return err;
	p = &b->pfx[b->nr_pfx++];
	memset(p, 0, sizeof(*p));
	memcpy(p->key, addr, klen);
	p->len = prefixlen;
	p->family = family;
	p->proto = proto;
	p->port_min = port_min;
	p->port_max = port_max;
	p->purpose = purpose;
	cw_count_entry(b, purpose);
	return 0;
}

int cw_builder_add_uid(struct cw_builder *b, int purpose, u32 uid,
		       const char **why)
{
	int err = cw_check_entry(b, purpose, why);

	if (err)
		return err;
	err = cw_grow(b, (void **)&b->uid, &b->cap_uid, b->nr_uid + 1,
		      sizeof(*b->uid), why);
	if (err)
		return err;
	b->uid[b->nr_uid].uid = uid;
	b->uid[b->nr_uid].purpose = purpose;
	b->nr_uid++;
	cw_count_entry(b, purpose);
	return 0;
}

static inline u8 cw_lower(u8 c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* FNV-1a over the lower-cased name, last byte first: see cw_dom_match(). */
#define CW_FNV_SEED	0x811c9dc5U
#define CW_FNV_PRIME	0x01000193U

static u32 cw_dom_hash(const char *s, u32 len)
{
	u32 h = CW_FNV_SEED;

	while (len--)
		h = (h ^ cw_lower(s[len])) * CW_FNV_PRIME;
	return h;
}

static inline u32 cw_dom_slot(u32 h)
{
	h ^= h >> 16;
	h *= 0x7feb352dU;
	h ^= h >> 15;
	return h;
}

int cw_builder_add_domain(struct cw_builder *b, int purpose,
			  const char *name, u32 len, const char **why)
{
	u32 i, label = 0;
	int err;

	err = cw_check_entry(b, purpose, why);
	if (err)
		return err;
	if (!name) {
		*why = "domain name missing";
		return -EINVAL;
	}
	if (len && name[len - 1] == '.')
		len--;
	if (!len) {
		*why = "domain name empty";
		return -EINVAL;
	}
	if (len > CW_NAME_MAX) {
		*why = "domain name longer than 254 bytes";
		return -EINVAL;
	}
	for (i = 0; i < len; i++) {
		u8 c = cw_lower(name[i]);

		if (c == '.') {
			if (!label) {
				*why = "domain name has an empty label";
				return -EINVAL;
			}
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_')) {
			*why = "domain name has a character outside [a-z0-9_.-]";
			return -EINVAL;
		}
		if (++label > 63) {
			*why = "domain name has a label longer than 63 bytes";
			return -EINVAL;
		}
	}
	err = cw_grow(b, (void **)&b->pool, &b->cap_pool, b->nr_pool + len,
		      1, why);
	if (err)
		return err;
	err = cw_grow(b, (void **)&b->dom, &b->cap_dom, b->nr_dom + 1,
		      sizeof(*b->dom), why);
	if (err)
		return err;
	for (i = 0; i < len; i++)
		b->pool[b->nr_pool + i] = cw_lower(name[i]);
	b->dom[b->nr_dom].off = b->nr_pool;
	b->dom[b->nr_dom].len = len;
	b->dom[b->nr_dom].purpose = purpose;
	b->nr_dom++;
	b->nr_pool += len;
	cw_count_entry(b, purpose);
	return 0;
}

/* ------------------------------------------------------- match list pool */

/*
 * Finishing state: the item array being built and the intern table that
 * makes identical lists share one run of items.
 */
struct cw_fin {
	struct cw_item *items;
	u32 nr_items, cap_items;
	u32 *itab;		/* first item of an interned list, 0 = empty */
	u32 itab_size;
	u32 nr_lists;
	struct cw_item *tmp;	/* scratch for building one list */
	u32 cap_tmp;
	bool nomem;
};

static bool cw_fin_room(void **arr, u32 *cap, u64 need, u32 size)
{
	u64 ncap;
	void *n;

	if (need <= *cap)
		return true;
	ncap = *cap ? (u64)*cap * 2 : 256;
	while (ncap < need)
		ncap *= 2;
	if (ncap > 0xffffffffULL)
		return false;
	n = cw_alloc(ncap * size);
	if (!n)
		return false;
	if (*arr)
		memcpy(n, *arr, (u64)*cap * size);
	kvfree(*arr);
	*arr = n;
	*cap = (u32)ncap;
	return true;
}

static inline bool cw_item_any(const struct cw_item *it)
{
	return !it->proto && !it->port_min && it->port_max == 0xffff;
}

static int cw_item_cmp(const void *a, const void *b)
{
	const struct cw_item *x = a, *y = b;

	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if (x->port_min != y->port_min)
		return x->port_min < y->port_min ? -1 : 1;
	if (x->port_max != y->port_max)
		return x->port_max < y->port_max ? -1 : 1;
	return 0;
}

static u32 cw_list_hash(const struct cw_item *it, u32 n)
{
	u64 h = 0x9e3779b97f4a7c15ULL;
	u32 i;

	for (i = 0; i < n; i++) {
		h ^= it[i].mask;
		h *= 0xff51afd7ed558ccdULL;
		h ^= ((u64)it[i].proto << 32) | ((u32)it[i].port_min << 16) |
		     it[i].port_max;
		h *= 0xc4ceb9fe1a85ec53ULL;
		h ^= h >> 29;
	}
	return (u32)(h ^ (h >> 32));
}

static bool cw_list_eq(const struct cw_item *a, const struct cw_item *b,
		       u32 n)
{
	u32 i;

	for (i = 0; i < n; i++) {
		if (a[i].mask != b[i].mask || cw_item_cmp(&a[i], &b[i]))
			return false;
		if (a[i].last != (i == n - 1))
			return false;
	}
	return true;
}

static bool cw_intern_grow(struct cw_fin *fin)
{
	u32 nsize = fin->itab_size ? fin->itab_size * 2 : 1024, i, j, h, n;
	u32 *t = cw_alloc((u64)nsize * sizeof(*t));

	if (!t)
		return false;
	for (i = 0; i < fin->itab_size; i++) {
		u32 first = fin->itab[i];

		cw_yield(i);
		if (!first)
			continue;
		for (n = 1; !fin->items[first + n - 1].last; n++)
			;
		h = cw_list_hash(&fin->items[first], n);
		for (j = h & (nsize - 1); t[j]; j = (j + 1) & (nsize - 1))
			;
		t[j] = first;
	}
	kvfree(fin->itab);
	fin->itab = t;
	fin->itab_size = nsize;
	return true;
}

/*
 * Normalizes the n items in fin->tmp (every unconstrained item folded into
 * one, constrained ones sorted, equal constraints merged, items implied by
 * the unconstrained one dropped) and interns the list. Returns the index
 * of its first item, or 0 when out of memory.
 */
static u32 cw_intern(struct cw_fin *fin, u32 n)
{
	struct cw_item *t = fin->tmp;
	u64 any = 0;
	u32 i, m = 0, h, j;

	for (i = 0; i < n; i++)
		if (cw_item_any(&t[i]))
			any |= t[i].mask;
	for (i = 0; i < n; i++) {
		if (cw_item_any(&t[i]))
			continue;
		t[i].mask &= ~any;
		if (t[i].mask)
			t[m++] = t[i];
	}
	cw_hsort(t, m, sizeof(*t), cw_item_cmp);
	for (i = 0, j = 0; i < m; i++) {
		if (j && !cw_item_cmp(&t[j - 1], &t[i]))
			t[j - 1].mask |= t[i].mask;
		else
			t[j++] = t[i];
	}
	m = j;
	if (any) {
		/* the unconstrained item goes first: room was left in tmp */
		for (i = m; i > 0; i--)
			t[i] = t[i - 1];
		memset(&t[0], 0, sizeof(t[0]));
		t[0].mask = any;
		t[0].port_max = 0xffff;
		m++;
	}
	if (!m)
		return 0;
	for (i = 0; i < m; i++)
		t[i].last = i == m - 1;

	if ((fin->nr_lists + 1) * 2 > fin->itab_size && !cw_intern_grow(fin))
		return 0;
	h = cw_list_hash(t, m);
	for (j = h & (fin->itab_size - 1); fin->itab[j];
	     j = (j + 1) & (fin->itab_size - 1)) {
		u32 first = fin->itab[j];

		if (cw_list_eq(&fin->items[first], t, m))
			return first;
	}
	if (fin->nr_items + m > CW_LIST_MAX ||
	    !cw_fin_room((void **)&fin->items, &fin->cap_items,
			 (u64)fin->nr_items + m, sizeof(*fin->items)))
		return 0;
	memcpy(&fin->items[fin->nr_items], t, m * sizeof(*t));
	fin->itab[j] = fin->nr_items;
	fin->nr_items += m;
	fin->nr_lists++;
	return fin->itab[j];
}

static u32 cw_list_len(const struct cw_fin *fin, u32 first)
{
	u32 n = 1;

	while (!fin->items[first + n - 1].last)
		n++;
	return n;
}

/* Interned union of two interned lists (0 = empty); 0 on failure too. */
static u32 cw_union(struct cw_fin *fin, u32 a, u32 b)
{
	u32 la, lb, r;

	if (!a || a == b)
		return b;
	if (!b)
		return a;
	la = cw_list_len(fin, a);
	lb = cw_list_len(fin, b);
	if (!cw_fin_room((void **)&fin->tmp, &fin->cap_tmp, (u64)la + lb + 1,
			 sizeof(*fin->tmp)))
		return 0;
	memcpy(fin->tmp, &fin->items[a], la * sizeof(*fin->tmp));
	memcpy(fin->tmp + la, &fin->items[b], lb * sizeof(*fin->tmp));
	r = cw_intern(fin, la + lb);
	if (!r)
		fin->nomem = true;
	return r;
}

/* ------------------------------------------------------ address compile */

/* A trie node while compiling; key is a reference into a key array. */
struct cw_tnode {
	u32 child[2];
	u32 list;
	u32 kref;
	u32 pos;
};

struct cw_tbuild {
	struct cw_tnode *tn;
	u32 nr_tn;
	u8 *keys;		/* klen bytes per distinct or slot prefix */
	u32 klen;
};

static u32 cw_tnew(struct cw_tbuild *t, u32 pos, u32 list, u32 kref)
{
	struct cw_tnode *n = &t->tn[++t->nr_tn];

	n->pos = pos;
	n->list = list;
	n->kref = kref;
	return t->nr_tn;
}

static inline const u8 *cw_tkey(const struct cw_tbuild *t, u32 kref)
{
	return t->keys + (u64)kref * t->klen;
}

/* Inserts a prefix below *p (a root slot). */
static void cw_tinsert(struct cw_tbuild *t, struct cw_fin *fin, u32 *p,
		       u32 kref, u32 len, u32 list)
{
	const u8 *k = cw_tkey(t, kref);
	struct cw_tnode *n;
	u32 c, nn, leaf, br;

	while (*p) {
		n = &t->tn[*p];
		c = cw_min(cw_cpl(k, cw_tkey(t, n->kref), t->klen),
			   cw_min(len, n->pos));
		if (c == n->pos && c == len) {
			n->list = cw_union(fin, n->list, list);
			return;
		}
		if (c == n->pos) {
			p = &n->child[cw_bit(k, n->pos)];
			continue;
		}
		if (c == len) {
			nn = cw_tnew(t, len, list, kref);
			t->tn[nn].child[cw_bit(cw_tkey(t, n->kref), len)] = *p;
			*p = nn;
			return;
		}
		leaf = cw_tnew(t, len, list, kref);
		br = cw_tnew(t, c, 0, kref);
		t->tn[br].child[cw_bit(k, c)] = leaf;
		t->tn[br].child[cw_bit(cw_tkey(t, n->kref), c)] = *p;
		*p = br;
		return;
	}
	*p = cw_tnew(t, len, list, kref);
}

static inline int cw_pfx_cmp(const void *a, const void *b)
{
	const struct cw_bpfx *x = a, *y = b;
	u32 i, u, v;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	for (i = 0; i < 4; i++) {
		u = cw_word(x->key, i);
		v = cw_word(y->key, i);
		if (u != v)
			return u < v ? -1 : 1;
	}
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return 0;
}

/*
 * Sorts the builder's prefixes by family, key, length: a bottom-up merge
 * sort, several times faster than the heapsort on a million entries (the
 * commit time of a big ruleset), or the heapsort when there is no memory
 * for the scratch copy.
 */
static void cw_pfx_sort(struct cw_bpfx *a, u32 n)
{
	struct cw_bpfx *tmp, *src, *dst, *t;
	u32 w, lo, mid, hi, i, j, k, blocks = 0;

	if (n < 2)
		return;
	tmp = cw_alloc((u64)n * sizeof(*tmp));
	if (!tmp) {
		cw_hsort(a, n, sizeof(*a), cw_pfx_cmp);
		return;
	}
	src = a;
	dst = tmp;
	for (w = 1; w < n; w *= 2) {
		for (lo = 0; lo < n; lo = hi) {
			mid = cw_min(lo + w, n);
			hi = cw_min(lo + 2 * w, n);
			i = lo;
			j = mid;
			k = lo;
			while (i < mid && j < hi)
				dst[k++] = cw_pfx_cmp(&src[j], &src[i]) < 0 ?
					   src[j++] : src[i++];
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
			/* every 4096 small blocks, or every big one */
			cw_yield(w < 4096 ? ++blocks : 0);
		}
		t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, (u64)n * sizeof(*a));
	kvfree(tmp);
}

/* Smallest s with 1 << s >= n. */
static u32 cw_clog2(u32 n)
{
	return n > 1 ? 32 - __builtin_clz(n - 1) : 0;
}

/*
 * Words of an IPv6 node in n6: children and info, then for a prefix node
 * its key, 8 bytes up to /64, 16 beyond.
 */
static inline u32 cw_n6_words(const struct cw_tnode *tn)
{
	return 3 + (!tn->list ? 0 : tn->pos <= 64 ? 2 : 4);
}

/* Words of a prefix in a run: list and length, then its key. */
static inline u32 cw_run_words(u32 klen, u32 len)
{
	return 1 + (klen == 4 ? 1 : len <= 64 ? 2 : 4);
}

/*
 * A family's prefixes while compiling: distinct, sorted, and what the root
 * makes of them. cnt[j] is how many prefixes longer than c + s fall in
 * slot j, at most CW_RUN + 1 (more go into a trie).
 */
struct cw_fbuild {
	struct cw_tbuild t;
	u8 *dlen;
	u32 *dlist;
	u32 nd;
	u32 c, s;
	u32 *slist;		/* each slot's list */
	u32 *troot;		/* top node of each trie slot's trie */
	u8 *cnt;
};

/*
 * The slots of one to CW_RUN longer prefixes: one prefix that fits goes
 * inline into root, the others into runs. With root NULL, only returns
 * the words the runs need.
 */
static u32 cw_fam_runs(const struct cw_fbuild *fb, u64 *root, u32 *runs,
		       u32 lb)
{
	u32 klen = fb->t.klen, cs = fb->c + fb->s, kb = 64 - 9 - 2 * lb;
	u32 i, j, len, w = 0, prev = 0;
	const u8 *k;
	u64 rest;

	for (i = 0; i < fb->nd; i++) {
		cw_yield(i);
		len = fb->dlen[i];
		if (len <= cs)
			continue;
		k = cw_tkey(&fb->t, i);
		j = cw_slot(k, klen, fb->c, fb->s);
		if (fb->cnt[j] > CW_RUN)
			continue;
		if (fb->cnt[j] == 1 && len - cs <= kb) {
			if (!root)
				continue;
			rest = cw_from(cw_hi(k, klen), cw_lo(k, klen), cs);
			root[j] = (u64)fb->slist[j] << 2 | CW_SLOT_PFX |
				  (u64)fb->dlist[i] << (2 + lb) |
				  (u64)(len - cs) << (2 + 2 * lb) |
				  (rest & ~(~0ULL >> kb));
			continue;
		}
		if (root && (!w || j != prev))
			root[j] = (u64)fb->slist[j] << 2 | CW_SLOT_RUN |
				  (u64)(fb->cnt[j] - 1) << (2 + lb) |
				  (u64)w << 32;
		prev = j;
		if (root) {
			runs[w] = fb->dlist[i] << 8 | len;
			runs[w + 1] = cw_word(k, 0);
			if (klen == 16)
				runs[w + 2] = cw_word(k, 1);
			if (klen == 16 && len > 64) {
				runs[w + 3] = cw_word(k, 2);
				runs[w + 4] = cw_word(k, 3);
			}
		}
		w += cw_run_words(klen, len);
	}
	return w;
}

/*
 * Writes the compiled family into fam: the slots (see CW_SLOT_*), the runs
 * and the trie nodes. Nodes keep their order: a slot's nodes were made one
 * after the other, so that they share cache lines. IPv4 nodes carry their
 * key. An IPv6 node is numbered by its offset in n6, in 4-byte words: a
 * prefix node is followed by its key (8 bytes up to /64, 16 beyond), a
 * branch node has none.
 */
static int cw_fam_emit(struct cw_fam *fam, struct cw_fbuild *fb,
		       u32 nr_items)
{
	struct cw_tbuild *t = &fb->t;
	u32 nslots = 1U << fb->s, lb, nw, i, j, w;
	u32 *off = NULL;
	u64 *root;
	int err = -ENOMEM;

	root = cw_alloc((u64)nslots * sizeof(*root));
	if (!root)
		goto out;
	/* list indexes are below nr_items: every list of this family is in */
	lb = cw_clog2(nr_items) ? cw_clog2(nr_items) : 1;
	nw = cw_fam_runs(fb, NULL, NULL, lb);
	if (nw) {
		fam->runs = cw_alloc((u64)nw * sizeof(*fam->runs));
		if (!fam->runs)
			goto out;
		fam->nr_runs = nw;
	}
	cw_fam_runs(fb, root, fam->runs, lb);

	if (fam->abits == 32 && t->nr_tn) {
		fam->n4 = cw_alloc(((u64)t->nr_tn + 1) * sizeof(*fam->n4));
		if (!fam->n4)
			goto out;
	} else if (t->nr_tn) {
		/* IPv6: node i is at off[i] in n6 (0 unused) */
		off = cw_alloc(((u64)t->nr_tn + 1) * sizeof(*off));
		if (!off)
			goto out;
		for (i = 1, w = 1; i <= t->nr_tn; i++) {
			off[i] = w;
			w += cw_n6_words(&t->tn[i]);
		}
		fam->n6 = cw_alloc((u64)w * sizeof(*fam->n6));
		if (!fam->n6)
			goto out;
		fam->nr_n6 = w;
	}
	for (i = 1; i <= t->nr_tn; i++) {
		const struct cw_tnode *sn = &t->tn[i];
		const u8 *k = cw_tkey(t, sn->kref);
		u32 c0 = sn->child[0], c1 = sn->child[1];
		u32 info = sn->list << 8 | sn->pos;

		cw_yield(i);
		if (fam->abits == 32) {
			fam->n4[i].n.child[0] = c0;
			fam->n4[i].n.child[1] = c1;
			fam->n4[i].n.info = info;
			fam->n4[i].key = cw_word(k, 0);
			continue;
		}
		w = off[i];
		fam->n6[w] = c0 ? off[c0] : 0;
		fam->n6[w + 1] = c1 ? off[c1] : 0;
		fam->n6[w + 2] = info;
		memcpy(&fam->n6[w + 3], k, 4 * (cw_n6_words(sn) - 3));
	}
	fam->nr_nodes = t->nr_tn;
	fam->lbits = lb;
	/* the widest node index: nr_tn, or the last offset in n6 */
	fam->nbits = cw_clog2(fam->abits == 32 ? t->nr_tn + 1 : fam->nr_n6);
	for (j = 0; j < nslots; j++) {
		cw_yield(j);
		if (!fb->cnt[j])
			root[j] = (u64)fb->slist[j] << 2 | CW_SLOT_LIST;
		else if (fb->cnt[j] > CW_RUN)
			root[j] = (u64)fb->slist[j] << 2 | CW_SLOT_TRIE |
				  (u64)(off ? off[fb->troot[j]] :
					fb->troot[j]) << (2 + lb);
	}
	fam->root = root;
	root = NULL;
	err = 0;
out:
	kvfree(off);
	kvfree(root);
	return err;
}

/*
 * Estimated bytes of the address structure with a root of 1 << s slots
 * after c shared bits (keys sorted, so a slot's prefixes are adjacent):
 * the root; a slot with one longer prefix holds it inline (when it is at
 * most 39 bits longer than c + s, roughly), one with up to CW_RUN a run of
 * them, one with more a node (plus a key for IPv6) per prefix and per
 * branch.
 */
static u64 cw_fam_estimate(const struct cw_fbuild *fb, u32 s)
{
	const struct cw_tbuild *t = &fb->t;
	u32 i, j, k, slot, cs = fb->c + s, node = t->klen == 4 ? 16 : 12;
	u32 len = 0;
	u64 m = (u64)8 << s, leaf, run;

	for (i = 0; i < fb->nd; i = j) {
		slot = cw_slot(cw_tkey(t, i), t->klen, fb->c, s);
		leaf = 0;
		run = 0;
		for (j = i, k = 0; j < fb->nd &&
		     cw_slot(cw_tkey(t, j), t->klen, fb->c, s) == slot; j++) {
			if (fb->dlen[j] <= cs)
				continue;
			k++;
			len = fb->dlen[j];
			leaf += node + (t->klen == 4 ? 0 :
					fb->dlen[j] <= 64 ? 8 : 16);
			run += 4 * cw_run_words(t->klen, fb->dlen[j]);
		}
		if (k > CW_RUN)
			m += leaf + (u64)(k - 1) * node;
		else if (k > 1 || (k && len > cs + 39))
			m += run;
	}
	return m;
}

/*
 * Root table size, 1 << s slots with s around log2 of the number of
 * distinct prefixes (one less, the same rounded up, or one more), at most
 * CW_ROOT_BITS and no more than the bits left after c: the biggest whose
 * estimate stays within CW_ROOT_BUDGET bytes per prefix (more slots: fewer
 * lookups that go past the root), else the smallest estimate.
 */
static u32 cw_sbits(const struct cw_fbuild *fb)
{
	u32 smax = cw_min(CW_ROOT_BITS, fb->t.klen * 8 - fb->c);
	u32 s0 = cw_min(cw_clog2(fb->nd), smax), s, best = s0;
	u64 m, min = ~0ULL;

	for (s = s0 ? s0 - 1 : 0; s <= cw_min(s0 + 1, smax); s++) {
		m = cw_fam_estimate(fb, s);
		if (m <= (u64)fb->nd * CW_ROOT_BUDGET)
			min = 0, best = s;
		else if (m < min)
			min = m, best = s;
	}
	return best;
}

/*
 * Compiles the prefixes pfx[0..n) (one family, sorted) into fam. Returns 0
 * or -ENOMEM.
 */
static int cw_fam_build(struct cw_fam *fam, struct cw_fin *fin,
			const struct cw_bpfx *pfx, u32 n, u32 klen)
{
	struct cw_fbuild fb = { .t.klen = klen };
	struct cw_tbuild *t = &fb.t;
	u32 nd = 0, i, j, cs, nslots, last_in, last_out, ntrie, minlen = 128;
	const u8 *k;
	int err = -ENOMEM;

	fam->abits = klen * 8;
	if (!n)
		return 0;

	/* distinct prefixes and their lists */
	for (i = 0; i < n; i++)
		if (!i || cw_pfx_cmp(&pfx[i - 1], &pfx[i]))
			nd++;
	t->keys = cw_alloc((u64)nd * klen);
	fb.dlen = cw_alloc(nd);
	fb.dlist = cw_alloc((u64)nd * sizeof(*fb.dlist));
	if (!t->keys || !fb.dlen || !fb.dlist)
		goto out;
	for (i = 0, nd = 0; i < n; i = j) {
		u32 m = 0;

		for (j = i; j < n && !cw_pfx_cmp(&pfx[i], &pfx[j]); j++)
			;
		cw_yield(nd);
		if (!cw_fin_room((void **)&fin->tmp, &fin->cap_tmp,
				 (u64)(j - i) + 1, sizeof(*fin->tmp)))
			goto out;
		for (; i < j; i++, m++) {
			memset(&fin->tmp[m], 0, sizeof(fin->tmp[m]));
			fin->tmp[m].mask = BIT_ULL(pfx[i].purpose);
			fin->tmp[m].proto = pfx[i].proto;
			fin->tmp[m].port_min = pfx[i].port_min;
			fin->tmp[m].port_max = pfx[i].port_max;
		}
		memcpy(t->keys + (u64)nd * klen, pfx[j - 1].key, klen);
		fb.dlen[nd] = pfx[j - 1].len;
		minlen = cw_min(minlen, fb.dlen[nd]);
		fb.dlist[nd] = cw_intern(fin, m);
		if (!fb.dlist[nd])
			goto out;
		nd++;
	}
	fb.nd = nd;
	/* sorted keys: what the first and last share, all share */
	fb.c = cw_min(cw_min(minlen, CW_SKIP_MAX),
		      cw_cpl(t->keys, cw_tkey(t, nd - 1), klen));
	fb.s = cw_sbits(&fb);
	cs = fb.c + fb.s;
	nslots = 1U << fb.s;

	/* prefixes of c + s bits or fewer: merged into the slots they cover */
	fb.slist = cw_alloc((u64)nslots * sizeof(*fb.slist));
	fb.troot = cw_alloc((u64)nslots * sizeof(*fb.troot));
	fb.cnt = cw_alloc(nslots);
	if (!fb.slist || !fb.troot || !fb.cnt)
		goto out;
	last_in = 0;
	last_out = 0;
	for (i = 0; i < nd; i++) {
		u32 first, cnt;

		cw_yield(i);
		if (fb.dlen[i] > cs)
			continue;
		first = cw_slot(cw_tkey(t, i), klen, fb.c, fb.s);
		cnt = 1U << (cs - fb.dlen[i]);
		for (j = first; j < first + cnt; j++) {
			cw_yield(j - first + 1);
			/* runs of slots share a list: reuse the last union */
			if (fb.slist[j] != last_in || !last_out) {
				last_in = fb.slist[j];
				last_out = cw_union(fin, fb.slist[j],
						    fb.dlist[i]);
				if (fin->nomem)
					goto out;
			}
			fb.slist[j] = last_out;
		}
		last_in = 0;
		last_out = 0;
	}
	/* longer ones: counted per slot; a trie for a slot with many */
	for (i = 0; i < nd; i++)
		if (fb.dlen[i] > cs) {
			j = cw_slot(cw_tkey(t, i), klen, fb.c, fb.s);
			fb.cnt[j] += fb.cnt[j] <= CW_RUN;
		}
	for (i = 0, ntrie = 0; i < nd; i++)
		ntrie += fb.dlen[i] > cs &&
			 fb.cnt[cw_slot(cw_tkey(t, i), klen, fb.c, fb.s)] >
			 CW_RUN;
	/* a leaf and at most one branch node per prefix */
	t->tn = cw_alloc(((u64)2 * ntrie + 1) * sizeof(*t->tn));
	if (!t->tn)
		goto out;
	for (i = 0; i < nd; i++) {
		cw_yield(i);
		k = cw_tkey(t, i);
		j = cw_slot(k, klen, fb.c, fb.s);
		if (fb.dlen[i] <= cs || fb.cnt[j] <= CW_RUN)
			continue;
		cw_tinsert(t, fin, &fb.troot[j], i, fb.dlen[i], fb.dlist[i]);
		if (fin->nomem)
			goto out;
	}
	fam->cbits = fb.c;
	fam->sbits = fb.s;
	fam->cmask = fb.c ? ~0ULL << (64 - fb.c) : 0;
	fam->ckey = cw_hi(t->keys, klen) & fam->cmask;
	if (cw_fam_emit(fam, &fb, fin->nr_items))
		goto out;
	err = 0;
out:
	kvfree(fb.cnt);
	kvfree(fb.troot);
	kvfree(fb.slist);
	kvfree(t->tn);
	kvfree(t->keys);
	kvfree(fb.dlist);
	kvfree(fb.dlen);
	return err;
}

static u64 cw_fam_memory(const struct cw_fam *fam)
{
	u64 m;

	if (!fam->root)
		return 0;
	m = (u64)sizeof(*fam->root) << fam->sbits;
	m += (u64)fam->nr_runs * sizeof(*fam->runs);
	if (fam->n4)
		return m + ((u64)fam->nr_nodes + 1) * sizeof(*fam->n4);
	return m + (u64)fam->nr_n6 * sizeof(*fam->n6);
}

/* ------------------------------------------------------- uid and domains */

static int cw_uid_cmp(const void *a, const void *b)
{
	const struct cw_buid *x = a, *y = b;

	if (x->uid != y->uid)
		return x->uid < y->uid ? -1 : 1;
	return 0;
}

static int cw_uids_build(struct cw_ruleset *rs, struct cw_builder *b)
{
	u32 i, n = 0;

	if (!b->nr_uid)
		return 0;
	cw_hsort(b->uid, b->nr_uid, sizeof(*b->uid), cw_uid_cmp);
	for (i = 0; i < b->nr_uid; i++)
		if (!i || b->uid[i].uid != b->uid[i - 1].uid)
			n++;
	rs->uids = cw_alloc((u64)n * sizeof(*rs->uids));
	rs->uid_masks = cw_alloc((u64)n * sizeof(*rs->uid_masks));
	if (!rs->uids || !rs->uid_masks)
		return -ENOMEM;
	for (i = 0, n = 0; i < b->nr_uid; i++) {
		if (!i || b->uid[i].uid != b->uid[i - 1].uid)
			rs->uids[n++] = b->uid[i].uid;
		rs->uid_masks[n - 1] |= BIT_ULL(b->uid[i].purpose);
	}
	rs->nr_uids = n;
	rs->memory += (u64)n * (sizeof(*rs->uids) + sizeof(*rs->uid_masks));
	return 0;
}

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

static int cw_doms_build(struct cw_ruleset *rs, struct cw_builder *b)
{
	u32 i, j, size = 4, h, poff = 0;

	if (!b->nr_dom)
		return 0;
	while (size < 2 * b->nr_dom)
		size *= 2;
	rs->dtab = cw_alloc((u64)size * sizeof(*rs->dtab));
	rs->doms = cw_alloc((u64)b->nr_dom * sizeof(*rs->doms));
	rs->dpool = cw_alloc(b->nr_pool);
	if (!rs->dtab || !rs->doms || !rs->dpool)
		return -ENOMEM;
	rs->dtab_mask = size - 1;
	for (i = 0; i < b->nr_dom; i++) {
		const char *s = b->pool + b->dom[i].off;
		u32 len = b->dom[i].len;
		struct cw_dom *d;

		cw_yield(i);
		h = cw_dom_hash(s, len);
		for (j = cw_dom_slot(h) & rs->dtab_mask; rs->dtab[j];
		     j = (j + 1) & rs->dtab_mask) {
			d = &rs->doms[rs->dtab[j] - 1];
			if (cw_dom_eq(rs, d, h, s, len))
				break;
		}
		if (!rs->dtab[j]) {
			d = &rs->doms[rs->nr_doms];
			d->hash = h;
			d->len = len;
			d->off = poff;
			memcpy(rs->dpool + poff, s, len);
			poff += len;
			rs->dtab[j] = ++rs->nr_doms;
		}
		rs->doms[rs->dtab[j] - 1].mask |= BIT_ULL(b->dom[i].purpose);
	}
	rs->memory += (u64)size * sizeof(*rs->dtab) +
		      (u64)b->nr_dom * sizeof(*rs->doms) + b->nr_pool;
	return 0;
}

/* ----------------------------------------------------------------- freeze */

struct cw_ruleset *cw_builder_finish(struct cw_builder *b)
{
	struct cw_fin fin = { 0 };
	struct cw_ruleset *rs;
	u32 n4;

	if (!b)
		return NULL;
	rs = cw_alloc(sizeof(*rs));
	if (!rs)
		goto fail;
	rs->memory = sizeof(*rs);
	rs->nr_entries = b->nr_entries;
	rs->nr_purposes = b->nr_purposes;
	if (b->nr_purposes) {
		rs->purposes = cw_alloc((u64)b->nr_purposes *
					sizeof(*rs->purposes));
		if (!rs->purposes)
			goto fail;
		memcpy(rs->purposes, b->purposes,
		       b->nr_purposes * sizeof(*rs->purposes));
		rs->memory += (u64)b->nr_purposes * sizeof(*rs->purposes);
	}

	/* item 0 is a placeholder so that list index 0 means "none" */
	if (!cw_fin_room((void **)&fin.items, &fin.cap_items, 1,
			 sizeof(*fin.items)))
		goto fail;
	fin.nr_items = 1;
	cw_pfx_sort(b->pfx, b->nr_pfx);
	for (n4 = 0; n4 < b->nr_pfx && b->pfx[n4].family == AF_INET; n4++)
		;
	/* AF_INET (2) sorts before AF_INET6 (10) */
	if (cw_fam_build(&rs->fam[0], &fin, b->pfx, n4, 4) ||
	    cw_fam_build(&rs->fam[1], &fin, b->pfx ? b->pfx + n4 : NULL,
			 b->nr_pfx - n4, 16))
		goto fail;
	rs->memory += cw_fam_memory(&rs->fam[0]) + cw_fam_memory(&rs->fam[1]);
	if (fin.nr_items > 1) {
		rs->items = cw_alloc((u64)fin.nr_items * sizeof(*rs->items));
		if (!rs->items)
			goto fail;
		memcpy(rs->items, fin.items,
		       (u64)fin.nr_items * sizeof(*rs->items));
		rs->nr_items = fin.nr_items;
		rs->memory += (u64)fin.nr_items * sizeof(*rs->items);
	}
	if (cw_uids_build(rs, b) || cw_doms_build(rs, b))
		goto fail;
	if (b->lim.max_memory && rs->memory > b->lim.max_memory)
		goto fail;
	kvfree(fin.items);
	kvfree(fin.itab);
	kvfree(fin.tmp);
	cw_builder_free(b);
	return rs;
fail:
	kvfree(fin.items);
	kvfree(fin.itab);
	kvfree(fin.tmp);
	cw_ruleset_free(rs);
	cw_builder_free(b);
	return NULL;
}

void cw_ruleset_free(struct cw_ruleset *rs)
{
	u32 i;

	if (!rs)
		return;
	for (i = 0; i < ARRAY_SIZE(rs->fam); i++) {
		kvfree(rs->fam[i].root);
		kvfree(rs->fam[i].n4);
		kvfree(rs->fam[i].n6);
		kvfree(rs->fam[i].runs);
	}
	kvfree(rs->items);
	kvfree(rs->uids);
	kvfree(rs->uid_masks);
	kvfree(rs->dtab);
	kvfree(rs->doms);
	kvfree(rs->dpool);
	kvfree(rs->purposes);
	kvfree(rs);
}

/* ------------------------------------------------------------------ match */

static inline u64 cw_list_match(const struct cw_item *it,
				const struct cw_flow *f)
{
	u64 r = 0;

	for (;; it++) {
		if ((!it->proto || it->proto == f->proto) &&
		    f->dport >= it->port_min && f->dport <= it->port_max)
			r |= it->mask;
		if (it->last)
			return r;
	}
}

/*
 * The walk, the same for both families: follow the address bits down from
 * the root slot, remembering the prefix nodes passed. Then one compare with
 * the key of the last of them tells which of those cover the address (see
 * the top of this file). The first CW_STACK are remembered; a deeper chain
 * of nested prefixes walks the same path a second time.
 */
struct cw_walk {
	u32 stack[CW_STACK];	/* info of the prefix nodes passed */
	u32 top;
	u32 last;		/* the last prefix node passed, 0 = none */
};

static inline const struct cw_node6 *cw_nd(const void *base, u32 stride,
					   u32 n)
{
	return (const struct cw_node6 *)((const u8 *)base + (size_t)n * stride);
}

static inline void cw_walk(const void *base, u32 stride, u32 abits,
			   const u8 *a, u32 n, struct cw_walk *w)
{
	const struct cw_node6 *nd;
	u32 info, pos;

	w->top = 0;
	w->last = 0;
	while (n) {
		nd = cw_nd(base, stride, n);
		info = nd->info;
		pos = info & 0xff;
		if (info >> 8) {
			w->last = n;
			if (w->top < CW_STACK)
				w->stack[w->top] = info;
			w->top++;
		}
		if (pos >= abits)
			break;
		n = nd->child[cw_bit(a, pos)];
	}
}

/* Union of the lists of the prefix nodes passed that are at most m long. */
static inline u64 cw_walk_lists(const struct cw_ruleset *rs,
				const void *base, u32 stride, u32 abits,
				u32 n, u32 m, const struct cw_walk *w,
				const struct cw_flow *f)
{
	const struct cw_node6 *nd;
	u32 i, info, pos;
	u64 r = 0;

	if (likely(w->top <= CW_STACK)) {
		for (i = 0; i < w->top && (w->stack[i] & 0xff) <= m; i++)
			r |= cw_list_match(&rs->items[w->stack[i] >> 8], f);
		return r;
	}
	while (n) {
		nd = cw_nd(base, stride, n);
		info = nd->info;
		pos = info & 0xff;
		if (pos > m)
			break;
		if (info >> 8)
			r |= cw_list_match(&rs->items[info >> 8], f);
		if (pos >= abits)
			break;
		n = nd->child[cw_bit(f->daddr, pos)];
	}
	return r;
}

/* The purposes of the prefixes in a run that cover the address hi:lo. */
static __always_inline u64 cw_run_match(const struct cw_ruleset *rs,
					const u32 *p, u32 n, u32 klen,
					u64 hi, u64 lo,
					const struct cw_flow *f)
{
	u32 info, len;
	u64 r = 0, x;

	for (; n; n--, p += cw_run_words(klen, len)) {
		info = p[0];
		len = info & 0xff;	/* 1..128: longer than c + s */
		x = hi ^ ((u64)p[1] << 32 | (klen == 16 ? p[2] : 0));
		if (len <= 64 ? !(x >> (64 - len)) :
		    !x && !((lo ^ ((u64)p[3] << 32 | p[4])) >> (128 - len)))
			r |= cw_list_match(&rs->items[info >> 8], f);
	}
	return r;
}

/*
 * The root for the address hi:lo (see cw_hi()) of klen bytes, a constant
 * for each family: returns the node to walk
 * from (0 = none) and sets *r to the purposes the slot itself decides (its
 * list, its inline prefix or its run). See CW_SLOT_*.
 */
static __always_inline u32 cw_root(const struct cw_ruleset *rs,
				   const struct cw_fam *t, u32 klen, u64 hi,
				   u64 lo, const struct cw_flow *f, u64 *r)
{
	u32 lb = t->lbits, lmask = (1U << lb) - 1, s = t->sbits, l;
	u64 e, x;

	*r = 0;
	if ((hi ^ t->ckey) & t->cmask)
		return 0;
	e = t->root[s ? cw_from(hi, lo, t->cbits) >> (64 - s) : 0];
	l = (e >> 2) & lmask;
	if (l)
		*r = cw_list_match(&rs->items[l], f);
	switch (e & 3) {
	case CW_SLOT_PFX:
		/* covered: the first (length - c - s) bits agree */
		x = cw_from(hi, lo, t->cbits + s) ^ e;
		if (!(x >> (64 - ((e >> (2 + 2 * lb)) & 0x7f))))
			*r |= cw_list_match(&rs->items[(e >> (2 + lb)) &
							lmask], f);
		return 0;
	case CW_SLOT_RUN:
		*r |= cw_run_match(rs, &t->runs[e >> 32],
				   ((e >> (2 + lb)) & 7) + 1, klen, hi, lo, f);
		return 0;
	case CW_SLOT_TRIE:
		return (e >> (2 + lb)) & ((1ULL << t->nbits) - 1);
	}
	return 0;
}

/*
 * The walk below a trie slot from node n, out of line: most lookups end at
 * the root slot, and need neither its stack frame nor its stack array.
 */
static noinline u64 cw_trie4(const struct cw_ruleset *rs,
			     const struct cw_fam *t, const struct cw_flow *f,
			     u32 n)
{
	u32 addr = cw_word(f->daddr, 0), m, x;
	struct cw_walk w;

	cw_walk(t->n4, sizeof(*t->n4), 32, f->daddr, n, &w);
	if (!w.last)
		return 0;
	x = addr ^ t->n4[w.last].key;
	m = x ? __builtin_clz(x) : 32;
	return cw_walk_lists(rs, t->n4, sizeof(*t->n4), 32, n, m, &w, f);
}

static noinline u64 cw_trie6(const struct cw_ruleset *rs,
			     const struct cw_fam *t, const struct cw_flow *f,
			     u32 n)
{
	struct cw_walk w;
	u32 m;

	cw_walk(t->n6, sizeof(*t->n6), 128, f->daddr, n, &w);
	if (!w.last)
		return 0;
	/* the key follows the node: 8 bytes up to /64, else 16 */
	m = cw_cpl(f->daddr, (const u8 *)&t->n6[w.last + 3],
		   (t->n6[w.last + 2] & 0xff) <= 64 ? 8 : 16);
	return cw_walk_lists(rs, t->n6, sizeof(*t->n6), 128, n, m, &w, f);
}

static __always_inline u64 cw_match4(const struct cw_ruleset *rs,
				     const struct cw_fam *t,
				     const struct cw_flow *f)
{
	u32 n;
	u64 r;

	n = cw_root(rs, t, 4, (u64)cw_word(f->daddr, 0) << 32, 0, f, &r);
	return n ? r | cw_trie4(rs, t, f, n) : r;
}

static __always_inline u64 cw_match6(const struct cw_ruleset *rs,
				     const struct cw_fam *t,
				     const struct cw_flow *f)
{
	u32 n;
	u64 r;

	n = cw_root(rs, t, 16, cw_hi(f->daddr, 16), cw_lo(f->daddr, 16), f,
		    &r);
	return n ? r | cw_trie6(rs, t, f, n) : r;
}

static u64 cw_uid_match(const struct cw_ruleset *rs, u32 uid)
{
	u32 lo = 0, hi = rs->nr_uids, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (rs->uids[mid] == uid)
			return rs->uid_masks[mid];
		if (rs->uids[mid] < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static u64 cw_dom_probe(const struct cw_ruleset *rs, u32 h, const char *s,
			u32 len)
{
	u32 j, d;

	for (j = cw_dom_slot(h) & rs->dtab_mask; (d = rs->dtab[j]);
	     j = (j + 1) & rs->dtab_mask)
		if (cw_dom_eq(rs, &rs->doms[d - 1], h, s, len))
			return rs->doms[d - 1].mask;
	return 0;
}

/*
 * Hashes the name from its last byte to its first, so that at every label
 * boundary the running hash is that of the suffix starting there: one
 * probe per label, whatever the number of domains.
 */
static u64 cw_dom_match(const struct cw_ruleset *rs, const char *name,
			u32 len)
{
	u32 h = CW_FNV_SEED, i;
	u64 r = 0;

	if (len && name[len - 1] == '.')
		len--;
	for (i = len; i-- > 0;) {
		h = (h ^ cw_lower(name[i])) * CW_FNV_PRIME;
		if (!i || name[i - 1] == '.')
			r |= cw_dom_probe(rs, h, name + i, len - i);
	}
	return r;
}

u64 cw_ruleset_match(const struct cw_ruleset *rs, const struct cw_flow *f)
{
	u64 r = 0;

	if (unlikely(!rs))
		return 0;
	if (f->family == AF_INET && rs->fam[0].root && f->daddr)
		r = cw_match4(rs, &rs->fam[0], f);
	else if (f->family == AF_INET6 && rs->fam[1].root && f->daddr)
		r = cw_match6(rs, &rs->fam[1], f);
	if (f->has_uid && rs->nr_uids)
		r |= cw_uid_match(rs, f->uid);
	if (f->name && f->name_len && rs->nr_doms)
		r |= cw_dom_match(rs, f->name, f->name_len);
	return r;
}

u32 cw_ruleset_nr_purposes(const struct cw_ruleset *rs)
{
	return rs ? rs->nr_purposes : 0;
}

const struct cw_purpose *cw_ruleset_purpose(const struct cw_ruleset *rs,
					    u32 idx)
{
	if (!rs || idx >= rs->nr_purposes)
		return NULL;
	return &rs->purposes[idx];
}

int cw_ruleset_find(const struct cw_ruleset *rs, const char *name)
{
	u32 i;

	if (!rs || !name)
		return -ENOENT;
	for (i = 0; i < rs->nr_purposes; i++)
		if (!strncmp(rs->purposes[i].name, name, CW_PURPOSE_NAME_MAX))
			return i;
	return -ENOENT;
}

u32 cw_ruleset_nr_entries(const struct cw_ruleset *rs)
{
	return rs ? rs->nr_entries : 0;
}

bool cw_ruleset_has_domains(const struct cw_ruleset *rs)
{
	return rs && rs->nr_doms;
}

u64 cw_ruleset_memory(const struct cw_ruleset *rs)
{
	return rs ? rs->memory : 0;
}
