// SPDX-License-Identifier: GPL-2.0
/*
 * memoptctl monitor [-c|--count N] [-t|--timestamp]
 *
 * Joins the "monitor" multicast group and prints one line per event (one
 * JSON object per line with -j), flushed at once, until SIGINT or SIGTERM
 * (exit 0) or N events. Notifications lost to a full socket (ENOBUFS) are
 * reported as an event of their own, and listening goes on. Leak events
 * name pools by id only; their names come from a pool dump, made again
 * when an unknown id shows up.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <linux/memopt.h>

#include "attrs.h"
#include "events.h"
#include "memoptctl.h"
#include "nl.h"
#include "print.h"
#include "units.h"
#include "wait.h"

struct monitor {
	struct mctl req;	/* requests: pool names */
	json_object *pools;
	uint64_t count;		/* events to print, 0: no limit */
	uint64_t seen;
	bool timestamp;
};

/* Refresh the pool names when a leak event names a pool we do not know. */
static void monitor_learn_pools(struct monitor *mon, const struct mctl_reply *r)
{
	struct nlattr *nest = r->tb[MEMOPT_A_LEAK_BUF] ?: r->tb[MEMOPT_A_LEAK_PROC];
	struct nlattr *tb[MCTL_MAXATTR + 1], *id;
	json_object *fresh;

	if (r->cmd != MEMOPT_CMD_LEAK_NTF || !nest ||
	    nla_parse_nested(tb, MCTL_MAXATTR, nest, NULL))
		return;
	id = tb[r->tb[MEMOPT_A_LEAK_BUF] ? MEMOPT_A_BUF_POOL_ID : MEMOPT_A_PROC_POOL_ID];
	if (!id || nla_len(id) != 4 || pool_name(mon->pools, nla_get_u32(id)))
		return;
	fresh = json_object_new_array();
	mon->req.quiet = true;
	if (fetch_pools(&mon->req, fresh)) {
		json_object_put(fresh);
	} else {
		json_object_put(mon->pools);
		mon->pools = fresh;
	}
	mon->req.quiet = false;
}

static void monitor_print(struct monitor *mon, json_object *ev)
{
	char line[1024], when[32];
	time_t t = (time_t)(jnum(ev, "time_ms") / 1000);

	if (opts.json) {
		printf("%s\n", json_object_to_json_string_ext(ev, JSON_C_TO_STRING_PLAIN |
							       JSON_C_TO_STRING_NOSLASHESCAPE));
	} else {
		if (mon->timestamp) {
			strftime(when, sizeof(when), "%H:%M:%S", localtime(&t));
			printf("%s.%03llu ", when, (unsigned long long)(jnum(ev, "time_ms") % 1000));
		}
		printf("%s\n", event_text(ev, line, sizeof(line)));
	}
	fflush(stdout);
}

static int on_event(const struct mctl_reply *r, void *arg)
{
	struct monitor *mon = arg;
	json_object *ev;

	monitor_learn_pools(mon, r);
	ev = event_to_json(r, mon->pools);
	if (!ev)
		return 0;
	monitor_print(mon, ev);
	json_object_put(ev);
	mon->seen++;
	return mon->count && mon->seen >= mon->count;
}

static int monitor_loop(struct mctl *ev, struct monitor *mon)
{
	json_object *lost;
	int ret;

	for (;;) {
		ret = mctl_events(ev, -1, on_event, mon);
		if (ret == 1 || ret == -EINTR)
			return EXIT_OK;
		if (ret == -ENOBUFS) {
			lost = event_lost();
			monitor_print(mon, lost);
			json_object_put(lost);
		} else if (ret < 0) {
			errorf("receiving events: %s", strerror(-ret));
			return EXIT_FAIL;
		}
	}
}

static int monitor_parse(int argc, char **argv, struct monitor *mon)
{
	static const struct option lopts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ "timestamp", no_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	getopt_reset();
	while ((c = getopt_long(argc, argv, "+:c:t", lopts, NULL)) != -1) {
		if (c == 'c') {
			if (parse_uint(optarg, UINT32_MAX, &mon->count) || !mon->count)
				return usage_error("monitor", "--count \"%s\" is not a number of events",
						   optarg);
		} else if (c == 't') {
			mon->timestamp = true;
		} else {
			return option_error("monitor", "monitor", c, getopt_arg(argc, argv));
		}
	}
	if (optind < argc)
		return arg_error("monitor", argv[optind]);
	return 0;
}

static void monitor_usage(FILE *f)
{
	fprintf(f,
		"Usage: memoptctl monitor [-c|--count N] [-t|--timestamp]\n"
		"One line per event (pools created, changed, destroyed, freed; watermark\n"
		"crossings; exhaustion; leak suspicions) until interrupted (exit 0) or N\n"
		"events; -j prints one JSON object per line.\n");
}

int do_monitor(int argc, char **argv)
{
	struct monitor mon = { 0 };
	struct mctl ev = { 0 };
	int ret;

	if (argc > 0 && !strcmp(argv[0], "help")) {
		monitor_usage(stdout);
		return EXIT_OK;
	}
	ret = monitor_parse(argc + 1, argv - 1, &mon);
	if (ret)
		return ret;
	stop_catch();
	if (mctl_open_events(&ev) || mctl_subscribe(&ev) || mctl_open(&mon.req)) {
		mctl_close(&ev);
		return EXIT_FAIL;
	}
	mon.pools = json_object_new_array();
	fetch_pools(&mon.req, mon.pools);
	ret = monitor_loop(&ev, &mon);
	json_object_put(mon.pools);
	mctl_close(&mon.req);
	mctl_close(&ev);
	return ret;
}
