/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * FUZZ_CHECK, shared by every harness: a failed check aborts, which
 * libFuzzer reports as a crash with the input that caused it.
 */
#ifndef CW_FUZZ_CHECK_H
#define CW_FUZZ_CHECK_H

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
