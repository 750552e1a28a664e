// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The naive reference ruleset and the shared random generators: see
 * ruleset_ref.h. Simple on purpose: whatever ruleset.c gets clever about,
 * this file does the obvious way, so a disagreement points at ruleset.c.
 */
#include "ruleset_ref.h"

struct cw_ref_pfx {
	u8 addr[16];
	u16 port_min;
	u16 port_max;
	u8 len;
	u8 proto;
	u8 family;
	u8 purpose;
};

struct cw_ref_uid {
	u32 uid;
	u32 purpose;
	bool appid;
};

struct cw_ref_dom {
	char name[CW_NAME_MAX + 1];	/* lower case, NUL-terminated */
	u32 len;
	u32 purpose;
};

struct cw_ref {
	struct cw_ref_pfx *pfx;
	u32 nr_pfx, cap_pfx;
	struct cw_ref_uid *uid;
	u32 nr_uid, cap_uid;
	struct cw_ref_dom *dom;
	u32 nr_dom, cap_dom;
};

struct cw_ref *cw_ref_new(void)
{
	return kvzalloc(sizeof(struct cw_ref), GFP_KERNEL);
}

void cw_ref_free(struct cw_ref *r)
{
	if (!r)
		return;
	kvfree(r->pfx);
	kvfree(r->uid);
	kvfree(r->dom);
	kvfree(r);
}

static int cw_ref_room(void **arr, u32 *cap, u32 nr, size_t size)
{
	u32 ncap;
	void *n;

	if (nr < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	n = kvzalloc(ncap * size, GFP_KERNEL);
	if (!n)
		return -ENOMEM;
	if (*arr)
		memcpy(n, *arr, *cap * size);
	kvfree(*arr);
	*arr = n;
	*cap = ncap;
	return 0;
}

int cw_ref_add_prefix(struct cw_ref *r, int purpose, u8 family,
		      const u8 *addr, u8 prefixlen, u8 proto,
		      u16 port_min, u16 port_max)
{
	struct cw_ref_pfx *p;

	if (cw_ref_room((void **)&r->pfx, &r->cap_pfx, r->nr_pfx,
			sizeof(*p)))
		return -ENOMEM;
	p = &r->pfx[r->nr_pfx++];
	memset(p, 0, sizeof(*p));
	memcpy(p->addr, addr, family == AF_INET ? 4 : 16);
	p->family = family;
	p->len = prefixlen;
	p->proto = proto;
	p->port_min = port_min;
	p->port_max = port_min && !port_max ? port_min : port_max;
	p->purpose = purpose;
	return 0;
}

int cw_ref_add_uid(struct cw_ref *r, int purpose, u32 uid, bool appid)
{
	if (cw_ref_room((void **)&r->uid, &r->cap_uid, r->nr_uid,
			sizeof(*r->uid)))
		return -ENOMEM;
	r->uid[r->nr_uid].uid = uid;
	r->uid[r->nr_uid].purpose = purpose;
	r->uid[r->nr_uid].appid = appid;
	r->nr_uid++;
	return 0;
}

static char cw_ref_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

int cw_ref_add_domain(struct cw_ref *r, int purpose, const char *name,
		      u32 len)
{
	struct cw_ref_dom *d;
	u32 i;

	if (len && name[len - 1] == '.')
		len--;
	if (len > CW_NAME_MAX)
		return -EINVAL;
	if (cw_ref_room((void **)&r->dom, &r->cap_dom, r->nr_dom, sizeof(*d)))
		return -ENOMEM;
	d = &r->dom[r->nr_dom++];
	for (i = 0; i < len; i++)
		d->name[i] = cw_ref_lower(name[i]);
	d->name[len] = 0;
	d->len = len;
	d->purpose = purpose;
	return 0;
}

static bool cw_ref_covers(const struct cw_ref_pfx *p, const u8 *a)
{
	u32 i;

	for (i = 0; i < p->len; i++) {
		u32 bit = 7 - (i % 8);

		if (((p->addr[i / 8] >> bit) & 1) != ((a[i / 8] >> bit) & 1))
			return false;
	}
	return true;
}

static bool cw_ref_name_eq(const char *a, const char *lower, u32 len)
{
	u32 i;

	for (i = 0; i < len; i++)
		if (cw_ref_lower(a[i]) != lower[i])
			return false;
	return true;
}

u64 cw_ref_match(const struct cw_ref *r, const struct cw_flow *f)
{
	u32 i, len = f->name_len;
	u64 m = 0;

	for (i = 0; f->daddr && i < r->nr_pfx; i++) {
		const struct cw_ref_pfx *p = &r->pfx[i];

		if (p->family != f->family || !cw_ref_covers(p, f->daddr))
			continue;
		if (p->proto && p->proto != f->proto)
			continue;
		if (p->port_min &&
		    (f->dport < p->port_min || f->dport > p->port_max))
			continue;
		m |= BIT_ULL(p->purpose);
	}
	for (i = 0; f->has_uid && i < r->nr_uid; i++) {
		/* an app ID: the same app in user 0, 1, 2... */
		u32 uid = r->uid[i].appid ? f->uid % CW_APPID_RANGE : f->uid;

		if (r->uid[i].uid == uid)
			m |= BIT_ULL(r->uid[i].purpose);
	}
	if (!f->name)
		len = 0;
	if (len && f->name[len - 1] == '.')
		len--;
	for (i = 0; len && i < r->nr_dom; i++) {
		const struct cw_ref_dom *d = &r->dom[i];

		/* the name itself, or ".domain" at its end */
		if (len == d->len && cw_ref_name_eq(f->name, d->name, len))
			m |= BIT_ULL(d->purpose);
		else if (len > d->len && f->name[len - d->len - 1] == '.' &&
			 cw_ref_name_eq(f->name + len - d->len, d->name,
					d->len))
			m |= BIT_ULL(d->purpose);
	}
	return m;
}

/* ------------------------------------------------------------ generators */

static const char * const cw_ref_labels[] = {
	"a", "b", "ab", "ba", "mi", "xiaomi", "x-y", "app", "chat", "_t",
};

static const char * const cw_ref_tlds[] = { "com", "net", "cn" };

/* Appends a random name of 1..3 labels plus a TLD to s; returns length. */
static u32 cw_ref_rand_name(u64 *seed, char *s)
{
	u32 n = 1 + cw_rand_below(seed, 3), len = 0, i;
	const char *l;

	for (i = 0; i < n; i++) {
		l = cw_ref_labels[cw_rand_below(seed,
						ARRAY_SIZE(cw_ref_labels))];
		memcpy(s + len, l, strlen(l));
		len += strlen(l);
		s[len++] = '.';
	}
	l = cw_ref_tlds[cw_rand_below(seed, ARRAY_SIZE(cw_ref_tlds))];
	memcpy(s + len, l, strlen(l));
	len += strlen(l);
	s[len] = 0;
	return len;
}

static void cw_ref_mask(u8 *a, u32 len, u32 abits)
{
	u32 i;

	for (i = len; i < abits; i++)
		a[i / 8] &= ~(0x80 >> (i % 8));
}

/* Mostly long prefixes, some of every length, many nested in others. */
static void cw_ref_rand_prefix(const struct cw_ref *r, u64 *seed, u8 family,
			       u8 *a, u8 *len)
{
	u32 abits = family == AF_INET ? 32 : 128, i, l;

	for (i = 0; i < 16; i++)
		a[i] = cw_rand(seed);
	if (r->nr_pfx && cw_rand_below(seed, 2)) {
		/* start from an existing prefix: nested or sibling */
		const struct cw_ref_pfx *p =
			&r->pfx[cw_rand_below(seed, r->nr_pfx)];

		if (p->family == family)
			memcpy(a, p->addr, p->len / 8);
	}
	if (!cw_rand_below(seed, 8))
		l = cw_rand_below(seed, abits + 1);
	else
		l = abits / 4 + cw_rand_below(seed, abits - abits / 4 + 1);
	cw_ref_mask(a, l, abits);
	*len = l;
}

int cw_ref_generate(struct cw_builder *b, struct cw_ref *r, u64 *seed,
		    const struct cw_ref_gen *g, const char **why)
{
	u32 np = g->nr_purposes, i;
	char pname[8];
	int err;

	if (!np || np > CW_PURPOSES_MAX)
		np = 1;
	for (i = 0; i < np; i++) {
		pname[0] = 'p';
		pname[1] = '0' + i / 10;
		pname[2] = '0' + i % 10;
		pname[3] = 0;
		err = cw_builder_purpose(b, pname, "generated", why);
		if (err < 0)
			return err;
	}
	for (i = 0; i < g->nr_prefixes; i++) {
		u8 family = cw_rand_below(seed, 100) < g->v6_percent ?
			    AF_INET6 : AF_INET;
		u32 pur = cw_rand_below(seed, np);
		u16 pmin = 0, pmax = 0;
		u8 a[16], len, proto = 0;

		cw_ref_rand_prefix(r, seed, family, a, &len);
		if (cw_rand_below(seed, 100) < g->port_percent) {
			proto = cw_rand_below(seed, 2) ? IPPROTO_TCP :
							 IPPROTO_UDP;
			if (cw_rand_below(seed, 4)) {
				pmin = 1 + cw_rand_below(seed, 1000);
				pmax = cw_rand_below(seed, 2) ? pmin :
				       pmin + cw_rand_below(seed, 100);
			}
		}
		err = cw_builder_add_prefix(b, pur, family, a, len, proto,
					    pmin, pmax, why);
		if (err)
			return err;
		if (cw_ref_add_prefix(r, pur, family, a, len, proto, pmin,
				      pmax))
			return -ENOMEM;
	}
	for (i = 0; i < g->nr_uids; i++) {
		u32 pur = cw_rand_below(seed, np);
		u32 uid = cw_rand_below(seed, 4 * g->nr_uids + 1);
		bool appid = !cw_rand_below(seed, 3);

		err = appid ? cw_builder_add_appid(b, pur, uid, why) :
			      cw_builder_add_uid(b, pur, uid, why);
		if (err)
			return err;
		if (cw_ref_add_uid(r, pur, uid, appid))
			return -ENOMEM;
	}
	for (i = 0; i < g->nr_domains; i++) {
		u32 pur = cw_rand_below(seed, np), len;
		char name[64];

		len = cw_ref_rand_name(seed, name);
		err = cw_builder_add_domain(b, pur, name, len, why);
		if (err)
			return err;
		if (cw_ref_add_domain(r, pur, name, len))
			return -ENOMEM;
	}
	return 0;
}

static const u8 cw_ref_protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP };

void cw_ref_random_flow(const struct cw_ref *r, u64 *seed,
			struct cw_flow *f, struct cw_ref_flowbuf *buf)
{
	u32 i, how = cw_rand_below(seed, 4), abits;
	const struct cw_ref_pfx *p = NULL;
	u32 len = 0;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < 16; i++)
		buf->addr[i] = cw_rand(seed);
	f->family = cw_rand_below(seed, 2) ? AF_INET6 : AF_INET;
	if (r->nr_pfx && how) {
		p = &r->pfx[cw_rand_below(seed, r->nr_pfx)];
		f->family = p->family;
	}
	abits = f->family == AF_INET ? 32 : 128;
	if (p) {
		/* inside p, random host bits */
		for (i = 0; i < p->len; i++) {
			u8 bit = 0x80 >> (i % 8);

			buf->addr[i / 8] &= ~bit;
			buf->addr[i / 8] |= p->addr[i / 8] & bit;
		}
		/* near miss: one bit of the prefix flipped, often the last */
		if (how == 2 && p->len) {
			i = cw_rand_below(seed, 2) ? p->len - 1U :
			    cw_rand_below(seed, p->len);
			buf->addr[i / 8] ^= 0x80 >> (i % 8);
		}
		/* the prefix's own first or last address */
		if (how == 3 && cw_rand_below(seed, 2))
			cw_ref_mask(buf->addr, p->len, abits);
	}
	f->daddr = buf->addr;
	f->proto = cw_ref_protos[cw_rand_below(seed,
					       ARRAY_SIZE(cw_ref_protos))];
	if (p && p->proto && cw_rand_below(seed, 4))
		f->proto = p->proto;
	if (f->proto != IPPROTO_ICMP) {
		f->dport = cw_rand_below(seed, 1200);
		if (p && p->port_min) {
			u32 pick = cw_rand_below(seed, 5);

			if (pick == 0)
				f->dport = p->port_min;
			else if (pick == 1)
				f->dport = p->port_max;
			else if (pick == 2)
				f->dport = p->port_min - 1;
			else if (pick == 3)
				f->dport = p->port_max + 1;
		}
	}
	if (cw_rand_below(seed, 2)) {
		f->has_uid = true;
		f->uid = r->nr_uid && cw_rand_below(seed, 2) ?
			 r->uid[cw_rand_below(seed, r->nr_uid)].uid :
			 cw_rand_below(seed, 1000);
		/* the same UID in another Android user, at times */
		if (cw_rand_below(seed, 2))
			f->uid += CW_APPID_RANGE * cw_rand_below(seed, 1000);
	}
	if (cw_rand_below(seed, 3)) {
		how = cw_rand_below(seed, 6);
		if (r->nr_dom && how < 4) {
			const struct cw_ref_dom *d =
				&r->dom[cw_rand_below(seed, r->nr_dom)];

			if (how == 1) {
				/* a subdomain */
				memcpy(buf->name, "sub.", 4);
				len = 4;
			} else if (how == 2) {
				/* a look-alike: same ending, no boundary */
				buf->name[0] = 'n';
				len = 1;
			}
			memcpy(buf->name + len, d->name, d->len);
			len += d->len;
			if (how == 3 && len > 2) {
				/* a parent or a truncation */
				memmove(buf->name, buf->name + 2, len - 2);
				len -= 2;
			}
		} else {
			len = cw_ref_rand_name(seed, buf->name);
		}
		/* what the packet path tolerates: case and a trailing dot */
		if (len && !cw_rand_below(seed, 4))
			buf->name[cw_rand_below(seed, len)] &= ~0x20;
		if (!cw_rand_below(seed, 4))
			buf->name[len++] = '.';
		buf->name[len] = 0;
		f->name = buf->name;
		f->name_len = len;
	}
}
