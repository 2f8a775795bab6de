// SPDX-License-Identifier: GPL-2.0
/*
 * memopt buffers.
 *
 * A buffer is one or more whole blocks of one pool, refcounted (every
 * holder is listed in struct memopt_buf). It goes back to its pool when the
 * last holder drops it; the pool clears the blocks then, so a buffer always
 * starts out zero-filled and never shows another owner's contents.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/ctype.h>
#include <linux/err.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "buffer.h"
#include "ledger.h"
#include "pool.h"

/* Buffer ids, never reused: shared with the ledger (memopt_buf_next_id()). */
static atomic64_t memopt_buf_ids = ATOMIC64_INIT(0);

/**
 * memopt_buf_next_id() - a new buffer id
 *
 * Context: Any context.
 * Return: an id no buffer had before.
 */
u64 memopt_buf_next_id(void)
{
	return atomic64_inc_return(&memopt_buf_ids);
}

/* How many blocks @size needs, or 0 if no pool state could ever give them. */
static unsigned int memopt_buf_blocks(const struct memopt_pool_params *p, u64 size)
{
	u64 n;

	if (!size || size > MEMOPT_BUF_MAX)
		return 0;
	n = div64_u64(size + p->block_size - 1, p->block_size);
	if (p->max && n > p->max)
		return 0;
	if (n * (p->block_size >> PAGE_SHIFT) > memopt_pools_cap_pages())
		return 0;
	return n;
}

/**
 * memopt_buf_alloc() - allocate a zero-filled buffer of at least @size bytes
 * @pool: the pool, a reference held by the caller (the buffer takes its own)
 * @size: bytes wanted; rounded up to whole blocks
 * @handle_owner: the opener of the session whose new handle will hold the
 *	returned reference, counted among the buffer's holders at once; NULL
 *	for a kernel user
 *
 * Context: Process context, may sleep.
 * Return: the buffer with one reference for the caller, or an ERR_PTR:
 * -EINVAL when @size is 0 or more than the pool could ever hold, -ENOENT
 * when the pool was destroyed, -ENOSPC at its max, -ENOMEM.
 */
struct memopt_buf *memopt_buf_alloc(struct memopt_pool *pool, u64 size, struct pid *handle_owner)
{
	struct memopt_pool_params p;
	struct memopt_buf *buf;
	unsigned int n, ppb, i, j;
	int ret;

	memopt_pool_params(pool, &p);
	n = memopt_buf_blocks(&p, size);
	if (!n)
		return ERR_PTR(-EINVAL);
	ppb = p.block_size >> PAGE_SHIFT;
	/* Sizes come from user space: a failure is an errno, not a warning. */
	buf = kvzalloc(struct_size(buf, blocks, n), GFP_KERNEL | __GFP_NOWARN);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	buf->pages = kvmalloc_array((size_t)n * ppb, sizeof(*buf->pages),
				    GFP_KERNEL | __GFP_NOWARN);
	ret = buf->pages ? memopt_pool_alloc(pool, n, buf->blocks) : -ENOMEM;
	if (ret) {
		kvfree(buf->pages);
		kvfree(buf);
		return ERR_PTR(ret);
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < ppb; j++)
			buf->pages[i * ppb + j] = buf->blocks[i]->pages[j];
	kref_init(&buf->ref);
	spin_lock_init(&buf->lock);
	INIT_LIST_HEAD(&buf->holders);
	buf->nr_blocks = n;
	buf->nr_pages = n * ppb;
	buf->size = (u64)n * p.block_size;
	buf->requested = size;
	buf->pool = pool;
	/* The ledger numbers the buffers it keeps, in order; others get one here. */
	ret = memopt_ledger_add(buf, handle_owner);
	if (ret < 0) {
		memopt_pool_free(pool, n, buf->blocks);
		kvfree(buf->pages);
		kvfree(buf);
		return ERR_PTR(ret);
	}
	if (!ret)
		buf->id = memopt_buf_next_id();
	memopt_pool_get(pool);
	memopt_pool_account(pool, n, size);
	return buf;
}
EXPORT_SYMBOL_IF_KUNIT(memopt_buf_alloc);

/**
 * memopt_buf_get() - take a reference to a buffer
 * @buf: the buffer, which the caller already holds
 *
 * Context: Any context.
 */
void memopt_buf_get(struct memopt_buf *buf)
{
	kref_get(&buf->ref);
}
EXPORT_SYMBOL_IF_KUNIT(memopt_buf_get);

/* Give a buffer out of the ledger, with no reference left, back to its pool. */
static void memopt_buf_free(struct memopt_buf *buf)
{
	memopt_pool_account(buf->pool, -(long)buf->nr_blocks, -(s64)buf->requested);
	memopt_pool_free(buf->pool, buf->nr_blocks, buf->blocks);
	memopt_pool_put(buf->pool);
	kvfree(buf->pages);
	kvfree(buf);
}

static void memopt_buf_release(struct kref *ref)
{
	struct memopt_buf *buf = container_of(ref, struct memopt_buf, ref);

	memopt_ledger_del(buf);
	memopt_buf_free(buf);
}

/**
 * memopt_buf_put() - drop a reference; the last one frees the buffer
 * @buf: the buffer
 *
 * Context: Process context, may sleep (the blocks are cleared).
 */
void memopt_buf_put(struct memopt_buf *buf)
{
	kref_put(&buf->ref, memopt_buf_release);
}
EXPORT_SYMBOL_IF_KUNIT(memopt_buf_put);

/**
 * memopt_buf_put_holder() - uncount a holder and drop its reference
 * @buf: the buffer
 * @kind: the kind of holder (&enum memopt_holder_kind) the reference was for
 * @pid: as given to memopt_holder_get() (ignored for mappings)
 * @mm: as given to memopt_holder_get()
 *
 * memopt_holder_put() and memopt_buf_put() in one; when this is the last
 * holder, in one critical section (memopt_ledger_put_last()).
 *
 * Context: Process context, may sleep (the blocks are cleared).
 */
void memopt_buf_put_holder(struct memopt_buf *buf, int kind, struct pid *pid,
			   struct mm_struct *mm)
{
	/* Others holding it (a racy look, checked again under the lock): no try. */
	if (buf->proc && kref_read(&buf->ref) == 1 &&
	    memopt_ledger_put_last(buf, kind, pid, mm)) {
		memopt_buf_free(buf);
		return;
	}
	memopt_holder_put(buf, kind, pid, mm);
	memopt_buf_put(buf);
}

/**
 * memopt_buf_set_label() - name a buffer for reports
 * @buf: the buffer
 * @label: up to MEMOPT_LABEL_SIZE - 1 printable ASCII characters; "" clears
 *
 * Context: Any context.
 * Return: 0, or -EINVAL for an unterminated or unprintable label.
 */
int memopt_buf_set_label(struct memopt_buf *buf, const char *label)
{
	size_t len = strnlen(label, MEMOPT_LABEL_SIZE), i;

	if (len == MEMOPT_LABEL_SIZE)
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (!isprint(label[i]) || !isascii(label[i]))
			return -EINVAL;
	/* Padded: INFO copies all of it, and a shorter label leaves no tail. */
	spin_lock(&buf->lock);
	strscpy_pad(buf->label, label, sizeof(buf->label));
	spin_unlock(&buf->lock);
	return 0;
}

/**
 * memopt_buf_label() - copy a buffer's label
 * @buf: the buffer
 * @label: MEMOPT_LABEL_SIZE bytes
 *
 * Context: Any context.
 */
void memopt_buf_label(struct memopt_buf *buf, char *label)
{
	spin_lock(&buf->lock);
	memcpy(label, buf->label, MEMOPT_LABEL_SIZE);
	spin_unlock(&buf->lock);
}
