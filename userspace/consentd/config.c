// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->packages_list = xstrdup(RULES_DEFAULT_PACKAGES);
	c->vendor_rules_dir = xstrdup(DEFAULT_VENDOR_RULES_DIR);
	c->control_group = xstrdup("consentwall");
	c->event_ring = 1000;
	c->event_log = xstrdup(DEFAULT_EVENT_LOG);
	c->identifiers = xstrdup(IDENT_DEFAULT_PATH);
	c->event_log_max = 1024 * 1024;
	c->event_log_keep = 3;
	c->netlink_buffer = 4u << 20;
	c->clients_max = 64;
	c->idle_ms = 60000;
	c->line_ms = 10000;
	c->stall_ms = 10000;
}

void config_free(struct config *c)
{
	free(c->packages_list);
	free(c->vendor_rules_dir);
	free(c->control_group);
	free(c->event_log);
	free(c->identifiers);
	memset(c, 0, sizeof(*c));
}

static void resolve_group(struct config *c)
{
	struct group *g;

	c->has_gid = false;
	if (!c->control_group[0])
		return;
	g = getgrnam(c->control_group);
	if (g) {
		c->control_gid = g->gr_gid;
		c->has_gid = true;
	}
}

/* `nat64_prefix = 2001:db8:122::/48`: the network's NAT64 prefix. */
static int parse_nat64(struct config *c, const char *v)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(v, '/');
	uint8_t a[16];
	uint32_t len;

	if (!slash || (size_t)(slash - v) >= sizeof(addr) ||
	    !parse_u32(slash + 1, 128, &len))
		return -EINVAL;
	memcpy(addr, v, (size_t)(slash - v));
	addr[slash - v] = '\0';
	if (inet_pton(AF_INET6, addr, a) != 1)
		return -EINVAL;
	if (c->nr_nat64 == CW_NAT64_MAX)
		return -E2BIG;
	if (cw_nat64_prefix_init(&c->nat64[c->nr_nat64], a, len))
		return -EINVAL;
	c->nr_nat64++;
	return 0;
}

int config_load(struct config *c, const char *path, bool required,
		char *err, size_t errlen)
{
	char *buf, *line, *next;
	unsigned int ln = 0;
	size_t len;
	int ret;

	ret = read_file(path, &buf, &len);
	if (ret == -ENOENT && !required) {
		resolve_group(c);
		return 0;
	}
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, file_strerror(ret));
		return ret;
	}
	for (line = buf; line; line = next) {
		char *k, *v, *e, *hash;
		uint32_t n;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		ln++;
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		for (k = line; isspace((unsigned char)*k); k++)
			;
		if (!*k)
			continue;
		for (e = k; *e && (isalnum((unsigned char)*e) || *e == '_'); e++)
			;
		v = e;
		while (isspace((unsigned char)*v))
			v++;
		if (*v != '=') {
			snprintf(err, errlen, "%s:%u:%d: expected 'key = value'",
				 path, ln, (int)(v - line) + 1);
			ret = -EINVAL;
			break;
		}
		*e = '\0';
		for (v++; isspace((unsigned char)*v); v++)
			;
		for (e = v + strlen(v); e > v && isspace((unsigned char)e[-1]); e--)
			;
		*e = '\0';
		if (!strcmp(k, "nat64_prefix")) {
			ret = parse_nat64(c, v);
			if (ret) {
				snprintf(err, errlen, ret == -E2BIG ?
					 "%s:%u:%d: expected at most %d nat64_prefix lines" :
					 "%s:%u:%d: expected an RFC 6052 prefix: IPV6/LEN, LEN 32, 40, 48, 56, 64 or 96, no bit set past it",
					 path, ln, (int)(v - line) + 1, CW_NAT64_MAX);
				break;
			}
		} else if (!strcmp(k, "packages_list")) {
			free(c->packages_list);
			c->packages_list = xstrdup(v);
		} else if (!strcmp(k, "vendor_rules_dir")) {
			free(c->vendor_rules_dir);
			c->vendor_rules_dir = xstrdup(v);
		} else if (!strcmp(k, "control_group")) {
			free(c->control_group);
			c->control_group = xstrdup(v);
		} else if (!strcmp(k, "event_log")) {
			free(c->event_log);
			c->event_log = xstrdup(v);
		} else if (!strcmp(k, "identifiers")) {
			free(c->identifiers);
			c->identifiers = xstrdup(v);
		} else if (!strcmp(k, "event_ring") && parse_u32(v, 1000000, &n) && n) {
			c->event_ring = n;
		} else if (!strcmp(k, "event_log_max_bytes") &&
			   parse_u32(v, UINT32_MAX, &n) && n >= 4096) {
			c->event_log_max = n;
		} else if (!strcmp(k, "event_log_keep") && parse_u32(v, 100, &n)) {
			c->event_log_keep = n;
		} else if (!strcmp(k, "netlink_buffer_bytes") &&
			   parse_u32(v, 1u << 30, &n) && n >= 65536) {
			c->netlink_buffer = n;
		} else if (!strcmp(k, "clients_max") && parse_u32(v, 10000, &n) && n) {
			c->clients_max = n;
		} else if (!strcmp(k, "client_idle_ms") &&
			   parse_u32(v, 86400000, &n) && n >= 100) {
			c->idle_ms = n;
		} else if (!strcmp(k, "client_line_ms") &&
			   parse_u32(v, 86400000, &n) && n >= 100) {
			c->line_ms = n;
		} else if (!strcmp(k, "client_stall_ms") &&
			   parse_u32(v, 86400000, &n) && n >= 100) {
			c->stall_ms = n;
		} else {
			snprintf(err, errlen,
				 "%s:%u:%d: expected packages_list, vendor_rules_dir, nat64_prefix, control_group, identifiers, event_ring (1-1000000), event_log, event_log_max_bytes (>= 4096), event_log_keep (0-100), netlink_buffer_bytes (65536-1073741824), clients_max (1-10000), client_idle_ms, client_line_ms or client_stall_ms (100-86400000)",
				 path, ln, (int)(k - line) + 1);
			ret = -EINVAL;
			break;
		}
	}
	free(buf);
	resolve_group(c);
	return ret;
}
