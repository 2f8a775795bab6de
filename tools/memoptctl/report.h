/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What memoptctl makes of the ledger's dumps, without a kernel: holders
 * summaries, buffers grouped by owner, the leak report, holdings snapshots
 * and their differences, and the order of the process table. Inputs and
 * outputs are the JSON objects of attrs.h (see Documentation/memoptctl.rst);
 * tools/memoptctl/tests/report_test.c tests them.
 */
#ifndef _MEMOPTCTL_REPORT_H
#define _MEMOPTCTL_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

/*
 * Holders for people: "2 handles (pid 12), 1 map (pid 13), 1 dmabuf";
 * "none" for an empty array.
 */
const char *holders_text(json_object *holders, char *buf, size_t len);

/*
 * Buffers grouped by owner, most bytes first: an array of {"pid", "comm",
 * "exited", "buffers", "bytes", "oldest_ms", "holders"}, where "holders"
 * adds up the holders of the group's buffers by kind and process.
 */
json_object *owners_of(json_object *bufs);

/*
 * The leak report (see "leak report" in memoptctl.rst) from the buffer
 * dump @bufs, the leak dump @leaks and the pools @pools: suspects only, or
 * every buffer when @all.
 */
json_object *leak_report(json_object *bufs, json_object *leaks, json_object *pools, bool all);

/*
 * Holdings: live buffers added up by process, pool and label, sorted by
 * pid, pool id and label: an array of {"pid", "comm", "pool_id", "pool",
 * "label", "buffers", "bytes"}.
 */
json_object *holdings_of(json_object *bufs);

/*
 * What grew from holdings @before to holdings @now (see "leak diff"):
 * {"grew": [processes, most growth first, each with "labels"],
 * "grown_bytes", "shrunk_bytes"}.
 */
json_object *holdings_diff(json_object *before, json_object *now);

/* Sort the process table @procs by @key (bytes, buffers, peak, age, pid). -EINVAL: no such key. */
int procs_sort(json_object *procs, const char *key);

#endif
