// SPDX-License-Identifier: GPL-2.0
/*
 * A pool's settings: one table says, for each, its name in pool files and
 * as an option, its JSON key, its netlink attribute, how it is parsed and
 * printed, and its default. See settings.h.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/memopt.h>

#include "print.h"
#include "settings.h"
#include "units.h"

/* The growth window the kernel gives a pool created without one, seconds. */
#define GROWTH_WINDOW_DEFAULT	60

enum kind { K_BLOCK_SIZE, K_BLOCKS, K_PERCENT, K_AGE, K_GROWTH, K_WINDOW, K_USER, K_GROUP,
	    K_MODE };

static const struct field {
	const char *key;
	const char *json;
	int attr;
	enum kind kind;
} fields[SF_COUNT] = {
	[SF_SIZE] = { "size", "block_size", MEMOPT_A_POOL_BLOCK_SIZE, K_BLOCK_SIZE },
	[SF_MIN] = { "min", "min", MEMOPT_A_POOL_MIN, K_BLOCKS },
	[SF_MAX] = { "max", "max", MEMOPT_A_POOL_MAX, K_BLOCKS },
	[SF_WATERMARK] = { "watermark", "watermark", MEMOPT_A_POOL_WATERMARK, K_PERCENT },
	[SF_LEAK_AGE] = { "leak-age", "leak_age", MEMOPT_A_POOL_LEAK_AGE, K_AGE },
	[SF_GROWTH] = { "growth", "growth", MEMOPT_A_POOL_GROWTH, K_GROWTH },
	[SF_GROWTH_WINDOW] = { "growth-window", "growth_window", MEMOPT_A_POOL_GROWTH_WINDOW,
			       K_WINDOW },
	[SF_UID] = { "uid", "uid", MEMOPT_A_POOL_UID, K_USER },
	[SF_GID] = { "gid", "gid", MEMOPT_A_POOL_GID, K_GROUP },
	[SF_MODE] = { "mode", "mode", MEMOPT_A_POOL_MODE, K_MODE },
};

/* What a value that does not parse is not, per kind. */
static const char *const wants[] = {
	[K_BLOCK_SIZE] = "is not a size (4096, 4k, 64K, 2M)",
	[K_BLOCKS] = "is not a number of blocks",
	[K_PERCENT] = "is not a percentage (0-100)",
	[K_AGE] = "is not a duration (90, 30s, 5m, 2h, 1d)",
	[K_GROWTH] = "is not a size (64k, 16M, 0 for off)",
	[K_WINDOW] = "is not a duration (90, 30s, 5m, 2h)",
	[K_USER] = "is no user name or number",
	[K_GROUP] = "is no group name or number",
	[K_MODE] = "is not octal permission bits (0 to 0777)",
};

const char *pool_field_key(enum pool_field f)
{
	return fields[f].key;
}

const char *pool_field_json(enum pool_field f)
{
	return fields[f].json;
}

int pool_field_attr(enum pool_field f)
{
	return fields[f].attr;
}

int pool_field_lookup(const char *key)
{
	int f;

	for (f = 0; f < SF_COUNT; f++)
		if (!strcmp(key, fields[f].key))
			return f;
	return -1;
}

/* A user or group: a number, or a name from the user or group database. */
static int parse_owner(const char *s, bool group, uint64_t *id)
{
	struct passwd *pw;
	struct group *gr;

	if (!parse_uint(s, UINT32_MAX - 1, id))
		return 0;
	if (group) {
		gr = getgrnam(s);
		if (gr)
			*id = gr->gr_gid;
		return gr ? 0 : -ENOENT;
	}
	pw = getpwnam(s);
	if (pw)
		*id = pw->pw_uid;
	return pw ? 0 : -ENOENT;
}

/* Permission bits in octal: "660", "0640". */
static int parse_mode(const char *s, uint64_t *mode)
{
	uint64_t v = 0;
	const char *p;

	if (!*s || strspn(s, "01234567") != strlen(s))
		return -EINVAL;
	for (p = s; *p; p++) {
		v = v * 8 + (uint64_t)(*p - '0');
		if (v > 0777)
			return -ERANGE;
	}
	*mode = v;
	return 0;
}

static int parse_kind(enum kind k, const char *arg, uint64_t *v)
{
	switch (k) {
	case K_BLOCK_SIZE:
		return parse_size(arg, v) || *v > UINT32_MAX ? -EINVAL : 0;
	case K_BLOCKS:
		return parse_uint(arg, UINT32_MAX, v);
	case K_PERCENT:
		return parse_uint(arg, 100, v);
	case K_AGE:
	case K_WINDOW:
		return parse_duration(arg, v) || *v > UINT32_MAX ? -EINVAL : 0;
	case K_GROWTH:
		return parse_size(arg, v);
	case K_USER:
	case K_GROUP:
		return parse_owner(arg, k == K_GROUP, v);
	case K_MODE:
		return parse_mode(arg, v);
	}
	return -EINVAL;
}

int pool_field_parse(enum pool_field f, const char *arg, bool option,
		     struct pool_settings *s, char *err, size_t len)
{
	uint64_t v;

	if (parse_kind(fields[f].kind, arg, &v)) {
		snprintf(err, len, "%s%s \"%s\" %s", option ? "--" : "", fields[f].key, arg,
			 wants[fields[f].kind]);
		return -EINVAL;
	}
	s->v[f] = v;
	s->given |= SF_BIT(f);
	return 0;
}

uint64_t pool_field_default(enum pool_field f)
{
	switch (f) {
	case SF_GROWTH_WINDOW:
		return GROWTH_WINDOW_DEFAULT;
	case SF_UID:
		return geteuid();
	case SF_GID:
		return getegid();
	case SF_MODE:
		return MEMOPT_POOL_MODE_DEFAULT;
	default:
		return 0;
	}
}

void pool_settings_fill(struct pool_settings *s)
{
	int f;

	for (f = 0; f < SF_COUNT; f++)
		if (!(s->given & SF_BIT(f)))
			s->v[f] = pool_field_default(f);
}

int pool_settings_check(const struct pool_settings *s, char *err, size_t len)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), bs = s->v[SF_SIZE];
	char a[32], b[32];

	if (!bs || bs % page)
		snprintf(err, len, "size %llu is not a multiple of the page size (%llu)",
			 (unsigned long long)bs, (unsigned long long)page);
	else if (bs > MEMOPT_BLOCK_SIZE_MAX)
		snprintf(err, len, "size %s is above the largest block size, %s",
			 format_size(bs, a, sizeof(a)),
			 format_size(MEMOPT_BLOCK_SIZE_MAX, b, sizeof(b)));
	else if (s->v[SF_MAX] && s->v[SF_MIN] > s->v[SF_MAX])
		snprintf(err, len, "min %llu exceeds max %llu", (unsigned long long)s->v[SF_MIN],
			 (unsigned long long)s->v[SF_MAX]);
	else if (!s->v[SF_GROWTH_WINDOW])
		snprintf(err, len, "growth-window must be at least 1s");
	else
		return 0;
	return -EINVAL;
}

const char *pool_field_format(enum pool_field f, uint64_t v, char *buf, size_t len)
{
	switch (fields[f].kind) {
	case K_BLOCK_SIZE:
		return format_size(v, buf, len);
	case K_GROWTH:
		if (!v)
			break;
		return format_size(v, buf, len);
	case K_AGE:
	case K_WINDOW:
		return format_duration(v, buf, len);	/* "off" for 0 */
	case K_PERCENT:
		if (!v)
			break;
		snprintf(buf, len, "%llu%%", (unsigned long long)v);
		return buf;
	case K_MODE:
		snprintf(buf, len, "%04llo", (unsigned long long)v);
		return buf;
	case K_BLOCKS:
		if (!v && f == SF_MAX) {
			snprintf(buf, len, "none");
			return buf;
		}
		/* fall through */
	case K_USER:
	case K_GROUP:
		snprintf(buf, len, "%llu", (unsigned long long)v);
		return buf;
	}
	snprintf(buf, len, "off");
	return buf;
}

uint64_t pool_field_of(json_object *pool, enum pool_field f)
{
	return jnum(pool, fields[f].json);
}

unsigned int pool_settings_diff(const struct pool_settings *s, json_object *pool,
				unsigned int mask)
{
	unsigned int diff = 0;
	int f;

	for (f = 0; f < SF_COUNT; f++)
		if ((mask & SF_BIT(f)) && s->v[f] != pool_field_of(pool, f))
			diff |= SF_BIT(f);
	return diff;
}

int pool_name_check(const char *name, char *err, size_t len)
{
	const char *c;

	for (c = name; *c; c++) {
		if (*c <= ' ' || *c > '~') {
			snprintf(err, len, "pool name \"%s\" is not printable ASCII without blanks",
				 name);
			return -EINVAL;
		}
	}
	if (!*name || c - name >= MEMOPT_POOL_NAME_SIZE) {
		snprintf(err, len, "pool name \"%s\" is not 1 to %d characters long", name,
			 MEMOPT_POOL_NAME_SIZE - 1);
		return -EINVAL;
	}
	if (!strncmp(name, "pool", 4) && name[4] && strspn(name + 4, "0123456789") ==
	    strlen(name + 4)) {
		snprintf(err, len, "pool name \"%s\": names of the form pool<N> are reserved for unnamed pools",
			 name);
		return -EINVAL;
	}
	return 0;
}
