// SPDX-License-Identifier: GPL-2.0
/*
 * memopt: pooled, zero-copy, refcounted memory buffers.
 *
 * Module entry points. Subsystems start in dependency order and stop in
 * exactly the reverse order; each failure unwinds what already started.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "chardev.h"
#include "netlink.h"

static int __init memopt_init(void)
{
	int ret;

	ret = memopt_netlink_init();
	if (ret)
		goto err_netlink;
	ret = memopt_chardev_init();
	if (ret)
		goto err_chardev;

	pr_info("loaded\n");
	return 0;

err_chardev:
	memopt_netlink_exit();
err_netlink:
	pr_err("initialisation failed: %d\n", ret);
	return ret;
}

static void __exit memopt_exit(void)
{
	memopt_chardev_exit();
	memopt_netlink_exit();
	pr_info("unloaded\n");
}

module_init(memopt_init);
module_exit(memopt_exit);

MODULE_AUTHOR("The memopt authors");
MODULE_DESCRIPTION("Pooled, zero-copy, refcounted memory buffers");
MODULE_LICENSE("GPL");
