// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the memopt block pools (kmod/pool.c).
 *
 * Every case creates its own unnamed pools through memopt_test_pool(), which
 * defers their destruction to the end of the case, and the suite's init
 * defers, before anything else, a check that the pools gave back every page
 * they took: deferred actions run last-registered first, so that check runs
 * after the pools are gone, whether the case passed or was aborted.
 *
 * The cases reason about one pool at a time, so they learn its slab size
 * from blocks_total after the first allocation rather than from pool.c's
 * constants. Cases about magazines pin the test thread to a CPU so that
 * every allocation and free uses the same per-CPU magazine. The shrinker
 * and global cap cases see all pools: they expect no other memopt user to
 * create or fill pools while the suite runs.
 */
#include <kunit/test.h>
#include <kunit/static_stub.h>
#include <kunit/test-bug.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/highmem.h>
#include <linux/kthread.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/shrinker.h>
#include <linux/string.h>

#include "compat.h"
#include "pool.h"
#include "util.h"

/* Concurrency case: workers, iterations each, blocks a worker holds. */
#define MEMOPT_TEST_WORKERS	4
#define MEMOPT_TEST_ITERATIONS	2000
#define MEMOPT_TEST_HELD	16
#define MEMOPT_TEST_CHUNK_MAX	4
/* Less than the workers may hold together, so that -ENOSPC happens too. */
#define MEMOPT_TEST_SHARED_MAX	40

/**
 * struct memopt_test_ctx - per-case state, in test->priv
 * @test: the case
 * @pages_before: memopt_pages_held() when the case started
 * @old_cap: the global cap to restore, when the case changed it
 * @chunk_budget: order-0 chunks the allocation stub still hands out
 * @chunks_refused: higher-order chunks the stub refused
 * @chunks_given: order-0 chunks the stub handed out
 */
struct memopt_test_ctx {
	struct kunit *test;
	unsigned long pages_before;
	unsigned long old_cap;
	unsigned int chunk_budget;
	unsigned int chunks_refused;
	unsigned int chunks_given;
};

/* Runs after every other deferred action of the case: nothing may leak. */
static void memopt_test_check_pages(void *data)
{
	struct memopt_test_ctx *ctx = data;

	KUNIT_EXPECT_EQ_MSG(ctx->test, memopt_pages_held(), ctx->pages_before,
			    "the pools did not give back the pages they took");
}

static int memopt_pool_test_init(struct kunit *test)
{
	struct memopt_test_ctx *ctx;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->test = test;
	ctx->pages_before = memopt_pages_held();
	test->priv = ctx;
	return kunit_add_action_or_reset(test, memopt_test_check_pages, ctx);
}

static struct memopt_block **memopt_test_blocks(struct kunit *test, unsigned int n)
{
	struct memopt_block **b;

	b = kunit_kcalloc(test, n, sizeof(*b), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	return b;
}

/* An allocation that must fail with @err; should it succeed, undo it. */
static void memopt_test_alloc_fails(struct kunit *test, struct memopt_pool *pool,
				    unsigned int n, struct memopt_block **b, int err)
{
	int ret = memopt_pool_alloc(pool, n, b);

	KUNIT_EXPECT_EQ(test, ret, err);
	if (!ret)
		memopt_pool_free(pool, n, b);
}

/* Pages held beyond the case's start are all @pool's: @ppb per block. */
static void memopt_test_expect_held(struct kunit *test, struct memopt_pool *pool,
				    unsigned int ppb)
{
	struct memopt_test_ctx *ctx = test->priv;
	struct memopt_pool_stats st;

	memopt_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, (u64)(memopt_pages_held() - ctx->pages_before),
			st.blocks_total * ppb);
}

static void memopt_test_restore_cap(void *data)
{
	struct memopt_test_ctx *ctx = data;

	memopt_pools_set_cap(ctx->old_cap);
}

/* Set the global cap until the case ends (or the action is released). */
static void memopt_test_set_cap(struct kunit *test, unsigned long cap)
{
	struct memopt_test_ctx *ctx = test->priv;

	ctx->old_cap = memopt_pools_set_cap(cap);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, memopt_test_restore_cap, ctx), 0);
}

static void memopt_test_two_cpus(struct kunit *test, unsigned int *a, unsigned int *b)
{
	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two online CPUs");
	*a = cpumask_first(cpu_online_mask);
	*b = cpumask_next(*a, cpu_online_mask);
}

static void memopt_test_fill(struct memopt_block *b, unsigned int ppb, int c)
{
	unsigned int i;
	void *addr;

	for (i = 0; i < ppb; i++) {
		addr = kmap_local_page(b->pages[i]);
		memset(addr, c, PAGE_SIZE);
		kunmap_local(addr);
	}
}

/* Whether every byte of @b is @c. */
static bool memopt_test_filled(struct memopt_block *b, unsigned int ppb, int c)
{
	unsigned int i;
	void *addr, *bad;

	for (i = 0; i < ppb; i++) {
		addr = kmap_local_page(b->pages[i]);
		bad = memchr_inv(addr, c, PAGE_SIZE);
		kunmap_local(addr);
		if (bad)
			return false;
	}
	return true;
}

/*
 * Take every block of @nr_slabs new slabs from an empty pool, into an array
 * allocated here; return the blocks per slab. On failure nothing is held.
 */
static unsigned int memopt_test_take_slabs(struct kunit *test, struct memopt_pool *pool,
					   unsigned int nr_slabs, struct memopt_block ***bp)
{
	struct memopt_block *first, **b;
	struct memopt_pool_stats st;
	unsigned int slab;
	int ret;

	/* The first allocation grows the pool by one slab: its size. */
	KUNIT_ASSERT_EQ(test, memopt_pool_alloc(pool, 1, &first), 0);
	memopt_pool_stats(pool, &st);
	slab = st.blocks_total;
	b = kunit_kcalloc(test, nr_slabs * slab, sizeof(*b), GFP_KERNEL);
	ret = b ? memopt_pool_alloc(pool, nr_slabs * slab - 1, b + 1) : -ENOMEM;
	if (ret)
		memopt_pool_free(pool, 1, &first);
	KUNIT_ASSERT_EQ(test, ret, 0);
	b[0] = first;
	memopt_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.slabs, nr_slabs);
	KUNIT_EXPECT_EQ(test, st.blocks_total, nr_slabs * slab);
	KUNIT_EXPECT_EQ(test, st.blocks_used, nr_slabs * slab);
	*bp = b;
	return slab;
}

/* Single blocks and several at once come and go; the figures follow. */
static void memopt_pool_test_alloc_free(struct kunit *test)
{
	struct memopt_block **b = memopt_test_blocks(test, 8);
	struct memopt_pool_stats st;
	struct memopt_pool *pool;
	unsigned int i, j;

	pool = memopt_test_pool(test, PAGE_SIZE, 0, 0);
	memopt_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.blocks_total, 0);
	KUNIT_EXPECT_EQ(test, st.slabs, 0);

	KUNIT_ASSERT_EQ(test, memopt_pool_alloc(pool, 1, b), 0);
	KUNIT_ASSERT_NOT_NULL(test, b[0]);
	KUNIT_EXPECT_NOT_NULL(test, b[0]->pages[0]);
	memopt_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.allocs, 1);
	KUNIT_EXPECT_EQ(test, st.frees, 0);
	KUNIT_EXPECT_EQ(test, st.blocks_used, 1);
	KUNIT_EXPECT_GE(test, st.blocks_total, 1);
	KUNIT_EXPECT_EQ(test, st.blocks_cached, st.blocks_total - 1);
	KUNIT_EXPECT_EQ(test, st.bytes_total, st.blocks_total * PAGE_SIZE);
	memopt_test_expect_held(test, pool, 1);
	memopt_pool_free(pool, 1, b);
	memopt_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.frees, 1);
	KUNIT_EXPECT_EQ(test, st.blocks_used, 0);
	KUNIT_EXPECT_EQ(test, st.blocks_cached, st.blocks_total);

	KUNIT_ASSERT_EQ(test, memopt_pool_alloc(pool, 8, b), 0);
	for (i = 0; i < 8; i++) {
		KUNIT_ASSERT_NOT_NULL(test, b[i]);
		for (j = 0; j < i; j++) {
			KUNIT_EXPECT_PTR_NE(test, b[i], b[j]);
			KUNIT_EXPECT_PTR_NE(test, b[i]->pages[0], b[j]->pages[0]);
		}
	}
	memopt_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.allocs, 9);
	KUNIT_EXPECT_EQ(test, st.blocks_used, 8);
	memopt_test_expect_held(test, pool, 1);
	memopt_pool_free(pool, 8, b);
	memopt_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.frees, 9);
	KUNIT_EXPECT_EQ(test, st.blocks_used, 0);
	KUNIT_EXPECT_EQ(test, st.blocks_cached, st.blocks_total);
}

/* An allocation that cannot be served whole takes nothing. */
static void memopt_pool_test_all_or_nothing(struct kunit *test)
{
	struct memopt_block **b = memopt_test_blocks(test, 5);
	struct memopt_pool_stats st;
	struct memopt_pool *pool;
	int ret;

	pool = memopt_test_pool(test, PAGE_SIZE, 0, 4);

	memopt_test_alloc_fails(test, pool, 5, b, -ENOSPC);
	memopt_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.allocs, 0);
	KUNIT_EXPECT_EQ(test, st.blocks_used, 0);
	KUNIT_EXPECT_LE(test, st.blocks_total, 4);
	KUNIT_EXPECT_EQ(test, st.fail_pool_max, 1);

	/* 3 taken, the 4th cached in this CPU's magazine: 2 must fail whole. */
	KUNIT_ASSERT_EQ(test, memopt_pool_alloc(pool, 3, b), 0);
	memopt_test_alloc_fails(test, pool, 2, b + 3, -ENOSPC);
	memopt_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.allocs, 3);
	KUNIT_EXPECT_EQ(test, st.blocks_used, 3);
	KUNIT_EXPECT_EQ(test, st.blocks_total, 4);
	KUNIT_EXPECT_EQ(test, st.fail_pool_max, 2);

	/* The block the failed allocation had in hand went back. */
	ret = memopt_pool_alloc(pool, 1, b + 3);
	KUNIT_EXPECT_EQ(test, ret, 0);
	memopt_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.blocks_used, 4);
	KUNIT_EXPECT_EQ(test, st.blocks_total, 4);
	memopt_pool_free(pool, ret ? 3 : 4, b);
	memopt_test_expect_held(test, pool, 1);
}

/*
 * A failed allocation counts as no allocation: not in allocs, and not in
 * mag_hits either (hits + misses == allocs).
 */
static void memopt_pool_test_failed_alloc_counters(struct kunit *test)
{
	struct memopt_block **b = memopt_test_blocks(test, 2);
	struct memopt_pool_stats st;
	struct memopt_pool *pool;

	memopt_test_pin(test, cpumask_first(cpu_online_mask));
	pool = memopt_test_pool(test, PAGE_SIZE, 0, 2);

	/* A miss that leaves the slab's other block in the magazine. */
	KUNIT_ASSERT_EQ(test, memopt_pool_alloc(pool, 1, b), 0);
	/* Takes that block from the magazine, then fails at max. */
	memopt_test_alloc_fails(test, pool, 2, b + 1, -ENOSPC);
	memopt_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.allocs, 1);
	KUNIT_EXPECT_EQ(test, st.mag_misses, 1);
	KUNIT_EXPECT_EQ_MSG(test, st.mag_hits + st.mag_misses, st.allocs,
			    "a failed allocation was counted in mag_hits");
	memopt_pool_free(pool, 1, b);
}

/* A block freed with data in it comes back zero-filled, every page of it. */
static void memopt_pool_test_zero_filled(struct kunit *test)
{
	const unsigned int ppb = 4, n = 4;
	struct memopt_block **b = memopt_test_blocks(test, n);
	struct memopt_block **first = memopt_test_blocks(test, n);
	struct memopt_pool *pool;
	unsigned int i, j;
	bool seen;

	/* max == n: the second round must get the very same blocks back. */
	pool = memopt_test_pool(test, ppb * PAGE_SIZE, 0, n);
	KUNIT_ASSERT_EQ(test, memopt_pool_alloc(pool, n, b), 0);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_TRUE_MSG(test, memopt_test_filled(b[i], ppb, 0),
				      "new block %u is not zero-filled", i);
		memopt_test_fill(b[i], ppb, 0xa5);
		KUNIT_EXPECT_TRUE(test, memopt_test_filled(b[i], ppb, 0xa5));
		first[i] = b[i];
	}
	memopt_pool_free(pool, n, b);

	KUNIT_ASSERT_EQ(test, memopt_pool_alloc(pool, n, b), 0);
	for (i = 0; i < n; i++) {
		for (j = 0, seen = false; j < n; j++)
			seen |= b[i] == first[j];
		KUNIT_EXPECT_TRUE_MSG(test, seen, "block %u is not a reused one", i);
		KUNIT_EXPECT_TRUE_MSG(test, memopt_test_filled(b[i], ppb, 0),
				      "reused block %u still holds old contents", i);
	}
	memopt_pool_free(pool, n, b);
	memopt_test_expect_held(test, pool, ppb);
}

/* Churn, drains, shrinks and the shrinker never take the pool below min. */
static void memopt_pool_test_reserve_kept(struct kunit *test)
{
	const unsigned int min = 40, peak = 100;
	struct memopt_block **b = memopt_test_blocks(test, peak);
	struct shrink_control sc = { .gfp_mask = GFP_KERNEL };
	struct memopt_pool_stats st;
	struct memopt_pool *pool;
	unsigned int round, n, k;
	u64 total;
	int ret;

	pool = memopt_test_pool(test, PAGE_SIZE, min, 0);
	memopt_pool_stats(pool, &st);
	KUNIT_EXPECT_GE(test, st.blocks_total, min);
	KUNIT_EXPECT_EQ(test, st.blocks_reserved, min);
	KUNIT_EXPECT_EQ(test, st.blocks_used, 0);
	memopt_test_expect_held(test, pool, 1);

	for (round = 0; round < 16; round++) {
		for (n = 0, ret = 0; n < peak && !ret; n += k) {
			k = min(1 + get_random_u32_below(8), peak - n);
			ret = memopt_pool_alloc(pool, k, b + n);
			KUNIT_EXPECT_EQ(test, ret, 0);
			if (ret)
				k = 0;
		}
		while (n) {
			k = min(1 + get_random_u32_below(8), n);
			n -= k;
			memopt_pool_free(pool, k, b + n);
		}
		if (ret)
			break;
	}

	memopt_pool_drain(pool);
	memopt_pool_shrink(pool, ULONG_MAX);
	memopt_pool_stats(pool, &st);
	KUNIT_EXPECT_GE(test, st.blocks_total, min);
	KUNIT_EXPECT_EQ(test, st.blocks_used, 0);
	memopt_test_expect_held(test, pool, 1);

	sc.nr_to_scan = ULONG_MAX;
	memopt_shrink_scan(NULL, &sc);
	memopt_pool_stats(pool, &st);
	KUNIT_EXPECT_GE(test, st.blocks_total, min);
	total = st.blocks_total;

	/* The reserve is there to use: min blocks without growing. */
	KUNIT_ASSERT_EQ(test, memopt_pool_alloc(pool, min, b), 0);
	memopt_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.blocks_total, total);
	memopt_pool_free(pool, min, b);
}

/* The pool's max holds, after draining other CPUs' magazines first. */
static void memopt_pool_test_max_enforced(struct kunit *test)
{
	const unsigned int max = 8;
	struct memopt_block **b = memopt_test_blocks(test, max + 1);
	struct memopt_pool_stats st;
	struct memopt_pool *pool;
	unsigned int a, c;
	int ret;

	memopt_test_two_cpus(test, &a, &c);
	pool = memopt_test_pool(test, PAGE_SIZE, 0, max);

	memopt_test_pin(test, c);
	KUNIT_ASSERT_EQ(test, memopt_pool_alloc(pool, max, b), 0);
	memopt_test_alloc_fails(test, pool, 1, b + max, -ENOSPC);
	/* All max blocks now sit free in CPU c's magazine. */
	memopt_pool_free(pool, max, b);
	memopt_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.blocks_total, max);
	KUNIT_EXPECT_EQ(test, st.blocks_used, 0);
	KUNIT_EXPECT_EQ(test, st.fail_pool_max, 1);

	memopt_test_pin(test, a);
	ret = memopt_pool_alloc(pool, max, b);
	KUNIT_EXPECT_EQ_MSG(test, ret, 0,
			    "free blocks in another CPU's magazine were not used at max");
	if (!ret) {
		memopt_test_alloc_fails(test, pool, 1, b + max, -ENOSPC);
		memopt_pool_free(pool, max, b);
	}
	memopt_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.blocks_total, max);
	KUNIT_EXPECT_EQ(test, st.blocks_used, 0);
	KUNIT_EXPECT_EQ(test, st.fail_pool_max, 2);
	KUNIT_EXPECT_EQ(test, st.fail_global_cap, 0);
	memopt_test_expect_held(test, pool, 1);
}

/* At the global cap allocations fail with -ENOMEM and nothing is kept. */
static void memopt_pool_test_global_cap(struct kunit *test)
{
	struct memopt_test_ctx *ctx = test->priv;
	const unsigned int headroom = 16;
	struct memopt_block **b = memopt_test_blocks(test, headroom + 1);
	struct memopt_pool_params p = { .block_size = PAGE_SIZE, .min = 1 };
	struct memopt_pool_err err = {};
	struct memopt_pool_stats st;
	struct memopt_pool *pool, *other;
	int ret;

	memopt_test_set_cap(test, memopt_pages_held() + headroom);

	/* The reserve fills the headroom exactly. */
	pool = memopt_test_pool(test, PAGE_SIZE, headroom, 0);
	KUNIT_EXPECT_EQ(test, memopt_pages_held(), ctx->pages_before + headroom);
	KUNIT_ASSERT_EQ(test, memopt_pool_alloc(pool, headroom, b), 0);

	memopt_test_alloc_fails(test, pool, 1, b + headroom, -ENOMEM);
	memopt_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.fail_global_cap, 1);
	KUNIT_EXPECT_EQ(test, st.fail_nomem, 0);
	KUNIT_EXPECT_EQ(test, st.fail_pool_max, 0);
	KUNIT_EXPECT_EQ(test, st.blocks_used, headroom);
	KUNIT_EXPECT_EQ(test, memopt_pages_held(), ctx->pages_before + headroom);

	/* A reserve beyond the cap refuses the pool, blaming min. */
	other = memopt_pool_create(&p, &err);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(other), -ENOMEM);
	if (!IS_ERR(other))
		memopt_test_pool_release(other);
	KUNIT_EXPECT_EQ(test, err.attr, MEMOPT_A_POOL_MIN);
	KUNIT_EXPECT_EQ(test, memopt_pages_held(), ctx->pages_before + headroom);

	/* Lifting the cap lets the pool grow again. */
	kunit_release_action(test, memopt_test_restore_cap, ctx);
	ret = memopt_pool_alloc(pool, 1, b + headroom);
	KUNIT_EXPECT_EQ(test, ret, 0);
	memopt_pool_free(pool, ret ? headroom : headroom + 1, b);
	memopt_test_expect_held(test, pool, 1);
}

/*
 * At the global cap, free blocks the pool already holds in another CPU's
 * magazine serve an allocation before it is refused: using them takes no
 * new memory.
 */
static void memopt_pool_test_global_cap_magazines(struct kunit *test)
{
	const unsigned int n = 16;
	struct memopt_block **b = memopt_test_blocks(test, n);
	struct memopt_pool_stats st;
	struct memopt_pool *pool;
	unsigned int a, c;
	int ret;

	memopt_test_two_cpus(test, &a, &c);
	memopt_test_set_cap(test, memopt_pages_held() + n);
	pool = memopt_test_pool(test, PAGE_SIZE, n, 0);

	memopt_test_pin(test, c);
	KUNIT_ASSERT_EQ(test, memopt_pool_alloc(pool, n, b), 0);
	memopt_pool_free(pool, n, b);

	memopt_test_pin(test, a);
	ret = memopt_pool_alloc(pool, n, b);
	KUNIT_EXPECT_EQ_MSG(test, ret, 0,
			    "free blocks in another CPU's magazine were not used at the global cap");
	if (!ret)
		memopt_pool_free(pool, n, b);
	memopt_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.fail_global_cap, 0);
	KUNIT_EXPECT_EQ(test, st.blocks_total, n);
}

/*
 * Stands in for memopt_alloc_chunk(): refuses every order above 0, and
 * hands out order-0 pages while ctx->chunk_budget lasts.
 */
static struct page *memopt_test_chunk_stub(unsigned int order)
{
	struct memopt_test_ctx *ctx = kunit_get_current_test()->priv;

	if (order) {
		ctx->chunks_refused++;
		return NULL;
	}
	if (!ctx->chunk_budget)
		return NULL;
	ctx->chunk_budget--;
	ctx->chunks_given++;
	return alloc_page(GFP_KERNEL | __GFP_ZERO);
}

/* Without higher orders a slab is built from order-0 chunks. */
static void memopt_pool_test_order_fallback(struct kunit *test)
{
	struct memopt_test_ctx *ctx = test->priv;
	const unsigned int ppb = 4;
	struct memopt_pool_stats st;
	struct memopt_pool *pool;
	struct memopt_block *b;

	ctx->chunk_budget = UINT_MAX;
	kunit_activate_static_stub(test, memopt_alloc_chunk, memopt_test_chunk_stub);
	pool = memopt_test_pool(test, ppb * PAGE_SIZE, 0, 0);

	KUNIT_ASSERT_EQ(test, memopt_pool_alloc(pool, 1, &b), 0);
	memopt_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.slabs, 1);
	KUNIT_EXPECT_EQ(test, st.order_fallbacks, 1);
	KUNIT_EXPECT_GT(test, ctx->chunks_refused, 0);
	KUNIT_EXPECT_EQ(test, (u64)ctx->chunks_given, st.blocks_total * ppb);
	KUNIT_EXPECT_EQ(test, st.fail_nomem, 0);
	memopt_test_expect_held(test, pool, ppb);
	KUNIT_EXPECT_TRUE(test, memopt_test_filled(b, ppb, 0));
	memopt_test_fill(b, ppb, 0x5a);
	memopt_pool_free(pool, 1, &b);
}

/* The page allocator failing halfway through a slab leaves nothing held. */
static void memopt_pool_test_page_alloc_failure(struct kunit *test)
{
	struct memopt_test_ctx *ctx = test->priv;
	struct memopt_pool_params p = { .block_size = PAGE_SIZE, .min = 1 };
	struct memopt_pool_err err = {};
	struct memopt_pool_stats st;
	struct memopt_pool *pool, *other;
	struct memopt_block *b;

	pool = memopt_test_pool(test, PAGE_SIZE, 0, 0);
	ctx->chunk_budget = 3;
	kunit_activate_static_stub(test, memopt_alloc_chunk, memopt_test_chunk_stub);

	memopt_test_alloc_fails(test, pool, 1, &b, -ENOMEM);
	KUNIT_EXPECT_EQ(test, ctx->chunks_given, 3);
	memopt_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.fail_nomem, 1);
	KUNIT_EXPECT_EQ(test, st.fail_global_cap, 0);
	KUNIT_EXPECT_EQ(test, st.allocs, 0);
	KUNIT_EXPECT_EQ(test, st.blocks_total, 0);
	KUNIT_EXPECT_EQ(test, st.slabs, 0);
	KUNIT_EXPECT_EQ(test, memopt_pages_held(), ctx->pages_before);

	other = memopt_pool_create(&p, &err);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(other), -ENOMEM);
	if (!IS_ERR(other))
		memopt_test_pool_release(other);
	KUNIT_EXPECT_EQ(test, err.attr, MEMOPT_A_POOL_MIN);
	KUNIT_EXPECT_EQ(test, memopt_pages_held(), ctx->pages_before);

	kunit_deactivate_static_stub(test, memopt_alloc_chunk);
	KUNIT_ASSERT_EQ(test, memopt_pool_alloc(pool, 1, &b), 0);
	memopt_pool_free(pool, 1, &b);
	memopt_test_expect_held(test, pool, 1);
}

/* Warm alloc/free pairs on one CPU never leave its magazine. */
static void memopt_pool_test_magazine_hits(struct kunit *test)
{
	const unsigned int rounds = 64;
	struct memopt_pool_stats st0, st;
	struct memopt_pool *pool;
	struct memopt_block *b;
	unsigned int i;

	memopt_test_pin(test, cpumask_first(cpu_online_mask));
	pool = memopt_test_pool(test, PAGE_SIZE, 0, 0);

	KUNIT_ASSERT_EQ(test, memopt_pool_alloc(pool, 1, &b), 0);
	memopt_pool_free(pool, 1, &b);
	memopt_pool_stats(pool, &st0);
	KUNIT_EXPECT_EQ(test, st0.mag_misses, 1);
	KUNIT_EXPECT_EQ(test, st0.mag_hits, 0);

	for (i = 0; i < rounds; i++) {
		KUNIT_ASSERT_EQ(test, memopt_pool_alloc(pool, 1, &b), 0);
		memopt_pool_free(pool, 1, &b);
	}
	memopt_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.mag_hits - st0.mag_hits, rounds);
	KUNIT_EXPECT_EQ(test, st.mag_misses, st0.mag_misses);
	KUNIT_EXPECT_EQ(test, st.allocs - st0.allocs, rounds);
	KUNIT_EXPECT_EQ(test, st.blocks_total, st0.blocks_total);
}

/* A drain moves magazine blocks back to their slab, which can then go. */
static void memopt_pool_test_drain(struct kunit *test)
{
	struct memopt_pool_stats st0, st;
	struct memopt_pool *pool;
	struct memopt_block **b;
	unsigned int slab;

	memopt_test_pin(test, cpumask_first(cpu_online_mask));
	pool = memopt_test_pool(test, PAGE_SIZE, 0, 0);
	/* Every block of the slab in use, then free: in this CPU's magazine. */
	slab = memopt_test_take_slabs(test, pool, 1, &b);
	memopt_pool_free(pool, slab, b);
	memopt_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.blocks_used, 0);
	KUNIT_EXPECT_EQ(test, st.blocks_cached, slab);

	memopt_pool_drain(pool);
	memopt_pool_stats(pool, &st0);
	KUNIT_EXPECT_EQ(test, st0.blocks_used, 0);
	KUNIT_EXPECT_EQ(test, st0.blocks_cached, slab);
	KUNIT_EXPECT_EQ(test, st0.blocks_total, slab);
	KUNIT_EXPECT_EQ(test, st0.slabs, 1);

	/* The magazine is empty: all of them come from the slab, no growth. */
	KUNIT_ASSERT_EQ(test, memopt_pool_alloc(pool, slab, b), 0);
	memopt_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.mag_hits, st0.mag_hits);
	KUNIT_EXPECT_EQ(test, st.mag_misses - st0.mag_misses, slab);
	KUNIT_EXPECT_EQ(test, st.blocks_total, slab);
	memopt_pool_free(pool, slab, b);

	memopt_pool_drain(pool);
	memopt_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.blocks_cached, slab);
	KUNIT_EXPECT_EQ(test, memopt_pool_shrink(pool, ULONG_MAX), slab);
	memopt_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.slabs, 0);
	KUNIT_EXPECT_EQ(test, st.blocks_total, 0);
	KUNIT_EXPECT_EQ(test, st.blocks_cached, 0);
	KUNIT_EXPECT_EQ(test, st.shrinker_blocks, slab);
	memopt_test_expect_held(test, pool, 1);
}

/* Above the reserve, a pool caches at most one free slab. */
static void memopt_pool_test_slab_release(struct kunit *test)
{
	struct memopt_test_ctx *ctx = test->priv;
	struct memopt_pool_stats st;
	struct memopt_pool *pool;
	struct memopt_block **b;
	unsigned int slab;

	memopt_test_pin(test, cpumask_first(cpu_online_mask));
	pool = memopt_test_pool(test, PAGE_SIZE, 0, 0);
	slab = memopt_test_take_slabs(test, pool, 3, &b);

	memopt_pool_free(pool, 3 * slab, b);
	memopt_pool_drain(pool);
	memopt_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.blocks_used, 0);
	KUNIT_EXPECT_LE(test, st.slabs, 1);
	KUNIT_EXPECT_EQ(test, st.blocks_total, st.slabs * slab);
	memopt_test_expect_held(test, pool, 1);

	memopt_pool_shrink(pool, ULONG_MAX);
	memopt_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.slabs, 0);
	KUNIT_EXPECT_EQ(test, st.blocks_total, 0);
	KUNIT_EXPECT_EQ(test, memopt_pages_held(), ctx->pages_before);
}

/* What the shrinker may take, from all pools: reserves excluded. */
static unsigned long memopt_test_shrink_count(void)
{
	struct shrink_control sc = { .gfp_mask = GFP_KERNEL };
	unsigned long count = memopt_shrink_count(NULL, &sc);

	return count == SHRINK_EMPTY ? 0 : count;
}

/* The shrinker counts cached blocks above the reserves and frees them. */
static void memopt_pool_test_shrinker(struct kunit *test)
{
	struct shrink_control sc = { .gfp_mask = GFP_KERNEL };
	struct reclaim_state rs = {}, *saved;
	unsigned long before, count, freed;
	struct memopt_pool *reserve, *pool;
	struct memopt_pool_stats st;
	struct memopt_block **b;
	unsigned int slab;

	before = memopt_test_shrink_count();
	memopt_test_pin(test, cpumask_first(cpu_online_mask));
	/* All free, but all reserve: nothing for the shrinker. */
	reserve = memopt_test_pool(test, PAGE_SIZE, 8, 0);
	KUNIT_EXPECT_EQ(test, memopt_test_shrink_count(), before);

	/* A whole slab used then freed: cached in the magazine. */
	pool = memopt_test_pool(test, PAGE_SIZE, 0, 0);
	slab = memopt_test_take_slabs(test, pool, 1, &b);
	memopt_pool_free(pool, slab, b);

	count = memopt_test_shrink_count();
	KUNIT_EXPECT_GT(test, count, 0);
	KUNIT_EXPECT_EQ(test, count, before + slab);

	sc.nr_to_scan = count;
	saved = current->reclaim_state;
	current->reclaim_state = &rs;
	freed = memopt_shrink_scan(NULL, &sc);
	current->reclaim_state = saved;
	KUNIT_EXPECT_NE(test, freed, SHRINK_STOP);
	KUNIT_EXPECT_GE(test, freed, slab);
	/* The reclaim sees them as progress (or kswapd gives up on memopt). */
	KUNIT_EXPECT_EQ(test, MEMOPT_RECLAIMED(&rs), freed);
	memopt_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.slabs, 0);
	KUNIT_EXPECT_EQ(test, st.blocks_total, 0);
	KUNIT_EXPECT_EQ(test, st.shrinker_blocks, slab);
	memopt_pool_stats(reserve, &st);
	KUNIT_EXPECT_EQ(test, st.blocks_total, 8);
	KUNIT_EXPECT_EQ(test, st.shrinker_blocks, 0);
	KUNIT_EXPECT_EQ(test, memopt_test_shrink_count(), before);
}

/* A destroyed pool refuses allocations but lives until its last block. */
static void memopt_pool_test_dying(struct kunit *test)
{
	struct memopt_test_ctx *ctx = test->priv;
	struct memopt_pool_params p = { .max = 10 };
	struct memopt_pool_err err = {};
	struct memopt_pool *pool, *found;
	struct memopt_block *b, *c;
	u32 id;

	pool = memopt_test_pool(test, PAGE_SIZE, 0, 0);
	id = memopt_pool_id(pool);
	found = memopt_pool_get_by_id(id);
	KUNIT_EXPECT_PTR_EQ(test, found, pool);
	if (found)
		memopt_pool_put(found);
	KUNIT_ASSERT_EQ(test, memopt_pool_alloc(pool, 1, &b), 0);

	memopt_pool_destroy(pool);
	found = memopt_pool_get_by_id(id);
	KUNIT_EXPECT_NULL(test, found);
	if (found)
		memopt_pool_put(found);
	memopt_test_alloc_fails(test, pool, 1, &c, -ENOENT);
	KUNIT_EXPECT_EQ(test, memopt_pool_set(pool, &p, BIT(MEMOPT_A_POOL_MAX), &err), -ENOENT);

	/* The block still works, and its pages are still held. */
	memopt_test_fill(b, 1, 0x3c);
	KUNIT_EXPECT_TRUE(test, memopt_test_filled(b, 1, 0x3c));
	KUNIT_EXPECT_GT(test, memopt_pages_held(), ctx->pages_before);
	memopt_pool_free(pool, 1, &b);

	/* The last reference: destroy again is a no-op, the put frees. */
	kunit_release_action(test, memopt_test_pool_release, pool);
	KUNIT_EXPECT_EQ(test, memopt_pages_held(), ctx->pages_before);
}

/**
 * struct memopt_test_worker - one thread of the concurrency case
 * @pool: the shared pool
 * @task: the thread, with a reference for kthread_stop_put()
 * @done: completed when the thread has freed everything it held
 * @id: worker number, part of the marks it writes
 * @seq: marks written so far
 * @nospc: allocations refused at the pool's max
 * @bad: blocks that were not zero-filled when allocated, or whose mark
 *	changed while held
 * @error: the first unexpected allocation error
 * @nr_held: blocks in @held
 * @held: blocks held, most recent last
 * @marks: the mark written into the first word of each held block
 */
struct memopt_test_worker {
	struct memopt_pool *pool;
	struct task_struct *task;
	struct completion done;
	unsigned int id;
	unsigned int seq;
	unsigned int nospc;
	unsigned int bad;
	int error;
	unsigned int nr_held;
	struct memopt_block *held[MEMOPT_TEST_HELD];
	u32 marks[MEMOPT_TEST_HELD];
};

/* Write @mark into the first word of @b; return what was there. */
static u32 memopt_test_swap_mark(struct memopt_block *b, u32 mark)
{
	u32 *addr = kmap_local_page(b->pages[0]);
	u32 old = *addr;

	*addr = mark;
	kunmap_local(addr);
	return old;
}

static void memopt_test_worker_alloc(struct memopt_test_worker *w, unsigned int k)
{
	unsigned int i, at = w->nr_held;
	int ret;

	ret = memopt_pool_alloc(w->pool, k, &w->held[at]);
	if (ret == -ENOSPC) {
		w->nospc++;
		return;
	}
	if (ret) {
		w->error = ret;
		return;
	}
	for (i = at; i < at + k; i++) {
		w->marks[i] = (w->id + 1) << 24 | (++w->seq & 0xffffff);
		/* Zero-filled, and nobody else's: no other mark in it. */
		if (memopt_test_swap_mark(w->held[i], w->marks[i]))
			w->bad++;
	}
	w->nr_held += k;
}

static void memopt_test_worker_free(struct memopt_test_worker *w, unsigned int k)
{
	unsigned int i;

	w->nr_held -= k;
	for (i = w->nr_held; i < w->nr_held + k; i++)
		if (memopt_test_swap_mark(w->held[i], w->marks[i]) != w->marks[i])
			w->bad++;
	memopt_pool_free(w->pool, k, &w->held[w->nr_held]);
}

static int memopt_test_worker_fn(void *data)
{
	struct memopt_test_worker *w = data;
	unsigned int i, most;
	bool room;

	for (i = 0; i < MEMOPT_TEST_ITERATIONS && !w->error; i++) {
		room = w->nr_held + MEMOPT_TEST_CHUNK_MAX <= MEMOPT_TEST_HELD;
		if (!w->nr_held || (room && get_random_u32_below(2))) {
			most = MEMOPT_TEST_CHUNK_MAX;
			memopt_test_worker_alloc(w, 1 + get_random_u32_below(most));
		} else {
			most = min(w->nr_held, MEMOPT_TEST_CHUNK_MAX);
			memopt_test_worker_free(w, 1 + get_random_u32_below(most));
		}
	}
	memopt_test_worker_free(w, w->nr_held);
	complete(&w->done);
	return 0;
}

/* Threads on both CPUs share one pool; the books balance afterwards. */
static void memopt_pool_test_concurrency(struct kunit *test)
{
	unsigned int i, cpu, nospc, nr_cpus = num_online_cpus();
	struct memopt_test_worker *w;
	struct memopt_pool_stats st;
	struct memopt_pool *pool;
	struct task_struct *task;

	pool = memopt_test_pool(test, PAGE_SIZE, 0, MEMOPT_TEST_SHARED_MAX);
	w = kunit_kcalloc(test, MEMOPT_TEST_WORKERS, sizeof(*w), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w);

	for (i = 0; i < MEMOPT_TEST_WORKERS; i++) {
		w[i].pool = pool;
		w[i].id = i;
		init_completion(&w[i].done);
		task = kthread_create(memopt_test_worker_fn, &w[i], "memopt_test/%u", i);
		if (IS_ERR(task)) {
			/* Never woken: stopping them skips their function. */
			while (i--)
				kthread_stop_put(w[i].task);
			KUNIT_FAIL(test, "kthread_create: %pe", task);
			return;
		}
		get_task_struct(task);
		cpu = cpumask_nth(i % nr_cpus, cpu_online_mask);
		kthread_bind(task, cpu);
		w[i].task = task;
	}
	for (i = 0; i < MEMOPT_TEST_WORKERS; i++)
		wake_up_process(w[i].task);
	for (i = 0; i < MEMOPT_TEST_WORKERS; i++) {
		/* Waking up now and then: slow is not hung (TCG, shared CPUs). */
		while (!wait_for_completion_timeout(&w[i].done, HZ))
			;
		kthread_stop_put(w[i].task);
	}

	for (i = 0, nospc = 0; i < MEMOPT_TEST_WORKERS; i++) {
		nospc += w[i].nospc;
		KUNIT_EXPECT_EQ_MSG(test, w[i].error, 0, "worker %u", i);
		KUNIT_EXPECT_EQ_MSG(test, w[i].bad, 0,
				    "worker %u: blocks shared or not zero-filled", i);
		KUNIT_EXPECT_EQ(test, w[i].nr_held, 0);
	}
	memopt_pool_stats(pool, &st);
	kunit_info(test, "%llu blocks allocated, %u allocations refused at max\n",
		   st.allocs, nospc);
	KUNIT_EXPECT_GT(test, st.allocs, 0);
	KUNIT_EXPECT_EQ(test, st.allocs, st.frees);
	KUNIT_EXPECT_EQ(test, st.blocks_used, 0);
	KUNIT_EXPECT_EQ(test, st.blocks_total, st.blocks_cached);
	KUNIT_EXPECT_LE(test, st.blocks_total, MEMOPT_TEST_SHARED_MAX);
	KUNIT_EXPECT_EQ(test, st.fail_global_cap, 0);
	KUNIT_EXPECT_EQ(test, st.fail_nomem, 0);
	memopt_test_expect_held(test, pool, 1);
}

static struct kunit_case memopt_pool_test_cases[] = {
	KUNIT_CASE(memopt_pool_test_alloc_free),
	KUNIT_CASE(memopt_pool_test_all_or_nothing),
	KUNIT_CASE(memopt_pool_test_failed_alloc_counters),
	KUNIT_CASE(memopt_pool_test_zero_filled),
	KUNIT_CASE(memopt_pool_test_reserve_kept),
	KUNIT_CASE(memopt_pool_test_max_enforced),
	KUNIT_CASE(memopt_pool_test_global_cap),
	KUNIT_CASE(memopt_pool_test_global_cap_magazines),
	KUNIT_CASE(memopt_pool_test_order_fallback),
	KUNIT_CASE(memopt_pool_test_page_alloc_failure),
	KUNIT_CASE(memopt_pool_test_magazine_hits),
	KUNIT_CASE(memopt_pool_test_drain),
	KUNIT_CASE(memopt_pool_test_slab_release),
	KUNIT_CASE(memopt_pool_test_shrinker),
	KUNIT_CASE(memopt_pool_test_dying),
	KUNIT_CASE_SLOW(memopt_pool_test_concurrency),
	{}
};

static struct kunit_suite memopt_pool_test_suite = {
	.name = "memopt_pool",
	.init = memopt_pool_test_init,
	.test_cases = memopt_pool_test_cases,
};

kunit_test_suite(memopt_pool_test_suite);
