/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by memopt's KUnit suites. */
#ifndef _MEMOPT_TEST_UTIL_H
#define _MEMOPT_TEST_UTIL_H

#include <linux/types.h>

struct kunit;
struct memopt_pool;

struct memopt_pool *memopt_test_pool(struct kunit *test, u32 block_size, u32 min, u32 max);
void memopt_test_pool_release(void *data);
void memopt_test_pin(struct kunit *test, unsigned int cpu);

#endif /* _MEMOPT_TEST_UTIL_H */
