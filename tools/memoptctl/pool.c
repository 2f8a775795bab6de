// SPDX-License-Identifier: GPL-2.0
/*
 * memoptctl pool {create|list|show|set|destroy|help}
 *
 * Every reply is turned into a JSON object first; -j prints it, and the
 * text renderers below read the same object, so both outputs always say
 * the same thing. Text uses units people read; JSON has exact numbers.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/memopt.h>

#include "memoptctl.h"
#include "nl.h"
#include "units.h"

/* The pool figures, in the order people read them. */
static const struct {
	int attr;
	const char *key;
} stats_keys[] = {
	{ MEMOPT_A_STATS_BLOCKS_TOTAL, "blocks_total" },
	{ MEMOPT_A_STATS_BLOCKS_USED, "blocks_used" },
	{ MEMOPT_A_STATS_BLOCKS_CACHED, "blocks_cached" },
	{ MEMOPT_A_STATS_BLOCKS_RESERVED, "blocks_reserved" },
	{ MEMOPT_A_STATS_SLABS, "slabs" },
	{ MEMOPT_A_STATS_BYTES_TOTAL, "bytes_total" },
	{ MEMOPT_A_STATS_ALLOCS, "allocs" },
	{ MEMOPT_A_STATS_FREES, "frees" },
	{ MEMOPT_A_STATS_FAIL_POOL_MAX, "fail_pool_max" },
	{ MEMOPT_A_STATS_FAIL_GLOBAL_CAP, "fail_global_cap" },
	{ MEMOPT_A_STATS_FAIL_NOMEM, "fail_nomem" },
	{ MEMOPT_A_STATS_MAG_HITS, "mag_hits" },
	{ MEMOPT_A_STATS_MAG_MISSES, "mag_misses" },
	{ MEMOPT_A_STATS_ORDER_FALLBACKS, "order_fallbacks" },
	{ MEMOPT_A_STATS_SHRINKER_BLOCKS, "shrinker_blocks" },
};

static const struct {
	int attr;
	const char *key;
} u32_keys[] = {
	{ MEMOPT_A_POOL_ID, "id" },
	{ MEMOPT_A_POOL_BLOCK_SIZE, "block_size" },
	{ MEMOPT_A_POOL_MIN, "min" },
	{ MEMOPT_A_POOL_MAX, "max" },
	{ MEMOPT_A_POOL_WATERMARK, "watermark" },
	{ MEMOPT_A_POOL_LEAK_AGE, "leak_age" },
	{ MEMOPT_A_POOL_UID, "uid" },
	{ MEMOPT_A_POOL_GID, "gid" },
	{ MEMOPT_A_POOL_MODE, "mode" },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static json_object *pool_to_json(struct nlattr **tb)
{
	struct nlattr *st[MEMOPT_A_STATS_MAX + 1];
	json_object *o = json_object_new_object(), *s;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(u32_keys); i++) {
		if (i == 1 && tb[MEMOPT_A_POOL_NAME])
			json_object_object_add(o, "name",
					       json_object_new_string(nla_get_string(tb[MEMOPT_A_POOL_NAME])));
		if (tb[u32_keys[i].attr] && nla_len(tb[u32_keys[i].attr]) == 4)
			json_object_object_add(o, u32_keys[i].key,
					       json_object_new_uint64(nla_get_u32(tb[u32_keys[i].attr])));
	}
	if (!tb[MEMOPT_A_POOL_STATS] ||
	    nla_parse_nested(st, MEMOPT_A_STATS_MAX, tb[MEMOPT_A_POOL_STATS], NULL))
		return o;
	s = json_object_new_object();
	for (i = 0; i < ARRAY_SIZE(stats_keys); i++)
		if (st[stats_keys[i].attr] && nla_len(st[stats_keys[i].attr]) == 8)
			json_object_object_add(s, stats_keys[i].key,
					       json_object_new_uint64(nla_get_u64(st[stats_keys[i].attr])));
	json_object_object_add(o, "stats", s);
	return o;
}

static uint64_t num(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_uint64(v) : 0;
}

static uint64_t stat(json_object *pool, const char *key)
{
	json_object *s;

	return json_object_object_get_ex(pool, "stats", &s) ? num(s, key) : 0;
}

static const char *str(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "";
}

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
	struct passwd *pw = getpwuid((uid_t)num(p, "uid"));
	struct group *gr = getgrgid((gid_t)num(p, "gid"));

	snprintf(buf, len, "uid %llu%s%s%s, gid %llu%s%s%s, mode %04llo",
		 (unsigned long long)num(p, "uid"), pw ? " (" : "", pw ? pw->pw_name : "",
		 pw ? ")" : "", (unsigned long long)num(p, "gid"), gr ? " (" : "",
		 gr ? gr->gr_name : "", gr ? ")" : "", (unsigned long long)num(p, "mode"));
	return buf;
}

static void print_pool(json_object *p)
{
	uint64_t bs = num(p, "block_size"), max = num(p, "max"), wm = num(p, "watermark");
	char a[160], b[64];

	printf("pool %s  id %llu\n", str(p, "name"), (unsigned long long)num(p, "id"));
	printf("  block size       %s\n", format_size(bs, a, sizeof(a)));
	printf("  reserve (min)    %s\n", blocks(num(p, "min"), bs, a, sizeof(a)));
	if (max)
		printf("  max              %s\n", blocks(max, bs, a, sizeof(a)));
	else
		printf("  max              none (global cap only)\n");
	if (wm)
		printf("  watermark        %llu%% of %s\n", (unsigned long long)wm,
		       max ? "max" : "the global cap");
	else
		printf("  watermark        off\n");
	printf("  leak age         %s\n", format_duration(num(p, "leak_age"), a, sizeof(a)));
	printf("  access           %s\n", format_access(p, a, sizeof(a)));
	printf("  blocks           %llu total: %llu used, %llu cached, in %llu slab%s\n",
	       (unsigned long long)stat(p, "blocks_total"),
	       (unsigned long long)stat(p, "blocks_used"),
	       (unsigned long long)stat(p, "blocks_cached"),
	       (unsigned long long)stat(p, "slabs"), stat(p, "slabs") == 1 ? "" : "s");
	printf("  memory           %s\n", format_size(stat(p, "bytes_total"), b, sizeof(b)));
	printf("  allocations      %llu, %llu freed (magazine hits %llu, misses %llu)\n",
	       (unsigned long long)stat(p, "allocs"), (unsigned long long)stat(p, "frees"),
	       (unsigned long long)stat(p, "mag_hits"),
	       (unsigned long long)stat(p, "mag_misses"));
	printf("  failures         %llu at max, %llu at global cap, %llu out of memory\n",
	       (unsigned long long)stat(p, "fail_pool_max"),
	       (unsigned long long)stat(p, "fail_global_cap"),
	       (unsigned long long)stat(p, "fail_nomem"));
	printf("  order fallbacks  %llu\n", (unsigned long long)stat(p, "order_fallbacks"));
	printf("  shrinker         %llu blocks given back\n",
	       (unsigned long long)stat(p, "shrinker_blocks"));
}

/* One table cell, padded to @w unless it is the last of its row. */
static void cell_out(const char *s, size_t w, bool last)
{
	if (last)
		printf("%s\n", s);
	else
		printf("%-*s  ", (int)w, s);
}

static void print_table(json_object *pools)
{
	static const char *const head[] = {
		"ID", "NAME", "BLOCK", "MIN", "MAX", "USED", "CACHED", "MEMORY",
	};
	size_t n = json_object_array_length(pools), i, c, w[8];
	char cell[8][40];

	for (c = 0; c < 8; c++)
		w[c] = strlen(head[c]);
	for (int pass = 0; pass < 2; pass++) {
		if (pass)
			for (c = 0; c < 8; c++)
				cell_out(head[c], w[c], c == 7);
		for (i = 0; i < n; i++) {
			json_object *p = json_object_array_get_idx(pools, i);

			snprintf(cell[0], 40, "%llu", (unsigned long long)num(p, "id"));
			snprintf(cell[1], 40, "%s", str(p, "name"));
			format_size(num(p, "block_size"), cell[2], 40);
			snprintf(cell[3], 40, "%llu", (unsigned long long)num(p, "min"));
			if (num(p, "max"))
				snprintf(cell[4], 40, "%llu", (unsigned long long)num(p, "max"));
			else
				snprintf(cell[4], 40, "-");
			snprintf(cell[5], 40, "%llu", (unsigned long long)stat(p, "blocks_used"));
			snprintf(cell[6], 40, "%llu", (unsigned long long)stat(p, "blocks_cached"));
			format_size(stat(p, "bytes_total"), cell[7], 40);
			for (c = 0; c < 8; c++) {
				if (!pass && strlen(cell[c]) > w[c])
					w[c] = strlen(cell[c]);
				if (pass)
					cell_out(cell[c], w[c], c == 7);
			}
		}
	}
}

/* Collect reply pools into a JSON array. */
static int collect(struct nlattr **tb, void *arg)
{
	json_object_array_add(arg, pool_to_json(tb));
	return 0;
}

/*
 * Is @sel a pool id? An all-digit selector is a name if a pool has that
 * name, an id otherwise (a quiet probe tells which).
 */
static bool selects_id(struct mctl *m, const char *sel, uint32_t *id)
{
	struct nl_msg *probe;
	uint64_t v;
	int ret;

	if (parse_uint(sel, UINT32_MAX, &v) || !v)
		return false;
	*id = (uint32_t)v;
	probe = mctl_msg(m, MEMOPT_CMD_POOL_GET, 0);
	if (!probe)
		return false;
	nla_put_string(probe, MEMOPT_A_POOL_NAME, sel);
	m->quiet = true;
	ret = mctl_request(m, probe, NULL, NULL);
	m->quiet = false;
	return ret == -ENOENT;
}

/* Send @cmd about the pool @sel, with more attributes added by @fill. */
static int pool_request(struct mctl *m, uint8_t cmd, const char *sel,
			void (*fill)(struct nl_msg *, void *), void *farg, json_object *out)
{
	struct nl_msg *msg;
	uint32_t id;

	msg = mctl_msg(m, cmd, 0);
	if (!msg)
		return -ENOMEM;
	if (selects_id(m, sel, &id))
		nla_put_u32(msg, MEMOPT_A_POOL_ID, id);
	else
		nla_put_string(msg, MEMOPT_A_POOL_NAME, sel);
	if (fill)
		fill(msg, farg);
	return mctl_request(m, msg, out ? collect : NULL, out);
}

static int pool_del_id(struct mctl *m, uint32_t id)
{
	struct nl_msg *msg = mctl_msg(m, MEMOPT_CMD_POOL_DEL, 0);

	if (!msg)
		return -ENOMEM;
	nla_put_u32(msg, MEMOPT_A_POOL_ID, id);
	return mctl_request(m, msg, NULL, NULL);
}

/* How kernel errors name the attributes: as typed on the command line. */
static const char *const create_labels[] = {
	[MEMOPT_A_POOL_NAME] = "--name", [MEMOPT_A_POOL_BLOCK_SIZE] = "--size",
	[MEMOPT_A_POOL_MIN] = "--min", [MEMOPT_A_POOL_MAX] = "--max",
	[MEMOPT_A_POOL_WATERMARK] = "--watermark", [MEMOPT_A_POOL_LEAK_AGE] = "--leak-age",
	[MEMOPT_A_POOL_UID] = "--uid", [MEMOPT_A_POOL_GID] = "--gid",
	[MEMOPT_A_POOL_MODE] = "--mode",
};

static const char *const select_labels[] = {
	[MEMOPT_A_POOL_ID] = "POOL", [MEMOPT_A_POOL_NAME] = "POOL",
	[MEMOPT_A_POOL_MIN] = "--min", [MEMOPT_A_POOL_MAX] = "--max",
	[MEMOPT_A_POOL_WATERMARK] = "--watermark", [MEMOPT_A_POOL_LEAK_AGE] = "--leak-age",
	[MEMOPT_A_POOL_UID] = "--uid", [MEMOPT_A_POOL_GID] = "--gid",
	[MEMOPT_A_POOL_MODE] = "--mode",
};

/* Options of create and set. */
struct limits {
	const char *name;
	uint64_t size, min, max, watermark, leak_age, uid, gid, mode;
	bool has_min, has_max, has_watermark, has_leak_age, has_uid, has_gid, has_mode;
};

/* A user or group: a number, or a name from the user or group database. */
static int parse_owner(const char *s, bool group, uint64_t *id)
{
	if (!parse_uint(s, UINT32_MAX - 1, id))
		return 0;
	if (group) {
		struct group *gr = getgrnam(s);

		if (gr)
			*id = gr->gr_gid;
		return gr ? 0 : -ENOENT;
	}
	struct passwd *pw = getpwnam(s);

	if (pw)
		*id = pw->pw_uid;
	return pw ? 0 : -ENOENT;
}

/* Permission bits in octal: "660", "0640". */
static int parse_mode(const char *s, uint64_t *mode)
{
	char *end;
	unsigned long v;

	if (!*s || strspn(s, "01234567") != strlen(s))
		return -EINVAL;
	v = strtoul(s, &end, 8);
	if (v > 0777)
		return -ERANGE;
	*mode = v;
	return 0;
}

static void fill_limits(struct nl_msg *msg, void *arg)
{
	struct limits *l = arg;

	if (l->has_min)
		nla_put_u32(msg, MEMOPT_A_POOL_MIN, l->min);
	if (l->has_max)
		nla_put_u32(msg, MEMOPT_A_POOL_MAX, l->max);
	if (l->has_watermark)
		nla_put_u32(msg, MEMOPT_A_POOL_WATERMARK, l->watermark);
	if (l->has_leak_age)
		nla_put_u32(msg, MEMOPT_A_POOL_LEAK_AGE, l->leak_age);
	if (l->has_uid)
		nla_put_u32(msg, MEMOPT_A_POOL_UID, l->uid);
	if (l->has_gid)
		nla_put_u32(msg, MEMOPT_A_POOL_GID, l->gid);
	if (l->has_mode)
		nla_put_u32(msg, MEMOPT_A_POOL_MODE, l->mode);
}

/* Parse create/set options into @l; returns 0 or EXIT_USAGE (reported). */
static int parse_limits(int argc, char **argv, const char *cmd, bool create, struct limits *l)
{
	static const struct option lopts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "size", required_argument, NULL, 's' },
		{ "min", required_argument, NULL, 'm' },
		{ "max", required_argument, NULL, 'M' },
		{ "watermark", required_argument, NULL, 'w' },
		{ "leak-age", required_argument, NULL, 'a' },
		{ "uid", required_argument, NULL, 'u' },
		{ "gid", required_argument, NULL, 'g' },
		{ "mode", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", lopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (!create)
				return usage_error("pool", "a pool's name cannot be changed");
			l->name = optarg;
			break;
		case 's':
			if (!create)
				return usage_error("pool", "a pool's block size cannot be changed");
			if (parse_size(optarg, &l->size) || l->size > UINT32_MAX)
				return usage_error("pool", "--size \"%s\" is not a size (4096, 4k, 64K, 2M)",
						   optarg);
			break;
		case 'm':
			if (parse_uint(optarg, UINT32_MAX, &l->min))
				return usage_error("pool", "--min \"%s\" is not a number of blocks", optarg);
			l->has_min = true;
			break;
		case 'M':
			if (parse_uint(optarg, UINT32_MAX, &l->max))
				return usage_error("pool", "--max \"%s\" is not a number of blocks", optarg);
			l->has_max = true;
			break;
		case 'w':
			if (parse_uint(optarg, 100, &l->watermark))
				return usage_error("pool", "--watermark \"%s\" is not a percentage (0-100)",
						   optarg);
			l->has_watermark = true;
			break;
		case 'a':
			if (parse_duration(optarg, &l->leak_age) || l->leak_age > UINT32_MAX)
				return usage_error("pool", "--leak-age \"%s\" is not a duration (90, 30s, 5m, 2h, 1d)",
						   optarg);
			l->has_leak_age = true;
			break;
		case 'u':
			if (parse_owner(optarg, false, &l->uid))
				return usage_error("pool", "--uid \"%s\" is no user name or number", optarg);
			l->has_uid = true;
			break;
		case 'g':
			if (parse_owner(optarg, true, &l->gid))
				return usage_error("pool", "--gid \"%s\" is no group name or number", optarg);
			l->has_gid = true;
			break;
		case 'o':
			if (parse_mode(optarg, &l->mode))
				return usage_error("pool", "--mode \"%s\" is not octal permission bits (0 to 0777)",
						   optarg);
			l->has_mode = true;
			break;
		default:
			return usage_error("pool", "unknown option \"%s\" for \"pool %s\"",
					   argv[optind - 1], cmd);
		}
	}
	if (optind < argc)
		return usage_error("pool", "unexpected argument \"%s\"", argv[optind]);
	return 0;
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
	if (!l.size)
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
	nla_put_u32(msg, MEMOPT_A_POOL_BLOCK_SIZE, (uint32_t)l.size);
	fill_limits(msg, &l);
	out = json_object_new_array();
	ret = mctl_request(m, msg, collect, out);
	if (!ret && json_object_array_length(out) == 1) {
		json_object *p = json_object_get(json_object_array_get_idx(out, 0));

		if (opts.json) {
			out_json(p);
		} else {
			printf("created pool %s (id %llu%s)\n", str(p, "name"),
			       (unsigned long long)num(p, "id"),
			       l.name ? "" : "; no --name given, so the kernel named it");
			print_pool(p);
			json_object_put(p);
		}
	}
	json_object_put(out);
	return ret ? EXIT_FAIL : EXIT_OK;
}

static int pool_list(struct mctl *m, int argc, char **argv)
{
	struct nl_msg *msg;
	json_object *out;
	int ret;

	(void)argv;
	if (argc > 1)
		return usage_error("pool", "pool list takes no argument");
	if (mctl_open(m))
		return EXIT_FAIL;
	msg = mctl_msg(m, MEMOPT_CMD_POOL_GET, NLM_F_DUMP);
	if (!msg)
		return EXIT_FAIL;
	out = json_object_new_array();
	ret = mctl_request(m, msg, collect, out);
	if (ret) {
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

/* show, set, destroy: "pool CMD NAME|ID [options]" */
static int pool_one(struct mctl *m, int argc, char **argv, const char *cmd)
{
	struct limits l = { 0 };
	json_object *out, *p;
	uint8_t nlcmd;
	int ret;

	if (argc < 2 || argv[1][0] == '-')
		return usage_error("pool", "pool %s needs a pool name or id", cmd);
	if (!strcmp(cmd, "set")) {
		ret = parse_limits(argc - 1, argv + 1, cmd, false, &l);
		if (ret)
			return ret;
		if (!l.has_min && !l.has_max && !l.has_watermark && !l.has_leak_age &&
		    !l.has_uid && !l.has_gid && !l.has_mode)
			return usage_error("pool",
					   "pool set needs --min, --max, --watermark, --leak-age, --uid, --gid or --mode");
		nlcmd = MEMOPT_CMD_POOL_SET;
	} else {
		if (argc > 2)
			return usage_error("pool", "unexpected argument \"%s\"", argv[2]);
		nlcmd = MEMOPT_CMD_POOL_GET;
	}
	if (mctl_open(m))
		return EXIT_FAIL;
	m->labels = select_labels;
	m->n_labels = ARRAY_SIZE(select_labels);
	out = json_object_new_array();
	ret = pool_request(m, nlcmd, argv[1], fill_limits, &l, out);
	if (!ret && !strcmp(cmd, "destroy")) {
		p = json_object_array_get_idx(out, 0);
		ret = pool_del_id(m, (uint32_t)num(p, "id"));
		if (!ret && opts.json) {
			json_object_object_add(p, "destroyed", json_object_new_boolean(1));
			out_json(json_object_get(p));
		} else if (!ret) {
			printf("destroyed pool %s (id %llu)", str(p, "name"),
			       (unsigned long long)num(p, "id"));
			if (stat(p, "blocks_used"))
				printf(": %llu blocks still in use, freed when they return",
				       (unsigned long long)stat(p, "blocks_used"));
			printf("\n");
		}
	} else if (!ret && json_object_array_length(out) == 1) {
		p = json_object_get(json_object_array_get_idx(out, 0));
		if (opts.json) {
			out_json(p);
		} else {
			print_pool(p);
			json_object_put(p);
		}
	}
	json_object_put(out);
	return ret ? EXIT_FAIL : EXIT_OK;
}

static void pool_usage(FILE *f)
{
	fprintf(f,
		"Usage: memoptctl pool create --size SIZE [--name NAME] [--min BLOCKS] [--max BLOCKS]\n"
		"                             [--watermark PERCENT] [--leak-age DURATION]\n"
		"                             [--uid USER] [--gid GROUP] [--mode MODE]\n"
		"       memoptctl pool list\n"
		"       memoptctl pool show POOL\n"
		"       memoptctl pool set POOL [--min BLOCKS] [--max BLOCKS] [--watermark PERCENT]\n"
		"                               [--leak-age DURATION] [--uid USER] [--gid GROUP]\n"
		"                               [--mode MODE]\n"
		"       memoptctl pool destroy POOL\n"
		"POOL is a pool's name or id. SIZE: 4096, 4k, 64K, 2M (a multiple of the page\n"
		"size, at most 4M). DURATION: 90, 30s, 5m, 2h, 1d; 0 turns it off. USER and\n"
		"GROUP: names or numbers (default: yours). MODE: octal, like a file's (default\n"
		"0660); allocating from a pool needs write permission.\n");
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
	if (strcmp(cmd, "create") && strcmp(cmd, "list") && strcmp(cmd, "show") &&
	    strcmp(cmd, "set") && strcmp(cmd, "destroy")) {
		fprintf(stderr, "Error: unknown command \"%s\" for object \"pool\".\n", cmd);
		pool_usage(stderr);
		return EXIT_USAGE;
	}
	/* Each command checks its arguments, then connects (mctl_open). */
	if (!strcmp(cmd, "create"))
		ret = pool_create(&m, argc, argv);
	else if (!strcmp(cmd, "list"))
		ret = pool_list(&m, argc, argv);
	else
		ret = pool_one(&m, argc, argv, cmd);
	mctl_close(&m);
	return ret;
}
