/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MEMOPT_NETLINK_H
#define _MEMOPT_NETLINK_H

#include <net/genetlink.h>

int memopt_netlink_init(void);
void memopt_netlink_exit(void);

#if IS_ENABLED(CONFIG_KUNIT)
extern struct genl_family memopt_genl_family;
#endif

#endif /* _MEMOPT_NETLINK_H */
