// SPDX-License-Identifier: GPL-2.0
/*
 * The "memopt" generic netlink family: memopt's control plane.
 *
 * The family carries the multicast group "monitor" for events. Operations
 * are added with the objects they control; the family is strict (no
 * legacy validation) from its first version.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <net/genetlink.h>
#include <kunit/visibility.h>
#include <linux/memopt.h>

#include "netlink.h"

static const struct genl_multicast_group memopt_mcgrps[] = {
	{ .name = MEMOPT_MCGRP_MONITOR },
};

VISIBLE_IF_KUNIT struct genl_family memopt_genl_family __ro_after_init = {
	.name		= MEMOPT_GENL_NAME,
	.version	= MEMOPT_GENL_VERSION,
	.module		= THIS_MODULE,
	.mcgrps		= memopt_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(memopt_mcgrps),
};
EXPORT_SYMBOL_IF_KUNIT(memopt_genl_family);

/**
 * memopt_netlink_init() - register the memopt generic netlink family
 *
 * Context: Process context, module init.
 * Return: 0 on success, a negative errno from genl_register_family().
 */
int __init memopt_netlink_init(void)
{
	return genl_register_family(&memopt_genl_family);
}

/**
 * memopt_netlink_exit() - unregister the memopt generic netlink family
 *
 * Context: Process context, module exit.
 */
void memopt_netlink_exit(void)
{
	genl_unregister_family(&memopt_genl_family);
}
