// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by memopt's KUnit suites. */
#include <kunit/test.h>
#include <linux/cpumask.h>
#include <linux/sched.h>

#include "pool.h"
#include "util.h"

/**
 * memopt_test_pool_release() - drop both references memopt_pool_create() gave
 * @data: the pool
 *
 * The deferred action of memopt_test_pool(); a case may release it early
 * with kunit_release_action().
 *
 * Context: Process context.
 */
void memopt_test_pool_release(void *data)
{
	struct memopt_pool *pool = data;

	memopt_pool_destroy(pool);
	memopt_pool_put(pool);
}

/**
 * memopt_test_pool() - a new unnamed pool for one KUnit case
 * @test: the case; the pool is destroyed and put when it ends
 * @block_size: the pool's block size
 * @min: its reserve in blocks
 * @max: its max in blocks, 0 for the global cap only
 *
 * Context: Process context. Aborts the case when the pool cannot be made.
 * Return: the pool.
 */
struct memopt_pool *memopt_test_pool(struct kunit *test, u32 block_size, u32 min, u32 max)
{
	struct memopt_pool_params p = {
		.block_size = block_size,
		.min = min,
		.max = max,
	};
	struct memopt_pool_err err = {};
	struct memopt_pool *pool;

	pool = memopt_pool_create(&p, &err);
	KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(test, pool, "pool create: %s", err.msg);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, memopt_test_pool_release, pool), 0);
	return pool;
}

/**
 * memopt_test_pin() - run the rest of a case on one CPU
 * @test: the case
 * @cpu: the CPU, whose magazine every allocation and free then uses
 *
 * Each case runs in a kthread of its own: nothing to restore.
 *
 * Context: Process context. Aborts the case when the thread cannot move.
 */
void memopt_test_pin(struct kunit *test, unsigned int cpu)
{
	KUNIT_ASSERT_EQ(test, set_cpus_allowed_ptr(current, cpumask_of(cpu)), 0);
	KUNIT_ASSERT_EQ(test, raw_smp_processor_id(), cpu);
}
