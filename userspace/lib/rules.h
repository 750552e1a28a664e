/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The one rules parser: consentwall.rules(5) files and the domain lists they
 * include. Pure userspace code with no daemon state, so the host tests drive
 * it directly. `app = package.name` stays a name here: consentd resolves it
 * against packages.list whenever it commits (lib/packages.h), so a rules
 * digest, and the consent bound to it, never depends on a UID.
 *
 * Every error is one line "file:line:column: expected ...", column counted
 * in bytes from 1, naming what would have been valid at that spot.
 */
#ifndef CW_RULES_H
#define CW_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../kmod/uapi/consentwall.h"
#include "util.h"

#define RULES_ERR_MAX 512
#define RULES_DEFAULT_PACKAGES "/data/system/packages.list"
#define RULE_USER_ANY UINT32_MAX	/* RULE_APP in every Android user */

enum rule_type {
	RULE_ADDR,
	RULE_UID,
	RULE_DOMAIN,
	RULE_APP,	/* an Android package, by name */
};

struct rule_entry {
	uint8_t type;		/* enum rule_type */
	uint8_t family;		/* AF_INET or AF_INET6 (RULE_ADDR) */
	uint8_t prefixlen;
	uint8_t proto;		/* 0 any, IPPROTO_TCP, IPPROTO_UDP */
	uint16_t port_min;	/* 0 = every port */
	uint16_t port_max;
	uint32_t uid;		/* RULE_UID; RULE_APP: user or RULE_USER_ANY */
	uint8_t addr[16];	/* network order, host bits zero */
	char *domain;		/* RULE_DOMAIN: lower case, no trailing dot;
				 * RULE_APP: the package name */
};

struct rule_purpose {
	char name[CW_PURPOSE_NAME_MAX];
	char desc[CW_PURPOSE_DESC_MAX];
	char where[256];	/* file:line of the first [name] */
	struct rule_entry *e;
	size_t n, cap;
	char digest[65];	/* set by rules_finalize() */
};

struct rules {
	struct rule_purpose *p[CW_PURPOSES_MAX];
	size_t n;
};


void rules_init(struct rules *r);
void rules_free(struct rules *r);

/* Parses a rules file's text into r, merging purposes by name. */
int rules_parse(struct rules *r, const char *path, const char *buf,
		size_t len, char *err, size_t errlen);
int rules_parse_file(struct rules *r, const char *path, char *err,
		     size_t errlen);
/* Parses a domain list (hosts format or one name per line) into p. */
int rules_parse_list(struct rule_purpose *p, const char *path,
		     const char *buf, size_t len, char *err, size_t errlen);
/* Moves every purpose of src into dst (merging); src is emptied. */
int rules_merge(struct rules *dst, struct rules *src, char *err,
		size_t errlen);

/*
 * Lists the *.rules files of a directory in name order. Returns the count
 * or -errno; *names is an array of full paths to free with free_names().
 */
int rules_dir_list(const char *dir, char ***names);
void free_names(char **names, int n);

/*
 * The files in force across a vendor directory and an admin one, as full
 * paths in base-name order: an admin file replaces the vendor file of the
 * same name (an empty one so removes its rules), and a symbolic link to
 * /dev/null masks the name, as systemd does: nothing of it is loaded. A
 * missing vendor directory, or none (NULL or ""), is empty. Returns the
 * count, or -errno with *bad the directory that could not be read.
 */
int rules_dirs_list(const char *vendor, const char *admin, char ***names,
		    const char **bad);

/* Sorts and deduplicates the entries, computes each purpose's digest. */
void rules_finalize(struct rules *r);
struct rule_purpose *rules_find(const struct rules *r, const char *name);
size_t rules_nr_entries(const struct rules *r);

/* Section names of a file, even a broken one: what it meant to define. */
int rules_scan_sections(const char *buf, size_t len, char ***names);

/*
 * r as a rules file that parses back to the same purposes, descriptions and
 * digests: entries in canonical form, packages resolved to their UIDs.
 */
void rules_format(const struct rules *r, struct sbuf *out);

/* Canonical text of one entry, the unit of the digest; buf >= 300. */
void rule_entry_format(const struct rule_entry *e, char *buf, size_t len);

#endif
