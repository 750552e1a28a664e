// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#include "daemon.h"

static bool to_stderr = true;

void log_init(bool foreground)
{
	to_stderr = foreground;
	if (!foreground)
		openlog("consentd", LOG_PID, LOG_DAEMON);
}

void logmsg(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (to_stderr) {
		fputs("consentd: ", stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	} else {
		vsyslog(prio, fmt, ap);
	}
	va_end(ap);
}
