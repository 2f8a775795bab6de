// SPDX-License-Identifier: GPL-2.0
/*
 * memopt block pools.
 *
 * A pool hands out fixed-size blocks of whole pages. Blocks are carved from
 * slabs: page allocations of the highest order that succeeds, from the
 * slab's own size down to order 0, so that under fragmentation a slab is
 * made of several smaller chunks. A slab lists its pages in order; block i
 * of a slab owns pages [i * ppb, (i + 1) * ppb), ppb being the pages per
 * block. Blocks need not be physically contiguous: users map them page by
 * page.
 *
 * Fast path: each CPU has a magazine of free blocks. A warm allocation or
 * free touches only that magazine (its lock is shared with nobody but a
 * drain). An empty magazine is refilled from the slabs' free lists under
 * the pool lock, growing the pool by a slab when they are empty; a full one
 * spills half of its blocks back.
 *
 * Memory: the reserve (min blocks) is allocated at create time and never
 * given back. A slab whose blocks are all free is released at once when
 * the pool holds more than its reserve and already caches another free
 * slab (or holds more than its max); the shrinker releases the cached free
 * slabs above the reserve under memory pressure. All pools together hold at
 * most the global cap of pages.
 *
 * Contents: a free block is always zero-filled. New slab pages come zeroed
 * from the page allocator, and memopt_pool_free() clears a block before it
 * is cached, so a block never reaches a new owner with old contents.
 *
 * Locking, outermost first:
 *   memopt_pools_mutex  the registry (ids, names, generation) and pool
 *                       creation, changes and destruction
 *   mag->lock           one CPU's magazine and its counters
 *   pool->lock          the slab lists, the slabs' free lists, the pool's
 *                       parameters and slow-path counters
 *
 * Lifetime: see struct memopt_pool. A destroyed pool with blocks in use is
 * "dying": unlisted, refusing allocations, freed with its last reference.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/ctype.h>
#include <linux/kref.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/xarray.h>
#include <kunit/visibility.h>

#include "compat.h"
#include "ledger.h"
#include "pool.h"

/* Blocks of at most this size share a slab; larger ones have one each. */
#define MEMOPT_SLAB_BYTES	SZ_128K
/* Per-CPU magazines cache up to this much memory, 1 to 32 blocks. */
#define MEMOPT_MAG_BYTES	SZ_256K
#define MEMOPT_MAG_MAX		32

/**
 * struct memopt_slab - pages that blocks are carved from
 * @node: on the pool's partial, full or empty list, or a release list
 * @free: free blocks not in a magazine
 * @nr_free: length of @free
 * @nr_blocks: blocks carved from this slab
 * @nr_pages: length of @pages
 * @blocks: the blocks, @nr_blocks of them
 * @pages: the pages, order-0 each (higher-order chunks are split)
 *
 * Everything but @blocks and @pages is protected by the pool's lock.
 */
struct memopt_slab {
	struct list_head node;
	struct list_head free;
	unsigned int nr_free;
	unsigned int nr_blocks;
	unsigned int nr_pages;
	struct memopt_block *blocks;
	struct page *pages[];
};

/**
 * struct memopt_mag - a per-CPU magazine of free blocks
 * @lock: protects everything below; taken by the CPU that owns the
 *	magazine and by drains
 * @count: blocks in @blocks
 * @allocs: blocks allocated on this CPU
 * @frees: blocks freed on this CPU
 * @hits: blocks allocated from this magazine
 * @misses: blocks allocated from the shared pool
 * @blocks: the cached free blocks
 */
struct memopt_mag {
	spinlock_t lock;		/* protects the magazine and its counters */
	unsigned int count;
	u64 allocs;
	u64 frees;
	u64 hits;
	u64 misses;
	struct memopt_block *blocks[MEMOPT_MAG_MAX];
};

/**
 * struct memopt_pool - a pool of fixed-size blocks
 * @ref: holders: the registry, from create until destroy; each caller of
 *	memopt_pool_create() or memopt_pool_get_*(), until memopt_pool_put()
 *	(buffers hold one each for as long as they hold blocks)
 * @id: registry id, from 1
 * @dying: destroyed; no more allocations (written under the registry mutex)
 * @ppb: pages per block
 * @slab_blocks: blocks per slab
 * @mag_size: blocks a magazine holds before it spills
 * @mags: the per-CPU magazines
 * @lock: protects everything below
 * @params: name, block size, min, max, watermark, leak age
 * @partial: slabs with some blocks free
 * @full: slabs with no block free
 * @empty: slabs with every block free
 * @nr_slabs: slabs on the three lists
 * @nr_empty: slabs on @empty
 * @blocks_total: blocks in all slabs
 * @blocks_pending: blocks of slabs being allocated (count against max)
 * @fail_pool_max: allocations refused by max
 * @fail_global_cap: allocations refused by the global cap
 * @fail_nomem: allocations failed by the page allocator
 * @order_fallbacks: slabs allocated with a smaller order than wanted
 * @shrinker_blocks: blocks released by the shrinker
 * @wm_above: use is at or above the watermark (for hysteresis)
 * @exhausted: the &enum memopt_event of the latest failed allocation not
 *	yet announced, 0 for none
 * @exhausted_at: jiffies when an exhaustion was last announced
 * @buf_blocks: blocks in live buffers (memopt_pool_account())
 * @buf_requested: bytes the live buffers were asked for
 * @buf_count: live buffers
 * @peak_blocks: the highest @buf_blocks seen
 * @rcu: frees the pool after lockless registry readers are done
 */
struct memopt_pool {
	struct kref ref;
	u32 id;
	bool dying;
	unsigned int ppb;
	unsigned int slab_blocks;
	unsigned int mag_size;
	struct memopt_mag __percpu *mags;

	spinlock_t lock;		/* protects the fields below */
	struct memopt_pool_params params;
	struct list_head partial;
	struct list_head full;
	struct list_head empty;
	unsigned int nr_slabs;
	unsigned int nr_empty;
	unsigned long blocks_total;
	unsigned long blocks_pending;
	u64 fail_pool_max;
	u64 fail_global_cap;
	u64 fail_nomem;
	u64 order_fallbacks;
	u64 shrinker_blocks;
	bool wm_above;
	int exhausted;
	unsigned long exhausted_at;

	atomic64_t buf_blocks;
	atomic64_t buf_requested;
	atomic64_t buf_count;
	atomic64_t peak_blocks;
	struct rcu_head rcu;
};

/* Protects registry writes, names, the generation and pool changes. */
static DEFINE_MUTEX(memopt_pools_mutex);
static DEFINE_XARRAY_ALLOC1(memopt_pools);
static unsigned int memopt_pools_gen;
/* Ids are handed out cyclically: a destroyed pool's id is not soon reused. */
static u32 memopt_pools_next_id;
/* Pages held by all pools, and the most they may hold. */
static atomic_long_t memopt_pages = ATOMIC_LONG_INIT(0);
static unsigned long memopt_cap_pages;
static struct shrinker *memopt_shrinker;

/**
 * memopt_alloc_chunk() - allocate 2^@order zeroed pages for a slab
 * @order: the order wanted
 *
 * Higher orders are tried without retrying hard, so that fragmentation
 * makes the caller fall back to a smaller order rather than reclaim.
 * KUnit redirects this to force such fallbacks.
 *
 * Context: Process context, may sleep.
 * Return: the first page, or NULL.
 */
VISIBLE_IF_KUNIT struct page *memopt_alloc_chunk(unsigned int order)
{
	gfp_t gfp = GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN | __GFP_RETRY_MAYFAIL;

	KUNIT_STATIC_STUB_REDIRECT(memopt_alloc_chunk, order);
	if (order)
		gfp = (gfp & ~__GFP_RETRY_MAYFAIL) | __GFP_NORETRY | __GFP_NOMEMALLOC;
	return alloc_pages(gfp, order);
}
EXPORT_SYMBOL_IF_KUNIT(memopt_alloc_chunk);

static void memopt_slab_free(struct memopt_slab *slab)
{
	unsigned int i;

	for (i = 0; i < slab->nr_pages; i++)
		__free_page(slab->pages[i]);
	kvfree(slab->blocks);
	kvfree(slab);
}

/*
 * Fill @slab with @nr_pages pages, highest order first; *@fell_back is set
 * when an order had to be given up. @slab->nr_pages counts what is filled.
 */
static int memopt_slab_fill(struct memopt_slab *slab, unsigned int nr_pages,
			    bool *fell_back)
{
	unsigned int order, i = 0, j;
	struct page *page;

	order = min_t(unsigned int, ilog2(nr_pages), MEMOPT_MAX_PAGE_ORDER);
	while (i < nr_pages) {
		order = min_t(unsigned int, order, ilog2(nr_pages - i));
		page = memopt_alloc_chunk(order);
		if (!page) {
			if (!order)
				return -ENOMEM;
			*fell_back = true;
			order--;
			continue;
		}
		if (order)
			split_page(page, order);
		for (j = 0; j < (1U << order); j++)
			slab->pages[i++] = nth_page(page, j);
		slab->nr_pages = i;
	}
	return 0;
}

static struct memopt_slab *memopt_slab_alloc(struct memopt_pool *pool,
					     unsigned int nr_blocks, bool *fell_back)
{
	unsigned int nr_pages = nr_blocks * pool->ppb, i;
	struct memopt_slab *slab;

	slab = kvzalloc(struct_size(slab, pages, nr_pages), GFP_KERNEL | __GFP_NOWARN);
	if (!slab)
		return NULL;
	slab->blocks = kvcalloc(nr_blocks, sizeof(*slab->blocks), GFP_KERNEL | __GFP_NOWARN);
	if (!slab->blocks || memopt_slab_fill(slab, nr_pages, fell_back)) {
		memopt_slab_free(slab);
		return NULL;
	}
	INIT_LIST_HEAD(&slab->free);
	for (i = 0; i < nr_blocks; i++) {
		slab->blocks[i].slab = slab;
		slab->blocks[i].pages = &slab->pages[i * pool->ppb];
		list_add_tail(&slab->blocks[i].node, &slab->free);
	}
	slab->nr_blocks = nr_blocks;
	slab->nr_free = nr_blocks;
	return slab;
}

/* Free slabs taken off a pool, outside every lock. */
static void memopt_slabs_release(struct list_head *release)
{
	struct memopt_slab *slab, *tmp;

	list_for_each_entry_safe(slab, tmp, release, node) {
		atomic_long_sub(slab->nr_pages, &memopt_pages);
		memopt_slab_free(slab);
	}
}

static void memopt_slab_unlink(struct memopt_pool *pool, struct memopt_slab *slab,
			       struct list_head *release)
{
	lockdep_assert_held(&pool->lock);
	list_move(&slab->node, release);
	pool->nr_slabs--;
	pool->blocks_total -= slab->nr_blocks;
}

/* Take one free block from the slabs, the most used slab first. */
static struct memopt_block *memopt_pool_take(struct memopt_pool *pool)
{
	struct memopt_slab *slab;
	struct memopt_block *b;

	lockdep_assert_held(&pool->lock);
	slab = list_first_entry_or_null(&pool->partial, struct memopt_slab, node);
	if (!slab) {
		slab = list_first_entry_or_null(&pool->empty, struct memopt_slab, node);
		if (!slab)
			return NULL;
		pool->nr_empty--;
	}
	b = list_first_entry(&slab->free, struct memopt_block, node);
	list_del(&b->node);
	slab->nr_free--;
	list_move(&slab->node, slab->nr_free ? &pool->partial : &pool->full);
	return b;
}

/* Return a free block to its slab; a slab that empties may be released. */
static void memopt_pool_give(struct memopt_pool *pool, struct memopt_block *b,
			     struct list_head *release)
{
	struct memopt_slab *slab = b->slab;
	unsigned long rest;

	lockdep_assert_held(&pool->lock);
	list_add(&b->node, &slab->free);
	if (slab->nr_free++ == 0)
		list_move(&slab->node, &pool->partial);
	if (slab->nr_free < slab->nr_blocks)
		return;
	rest = pool->blocks_total - slab->nr_blocks;
	if (rest >= pool->params.min &&
	    (pool->nr_empty || (pool->params.max && rest >= pool->params.max))) {
		memopt_slab_unlink(pool, slab, release);
		return;
	}
	list_move(&slab->node, &pool->empty);
	pool->nr_empty++;
}

/*
 * Grow @pool by one slab of at most @limit - held blocks (limit 0: a full
 * slab). Returns 0, -ENOSPC at the limit, -EDQUOT at the global cap or
 * -ENOMEM when the page allocator fails; counts nothing.
 */
static int memopt_pool_grow(struct memopt_pool *pool, unsigned long limit)
{
	bool fell_back = false, over_cap = false;
	struct memopt_slab *slab = NULL;
	unsigned long held;
	unsigned int n;
	long pages;

	spin_lock(&pool->lock);
	n = pool->slab_blocks;
	held = pool->blocks_total + pool->blocks_pending;
	if (limit) {
		if (held >= limit) {
			spin_unlock(&pool->lock);
			return -ENOSPC;
		}
		n = min_t(unsigned long, n, limit - held);
	}
	pool->blocks_pending += n;
	spin_unlock(&pool->lock);

	pages = (long)n * pool->ppb;
	if (atomic_long_add_return(pages, &memopt_pages) > memopt_cap_pages)
		over_cap = true;
	else
		slab = memopt_slab_alloc(pool, n, &fell_back);

	spin_lock(&pool->lock);
	pool->blocks_pending -= n;
	if (slab) {
		list_add(&slab->node, &pool->empty);
		pool->nr_empty++;
		pool->nr_slabs++;
		pool->blocks_total += n;
		pool->order_fallbacks += fell_back;
	}
	spin_unlock(&pool->lock);
	if (slab)
		return 0;
	atomic_long_sub(pages, &memopt_pages);
	return over_cap ? -EDQUOT : -ENOMEM;
}

/**
 * memopt_pool_drain() - move every CPU's cached blocks back to their slabs
 * @pool: the pool
 *
 * Slabs that become entirely free may be released (see memopt_pool_give()).
 *
 * Context: Process context; takes each magazine's lock, then the pool's.
 */
VISIBLE_IF_KUNIT void memopt_pool_drain(struct memopt_pool *pool)
{
	struct memopt_mag *mag;
	LIST_HEAD(release);
	int cpu;

	for_each_possible_cpu(cpu) {
		mag = per_cpu_ptr(pool->mags, cpu);
		spin_lock(&mag->lock);
		spin_lock(&pool->lock);
		while (mag->count)
			memopt_pool_give(pool, mag->blocks[--mag->count], &release);
		spin_unlock(&pool->lock);
		spin_unlock(&mag->lock);
	}
	memopt_slabs_release(&release);
}
EXPORT_SYMBOL_IF_KUNIT(memopt_pool_drain);

/* Put blocks into this CPU's magazine, spilling half when it is full. */
static void memopt_mag_put(struct memopt_pool *pool, unsigned int n,
			   struct memopt_block **blocks, bool undo)
{
	struct memopt_mag *mag = raw_cpu_ptr(pool->mags);
	unsigned int i, half;
	LIST_HEAD(release);

	spin_lock(&mag->lock);
	if (undo) {
		/* Blocks of a failed allocation, taken by memopt_mag_take(). */
		mag->allocs -= n;
		mag->hits -= n;
	} else {
		mag->frees += n;
	}
	for (i = 0; i < n; i++) {
		if (mag->count == pool->mag_size) {
			half = max(mag->count / 2, 1U);
			spin_lock(&pool->lock);
			while (mag->count > pool->mag_size - half)
				memopt_pool_give(pool, mag->blocks[--mag->count], &release);
			spin_unlock(&pool->lock);
		}
		mag->blocks[mag->count++] = blocks[i];
	}
	spin_unlock(&mag->lock);
	memopt_slabs_release(&release);
}

/* Take up to @n blocks from this CPU's magazine. */
static unsigned int memopt_mag_take(struct memopt_pool *pool, unsigned int n,
				    struct memopt_block **blocks)
{
	struct memopt_mag *mag = raw_cpu_ptr(pool->mags);
	unsigned int k;

	spin_lock(&mag->lock);
	k = min(n, mag->count);
	mag->count -= k;
	memcpy(blocks, &mag->blocks[mag->count], k * sizeof(*blocks));
	mag->hits += k;
	mag->allocs += k;
	spin_unlock(&mag->lock);
	return k;
}

/* Account a slow-path allocation and refill the magazine with spare blocks. */
static void memopt_mag_refill(struct memopt_pool *pool, unsigned int got)
{
	struct memopt_mag *mag = raw_cpu_ptr(pool->mags);
	struct memopt_block *b;

	spin_lock(&mag->lock);
	mag->misses += got;
	mag->allocs += got;
	spin_lock(&pool->lock);
	while (mag->count < pool->mag_size / 2 && (b = memopt_pool_take(pool)))
		mag->blocks[mag->count++] = b;
	spin_unlock(&pool->lock);
	spin_unlock(&mag->lock);
}

static void memopt_pool_count_failure(struct memopt_pool *pool, int err)
{
	spin_lock(&pool->lock);
	if (err == -ENOSPC) {
		pool->fail_pool_max++;
		pool->exhausted = MEMOPT_EVENT_EXHAUSTED_MAX;
	} else if (err == -EDQUOT) {
		pool->fail_global_cap++;
		pool->exhausted = MEMOPT_EVENT_EXHAUSTED_CAP;
	} else {
		pool->fail_nomem++;
		pool->exhausted = MEMOPT_EVENT_EXHAUSTED_NOMEM;
	}
	spin_unlock(&pool->lock);
	memopt_ledger_kick();
}

static noinline int memopt_pool_alloc_slow(struct memopt_pool *pool, unsigned int n,
					   struct memopt_block **blocks)
{
	struct memopt_block *b;
	bool drained = false;
	LIST_HEAD(release);
	unsigned int got = 0;
	int ret;

	while (got < n) {
		spin_lock(&pool->lock);
		while (got < n && (b = memopt_pool_take(pool)))
			blocks[got++] = b;
		spin_unlock(&pool->lock);
		if (got == n)
			break;
		ret = memopt_pool_grow(pool, READ_ONCE(pool->params.max));
		if (ret && !drained) {
			/*
			 * Whatever stopped the pool from growing (its max, the
			 * global cap, the page allocator), other CPUs'
			 * magazines may hold the free blocks it needs.
			 */
			memopt_pool_drain(pool);
			drained = true;
			continue;
		}
		if (ret)
			goto fail;
		cond_resched();
	}
	memopt_mag_refill(pool, got);
	return 0;

fail:
	memopt_pool_count_failure(pool, ret);
	spin_lock(&pool->lock);
	while (got)
		memopt_pool_give(pool, blocks[--got], &release);
	spin_unlock(&pool->lock);
	memopt_slabs_release(&release);
	return ret == -EDQUOT ? -ENOMEM : ret;
}

/**
 * memopt_pool_alloc() - allocate zero-filled blocks
 * @pool: the pool, a reference held by the caller
 * @n: how many blocks
 * @blocks: where to store them
 *
 * All or nothing: on failure no block is taken.
 *
 * Context: Process context, may sleep.
 * Return: 0; -ENOENT if the pool was destroyed; -ENOSPC at the pool's max;
 * -ENOMEM at the global cap or when the page allocator fails.
 */
int memopt_pool_alloc(struct memopt_pool *pool, unsigned int n,
		      struct memopt_block **blocks)
{
	unsigned int got;
	int ret;

	might_sleep();
	if (READ_ONCE(pool->dying))
		return -ENOENT;
	got = memopt_mag_take(pool, n, blocks);
	if (likely(got == n))
		return 0;
	ret = memopt_pool_alloc_slow(pool, n - got, blocks + got);
	if (ret)
		memopt_mag_put(pool, got, blocks, true);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT_OR_BENCH(memopt_pool_alloc);

/*
 * Zero the @ppb pages of @b. Slab pages are never highmem (GFP_KERNEL):
 * each physically contiguous run, a whole block when it came from one
 * chunk, is cleared with one memset(), which is what init_on_alloc does for
 * the slab allocator's objects and, where string instructions are slow to
 * start, cheaper than a clear_page() per page.
 */
static void memopt_block_clear(struct memopt_block *b, unsigned int ppb)
{
	unsigned int j, run;

	for (j = 0; j < ppb; j += run) {
		for (run = 1; j + run < ppb; run++)
			if (page_to_pfn(b->pages[j + run]) != page_to_pfn(b->pages[j]) + run)
				break;
		memset(page_address(b->pages[j]), 0, (size_t)run << PAGE_SHIFT);
	}
}

/**
 * memopt_pool_free() - give blocks back to their pool
 * @pool: the pool the blocks came from
 * @n: how many blocks
 * @blocks: the blocks
 *
 * The blocks are cleared here, so that free blocks are always zero-filled.
 *
 * Context: Process context, may sleep.
 */
void memopt_pool_free(struct memopt_pool *pool, unsigned int n,
		      struct memopt_block **blocks)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		memopt_block_clear(blocks[i], pool->ppb);
		cond_resched();
	}
	memopt_mag_put(pool, n, blocks, false);
}
EXPORT_SYMBOL_IF_KUNIT_OR_BENCH(memopt_pool_free);

static bool memopt_name_reserved(const char *name)
{
	if (strncmp(name, "pool", 4) || !name[4])
		return false;
	for (name += 4; *name; name++)
		if (!isdigit(*name))
			return false;
	return true;
}

/* The settable limits: min, max, watermark. */
static int memopt_pool_limits_check(const struct memopt_pool_params *p,
				    struct memopt_pool_err *err)
{
	if (p->max && p->min > p->max) {
		err->attr = MEMOPT_A_POOL_MIN;
		err->alt = MEMOPT_A_POOL_MAX;
		err->msg = "min exceeds max";
		return -EINVAL;
	}
	if (p->watermark > MEMOPT_WATERMARK_MAX) {
		err->attr = MEMOPT_A_POOL_WATERMARK;
		err->msg = "watermark is a percentage, at most 100";
		return -EINVAL;
	}
	if (p->mode & ~MEMOPT_POOL_MODE_MAX) {
		err->attr = MEMOPT_A_POOL_MODE;
		err->msg = "mode has permission bits only, at most 0777";
		return -EINVAL;
	}
	if (!p->growth_window) {
		err->attr = MEMOPT_A_POOL_GROWTH_WINDOW;
		err->msg = "growth window must be at least 1 second";
		return -EINVAL;
	}
	if (!uid_valid(p->uid) || !gid_valid(p->gid)) {
		err->attr = uid_valid(p->uid) ? MEMOPT_A_POOL_GID : MEMOPT_A_POOL_UID;
		err->msg = "uid or gid not mapped in the caller's user namespace";
		return -EINVAL;
	}
	return 0;
}

/**
 * memopt_pool_params_check() - validate the parameters of a new pool
 * @p: the parameters
 * @err: filled with the attribute at fault and why, on failure
 *
 * Context: Any context.
 * Return: 0 if @p describes a valid pool, -EINVAL otherwise.
 */
int memopt_pool_params_check(const struct memopt_pool_params *p,
			     struct memopt_pool_err *err)
{
	const char *c;

	if (!p->block_size || !PAGE_ALIGNED(p->block_size)) {
		err->attr = MEMOPT_A_POOL_BLOCK_SIZE;
		err->msg = "block size must be a non-zero multiple of the page size";
		return -EINVAL;
	}
	if (p->block_size > MEMOPT_BLOCK_SIZE_MAX) {
		err->attr = MEMOPT_A_POOL_BLOCK_SIZE;
		err->msg = "block size must be at most 4 MiB";
		return -EINVAL;
	}
	for (c = p->name; c < p->name + sizeof(p->name) && *c; c++) {
		if (!isgraph(*c) || !isascii(*c)) {
			err->attr = MEMOPT_A_POOL_NAME;
			err->msg = "name must be printable ASCII without spaces";
			return -EINVAL;
		}
	}
	if (c == p->name + sizeof(p->name)) {
		err->attr = MEMOPT_A_POOL_NAME;
		err->msg = "name must be at most 31 characters";
		return -EINVAL;
	}
	if (memopt_name_reserved(p->name)) {
		err->attr = MEMOPT_A_POOL_NAME;
		err->msg = "names of the form pool<N> are reserved for unnamed pools";
		return -EINVAL;
	}
	return memopt_pool_limits_check(p, err);
}

/*
 * Grow @pool until it holds its reserve, params.min, which the caller has
 * already published (so that neither frees nor the shrinker release the
 * slabs being added). Undoes nothing on failure.
 */
static int memopt_pool_fill_reserve(struct memopt_pool *pool, struct memopt_pool_err *err)
{
	u32 min = READ_ONCE(pool->params.min);
	int ret;

	while (READ_ONCE(pool->blocks_total) < min) {
		if (fatal_signal_pending(current)) {
			err->msg = "interrupted while allocating the reserve";
			return -EINTR;
		}
		ret = memopt_pool_grow(pool, min);
		if (ret == -ENOSPC) {
			/* Concurrent allocations are growing the pool: wait for them. */
			cond_resched();
			continue;
		}
		if (ret) {
			err->attr = MEMOPT_A_POOL_MIN;
			err->msg = ret == -EDQUOT ?
				"the reserve would exceed the global cap (max_memory_mb)" :
				"out of memory allocating the reserve";
			return -ENOMEM;
		}
		cond_resched();
	}
	return 0;
}

static struct memopt_pool *memopt_pool_find_name(const char *name)
{
	struct memopt_pool *pool;
	unsigned long id;

	lockdep_assert_held(&memopt_pools_mutex);
	xa_for_each(&memopt_pools, id, pool)
		if (!strcmp(pool->params.name, name))
			return pool;
	return NULL;
}

static void memopt_pool_release(struct kref *ref)
{
	struct memopt_pool *pool = container_of(ref, struct memopt_pool, ref);
	LIST_HEAD(release);

	memopt_pool_drain(pool);
	spin_lock(&pool->lock);
	list_splice_init(&pool->empty, &release);
	/* Nobody holds a block without a reference: this is a memopt bug. */
	if (WARN_ON_ONCE(!list_empty(&pool->partial) || !list_empty(&pool->full)))
		pr_err("pool %s: blocks still in use at release, leaking them\n",
		       pool->params.name);
	spin_unlock(&pool->lock);
	memopt_slabs_release(&release);
	free_percpu(pool->mags);
	/* Registered pools only: one that failed to be created was never news. */
	if (pool->id)
		memopt_ledger_pool_freed(pool->id, pool->params.name);
	kfree_rcu(pool, rcu);
}

static struct memopt_pool *memopt_pool_new(const struct memopt_pool_params *p)
{
	struct memopt_pool *pool;
	int cpu;

	pool = kzalloc(sizeof(*pool), GFP_KERNEL);
	if (!pool)
		return NULL;
	pool->mags = alloc_percpu(struct memopt_mag);
	if (!pool->mags) {
		kfree(pool);
		return NULL;
	}
	for_each_possible_cpu(cpu)
		spin_lock_init(&per_cpu_ptr(pool->mags, cpu)->lock);
	kref_init(&pool->ref);
	spin_lock_init(&pool->lock);
	INIT_LIST_HEAD(&pool->partial);
	INIT_LIST_HEAD(&pool->full);
	INIT_LIST_HEAD(&pool->empty);
	pool->params = *p;
	pool->ppb = p->block_size >> PAGE_SHIFT;
	pool->slab_blocks = max_t(unsigned int, MEMOPT_SLAB_BYTES / p->block_size, 1);
	pool->mag_size = clamp_t(unsigned int, MEMOPT_MAG_BYTES / p->block_size,
				 1, MEMOPT_MAG_MAX);
	return pool;
}

static int memopt_pool_name_taken(const char *name, struct memopt_pool_err *err)
{
	lockdep_assert_held(&memopt_pools_mutex);
	if (!name[0] || !memopt_pool_find_name(name))
		return 0;
	err->attr = MEMOPT_A_POOL_NAME;
	err->msg = "a pool with this name exists";
	return -EEXIST;
}

/*
 * Give @pool an id and, if it has none, the name pool<ID>; list it. The
 * registry's reference is taken before the pool is published: from then
 * on anyone may look it up and destroy it.
 */
static int memopt_pool_register(struct memopt_pool *pool, struct memopt_pool_err *err)
{
	int ret;

	mutex_lock(&memopt_pools_mutex);
	ret = memopt_pool_name_taken(pool->params.name, err);
	if (ret)
		goto out;
	/* Reserve the id, name the pool, then publish it to lockless readers. */
	ret = xa_alloc_cyclic(&memopt_pools, &pool->id, NULL, xa_limit_31b,
			      &memopt_pools_next_id, GFP_KERNEL);
	if (ret < 0) {
		err->msg = "out of memory";
		goto out;
	}
	if (!pool->params.name[0])
		snprintf(pool->params.name, sizeof(pool->params.name), "pool%u", pool->id);
	kref_get(&pool->ref);
	/* The slot exists: storing into it allocates nothing and cannot fail. */
	WARN_ON_ONCE(xa_is_err(xa_store(&memopt_pools, pool->id, pool, GFP_KERNEL)));
	WRITE_ONCE(memopt_pools_gen, memopt_pools_gen + 1);
	ret = 0;
out:
	mutex_unlock(&memopt_pools_mutex);
	return ret;
}

/**
 * memopt_pool_create() - create a pool and allocate its reserve
 * @params: its parameters; an empty name asks for "pool<ID>", a growth window
 *	of 0 for %MEMOPT_GROWTH_WINDOW_DEFAULT
 * @err: filled with the attribute at fault and why, on failure
 *
 * Context: Process context, may sleep.
 * Return: the pool, with a reference for the caller (the registry holds
 * another until memopt_pool_destroy()), or an ERR_PTR: -EINVAL for bad
 * parameters, -EEXIST for a name in use, -ENOMEM when the reserve cannot be
 * allocated (or no id is left), -EINTR when interrupted by a fatal signal.
 */
struct memopt_pool *memopt_pool_create(const struct memopt_pool_params *params,
				       struct memopt_pool_err *err)
{
	struct memopt_pool_params np = *params, *p = &np;
	struct memopt_pool *pool;
	int ret;

	if (!p->growth_window)
		p->growth_window = MEMOPT_GROWTH_WINDOW_DEFAULT;
	ret = memopt_pool_params_check(p, err);
	if (ret)
		return ERR_PTR(ret);
	/* A quick look first, so that a taken name costs no reserve. */
	mutex_lock(&memopt_pools_mutex);
	ret = memopt_pool_name_taken(p->name, err);
	mutex_unlock(&memopt_pools_mutex);
	if (ret)
		return ERR_PTR(ret);
	pool = memopt_pool_new(p);
	if (!pool) {
		err->msg = "out of memory";
		return ERR_PTR(-ENOMEM);
	}
	/* Unlisted until registered: nobody else can shrink it meanwhile. */
	ret = memopt_pool_fill_reserve(pool, err);
	if (!ret)
		ret = memopt_pool_register(pool, err);
	if (ret) {
		kref_put(&pool->ref, memopt_pool_release);
		return ERR_PTR(ret);
	}
	return pool;
}
EXPORT_SYMBOL_IF_KUNIT_OR_BENCH(memopt_pool_create);

/**
 * memopt_pool_set() - change a pool's min, max, watermark or leak age
 * @pool: the pool, a reference held by the caller
 * @p: the new values
 * @mask: which to change: BIT(MEMOPT_A_POOL_MIN), BIT(MEMOPT_A_POOL_MAX),
 *	BIT(MEMOPT_A_POOL_WATERMARK), BIT(MEMOPT_A_POOL_LEAK_AGE),
 *	BIT(MEMOPT_A_POOL_UID), BIT(MEMOPT_A_POOL_GID), BIT(MEMOPT_A_POOL_MODE),
 *	BIT(MEMOPT_A_POOL_GROWTH), BIT(MEMOPT_A_POOL_GROWTH_WINDOW);
 *	others are ignored. The rest keeps its current value, merged under the
 *	registry mutex so that concurrent changes of different fields compose.
 * @err: filled with the attribute at fault and why, on failure
 *
 * Raising min allocates the new reserve at once; on failure the values do
 * not change (blocks already grown stay cached, for the shrinker to take).
 * Lowering max below what the pool holds is allowed: the pool gives blocks
 * back as they are freed.
 *
 * Context: Process context, may sleep.
 * Return: 0, -EINVAL for bad values, -ENOENT if the pool was destroyed,
 * -ENOMEM if the new reserve cannot be allocated.
 */
int memopt_pool_set(struct memopt_pool *pool, const struct memopt_pool_params *p,
		    unsigned long mask, struct memopt_pool_err *err)
{
	struct memopt_pool_params np, old;
	int ret;

	mutex_lock(&memopt_pools_mutex);
	ret = -ENOENT;
	if (pool->dying) {
		err->msg = "pool is being destroyed";
		goto out;
	}
	np = pool->params;
	if (mask & BIT(MEMOPT_A_POOL_MIN))
		np.min = p->min;
	if (mask & BIT(MEMOPT_A_POOL_MAX))
		np.max = p->max;
	if (mask & BIT(MEMOPT_A_POOL_WATERMARK))
		np.watermark = p->watermark;
	if (mask & BIT(MEMOPT_A_POOL_LEAK_AGE))
		np.leak_age = p->leak_age;
	if (mask & BIT(MEMOPT_A_POOL_GROWTH))
		np.growth = p->growth;
	if (mask & BIT(MEMOPT_A_POOL_GROWTH_WINDOW))
		np.growth_window = p->growth_window;
	if (mask & BIT(MEMOPT_A_POOL_UID))
		np.uid = p->uid;
	if (mask & BIT(MEMOPT_A_POOL_GID))
		np.gid = p->gid;
	if (mask & BIT(MEMOPT_A_POOL_MODE))
		np.mode = p->mode;
	ret = memopt_pool_limits_check(&np, err);
	if (ret)
		goto out;
	/* Publish first: the reserve being filled must not be given back. */
	old = pool->params;
	spin_lock(&pool->lock);
	pool->params = np;
	spin_unlock(&pool->lock);
	ret = memopt_pool_fill_reserve(pool, err);
	if (ret) {
		/* Nothing changes; what was grown stays cached for the shrinker. */
		spin_lock(&pool->lock);
		pool->params = old;
		spin_unlock(&pool->lock);
		goto out;
	}
	WRITE_ONCE(memopt_pools_gen, memopt_pools_gen + 1);
out:
	mutex_unlock(&memopt_pools_mutex);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(memopt_pool_set);

/**
 * memopt_pool_destroy() - unlist a pool and drop the registry's reference
 * @pool: the pool, a reference held by the caller
 *
 * The pool refuses allocations from now on and is freed when its last
 * reference goes (blocks in use keep it alive through their holders).
 *
 * Context: Process context, may sleep.
 * Return: true if this call destroyed the pool, false if it already was.
 */
bool memopt_pool_destroy(struct memopt_pool *pool)
{
	bool was_listed;

	mutex_lock(&memopt_pools_mutex);
	was_listed = !pool->dying;
	if (was_listed) {
		WRITE_ONCE(pool->dying, true);
		xa_erase(&memopt_pools, pool->id);
		WRITE_ONCE(memopt_pools_gen, memopt_pools_gen + 1);
	}
	mutex_unlock(&memopt_pools_mutex);
	if (was_listed)
		kref_put(&pool->ref, memopt_pool_release);
	return was_listed;
}
EXPORT_SYMBOL_IF_KUNIT_OR_BENCH(memopt_pool_destroy);

/**
 * memopt_pool_get_by_id() - look a listed pool up by id
 * @id: the pool's id
 *
 * Context: Any context.
 * Return: the pool with a reference for the caller, or NULL.
 */
struct memopt_pool *memopt_pool_get_by_id(u32 id)
{
	struct memopt_pool *pool;

	rcu_read_lock();
	pool = xa_load(&memopt_pools, id);
	if (pool && !kref_get_unless_zero(&pool->ref))
		pool = NULL;
	rcu_read_unlock();
	return pool;
}
EXPORT_SYMBOL_IF_KUNIT(memopt_pool_get_by_id);

/**
 * memopt_pool_get_by_name() - look a listed pool up by name
 * @name: the pool's name
 *
 * Context: Any context.
 * Return: the pool with a reference for the caller, or NULL.
 */
struct memopt_pool *memopt_pool_get_by_name(const char *name)
{
	struct memopt_pool *pool;
	unsigned long id;

	/* Lockless: a name is set before its pool is published, never after. */
	rcu_read_lock();
	xa_for_each(&memopt_pools, id, pool)
		if (!strcmp(pool->params.name, name) && kref_get_unless_zero(&pool->ref))
			break;
	rcu_read_unlock();
	return pool;
}

/**
 * memopt_pool_get_next() - iterate over the listed pools
 * @id: in: the smallest id wanted; out: the id of the pool returned
 *
 * Context: Any context.
 * Return: the listed pool with the smallest id >= *@id, with a reference
 * for the caller, or NULL when there is none.
 */
struct memopt_pool *memopt_pool_get_next(u32 *id)
{
	unsigned long index = *id;
	struct memopt_pool *pool;

	rcu_read_lock();
	for (;;) {
		pool = xa_find(&memopt_pools, &index, U32_MAX, XA_PRESENT);
		/* A pool whose last reference is going is skipped. */
		if (!pool || kref_get_unless_zero(&pool->ref))
			break;
		index++;
	}
	rcu_read_unlock();
	if (pool)
		*id = index;
	return pool;
}

/**
 * memopt_pool_get() - take another reference to a pool
 * @pool: the pool, which the caller already holds
 *
 * Context: Any context.
 */
void memopt_pool_get(struct memopt_pool *pool)
{
	kref_get(&pool->ref);
}

/**
 * memopt_pools_cap_pages() - the most pages all pools together may hold
 *
 * Context: Any context.
 * Return: the global cap, in pages.
 */
unsigned long memopt_pools_cap_pages(void)
{
	return READ_ONCE(memopt_cap_pages);
}

/**
 * memopt_pool_put() - drop a reference to a pool
 * @pool: the pool
 *
 * Context: Process context (the last put frees the pool's pages).
 */
void memopt_pool_put(struct memopt_pool *pool)
{
	kref_put(&pool->ref, memopt_pool_release);
}
EXPORT_SYMBOL_IF_KUNIT_OR_BENCH(memopt_pool_put);

/**
 * memopt_pools_generation() - a number that changes whenever a pool is
 *	created, changed or destroyed (for consistent netlink dumps)
 *
 * Context: Any context.
 * Return: the generation.
 */
unsigned int memopt_pools_generation(void)
{
	return READ_ONCE(memopt_pools_gen);
}

/**
 * memopt_pool_id() - a pool's id
 * @pool: the pool
 *
 * Context: Any context.
 * Return: the id.
 */
u32 memopt_pool_id(const struct memopt_pool *pool)
{
	return pool->id;
}
EXPORT_SYMBOL_IF_KUNIT(memopt_pool_id);

/**
 * memopt_pool_permission() - may the current task allocate from @pool?
 * @pool: the pool
 *
 * Write permission, checked like a file's: the owner's bits if the task's
 * fsuid owns the pool, else the group's bits if it is in the pool's group,
 * else the others'; CAP_DAC_OVERRIDE overrides them, as it does for files.
 *
 * Context: Process context.
 * Return: 0, or -EACCES.
 */
int memopt_pool_permission(struct memopt_pool *pool)
{
	u32 mode;
	kuid_t uid;
	kgid_t gid;

	spin_lock(&pool->lock);
	mode = pool->params.mode;
	uid = pool->params.uid;
	gid = pool->params.gid;
	spin_unlock(&pool->lock);
	if (uid_eq(current_fsuid(), uid))
		mode >>= 6;
	else if (in_group_p(gid))
		mode >>= 3;
	if ((mode & 02) || capable(CAP_DAC_OVERRIDE))
		return 0;
	return -EACCES;
}

/**
 * memopt_pool_params() - a consistent copy of a pool's parameters
 * @pool: the pool
 * @p: where to copy them
 *
 * Context: Process context.
 */
void memopt_pool_params(struct memopt_pool *pool, struct memopt_pool_params *p)
{
	spin_lock(&pool->lock);
	*p = pool->params;
	spin_unlock(&pool->lock);
}

/* Free blocks on the free lists of slabs that also have blocks out. */
static unsigned long memopt_pool_stranded(struct memopt_pool *pool)
{
	struct memopt_slab *slab;
	unsigned long n = 0;

	lockdep_assert_held(&pool->lock);
	list_for_each_entry(slab, &pool->partial, node)
		n += slab->nr_free;
	return n;
}

/**
 * memopt_pool_account() - count blocks going into or out of a buffer
 * @pool: the pool
 * @nr_blocks: blocks the buffer took (positive) or gave back (negative)
 * @requested: the bytes it was asked for, with the same sign
 *
 * One buffer per call. Keeps the exact peak of blocks in buffers, which the
 * per-CPU block counters cannot.
 *
 * Context: Any context.
 */
void memopt_pool_account(struct memopt_pool *pool, long nr_blocks, s64 requested)
{
	s64 now = atomic64_add_return(nr_blocks, &pool->buf_blocks);
	s64 peak = atomic64_read(&pool->peak_blocks);

	atomic64_add(requested, &pool->buf_requested);
	atomic64_add(nr_blocks > 0 ? 1 : -1, &pool->buf_count);
	while (now > peak && !atomic64_try_cmpxchg(&pool->peak_blocks, &peak, now))
		;
}
EXPORT_SYMBOL_IF_KUNIT(memopt_pool_account);

/**
 * memopt_pool_is_dying() - whether a pool was destroyed
 * @pool: the pool
 *
 * Context: Any context.
 * Return: true once memopt_pool_destroy() was called.
 */
bool memopt_pool_is_dying(const struct memopt_pool *pool)
{
	return READ_ONCE(pool->dying);
}

/**
 * memopt_pool_buffers() - live buffers of a pool
 * @pool: the pool
 *
 * Context: Any context.
 * Return: how many buffers hold blocks of @pool.
 */
u64 memopt_pool_buffers(struct memopt_pool *pool)
{
	return max_t(s64, atomic64_read(&pool->buf_count), 0);
}

/**
 * memopt_pool_leak_age() - a pool's leak age, read without its lock
 * @pool: the pool
 *
 * Context: Any context.
 * Return: seconds, 0 for none.
 */
u32 memopt_pool_leak_age(struct memopt_pool *pool)
{
	return READ_ONCE(pool->params.leak_age);
}

/**
 * memopt_pool_growth() - a pool's growth detector settings, without its lock
 * @pool: the pool
 * @threshold: set to the growth threshold in bytes, 0 for none
 * @window: set to the growth window in seconds
 *
 * Context: Any context (64-bit kernels: the threshold is read whole).
 */
void memopt_pool_growth(struct memopt_pool *pool, u64 *threshold, u64 *window)
{
	*threshold = READ_ONCE(pool->params.growth);
	*window = READ_ONCE(pool->params.growth_window);
}

/**
 * memopt_pool_watermark_event() - whether use crossed the watermark
 * @pool: the pool
 *
 * Use is blocks in buffers against max, or against the global cap when max
 * is 0. Crossing up is at or above the watermark; crossing down is more
 * than %MEMOPT_WATERMARK_HYSTERESIS points below it, so that use hovering
 * at the watermark does not flap.
 *
 * Context: Process context.
 * Return: %MEMOPT_EVENT_WATERMARK_UP or _DOWN once per crossing, else 0.
 */
int memopt_pool_watermark_event(struct memopt_pool *pool)
{
	u64 used = max_t(s64, atomic64_read(&pool->buf_blocks), 0);
	u64 limit, pct;
	int ev = 0;

	spin_lock(&pool->lock);
	limit = pool->params.max ? pool->params.max :
		memopt_cap_pages / pool->ppb;
	pct = limit ? div64_u64(used * 100, limit) : 0;
	if (!pool->params.watermark) {
		pool->wm_above = false;
	} else if (!pool->wm_above && pct >= pool->params.watermark) {
		pool->wm_above = true;
		ev = MEMOPT_EVENT_WATERMARK_UP;
	} else if (pool->wm_above &&
		   pct + MEMOPT_WATERMARK_HYSTERESIS < pool->params.watermark) {
		pool->wm_above = false;
		ev = MEMOPT_EVENT_WATERMARK_DOWN;
	}
	spin_unlock(&pool->lock);
	return ev;
}

/**
 * memopt_pool_exhausted_event() - the failure to announce, at most 1/s
 * @pool: the pool
 *
 * Context: Process context.
 * Return: the &enum memopt_event of the latest failed allocation if it was
 * not announced yet and the last announcement is a second old, else 0.
 */
int memopt_pool_exhausted_event(struct memopt_pool *pool)
{
	int ev = 0;

	spin_lock(&pool->lock);
	if (pool->exhausted && (!pool->exhausted_at ||
				time_after(jiffies, pool->exhausted_at + HZ))) {
		ev = pool->exhausted;
		pool->exhausted = 0;
		pool->exhausted_at = jiffies;
	}
	spin_unlock(&pool->lock);
	return ev;
}

/**
 * memopt_pool_stats() - a snapshot of a pool's figures
 * @pool: the pool
 * @st: where to store them
 *
 * Per-CPU counters are summed without stopping their writers, so figures
 * taken while blocks move may be off by the blocks in flight.
 *
 * Context: Process context.
 */
void memopt_pool_stats(struct memopt_pool *pool, struct memopt_pool_stats *st)
{
	struct memopt_mag *mag;
	int cpu;

	memset(st, 0, sizeof(*st));
	for_each_possible_cpu(cpu) {
		mag = per_cpu_ptr(pool->mags, cpu);
		st->allocs += READ_ONCE(mag->allocs);
		st->frees += READ_ONCE(mag->frees);
		st->mag_hits += READ_ONCE(mag->hits);
		st->mag_misses += READ_ONCE(mag->misses);
	}
	spin_lock(&pool->lock);
	st->blocks_total = pool->blocks_total;
	st->blocks_reserved = pool->params.min;
	st->slabs = pool->nr_slabs;
	st->bytes_total = (u64)pool->blocks_total * pool->params.block_size;
	st->fail_pool_max = pool->fail_pool_max;
	st->fail_global_cap = pool->fail_global_cap;
	st->fail_nomem = pool->fail_nomem;
	st->order_fallbacks = pool->order_fallbacks;
	st->shrinker_blocks = pool->shrinker_blocks;
	st->bytes_stranded = (u64)memopt_pool_stranded(pool) * pool->params.block_size;
	spin_unlock(&pool->lock);
	st->bytes_used = atomic64_read(&pool->buf_blocks) * pool->params.block_size;
	st->bytes_requested = atomic64_read(&pool->buf_requested);
	st->peak_used = atomic64_read(&pool->peak_blocks);
	st->buffers = atomic64_read(&pool->buf_count);
	/* Counters read while blocks move can show a free before its alloc. */
	st->blocks_used = st->allocs > st->frees ? st->allocs - st->frees : 0;
	st->blocks_used = min(st->blocks_used, st->blocks_total);
	st->blocks_cached = st->blocks_total - st->blocks_used;
}
EXPORT_SYMBOL_IF_KUNIT(memopt_pool_stats);

/**
 * memopt_pool_shrink() - release cached free slabs above the reserve
 * @pool: the pool
 * @nr_pages: how many pages to release at most
 *
 * Magazines are drained first, so that their blocks can go too.
 *
 * Context: Process context.
 * Return: the pages released.
 */
unsigned long memopt_pool_shrink(struct memopt_pool *pool, unsigned long nr_pages)
{
	struct memopt_slab *slab, *tmp;
	unsigned long freed = 0;
	LIST_HEAD(release);

	memopt_pool_drain(pool);
	spin_lock(&pool->lock);
	list_for_each_entry_safe(slab, tmp, &pool->empty, node) {
		if (freed >= nr_pages ||
		    pool->blocks_total - slab->nr_blocks < pool->params.min)
			break;
		memopt_slab_unlink(pool, slab, &release);
		pool->nr_empty--;
		pool->shrinker_blocks += slab->nr_blocks;
		freed += slab->nr_pages;
	}
	spin_unlock(&pool->lock);
	memopt_slabs_release(&release);
	return freed;
}
EXPORT_SYMBOL_IF_KUNIT(memopt_pool_shrink);

/**
 * memopt_shrink_count() - the shrinker's count_objects
 * @s: the shrinker
 * @sc: the reclaim context
 *
 * Context: Reclaim; takes no sleeping lock.
 * Return: pages of cached free blocks above the pools' reserves (what
 * memopt_shrink_scan() may give back), or SHRINK_EMPTY.
 */
VISIBLE_IF_KUNIT unsigned long memopt_shrink_count(struct shrinker *s, struct shrink_control *sc)
{
	struct memopt_pool_stats st;
	struct memopt_pool *pool;
	unsigned long count = 0;
	u32 id = 1;

	while ((pool = memopt_pool_get_next(&id))) {
		memopt_pool_stats(pool, &st);
		if (st.blocks_total > st.blocks_reserved)
			count += min(st.blocks_cached, st.blocks_total - st.blocks_reserved) *
				 pool->ppb;
		memopt_pool_put(pool);
		id++;
	}
	return count ?: SHRINK_EMPTY;
}
EXPORT_SYMBOL_IF_KUNIT(memopt_shrink_count);

/**
 * memopt_shrink_scan() - the shrinker's scan_objects
 * @s: the shrinker
 * @sc: the reclaim context; @sc->nr_to_scan pages are wanted
 *
 * Drains the magazines and releases entirely free slabs above the reserves,
 * pool by pool, until enough pages were given back, and tells the reclaim
 * how many pages it gained (memopt_account_reclaimed()).
 *
 * Context: Reclaim; takes no sleeping lock.
 * Return: the pages released, or SHRINK_STOP when there were none.
 */
VISIBLE_IF_KUNIT unsigned long memopt_shrink_scan(struct shrinker *s, struct shrink_control *sc)
{
	struct memopt_pool *pool;
	unsigned long freed = 0;
	u32 id = 1;

	while (freed < sc->nr_to_scan && (pool = memopt_pool_get_next(&id))) {
		freed += memopt_pool_shrink(pool, sc->nr_to_scan - freed);
		memopt_pool_put(pool);
		id++;
	}
	memopt_account_reclaimed(freed);
	return freed ?: SHRINK_STOP;
}
EXPORT_SYMBOL_IF_KUNIT(memopt_shrink_scan);

/**
 * memopt_pages_held() - pages held by all pools together
 *
 * Context: Any context.
 * Return: the pages.
 */
unsigned long memopt_pages_held(void)
{
	return atomic_long_read(&memopt_pages);
}
EXPORT_SYMBOL_IF_KUNIT(memopt_pages_held);

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * memopt_pools_set_cap() - change the global cap, for KUnit only
 * @cap_pages: most pages all pools together may hold from now on
 *
 * Context: Any context.
 * Return: the previous cap, for the test to restore.
 */
unsigned long memopt_pools_set_cap(unsigned long cap_pages)
{
	return xchg(&memopt_cap_pages, cap_pages);
}
EXPORT_SYMBOL_IF_KUNIT(memopt_pools_set_cap);
#endif

/**
 * memopt_pools_init() - set the global cap and register the shrinker
 * @cap_pages: most pages all pools together may hold
 *
 * Context: Process context, module init.
 * Return: 0, or -ENOMEM when the shrinker cannot be registered.
 */
int memopt_pools_init(unsigned long cap_pages)
{
	memopt_cap_pages = cap_pages;
	memopt_shrinker = memopt_shrinker_register(memopt_shrink_count, memopt_shrink_scan,
						   "memopt-pools");
	return memopt_shrinker ? 0 : -ENOMEM;
}

/**
 * memopt_pools_exit() - destroy every pool
 *
 * Pools still referenced (a bug: the module cannot unload while buffers
 * exist) are reported with a warning and leaked, never freed under their
 * users.
 *
 * Context: Process context, module exit.
 */
void memopt_pools_exit(void)
{
	struct memopt_pool *pool;
	u32 id = 1;

	memopt_shrinker_unregister(memopt_shrinker);
	while ((pool = memopt_pool_get_next(&id))) {
		memopt_pool_destroy(pool);
		memopt_pool_put(pool);
		id++;
	}
	/* Nothing holds a pool once the module can unload: a memopt bug. */
	WARN(atomic_long_read(&memopt_pages), "%ld pages still held by pools at unload, leaking them\n",
	     atomic_long_read(&memopt_pages));
}
