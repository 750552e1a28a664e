/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A tiny JSON writer for consentctl --json: it tracks commas itself and
 * replaces invalid UTF-8 so the output is always valid JSON.
 */
#ifndef CW_JSON_H
#define CW_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

struct json {
	struct sbuf out;
	int depth;
	bool need_comma[32];
	bool after_key;
};

void json_init(struct json *j);
void json_free(struct json *j);
void json_obj(struct json *j);
void json_obj_end(struct json *j);
void json_arr(struct json *j);
void json_arr_end(struct json *j);
void json_key(struct json *j, const char *k);
void json_str(struct json *j, const char *s);
void json_u64(struct json *j, uint64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);

#endif
