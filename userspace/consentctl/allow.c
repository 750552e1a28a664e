// SPDX-License-Identifier: GPL-2.0 OR MIT
#include "ctl.h"
#include "consent.h"

int cmd_allow(struct ctl *c, int argc, char **argv)
{
	return ctl_consent(c, argc, argv, true);
}
