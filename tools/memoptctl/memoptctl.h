/* SPDX-License-Identifier: GPL-2.0 */
/* memoptctl: what its parts share. */
#ifndef _MEMOPTCTL_H
#define _MEMOPTCTL_H

#include <stdbool.h>
#include <json-c/json.h>

/* Exit status: documented in memoptctl(8) and README.md. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* Global options. */
struct opts {
	bool json;
	bool pretty;
};

extern struct opts opts;

/* Print @o as JSON (pretty with -p) and drop the reference. */
void out_json(json_object *o);
/* Usage errors: "Error: ..." on stderr, then a hint. */
int usage_error(const char *object, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

int do_pool(int argc, char **argv);
int do_module(int argc, char **argv);

#endif
