// SPDX-License-Identifier: GPL-2.0
/*
 * Deliberately bad kernel code: scripts/check.sh runs every static check on
 * this file and requires each one to fail, so a check that stopped
 * detecting anything (a wrong path, a swallowed exit status) fails the run.
 * Each violation below is meant for exactly one check.
 */
#include <linux/module.h>
#include <linux/uaccess.h>

/**
 * bad_sum() - kernel-doc: @b is not described
 * @a: first operand
 *
 * Return: the sum.
 */
int bad_sum(int a, int b)		/* W=1: no previous prototype */
{
	return a + b;
}

static int bad_peek(int __user *p)
{
	return *p;			/* sparse: dereference of a __user pointer */
}

static int __init bad_init(void)
{
        return bad_peek(NULL);		/* checkpatch: spaces, not a tab */
}
module_init(bad_init);

MODULE_LICENSE("GPL");
