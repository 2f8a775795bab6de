// SPDX-License-Identifier: GPL-2.0
/*
 * memoptctl leak report [--all]
 * memoptctl leak snapshot FILE
 * memoptctl leak diff FILE
 *
 * The report reads the buffer dump (everything held, with each buffer's
 * suspicions) and the leak dump (suspicions, growth suspects among them),
 * and groups by process, then by label and pool, most bytes first
 * (report.c). A snapshot is the holdings per process, pool and label, as
 * JSON; diff says what grew since, and exits EXIT_GREW when anything did.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/memopt.h>

#include "attrs.h"
#include "memoptctl.h"
#include "nl.h"
#include "print.h"
#include "report.h"
#include "units.h"

/* The snapshot file format's version ("memoptctl_snapshot"). */
#define SNAPSHOT_VERSION	1

/* 'label "frames" (pool video)', 'no label (pool #5)' */
static const char *group_text(json_object *g, char *buf, size_t len)
{
	char label[48], pool[40];

	if (jget(g, "label"))
		snprintf(label, sizeof(label), "label \"%s\"", jstr(g, "label"));
	else
		snprintf(label, sizeof(label), "no label");
	snprintf(buf, len, "%s (pool %s)", label, pool_label(g, pool, sizeof(pool)));
	return buf;
}

/* "12 buffers, 48 MiB, oldest 5m 3s" */
static const char *counts_text(json_object *g, char *buf, size_t len)
{
	char sz[32], age[32];

	snprintf(buf, len, "%llu buffer%s, %s, oldest %s", (unsigned long long)jnum(g, "buffers"),
		 jnum(g, "buffers") == 1 ? "" : "s", format_size(jnum(g, "bytes"), sz, sizeof(sz)),
		 format_age(jnum(g, "oldest_ms"), age, sizeof(age)));
	return buf;
}

static void print_growth(json_object *growth)
{
	size_t i, n = json_object_array_length(growth);
	char a[32], b[32], w[32], pool[48];

	for (i = 0; i < n; i++) {
		json_object *g = json_object_array_get_idx(growth, i);

		printf("  growth: in pool %s, grew by %s within %s, holds %s\n",
		       pool_label(g, pool, sizeof(pool)),
		       format_size(jnum(g, "growth"), a, sizeof(a)),
		       format_duration(jnum(g, "window"), w, sizeof(w)),
		       format_size(jnum(g, "bytes"), b, sizeof(b)));
	}
}

static void print_report_proc(json_object *p)
{
	json_object *labels = jget(p, "labels"), *s = jget(p, "suspects");
	size_t i, n = json_object_array_length(labels);
	char what[128], counts[96];

	printf("pid %llu (%s%s): %s\n", (unsigned long long)jnum(p, "pid"), jstr(p, "comm"),
	       jbool(p, "exited") ? ", exited" : "", counts_text(p, counts, sizeof(counts)));
	for (i = 0; i < n; i++) {
		json_object *l = json_object_array_get_idx(labels, i);

		printf("    %s: %s\n", group_text(l, what, sizeof(what)),
		       counts_text(l, counts, sizeof(counts)));
	}
	if (jnum(s, "age") || jnum(s, "orphan") || jnum(s, "growth"))
		printf("  suspected: age (%llu), orphan (%llu), growth (%llu)\n",
		       (unsigned long long)jnum(s, "age"), (unsigned long long)jnum(s, "orphan"),
		       (unsigned long long)jnum(s, "growth"));
	print_growth(jget(p, "growth"));
}

static void print_report(json_object *r)
{
	json_object *procs = jget(r, "processes");
	size_t i, n = json_object_array_length(procs);
	char sz[32];

	for (i = 0; i < n; i++)
		print_report_proc(json_object_array_get_idx(procs, i));
	format_size(jnum(r, "bytes"), sz, sizeof(sz));
	if (!jbool(r, "all") && !n)
		printf("no leak suspects (%llu live buffers; \"leak report --all\" lists them)\n",
		       (unsigned long long)jnum(r, "live_buffers"));
	else if (!jbool(r, "all"))
		printf("\n%llu suspect buffer%s, %s, in %zu process%s\n",
		       (unsigned long long)jnum(r, "buffers"), jnum(r, "buffers") == 1 ? "" : "s",
		       sz, n, n == 1 ? "" : "es");
	else
		printf("%s%llu live buffer%s, %s, in %zu process%s; %llu suspect%s\n", n ? "\n" : "",
		       (unsigned long long)jnum(r, "buffers"), jnum(r, "buffers") == 1 ? "" : "s",
		       sz, n, n == 1 ? "" : "es", (unsigned long long)jnum(r, "suspects"),
		       jnum(r, "suspects") == 1 ? "" : "s");
}

/* Pools and live buffers; @leaks too unless NULL. 0 or -errno (printed). */
static int fetch_all(struct mctl *m, json_object *pools, json_object *bufs, json_object *leaks)
{
	int ret = fetch_pools(m, pools);

	if (!ret && leaks)
		ret = fetch_leaks(m, pools, leaks);
	if (!ret)
		ret = fetch_bufs(m, NULL, pools, bufs);
	return ret;
}

static int leak_report_cmd(struct mctl *m, bool all)
{
	json_object *pools = json_object_new_array(), *bufs = json_object_new_array();
	json_object *leaks = json_object_new_array(), *r;
	int ret = fetch_all(m, pools, bufs, leaks);

	if (!ret) {
		r = leak_report(bufs, leaks, pools, all);
		if (opts.json) {
			out_json(r);
		} else {
			print_report(r);
			json_object_put(r);
		}
	}
	json_object_put(leaks);
	json_object_put(bufs);
	json_object_put(pools);
	return ret ? EXIT_FAIL : EXIT_OK;
}

/* The snapshot file: pretty JSON, as json_object_to_file_ext() wrote it. */
static void snapshot_fill(FILE *f, void *doc)
{
	fputs(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
					     JSON_C_TO_STRING_SPACED |
					     JSON_C_TO_STRING_NOSLASHESCAPE), f);
}

static void print_snapshot(const char *path, json_object *holdings)
{
	size_t i, n = json_object_array_length(holdings);
	uint64_t bufs = 0, bytes = 0;
	json_object *o = json_object_new_object();
	char sz[32];

	for (i = 0; i < n; i++) {
		bufs += jnum(json_object_array_get_idx(holdings, i), "buffers");
		bytes += jnum(json_object_array_get_idx(holdings, i), "bytes");
	}
	jset_str(o, "file", path);
	jset_u64(o, "buffers", bufs);
	jset_u64(o, "bytes", bytes);
	jset_u64(o, "groups", n);
	if (opts.json) {
		out_json(o);
		return;
	}
	printf("wrote %s: %llu buffer%s, %s, in %zu group%s (process, pool, label)\n", path,
	       (unsigned long long)bufs, bufs == 1 ? "" : "s",
	       format_size(bytes, sz, sizeof(sz)), n, n == 1 ? "" : "s");
	json_object_put(o);
}

static int leak_snapshot(struct mctl *m, const char *path)
{
	json_object *pools = json_object_new_array(), *bufs = json_object_new_array(), *doc;
	int ret = fetch_all(m, pools, bufs, NULL);

	if (!ret) {
		doc = json_object_new_object();
		jset_u64(doc, "memoptctl_snapshot", SNAPSHOT_VERSION);
		jset_u64(doc, "time", (uint64_t)time(NULL));
		json_object_object_add(doc, "holdings", holdings_of(bufs));
		ret = write_atomic(path, "the snapshot ", snapshot_fill, doc);
		if (!ret)
			print_snapshot(path, jget(doc, "holdings"));
		json_object_put(doc);
	}
	json_object_put(bufs);
	json_object_put(pools);
	return ret ? EXIT_FAIL : EXIT_OK;
}

/* A snapshot written by "leak snapshot", or NULL (printed). */
static json_object *read_snapshot(const char *path)
{
	json_object *doc = json_object_from_file(path);

	if (!doc) {
		const char *why = json_util_get_last_err();

		errorf("cannot read the snapshot \"%s\": %.*s", path,
		       why ? (int)strcspn(why, "\n") : 7, why ? why : "unknown");
		return NULL;
	}
	if (jnum(doc, "memoptctl_snapshot") != SNAPSHOT_VERSION ||
	    !json_object_is_type(jget(doc, "holdings"), json_type_array)) {
		errorf("\"%s\" is not a snapshot of \"memoptctl leak snapshot\"", path);
		json_object_put(doc);
		return NULL;
	}
	return doc;
}

/* "+10 buffers, +40 MiB" */
static const char *delta_text(json_object *o, char *buf, size_t len)
{
	int64_t nb = json_object_get_int64(jget(o, "buffers_delta"));
	int64_t by = json_object_get_int64(jget(o, "bytes_delta"));
	char sz[32];

	snprintf(buf, len, "%+lld buffer%s, %c%s", (long long)nb, nb == 1 || nb == -1 ? "" : "s",
		 by < 0 ? '-' : '+', format_size(by < 0 ? -(uint64_t)by : (uint64_t)by, sz,
						 sizeof(sz)));
	return buf;
}

static void print_diff_proc(json_object *p)
{
	json_object *labels = jget(p, "labels");
	size_t i, n = json_object_array_length(labels);
	char what[128], delta[96], sz[32];

	printf("pid %llu (%s): %s\n", (unsigned long long)jnum(p, "pid"), jstr(p, "comm"),
	       delta_text(p, delta, sizeof(delta)));
	for (i = 0; i < n; i++) {
		json_object *l = json_object_array_get_idx(labels, i);

		printf("    %s: %s (now %llu buffer%s, %s)\n", group_text(l, what, sizeof(what)),
		       delta_text(l, delta, sizeof(delta)), (unsigned long long)jnum(l, "buffers"),
		       jnum(l, "buffers") == 1 ? "" : "s",
		       format_size(jnum(l, "bytes"), sz, sizeof(sz)));
	}
}

static void print_diff(json_object *d, const char *path)
{
	json_object *grew = jget(d, "grew");
	size_t i, n = json_object_array_length(grew);
	time_t then = (time_t)jnum(d, "snapshot_time");
	char when[32], ago[32], a[32], b[32];

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime(&then));
	format_age((uint64_t)(time(NULL) > then ? time(NULL) - then : 0) * 1000, ago, sizeof(ago));
	format_size(jnum(d, "grown_bytes"), a, sizeof(a));
	format_size(jnum(d, "shrunk_bytes"), b, sizeof(b));
	if (!n) {
		printf("nothing grew since the snapshot %s of %s (%s ago); %s released\n", path,
		       when, ago, b);
		return;
	}
	printf("since the snapshot %s of %s (%s ago):\n", path, when, ago);
	for (i = 0; i < n; i++)
		print_diff_proc(json_object_array_get_idx(grew, i));
	printf("\ngrew by %s in %zu process%s; %s released\n", a, n, n == 1 ? "" : "es", b);
}

static int leak_diff(struct mctl *m, const char *path, json_object *before)
{
	json_object *pools, *bufs, *now, *d;
	int ret, grew;

	pools = json_object_new_array();
	bufs = json_object_new_array();
	ret = fetch_all(m, pools, bufs, NULL);
	if (!ret) {
		now = holdings_of(bufs);
		d = holdings_diff(jget(before, "holdings"), now);
		jset_u64(d, "snapshot_time", jnum(before, "time"));
		grew = json_object_array_length(jget(d, "grew")) > 0;
		if (opts.json)
			out_json(json_object_get(d));
		else
			print_diff(d, path);
		json_object_put(d);
		json_object_put(now);
		ret = grew ? EXIT_GREW : EXIT_OK;
	} else {
		ret = EXIT_FAIL;
	}
	json_object_put(bufs);
	json_object_put(pools);
	return ret;
}

static void leak_usage(FILE *f)
{
	fprintf(f,
		"Usage: memoptctl leak report [--all]\n"
		"       memoptctl leak snapshot FILE\n"
		"       memoptctl leak diff FILE\n"
		"(\"memoptctl leak\" alone is \"leak report\".)\n"
		"report: leak suspects (every live buffer with --all) by process, then label,\n"
		"most bytes first. snapshot: holdings per process, pool and label into FILE.\n"
		"diff: what grew since the snapshot FILE; exit 3 when anything grew.\n");
}

static int leak_report_args(int argc, char **argv, bool *all)
{
	static const struct option lopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	getopt_reset();
	while ((c = getopt_long(argc, argv, "+:", lopts, NULL)) != -1) {
		if (c != 'a')
			return option_error("leak", "leak report", c, getopt_arg(argc, argv));
		*all = true;
	}
	if (optind < argc)
		return arg_error("leak", argv[optind]);
	return 0;
}

int do_leak(int argc, char **argv)
{
	const char *cmd = argc > 0 ? argv[0] : "report";
	json_object *before = NULL;
	struct mctl m = { 0 };
	bool all = false;
	int ret;

	if (!strcmp(cmd, "help")) {
		leak_usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(cmd, "report")) {
		ret = leak_report_args(argc, argv, &all);
		if (ret)
			return ret;
	} else if (!strcmp(cmd, "snapshot") || !strcmp(cmd, "diff")) {
		if (argc > 1 && is_global_option(argv[argc - 1]))
			return arg_error("leak", argv[argc - 1]);
		if (argc != 2 || !argv[1][0])
			return usage_error("leak", "leak %s needs one FILE", cmd);
		/* A snapshot that cannot be read fails before asking the kernel. */
		if (!strcmp(cmd, "diff") && !(before = read_snapshot(argv[1])))
			return EXIT_FAIL;
	} else if (is_global_option(cmd)) {
		return arg_error("leak", cmd);
	} else {
		errorf("unknown command \"%s\" for object \"leak\"", cmd);
		leak_usage(stderr);
		return EXIT_USAGE;
	}
	if (mctl_open(&m))
		ret = EXIT_FAIL;
	else if (!strcmp(cmd, "report"))
		ret = leak_report_cmd(&m, all);
	else if (!strcmp(cmd, "snapshot"))
		ret = leak_snapshot(&m, argv[1]);
	else
		ret = leak_diff(&m, argv[1], before);
	json_object_put(before);
	mctl_close(&m);
	return ret;
}
