/* SPDX-License-Identifier: GPL-2.0 */
/* memopt buffers as dma-bufs. See dmabuf.c. */
#ifndef _MEMOPT_DMABUF_H
#define _MEMOPT_DMABUF_H

#include <linux/types.h>

struct dma_buf;
struct memopt_buf;

struct dma_buf *memopt_dmabuf_export(struct memopt_buf *buf, bool rdonly);
struct memopt_buf *memopt_dmabuf_buf(struct dma_buf *dmabuf, bool *rdonly);
struct memopt_buf *memopt_dmabuf_import(int fd, bool *rdonly);

#endif /* _MEMOPT_DMABUF_H */
