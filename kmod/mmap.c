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

#include "buffer.h"
#include "chardev.h"
#include "compat.h"
#include "mmap.h"

/* Page offset bits inside a buffer; the bits above name the handle. */
#define MEMOPT_PGOFF_BITS	(MEMOPT_BUF_SHIFT - PAGE_SHIFT)
#define MEMOPT_PGOFF_MASK	((1UL << MEMOPT_PGOFF_BITS) - 1)

static void memopt_vm_open(struct vm_area_struct *vma)
{
	memopt_buf_get(vma->vm_private_data);
}

static void memopt_vm_close(struct vm_area_struct *vma)
{
	memopt_buf_put(vma->vm_private_data);
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

static const struct vm_operations_struct memopt_vm_ops = {
	.open	= memopt_vm_open,
	.close	= memopt_vm_close,
	.fault	= memopt_vm_fault,
};

/**
 * memopt_mmap() - map (part of) a buffer of the session
 * @file: the session's file
 * @vma: the new mapping
 *
 * Context: Process context, mmap lock held for writing.
 * Return: 0; -EINVAL for MAP_PRIVATE, an offset that names no buffer of this
 * session, or a range beyond the buffer; -EPERM for PROT_EXEC; -ENOMEM.
 */
int memopt_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct memopt_session *s = file->private_data;
	unsigned long first = vma->vm_pgoff & MEMOPT_PGOFF_MASK;
	unsigned long handle = vma->vm_pgoff >> MEMOPT_PGOFF_BITS;
	unsigned long n = vma_pages(vma);
	struct memopt_buf *buf;
	int ret;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vma->vm_flags & VM_EXEC)
		return -EPERM;
	if (handle > U32_MAX)
		return -EINVAL;
	buf = memopt_session_buf(s, handle);
	if (!buf)
		return -EINVAL;
	if (first >= buf->nr_pages || n > buf->nr_pages - first) {
		memopt_buf_put(buf);
		return -EINVAL;
	}
	memopt_vm_flags_mod(vma, VM_DONTEXPAND | VM_DONTDUMP, VM_MAYEXEC);
	vma->vm_ops = &memopt_vm_ops;
	vma->vm_private_data = buf;
	ret = vm_insert_pages(vma, vma->vm_start, buf->pages + first, &n);
	if (ret) {
		/* A failed mmap() is not closed: its reference is ours to drop. */
		memopt_buf_put(buf);
		return ret;
	}
	return 0;
}
