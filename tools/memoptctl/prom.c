// SPDX-License-Identifier: GPL-2.0
/*
 * Pool figures for Prometheus (node_exporter's textfile collector): one
 * family per figure, each with its HELP and TYPE lines and one sample per
 * pool, labelled pool="NAME",id="ID". Names follow Prometheus's
 * conventions: a memopt_ prefix, base units in the name (_bytes, _ratio),
 * _total for counters and only for them. Totals across pools are left to
 * sum() over the series. An undefined ratio (a pool that holds no memory)
 * is NaN.
 */
#include <string.h>

#include "print.h"
#include "prom.h"

enum src { POOL, STAT, RATIO };

/* Consecutive entries with one name are one family (HELP and TYPE once). */
#define M(name, type, help, src, key)		{ name, type, help, src, key, NULL }
#define R(name, type, help, src, key, reason)	{ name, type, help, src, key, reason }
static const struct metric {
	const char *name, *type, *help;
	enum src src;
	const char *key;
	const char *reason;	/* the "reason" label, or NULL */
} metrics[] = {
	M("memopt_pool_block_size_bytes", "gauge", "Bytes per block.", POOL, "block_size"),
	M("memopt_pool_min_blocks", "gauge", "Blocks kept allocated at all times (the reserve).",
	  POOL, "min"),
	M("memopt_pool_max_blocks", "gauge", "Most blocks the pool may hold (0: no pool limit).",
	  POOL, "max"),
	M("memopt_pool_blocks", "gauge", "Blocks the pool holds, used and cached.", STAT,
	  "blocks_total"),
	M("memopt_pool_blocks_used", "gauge", "Blocks handed out.", STAT, "blocks_used"),
	M("memopt_pool_blocks_cached", "gauge", "Free blocks kept for reuse.", STAT,
	  "blocks_cached"),
	M("memopt_pool_slabs", "gauge", "Page allocations the blocks are carved from.", STAT,
	  "slabs"),
	M("memopt_pool_peak_blocks_used", "gauge", "The most blocks ever in use at once.", STAT,
	  "peak_used"),
	M("memopt_pool_buffers", "gauge", "Live buffers.", STAT, "buffers"),
	M("memopt_pool_held_bytes", "gauge", "Bytes the pool holds from the page allocator.",
	  STAT, "bytes_total"),
	M("memopt_pool_used_bytes", "gauge", "Bytes in blocks handed out.", STAT, "bytes_used"),
	M("memopt_pool_requested_bytes", "gauge",
	  "Bytes the live buffers were asked for, before rounding up to blocks.", STAT,
	  "bytes_requested"),
	M("memopt_pool_stranded_bytes", "gauge",
	  "Free bytes in slabs that also have blocks out, which cannot be given back.", STAT,
	  "bytes_stranded"),
	M("memopt_pool_memory_efficiency_ratio", "gauge",
	  "Requested bytes over held bytes (NaN when the pool holds none).", RATIO,
	  "efficiency"),
	M("memopt_pool_fragmentation_ratio", "gauge",
	  "Stranded bytes over held bytes (NaN when the pool holds none).", RATIO,
	  "fragmentation"),
	M("memopt_pool_block_allocations_total", "counter", "Blocks allocated.", STAT, "allocs"),
	M("memopt_pool_block_frees_total", "counter", "Blocks freed.", STAT, "frees"),
	R("memopt_pool_allocation_failures_total", "counter", "Allocations refused, by reason.",
	  STAT, "fail_pool_max", "pool_max"),
	R("memopt_pool_allocation_failures_total", "counter", NULL, STAT, "fail_global_cap",
	  "global_cap"),
	R("memopt_pool_allocation_failures_total", "counter", NULL, STAT, "fail_nomem",
	  "out_of_memory"),
	M("memopt_pool_magazine_hits_total", "counter",
	  "Allocations served by a per-CPU magazine.", STAT, "mag_hits"),
	M("memopt_pool_magazine_misses_total", "counter",
	  "Allocations that went to the shared pool.", STAT, "mag_misses"),
	M("memopt_pool_order_fallbacks_total", "counter",
	  "Slab allocations that fell back to a smaller page order.", STAT, "order_fallbacks"),
	M("memopt_pool_shrinker_blocks_total", "counter",
	  "Cached blocks given back under memory pressure.", STAT, "shrinker_blocks"),
};

const char *prom_escape(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s && o + 3 < len; s++) {
		if (*s == '\\' || *s == '"') {
			buf[o++] = '\\';
			buf[o++] = *s;
		} else if (*s == '\n') {
			buf[o++] = '\\';
			buf[o++] = 'n';
		} else {
			buf[o++] = *s;
		}
	}
	buf[o] = '\0';
	return buf;
}

static void sample(FILE *f, const struct metric *m, json_object *pool)
{
	char name[128];
	double r;

	fprintf(f, "%s{pool=\"%s\",id=\"%llu\"", m->name,
		prom_escape(jstr(pool, "name"), name, sizeof(name)),
		(unsigned long long)jnum(pool, "id"));
	if (m->reason)
		fprintf(f, ",reason=\"%s\"", m->reason);
	if (m->src == RATIO) {
		r = jratio(pool, m->key);
		if (r < 0)
			fprintf(f, "} NaN\n");
		else
			fprintf(f, "} %.6g\n", r);
		return;
	}
	fprintf(f, "} %llu\n", (unsigned long long)(m->src == POOL ? jnum(pool, m->key) :
						    jstat(pool, m->key)));
}

void prom_write(FILE *f, json_object *pools, bool count_pools)
{
	size_t n = json_object_array_length(pools), i, p, end;

	if (count_pools) {
		fprintf(f, "# HELP memopt_pools Pools memopt.ko has.\n# TYPE memopt_pools gauge\n");
		fprintf(f, "memopt_pools %zu\n", n);
	}
	for (i = 0; i < ARRAY_SIZE(metrics); i = end) {
		for (end = i + 1; end < ARRAY_SIZE(metrics) &&
		     !strcmp(metrics[end].name, metrics[i].name); end++)
			;
		fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", metrics[i].name, metrics[i].help,
			metrics[i].name, metrics[i].type);
		for (p = 0; p < n; p++)
			for (size_t k = i; k < end; k++)
				sample(f, &metrics[k], json_object_array_get_idx(pools, p));
	}
}
