/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Shared by the harnesses of consentd's and consentctl's parsers: a failed
 * check aborts, which libFuzzer reports as a crash with its input. They
 * run with tests/fuzz as the working directory (data/ holds the files a
 * parsed input may name).
 */
#ifndef CW_FUZZ_USERSPACE_COMMON_H
#define CW_FUZZ_USERSPACE_COMMON_H

#include <stdio.h>
#include <stdlib.h>

#define FUZZ_CHECK(cond)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "check failed: %s (%s:%d)\n",	\
				#cond, __FILE__, __LINE__);		\
			abort();					\
		}							\
	} while (0)

#endif
