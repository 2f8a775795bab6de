/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal raw generic netlink for the selftests: no libnl, so that the
 * tests see exactly what the kernel sends (errors, extack messages).
 */
#ifndef _MEMOPT_SELFTEST_GENL_H
#define _MEMOPT_SELFTEST_GENL_H

#include <stdint.h>

struct genl_family_info {
	uint16_t id;
	uint32_t version;
	uint32_t monitor_grp;	/* 0 when the family has no "monitor" group */
};

int genl_open(void);
/* Resolve @name; returns 0, or a negative errno (-ENOENT: not registered). */
int genl_resolve(int fd, const char *name, struct genl_family_info *info);

#endif
