/* SPDX-License-Identifier: GPL-2.0 */
/* memopt buffers: refcounted runs of pool blocks. See buffer.c. */
#ifndef _MEMOPT_BUFFER_H
#define _MEMOPT_BUFFER_H

#include <linux/bits.h>
#include <linux/kref.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/memopt.h>

#include "ledger.h"

struct memopt_pool;
struct memopt_block;
struct memopt_proc;
struct pid;
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
 * @requested: bytes asked for at allocation
 * @proc: the ledger's entry for the owner in this pool; NULL when the buffer
 *	is not in the ledger (allocated with accounting off)
 * @ledger_node: on the ledger's list of buffers, in id order
 * @proc_node: on @proc's list of buffers, oldest first
 * @created_ns: ktime_get_ns() at allocation
 * @suspect: MEMOPT_LEAK_* reasons already reported (ledger lock)
 * @lock: protects @label, @holders and @lost_maps
 * @label: a name for reports, "" for none
 * @holders: struct memopt_holder of every process and kind holding it
 *	(kept for buffers in the ledger only)
 * @lost_maps: mappings whose holder record could not be allocated
 * @inline_holders: holder records used before any is allocated (a buffer
 *	is usually held by one handle and one mapping); free when @count is 0
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
	u64 requested;
	struct memopt_proc *proc;
	struct list_head ledger_node;
	struct list_head proc_node;
	u64 created_ns;
	u32 suspect;
	spinlock_t lock;		/* protects label, holders, lost_maps */
	char label[MEMOPT_LABEL_SIZE];
	struct list_head holders;
	unsigned int lost_maps;
	struct memopt_holder inline_holders[MEMOPT_INLINE_HOLDERS];
	struct memopt_block *blocks[];
};

/* Buffers are at most 1 TiB: mmap offsets give each handle that much. */
#define MEMOPT_BUF_SHIFT	40
#define MEMOPT_BUF_MAX		BIT_ULL(MEMOPT_BUF_SHIFT)

struct memopt_buf *memopt_buf_alloc(struct memopt_pool *pool, u64 size, struct pid *handle_owner);
u64 memopt_buf_next_id(void);
void memopt_buf_get(struct memopt_buf *buf);
void memopt_buf_put(struct memopt_buf *buf);
void memopt_buf_put_holder(struct memopt_buf *buf, int kind, struct pid *pid,
			   struct mm_struct *mm);
int memopt_buf_set_label(struct memopt_buf *buf, const char *label);
void memopt_buf_label(struct memopt_buf *buf, char *label);

#endif /* _MEMOPT_BUFFER_H */
