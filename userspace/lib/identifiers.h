/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The identifier guard's userspace half: the identifiers file (`KIND =
 * VALUE` lines, written by the ROM, mode 0600) and the byte patterns
 * derived from it, each tagged with its kind and form, that the kernel's
 * matcher (kmod/idmatch.h) looks for in every outgoing payload.
 *
 * The values are secret: nothing here prints, logs or returns one. Errors
 * name the file, line and column and what was expected there, never what
 * was found; struct ident_set and the patterns are wiped when freed.
 */
#ifndef CW_IDENTIFIERS_H
#define CW_IDENTIFIERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../../kmod/uapi/consentwall.h"

#define IDENT_DEFAULT_PATH	"/etc/consentwall/identifiers"
/* The purpose consentd adds when the file has entries (a reserved name). */
#define IDENT_PURPOSE		"cleartext-identifiers"
#define IDENT_PURPOSE_DESC	"device identifiers in unencrypted traffic"

#define IDENT_MAX		32	/* identifiers in one file */
#define IDENT_VALUE_MAX		64	/* bytes of one value */
#define IDENT_FILE_MAX		65536	/* bytes of the file */
#define IDENT_PATTERN_MAX	96	/* bytes of one pattern */
/* The kernel matcher's bounds (the netlink contract). */
#define IDENT_PATTERNS_MAX	CW_PATTERNS_MAX
#define IDENT_BYTES_MAX		CW_PATTERN_BYTES_MAX

enum ident_kind {
	IDENT_IMEI,
	IDENT_IMSI,
	IDENT_MSISDN,
	IDENT_ICCID,
	IDENT_SERIAL,
	IDENT_ANDROID_ID,
	IDENT_ADVERTISING_ID,
	IDENT_KINDS
};

/*
 * How a value appears. Hashes and base64 are of the value as written, and
 * for an msisdn of its E.164 form with and without '+'; a value with
 * letters (a serial, an Android ID, an advertising ID) is also looked for
 * all in lower and all in upper case (that text only, not its hashes or
 * base64); base64 is the part of the encoding that a value determines
 * alone, at each of the three offsets (mod 3) it can have inside a longer
 * text.
 */
enum ident_form {
	IDF_TEXT,		/* as written */
	IDF_E164,		/* msisdn: the digits, no '+' */
	IDF_E164_PLUS,		/* msisdn: '+' and the digits */
	IDF_E164_PCT,		/* msisdn: "%2B" and the digits (URL-encoded) */
	IDF_BASE64,
	IDF_BASE64URL,
	IDF_MD5_HEX,
	IDF_MD5_HEX_UPPER,
	IDF_MD5_BASE64,
	IDF_MD5_BASE64URL,
	IDF_SHA1_HEX,
	IDF_SHA1_HEX_UPPER,
	IDF_SHA1_BASE64,
	IDF_SHA1_BASE64URL,
	IDF_SHA256_HEX,
	IDF_SHA256_HEX_UPPER,
	IDF_SHA256_BASE64,
	IDF_SHA256_BASE64URL,
	IDF_TEXT_LOWER,		/* as written, every letter in lower case */
	IDF_TEXT_UPPER,		/* as written, every letter in upper case */
	IDF_FORMS
};

struct ident {
	uint8_t kind;		/* enum ident_kind */
	uint8_t len;
	char value[IDENT_VALUE_MAX + 1];
};

struct ident_set {
	struct ident v[IDENT_MAX];
	size_t n;
};

/* The tag consentd gives a pattern in the kernel: kind and form. */
#define IDENT_TAG(kind, form)	((uint32_t)(kind) << 8 | (form))

struct ident_pattern {
	uint8_t kind;		/* enum ident_kind */
	uint8_t form;		/* enum ident_form */
	uint8_t len;
	uint8_t bytes[IDENT_PATTERN_MAX];
};

struct ident_patterns {
	struct ident_pattern *p;
	size_t n;
	size_t bytes;		/* their lengths added up */
};

const char *ident_kind_name(unsigned int kind);
const char *ident_form_name(unsigned int form);

/*
 * Parses the file's text into s (emptied first). 0, or -EINVAL with err
 * "path:line:col: expected ..." (never the value); s is then empty.
 */
int ident_parse(struct ident_set *s, const char *path, const char *buf,
		size_t len, char *err, size_t errlen);

/*
 * Reads and parses path. 0 (s may be empty); -ENOENT when there is no
 * file (no guard, and no error); otherwise -errno with err saying why:
 * not a regular file, readable or writable by others than its owner,
 * owned by someone other than root or euid, too big, unreadable, or a
 * line that does not parse. s is empty unless 0 is returned.
 */
int ident_load(struct ident_set *s, const char *path, uid_t euid, char *err,
	       size_t errlen);

/* Wipes every value. */
void ident_set_wipe(struct ident_set *s);

/*
 * The kinds s holds, never a value: "imei,msisdn", in enum order, each
 * once ("" for none; at most IDENT_KINDS_LEN bytes with the NUL).
 */
#define IDENT_KINDS_LEN	64
void ident_kinds(const struct ident_set *s, char out[IDENT_KINDS_LEN]);

/*
 * The digest a grant of the identifiers' purpose is bound to (hex, as
 * rules_finalize() gives a purpose's): its name and the kinds s holds. A
 * grant covers the kinds the user saw, not a kind a later file adds; a
 * new value of a kind already there (another SIM) keeps it.
 */
void ident_purpose_digest(const struct ident_set *s, const char *name,
			  char out[65]);

/*
 * Every pattern of every value, identical byte strings kept once (the
 * first form in enum order). 0, or -E2BIG with err when they exceed the
 * kernel matcher's bounds; -ENOMEM.
 */
int ident_derive(const struct ident_set *s, struct ident_patterns *out,
		 char *err, size_t errlen);
/* Wipes and frees the patterns. */
void ident_patterns_free(struct ident_patterns *p);

/* The base64 characters that v alone decides when it starts at offset
 * align (0, 1 or 2, mod 3) of a longer text; url: the URL-safe alphabet.
 * Returns their count (out holds that many, no NUL). */
size_t ident_base64_core(const uint8_t *v, size_t n, unsigned int align,
			 bool url, char *out);

#endif
