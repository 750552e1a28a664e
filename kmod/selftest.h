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
#else
static inline int cw_selftest(void)
{
	return 0;
}
#endif

#endif /* _CW_SELFTEST_H */
