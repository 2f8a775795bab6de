/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A pool's settings, the values "pool create" and "pool set" take and pool
 * files (conf.c) give: one table of their names, JSON keys, netlink
 * attributes, parsers, limits and defaults, so that the options, the file
 * format and the comparison with what the kernel has never disagree.
 */
#ifndef _MEMOPTCTL_SETTINGS_H
#define _MEMOPTCTL_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

enum pool_field {
	SF_SIZE,		/* block size, bytes: create only */
	SF_MIN,
	SF_MAX,
	SF_WATERMARK,
	SF_LEAK_AGE,
	SF_GROWTH,
	SF_GROWTH_WINDOW,
	SF_UID,
	SF_GID,
	SF_MODE,
	SF_COUNT
};

#define SF_BIT(f)	(1U << (f))
#define SF_ALL		(SF_BIT(SF_COUNT) - 1)

/* Values of the fields in @given; the others are meaningless. */
struct pool_settings {
	uint64_t v[SF_COUNT];
	unsigned int given;
};

/* Its name in pool files, and its option without "--": "leak-age". */
const char *pool_field_key(enum pool_field f);
/* Its key in the JSON of a pool: "leak_age". */
const char *pool_field_json(enum pool_field f);
/* Its netlink attribute, MEMOPT_A_POOL_*. */
int pool_field_attr(enum pool_field f);
/* The field named @key in pool files, or -1. */
int pool_field_lookup(const char *key);

/*
 * Parse @arg as field @f into @s (and mark it given). On failure, -EINVAL
 * and the reason in @err, naming the field as "--key" when @option, else
 * as "key": '--min "x" is not a number of blocks'. Only the syntax and the
 * type's range are checked; the kernel checks the rest (see
 * pool_settings_check()).
 */
int pool_field_parse(enum pool_field f, const char *arg, bool option,
		     struct pool_settings *s, char *err, size_t len);

/* What "pool create" gives a field left out (uid, gid: the caller's). */
uint64_t pool_field_default(enum pool_field f);
/* Give every field not given its default. */
void pool_settings_fill(struct pool_settings *s);

/*
 * What the kernel would refuse in complete settings @s: a block size that
 * is no multiple of the page size or above 4 MiB, min above max, a growth
 * window of 0. 0, or -EINVAL with the reason in @err.
 */
int pool_settings_check(const struct pool_settings *s, char *err, size_t len);

/* @v of field @f for people: "4 KiB", "none", "80%", "5m", "off", "0660". */
const char *pool_field_format(enum pool_field f, uint64_t v, char *buf, size_t len);
/* The value of field @f in @pool, a pool as JSON (attrs.c). */
uint64_t pool_field_of(json_object *pool, enum pool_field f);
/* The fields of @s (those in @mask) that differ from @pool's. */
unsigned int pool_settings_diff(const struct pool_settings *s, json_object *pool,
				unsigned int mask);

/*
 * A pool name as the kernel takes it: 1 to 31 printable ASCII characters,
 * no blank, and not "pool<N>" (kept for unnamed pools). 0, or -EINVAL with
 * the reason in @err.
 */
int pool_name_check(const char *name, char *err, size_t len);

#endif
