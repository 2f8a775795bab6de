// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for memopt buffers (kmod/buffer.c), the vm_ops of their
 * mappings (kmod/mmap.c) and their dma-bufs (kmod/dmabuf.c).
 *
 * A buffer has four kinds of holder: the reference its allocation returns
 * (what a session handle keeps), a kernel user's memopt_buf_get(), an
 * exported dma-buf, and a mapping (here a copy of one, as fork or a split
 * makes through vm_ops->open; real mappings are the selftests' business).
 * The lifetime case releases them in every one of the 24 orders and checks
 * that the blocks stay in use until, and only until, the last one goes.
 *
 * dma-bufs are released through fput(), which a kernel thread defers to a
 * workqueue: every dma_buf_put() here is followed by flush_delayed_fput().
 */
#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/cpumask.h>
#include <linux/file.h>
#include <linux/highmem.h>
#include <linux/iosys-map.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/string.h>

#include "buffer.h"
#include "dmabuf.h"
#include "mmap.h"
#include "pool.h"
#include "util.h"

MODULE_IMPORT_NS(DMA_BUF);

enum memopt_test_holder {
	MEMOPT_TEST_ALLOC,
	MEMOPT_TEST_KERNEL,
	MEMOPT_TEST_DMABUF,
	MEMOPT_TEST_MAPPING,
	MEMOPT_TEST_HOLDERS
};

static u64 memopt_test_used(struct memopt_pool *pool)
{
	struct memopt_pool_stats st;

	memopt_pool_stats(pool, &st);
	return st.blocks_used;
}

static void memopt_test_dmabuf_put(struct dma_buf *dmabuf)
{
	dma_buf_put(dmabuf);
	flush_delayed_fput();
}

/* The @k-th permutation of 0..n-1 (n <= 4) in lexicographic order. */
static void memopt_test_permutation(unsigned int k, unsigned int n, unsigned int *out)
{
	unsigned int left[MEMOPT_TEST_HOLDERS], i, f, idx;

	for (i = 0; i < n; i++)
		left[i] = i;
	for (f = 1, i = 2; i < n; i++)
		f *= i;
	for (i = 0; i < n; i++) {
		idx = k / f;
		k %= f;
		out[i] = left[idx];
		memmove(&left[idx], &left[idx + 1], (n - i - idx - 1) * sizeof(left[0]));
		if (n - i - 1)
			f /= n - i - 1;
	}
}

static void memopt_buf_test_every_release_order(struct kunit *test)
{
	struct memopt_pool *pool = memopt_test_pool(test, PAGE_SIZE, 0, 0);
	unsigned int order[MEMOPT_TEST_HOLDERS], k, i;

	for (k = 0; k < 24; k++) {
		struct vm_area_struct vma = {};
		struct dma_buf *dmabuf;
		struct memopt_buf *buf;

		memopt_test_permutation(k, MEMOPT_TEST_HOLDERS, order);
		buf = memopt_buf_alloc(pool, 3 * PAGE_SIZE, NULL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
		memopt_buf_get(buf);
		dmabuf = memopt_dmabuf_export(buf, false);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dmabuf);
		vma.vm_private_data = buf;
		memopt_vm_ops.open(&vma);
		KUNIT_EXPECT_EQ(test, kref_read(&buf->ref), 4);

		for (i = 0; i < MEMOPT_TEST_HOLDERS; i++) {
			KUNIT_EXPECT_EQ_MSG(test, memopt_test_used(pool), 3,
					    "order %u: released %u of 4 holders", k, i);
			switch (order[i]) {
			case MEMOPT_TEST_ALLOC:
			case MEMOPT_TEST_KERNEL:
				memopt_buf_put(buf);
				break;
			case MEMOPT_TEST_DMABUF:
				memopt_test_dmabuf_put(dmabuf);
				break;
			case MEMOPT_TEST_MAPPING:
				memopt_vm_ops.close(&vma);
				break;
			}
		}
		KUNIT_EXPECT_EQ_MSG(test, memopt_test_used(pool), 0,
				    "order %u: all holders gone, blocks still in use", k);
	}
}

/*
 * On one CPU the freed blocks wait in its magazine, so the second buffer
 * gets exactly the first one's pages: they must come back cleared.
 */
static void memopt_buf_test_reuse_is_zeroed(struct kunit *test)
{
	struct memopt_pool *pool = memopt_test_pool(test, PAGE_SIZE, 0, 4);
	struct page *first[4];
	struct memopt_buf *buf;
	unsigned int i, j;

	memopt_test_pin(test, cpumask_first(cpu_online_mask));
	buf = memopt_buf_alloc(pool, 4 * PAGE_SIZE, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	for (i = 0; i < buf->nr_pages; i++) {
		first[i] = buf->pages[i];
		memset_page(buf->pages[i], 0, 0xa5, PAGE_SIZE);
	}
	memopt_buf_put(buf);

	buf = memopt_buf_alloc(pool, 4 * PAGE_SIZE, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	for (i = 0; i < buf->nr_pages; i++) {
		u8 *p = kmap_local_page(buf->pages[i]);

		KUNIT_EXPECT_TRUE(test, buf->pages[i] == first[0] || buf->pages[i] == first[1] ||
				  buf->pages[i] == first[2] || buf->pages[i] == first[3]);
		j = memchr_inv(p, 0, PAGE_SIZE) ? (u8 *)memchr_inv(p, 0, PAGE_SIZE) - p : PAGE_SIZE;
		kunmap_local(p);
		KUNIT_EXPECT_EQ_MSG(test, j, PAGE_SIZE, "page %u byte %u is not zero", i, j);
	}
	memopt_buf_put(buf);
}

static struct sg_table *memopt_test_foreign_map(struct dma_buf_attachment *a,
						enum dma_data_direction dir)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static void memopt_test_foreign_unmap(struct dma_buf_attachment *a, struct sg_table *sgt,
				      enum dma_data_direction dir)
{
}

static void memopt_test_foreign_release(struct dma_buf *dmabuf)
{
}

static const struct dma_buf_ops memopt_test_foreign_ops = {
	.map_dma_buf	= memopt_test_foreign_map,
	.unmap_dma_buf	= memopt_test_foreign_unmap,
	.release	= memopt_test_foreign_release,
};

static void memopt_buf_test_only_own_dmabufs(struct kunit *test)
{
	struct memopt_pool *pool = memopt_test_pool(test, PAGE_SIZE, 0, 0);
	DEFINE_DMA_BUF_EXPORT_INFO(info);
	struct memopt_buf *buf, *got;
	struct dma_buf *dmabuf;
	bool rdonly = false;

	info.ops = &memopt_test_foreign_ops;
	info.size = PAGE_SIZE;
	info.flags = O_RDWR;
	info.priv = test;
	dmabuf = dma_buf_export(&info);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dmabuf);
	KUNIT_EXPECT_EQ(test, PTR_ERR(memopt_dmabuf_buf(dmabuf, &rdonly)), -EINVAL);
	memopt_test_dmabuf_put(dmabuf);

	buf = memopt_buf_alloc(pool, PAGE_SIZE, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	dmabuf = memopt_dmabuf_export(buf, true);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dmabuf);
	got = memopt_dmabuf_buf(dmabuf, &rdonly);
	KUNIT_EXPECT_PTR_EQ(test, got, buf);
	KUNIT_EXPECT_TRUE(test, rdonly);
	if (!IS_ERR(got))
		memopt_buf_put(got);
	memopt_test_dmabuf_put(dmabuf);
	memopt_buf_put(buf);
	KUNIT_EXPECT_EQ(test, memopt_test_used(pool), 0);
}

/* A device with a 64-bit DMA mask, as a dma-buf importer. */
static struct device *memopt_test_importer(struct kunit *test)
{
	struct device *dev = kunit_device_register(test, "memopt-importer");

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	dev->dma_mask = &dev->coherent_dma_mask;
	KUNIT_ASSERT_EQ(test, dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64)), 0);
	return dev;
}

static void memopt_buf_test_device_import(struct kunit *test)
{
	struct memopt_pool *pool = memopt_test_pool(test, 2 * PAGE_SIZE, 0, 0);
	struct device *dev = memopt_test_importer(test);
	struct dma_buf_attachment *att;
	struct sg_page_iter piter;
	struct iosys_map map = {};
	struct dma_buf *dmabuf;
	struct memopt_buf *buf;
	struct sg_table *sgt;
	struct scatterlist *sg;
	unsigned int i, n;
	u64 bytes;
	u8 *p;

	buf = memopt_buf_alloc(pool, 3 * PAGE_SIZE, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, buf->nr_pages, 4);
	dmabuf = memopt_dmabuf_export(buf, false);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dmabuf);
	memopt_buf_put(buf);	/* the dma-buf holds it now */

	att = dma_buf_attach(dmabuf, dev);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, att);
	sgt = dma_buf_map_attachment_unlocked(att, DMA_BIDIRECTIONAL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sgt);

	/* Every page of the buffer, in order, and DMA addresses for all. */
	n = 0;
	for_each_sgtable_page(sgt, &piter, 0) {
		KUNIT_EXPECT_PTR_EQ(test, sg_page_iter_page(&piter), buf->pages[n]);
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, buf->nr_pages);
	bytes = 0;
	for_each_sgtable_dma_sg(sgt, sg, i)
		bytes += sg_dma_len(sg);
	KUNIT_EXPECT_EQ(test, bytes, buf->size);

	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(dmabuf, DMA_BIDIRECTIONAL), 0);
	KUNIT_ASSERT_EQ(test, dma_buf_vmap_unlocked(dmabuf, &map), 0);
	memset(map.vaddr + PAGE_SIZE, 0x3c, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, dma_buf_end_cpu_access(dmabuf, DMA_BIDIRECTIONAL), 0);
	p = kmap_local_page(buf->pages[1]);
	KUNIT_EXPECT_EQ(test, p[0], 0x3c);
	KUNIT_EXPECT_EQ(test, p[PAGE_SIZE - 1], 0x3c);
	kunmap_local(p);
	dma_buf_vunmap_unlocked(dmabuf, &map);

	dma_buf_unmap_attachment_unlocked(att, sgt, DMA_BIDIRECTIONAL);
	dma_buf_detach(dmabuf, att);
	KUNIT_EXPECT_EQ(test, memopt_test_used(pool), 2);
	memopt_test_dmabuf_put(dmabuf);
	KUNIT_EXPECT_EQ(test, memopt_test_used(pool), 0);
}

/*
 * A mapping's fault handler gives back pages zapped since mmap() and
 * raises SIGBUS for any page past the buffer. mmap() never makes such a
 * mapping, so this is the only way to reach that branch.
 */
static void memopt_buf_test_fault(struct kunit *test)
{
	struct memopt_pool *pool = memopt_test_pool(test, PAGE_SIZE, 0, 0);
	struct vm_area_struct vma = {};
	struct memopt_buf *buf;
	vm_fault_t ret;

	buf = memopt_buf_alloc(pool, 2 * PAGE_SIZE, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	vma.vm_private_data = buf;
	{
		/* pgoff carries the handle above the page index in the buffer. */
		struct vm_fault in = { .vma = &vma,
				       .pgoff = (7UL << (MEMOPT_BUF_SHIFT - PAGE_SHIFT)) | 1 };
		struct vm_fault past = { .vma = &vma, .pgoff = 2 };

		ret = memopt_vm_ops.fault(&in);
		KUNIT_EXPECT_EQ(test, ret, 0);
		KUNIT_EXPECT_PTR_EQ(test, in.page, buf->pages[1]);
		if (!ret)
			put_page(in.page);
		KUNIT_EXPECT_EQ(test, memopt_vm_ops.fault(&past), VM_FAULT_SIGBUS);
	}
	memopt_buf_put(buf);
}

static struct kunit_case memopt_buf_test_cases[] = {
	KUNIT_CASE(memopt_buf_test_every_release_order),
	KUNIT_CASE(memopt_buf_test_reuse_is_zeroed),
	KUNIT_CASE(memopt_buf_test_only_own_dmabufs),
	KUNIT_CASE(memopt_buf_test_device_import),
	KUNIT_CASE(memopt_buf_test_fault),
	{}
};

static struct kunit_suite memopt_buf_test_suite = {
	.name = "memopt_buffer",
	.test_cases = memopt_buf_test_cases,
};

kunit_test_suite(memopt_buf_test_suite);
