// SPDX-License-Identifier: GPL-2.0
/*
 * memopt buffers as dma-bufs.
 *
 * MEMOPT_IOC_EXPORT wraps a buffer in a new dma-buf, which holds one
 * buffer reference from export until its release (the last fd and the last
 * mapping of it gone). Each export is a dma-buf of its own, read-write or
 * read-only (the file's mode, so the dma-buf core refuses writable
 * mappings of a read-only one).
 *
 * Device importers attach and map it as an sg_table of the buffer's pages;
 * CPU access is bracketed by DMA_BUF_IOCTL_SYNC, which syncs every mapped
 * attachment (the pages are ordinary cacheable memory, as in the system
 * dma-heap). mmap() of the dma-buf uses the same rules and vm_ops as
 * mmap() of /dev/memopt. MEMOPT_IOC_IMPORT turns a dma-buf fd back into a
 * handle, but only for dma-bufs exported here: anything else is refused.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/fcntl.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/iosys-map.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <kunit/visibility.h>

#include "buffer.h"
#include "dmabuf.h"
#include "ledger.h"
#include "mmap.h"

MODULE_IMPORT_NS(DMA_BUF);

/**
 * struct memopt_dmabuf - what one exported dma-buf knows
 * @buf: the buffer; one reference, dropped at the dma-buf's release
 * @lock: protects @attachments, each attachment's @mapped, and @vaddr
 * @attachments: struct memopt_dmabuf_attach of every attached device
 * @vaddr: the kernel mapping while vmapped (the core counts vmap users)
 */
struct memopt_dmabuf {
	struct memopt_buf *buf;
	struct mutex lock;		/* protects attachments, mapped, vaddr */
	struct list_head attachments;
	void *vaddr;
};

/**
 * struct memopt_dmabuf_attach - one attached device
 * @dev: the device
 * @sgt: the buffer's pages, DMA-mapped for @dev while @mapped
 * @node: in memopt_dmabuf.attachments
 * @mapped: @sgt is DMA-mapped (synced by begin/end CPU access)
 */
struct memopt_dmabuf_attach {
	struct device *dev;
	struct sg_table sgt;
	struct list_head node;
	bool mapped;
};

static int memopt_dmabuf_attach(struct dma_buf *dmabuf, struct dma_buf_attachment *att)
{
	struct memopt_dmabuf *mdb = dmabuf->priv;
	struct memopt_buf *buf = mdb->buf;
	struct memopt_dmabuf_attach *a;
	int ret;

	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	ret = sg_alloc_table_from_pages_segment(&a->sgt, buf->pages, buf->nr_pages, 0,
						buf->size, dma_get_max_seg_size(att->dev),
						GFP_KERNEL);
	if (ret) {
		kfree(a);
		return ret;
	}
	a->dev = att->dev;
	att->priv = a;
	mutex_lock(&mdb->lock);
	list_add(&a->node, &mdb->attachments);
	mutex_unlock(&mdb->lock);
	return 0;
}

static void memopt_dmabuf_detach(struct dma_buf *dmabuf, struct dma_buf_attachment *att)
{
	struct memopt_dmabuf *mdb = dmabuf->priv;
	struct memopt_dmabuf_attach *a = att->priv;

	mutex_lock(&mdb->lock);
	list_del(&a->node);
	mutex_unlock(&mdb->lock);
	sg_free_table(&a->sgt);
	kfree(a);
}

static struct sg_table *memopt_dmabuf_map(struct dma_buf_attachment *att,
					  enum dma_data_direction dir)
{
	struct memopt_dmabuf *mdb = att->dmabuf->priv;
	struct memopt_dmabuf_attach *a = att->priv;
	int ret;

	ret = dma_map_sgtable(a->dev, &a->sgt, dir, 0);
	if (ret)
		return ERR_PTR(ret);
	mutex_lock(&mdb->lock);
	a->mapped = true;
	mutex_unlock(&mdb->lock);
	return &a->sgt;
}

static void memopt_dmabuf_unmap(struct dma_buf_attachment *att, struct sg_table *sgt,
				enum dma_data_direction dir)
{
	struct memopt_dmabuf *mdb = att->dmabuf->priv;
	struct memopt_dmabuf_attach *a = att->priv;

	mutex_lock(&mdb->lock);
	a->mapped = false;
	mutex_unlock(&mdb->lock);
	dma_unmap_sgtable(a->dev, sgt, dir, 0);
}

static int memopt_dmabuf_begin_cpu(struct dma_buf *dmabuf, enum dma_data_direction dir)
{
	struct memopt_dmabuf *mdb = dmabuf->priv;
	struct memopt_dmabuf_attach *a;

	mutex_lock(&mdb->lock);
	if (mdb->vaddr)
		invalidate_kernel_vmap_range(mdb->vaddr, mdb->buf->size);
	list_for_each_entry(a, &mdb->attachments, node)
		if (a->mapped)
			dma_sync_sgtable_for_cpu(a->dev, &a->sgt, dir);
	mutex_unlock(&mdb->lock);
	return 0;
}

static int memopt_dmabuf_end_cpu(struct dma_buf *dmabuf, enum dma_data_direction dir)
{
	struct memopt_dmabuf *mdb = dmabuf->priv;
	struct memopt_dmabuf_attach *a;

	mutex_lock(&mdb->lock);
	if (mdb->vaddr)
		flush_kernel_vmap_range(mdb->vaddr, mdb->buf->size);
	list_for_each_entry(a, &mdb->attachments, node)
		if (a->mapped)
			dma_sync_sgtable_for_device(a->dev, &a->sgt, dir);
	mutex_unlock(&mdb->lock);
	return 0;
}

/* The core has checked that the range lies inside the dma-buf. */
static int memopt_dmabuf_mmap(struct dma_buf *dmabuf, struct vm_area_struct *vma)
{
	struct memopt_dmabuf *mdb = dmabuf->priv;

	return memopt_buf_mmap(mdb->buf, vma, vma->vm_pgoff);
}

static int memopt_dmabuf_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct memopt_dmabuf *mdb = dmabuf->priv;
	void *vaddr;

	vaddr = vmap(mdb->buf->pages, mdb->buf->nr_pages, VM_MAP, PAGE_KERNEL);
	if (!vaddr)
		return -ENOMEM;
	mutex_lock(&mdb->lock);
	mdb->vaddr = vaddr;
	mutex_unlock(&mdb->lock);
	iosys_map_set_vaddr(map, vaddr);
	return 0;
}

static void memopt_dmabuf_vunmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct memopt_dmabuf *mdb = dmabuf->priv;

	mutex_lock(&mdb->lock);
	mdb->vaddr = NULL;
	mutex_unlock(&mdb->lock);
	vunmap(map->vaddr);
}

static void memopt_dmabuf_release(struct dma_buf *dmabuf)
{
	struct memopt_dmabuf *mdb = dmabuf->priv;

	/* The reference was taken in memopt_dmabuf_export(). */
	memopt_buf_put_holder(mdb->buf, MEMOPT_HOLDER_DMABUF, NULL, NULL);
	mutex_destroy(&mdb->lock);
	kfree(mdb);
}

static const struct dma_buf_ops memopt_dmabuf_ops = {
	.attach			= memopt_dmabuf_attach,
	.detach			= memopt_dmabuf_detach,
	.map_dma_buf		= memopt_dmabuf_map,
	.unmap_dma_buf		= memopt_dmabuf_unmap,
	.begin_cpu_access	= memopt_dmabuf_begin_cpu,
	.end_cpu_access		= memopt_dmabuf_end_cpu,
	.mmap			= memopt_dmabuf_mmap,
	.vmap			= memopt_dmabuf_vmap,
	.vunmap			= memopt_dmabuf_vunmap,
	.release		= memopt_dmabuf_release,
};

/**
 * memopt_dmabuf_export() - wrap a buffer in a new dma-buf
 * @buf: the buffer; the dma-buf takes its own reference
 * @rdonly: make the dma-buf's file read-only
 *
 * The caller owns the one reference to the dma-buf (its file): it passes it
 * to an fd with fd_install() or drops it with dma_buf_put().
 *
 * Context: Process context, may sleep.
 * Return: the dma-buf, or an ERR_PTR (-ENOMEM).
 */
struct dma_buf *memopt_dmabuf_export(struct memopt_buf *buf, bool rdonly)
{
	DEFINE_DMA_BUF_EXPORT_INFO(info);
	struct memopt_dmabuf *mdb;
	struct dma_buf *dmabuf;
	int ret;

	mdb = kzalloc(sizeof(*mdb), GFP_KERNEL);
	if (!mdb)
		return ERR_PTR(-ENOMEM);
	ret = memopt_holder_get(buf, MEMOPT_HOLDER_DMABUF, NULL, NULL);
	if (ret) {
		kfree(mdb);
		return ERR_PTR(ret);
	}
	mutex_init(&mdb->lock);
	INIT_LIST_HEAD(&mdb->attachments);
	mdb->buf = buf;
	info.exp_name = KBUILD_MODNAME;
	info.owner = THIS_MODULE;
	info.ops = &memopt_dmabuf_ops;
	info.size = buf->size;
	info.flags = rdonly ? O_RDONLY : O_RDWR;
	info.priv = mdb;
	dmabuf = dma_buf_export(&info);
	if (IS_ERR(dmabuf)) {
		memopt_holder_put(buf, MEMOPT_HOLDER_DMABUF, NULL, NULL);
		mutex_destroy(&mdb->lock);
		kfree(mdb);
		return dmabuf;
	}
	memopt_buf_get(buf);	/* put in memopt_dmabuf_release() */
	return dmabuf;
}
EXPORT_SYMBOL_IF_KUNIT(memopt_dmabuf_export);

/**
 * memopt_dmabuf_buf() - the buffer behind a dma-buf memopt exported
 * @dmabuf: any dma-buf
 * @rdonly: set to whether the dma-buf's file is read-only
 *
 * Context: Any context.
 * Return: the buffer with a new reference for the caller, or
 * ERR_PTR(-EINVAL) for a dma-buf of another exporter.
 */
struct memopt_buf *memopt_dmabuf_buf(struct dma_buf *dmabuf, bool *rdonly)
{
	struct memopt_dmabuf *mdb;

	if (dmabuf->ops != &memopt_dmabuf_ops)
		return ERR_PTR(-EINVAL);
	mdb = dmabuf->priv;
	*rdonly = !(dmabuf->file->f_mode & FMODE_WRITE);
	memopt_buf_get(mdb->buf);
	return mdb->buf;
}
EXPORT_SYMBOL_IF_KUNIT(memopt_dmabuf_buf);

/**
 * memopt_dmabuf_import() - the buffer behind a dma-buf fd memopt exported
 * @fd: the fd
 * @rdonly: set to whether the dma-buf's file is read-only
 *
 * Context: Process context.
 * Return: the buffer with a new reference for the caller, or an ERR_PTR:
 * -EBADF when @fd is not open, -EINVAL when it is not a dma-buf exported by
 * memopt.
 */
struct memopt_buf *memopt_dmabuf_import(int fd, bool *rdonly)
{
	struct dma_buf *dmabuf = dma_buf_get(fd);
	struct memopt_buf *buf;

	if (IS_ERR(dmabuf))
		return ERR_CAST(dmabuf);
	buf = memopt_dmabuf_buf(dmabuf, rdonly);
	dma_buf_put(dmabuf);
	return buf;
}
