// SPDX-License-Identifier: GPL-2.0
/*
 * memoptctl buf [list] [--pool POOL] [--pid PID] [--label LABEL]
 *                      [--min-age DURATION]
 *
 * Live buffers from the leak ledger (MEMOPT_CMD_BUF_GET), filtered by the
 * kernel: one row each with its owner, age, label, leak suspicions and
 * holders; -j gives every field (attrs.c).
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

static void buf_row(struct table *t, json_object *b)
{
	char cell[8][CELL_LEN], holders[512], *row[8] = {
		cell[0], cell[1], cell[2], cell[3], cell[4], cell[5], cell[6], holders,
	};

	snprintf(cell[0], CELL_LEN, "%llu", (unsigned long long)jnum(b, "id"));
	pool_label(b, cell[1], CELL_LEN);
	format_size(jnum(b, "size"), cell[2], CELL_LEN);
	snprintf(cell[3], CELL_LEN, "%llu (%s%s)", (unsigned long long)jnum(b, "owner_pid"),
		 jstr(b, "owner_comm"), jbool(b, "owner_exited") ? ", exited" : "");
	format_age(jnum(b, "age_ms"), cell[4], CELL_LEN);
	snprintf(cell[5], CELL_LEN, "%s", jget(b, "label") ? jstr(b, "label") : "-");
	join_strings(jget(b, "suspect"), "-", cell[6], CELL_LEN);	/* "age,orphan" */
	holders_text(jget(b, "holders"), holders, sizeof(holders));
	table_row(t, row);
}

static void buf_table(json_object *bufs)
{
	static const char *const head[] = {
		"ID", "POOL", "SIZE", "OWNER", "AGE", "LABEL", "SUSPECT", "HOLDERS",
	};
	struct table *t = table_new(head, ARRAY_SIZE(head));
	size_t i, n = json_object_array_length(bufs);

	for (i = 0; i < n; i++)
		buf_row(t, json_object_array_get_idx(bufs, i));
	table_print(t, stdout);
	table_free(t);
}

struct buf_opts {
	const char *pool;
	struct buf_filter f;
};

static int buf_parse_opt(int c, const char *arg, struct buf_opts *o)
{
	uint64_t v;

	switch (c) {
	case 'P':
		o->pool = arg;
		return 0;
	case 'p':
		if (parse_uint(arg, INT32_MAX, &v) || !v)
			return usage_error("buf", "--pid \"%s\" is not a process id", arg);
		o->f.pid = (uint32_t)v;
		return 0;
	case 'l':
		if (!*arg || strlen(arg) >= MEMOPT_LABEL_SIZE)
			return usage_error("buf", "--label \"%s\" is not a label (1 to %d characters)",
					   arg, MEMOPT_LABEL_SIZE - 1);
		o->f.label = arg;
		return 0;
	case 'a':
		if (parse_duration_ms(arg, &o->f.min_age_ms))
			return usage_error("buf", "--min-age \"%s\" is not a duration (500ms, 30s, 5m, 2h)",
					   arg);
		return 0;
	}
	return EXIT_USAGE;
}

static int buf_parse(int argc, char **argv, struct buf_opts *o)
{
	static const struct option lopts[] = {
		{ "pool", required_argument, NULL, 'P' },
		{ "pid", required_argument, NULL, 'p' },
		{ "label", required_argument, NULL, 'l' },
		{ "min-age", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	int c, ret;

	getopt_reset();
	while ((c = getopt_long(argc, argv, "+:", lopts, NULL)) != -1) {
		if (c == '?' || c == ':')
			return option_error("buf", "buf list", c, getopt_arg(argc, argv));
		ret = buf_parse_opt(c, optarg, o);
		if (ret)
			return ret;
	}
	if (optind < argc)
		return arg_error("buf", argv[optind]);
	return 0;
}

static int buf_list(struct mctl *m, struct buf_opts *o)
{
	json_object *pools = json_object_new_array(), *bufs = json_object_new_array();
	int ret;

	ret = fetch_pools(m, pools);
	if (!ret && o->pool)
		ret = pool_select_id(m, o->pool, "--pool", &o->f.pool_id);
	if (!ret)
		ret = fetch_bufs(m, &o->f, pools, bufs);
	if (!ret && opts.json)
		out_json(json_object_get(bufs));
	else if (!ret && json_object_array_length(bufs))
		buf_table(bufs);
	else if (!ret)
		printf("no buffers\n");
	json_object_put(bufs);
	json_object_put(pools);
	return ret ? EXIT_FAIL : EXIT_OK;
}

static void buf_usage(FILE *f)
{
	fprintf(f,
		"Usage: memoptctl buf list [--pool POOL] [--pid PID] [--label LABEL]\n"
		"                          [--min-age DURATION]\n"
		"Live buffers: id, pool, size, owner, age, label, leak suspicions, holders\n"
		"(\"memoptctl buf\" alone is \"buf list\"). DURATION: 500ms, 30, 30s, 5m, 2h, 1d\n"
		"(units in lower case). Without CAP_SYS_ADMIN, only your own.\n");
}

int do_buf(int argc, char **argv)
{
	struct buf_opts o = { 0 };
	struct mctl m = { 0 };
	int ret;

	if (argc > 0 && !strcmp(argv[0], "help")) {
		buf_usage(stdout);
		return EXIT_OK;
	}
	if (argc > 0 && argv[0][0] != '-' && strcmp(argv[0], "list")) {
		errorf("unknown command \"%s\" for object \"buf\"", argv[0]);
		buf_usage(stderr);
		return EXIT_USAGE;
	}
	if (argc > 0 && !strcmp(argv[0], "list"))
		ret = buf_parse(argc, argv, &o);
	else
		ret = buf_parse(argc + 1, argv - 1, &o);
	if (ret)
		return ret;
	if (mctl_open(&m))
		return EXIT_FAIL;
	ret = buf_list(&m, &o);
	mctl_close(&m);
	return ret;
}
