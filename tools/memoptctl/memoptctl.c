// SPDX-License-Identifier: GPL-2.0
/*
 * memoptctl: control memopt.ko over its generic netlink family.
 *
 * Grammar: memoptctl [OPTIONS] OBJECT COMMAND [ARGS], or
 * memoptctl [OPTIONS] -batch FILE [-force] for one command a line of FILE
 * (batch.c). Global options are parsed as ip parses them: one dash or
 * two, shortened or not (getopt_long_only()).
 * Exit status: 0 success, 1 the operation failed, 2 usage error; 3 and 4
 * for "leak diff" and "pool destroy --wait --timeout" (memoptctl.h).
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
#include "print.h"

#ifndef MEMOPT_VERSION
#define MEMOPT_VERSION "0.0.0"
#endif

struct opts opts;

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: memoptctl [OPTIONS] OBJECT COMMAND [ARGS]\n"
		"       memoptctl [OPTIONS] -b[atch] FILE [-force]\n"
		"where  OBJECT := { pool | stats | buf | proc | leak | monitor | module | apply }\n"
		"       OPTIONS := { -j[son] | -p[retty] | -V[ersion] | -h[elp] | -b[atch] FILE | -force }\n"
		"\n"
		"       memoptctl pool { create | list | show | set | destroy | help }\n"
		"       memoptctl stats [POOL] [-w|--watch DURATION]\n"
		"                       [-f|--format text|json|prometheus] [-o|--output FILE]\n"
		"       memoptctl buf list [--pool POOL] [--pid PID] [--label LABEL] [--min-age DURATION]\n"
		"       memoptctl proc [--pool POOL] [--pid PID] [--sort bytes|buffers|peak|age|pid]\n"
		"       memoptctl leak { report [--all] | snapshot FILE | diff FILE }\n"
		"       memoptctl monitor [-c|--count N] [-t|--timestamp]\n"
		"       memoptctl module show\n"
		"       memoptctl apply FILE [--dry-run] [--prune]\n"
		"\n"
		"Without a COMMAND, pool lists, module shows, buf and proc list, leak reports.\n"
		"Global options go before the OBJECT, with one dash or two, and may be\n"
		"shortened: -j, -json, --json. -batch runs FILE's lines (\"-\": standard input)\n"
		"as commands over one netlink socket, and stops at the first that fails\n"
		"unless -force is given. SIZE: 4096, 4k, 64K, 2M; the units b, k, kb, kib, m,\n"
		"mb, mib, g, gb, gib (any case) are powers of 1024. DURATION: 90, 30s, 5m, 2h,\n"
		"1d (units in lower case); --watch and --timeout take 1s to 7d.\n"
		"\n"
		"Exit status: 0 success, 1 the operation failed, 2 usage error or bad file;\n"
		"\"leak diff\" exits 3 when holdings grew, \"pool destroy --wait --timeout\" 4\n"
		"when the pool was still held at the timeout; -batch, the status of the first\n"
		"command that failed.\n");
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
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	errorf("%s", msg);
	fprintf(stderr, "Try \"memoptctl %s help\".\n", object);
	return EXIT_USAGE;
}

/* The long global options; "Version" so that -V[ersion] works as shown. */
static const char *const global_long[] = {
	"json", "pretty", "version", "Version", "help", "batch", "force",
};

bool is_global_option(const char *arg)
{
	const char *p = arg + 1 + (arg[1] == '-');
	unsigned int i;

	if (arg[0] != '-' || !*p)
		return false;
	for (i = 0; i < ARRAY_SIZE(global_long); i++)
		if (!strcmp(p, global_long[i]))
			return true;
	/* -j, -p, -V, -h and clusters of them; -b, -f */
	return p == arg + 1 && (strspn(p, "jpVh") == strlen(p) || !strcmp(p, "b") ||
				!strcmp(p, "f"));
}

int arg_error(const char *object, const char *arg)
{
	if (is_global_option(arg))
		return usage_error(object,
				   "global option \"%s\" after the object: global options go before it, as in \"memoptctl %s %s ...\"",
				   arg, arg, object);
	return usage_error(object, "unexpected argument \"%s\"", arg);
}

/*
 * The option getopt_long() stopped at: @arg, or "-x" for a short option in
 * a cluster ("-jx"), which getopt names in optopt only.
 */
static const char *option_name(int c, const char *arg, char *buf, size_t len)
{
	if (c != '?' || optopt <= ' ' || optopt >= 127 || strchr(arg, '='))
		return arg;
	snprintf(buf, len, "-%c", optopt);
	return buf;
}

int option_error(const char *object, const char *cmd, int c, const char *arg)
{
	char buf[8];

	if (c == ':')
		return usage_error(object, "option \"%s\" needs a value", arg);
	/* "--wait=3": a known option (optopt is its value) given a value. */
	if (optopt && strchr(arg, '='))
		return usage_error(object, "option \"%.*s\" takes no value",
				   (int)(strchr(arg, '=') - arg), arg);
	/* "-json" to a command's getopt_long() is -j -s -o -n: name it whole. */
	if (!is_global_option(arg))
		arg = option_name(c, arg, buf, sizeof(buf));
	if (is_global_option(arg))
		return arg_error(object, arg);
	return usage_error(object, "unknown option \"%s\" for \"%s\"", arg, cmd);
}

const char *getopt_arg(int argc, char **argv)
{
	const char *cur = argv[optind - 1];

	/* In a cluster ("-json"), an unknown letter leaves optind on it. */
	if (optopt > ' ' && optopt < 127 && optind < argc &&
	    !(cur[0] == '-' && cur[1] != '-' && strchr(cur + 1, optopt)))
		return argv[optind];
	return cur;
}

void getopt_reset(void)
{
	optind = 0;
	opterr = 0;
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
			return arg_error("module", argv[1]);
		return module_show();
	}
	if (!strcmp(argv[0], "help")) {
		printf("Usage: memoptctl module show\n"
		       "Whether memopt.ko is loaded, its netlink family and /dev/memopt\n"
		       "(\"memoptctl module\" alone is \"module show\"); exit 1 when it is not loaded.\n");
		return EXIT_OK;
	}
	if (is_global_option(argv[0]))
		return arg_error("module", argv[0]);
	errorf("unknown command \"%s\" for object \"module\"", argv[0]);
	usage(stderr);
	return EXIT_USAGE;
}

int do_object(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int argc, char **argv);
	} objects[] = {
		{ "pool", do_pool }, { "stats", do_stats }, { "buf", do_buf },
		{ "proc", do_proc }, { "leak", do_leak }, { "monitor", do_monitor },
		{ "module", do_module }, { "apply", do_apply },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(objects); i++)
		if (!strcmp(argv[0], objects[i].name))
			return objects[i].fn(argc - 1, argv + 1);
	if (!strcmp(argv[0], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (is_global_option(argv[0])) {
		/* Only a batch line gets here: main() took the others. */
		errorf("global option \"%s\" in a batch line: give it on memoptctl's command line, before -batch",
		       argv[0]);
		return EXIT_USAGE;
	}
	errorf("unknown object \"%s\"", argv[0]);
	usage(stderr);
	return EXIT_USAGE;
}

/* A usage error in the global options: the message, and where to look. */
static int global_error(const char *fmt, const char *arg)
{
	errorf(fmt, arg);
	fprintf(stderr, "Try \"memoptctl help\".\n");
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	/* getopt_long_only(): -json and -batch are --json and --batch, as in ip. */
	static const struct option lopts[] = {
		{ "json",    no_argument, NULL, 'j' },
		{ "pretty",  no_argument, NULL, 'p' },
		{ "version", no_argument, NULL, 'V' },
		{ "Version", no_argument, NULL, 'V' },
		{ "help",    no_argument, NULL, 'h' },
		{ "batch",   required_argument, NULL, 'b' },
		{ "force",   no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	const char *batch = NULL;
	bool force = false;
	char buf[8];
	int c;

	opterr = 0;
	while ((c = getopt_long_only(argc, argv, "+:jpVh", lopts, NULL)) != -1) {
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
		case 'b':
			batch = optarg;
			break;
		case 'f':
			force = true;
			break;
		case ':':
			return global_error("option \"%s\" needs a value", argv[optind - 1]);
		default:
			if (optopt && strchr(argv[optind - 1], '=')) {
				*strchr(argv[optind - 1], '=') = '\0';
				return global_error("option \"%s\" takes no value", argv[optind - 1]);
			}
			return global_error("unknown option \"%s\"",
					    option_name(c, argv[optind - 1], buf, sizeof(buf)));
		}
	}
	argc -= optind;
	argv += optind;
	if (force && !batch)
		return global_error("option \"%s\" goes with -batch FILE", "-force");
	if (batch && argc > 0)
		return global_error("-batch runs the commands in its FILE: no OBJECT after it (\"%s\")",
				    argv[0]);
	if (batch)
		return do_batch(batch, force);
	if (argc < 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	return do_object(argc, argv);
}
