// SPDX-License-Identifier: GPL-2.0
/*
 * memoptctl: control memopt.ko over its generic netlink family.
 *
 * Grammar: memoptctl [OPTIONS] OBJECT COMMAND [ARGS]
 * Exit status: 0 success, 1 the operation failed, 2 usage error; 3 and 4
 * for "leak diff" and "pool destroy --wait" (memoptctl.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <linux/memopt.h>

#include "memoptctl.h"
#include "nl.h"

#ifndef MEMOPT_VERSION
#define MEMOPT_VERSION "0.0.0"
#endif

struct opts opts;

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: memoptctl [OPTIONS] OBJECT COMMAND [ARGS]\n"
		"where  OBJECT := { pool | stats | buf | proc | leak | monitor | module }\n"
		"       OPTIONS := { -j[son] | -p[retty] | -V[ersion] | -h[elp] }\n"
		"\n"
		"       memoptctl pool { create | list | show | set | destroy | help }\n"
		"       memoptctl stats [POOL] [--watch DURATION] [--format text|json|prometheus]\n"
		"                       [--output FILE]\n"
		"       memoptctl buf list [--pool POOL] [--pid PID] [--label LABEL] [--min-age DURATION]\n"
		"       memoptctl proc [--pool POOL] [--pid PID] [--sort bytes|buffers|peak|age|pid]\n"
		"       memoptctl leak { report [--all] | snapshot FILE | diff FILE }\n"
		"       memoptctl monitor [--count N] [--timestamp]\n"
		"       memoptctl module show\n"
		"\n"
		"Exit status: 0 success, 1 the operation failed, 2 usage error; \"leak diff\"\n"
		"exits 3 when holdings grew, \"pool destroy --wait\" 4 when it timed out.\n");
}

int json_flags(void)
{
	return JSON_C_TO_STRING_NOSLASHESCAPE |
	       (opts.pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED :
			      JSON_C_TO_STRING_PLAIN);
}

void out_json(json_object *o)
{
	printf("%s\n", json_object_to_json_string_ext(o, json_flags()));
	json_object_put(o);
}

int usage_error(const char *object, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "Error: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ".\nTry \"memoptctl %s help\".\n", object);
	return EXIT_USAGE;
}

int option_error(const char *object, const char *cmd, int c, const char *arg)
{
	if (c == ':')
		return usage_error(object, "option \"%s\" needs a value", arg);
	return usage_error(object, "unknown option \"%s\" for \"%s\"", arg, cmd);
}

/* module show: is memopt.ko loaded, and what does it offer. */
static int module_show(void)
{
	struct mctl m = { 0 };
	json_object *o;
	struct stat st;
	bool dev;

	if (mctl_open(&m))
		return EXIT_FAIL;
	dev = stat("/dev/" MEMOPT_DEVICE_NAME, &st) == 0 && S_ISCHR(st.st_mode);
	o = json_object_new_object();
	json_object_object_add(o, "family", json_object_new_string(MEMOPT_GENL_NAME));
	json_object_object_add(o, "family_id", json_object_new_int(m.family));
	json_object_object_add(o, "monitor_group",
			       m.monitor_grp >= 0 ? json_object_new_int(m.monitor_grp) : NULL);
	json_object_object_add(o, "device", dev ? json_object_new_string("/dev/" MEMOPT_DEVICE_NAME)
						: NULL);
	if (opts.json) {
		out_json(o);
	} else {
		printf("module memopt loaded\n");
		printf("  netlink family %s id %d", MEMOPT_GENL_NAME, m.family);
		if (m.monitor_grp >= 0)
			printf(" monitor group %d", m.monitor_grp);
		printf("\n");
		if (dev)
			printf("  device /dev/%s (%u:%u)\n", MEMOPT_DEVICE_NAME,
			       major(st.st_rdev), minor(st.st_rdev));
		else
			printf("  device /dev/%s missing\n", MEMOPT_DEVICE_NAME);
		json_object_put(o);
	}
	mctl_close(&m);
	return EXIT_OK;
}

int do_module(int argc, char **argv)
{
	if (argc < 1 || !strcmp(argv[0], "show")) {
		if (argc > 1)
			return usage_error("module", "unexpected argument \"%s\"", argv[1]);
		return module_show();
	}
	if (!strcmp(argv[0], "help")) {
		printf("Usage: memoptctl module show\n");
		return EXIT_OK;
	}
	fprintf(stderr, "Error: unknown command \"%s\" for object \"module\".\n", argv[0]);
	usage(stderr);
	return EXIT_USAGE;
}

static int do_object(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int argc, char **argv);
	} objects[] = {
		{ "pool", do_pool }, { "stats", do_stats }, { "buf", do_buf },
		{ "proc", do_proc }, { "leak", do_leak }, { "monitor", do_monitor },
		{ "module", do_module },
	};
	unsigned int i;

	for (i = 0; i < sizeof(objects) / sizeof(objects[0]); i++)
		if (!strcmp(argv[0], objects[i].name))
			return objects[i].fn(argc - 1, argv + 1);
	if (!strcmp(argv[0], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	fprintf(stderr, "Error: unknown object \"%s\".\n", argv[0]);
	usage(stderr);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "json",    no_argument, NULL, 'j' },
		{ "pretty",  no_argument, NULL, 'p' },
		{ "version", no_argument, NULL, 'V' },
		{ "help",    no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "+jpVh", lopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			opts.json = true;
			break;
		case 'p':
			opts.pretty = true;
			break;
		case 'V':
			printf("memoptctl %s\n", MEMOPT_VERSION);
			return EXIT_OK;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	return do_object(argc, argv);
}
