/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MEMOPT_MMAP_H
#define _MEMOPT_MMAP_H

struct file;
struct vm_area_struct;

int memopt_mmap(struct file *file, struct vm_area_struct *vma);

#endif /* _MEMOPT_MMAP_H */
