/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MEMOPT_CHARDEV_H
#define _MEMOPT_CHARDEV_H

#include <linux/miscdevice.h>

int memopt_chardev_init(void);
void memopt_chardev_exit(void);

#if IS_ENABLED(CONFIG_KUNIT)
extern struct miscdevice memopt_misc;
#endif

#endif /* _MEMOPT_CHARDEV_H */
