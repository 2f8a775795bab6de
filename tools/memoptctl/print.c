// SPDX-License-Identifier: GPL-2.0
/*
 * memoptctl's printing layer: JSON accessors for the text renderers, and
 * aligned tables. See print.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "print.h"

static char where[4096];
static unsigned long errors;

void error_where(const char *w)
{
	snprintf(where, sizeof(where), "%s", w ? w : "");
}

unsigned long error_count(void)
{
	return errors;
}

static void vreport(const char *kind, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: %s", kind, where);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, ".\n");
}

void errorf(const char *fmt, ...)
{
	va_list ap;

	errors++;
	va_start(ap, fmt);
	vreport("Error", fmt, ap);
	va_end(ap);
}

void warnf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("Warning", fmt, ap);
	va_end(ap);
}

json_object *jget(json_object *o, const char *key)
{
	json_object *v;

	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

uint64_t jnum(json_object *o, const char *key)
{
	json_object *v = jget(o, key);

	return v ? json_object_get_uint64(v) : 0;
}

const char *jstr(json_object *o, const char *key)
{
	json_object *v = jget(o, key);

	return v ? json_object_get_string(v) : "";
}

bool jbool(json_object *o, const char *key)
{
	json_object *v = jget(o, key);

	return v && json_object_get_boolean(v);
}

double jratio(json_object *o, const char *key)
{
	json_object *v = jget(o, key);

	return v ? json_object_get_double(v) : -1;
}

uint64_t jstat(json_object *pool, const char *key)
{
	return jnum(jget(pool, "stats"), key);
}

void jset_u64(json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
}

void jset_str(json_object *o, const char *key, const char *s)
{
	json_object_object_add(o, key, s ? json_object_new_string(s) : NULL);
}

void jset_bool(json_object *o, const char *key, bool v)
{
	json_object_object_add(o, key, json_object_new_boolean(v));
}

void jset_ratio(json_object *o, const char *key, double ratio)
{
	char s[32];

	if (ratio < 0) {
		json_object_object_add(o, key, NULL);
		return;
	}
	snprintf(s, sizeof(s), "%.6g", ratio);
	json_object_object_add(o, key, json_object_new_double_s(ratio, s));
}

double ratio_of(uint64_t num, uint64_t den)
{
	return den ? (double)num / (double)den : -1;
}

struct table {
	size_t ncols;
	size_t nrows;
	size_t cap;
	char **cells;		/* nrows * ncols, row by row; row 0 is the header */
	size_t *width;
};

struct table *table_new(const char *const *head, size_t ncols)
{
	struct table *t = calloc(1, sizeof(*t));

	if (!t)
		abort();
	t->ncols = ncols;
	t->width = calloc(ncols, sizeof(*t->width));
	if (!t->width)
		abort();
	table_row(t, (char *const *)head);
	return t;
}

void table_row(struct table *t, char *const *cells)
{
	size_t c;

	if (t->nrows == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->cells = realloc(t->cells, t->cap * t->ncols * sizeof(*t->cells));
		if (!t->cells)
			abort();
	}
	for (c = 0; c < t->ncols; c++) {
		char *s = strdup(cells[c]);

		if (!s)
			abort();
		t->cells[t->nrows * t->ncols + c] = s;
		if (strlen(s) > t->width[c])
			t->width[c] = strlen(s);
	}
	t->nrows++;
}

size_t table_rows(const struct table *t)
{
	return t->nrows - 1;
}

void table_print(const struct table *t, FILE *f)
{
	size_t r, c;

	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];

			if (c == t->ncols - 1)
				fprintf(f, "%s\n", s);
			else
				fprintf(f, "%-*s  ", (int)t->width[c], s);
		}
	}
}

void table_free(struct table *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->width);
	free(t);
}

int write_atomic(const char *path, const char *what, void (*fill)(FILE *f, void *arg),
		 void *arg)
{
	char tmp[4096];
	FILE *f;
	int err = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(tmp)) {
		errorf("cannot write %s\"%s\": %s", what, path, strerror(ENAMETOOLONG));
		return -ENAMETOOLONG;
	}
	f = fopen(tmp, "w");
	if (!f) {
		err = errno;
		errorf("cannot write %s\"%s\": %s", what, tmp, strerror(err));
		return -err;
	}
	fill(f, arg);
	if (ferror(f))
		err = EIO;
	if (fclose(f) && !err)
		err = errno;
	if (!err && rename(tmp, path))
		err = errno;
	if (err) {
		errorf("cannot write %s\"%s\": %s", what, path, strerror(err));
		unlink(tmp);
		return -err;
	}
	return 0;
}

const char *pool_label(json_object *o, char *buf, size_t len)
{
	if (jget(o, "pool"))
		snprintf(buf, len, "%s", jstr(o, "pool"));
	else
		snprintf(buf, len, "#%llu", (unsigned long long)jnum(o, "pool_id"));
	return buf;
}

const char *join_strings(json_object *arr, const char *empty, char *buf, size_t len)
{
	size_t i, n = arr ? json_object_array_length(arr) : 0, off = 0;

	snprintf(buf, len, "%s", empty);
	for (i = 0; i < n && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? "," : "",
				json_object_get_string(json_object_array_get_idx(arr, i)));
	return buf;
}
