// SPDX-License-Identifier: GPL-2.0
/*
 * Randomized differential self-test of the ruleset (CONFIG_CONSENTWALL_DEBUG).
 *
 * Every lookup of ruleset.c is checked against ruleset_ref.c, a linear scan
 * that is too simple to be wrong in the same way:
 *  - one prefix of every length, IPv4 and IPv6, probed at its first and
 *    last address and with each bit of the prefix flipped (near misses);
 *  - random rulesets (nested prefixes of every length, ports, uids, names)
 *    published one after the other through an RCU pointer, the way the
 *    packet path sees them, while a reader thread keeps looking up flows
 *    against whichever pair (ruleset, reference) it dereferenced. Each old
 *    pair is freed after synchronize_rcu(), so a use after free under the
 *    reader would show with KASAN.
 * The seed is logged; the sizes keep it to a few seconds under QEMU TCG.
 *
 * cw_bench() is the in-kernel lookup microbenchmark of issue 7, run only
 * when asked for.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": selftest: " fmt

#include <linux/atomic.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/printk.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>

#include "ruleset.h"
#include "ruleset_ref.h"
#include "selftest.h"

struct cw_st_pair {
	struct cw_ruleset *rs;
	struct cw_ref *ref;
	u32 round;
};

static struct cw_st_pair __rcu *cw_st_cur;
static atomic_t cw_st_failed;

static void cw_st_pair_free(struct cw_st_pair *p)
{
	if (!p)
		return;
	cw_ruleset_free(p->rs);
	cw_ref_free(p->ref);
	kfree(p);
}

/*
 * Logs the first mismatch only (one line says it all, floods hide it); #n
 * is the round, or the prefix length in the per-length test.
 */
static bool cw_st_check(const struct cw_ruleset *rs, const struct cw_ref *ref,
			const struct cw_flow *f, const char *what, u32 round)
{
	u64 got = cw_ruleset_match(rs, f), want = cw_ref_match(ref, f);

	if (likely(got == want))
		return true;
	if (atomic_inc_return(&cw_st_failed) > 1)
		return false;
	if (f->family == AF_INET)
		pr_err("%s #%u: %pI4 proto %u port %u uid %u%s name '%.*s': got %llx want %llx\n",
		       what, round, f->daddr, f->proto, f->dport, f->uid,
		       f->has_uid ? "" : " (none)", (int)f->name_len,
		       f->name ? f->name : "", got, want);
	else
		pr_err("%s #%u: %pI6c proto %u port %u uid %u%s name '%.*s': got %llx want %llx\n",
		       what, round, f->daddr, f->proto, f->dport, f->uid,
		       f->has_uid ? "" : " (none)", (int)f->name_len,
		       f->name ? f->name : "", got, want);
	return false;
}

/* One prefix of each length: edges and every one-bit near miss. */
static int cw_st_lengths(u8 family, u64 *seed, u32 *lookups)
{
	u32 abits = family == AF_INET ? 32 : 128, len, i;
	struct cw_flow f = { .family = family, .proto = IPPROTO_TCP,
			     .dport = 443 };
	struct cw_builder *b;
	struct cw_ruleset *rs;
	struct cw_ref *ref;
	const char *why;
	u8 k[16], a[16];
	int err = 0;

	for (len = 0; len <= abits && !err; len++) {
		b = cw_builder_new(NULL);
		ref = cw_ref_new();
		if (!b || !ref) {
			cw_builder_free(b);
			cw_ref_free(ref);
			return -ENOMEM;
		}
		for (i = 0; i < 16; i++)
			k[i] = cw_rand(seed);
		for (i = len; i < abits; i++)
			k[i / 8] &= ~(0x80 >> (i % 8));
		if (cw_builder_purpose(b, "p", NULL, &why) != 0 ||
		    cw_builder_add_prefix(b, 0, family, k, len, 0, 0, 0, &why) ||
		    cw_ref_add_prefix(ref, 0, family, k, len, 0, 0, 0)) {
			pr_err("building /%u: %s\n", len, why);
			cw_builder_free(b);
			cw_ref_free(ref);
			return -EINVAL;
		}
		rs = cw_builder_finish(b);
		if (!rs) {
			cw_ref_free(ref);
			return -ENOMEM;
		}
		f.daddr = a;
		memcpy(a, k, sizeof(a));
		if (!cw_st_check(rs, ref, &f, "first address", len))
			err = -EINVAL;
		for (i = len; i < abits; i++)
			a[i / 8] |= 0x80 >> (i % 8);
		if (!cw_st_check(rs, ref, &f, "last address", len))
			err = -EINVAL;
		for (i = 0; i < len && !err; i++) {
			memcpy(a, k, sizeof(a));
			a[i / 8] ^= 0x80 >> (i % 8);
			if (!cw_st_check(rs, ref, &f, "near miss", len))
				err = -EINVAL;
		}
		*lookups += len + 2;
		cw_ruleset_free(rs);
		cw_ref_free(ref);
		cond_resched();
	}
	return err;
}

struct cw_st_reader {
	u64 seed;
	u32 lookups;
};

/* Looks up flows under RCU against whichever pair is published. */
static int cw_st_reader_fn(void *arg)
{
	struct cw_st_reader *rd = arg;
	struct cw_ref_flowbuf buf;
	struct cw_st_pair *p;
	struct cw_flow f;
	u32 i;

	while (!kthread_should_stop()) {
		rcu_read_lock();
		p = rcu_dereference(cw_st_cur);
		for (i = 0; p && i < 16; i++) {
			cw_ref_random_flow(p->ref, &rd->seed, &f, &buf);
			cw_st_check(p->rs, p->ref, &f, "reader", p->round);
			rd->lookups++;
		}
		rcu_read_unlock();
		cond_resched();
	}
	return 0;
}

static const struct cw_ref_gen cw_st_gens[] = {
	{ .nr_prefixes = 1, .nr_purposes = 1 },
	{ .nr_prefixes = 40, .nr_uids = 5, .nr_domains = 10,
	  .nr_purposes = 8, .v6_percent = 50, .port_percent = 20 },
	{ .nr_prefixes = 300, .nr_uids = 20, .nr_domains = 40,
	  .nr_purposes = 64, .v6_percent = 50, .port_percent = 10 },
	{ .nr_prefixes = 1000, .nr_uids = 50, .nr_domains = 100,
	  .nr_purposes = 16, .v6_percent = 30, .port_percent = 5 },
};

#define CW_ST_ROUNDS	12
#define CW_ST_LOOKUPS	1000

int cw_selftest(void)
{
	u64 seed0 = get_random_u64(), seed = seed0;
	struct cw_st_reader rd = { .seed = seed0 ^ 0x5eed };
	struct cw_st_pair *p, *old;
	struct cw_ref_flowbuf buf;
	struct task_struct *reader;
	u32 round, i, lookups = 0;
	const char *why = NULL;
	struct cw_builder *b;
	struct cw_flow f;
	int err;

	pr_info("seed %llu\n", seed0);
	atomic_set(&cw_st_failed, 0);
	err = cw_st_lengths(AF_INET, &seed, &lookups);
	if (!err)
		err = cw_st_lengths(AF_INET6, &seed, &lookups);
	if (err)
		goto out;

	reader = kthread_run(cw_st_reader_fn, &rd, "cw_selftest");
	if (IS_ERR(reader))
		return PTR_ERR(reader);
	for (round = 0; round < CW_ST_ROUNDS && !err; round++) {
		p = kzalloc(sizeof(*p), GFP_KERNEL);
		b = cw_builder_new(NULL);
		if (p)
			p->ref = cw_ref_new();
		if (!p || !b || !p->ref) {
			cw_builder_free(b);
			cw_st_pair_free(p);
			err = -ENOMEM;
			break;
		}
		p->round = round;
		err = cw_ref_generate(b, p->ref, &seed,
				      &cw_st_gens[round % ARRAY_SIZE(cw_st_gens)],
				      &why);
		if (err) {
			pr_err("round %u: building: %s\n", round, why);
			cw_builder_free(b);
			cw_st_pair_free(p);
			break;
		}
		p->rs = cw_builder_finish(b);
		if (!p->rs) {
			cw_st_pair_free(p);
			err = -ENOMEM;
			break;
		}
		old = rcu_replace_pointer(cw_st_cur, p, true);
		synchronize_rcu();
		cw_st_pair_free(old);

		for (i = 0; i < CW_ST_LOOKUPS; i++) {
			rcu_read_lock();
			p = rcu_dereference(cw_st_cur);
			cw_ref_random_flow(p->ref, &seed, &f, &buf);
			cw_st_check(p->rs, p->ref, &f, "lookup", round);
			rcu_read_unlock();
			if (!(i % 64))
				cond_resched();
		}
		lookups += CW_ST_LOOKUPS;
		if (atomic_read(&cw_st_failed))
			err = -EINVAL;
	}
	kthread_stop(reader);
	old = rcu_replace_pointer(cw_st_cur, NULL, true);
	synchronize_rcu();
	cw_st_pair_free(old);
	lookups += rd.lookups;
out:
	if (!err && atomic_read(&cw_st_failed))
		err = -EINVAL;
	if (err)
		pr_err("FAILED (%d), %d mismatches, seed %llu\n", err,
		       atomic_read(&cw_st_failed), seed0);
	else
		pr_info("passed: %u lookups (%u by a concurrent reader), %u ruleset swaps\n",
			lookups, rd.lookups, CW_ST_ROUNDS);
	return err;
}

/* ---------------------------------------------------------- benchmark */

#define CW_BENCH_ADDRS	4096	/* a power of two */
#define CW_BENCH_LOOKUPS	65536	/* per timed run */
#define CW_BENCH_REPS	9

/*
 * The sizes are built first and timed in turns, best of CW_BENCH_REPS: a
 * burst of load on a shared machine (or a preempted vCPU) then spoils one
 * run of every size alike instead of all the runs of one size, and the
 * 1M/1k ratio compares like with like.
 */
struct cw_bench_set {
	struct cw_ruleset *rs;
	u8 (*in)[16];		/* addresses inside the first prefixes */
	u64 build, tr, ti;	/* ns: build, best random run, best inside run */
	u32 n, hr, hi;
};

/* Rule-file-like lengths: IPv4 mostly /24 and hosts, IPv6 /32../64. */
static u8 cw_bench_len(u64 *s, u8 family)
{
	u32 r = cw_rand_below(s, 100);

	if (family == AF_INET)
		return r < 50 ? 24 : r < 75 ? 32 : 8 + cw_rand_below(s, 25);
	if (r < 20)
		return 32;
	if (r < 45)
		return 48;
	if (r < 65)
		return 64;
	if (r < 80)
		return 128;
	return 16 + cw_rand_below(s, 113);
}

static u64 cw_bench_time(const struct cw_ruleset *rs, u8 family,
			 u8 (*addr)[16], u32 *hits)
{
	struct cw_flow f = { .family = family, .proto = IPPROTO_TCP,
			     .dport = 443 };
	u32 i, h = 0;
	u64 t0;

	t0 = ktime_get_ns();
	for (i = 0; i < CW_BENCH_LOOKUPS; i++) {
		f.daddr = addr[i & (CW_BENCH_ADDRS - 1)];
		h += !!cw_ruleset_match(rs, &f);
	}
	*hits = h;
	return ktime_get_ns() - t0;
}

static int cw_bench_build(u8 family, struct cw_bench_set *s)
{
	u32 abits = family == AF_INET ? 32 : 128, n = s->n, i, j;
	struct cw_builder *b = cw_builder_new(NULL);
	u8 (*in)[16] = s->in;
	u64 seed = n, t0;
	const char *why;
	u8 a[16], len;

	if (!b)
		return -ENOMEM;
	cw_builder_purpose(b, "p", NULL, &why);
	t0 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		for (j = 0; j < 16; j++)
			a[j] = cw_rand(&seed);
		len = cw_bench_len(&seed, family);
		for (j = len; j < abits; j++)
			a[j / 8] &= ~(0x80 >> (j % 8));
		if (i < CW_BENCH_ADDRS) {
			/* an address inside one of the first prefixes */
			for (j = 0; j < 16; j++)
				in[i][j] = cw_rand(&seed);
			for (j = 0; j < len; j++) {
				u8 bit = 0x80 >> (j % 8);

				in[i][j / 8] = (in[i][j / 8] & ~bit) |
					       (a[j / 8] & bit);
			}
		}
		if (cw_builder_add_prefix(b, 0, family, a, len, 0, 0, 0,
					  &why)) {
			cw_builder_free(b);
			return -EINVAL;
		}
		if (!(i & 0xfff))
			cond_resched();
	}
	s->rs = cw_builder_finish(b);
	s->build = ktime_get_ns() - t0;
	if (!s->rs)
		return -ENOMEM;
	for (i = n; i < CW_BENCH_ADDRS; i++)
		memcpy(in[i], in[i % n], 16);
	return 0;
}

static int cw_bench_family(u8 family, u8 (*rnd)[16])
{
	static const u32 sizes[] = { 1000, 10000, 100000, 1000000 };
	struct cw_bench_set set[ARRAY_SIZE(sizes)] = {};
	u32 i, rep, h;
	int err = 0;
	u64 t;

	for (i = 0; i < ARRAY_SIZE(sizes) && !err; i++) {
		set[i].n = sizes[i];
		set[i].tr = U64_MAX;
		set[i].ti = U64_MAX;
		set[i].in = kvzalloc(CW_BENCH_ADDRS * 16, GFP_KERNEL);
		err = set[i].in ? cw_bench_build(family, &set[i]) : -ENOMEM;
	}
	for (rep = 0; rep < CW_BENCH_REPS && !err; rep++) {
		for (i = 0; i < ARRAY_SIZE(sizes); i++) {
			t = cw_bench_time(set[i].rs, family, rnd, &h);
			if (t < set[i].tr) {
				set[i].tr = t;
				set[i].hr = h;
			}
			t = cw_bench_time(set[i].rs, family, set[i].in, &h);
			if (t < set[i].ti) {
				set[i].ti = t;
				set[i].hi = h;
			}
			cond_resched();
		}
	}
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		if (!err)
			pr_info("bench: IPv%c %7u prefixes: commit %llu ms, %llu bytes/prefix, random %llu ns/lookup (%u%% hit), inside %llu ns/lookup\n",
				family == AF_INET ? '4' : '6', set[i].n,
				set[i].build / 1000000,
				cw_ruleset_memory(set[i].rs) / set[i].n,
				set[i].tr / CW_BENCH_LOOKUPS,
				(u32)((u64)set[i].hr * 100 / CW_BENCH_LOOKUPS),
				set[i].ti / CW_BENCH_LOOKUPS);
		cw_ruleset_free(set[i].rs);
		kvfree(set[i].in);
	}
	return err;
}

int cw_bench(void)
{
	u8 (*rnd)[16];
	u64 seed = 42;
	int err = 0;
	u32 i, j, k;

	rnd = kvzalloc(CW_BENCH_ADDRS * 16, GFP_KERNEL);
	if (!rnd)
		return -ENOMEM;
	for (i = 0; i < CW_BENCH_ADDRS; i++)
		for (j = 0; j < 16; j++)
			rnd[i][j] = cw_rand(&seed);
	pr_info("bench: best of %u interleaved runs of %u lookups per size\n",
		CW_BENCH_REPS, CW_BENCH_LOOKUPS);
	for (k = 0; k < 2 && !err; k++)
		err = cw_bench_family(k ? AF_INET6 : AF_INET, rnd);
	kvfree(rnd);
	return err;
}
