/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MEMOPT_MMAP_H
#define _MEMOPT_MMAP_H

#include <linux/kconfig.h>

struct file;
struct memopt_buf;
struct vm_area_struct;

int memopt_buf_mmap(struct memopt_buf *buf, struct vm_area_struct *vma, unsigned long first);
int memopt_mmap(struct file *file, struct vm_area_struct *vma);

#if IS_ENABLED(CONFIG_KUNIT)
extern const struct vm_operations_struct memopt_vm_ops;
#endif

#endif /* _MEMOPT_MMAP_H */
