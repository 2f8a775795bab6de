// SPDX-License-Identifier: GPL-2.0
/*
 * memoptctl stats [POOL] [-w|--watch DURATION]
 *                 [-f|--format text|json|prometheus] [-o|--output FILE]
 *
 * Every figure of each pool (or of POOL), the derived memory efficiency
 * and fragmentation, and totals across the pools. The document is one
 * JSON object, {"pools": [...], "total": {...}}, that the text and the
 * Prometheus renderers read. --watch repeats until SIGINT or SIGTERM,
 * which end it with status 0. --output writes each document to FILE
 * atomically (a temporary file renamed over it), as node_exporter's
 * textfile collector wants.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/memopt.h>

#include "attrs.h"
#include "memoptctl.h"
#include "nl.h"
#include "print.h"
#include "prom.h"
#include "units.h"
#include "wait.h"

enum format { FMT_TEXT, FMT_JSON, FMT_PROM };

struct stats_opts {
	const char *pool;
	uint64_t watch;		/* seconds, 0: once */
	enum format format;
	const char *output;
};

static const char *const stats_labels[] = {
	[MEMOPT_A_POOL_ID] = "POOL", [MEMOPT_A_POOL_NAME] = "POOL",
};

/* Every pool, or the one @sel names, into @pools. */
static int stats_fetch(struct mctl *m, const char *sel, json_object *pools)
{
	struct nl_msg *msg;
	int ret;

	if (!sel)
		return fetch_pools(m, pools);
	msg = mctl_msg(m, MEMOPT_CMD_POOL_GET, 0);
	if (!msg)
		return -ENOMEM;
	ret = put_pool_selector(m, msg, sel);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	m->labels = stats_labels;
	m->n_labels = ARRAY_SIZE(stats_labels);
	return mctl_request(m, msg, collect_pools, pools);
}

/* Figures added up across @pools; the peak is per pool, so it is left out. */
static json_object *stats_total(json_object *pools)
{
	json_object *t = json_object_new_object(), *s = json_object_new_object();
	size_t n = json_object_array_length(pools), i;
	unsigned int k;

	for (k = 0; k < n_stat_keys; k++) {
		uint64_t sum = 0;

		if (!strcmp(stat_keys[k].key, "peak_used"))
			continue;
		for (i = 0; i < n; i++)
			sum += jstat(json_object_array_get_idx(pools, i), stat_keys[k].key);
		jset_u64(s, stat_keys[k].key, sum);
	}
	jset_u64(t, "pools", n);
	json_object_object_add(t, "stats", s);
	add_derived(t, s);
	return t;
}

static void print_figures(FILE *f, json_object *o, bool pool)
{
	char a[32], b[32], c[32], d[32];

	fprintf(f, "  blocks           %llu held: %llu used, %llu cached; reserve %llu; %llu slab%s",
		(unsigned long long)jstat(o, "blocks_total"),
		(unsigned long long)jstat(o, "blocks_used"),
		(unsigned long long)jstat(o, "blocks_cached"),
		(unsigned long long)jstat(o, "blocks_reserved"),
		(unsigned long long)jstat(o, "slabs"), jstat(o, "slabs") == 1 ? "" : "s");
	if (pool)
		fprintf(f, "; peak %llu used", (unsigned long long)jstat(o, "peak_used"));
	fprintf(f, "\n  memory           %s held: %s used, %s requested, %s stranded\n",
		format_size(jstat(o, "bytes_total"), a, sizeof(a)),
		format_size(jstat(o, "bytes_used"), b, sizeof(b)),
		format_size(jstat(o, "bytes_requested"), c, sizeof(c)),
		format_size(jstat(o, "bytes_stranded"), d, sizeof(d)));
	fprintf(f, "  buffers          %llu\n", (unsigned long long)jstat(o, "buffers"));
	fprintf(f, "  efficiency       %s (requested / held)\n",
		format_percent(jratio(o, "efficiency"), a, sizeof(a)));
	fprintf(f, "  fragmentation    %s (stranded / held)\n",
		format_percent(jratio(o, "fragmentation"), a, sizeof(a)));
	fprintf(f, "  allocations      %llu blocks, %llu freed; magazine hits %llu, misses %llu\n",
		(unsigned long long)jstat(o, "allocs"), (unsigned long long)jstat(o, "frees"),
		(unsigned long long)jstat(o, "mag_hits"), (unsigned long long)jstat(o, "mag_misses"));
	fprintf(f, "  failures         %llu at max, %llu at global cap, %llu out of memory\n",
		(unsigned long long)jstat(o, "fail_pool_max"),
		(unsigned long long)jstat(o, "fail_global_cap"),
		(unsigned long long)jstat(o, "fail_nomem"));
	fprintf(f, "  slabs            %llu order fallbacks; shrinker gave back %llu blocks\n",
		(unsigned long long)jstat(o, "order_fallbacks"),
		(unsigned long long)jstat(o, "shrinker_blocks"));
}

static void stats_text(FILE *f, json_object *doc, bool one)
{
	json_object *pools = jget(doc, "pools"), *p;
	size_t n = json_object_array_length(pools), i;

	for (i = 0; i < n; i++) {
		p = json_object_array_get_idx(pools, i);
		fprintf(f, "%spool %s (id %llu)\n", i ? "\n" : "", jstr(p, "name"),
			(unsigned long long)jnum(p, "id"));
		print_figures(f, p, true);
	}
	if (one)
		return;
	fprintf(f, "%stotal of %zu pool%s\n", n ? "\n" : "", n, n == 1 ? "" : "s");
	print_figures(f, jget(doc, "total"), false);
}

static void stats_render(FILE *f, json_object *doc, const struct stats_opts *so)
{
	if (so->format == FMT_PROM) {
		prom_write(f, jget(doc, "pools"), !so->pool);
	} else if (so->format == FMT_JSON) {
		/* --watch to stdout: one document per line, even with -p (like monitor). */
		fprintf(f, "%s\n", json_object_to_json_string_ext(doc, so->watch && !so->output ?
				JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE : json_flags()));
	} else {
		if (so->watch && !so->output) {
			char when[32];
			time_t t = time(NULL);

			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime(&t));
			fprintf(f, "--- %s\n", when);
		}
		stats_text(f, doc, so->pool != NULL);
	}
}

struct stats_fill {
	json_object *doc;
	const struct stats_opts *so;
};

static void stats_fill(FILE *f, void *arg)
{
	struct stats_fill *sf = arg;

	stats_render(f, sf->doc, sf->so);
}

static int stats_once(struct mctl *m, const struct stats_opts *so)
{
	json_object *pools = json_object_new_array(), *doc;
	int ret = stats_fetch(m, so->pool, pools);

	if (ret) {
		json_object_put(pools);
		return ret;
	}
	doc = json_object_new_object();
	if (so->watch)
		jset_u64(doc, "time", (uint64_t)time(NULL));
	json_object_object_add(doc, "total", stats_total(pools));
	json_object_object_add(doc, "pools", pools);
	if (so->output) {
		struct stats_fill sf = { doc, so };

		ret = write_atomic(so->output, "", stats_fill, &sf);
	} else {
		stats_render(stdout, doc, so);
		fflush(stdout);
	}
	json_object_put(doc);
	return ret;
}

static int stats_parse(int argc, char **argv, struct stats_opts *so)
{
	static const struct option lopts[] = {
		{ "watch", required_argument, NULL, 'w' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	so->format = opts.json ? FMT_JSON : FMT_TEXT;
	getopt_reset();
	/* Options may follow POOL: no "+", getopt permutes. */
	while ((c = getopt_long(argc, argv, ":w:f:o:", lopts, NULL)) != -1) {
		switch (c) {
		case 'w':
			if (parse_duration(optarg, &so->watch) || !so->watch ||
			    so->watch > WAIT_MAX_S)
				return usage_error("stats", "--watch \"%s\" is not a duration from 1s to 7d (2, 30s, 5m)",
						   optarg);
			break;
		case 'f':
			if (!strcmp(optarg, "prometheus"))
				so->format = FMT_PROM;
			else if (!strcmp(optarg, "json"))
				so->format = FMT_JSON;
			else if (!strcmp(optarg, "text"))
				so->format = FMT_TEXT;
			else
				return usage_error("stats", "--format \"%s\" is not text, json or prometheus",
						   optarg);
			break;
		case 'o':
			so->output = optarg;
			break;
		default:
			return option_error("stats", "stats", c, getopt_arg(argc, argv));
		}
	}
	if (optind < argc)
		so->pool = argv[optind++];
	if (optind < argc)
		return arg_error("stats", argv[optind]);
	return 0;
}

static void stats_usage(FILE *f)
{
	fprintf(f,
		"Usage: memoptctl stats [POOL] [-w|--watch DURATION]\n"
		"                       [-f|--format text|json|prometheus] [-o|--output FILE]\n"
		"Every figure of every pool (or of POOL), memory efficiency (requested / held\n"
		"bytes), fragmentation (stranded / held bytes) and totals. --watch repeats every\n"
		"DURATION (1s to 7d: 2, 30s, 5m) until SIGINT or SIGTERM (exit 0); --output\n"
		"replaces FILE atomically each time (node_exporter's textfile collector).\n"
		"Options may come before or after POOL.\n");
}

int do_stats(int argc, char **argv)
{
	struct stats_opts so = { 0 };
	struct mctl m = { 0 };
	int ret, w = 0;

	if (argc > 0 && !strcmp(argv[0], "help")) {
		stats_usage(stdout);
		return EXIT_OK;
	}
	ret = stats_parse(argc + 1, argv - 1, &so);
	if (ret)
		return ret;
	if (mctl_open(&m))
		return EXIT_FAIL;
	if (so.watch)
		stop_catch();
	ret = stats_once(&m, &so);
	while (!ret && so.watch && (w = wait_fd(-1, (int)(so.watch * 1000))) == 0) {
		if (so.format != FMT_JSON && !so.output)
			putchar('\n');
		ret = stats_once(&m, &so);
	}
	if (!ret && w < 0 && w != -EINTR) {
		errorf("waiting: %s", strerror(-w));
		ret = w;
	}
	mctl_close(&m);
	return ret ? EXIT_FAIL : EXIT_OK;
}
