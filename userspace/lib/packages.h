/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Android's /data/system/packages.list: which app ID each installed package
 * has. PackageManager rewrites the file whole (a temporary file renamed over
 * it) whenever a package is installed, updated or removed; every version of
 * Android since 2.x writes one package per line, space separated, starting
 *
 *   name appid debuggable datadir [seinfo gids [profileable-from-shell
 *   version-code [profileable installer]]]
 *
 * (4 fields up to Android 4.0, 6 from 4.1, 8 from 10, 10 from 12). Only the
 * first two matter here; later fields are ignored, so a future field does
 * not break the reader. The number in the file is the app ID: the package's
 * UID in user N is N * PKG_PER_USER_RANGE + app ID.
 */
#ifndef CW_PACKAGES_H
#define CW_PACKAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Android's AID_USER_OFFSET: UIDs per user. */
#define PKG_PER_USER_RANGE 100000u
/* The largest user whose UIDs all fit in 32 bits. */
#define PKG_USER_MAX ((UINT32_MAX - (PKG_PER_USER_RANGE - 1)) / PKG_PER_USER_RANGE)

struct pkg {
	char *name;
	uint32_t appid;
	unsigned int line;	/* where packages.list lists it */
};

struct pkglist {
	struct pkg *v;		/* sorted by name, names unique */
	size_t n;
	size_t bad;		/* lines that were not a package, skipped */
	unsigned int first_bad;	/* line number of the first of them, or 0 */
};

/* Whether @s is an Android package name: letter-led [A-Za-z0-9_] segments
 * separated by single dots. */
bool pkg_name_valid(const char *s);

/*
 * Reads the text of a packages.list into @l (emptied first). A line that is
 * not a package (too few fields, a bad name, an app ID of 100000 or more, a
 * name seen before) is skipped and counted in @l->bad. Never fails.
 */
void pkglist_parse(struct pkglist *l, const char *buf, size_t len);
/* The same from a file; -errno if it cannot be read (@l is then empty). */
int pkglist_load(struct pkglist *l, const char *path);
void pkglist_free(struct pkglist *l);

const struct pkg *pkglist_find(const struct pkglist *l, const char *name);
/*
 * The package that runs as @uid (in any user), or NULL. For an app ID that
 * several packages share (android:sharedUserId) the first name in sort
 * order, so the answer does not depend on the file's line order.
 */
const struct pkg *pkglist_by_uid(const struct pkglist *l, uint32_t uid);

#endif
