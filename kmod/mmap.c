// SPDX-License-Identifier: GPL-2.0
/*
 * mmap() of /dev/memopt: a buffer, or a page-aligned part of it.
 *
 * The offset names the buffer by its handle in the mapping session
 * (handle << MEMOPT_BUF_SHIFT), plus a page-aligned offset inside it, so it
 * is meaningless in any other session. MAP_SHARED only, never executable,
 * never beyond the buffer, never grown by mremap (VM_DONTEXPAND). Every
 * page is inserted at mmap() time (vm_insert_pages); a page zapped since,
 * e.g. by MADV_DONTNEED, is faulted back in. Each mapping holds a buffer
 * reference: taken here, taken again for every copy (fork, split) in
 * .open, dropped in .close. A forked child therefore shares the parent's
 * mappings, and their pages, as with any MAP_SHARED mapping.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <kunit/visibility.h>

#include "buffer.h"
#include "chardev.h"
#include "compat.h"
#include "ledger.h"
#include "mmap.h"

/* Page offset bits inside a buffer; the bits above name the handle. */
#define MEMOPT_PGOFF_BITS	(MEMOPT_BUF_SHIFT - PAGE_SHIFT)
#define MEMOPT_PGOFF_MASK	((1UL << MEMOPT_PGOFF_BITS) - 1)

/*
 * A copy of a mapping: a split or a move in this process, or the child's
 * copy at fork(), whose process is found when a dump asks (NULL pid).
 */
static void memopt_vm_open(struct vm_area_struct *vma)
{
	struct memopt_buf *buf = vma->vm_private_data;
	struct pid *pid = vma->vm_mm == current->mm ? task_tgid(current) : NULL;

	memopt_buf_get(buf);
	if (memopt_holder_get(buf, MEMOPT_HOLDER_MAPPING, pid, vma->vm_mm)) {
		spin_lock(&buf->lock);
		buf->lost_maps++;
		spin_unlock(&buf->lock);
	}
}

static void memopt_vm_close(struct vm_area_struct *vma)
{
	struct memopt_buf *buf = vma->vm_private_data;

	memopt_buf_put_holder(buf, MEMOPT_HOLDER_MAPPING, NULL, vma->vm_mm);
}

/* Only a page zapped since mmap() faults: give it back. */
static vm_fault_t memopt_vm_fault(struct vm_fault *vmf)
{
	struct memopt_buf *buf = vmf->vma->vm_private_data;
	unsigned long idx = vmf->pgoff & MEMOPT_PGOFF_MASK;

	if (idx >= buf->nr_pages)
		return VM_FAULT_SIGBUS;
	vmf->page = buf->pages[idx];
	get_page(vmf->page);
	return 0;
}

VISIBLE_IF_KUNIT const struct vm_operations_struct memopt_vm_ops = {
	.open	= memopt_vm_open,
	.close	= memopt_vm_close,
	.fault	= memopt_vm_fault,
};
EXPORT_SYMBOL_IF_KUNIT(memopt_vm_ops);

/**
 * memopt_buf_mmap() - map pages of a buffer into a new mapping
 * @buf: the buffer; the mapping takes its own reference on success
 * @vma: the new mapping, shared and not executable
 * @first: the buffer's page at vma->vm_start
 *
 * Used for mmap() of /dev/memopt and of exported dma-bufs alike.
 *
 * Context: Process context, mmap lock held for writing.
 * Return: 0; -EINVAL for a private mapping or one beyond the buffer;
 * -EPERM for an executable one; -ENOMEM.
 */
int memopt_buf_mmap(struct memopt_buf *buf, struct vm_area_struct *vma, unsigned long first)
{
	unsigned long n = vma_pages(vma);
	int ret;

	/* MAP_SHARED of a read-only file sets VM_MAYSHARE but not VM_SHARED. */
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (vma->vm_flags & VM_EXEC)
		return -EPERM;
	if (first >= buf->nr_pages || n > buf->nr_pages - first)
		return -EINVAL;
	memopt_vm_flags_mod(vma, VM_DONTEXPAND | VM_DONTDUMP, VM_MAYEXEC);
	vma->vm_ops = &memopt_vm_ops;
	vma->vm_private_data = buf;
	/* A failed mmap() is unmapped without .close: no reference yet. */
	ret = vm_insert_pages(vma, vma->vm_start, buf->pages + first, &n);
	if (ret)
		return ret;
	ret = memopt_holder_get(buf, MEMOPT_HOLDER_MAPPING, task_tgid(current), vma->vm_mm);
	if (ret)
		return ret;
	memopt_buf_get(buf);	/* put in memopt_vm_close() */
	return 0;
}

/**
 * memopt_mmap() - map (part of) a buffer of the session
 * @file: the session's file
 * @vma: the new mapping
 *
 * Context: Process context, mmap lock held for writing.
 * Return: 0; -EINVAL for MAP_PRIVATE, an offset that names no buffer of this
 * session, or a range beyond the buffer; -EPERM for PROT_EXEC; -EACCES for
 * a writable mapping of a read-only handle; -ENOMEM.
 */
int memopt_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct memopt_session *s = file->private_data;
	unsigned long handle = vma->vm_pgoff >> MEMOPT_PGOFF_BITS;
	struct memopt_buf *buf;
	bool rdonly;
	int ret;

	if (handle > U32_MAX)
		return -EINVAL;
	buf = memopt_session_buf(s, handle, &rdonly);
	if (!buf)
		return -EINVAL;
	ret = 0;
	if (rdonly && (vma->vm_flags & VM_WRITE))
		ret = -EACCES;
	else if (rdonly)
		memopt_vm_flags_mod(vma, 0, VM_MAYWRITE);
	if (!ret)
		ret = memopt_buf_mmap(buf, vma, vma->vm_pgoff & MEMOPT_PGOFF_MASK);
	memopt_buf_put(buf);
	return ret;
}
