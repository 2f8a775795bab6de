// SPDX-License-Identifier: GPL-2.0
/*
 * memopt: pooled, zero-copy, refcounted memory buffers.
 *
 * Module entry points. Subsystems start in dependency order (pools, the
 * netlink family that controls them, the leak ledger's detectors that
 * report through it, then the device that hands out their blocks) and stop
 * in exactly the reverse order; each failure unwinds what already started.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sizes.h>

#include "chardev.h"
#include "ledger.h"
#include "netlink.h"
#include "pool.h"

static unsigned long max_memory_mb;
module_param(max_memory_mb, ulong, 0444);
MODULE_PARM_DESC(max_memory_mb,
		 "Global cap on memory held by all pools, in MiB (default 0: half of RAM)");

static unsigned long memopt_cap_pages(void)
{
	unsigned long half = totalram_pages() / 2;

	if (!max_memory_mb || max_memory_mb > (ULONG_MAX >> 20))
		return half;
	return max_memory_mb << (20 - PAGE_SHIFT);
}

static int __init memopt_init(void)
{
	int ret;

	ret = memopt_pools_init(memopt_cap_pages());
	if (ret)
		goto err_pools;
	ret = memopt_netlink_init();
	if (ret)
		goto err_netlink;
	ret = memopt_ledger_init();
	if (ret)
		goto err_ledger;
	ret = memopt_chardev_init();
	if (ret)
		goto err_chardev;

	pr_info("loaded, pools may hold %lu MiB\n", memopt_cap_pages() >> (20 - PAGE_SHIFT));
	return 0;

err_chardev:
	memopt_ledger_exit();
err_ledger:
	memopt_netlink_exit();
err_netlink:
	memopt_pools_exit();
err_pools:
	pr_err("initialisation failed: %d\n", ret);
	return ret;
}

static void __exit memopt_exit(void)
{
	memopt_chardev_exit();
	memopt_ledger_exit();
	memopt_netlink_exit();
	memopt_pools_exit();
	pr_info("unloaded\n");
}

module_init(memopt_init);
module_exit(memopt_exit);

MODULE_AUTHOR("The memopt authors");
MODULE_DESCRIPTION("Pooled, zero-copy, refcounted memory buffers");
MODULE_LICENSE("GPL");
