// SPDX-License-Identifier: GPL-2.0
/*
 * The memopt family's objects as JSON, and the requests that fetch them.
 *
 * JSON keys are the attribute names in lower case (MEMOPT_A_BUF_OWNER_PID
 * is "owner_pid"), with exact numbers; flags are booleans, leak reasons
 * arrays of names. An object has a key for each attribute its message
 * carried (notifications carry fewer than dumps), except "label" (null:
 * no label), the flags and "suspect", which are always there.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <netlink/genl/genl.h>
#include <linux/memopt.h>

#include "attrs.h"
#include "nl.h"
#include "print.h"
#include "units.h"

const struct stat_key stat_keys[] = {
	{ MEMOPT_A_STATS_BLOCKS_TOTAL, "blocks_total" },
	{ MEMOPT_A_STATS_BLOCKS_USED, "blocks_used" },
	{ MEMOPT_A_STATS_BLOCKS_CACHED, "blocks_cached" },
	{ MEMOPT_A_STATS_BLOCKS_RESERVED, "blocks_reserved" },
	{ MEMOPT_A_STATS_SLABS, "slabs" },
	{ MEMOPT_A_STATS_BYTES_TOTAL, "bytes_total" },
	{ MEMOPT_A_STATS_BYTES_USED, "bytes_used" },
	{ MEMOPT_A_STATS_BYTES_REQUESTED, "bytes_requested" },
	{ MEMOPT_A_STATS_BYTES_STRANDED, "bytes_stranded" },
	{ MEMOPT_A_STATS_PEAK_USED, "peak_used" },
	{ MEMOPT_A_STATS_BUFFERS, "buffers" },
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
const unsigned int n_stat_keys = ARRAY_SIZE(stat_keys);

struct u32_key {
	int attr;
	const char *key;
};

static const struct u32_key pool_u32_keys[] = {
	{ MEMOPT_A_POOL_BLOCK_SIZE, "block_size" },
	{ MEMOPT_A_POOL_MIN, "min" },
	{ MEMOPT_A_POOL_MAX, "max" },
	{ MEMOPT_A_POOL_WATERMARK, "watermark" },
	{ MEMOPT_A_POOL_LEAK_AGE, "leak_age" },
	{ MEMOPT_A_POOL_UID, "uid" },
	{ MEMOPT_A_POOL_GID, "gid" },
	{ MEMOPT_A_POOL_MODE, "mode" },
};

/* Integer attributes checked by length: a wrong one is left out. */
static void put_u32(json_object *o, const char *key, struct nlattr *a)
{
	if (a && nla_len(a) == 4)
		jset_u64(o, key, nla_get_u32(a));
}

static void put_u64(json_object *o, const char *key, struct nlattr *a)
{
	if (a && nla_len(a) == 8)
		jset_u64(o, key, nla_get_u64(a));
}

static void put_string(json_object *o, const char *key, struct nlattr *a)
{
	if (a && nla_len(a) > 0)
		jset_str(o, key, nla_get_string(a));
}

/* The pool id attribute @a, and "pool": its name in @pools or null. */
static void put_pool_id(json_object *o, struct nlattr *a, json_object *pools)
{
	if (!a || nla_len(a) != 4)
		return;
	jset_u64(o, "pool_id", nla_get_u32(a));
	jset_str(o, "pool", pool_name(pools, nla_get_u32(a)));
}

void add_derived(json_object *o, json_object *stats)
{
	uint64_t total = jnum(stats, "bytes_total");

	jset_ratio(o, "efficiency", ratio_of(jnum(stats, "bytes_requested"), total));
	jset_ratio(o, "fragmentation", ratio_of(jnum(stats, "bytes_stranded"), total));
}

static json_object *stats_to_json(struct nlattr *nest)
{
	struct nlattr *st[MEMOPT_A_STATS_MAX + 1];
	json_object *s;
	unsigned int i;

	if (nla_parse_nested(st, MEMOPT_A_STATS_MAX, nest, NULL))
		return NULL;
	s = json_object_new_object();
	for (i = 0; i < n_stat_keys; i++)
		put_u64(s, stat_keys[i].key, st[stat_keys[i].attr]);
	return s;
}

json_object *pool_to_json(struct nlattr **tb)
{
	json_object *o = json_object_new_object(), *s;
	unsigned int i;

	put_u32(o, "id", tb[MEMOPT_A_POOL_ID]);
	put_string(o, "name", tb[MEMOPT_A_POOL_NAME]);
	for (i = 0; i < ARRAY_SIZE(pool_u32_keys); i++)
		put_u32(o, pool_u32_keys[i].key, tb[pool_u32_keys[i].attr]);
	put_u64(o, "growth", tb[MEMOPT_A_POOL_GROWTH]);
	put_u32(o, "growth_window", tb[MEMOPT_A_POOL_GROWTH_WINDOW]);
	jset_bool(o, "dying", tb[MEMOPT_A_POOL_DYING]);
	if (!tb[MEMOPT_A_POOL_STATS])
		return o;
	s = stats_to_json(tb[MEMOPT_A_POOL_STATS]);
	if (!s)
		return o;
	json_object_object_add(o, "stats", s);
	add_derived(o, s);
	return o;
}

json_object *reasons_to_json(uint32_t bits)
{
	json_object *a = json_object_new_array();

	if (bits & MEMOPT_LEAK_AGE)
		json_object_array_add(a, json_object_new_string("age"));
	if (bits & MEMOPT_LEAK_ORPHAN)
		json_object_array_add(a, json_object_new_string("orphan"));
	if (bits & MEMOPT_LEAK_GROWTH)
		json_object_array_add(a, json_object_new_string("growth"));
	return a;
}

const char *holder_kind_name(uint32_t kind)
{
	switch (kind) {
	case MEMOPT_HOLDER_HANDLE:
		return "handle";
	case MEMOPT_HOLDER_MAPPING:
		return "map";
	case MEMOPT_HOLDER_DMABUF:
		return "dmabuf";
	case MEMOPT_HOLDER_KERNEL:
		return "kernel";
	}
	return "unknown";
}

const char *pool_name(json_object *pools, uint64_t id)
{
	size_t i, n = pools ? json_object_array_length(pools) : 0;

	for (i = 0; i < n; i++) {
		json_object *p = json_object_array_get_idx(pools, i);

		if (jnum(p, "id") == id)
			return jstr(p, "name");
	}
	return NULL;
}

static json_object *holder_to_json(struct nlattr *nest)
{
	struct nlattr *h[MEMOPT_A_HOLDER_MAX + 1];
	json_object *o;

	if (nla_parse_nested(h, MEMOPT_A_HOLDER_MAX, nest, NULL))
		return NULL;
	o = json_object_new_object();
	jset_str(o, "kind", holder_kind_name(h[MEMOPT_A_HOLDER_KIND] &&
					     nla_len(h[MEMOPT_A_HOLDER_KIND]) == 4 ?
					     nla_get_u32(h[MEMOPT_A_HOLDER_KIND]) : 0));
	put_u32(o, "pid", h[MEMOPT_A_HOLDER_PID]);
	put_string(o, "comm", h[MEMOPT_A_HOLDER_COMM]);
	put_u32(o, "count", h[MEMOPT_A_HOLDER_COUNT]);
	return o;
}

/* The holder nests, in the order the kernel sent them. */
static json_object *holders_to_json(struct nlattr *attrs, int len)
{
	json_object *a = json_object_new_array(), *h;
	struct nlattr *nla;
	int rem;

	nla_for_each_attr(nla, attrs, len, rem) {
		if (nla_type(nla) != MEMOPT_A_BUF_HOLDER)
			continue;
		h = holder_to_json(nla);
		if (h)
			json_object_array_add(a, h);
	}
	return a;
}

static uint32_t get_u32_or0(struct nlattr *a)
{
	return a && nla_len(a) == 4 ? nla_get_u32(a) : 0;
}

json_object *buf_to_json(struct nlattr *attrs, int len, json_object *pools)
{
	struct nlattr *tb[MEMOPT_A_BUF_MAX + 1];
	json_object *o;

	if (nla_parse(tb, MEMOPT_A_BUF_MAX, attrs, len, NULL))
		return NULL;
	o = json_object_new_object();
	put_u64(o, "id", tb[MEMOPT_A_BUF_ID]);
	put_pool_id(o, tb[MEMOPT_A_BUF_POOL_ID], pools);
	put_u64(o, "size", tb[MEMOPT_A_BUF_SIZE]);
	put_u64(o, "requested", tb[MEMOPT_A_BUF_REQUESTED]);
	put_u32(o, "owner_pid", tb[MEMOPT_A_BUF_OWNER_PID]);
	put_string(o, "owner_comm", tb[MEMOPT_A_BUF_OWNER_COMM]);
	put_u32(o, "owner_uid", tb[MEMOPT_A_BUF_OWNER_UID]);
	jset_bool(o, "owner_exited", tb[MEMOPT_A_BUF_OWNER_EXITED]);
	put_u64(o, "age_ms", tb[MEMOPT_A_BUF_AGE_MS]);
	/* Length checked like put_string(), but absent is null, not left out. */
	jset_str(o, "label", tb[MEMOPT_A_BUF_LABEL] && nla_len(tb[MEMOPT_A_BUF_LABEL]) > 0 ?
			     nla_get_string(tb[MEMOPT_A_BUF_LABEL]) : NULL);
	if (tb[MEMOPT_A_BUF_HOLDER])
		json_object_object_add(o, "holders", holders_to_json(attrs, len));
	json_object_object_add(o, "suspect",
			       reasons_to_json(get_u32_or0(tb[MEMOPT_A_BUF_SUSPECT])));
	return o;
}

json_object *proc_to_json(struct nlattr *attrs, int len, json_object *pools)
{
	struct nlattr *tb[MEMOPT_A_PROC_MAX + 1];
	json_object *o;

	if (nla_parse(tb, MEMOPT_A_PROC_MAX, attrs, len, NULL))
		return NULL;
	o = json_object_new_object();
	put_u32(o, "pid", tb[MEMOPT_A_PROC_PID]);
	put_string(o, "comm", tb[MEMOPT_A_PROC_COMM]);
	put_u32(o, "uid", tb[MEMOPT_A_PROC_UID]);
	put_pool_id(o, tb[MEMOPT_A_PROC_POOL_ID], pools);
	put_u64(o, "buffers", tb[MEMOPT_A_PROC_BUFFERS]);
	put_u64(o, "bytes", tb[MEMOPT_A_PROC_BYTES]);
	put_u64(o, "peak_bytes", tb[MEMOPT_A_PROC_PEAK_BYTES]);
	put_u64(o, "allocs", tb[MEMOPT_A_PROC_ALLOCS]);
	put_u64(o, "frees", tb[MEMOPT_A_PROC_FREES]);
	put_u64(o, "oldest_ms", tb[MEMOPT_A_PROC_OLDEST_MS]);
	jset_bool(o, "exited", tb[MEMOPT_A_PROC_EXITED]);
	json_object_object_add(o, "suspect",
			       reasons_to_json(get_u32_or0(tb[MEMOPT_A_PROC_SUSPECT])));
	put_u64(o, "growth", tb[MEMOPT_A_PROC_GROWTH]);
	return o;
}

json_object *leak_to_json(struct nlattr **tb, json_object *pools)
{
	struct nlattr *b = tb[MEMOPT_A_LEAK_BUF], *p = tb[MEMOPT_A_LEAK_PROC];
	json_object *o, *obj;

	obj = b ? buf_to_json(nla_data(b), nla_len(b), pools) :
	      p ? proc_to_json(nla_data(p), nla_len(p), pools) : NULL;
	if (!obj)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "reason",
			       reasons_to_json(get_u32_or0(tb[MEMOPT_A_LEAK_REASON])));
	json_object_object_add(o, b ? "buffer" : "process", obj);
	return o;
}

int put_pool_selector(struct mctl *m, struct nl_msg *msg, const char *sel)
{
	struct nl_msg *probe;
	uint64_t v;
	int ret;

	/* An all-digit selector is a name if a pool has that name. */
	if (parse_uint(sel, UINT32_MAX, &v) || !v)
		return nla_put_string(msg, MEMOPT_A_POOL_NAME, sel);
	probe = mctl_msg(m, MEMOPT_CMD_POOL_GET, 0);
	if (!probe)
		return -ENOMEM;
	nla_put_string(probe, MEMOPT_A_POOL_NAME, sel);
	m->quiet = true;
	ret = mctl_request(m, probe, NULL, NULL);
	m->quiet = false;
	if (ret == -ENOENT)
		return nla_put_u32(msg, MEMOPT_A_POOL_ID, (uint32_t)v);
	return nla_put_string(msg, MEMOPT_A_POOL_NAME, sel);
}

int collect_pools(const struct mctl_reply *r, void *arg)
{
	json_object_array_add(arg, pool_to_json(r->tb));
	return 0;
}

int fetch_pools(struct mctl *m, json_object *out)
{
	struct nl_msg *msg = mctl_msg(m, MEMOPT_CMD_POOL_GET, NLM_F_DUMP);

	return msg ? mctl_request(m, msg, collect_pools, out) : -ENOMEM;
}

int pool_select_id(struct mctl *m, const char *sel, const char *opt, uint32_t *id)
{
	json_object *out = json_object_new_array();
	struct nl_msg *msg = mctl_msg(m, MEMOPT_CMD_POOL_GET, 0);
	uint64_t v;
	int ret = -ENOMEM;

	if (msg && !put_pool_selector(m, msg, sel)) {
		m->quiet = true;
		ret = mctl_request(m, msg, collect_pools, out);
		m->quiet = false;
	} else {
		nlmsg_free(msg);
	}
	*id = ret ? 0 : (uint32_t)jnum(json_object_array_get_idx(out, 0), "id");
	json_object_put(out);
	if (!*id && ret == -ENOENT && !parse_uint(sel, UINT32_MAX, &v) && v)
		*id = (uint32_t)v;	/* a destroyed pool that buffers still hold */
	if (*id)
		return 0;
	if (ret && ret != -ENOENT)
		errorf("cannot look up pool \"%s\" (%s): %s", sel, opt, strerror(-ret));
	else
		errorf("no pool with this name or id: \"%s\" (%s)", sel, opt);
	return ret ? ret : -ENOENT;
}

/* The dump callback's @arg: each reply, converted, is appended to @out. */
struct collect {
	json_object *pools;
	json_object *out;
	json_object *(*conv)(const struct mctl_reply *r, json_object *pools);
};

static json_object *conv_buf(const struct mctl_reply *r, json_object *pools)
{
	return buf_to_json(r->attrs, r->len, pools);
}

static json_object *conv_proc(const struct mctl_reply *r, json_object *pools)
{
	return proc_to_json(r->attrs, r->len, pools);
}

static json_object *conv_leak(const struct mctl_reply *r, json_object *pools)
{
	return leak_to_json(r->tb, pools);
}

static int collect(const struct mctl_reply *r, void *arg)
{
	struct collect *c = arg;
	json_object *o = c->conv(r, c->pools);

	if (o)
		json_object_array_add(c->out, o);
	return 0;
}

int fetch_bufs(struct mctl *m, const struct buf_filter *f, json_object *pools,
	       json_object *out)
{
	struct nl_msg *msg = mctl_msg(m, MEMOPT_CMD_BUF_GET, NLM_F_DUMP);
	struct collect c = { pools, out, conv_buf };

	if (!msg)
		return -ENOMEM;
	if (f && f->pool_id)
		nla_put_u32(msg, MEMOPT_A_BUF_POOL_ID, f->pool_id);
	if (f && f->pid)
		nla_put_u32(msg, MEMOPT_A_BUF_OWNER_PID, f->pid);
	if (f && f->label)
		nla_put_string(msg, MEMOPT_A_BUF_LABEL, f->label);
	if (f && f->min_age_ms)
		nla_put_u64(msg, MEMOPT_A_BUF_AGE_MS, f->min_age_ms);
	return mctl_request(m, msg, collect, &c);
}

int fetch_procs(struct mctl *m, uint32_t pool_id, uint32_t pid, json_object *pools,
		json_object *out)
{
	struct nl_msg *msg = mctl_msg(m, MEMOPT_CMD_PROC_GET, NLM_F_DUMP);
	struct collect c = { pools, out, conv_proc };

	if (!msg)
		return -ENOMEM;
	if (pool_id)
		nla_put_u32(msg, MEMOPT_A_PROC_POOL_ID, pool_id);
	if (pid)
		nla_put_u32(msg, MEMOPT_A_PROC_PID, pid);
	return mctl_request(m, msg, collect, &c);
}

int fetch_leaks(struct mctl *m, json_object *pools, json_object *out)
{
	struct nl_msg *msg = mctl_msg(m, MEMOPT_CMD_LEAK_GET, NLM_F_DUMP);
	struct collect c = { pools, out, conv_leak };

	return msg ? mctl_request(m, msg, collect, &c) : -ENOMEM;
}
