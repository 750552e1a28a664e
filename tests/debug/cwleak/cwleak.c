// SPDX-License-Identifier: GPL-2.0
/*
 * cwleak: leaks one object on purpose, so that the debug guest can prove
 * its kmemleak scan finds a leak (tests/qemu/init loads it after the
 * suite's own scan came back empty and expects exactly one report whose
 * backtrace names cwleak_plant). Never built into anything but the debug
 * kernel's test guest (tests/debug/check-debug.sh).
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

/* Written and then forgotten, so the compiler keeps the allocation. */
static void *cwleak_last;

static noinline int cwleak_plant(void)
{
	char *p = kmalloc(200, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	strscpy(p, "cwleak: planted on purpose", 200);
	WRITE_ONCE(cwleak_last, p);
	WRITE_ONCE(cwleak_last, NULL);
	return 0;
}

static int __init cwleak_init(void)
{
	return cwleak_plant();
}

static void __exit cwleak_exit(void)
{
}

module_init(cwleak_init);
module_exit(cwleak_exit);
MODULE_DESCRIPTION("consentwall tests: one deliberate memory leak for kmemleak");
MODULE_LICENSE("GPL");
