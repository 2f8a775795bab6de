/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The memopt family's objects (pools, buffers, processes, leak suspicions)
 * as JSON objects, and the requests that fetch them.
 */
#ifndef _MEMOPTCTL_ATTRS_H
#define _MEMOPTCTL_ATTRS_H

#include <stdint.h>
#include <json-c/json.h>
#include <netlink/attr.h>

struct mctl;
struct nl_msg;

/* The pool figures (MEMOPT_A_STATS_*), as JSON keys, in reading order. */
struct stat_key {
	int attr;
	const char *key;
};
extern const struct stat_key stat_keys[];
extern const unsigned int n_stat_keys;

/* Add "efficiency" and "fragmentation" (see memoptctl.rst) from @stats to @o. */
void add_derived(json_object *o, json_object *stats);

/*
 * Replies and notifications to JSON: from the top-level attributes @tb, or
 * from the attribute stream @attrs[0..len) (buffers repeat their holder
 * attribute). @pools (an array of pools, or NULL) names the pools: objects
 * that carry a pool id also get "pool", its name or null. NULL when the
 * attributes do not parse.
 */
json_object *pool_to_json(struct nlattr **tb);
json_object *buf_to_json(struct nlattr *attrs, int len, json_object *pools);
json_object *proc_to_json(struct nlattr *attrs, int len, json_object *pools);
/* {"reason": [...], "buffer": {...}} or {"reason": [...], "process": {...}} */
json_object *leak_to_json(struct nlattr **tb, json_object *pools);

/* MEMOPT_LEAK_* bits as an array of names: "age", "orphan", "growth". */
json_object *reasons_to_json(uint32_t bits);
/* &enum memopt_holder_kind as a name: "handle", "map", "dmabuf", "kernel". */
const char *holder_kind_name(uint32_t kind);
/* The name of pool @id in @pools, or NULL. */
const char *pool_name(json_object *pools, uint64_t id);

/* Put the pool selector @sel (a name, or an id: see memoptctl.rst). */
int put_pool_selector(struct mctl *m, struct nl_msg *msg, const char *sel);

/* A request callback that adds each pool replied to the array @arg. */
struct mctl_reply;
int collect_pools(const struct mctl_reply *r, void *arg);
/* Every pool, into the array @out. 0 or -errno (printed). */
int fetch_pools(struct mctl *m, json_object *out);
/*
 * The id of the pool @sel names, for filters. An all-digit @sel that names
 * no listed pool is taken as the id of a destroyed pool that buffers still
 * hold. 0 or -errno (printed, naming @opt).
 */
int pool_select_id(struct mctl *m, const char *sel, const char *opt, uint32_t *id);

/* Buffer dump filters (0, NULL: any). */
struct buf_filter {
	uint32_t pool_id;
	uint32_t pid;
	const char *label;
	uint64_t min_age_ms;
};

int fetch_bufs(struct mctl *m, const struct buf_filter *f, json_object *pools,
	       json_object *out);
int fetch_procs(struct mctl *m, uint32_t pool_id, uint32_t pid, json_object *pools,
		json_object *out);
int fetch_leaks(struct mctl *m, json_object *pools, json_object *out);

#endif
