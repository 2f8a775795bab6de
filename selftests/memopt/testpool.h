/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pool a buffer selftest runs on, created and destroyed over netlink,
 * and a few /dev/memopt helpers shared by buffer_test and dmabuf_test.
 */
#ifndef _MEMOPT_TESTPOOL_H
#define _MEMOPT_TESTPOOL_H

#include <stddef.h>
#include <stdint.h>
#include <linux/memopt.h>

#include "genl.h"

#define DEV "/dev/" MEMOPT_DEVICE_NAME

/* The last netlink reply (its extack message explains failures). */
extern struct genl_reply testpool_rep;

uint32_t testpool_create(int nl, uint16_t family, const char *name, uint32_t block_size,
			 uint32_t max, uint32_t mode);
long testpool_used(int nl, uint16_t family, uint32_t id);
int testpool_set_mode(int nl, uint16_t family, uint32_t id, uint32_t mode);
int testpool_destroy(int nl, uint16_t family, uint32_t id);

int testpool_open(int *fd, int *nl, uint16_t *family);
int testpool_close(int fd, int nl, uint16_t family, uint32_t pool);
/* Teardown under MEMOPT_MAKE_IT_FAIL: no more injection (see testpool.c). */
void testpool_stop_failing(void);

int memopt_do_alloc(int fd, uint32_t pool, uint64_t size, struct memopt_alloc *a);
int memopt_do_free(int fd, uint32_t handle);
void *memopt_map(int fd, const struct memopt_alloc *a, size_t off, size_t len, int prot);

#endif /* _MEMOPT_TESTPOOL_H */
