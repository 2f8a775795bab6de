// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit smoke suite: memopt.ko is loaded and its two user-facing entry
 * points, the misc device and the generic netlink family, are registered.
 */
#include <kunit/test.h>
#include <linux/miscdevice.h>
#include <net/genetlink.h>
#include <linux/memopt.h>

#include "chardev.h"
#include "netlink.h"

static void memopt_smoke_misc_registered(struct kunit *test)
{
	KUNIT_EXPECT_NE(test, memopt_misc.minor, MISC_DYNAMIC_MINOR);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, memopt_misc.this_device);
	KUNIT_EXPECT_STREQ(test, memopt_misc.name, MEMOPT_DEVICE_NAME);
}

static void memopt_smoke_family_registered(struct kunit *test)
{
	KUNIT_EXPECT_GE(test, memopt_genl_family.id, GENL_MIN_ID);
	KUNIT_EXPECT_STREQ(test, memopt_genl_family.name, MEMOPT_GENL_NAME);
	KUNIT_EXPECT_EQ(test, memopt_genl_family.n_mcgrps, 1);
}

static struct kunit_case memopt_smoke_cases[] = {
	KUNIT_CASE(memopt_smoke_misc_registered),
	KUNIT_CASE(memopt_smoke_family_registered),
	{}
};

static struct kunit_suite memopt_smoke_suite = {
	.name = "memopt_smoke",
	.test_cases = memopt_smoke_cases,
};

kunit_test_suite(memopt_smoke_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit smoke tests for memopt");
MODULE_LICENSE("GPL");
