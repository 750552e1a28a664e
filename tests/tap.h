/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Minimal TAP producer shared by every host-side C test. Each check prints
 * "ok N - what" or "not ok N - what"; tap_done() prints the plan and returns
 * the exit status. tests/run-tap counts these lines across all suites.
 */
#ifndef _CW_TAP_H
#define _CW_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_n, tap_failed;

static inline __attribute__((format(printf, 2, 3)))
int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (!cond)
		tap_failed++;
	return cond;
}

/* Diagnostic line, ignored by TAP consumers. */
static inline __attribute__((format(printf, 1, 2)))
void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif /* _CW_TAP_H */
