// SPDX-License-Identifier: GPL-2.0
/*
 * memoptctl pool destroy POOL [--wait] [--timeout DURATION]
 *
 * The kernel unlists a destroyed pool at once; while buffers still hold
 * it, its reply carries MEMOPT_A_POOL_DYING, and the pool is freed when
 * the last of them is released, which the monitor group announces with
 * MEMOPT_CMD_POOL_FREED_NTF. With --wait, memoptctl joins the monitor
 * group before it sends the destroy (so the announcement cannot come
 * before it listens), says who holds the pool, and waits for that
 * announcement, saying every few seconds who still holds it. --timeout
 * gives up with EXIT_TIMEOUT; SIGINT or SIGTERM stop the wait with
 * EXIT_OK, as they stop monitor (the pool stays destroyed either way).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <linux/memopt.h>

#include "attrs.h"
#include "memoptctl.h"
#include "nl.h"
#include "pool.h"
#include "print.h"
#include "report.h"
#include "units.h"
#include "wait.h"

/* How often a wait says who still holds the pool. */
#define DESTROY_REPORT_MS	5000

struct destroy {
	const char *sel;
	bool wait;
	uint64_t timeout_ms;	/* 0: none */
	json_object *pool;	/* the destroy reply */
	uint32_t id;
	uint64_t start_ms;
};

static int destroy_parse(int argc, char **argv, struct destroy *d)
{
	static const struct option lopts[] = {
		{ "wait", no_argument, NULL, 'w' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	uint64_t s;
	int c;

	if (argc >= 2 && is_global_option(argv[1]))
		return arg_error("pool", argv[1]);
	if (argc < 2 || argv[1][0] == '-')
		return usage_error("pool", "pool destroy needs a pool name or id");
	d->sel = argv[1];
	getopt_reset();
	while ((c = getopt_long(argc - 1, argv + 1, "+:", lopts, NULL)) != -1) {
		if (c == 'w') {
			d->wait = true;
		} else if (c == 't') {
			if (parse_duration(optarg, &s) || !s || s > WAIT_MAX_S)
				return usage_error("pool", "--timeout \"%s\" is not a duration from 1s to 7d (30, 30s, 5m)",
						   optarg);
			d->timeout_ms = s * 1000;
			d->wait = true;
		} else {
			return option_error("pool", "pool destroy", c, getopt_arg(argc - 1, argv + 1));
		}
	}
	if (optind < argc - 1)
		return arg_error("pool", argv[optind + 1]);
	return 0;
}

/* One line per owner: "  pid 12 (cam): 3 buffers, 12 KiB, oldest 5s; held by ..." */
static void print_owners(json_object *owners)
{
	size_t i, n = json_object_array_length(owners);
	char sz[32], age[32], holders[512];

	for (i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(owners, i);

		printf("  pid %llu (%s%s): %llu buffer%s, %s, oldest %s; held by %s\n",
		       (unsigned long long)jnum(o, "pid"), jstr(o, "comm"),
		       jbool(o, "exited") ? ", exited" : "", (unsigned long long)jnum(o, "buffers"),
		       jnum(o, "buffers") == 1 ? "" : "s", format_size(jnum(o, "bytes"), sz, sizeof(sz)),
		       format_age(jnum(o, "oldest_ms"), age, sizeof(age)),
		       holders_text(jget(o, "holders"), holders, sizeof(holders)));
	}
}

/* The buffers of pool @id grouped by owner; NULL on failure (printed). */
static json_object *pool_owners(struct mctl *m, uint32_t id)
{
	struct buf_filter f = { .pool_id = id };
	json_object *bufs = json_object_new_array(), *owners = NULL;

	if (!fetch_bufs(m, &f, NULL, bufs))
		owners = owners_of(bufs);
	json_object_put(bufs);
	return owners;
}

/* "3 buffers, 12 KiB": what @owners hold in all. */
static const char *owners_total(json_object *owners, char *buf, size_t len)
{
	size_t i, n = json_object_array_length(owners);
	uint64_t bufs = 0, bytes = 0;
	char sz[32];

	for (i = 0; i < n; i++) {
		bufs += jnum(json_object_array_get_idx(owners, i), "buffers");
		bytes += jnum(json_object_array_get_idx(owners, i), "bytes");
	}
	snprintf(buf, len, "%llu buffer%s, %s", (unsigned long long)bufs, bufs == 1 ? "" : "s",
		 format_size(bytes, sz, sizeof(sz)));
	return buf;
}

/* A notification: is it the one that says our pool was freed? */
static int on_event(const struct mctl_reply *r, void *arg)
{
	struct destroy *d = arg;
	struct nlattr *id = r->tb[MEMOPT_A_POOL_ID];

	return r->cmd == MEMOPT_CMD_POOL_FREED_NTF && id && nla_len(id) == 4 &&
	       nla_get_u32(id) == d->id;
}

/* Say, every DESTROY_REPORT_MS, who still holds the pool. */
static void report_holders(struct mctl *m, struct destroy *d)
{
	json_object *owners = pool_owners(m, d->id);
	char what[64], waited[32];

	if (!owners)
		return;
	printf("still held after %s: %s\n",
	       format_age(now_ms() - d->start_ms, waited, sizeof(waited)),
	       owners_total(owners, what, sizeof(what)));
	print_owners(owners);
	fflush(stdout);
	json_object_put(owners);
}

/*
 * Lost events may have held the announcement: the pool counts as freed
 * when the ledger has no buffer of it left.
 */
static int check_lost(struct mctl *m, struct destroy *d)
{
	json_object *owners = pool_owners(m, d->id);
	int gone = owners && !json_object_array_length(owners);

	warnf("events were lost (the socket overflowed); %s",
	      gone ? "the ledger holds no buffer of the pool: taken as freed" :
		     "the pool is still held");
	json_object_put(owners);
	return gone;
}

/* Wait for the freed notification; 1 freed, 0 timed out, -errno. */
static int destroy_wait(struct mctl *m, struct mctl *ev, struct destroy *d)
{
	uint64_t next = now_ms() + DESTROY_REPORT_MS, end = d->start_ms + d->timeout_ms, t, now;
	int ret;

	for (;;) {
		t = next;
		if (d->timeout_ms && end < t)
			t = end;
		now = now_ms();
		ret = mctl_events(ev, t > now ? (int)(t - now) : 0, on_event, d);
		if (ret == 1)
			return 1;
		if (ret == -ENOBUFS && check_lost(m, d))
			return 1;
		if (ret < 0 && ret != -ENOBUFS)
			return ret;
		if (d->timeout_ms && now_ms() >= end)
			return 0;
		if (now_ms() >= next && !opts.json) {
			report_holders(m, d);
			next = now_ms() + DESTROY_REPORT_MS;
		}
	}
}

/* Destroy the pool; the reply goes to d->pool. 0 or -errno (printed). */
static int destroy_send(struct mctl *m, struct destroy *d)
{
	json_object *out = json_object_new_array();
	int ret;

	m->labels = pool_select_labels;
	m->n_labels = n_pool_select_labels;
	ret = pool_request(m, MEMOPT_CMD_POOL_DEL, d->sel, NULL, NULL, out);
	if (!ret && json_object_array_length(out) != 1)
		ret = -EPROTO;
	if (!ret) {
		d->pool = json_object_get(json_object_array_get_idx(out, 0));
		d->id = (uint32_t)jnum(d->pool, "id");
		jset_bool(d->pool, "destroyed", true);
	}
	json_object_put(out);
	return ret;
}

static void print_destroyed(struct destroy *d, json_object *owners)
{
	json_object *p = d->pool;
	char sz[32];

	printf("destroyed pool %s (id %llu)", jstr(p, "name"), (unsigned long long)d->id);
	if (!jbool(p, "dying")) {
		printf("\n");
		return;
	}
	printf(": dying, held by %llu buffer%s (%s); it is freed when they are released\n",
	       (unsigned long long)jstat(p, "buffers"), jstat(p, "buffers") == 1 ? "" : "s",
	       format_size(jstat(p, "bytes_used"), sz, sizeof(sz)));
	if (owners)
		print_owners(owners);
	fflush(stdout);
}

/* The end of a wait: 1 freed, 0 timed out, -EINTR stopped by a signal, -errno. */
static int destroy_result(struct destroy *d, int waited)
{
	bool stopped = waited == -EINTR;
	char t[32];

	format_age(now_ms() - d->start_ms, t, sizeof(t));
	if ((waited >= 0 || stopped) && d->pool) {
		jset_bool(d->pool, "freed", waited == 1);
		jset_u64(d->pool, "waited_ms", now_ms() - d->start_ms);
		if (stopped)
			jset_bool(d->pool, "interrupted", true);
	}
	if (waited == 1) {
		if (!opts.json)
			printf("pool %s (id %llu) freed after %s\n", jstr(d->pool, "name"),
			       (unsigned long long)d->id, t);
	} else if (stopped) {
		if (!opts.json)
			printf("stopped waiting after %s: pool %s (id %llu) is still held; it is freed when its last buffer is released\n",
			       t, jstr(d->pool, "name"), (unsigned long long)d->id);
	} else if (waited == 0) {
		errorf("pool %s (id %llu) is still held after %s (--timeout)",
		       jstr(d->pool, "name"), (unsigned long long)d->id, t);
	} else {
		errorf("waiting for pool %s (id %llu) to be freed: %s", jstr(d->pool, "name"),
		       (unsigned long long)d->id, strerror(-waited));
	}
	if (opts.json && (waited >= 0 || stopped))
		out_json(json_object_get(d->pool));
	if (waited == 1 || stopped)
		return EXIT_OK;
	return waited == 0 ? EXIT_TIMEOUT : EXIT_FAIL;
}

/* After the destroy: say what holds the pool, wait if asked to. */
static int destroy_done(struct mctl *m, struct mctl *ev, struct destroy *d)
{
	bool dying = jbool(d->pool, "dying");
	json_object *owners = dying ? pool_owners(m, d->id) : NULL;

	if (owners)
		json_object_object_add(d->pool, "held_by", json_object_get(owners));
	if (!opts.json)
		print_destroyed(d, owners);
	json_object_put(owners);
	if (!d->wait || !dying) {
		if (d->wait)
			jset_bool(d->pool, "freed", true);
		if (opts.json)
			out_json(json_object_get(d->pool));
		return EXIT_OK;
	}
	return destroy_result(d, destroy_wait(m, ev, d));
}

int pool_destroy(struct mctl *m, int argc, char **argv)
{
	struct destroy d = { 0 };
	struct mctl ev = { 0 };
	int ret;

	ret = destroy_parse(argc, argv, &d);
	if (ret)
		return ret;
	if (mctl_open(m))
		return EXIT_FAIL;
	/* SIGINT and SIGTERM end a wait with status 0, as they end monitor. */
	if (d.wait)
		stop_catch();
	/* Listen before destroying: the pool may be freed at once. */
	if (d.wait && (mctl_open_events(&ev) || mctl_subscribe(&ev))) {
		mctl_close(&ev);
		return EXIT_FAIL;
	}
	d.start_ms = now_ms();
	ret = destroy_send(m, &d) ? EXIT_FAIL : destroy_done(m, &ev, &d);
	json_object_put(d.pool);
	mctl_close(&ev);
	return ret;
}
