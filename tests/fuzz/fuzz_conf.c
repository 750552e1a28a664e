// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * consentd.conf (userspace/consentd/config.c, which reads a path): each
 * input is written to a memfd and loaded through /proc/self/fd. Whatever
 * the input: a refusal names the file and line; the settings stay in the
 * documented ranges.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../userspace/consentd/daemon.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	struct config c;
	char err[1024];
	int ret;

	if (fd < 0) {
		fd = memfd_create("consentd.conf", MFD_CLOEXEC);
		FUZZ_CHECK(fd >= 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	FUZZ_CHECK(ftruncate(fd, 0) == 0);
	FUZZ_CHECK(pwrite(fd, data, size, 0) == (ssize_t)size);
	config_defaults(&c);
	err[0] = '\0';
	ret = config_load(&c, path, true, err, sizeof(err));
	FUZZ_CHECK(ret == 0 || !strncmp(err, path, strlen(path)));
	FUZZ_CHECK(c.event_ring >= 1 && c.event_ring <= 1000000);
	FUZZ_CHECK(c.event_log_max >= 4096);
	FUZZ_CHECK(c.event_log_keep <= 100);
	FUZZ_CHECK(c.packages_list && c.control_group && c.event_log);
	config_free(&c);
	return 0;
}
