// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only module for the VM runner's own test: loaded with warn=1 it
 * raises a kernel WARNING, which must make the VM run fail.
 */
#include <linux/bug.h>
#include <linux/module.h>

static bool warn;
module_param(warn, bool, 0444);
MODULE_PARM_DESC(warn, "raise a WARNING at load time");

static int __init memopt_warn_init(void)
{
	WARN(warn, "memopt_warn: deliberate warning requested by the runner test\n");
	return 0;
}

static void __exit memopt_warn_exit(void)
{
}

module_init(memopt_warn_init);
module_exit(memopt_warn_exit);

MODULE_DESCRIPTION("memopt VM runner self-test: WARN on request");
MODULE_LICENSE("GPL");
