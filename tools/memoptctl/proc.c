// SPDX-License-Identifier: GPL-2.0
/*
 * memoptctl proc [list] [--pool POOL] [--pid PID]
 *                       [--sort bytes|buffers|peak|age|pid]
 *
 * The ledger's per-process figures (MEMOPT_CMD_PROC_GET): one row per
 * process and pool, sorted (report.c), most bytes first by default.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <linux/memopt.h>

#include "attrs.h"
#include "memoptctl.h"
#include "nl.h"
#include "print.h"
#include "report.h"
#include "units.h"

static void proc_row(struct table *t, json_object *p)
{
	char cell[11][CELL_LEN], sz[32], *row[11];
	unsigned int c;

	for (c = 0; c < 11; c++)
		row[c] = cell[c];
	snprintf(cell[0], CELL_LEN, "%llu", (unsigned long long)jnum(p, "pid"));
	snprintf(cell[1], CELL_LEN, "%s", jstr(p, "comm"));
	pool_label(p, cell[2], CELL_LEN);
	snprintf(cell[3], CELL_LEN, "%llu", (unsigned long long)jnum(p, "buffers"));
	format_size(jnum(p, "bytes"), cell[4], CELL_LEN);
	format_size(jnum(p, "peak_bytes"), cell[5], CELL_LEN);
	snprintf(cell[6], CELL_LEN, "%llu", (unsigned long long)jnum(p, "allocs"));
	snprintf(cell[7], CELL_LEN, "%llu", (unsigned long long)jnum(p, "frees"));
	if (jget(p, "oldest_ms"))
		format_age(jnum(p, "oldest_ms"), cell[8], CELL_LEN);
	else
		snprintf(cell[8], CELL_LEN, "-");
	snprintf(cell[9], CELL_LEN, "%s", jbool(p, "exited") ? "yes" : "no");
	if (jget(p, "growth"))
		snprintf(cell[10], CELL_LEN, "growth (+%s)",
			 format_size(jnum(p, "growth"), sz, sizeof(sz)));
	else if (json_object_array_length(jget(p, "suspect")))
		snprintf(cell[10], CELL_LEN, "growth");
	else
		snprintf(cell[10], CELL_LEN, "-");
	table_row(t, row);
}

static void proc_table(json_object *procs)
{
	static const char *const head[] = {
		"PID", "COMM", "POOL", "BUFFERS", "BYTES", "PEAK", "ALLOCS", "FREES", "OLDEST",
		"EXITED", "SUSPECT",
	};
	struct table *t = table_new(head, ARRAY_SIZE(head));
	size_t i, n = json_object_array_length(procs);

	for (i = 0; i < n; i++)
		proc_row(t, json_object_array_get_idx(procs, i));
	table_print(t, stdout);
	table_free(t);
}

struct proc_opts {
	const char *pool;
	uint32_t pool_id;
	uint32_t pid;
	const char *sort;
};

static int proc_parse(int argc, char **argv, struct proc_opts *o)
{
	static const struct option lopts[] = {
		{ "pool", required_argument, NULL, 'P' },
		{ "pid", required_argument, NULL, 'p' },
		{ "sort", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	json_object *probe;
	uint64_t v;
	int c, bad;

	getopt_reset();
	while ((c = getopt_long(argc, argv, "+:", lopts, NULL)) != -1) {
		if (c == 'P') {
			o->pool = optarg;
		} else if (c == 'p') {
			if (parse_uint(optarg, INT32_MAX, &v) || !v)
				return usage_error("proc", "--pid \"%s\" is not a process id", optarg);
			o->pid = (uint32_t)v;
		} else if (c == 's') {
			o->sort = optarg;
		} else {
			return option_error("proc", "proc", c, getopt_arg(argc, argv));
		}
	}
	if (optind < argc)
		return arg_error("proc", argv[optind]);
	if (!o->sort)
		return 0;
	probe = json_object_new_array();
	bad = procs_sort(probe, o->sort);
	json_object_put(probe);
	return bad ? usage_error("proc", "--sort \"%s\" is not bytes, buffers, peak, age or pid",
				 o->sort) : 0;
}

static int proc_list(struct mctl *m, struct proc_opts *o)
{
	json_object *pools = json_object_new_array(), *procs = json_object_new_array();
	int ret;

	ret = fetch_pools(m, pools);
	if (!ret && o->pool)
		ret = pool_select_id(m, o->pool, "--pool", &o->pool_id);
	if (!ret)
		ret = fetch_procs(m, o->pool_id, o->pid, pools, procs);
	if (!ret)
		procs_sort(procs, o->sort ? o->sort : "bytes");
	if (!ret && opts.json)
		out_json(json_object_get(procs));
	else if (!ret && json_object_array_length(procs))
		proc_table(procs);
	else if (!ret)
		printf("no processes hold buffers\n");
	json_object_put(procs);
	json_object_put(pools);
	return ret ? EXIT_FAIL : EXIT_OK;
}

static void proc_usage(FILE *f)
{
	fprintf(f,
		"Usage: memoptctl proc [list] [--pool POOL] [--pid PID]\n"
		"                             [--sort bytes|buffers|peak|age|pid]\n"
		"Per process and pool: live buffers and bytes, peak bytes, allocations, frees,\n"
		"the oldest buffer's age, whether it exited, growth suspicion. Sorted by bytes\n"
		"(most first) unless --sort says otherwise. Without CAP_SYS_ADMIN, only yours.\n");
}

int do_proc(int argc, char **argv)
{
	struct proc_opts o = { 0 };
	struct mctl m = { 0 };
	int ret;

	if (argc > 0 && !strcmp(argv[0], "help")) {
		proc_usage(stdout);
		return EXIT_OK;
	}
	if (argc > 0 && argv[0][0] != '-' && strcmp(argv[0], "list")) {
		errorf("unknown command \"%s\" for object \"proc\"", argv[0]);
		proc_usage(stderr);
		return EXIT_USAGE;
	}
	if (argc > 0 && !strcmp(argv[0], "list"))
		ret = proc_parse(argc, argv, &o);
	else
		ret = proc_parse(argc + 1, argv - 1, &o);
	if (ret)
		return ret;
	if (mctl_open(&m))
		return EXIT_FAIL;
	ret = proc_list(&m, &o);
	mctl_close(&m);
	return ret;
}
