// SPDX-License-Identifier: GPL-2.0
/*
 * memoptctl pool {create|list|show|set|destroy|help}
 *
 * Every reply is turned into a JSON object first (attrs.c); -j prints it,
 * and the text renderers below read the same object, so both outputs
 * always say the same thing. Text uses units people read; JSON has exact
 * numbers. Destroying, with its wait for the pool to be freed, is in
 * destroy.c. The options of create and set are the settings of
 * settings.c, which pool files (apply.c) share.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/memopt.h>

#include "attrs.h"
#include "memoptctl.h"
#include "nl.h"
#include "pool.h"
#include "print.h"
#include "settings.h"
#include "units.h"

/* "64 blocks, 256 KiB" */
static const char *blocks(uint64_t n, uint64_t block_size, char *buf, size_t len)
{
	char sz[32];

	snprintf(buf, len, "%llu block%s, %s", (unsigned long long)n, n == 1 ? "" : "s",
		 format_size(n * block_size, sz, sizeof(sz)));
	return buf;
}

/* "uid 0 (root), gid 0 (root), mode 0660" */
static const char *format_access(json_object *p, char *buf, size_t len)
{
	struct passwd *pw = getpwuid((uid_t)jnum(p, "uid"));
	struct group *gr = getgrgid((gid_t)jnum(p, "gid"));

	snprintf(buf, len, "uid %llu%s%s%s, gid %llu%s%s%s, mode %04llo",
		 (unsigned long long)jnum(p, "uid"), pw ? " (" : "", pw ? pw->pw_name : "",
		 pw ? ")" : "", (unsigned long long)jnum(p, "gid"), gr ? " (" : "",
		 gr ? gr->gr_name : "", gr ? ")" : "", (unsigned long long)jnum(p, "mode"));
	return buf;
}

/* "more than 16 KiB within 1m", or "off" */
static const char *format_growth(json_object *p, char *buf, size_t len)
{
	char sz[32], win[32];

	if (!jnum(p, "growth"))
		snprintf(buf, len, "off");
	else
		snprintf(buf, len, "more than %s within %s",
			 format_size(jnum(p, "growth"), sz, sizeof(sz)),
			 format_duration(jnum(p, "growth_window"), win, sizeof(win)));
	return buf;
}

/* The settings: block size, limits, detectors, access. */
static void print_settings(json_object *p)
{
	uint64_t bs = jnum(p, "block_size"), max = jnum(p, "max"), wm = jnum(p, "watermark");
	char a[160];

	printf("  block size       %s\n", format_size(bs, a, sizeof(a)));
	printf("  reserve (min)    %s\n", blocks(jnum(p, "min"), bs, a, sizeof(a)));
	if (max)
		printf("  max              %s\n", blocks(max, bs, a, sizeof(a)));
	else
		printf("  max              none (global cap only)\n");
	if (wm)
		printf("  watermark        %llu%% of %s\n", (unsigned long long)wm,
		       max ? "max" : "the global cap");
	else
		printf("  watermark        off\n");
	printf("  leak age         %s\n", format_duration(jnum(p, "leak_age"), a, sizeof(a)));
	printf("  growth           %s\n", format_growth(p, a, sizeof(a)));
	printf("  access           %s\n", format_access(p, a, sizeof(a)));
}

/* The figures, as "memoptctl stats" has them in more detail. */
static void print_figures(json_object *p)
{
	char a[32], b[32], c[32], d[32];

	printf("  blocks           %llu total: %llu used, %llu cached, in %llu slab%s; peak %llu used\n",
	       (unsigned long long)jstat(p, "blocks_total"),
	       (unsigned long long)jstat(p, "blocks_used"),
	       (unsigned long long)jstat(p, "blocks_cached"),
	       (unsigned long long)jstat(p, "slabs"), jstat(p, "slabs") == 1 ? "" : "s",
	       (unsigned long long)jstat(p, "peak_used"));
	printf("  memory           %s held: %s used, %s requested, %s stranded\n",
	       format_size(jstat(p, "bytes_total"), a, sizeof(a)),
	       format_size(jstat(p, "bytes_used"), b, sizeof(b)),
	       format_size(jstat(p, "bytes_requested"), c, sizeof(c)),
	       format_size(jstat(p, "bytes_stranded"), d, sizeof(d)));
	printf("  buffers          %llu\n", (unsigned long long)jstat(p, "buffers"));
	printf("  efficiency       %s, fragmentation %s\n",
	       format_percent(jratio(p, "efficiency"), a, sizeof(a)),
	       format_percent(jratio(p, "fragmentation"), b, sizeof(b)));
	printf("  allocations      %llu, %llu freed (magazine hits %llu, misses %llu)\n",
	       (unsigned long long)jstat(p, "allocs"), (unsigned long long)jstat(p, "frees"),
	       (unsigned long long)jstat(p, "mag_hits"),
	       (unsigned long long)jstat(p, "mag_misses"));
	printf("  failures         %llu at max, %llu at global cap, %llu out of memory\n",
	       (unsigned long long)jstat(p, "fail_pool_max"),
	       (unsigned long long)jstat(p, "fail_global_cap"),
	       (unsigned long long)jstat(p, "fail_nomem"));
	printf("  order fallbacks  %llu\n", (unsigned long long)jstat(p, "order_fallbacks"));
	printf("  shrinker         %llu blocks given back\n",
	       (unsigned long long)jstat(p, "shrinker_blocks"));
}

void print_pool(json_object *p)
{
	printf("pool %s  id %llu\n", jstr(p, "name"), (unsigned long long)jnum(p, "id"));
	if (jbool(p, "dying"))
		printf("  state            dying: destroyed, held by %llu buffer%s\n",
		       (unsigned long long)jstat(p, "buffers"), jstat(p, "buffers") == 1 ? "" : "s");
	print_settings(p);
	print_figures(p);
}

static void print_table(json_object *pools)
{
	static const char *const head[] = {
		"ID", "NAME", "BLOCK", "MIN", "MAX", "USED", "CACHED", "MEMORY",
	};
	struct table *t = table_new(head, ARRAY_SIZE(head));
	char cell[8][CELL_LEN], *row[8];
	size_t n = json_object_array_length(pools), i, c;

	for (c = 0; c < 8; c++)
		row[c] = cell[c];
	for (i = 0; i < n; i++) {
		json_object *p = json_object_array_get_idx(pools, i);

		snprintf(cell[0], CELL_LEN, "%llu", (unsigned long long)jnum(p, "id"));
		snprintf(cell[1], CELL_LEN, "%s", jstr(p, "name"));
		format_size(jnum(p, "block_size"), cell[2], CELL_LEN);
		snprintf(cell[3], CELL_LEN, "%llu", (unsigned long long)jnum(p, "min"));
		if (jnum(p, "max"))
			snprintf(cell[4], CELL_LEN, "%llu", (unsigned long long)jnum(p, "max"));
		else
			snprintf(cell[4], CELL_LEN, "-");
		snprintf(cell[5], CELL_LEN, "%llu", (unsigned long long)jstat(p, "blocks_used"));
		snprintf(cell[6], CELL_LEN, "%llu", (unsigned long long)jstat(p, "blocks_cached"));
		format_size(jstat(p, "bytes_total"), cell[7], CELL_LEN);
		table_row(t, row);
	}
	table_print(t, stdout);
	table_free(t);
}

/* Send @cmd about the pool @sel, with more attributes added by @fill. */
int pool_request(struct mctl *m, uint8_t cmd, const char *sel,
		 void (*fill)(struct nl_msg *, void *), void *farg, json_object *out)
{
	struct nl_msg *msg;

	msg = mctl_msg(m, cmd, 0);
	if (!msg)
		return -ENOMEM;
	if (put_pool_selector(m, msg, sel)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	if (fill)
		fill(msg, farg);
	return mctl_request(m, msg, out ? collect_pools : NULL, out);
}

/* How kernel errors name the attributes: as typed on the command line. */
static const char *const create_labels[] = {
	[MEMOPT_A_POOL_NAME] = "--name", [MEMOPT_A_POOL_BLOCK_SIZE] = "--size",
	[MEMOPT_A_POOL_MIN] = "--min", [MEMOPT_A_POOL_MAX] = "--max",
	[MEMOPT_A_POOL_WATERMARK] = "--watermark", [MEMOPT_A_POOL_LEAK_AGE] = "--leak-age",
	[MEMOPT_A_POOL_UID] = "--uid", [MEMOPT_A_POOL_GID] = "--gid",
	[MEMOPT_A_POOL_MODE] = "--mode", [MEMOPT_A_POOL_GROWTH] = "--growth",
	[MEMOPT_A_POOL_GROWTH_WINDOW] = "--growth-window",
};

const char *const pool_select_labels[] = {
	[MEMOPT_A_POOL_ID] = "POOL", [MEMOPT_A_POOL_NAME] = "POOL",
	[MEMOPT_A_POOL_MIN] = "--min", [MEMOPT_A_POOL_MAX] = "--max",
	[MEMOPT_A_POOL_WATERMARK] = "--watermark", [MEMOPT_A_POOL_LEAK_AGE] = "--leak-age",
	[MEMOPT_A_POOL_UID] = "--uid", [MEMOPT_A_POOL_GID] = "--gid",
	[MEMOPT_A_POOL_MODE] = "--mode", [MEMOPT_A_POOL_GROWTH] = "--growth",
	[MEMOPT_A_POOL_GROWTH_WINDOW] = "--growth-window",
};
const int n_pool_select_labels = ARRAY_SIZE(pool_select_labels);

/* Options of create and set: a name, and the settings given. */
struct limits {
	const char *name;
	struct pool_settings s;
};

void pool_settings_put(struct nl_msg *msg, const struct pool_settings *s, unsigned int mask)
{
	int f;

	for (f = 0; f < SF_COUNT; f++) {
		if (!(mask & s->given & SF_BIT(f)))
			continue;
		if (f == SF_GROWTH)
			nla_put_u64(msg, pool_field_attr(f), s->v[f]);
		else
			nla_put_u32(msg, pool_field_attr(f), (uint32_t)s->v[f]);
	}
}

static void fill_limits(struct nl_msg *msg, void *arg)
{
	struct limits *l = arg;

	pool_settings_put(msg, &l->s, SF_ALL & ~SF_BIT(SF_SIZE));
}

/* getopt_long() values of the settings' options: OPT_FIELD + the field. */
#define OPT_FIELD	0x100

/* One option of create or set; 0, or EXIT_USAGE (reported). */
static int parse_limit(int c, const char *arg, bool create, struct limits *l)
{
	char err[160];

	if (!create && (c == 'n' || c == OPT_FIELD + SF_SIZE))
		return usage_error("pool", c == 'n' ? "a pool's name cannot be changed" :
					    "a pool's block size cannot be changed");
	if (c == 'n') {
		l->name = arg;
		return 0;
	}
	if (pool_field_parse(c - OPT_FIELD, arg, true, &l->s, err, sizeof(err)))
		return usage_error("pool", "%s", err);
	return 0;
}

/* Parse create/set options into @l; returns 0 or EXIT_USAGE (reported). */
static int parse_limits(int argc, char **argv, const char *cmd, bool create, struct limits *l)
{
	static const struct option lopts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "size", required_argument, NULL, OPT_FIELD + SF_SIZE },
		{ "min", required_argument, NULL, OPT_FIELD + SF_MIN },
		{ "max", required_argument, NULL, OPT_FIELD + SF_MAX },
		{ "watermark", required_argument, NULL, OPT_FIELD + SF_WATERMARK },
		{ "leak-age", required_argument, NULL, OPT_FIELD + SF_LEAK_AGE },
		{ "growth", required_argument, NULL, OPT_FIELD + SF_GROWTH },
		{ "growth-window", required_argument, NULL, OPT_FIELD + SF_GROWTH_WINDOW },
		{ "uid", required_argument, NULL, OPT_FIELD + SF_UID },
		{ "gid", required_argument, NULL, OPT_FIELD + SF_GID },
		{ "mode", required_argument, NULL, OPT_FIELD + SF_MODE },
		{ NULL, 0, NULL, 0 }
	};
	char what[32];
	int c, ret;

	snprintf(what, sizeof(what), "pool %s", cmd);
	getopt_reset();
	while ((c = getopt_long(argc, argv, "+:", lopts, NULL)) != -1) {
		if (c == '?' || c == ':')
			ret = option_error("pool", what, c, getopt_arg(argc, argv));
		else
			ret = parse_limit(c, optarg, create, l);
		if (ret)
			return ret;
	}
	if (optind < argc)
		return arg_error("pool", argv[optind]);
	return 0;
}

/* Print the one pool in @out as created or changed. */
static void print_reply(json_object *out, const char *created_name, bool created)
{
	json_object *p = json_object_get(json_object_array_get_idx(out, 0));

	if (opts.json) {
		out_json(p);
		return;
	}
	if (created)
		printf("created pool %s (id %llu%s)\n", jstr(p, "name"),
		       (unsigned long long)jnum(p, "id"),
		       created_name ? "" : "; no --name given, so the kernel named it");
	print_pool(p);
	json_object_put(p);
}

static int pool_create(struct mctl *m, int argc, char **argv)
{
	struct limits l = { 0 };
	json_object *out;
	struct nl_msg *msg;
	int ret;

	ret = parse_limits(argc, argv, "create", true, &l);
	if (ret)
		return ret;
	if (!(l.s.given & SF_BIT(SF_SIZE)))
		return usage_error("pool", "pool create needs --size");
	if (mctl_open(m))
		return EXIT_FAIL;
	m->labels = create_labels;
	m->n_labels = ARRAY_SIZE(create_labels);
	msg = mctl_msg(m, MEMOPT_CMD_POOL_NEW, 0);
	if (!msg)
		return EXIT_FAIL;
	if (l.name)
		nla_put_string(msg, MEMOPT_A_POOL_NAME, l.name);
	pool_settings_put(msg, &l.s, SF_ALL);
	out = json_object_new_array();
	ret = mctl_request(m, msg, collect_pools, out);
	if (!ret && json_object_array_length(out) == 1)
		print_reply(out, l.name, true);
	json_object_put(out);
	return ret ? EXIT_FAIL : EXIT_OK;
}

static int pool_list(struct mctl *m, int argc, char **argv)
{
	json_object *out;

	if (argc > 1)
		return arg_error("pool", argv[1]);
	if (mctl_open(m))
		return EXIT_FAIL;
	out = json_object_new_array();
	if (fetch_pools(m, out)) {
		json_object_put(out);
		return EXIT_FAIL;
	}
	if (opts.json) {
		out_json(out);
		return EXIT_OK;
	}
	if (json_object_array_length(out))
		print_table(out);
	else
		printf("no pools\n");
	json_object_put(out);
	return EXIT_OK;
}

/* show and set: "pool CMD NAME|ID [options]" */
static int pool_one(struct mctl *m, int argc, char **argv, const char *cmd)
{
	struct limits l = { 0 };
	bool set = !strcmp(cmd, "set");
	json_object *out;
	int ret;

	if (argc >= 2 && is_global_option(argv[1]))
		return arg_error("pool", argv[1]);
	if (argc < 2 || argv[1][0] == '-')
		return usage_error("pool", "pool %s needs a pool name or id", cmd);
	if (set) {
		ret = parse_limits(argc - 1, argv + 1, cmd, false, &l);
		if (ret)
			return ret;
		if (!l.s.given)
			return usage_error("pool",
					   "pool set needs --min, --max, --watermark, --leak-age, --growth, --growth-window, --uid, --gid or --mode");
	} else if (argc > 2) {
		return arg_error("pool", argv[2]);
	}
	if (mctl_open(m))
		return EXIT_FAIL;
	m->labels = pool_select_labels;
	m->n_labels = n_pool_select_labels;
	out = json_object_new_array();
	ret = pool_request(m, set ? MEMOPT_CMD_POOL_SET : MEMOPT_CMD_POOL_GET, argv[1],
			   fill_limits, &l, out);
	if (!ret && json_object_array_length(out) == 1)
		print_reply(out, NULL, false);
	json_object_put(out);
	return ret ? EXIT_FAIL : EXIT_OK;
}

static void pool_usage(FILE *f)
{
	fprintf(f,
		"Usage: memoptctl pool create --size SIZE [--name NAME] [--min BLOCKS] [--max BLOCKS]\n"
		"                             [--watermark PERCENT] [--leak-age DURATION]\n"
		"                             [--growth SIZE] [--growth-window DURATION]\n"
		"                             [--uid USER] [--gid GROUP] [--mode MODE]\n"
		"       memoptctl pool list\n"
		"       memoptctl pool show POOL\n"
		"       memoptctl pool set POOL [--min BLOCKS] [--max BLOCKS] [--watermark PERCENT]\n"
		"                               [--leak-age DURATION] [--growth SIZE]\n"
		"                               [--growth-window DURATION] [--uid USER]\n"
		"                               [--gid GROUP] [--mode MODE]\n"
		"       memoptctl pool destroy POOL [--wait] [--timeout DURATION]\n"
		"\"memoptctl pool\" alone is \"pool list\". POOL is a pool's name or id.\n"
		"SIZE: 4096, 4k, 64K, 2M; the units b, k, kb, kib, m, mb, mib, g, gb, gib (any\n"
		"case) are powers of 1024. A block size is a multiple of the page size, at\n"
		"most 4M. DURATION: 90, 30s, 5m, 2h, 1d (units in lower case); a leak age or\n"
		"growth of 0 turns that detector off. USER and GROUP: names or numbers\n"
		"(default: yours). MODE: octal, like a file's (default 0660); allocating from a\n"
		"pool needs write permission. destroy --wait waits until the pool's last\n"
		"buffer is gone; SIGINT or SIGTERM end the wait (exit 0). --timeout (1s to 7d;\n"
		"it implies --wait) gives up after DURATION with exit 4.\n");
}

int do_pool(int argc, char **argv)
{
	const char *cmd = argc > 0 ? argv[0] : "list";
	struct mctl m = { 0 };
	int ret;

	if (!strcmp(cmd, "help")) {
		pool_usage(stdout);
		return EXIT_OK;
	}
	if (is_global_option(cmd))
		return arg_error("pool", cmd);
	if (strcmp(cmd, "create") && strcmp(cmd, "list") && strcmp(cmd, "show") &&
	    strcmp(cmd, "set") && strcmp(cmd, "destroy")) {
		errorf("unknown command \"%s\" for object \"pool\"", cmd);
		pool_usage(stderr);
		return EXIT_USAGE;
	}
	/* Each command checks its arguments, then connects (mctl_open). */
	if (!strcmp(cmd, "create"))
		ret = pool_create(&m, argc, argv);
	else if (!strcmp(cmd, "list"))
		ret = pool_list(&m, argc, argv);
	else if (!strcmp(cmd, "destroy"))
		ret = pool_destroy(&m, argc, argv);
	else
		ret = pool_one(&m, argc, argv, cmd);
	mctl_close(&m);
	return ret;
}
