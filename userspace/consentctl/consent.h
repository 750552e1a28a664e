/* SPDX-License-Identifier: GPL-2.0 OR MIT */
#ifndef CW_CTL_CONSENT_H
#define CW_CTL_CONSENT_H

#include <stdbool.h>

struct ctl;
int ctl_consent(struct ctl *c, int argc, char **argv, bool grant);

#endif
