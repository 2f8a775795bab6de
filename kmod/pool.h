/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memopt block pools: the in-kernel API. See pool.c for the design.
 */
#ifndef _MEMOPT_POOL_H
#define _MEMOPT_POOL_H

#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/memopt.h>

struct memopt_pool;
struct memopt_slab;

/**
 * struct memopt_block - one block of a pool
 * @node: on its slab's free list while free and not in a magazine
 * @slab: the slab the block was carved from
 * @pages: the block's pages, block_size / PAGE_SIZE of them
 */
struct memopt_block {
	struct list_head node;
	struct memopt_slab *slab;
	struct page **pages;
};

/**
 * struct memopt_pool_params - the settable properties of a pool
 * @name: unique name; empty asks for "pool<ID>"
 * @block_size: bytes per block, a multiple of PAGE_SIZE, at most 4 MiB
 * @min: blocks allocated at create time and always kept (the reserve)
 * @max: most blocks the pool may hold, 0 for no pool limit
 * @watermark: alert watermark in percent of @max (of the global cap when
 *	@max is 0), 0 for none
 * @leak_age: seconds after which a live buffer is a leak suspect, 0: never
 * @growth: bytes a process's buffers may grow by over @growth_window
 *	without falling back before it is a leak suspect, 0: never
 * @growth_window: seconds, the window of @growth
 * @uid: owner, for the allocation permission check
 * @gid: group, for the allocation permission check
 * @mode: permission bits (0777 at most); allocating needs write permission
 */
struct memopt_pool_params {
	char name[MEMOPT_POOL_NAME_SIZE];
	u32 block_size;
	u32 min;
	u32 max;
	u32 watermark;
	u32 leak_age;
	u64 growth;
	u32 growth_window;
	kuid_t uid;
	kgid_t gid;
	u32 mode;
};

/**
 * struct memopt_pool_err - why a pool operation was refused
 * @attr: the &enum memopt_a_pool attribute at fault, 0 for none
 * @alt: the attribute to point at instead when @attr was not given (the
 *	other one of a pair, e.g. max for "min exceeds max"), 0 for none
 * @msg: a static message for people (netlink extack)
 */
struct memopt_pool_err {
	int attr;
	int alt;
	const char *msg;
};

/**
 * struct memopt_pool_stats - a snapshot of a pool's figures
 * @blocks_total: blocks held (used + cached)
 * @blocks_used: blocks handed out
 * @blocks_cached: free blocks, in magazines or on slab free lists
 * @blocks_reserved: the reserve, in blocks
 * @slabs: slabs the blocks are carved from
 * @bytes_total: bytes held from the page allocator
 * @allocs: blocks allocated, ever
 * @frees: blocks freed, ever
 * @fail_pool_max: allocations refused by the pool's max
 * @fail_global_cap: allocations refused by the global cap
 * @fail_nomem: allocations failed by the page allocator
 * @mag_hits: blocks allocated from a per-CPU magazine
 * @mag_misses: block allocations that went to the shared pool
 * @order_fallbacks: slab page allocations that got a smaller order
 * @shrinker_blocks: cached blocks released under memory pressure
 * @bytes_used: bytes of the blocks in buffers
 * @bytes_requested: bytes the live buffers were asked for
 * @peak_used: most blocks in buffers at once
 * @buffers: live buffers
 * @bytes_stranded: free bytes on the free lists of partly used slabs
 */
struct memopt_pool_stats {
	u64 blocks_total;
	u64 blocks_used;
	u64 blocks_cached;
	u64 blocks_reserved;
	u64 slabs;
	u64 bytes_total;
	u64 allocs;
	u64 frees;
	u64 fail_pool_max;
	u64 fail_global_cap;
	u64 fail_nomem;
	u64 mag_hits;
	u64 mag_misses;
	u64 order_fallbacks;
	u64 shrinker_blocks;
	u64 bytes_used;
	u64 bytes_requested;
	u64 peak_used;
	u64 buffers;
	u64 bytes_stranded;
};

/* Growth window when none is set, in seconds. */
#define MEMOPT_GROWTH_WINDOW_DEFAULT	60

int memopt_pools_init(unsigned long cap_pages);
void memopt_pools_exit(void);

int memopt_pool_params_check(const struct memopt_pool_params *p,
			     struct memopt_pool_err *err);
struct memopt_pool *memopt_pool_create(const struct memopt_pool_params *params,
				       struct memopt_pool_err *err);
int memopt_pool_set(struct memopt_pool *pool, const struct memopt_pool_params *p,
		    unsigned long mask, struct memopt_pool_err *err);
bool memopt_pool_destroy(struct memopt_pool *pool);

struct memopt_pool *memopt_pool_get_by_id(u32 id);
struct memopt_pool *memopt_pool_get_by_name(const char *name);
struct memopt_pool *memopt_pool_get_next(u32 *id);
void memopt_pool_get(struct memopt_pool *pool);
void memopt_pool_put(struct memopt_pool *pool);
unsigned long memopt_pools_cap_pages(void);
unsigned int memopt_pools_generation(void);

int memopt_pool_alloc(struct memopt_pool *pool, unsigned int n,
		      struct memopt_block **blocks);
void memopt_pool_free(struct memopt_pool *pool, unsigned int n,
		      struct memopt_block **blocks);

u32 memopt_pool_id(const struct memopt_pool *pool);
int memopt_pool_permission(struct memopt_pool *pool);
void memopt_pool_params(struct memopt_pool *pool, struct memopt_pool_params *p);
void memopt_pool_stats(struct memopt_pool *pool, struct memopt_pool_stats *st);
unsigned long memopt_pool_shrink(struct memopt_pool *pool, unsigned long nr_pages);
void memopt_pool_account(struct memopt_pool *pool, long nr_blocks, s64 requested);
bool memopt_pool_is_dying(const struct memopt_pool *pool);
u64 memopt_pool_buffers(struct memopt_pool *pool);
u32 memopt_pool_leak_age(struct memopt_pool *pool);
void memopt_pool_growth(struct memopt_pool *pool, u64 *threshold, u64 *window);
int memopt_pool_watermark_event(struct memopt_pool *pool);
int memopt_pool_exhausted_event(struct memopt_pool *pool);
unsigned long memopt_pages_held(void);

#if IS_ENABLED(CONFIG_KUNIT)
struct shrinker;
struct shrink_control;
struct page *memopt_alloc_chunk(unsigned int order);
void memopt_pool_drain(struct memopt_pool *pool);
unsigned long memopt_shrink_count(struct shrinker *s, struct shrink_control *sc);
unsigned long memopt_shrink_scan(struct shrinker *s, struct shrink_control *sc);
unsigned long memopt_pools_set_cap(unsigned long cap_pages);
#endif

#endif /* _MEMOPT_POOL_H */
