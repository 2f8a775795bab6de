// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/memopt: the misc device through which applications reach memopt.
 *
 * Every open() of the device is a session. No command is defined yet, so
 * every ioctl fails with -ENOTTY, as an unknown command must.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <kunit/visibility.h>
#include <linux/memopt.h>

#include "chardev.h"

static long memopt_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	return -ENOTTY;
}

static const struct file_operations memopt_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= memopt_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

VISIBLE_IF_KUNIT struct miscdevice memopt_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= MEMOPT_DEVICE_NAME,
	.fops	= &memopt_fops,
	.mode	= 0666,
};
EXPORT_SYMBOL_IF_KUNIT(memopt_misc);

/**
 * memopt_chardev_init() - register the /dev/memopt misc device
 *
 * Context: Process context, module init.
 * Return: 0 on success, a negative errno from misc_register() otherwise.
 */
int memopt_chardev_init(void)
{
	return misc_register(&memopt_misc);
}

/**
 * memopt_chardev_exit() - unregister the /dev/memopt misc device
 *
 * Context: Process context, module exit.
 */
void memopt_chardev_exit(void)
{
	misc_deregister(&memopt_misc);
}
