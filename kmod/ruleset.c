// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The ruleset's public API: the builder that takes entries as they come
 * (normalized, validated, bounded), cw_builder_finish() that runs the build
 * stages (see ruleset_build.h) and the read accessors. The layout and the
 * lookup are described in ruleset_match.c. Pure code (see pure.h).
 */
#include "ruleset_build.h"

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
		rs->purposes = cw_alloc(array_size(b->nr_purposes,
						   sizeof(*rs->purposes)));
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
		rs->items = cw_alloc(array_size(fin.nr_items,
						sizeof(*rs->items)));
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
