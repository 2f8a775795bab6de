/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MEMOPT_CHARDEV_H
#define _MEMOPT_CHARDEV_H

#include <linux/miscdevice.h>
#include <linux/pid.h>
#include <linux/xarray.h>

struct memopt_buf;

/* The xarray mark of read-only handles (MEMOPT_HANDLE_RDONLY). */
#define MEMOPT_HANDLE_RO_MARK	XA_MARK_1

/**
 * struct memopt_session - one open() of /dev/memopt
 * @handles: handle -> struct memopt_buf, one buffer reference per handle;
 *	its xa_lock makes a lookup and the reference it takes atomic against
 *	MEMOPT_IOC_FREE; a handle marked MEMOPT_HANDLE_RO_MARK is read-only
 * @owner: the process that opened the session (a reference): the ledger
 *	counts the session's handles as that process's
 */
struct memopt_session {
	struct xarray handles;
	struct pid *owner;
};

struct memopt_buf *memopt_session_buf(struct memopt_session *s, u32 handle, bool *rdonly);

int memopt_chardev_init(void);
void memopt_chardev_exit(void);

#if IS_ENABLED(CONFIG_KUNIT)
extern struct miscdevice memopt_misc;
#endif

#endif /* _MEMOPT_CHARDEV_H */
