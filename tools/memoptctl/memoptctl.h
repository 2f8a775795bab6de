/* SPDX-License-Identifier: GPL-2.0 */
/* memoptctl: what its parts share. */
#ifndef _MEMOPTCTL_H
#define _MEMOPTCTL_H

#include <stdbool.h>
#include <json-c/json.h>

/*
 * Exit status, documented in Documentation/memoptctl.rst and README.md:
 * EXIT_GREW from "leak diff" when holdings grew since the snapshot,
 * EXIT_TIMEOUT from "pool destroy --wait --timeout" when the pool outlived
 * the timeout. "apply" exits EXIT_USAGE for a bad file, "-batch" with the
 * status of the first command that failed.
 */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_GREW = 3, EXIT_TIMEOUT = 4 };

/* Global options. */
struct opts {
	bool json;
	bool pretty;
};

extern struct opts opts;

/* Print @o as JSON (pretty with -p) and drop the reference. */
void out_json(json_object *o);
/* The json-c flags out_json() prints with. */
int json_flags(void);
/* Usage errors: "Error: ..." on stderr, then a hint. */
int usage_error(const char *object, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * A usage error for what getopt_long() returned as @c ('?' or ':' with an
 * optstring starting with ':'): "unknown option" or "needs a value". @arg
 * is the offending argument (getopt_arg()), @cmd the command's words.
 */
int option_error(const char *object, const char *cmd, int c, const char *arg);
/* The argument getopt_long() stopped at with '?' or ':' (for option_error). */
const char *getopt_arg(int argc, char **argv);

/*
 * A usage error for an argument a command does not take: a global option
 * in the wrong place ("global options go before the object"), else
 * "unexpected argument".
 */
int arg_error(const char *object, const char *arg);
/* Is @arg one of the global options (-j, --json, -json, -jp, ...)? */
bool is_global_option(const char *arg);

/*
 * Before a command's getopt_long() loop: forget every earlier parse (glibc
 * keeps state between calls: where it was in a cluster of short options,
 * and whether to permute), and let the command report errors itself.
 */
void getopt_reset(void);

/* OBJECT handlers: argv[0] is the COMMAND (or the first argument). */
int do_pool(int argc, char **argv);
int do_module(int argc, char **argv);
int do_stats(int argc, char **argv);
int do_buf(int argc, char **argv);
int do_proc(int argc, char **argv);
int do_leak(int argc, char **argv);
int do_monitor(int argc, char **argv);
int do_apply(int argc, char **argv);

/* Run memoptctl's OBJECT COMMAND ARGS; argv[0] is the OBJECT. */
int do_object(int argc, char **argv);
/* memoptctl -batch FILE [-force]: each line of FILE ("-": stdin). */
int do_batch(const char *path, bool force);

#endif
