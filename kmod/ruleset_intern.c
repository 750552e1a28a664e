// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The match-list pool: every list of items (purpose mask, protocol, port
 * range) is normalized and interned, so that the many prefixes of one
 * purpose share one run of items. Pure code (see pure.h).
 */
#include "ruleset_build.h"

bool cw_fin_room(void **arr, u32 *cap, u64 need, u32 size)
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
	u32 *t = cw_alloc(array_size(nsize, sizeof(*t)));

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

u32 cw_intern(struct cw_fin *fin, u32 n)
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
	sort(t, m, sizeof(*t), cw_item_cmp, NULL);
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

u32 cw_union(struct cw_fin *fin, u32 a, u32 b)
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
