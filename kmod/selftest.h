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
/**
 * cw_selftest() - randomized differential test of the ruleset lookup
 *
 * Context: module init, may sleep (allocates, runs a reader thread).
 * Return: 0 when every lookup agreed with the reference, else -errno.
 */
int cw_selftest(void);

/**
 * cw_bench() - ns per lookup and bytes per prefix, 1k..1M prefixes
 *
 * Context: module init, may sleep; prints with pr_info() (make bench).
 * About a minute under QEMU TCG and ~200 MB at 1M prefixes.
 * Return: 0, or -ENOMEM.
 */
int cw_bench(void);
#else
/**
 * cw_selftest() - no self-test without CONFIG_CONSENTWALL_DEBUG
 *
 * Return: 0.
 */
static inline int cw_selftest(void)
{
	return 0;
}

/**
 * cw_bench() - no benchmark without CONFIG_CONSENTWALL_DEBUG
 *
 * Return: 0.
 */
static inline int cw_bench(void)
{
	return 0;
}
#endif

#endif /* _CW_SELFTEST_H */
