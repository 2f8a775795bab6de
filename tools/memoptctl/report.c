// SPDX-License-Identifier: GPL-2.0
/*
 * What memoptctl makes of the ledger's dumps: holders summaries, buffers
 * grouped by owner, the leak report, holdings snapshots and their
 * differences, the order of the process table. Pure functions of JSON
 * objects, so that the host's unit tests cover them (see report.h).
 *
 * Groups are found by linear search: a few groups per process, and a
 * ledger of thousands of buffers, not millions.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "print.h"
#include "report.h"

/* Plural of a holder kind, as people say it. */
static const char *kind_text(const char *kind, uint64_t n)
{
	static const struct { const char *kind, *one, *many; } k[] = {
		{ "handle", "handle", "handles" }, { "map", "map", "maps" },
		{ "dmabuf", "dmabuf", "dmabufs" }, { "kernel", "kernel ref", "kernel refs" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(k); i++)
		if (!strcmp(kind, k[i].kind))
			return n == 1 ? k[i].one : k[i].many;
	return kind;
}

const char *holders_text(json_object *holders, char *buf, size_t len)
{
	size_t i, n = holders ? json_object_array_length(holders) : 0, off = 0;

	snprintf(buf, len, "none");
	for (i = 0; i < n && off < len; i++) {
		json_object *h = json_object_array_get_idx(holders, i);
		uint64_t count = jnum(h, "count");
		char pid[32] = "";

		if (jnum(h, "pid"))
			snprintf(pid, sizeof(pid), " (pid %llu)", (unsigned long long)jnum(h, "pid"));
		off += snprintf(buf + off, len - off, "%s%llu %s%s", i ? ", " : "",
				(unsigned long long)count, kind_text(jstr(h, "kind"), count), pid);
	}
	return buf;
}

/* Keep the larger of @o[key] and @v (an age). */
static void max_into(json_object *o, const char *key, uint64_t v)
{
	if (!jget(o, key) || jnum(o, key) < v)
		jset_u64(o, key, v);
}

static void add_into(json_object *o, const char *key, uint64_t v)
{
	jset_u64(o, key, jnum(o, key) + v);
}

/* Add the holders @from to the totals @into, by kind and process. */
static void add_holders(json_object *into, json_object *from)
{
	size_t i, j, n = from ? json_object_array_length(from) : 0;

	for (i = 0; i < n; i++) {
		json_object *h = json_object_array_get_idx(from, i), *t = NULL;

		for (j = 0; j < json_object_array_length(into) && !t; j++) {
			t = json_object_array_get_idx(into, j);
			if (strcmp(jstr(t, "kind"), jstr(h, "kind")) || jnum(t, "pid") != jnum(h, "pid"))
				t = NULL;
		}
		if (!t) {
			t = json_object_new_object();
			jset_str(t, "kind", jstr(h, "kind"));
			if (jget(h, "pid"))
				jset_u64(t, "pid", jnum(h, "pid"));
			jset_u64(t, "count", 0);
			json_object_array_add(into, t);
		}
		add_into(t, "count", jnum(h, "count"));
	}
}

/* The element of @arr whose @k1 and @k2 (strings compared, "" for absent) match @o's. */
static json_object *find_group(json_object *arr, json_object *o, const char *const *keys,
			       const char *const *okeys, unsigned int nkeys)
{
	size_t i, n = json_object_array_length(arr);
	unsigned int k;

	for (i = 0; i < n; i++) {
		json_object *g = json_object_array_get_idx(arr, i);

		for (k = 0; k < nkeys; k++)
			if (strcmp(jstr(g, keys[k]), jstr(o, okeys[k])))
				break;
		if (k == nkeys)
			return g;
	}
	return NULL;
}

/* Sorting: most bytes first, then most buffers, then by @tiebreak ascending. */
static const char *sort_tiebreak;

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int by_bytes(const void *pa, const void *pb)
{
	json_object *a = *(json_object *const *)pa, *b = *(json_object *const *)pb;
	int c = cmp_u64(jnum(b, "bytes"), jnum(a, "bytes"));

	if (!c)
		c = cmp_u64(jnum(b, "buffers"), jnum(a, "buffers"));
	if (!c && !strcmp(sort_tiebreak, "label"))
		c = strcmp(jstr(a, "label"), jstr(b, "label"));
	if (!c)
		c = cmp_u64(jnum(a, sort_tiebreak), jnum(b, sort_tiebreak));
	return c ? c : cmp_u64(jnum(a, "pool_id"), jnum(b, "pool_id"));
}

static void sort_by_bytes(json_object *arr, const char *tiebreak)
{
	sort_tiebreak = tiebreak;
	json_object_array_sort(arr, by_bytes);
}

/* A new group for buffer @b: its owner (and pool and label, when @label). */
static json_object *new_group(json_object *b, bool label)
{
	json_object *g = json_object_new_object();

	jset_u64(g, "pid", jnum(b, "owner_pid"));
	jset_str(g, "comm", jstr(b, "owner_comm"));
	if (label) {
		jset_str(g, "label", jget(b, "label") ? jstr(b, "label") : NULL);
		jset_u64(g, "pool_id", jnum(b, "pool_id"));
		jset_str(g, "pool", jget(b, "pool") ? jstr(b, "pool") : NULL);
	} else {
		jset_bool(g, "exited", jbool(b, "owner_exited"));
	}
	jset_u64(g, "buffers", 0);
	jset_u64(g, "bytes", 0);
	return g;
}

/* Count buffer @b into group @g, keeping the age of the oldest. */
static void count_buf(json_object *g, json_object *b)
{
	add_into(g, "buffers", 1);
	add_into(g, "bytes", jnum(b, "size"));
	max_into(g, "oldest_ms", jnum(b, "age_ms"));
}

static const char *const owner_keys[] = { "pid", "comm" };
static const char *const buf_owner_keys[] = { "owner_pid", "owner_comm" };
static const char *const label_keys[] = { "pid", "comm", "pool_id", "label" };
static const char *const buf_label_keys[] = { "owner_pid", "owner_comm", "pool_id", "label" };
/* Within one process of the report. */
static const char *const pool_label_keys[] = { "pool_id", "label" };

/* The owner group of buffer @b in @groups, made if need be. */
static json_object *owner_group(json_object *groups, json_object *b)
{
	json_object *g = find_group(groups, b, owner_keys, buf_owner_keys, 2);

	if (!g) {
		g = new_group(b, false);
		json_object_array_add(groups, g);
	}
	return g;
}

json_object *owners_of(json_object *bufs)
{
	json_object *groups = json_object_new_array(), *g, *b;
	size_t i, n = json_object_array_length(bufs);

	for (i = 0; i < n; i++) {
		b = json_object_array_get_idx(bufs, i);
		g = owner_group(groups, b);
		count_buf(g, b);
		if (!jget(g, "holders"))
			json_object_object_add(g, "holders", json_object_new_array());
		add_holders(jget(g, "holders"), jget(b, "holders"));
	}
	sort_by_bytes(groups, "pid");
	return groups;
}

/* Does the array of names @reasons hold @name? */
static bool has_reason(json_object *reasons, const char *name)
{
	size_t i, n = reasons ? json_object_array_length(reasons) : 0;

	for (i = 0; i < n; i++)
		if (!strcmp(json_object_get_string(json_object_array_get_idx(reasons, i)), name))
			return true;
	return false;
}

/* The growth suspicion of buffer @b's owner in its pool, from the leak dump. */
static json_object *growth_of(json_object *leaks, json_object *b)
{
	size_t i, n = json_object_array_length(leaks);

	for (i = 0; i < n; i++) {
		json_object *p = jget(json_object_array_get_idx(leaks, i), "process");

		if (p && has_reason(jget(p, "suspect"), "growth") &&
		    jnum(p, "pid") == jnum(b, "owner_pid") && jnum(p, "pool_id") == jnum(b, "pool_id"))
			return p;
	}
	return NULL;
}

/* The reasons the leak dump gives for buffer @b (NULL: none). */
static json_object *reasons_of(json_object *leaks, json_object *b)
{
	size_t i, n = json_object_array_length(leaks);

	for (i = 0; i < n; i++) {
		json_object *l = json_object_array_get_idx(leaks, i);

		if (jget(l, "buffer") && jnum(jget(l, "buffer"), "id") == jnum(b, "id"))
			return jget(l, "reason");
	}
	return NULL;
}

/* One growth suspicion for the report: the pool's window from @pools. */
static json_object *growth_entry(json_object *p, json_object *pools)
{
	json_object *g = json_object_new_object();
	size_t i, n = pools ? json_object_array_length(pools) : 0;

	jset_u64(g, "pool_id", jnum(p, "pool_id"));
	jset_str(g, "pool", jget(p, "pool") ? jstr(p, "pool") : NULL);
	jset_u64(g, "growth", jnum(p, "growth"));
	jset_u64(g, "bytes", jnum(p, "bytes"));
	for (i = 0; i < n; i++) {
		json_object *pool = json_object_array_get_idx(pools, i);

		if (jnum(pool, "id") == jnum(p, "pool_id"))
			jset_u64(g, "window", jnum(pool, "growth_window"));
	}
	return g;
}

/* Count suspect buffer @b into process @proc: reasons, growth entries. */
static void count_suspect(json_object *proc, json_object *reasons, json_object *growth,
			  json_object *pools)
{
	json_object *s = jget(proc, "suspects"), *list = jget(proc, "growth");
	size_t i, n = json_object_array_length(list);

	add_into(s, "age", has_reason(reasons, "age"));
	add_into(s, "orphan", has_reason(reasons, "orphan"));
	add_into(s, "growth", growth != NULL);
	if (!growth)
		return;
	for (i = 0; i < n; i++)
		if (jnum(json_object_array_get_idx(list, i), "pool_id") == jnum(growth, "pool_id"))
			return;
	json_object_array_add(list, growth_entry(growth, pools));
}

/* The report's process entry for buffer @b, made if need be. */
static json_object *report_proc(json_object *procs, json_object *b)
{
	json_object *p = find_group(procs, b, owner_keys, buf_owner_keys, 2), *s;

	if (p)
		return p;
	p = new_group(b, false);
	s = json_object_new_object();
	jset_u64(s, "age", 0);
	jset_u64(s, "orphan", 0);
	jset_u64(s, "growth", 0);
	json_object_object_add(p, "suspects", s);
	json_object_object_add(p, "growth", json_object_new_array());
	json_object_object_add(p, "labels", json_object_new_array());
	json_object_array_add(procs, p);
	return p;
}

/* Count buffer @b into its process and label group of the report. */
static void report_buf(json_object *procs, json_object *b, json_object *reasons,
		       json_object *growth, json_object *pools)
{
	json_object *p = report_proc(procs, b), *labels = jget(p, "labels"), *l;

	count_buf(p, b);
	count_suspect(p, reasons, growth, pools);
	l = find_group(labels, b, pool_label_keys, pool_label_keys, 2);
	if (!l) {
		l = new_group(b, true);
		/* Its process says whose it is. */
		json_object_object_del(l, "pid");
		json_object_object_del(l, "comm");
		json_object_object_add(l, "ids", json_object_new_array());
		json_object_array_add(labels, l);
	}
	count_buf(l, b);
	json_object_array_add(jget(l, "ids"), json_object_new_uint64(jnum(b, "id")));
}

/* The union of the buffer's own suspicion and the leak dump's. */
static json_object *buf_reasons(json_object *b, json_object *leaks)
{
	json_object *mine = jget(b, "suspect"), *dump = reasons_of(leaks, b);
	json_object *all = json_object_new_array();
	static const char *const names[] = { "age", "orphan", "growth" };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (has_reason(mine, names[i]) || has_reason(dump, names[i]))
			json_object_array_add(all, json_object_new_string(names[i]));
	return all;
}

json_object *leak_report(json_object *bufs, json_object *leaks, json_object *pools, bool all)
{
	json_object *report = json_object_new_object(), *procs = json_object_new_array();
	size_t i, n = json_object_array_length(bufs);
	uint64_t nbufs = 0, bytes = 0, suspects = 0;

	for (i = 0; i < n; i++) {
		json_object *b = json_object_array_get_idx(bufs, i);
		json_object *reasons = buf_reasons(b, leaks), *growth = growth_of(leaks, b);
		bool suspect = json_object_array_length(reasons) || growth;

		if (all || suspect) {
			report_buf(procs, b, reasons, growth, pools);
			nbufs++;
			bytes += jnum(b, "size");
			suspects += suspect;
		}
		json_object_put(reasons);
	}
	sort_by_bytes(procs, "pid");
	for (i = 0; i < json_object_array_length(procs); i++)
		sort_by_bytes(jget(json_object_array_get_idx(procs, i), "labels"), "label");
	jset_bool(report, "all", all);
	jset_u64(report, "buffers", nbufs);
	jset_u64(report, "bytes", bytes);
	jset_u64(report, "suspects", suspects);
	jset_u64(report, "live_buffers", n);
	json_object_object_add(report, "processes", procs);
	return report;
}

static int by_key(const void *pa, const void *pb)
{
	json_object *a = *(json_object *const *)pa, *b = *(json_object *const *)pb;
	int c = cmp_u64(jnum(a, "pid"), jnum(b, "pid"));

	if (!c)
		c = cmp_u64(jnum(a, "pool_id"), jnum(b, "pool_id"));
	if (!c)
		c = strcmp(jstr(a, "comm"), jstr(b, "comm"));
	return c ? c : strcmp(jstr(a, "label"), jstr(b, "label"));
}

json_object *holdings_of(json_object *bufs)
{
	json_object *groups = json_object_new_array(), *g, *b;
	size_t i, n = json_object_array_length(bufs);

	for (i = 0; i < n; i++) {
		b = json_object_array_get_idx(bufs, i);
		g = find_group(groups, b, label_keys, buf_label_keys, 4);
		if (!g) {
			g = new_group(b, true);
			json_object_array_add(groups, g);
		}
		add_into(g, "buffers", 1);
		add_into(g, "bytes", jnum(b, "size"));
	}
	json_object_array_sort(groups, by_key);
	return groups;
}

static void set_i64(json_object *o, const char *key, int64_t v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

/* A grown label group: @now's figures, @before's, and the deltas. */
static json_object *grown_label(json_object *now, json_object *before)
{
	json_object *l = json_object_new_object();

	jset_str(l, "label", jget(now, "label") ? jstr(now, "label") : NULL);
	jset_u64(l, "pool_id", jnum(now, "pool_id"));
	jset_str(l, "pool", jget(now, "pool") ? jstr(now, "pool") : NULL);
	jset_u64(l, "buffers_before", jnum(before, "buffers"));
	jset_u64(l, "buffers", jnum(now, "buffers"));
	jset_u64(l, "bytes_before", jnum(before, "bytes"));
	jset_u64(l, "bytes", jnum(now, "bytes"));
	set_i64(l, "buffers_delta", (int64_t)(jnum(now, "buffers") - jnum(before, "buffers")));
	set_i64(l, "bytes_delta", (int64_t)(jnum(now, "bytes") - jnum(before, "bytes")));
	return l;
}

/* Add grown label group @l (of holding @h) to its process in @grew. */
static void add_grown(json_object *grew, json_object *h, json_object *l)
{
	json_object *p = find_group(grew, h, owner_keys, owner_keys, 2);

	if (!p) {
		p = json_object_new_object();
		jset_u64(p, "pid", jnum(h, "pid"));
		jset_str(p, "comm", jstr(h, "comm"));
		set_i64(p, "buffers_delta", 0);
		set_i64(p, "bytes_delta", 0);
		json_object_object_add(p, "labels", json_object_new_array());
		json_object_array_add(grew, p);
	}
	set_i64(p, "buffers_delta", json_object_get_int64(jget(p, "buffers_delta")) +
		json_object_get_int64(jget(l, "buffers_delta")));
	set_i64(p, "bytes_delta", json_object_get_int64(jget(p, "bytes_delta")) +
		json_object_get_int64(jget(l, "bytes_delta")));
	json_object_array_add(jget(p, "labels"), l);
}

static int by_delta(const void *pa, const void *pb)
{
	json_object *a = *(json_object *const *)pa, *b = *(json_object *const *)pb;
	int64_t da = json_object_get_int64(jget(a, "bytes_delta"));
	int64_t db = json_object_get_int64(jget(b, "bytes_delta"));

	if (da != db)
		return da > db ? -1 : 1;
	da = json_object_get_int64(jget(a, "buffers_delta"));
	db = json_object_get_int64(jget(b, "buffers_delta"));
	if (da != db)
		return da > db ? -1 : 1;
	return by_key(pa, pb);
}

/* Bytes of the groups of @before that @now lacks or holds fewer bytes of. */
static uint64_t shrunk_bytes(json_object *before, json_object *now)
{
	size_t i, n = json_object_array_length(before);
	uint64_t shrunk = 0;

	for (i = 0; i < n; i++) {
		json_object *b = json_object_array_get_idx(before, i);
		json_object *a = find_group(now, b, label_keys, label_keys, 4);

		if (jnum(a, "bytes") < jnum(b, "bytes"))
			shrunk += jnum(b, "bytes") - jnum(a, "bytes");
	}
	return shrunk;
}

json_object *holdings_diff(json_object *before, json_object *now)
{
	json_object *diff = json_object_new_object(), *grew = json_object_new_array();
	size_t i, n = json_object_array_length(now);
	uint64_t grown = 0;

	for (i = 0; i < n; i++) {
		json_object *h = json_object_array_get_idx(now, i);
		json_object *b = find_group(before, h, label_keys, label_keys, 4);

		if (jnum(h, "bytes") <= jnum(b, "bytes") && jnum(h, "buffers") <= jnum(b, "buffers"))
			continue;
		if (jnum(h, "bytes") > jnum(b, "bytes"))
			grown += jnum(h, "bytes") - jnum(b, "bytes");
		add_grown(grew, h, grown_label(h, b));
	}
	json_object_array_sort(grew, by_delta);
	for (i = 0; i < json_object_array_length(grew); i++)
		json_object_array_sort(jget(json_object_array_get_idx(grew, i), "labels"), by_delta);
	json_object_object_add(diff, "grew", grew);
	jset_u64(diff, "grown_bytes", grown);
	jset_u64(diff, "shrunk_bytes", shrunk_bytes(before, now));
	return diff;
}

/* The process table's sort: @sort_key descending (pid: ascending). */
static const char *sort_key;

static int by_sort_key(const void *pa, const void *pb)
{
	json_object *a = *(json_object *const *)pa, *b = *(json_object *const *)pb;
	int c = cmp_u64(jnum(b, sort_key), jnum(a, sort_key));

	if (!strcmp(sort_key, "pid"))
		c = -c;
	if (!c)
		c = cmp_u64(jnum(a, "pid"), jnum(b, "pid"));
	return c ? c : cmp_u64(jnum(a, "pool_id"), jnum(b, "pool_id"));
}

int procs_sort(json_object *procs, const char *key)
{
	static const struct { const char *name, *key; } keys[] = {
		{ "bytes", "bytes" }, { "buffers", "buffers" }, { "peak", "peak_bytes" },
		{ "age", "oldest_ms" }, { "pid", "pid" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		if (strcmp(key, keys[i].name))
			continue;
		sort_key = keys[i].key;
		json_object_array_sort(procs, by_sort_key);
		return 0;
	}
	return -EINVAL;
}
