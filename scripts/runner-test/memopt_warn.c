// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only module for the VM runner's own test: loaded with warn=1 it
 * raises a kernel WARNING, with leak=1 it leaks an allocation for kmemleak
 * to find. Either must make the VM run fail.
 */
#include <linux/bug.h>
#include <linux/module.h>
#include <linux/slab.h>

static bool warn;
module_param(warn, bool, 0444);
MODULE_PARM_DESC(warn, "raise a WARNING at load time");

static bool leak;
module_param(leak, bool, 0444);
MODULE_PARM_DESC(leak, "leak 1 KiB at load time");

static int __init memopt_warn_init(void)
{
	void *p;

	WARN(warn, "memopt_warn: deliberate warning requested by the runner test\n");
	if (leak) {
		p = kmalloc(1024, GFP_KERNEL);
		/* Forget it: the only reference dies with this stack frame. */
		pr_info("memopt_warn: leaking %p on request\n", p);
	}
	return 0;
}

static void __exit memopt_warn_exit(void)
{
}

module_init(memopt_warn_init);
module_exit(memopt_warn_exit);

MODULE_DESCRIPTION("memopt VM runner self-test: WARN on request");
MODULE_LICENSE("GPL");
