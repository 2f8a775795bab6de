/* SPDX-License-Identifier: GPL-2.0 */
/* memopt buffers: refcounted runs of pool blocks. See buffer.c. */
#ifndef _MEMOPT_BUFFER_H
#define _MEMOPT_BUFFER_H

#include <linux/bits.h>
#include <linux/kref.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/memopt.h>

struct memopt_pool;
struct memopt_block;
struct page;

/**
 * struct memopt_buf - a buffer: whole blocks of one pool, refcounted
 * @ref: holders: each session handle (dropped by MEMOPT_IOC_FREE or the
 *	session's release), each mapping of /dev/memopt or of a dma-buf
 *	(vm_ops open/close), each exported dma-buf (dropped at its release),
 *	each kernel user of memopt_buf_get(); the buffer returns to its pool
 *	with the last
 * @id: unique, never reused; the same in every session
 * @pool: the pool the blocks come from, a reference held until release
 * @size: bytes (whole blocks)
 * @nr_blocks: blocks in @blocks
 * @nr_pages: pages in @pages
 * @pages: every page of every block, in order (for mapping)
 * @lock: protects @label
 * @label: a name for reports, "" for none
 * @blocks: the blocks
 */
struct memopt_buf {
	struct kref ref;
	u64 id;
	struct memopt_pool *pool;
	u64 size;
	unsigned int nr_blocks;
	unsigned int nr_pages;
	struct page **pages;
	spinlock_t lock;		/* protects label */
	char label[MEMOPT_LABEL_SIZE];
	struct memopt_block *blocks[];
};

/* Buffers are at most 1 TiB: mmap offsets give each handle that much. */
#define MEMOPT_BUF_SHIFT	40
#define MEMOPT_BUF_MAX		BIT_ULL(MEMOPT_BUF_SHIFT)

struct memopt_buf *memopt_buf_alloc(struct memopt_pool *pool, u64 size);
void memopt_buf_get(struct memopt_buf *buf);
void memopt_buf_put(struct memopt_buf *buf);
int memopt_buf_set_label(struct memopt_buf *buf, const char *label);
void memopt_buf_label(struct memopt_buf *buf, char *label);

#endif /* _MEMOPT_BUFFER_H */
