/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Self-test of the ruleset lookup at module load (debug builds only): a
 * randomized differential test against the naive reference in
 * ruleset_ref.c, interleaved with RCU swaps of the ruleset under a
 * concurrent reader.
 */
#ifndef _CW_SELFTEST_H
#define _CW_SELFTEST_H

#ifdef CONFIG_CONSENTWALL_DEBUG
/* 0 when every lookup agreed with the reference, else -errno. */
int cw_selftest(void);
/*
 * Lookup microbenchmark (issue 7): ns per lookup and bytes per prefix at
 * 1k..1M IPv4 and IPv6 prefixes, printed with pr_info. Takes about a
 * minute under QEMU TCG and ~200 MB at 1M prefixes. 0 or -ENOMEM.
 */
int cw_bench(void);
#else
static inline int cw_selftest(void)
{
	return 0;
}

static inline int cw_bench(void)
{
	return 0;
}
#endif

#endif /* _CW_SELFTEST_H */
