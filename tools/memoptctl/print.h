/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memoptctl's printing layer: every command turns the kernel's replies into
 * JSON objects first; -j prints them (out_json()), and the text renderers
 * read the same objects through these accessors, so both outputs always
 * say the same thing. Tables are aligned here.
 */
#ifndef _MEMOPTCTL_PRINT_H
#define _MEMOPTCTL_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <json-c/json.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Member @key of @o, or NULL (also when @o is NULL). */
json_object *jget(json_object *o, const char *key);
/* Its value as a number (0 when absent or null). */
uint64_t jnum(json_object *o, const char *key);
/* Its value as a string ("" when absent or null). */
const char *jstr(json_object *o, const char *key);
bool jbool(json_object *o, const char *key);
/* A ratio member: its value, or -1 when absent or null. */
double jratio(json_object *o, const char *key);
/* Member of the "stats" object of a pool. */
uint64_t jstat(json_object *pool, const char *key);

void jset_u64(json_object *o, const char *key, uint64_t v);
void jset_str(json_object *o, const char *key, const char *s);
void jset_bool(json_object *o, const char *key, bool v);
/* A ratio, with six significant digits; null when @ratio < 0 (undefined). */
void jset_ratio(json_object *o, const char *key, double ratio);

/* num / den, or -1 when @den is 0. */
double ratio_of(uint64_t num, uint64_t den);

/* An aligned table of text cells. */
struct table;

struct table *table_new(const char *const *head, size_t ncols);
/* Append a row: @ncols cells (copied). */
void table_row(struct table *t, char *const *cells);
size_t table_rows(const struct table *t);
/* Print it: header, then rows; cells left-aligned, two spaces apart. */
void table_print(const struct table *t, FILE *f);
void table_free(struct table *t);

/* The buffer/proc/leak record @o's pool: its name, or "#ID" when unknown. */
const char *pool_label(json_object *o, char *buf, size_t len);
/* The strings of array @arr joined with ",", or @empty when there are none. */
const char *join_strings(json_object *arr, const char *empty, char *buf, size_t len);

/*
 * Write @path through a temporary file renamed over it, so a reader never
 * sees half of it: @fill writes the content. @what prefixes the path in
 * error messages ("the snapshot " or ""). 0, or -errno (printed).
 */
int write_atomic(const char *path, const char *what, void (*fill)(FILE *f, void *arg),
		 void *arg);

/*
 * Errors and warnings, on standard error: "Error: <where><message>." where
 * <where> is what error_where() last set ("" by default; batch mode sets
 * "FILE:LINE: " for each line it runs). @fmt has no final period.
 */
void errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warnf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Set the prefix of errors and warnings (copied; NULL for none). */
void error_where(const char *where);
/* How many errors errorf() has printed so far. */
unsigned long error_count(void);

/* A buffer for one cell of a row being built (see table_row). */
#define CELL_LEN 64

#endif
