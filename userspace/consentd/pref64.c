// SPDX-License-Identifier: GPL-2.0 OR MIT
/* PREF64 (RFC 8781) from rtnetlink ND user options; see pref64.h. */
#include <errno.h>
#include <string.h>
#include <linux/rtnetlink.h>
#include <netinet/icmp6.h>
#include <sys/socket.h>

#include "pref64.h"

/* Prefix Length Code -> prefix length (RFC 8781 section 4); 0: invalid. */
static const uint8_t plc_len[8] = { 96, 64, 56, 48, 40, 32, 0, 0 };

static int pref64_option(const uint8_t *o, size_t olen, struct pref64 *p)
{
	uint16_t w;
	unsigned int i;

	if (olen != 16)
		return -EINVAL;
	w = (uint16_t)(o[2] << 8 | o[3]);
	p->len = plc_len[w & 7];
	if (!p->len)
		return -EINVAL;
	p->lifetime = (uint32_t)(w >> 3) * 8;
	memset(p->prefix, 0, sizeof(p->prefix));
	memcpy(p->prefix, o + 4, 12);
	/* Bits past the length are ignored: cleared, so prefixes compare. */
	for (i = p->len / 8; i < 16; i++)
		p->prefix[i] = 0;
	return 0;
}

int pref64_parse(const void *msg, size_t len, struct pref64 *out, size_t max)
{
	const struct nduseroptmsg *m = msg;
	const uint8_t *o, *end;
	size_t n = 0;

	if (len < sizeof(*m) || m->nduseropt_family != AF_INET6 ||
	    m->nduseropt_icmp_type != ND_ROUTER_ADVERT ||
	    m->nduseropt_opts_len > len - sizeof(*m))
		return -EINVAL;
	o = (const uint8_t *)(m + 1);
	end = o + m->nduseropt_opts_len;
	while (o < end) {
		size_t olen;

		if (end - o < 2 || !o[1] || (size_t)(end - o) < o[1] * 8u)
			return -EINVAL;
		olen = o[1] * 8u;
		if (o[0] == ND_OPT_PREF64_TYPE && n < max &&
		    !pref64_option(o, olen, &out[n])) {
			out[n].ifindex = m->nduseropt_ifindex;
			n++;
		}
		o += olen;
	}
	return (int)n;
}

static size_t find(const struct pref64_set *s, const struct pref64 *o)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].p.ifindex == o->ifindex &&
		    s->v[i].p.len == o->len &&
		    !memcmp(s->v[i].p.prefix, o->prefix, 16))
			break;
	return i;
}

static void drop(struct pref64_set *s, size_t i)
{
	s->v[i] = s->v[--s->n];
}

int pref64_apply(struct pref64_set *s, const struct pref64 *o,
		 uint64_t now_ms)
{
	size_t i = find(s, o);

	if (!o->lifetime) {
		if (i == s->n)
			return 0;
		drop(s, i);
		return 1;
	}
	if (i < s->n) {
		s->v[i].p.lifetime = o->lifetime;
		s->v[i].expires_ms = now_ms + o->lifetime * 1000ull;
		return 0;
	}
	if (s->n == CW_NAT64_MAX)
		return -ENOSPC;
	s->v[s->n].p = *o;
	s->v[s->n].expires_ms = now_ms + o->lifetime * 1000ull;
	s->n++;
	return 1;
}

int pref64_forget_if(struct pref64_set *s, int ifindex)
{
	size_t i = 0;
	int changed = 0;

	while (i < s->n) {
		if (s->v[i].p.ifindex == ifindex) {
			drop(s, i);
			changed = 1;
		} else {
			i++;
		}
	}
	return changed;
}

int pref64_expire(struct pref64_set *s, uint64_t now_ms, uint64_t *next_ms)
{
	size_t i = 0;
	int changed = 0;

	*next_ms = 0;
	while (i < s->n) {
		if (s->v[i].expires_ms <= now_ms) {
			drop(s, i);
			changed = 1;
			continue;
		}
		if (!*next_ms || s->v[i].expires_ms < *next_ms)
			*next_ms = s->v[i].expires_ms;
		i++;
	}
	return changed;
}
