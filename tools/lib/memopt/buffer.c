// SPDX-License-Identifier: GPL-2.0
/*
 * libmemopt buffers: allocate or import a handle and map it whole in one
 * call, unmap and drop it in one call, export it as a dma-buf fd, label it.
 *
 * A handle the library obtained is never left behind: if mapping it
 * fails, the handle is dropped again before the error is returned.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"
#include "libmemopt.h"

static void buffer_drop(struct memopt_session *s, uint32_t handle)
{
	struct memopt_free f = { .handle = handle };

	libmemopt_ioctl(s, MEMOPT_IOC_FREE, &f);
}

static int buffer_id(struct memopt_session *s, uint32_t handle, uint64_t *id)
{
	struct memopt_info info = { .handle = handle };
	int ret;

	ret = libmemopt_ioctl(s, MEMOPT_IOC_INFO, &info);
	if (!ret)
		*id = info.buf_id;
	return ret;
}

static int buffer_map(struct memopt_session *s, uint32_t handle_flags, size_t size,
		      uint64_t offset, void **addr)
{
	int prot = PROT_READ;
	void *p;

	if (!(handle_flags & MEMOPT_HANDLE_RDONLY))
		prot |= PROT_WRITE;
	if (offset > (uint64_t)INT64_MAX)
		return -EOVERFLOW;
	p = mmap(NULL, size, prot, MAP_SHARED, s->fd, (off_t)offset);
	if (p == MAP_FAILED)
		return -errno;
	*addr = p;
	return 0;
}

/*
 * buffer_hold: a new handle of the session (from alloc or import) becomes
 * a mapped struct memopt_buffer, or is dropped again.
 */
static int buffer_hold(struct memopt_session *s, uint32_t handle, uint32_t handle_flags,
		       uint64_t size, uint64_t offset, struct memopt_buffer *b)
{
	struct memopt_buffer nb = { .handle = handle, .flags = handle_flags };
	int ret;

	if (size > SIZE_MAX) {
		ret = -EOVERFLOW;
		goto err_drop;
	}
	nb.size = (size_t)size;
	ret = buffer_id(s, handle, &nb.id);
	if (ret)
		goto err_drop;
	ret = buffer_map(s, handle_flags, nb.size, offset, &nb.addr);
	if (ret)
		goto err_drop;
	*b = nb;
	return 0;

err_drop:
	buffer_drop(s, handle);
	return ret;
}

LIBMEMOPT_API int memopt_buffer_alloc(struct memopt_session *s, uint32_t pool_id, size_t size,
				      struct memopt_buffer *b)
{
	struct memopt_alloc a = { .pool_id = pool_id, .size = size };
	int ret;

	if (!s || !b || !size)
		return -EINVAL;
	ret = libmemopt_ioctl(s, MEMOPT_IOC_ALLOC, &a);
	if (ret)
		return ret;
	return buffer_hold(s, a.handle, 0, a.size_actual, a.mmap_offset, b);
}

LIBMEMOPT_API int memopt_buffer_import(struct memopt_session *s, int fd, struct memopt_buffer *b)
{
	struct memopt_import im = { .fd = fd };
	int ret;

	if (!s || !b)
		return -EINVAL;
	ret = libmemopt_ioctl(s, MEMOPT_IOC_IMPORT, &im);
	if (ret)
		return ret;
	return buffer_hold(s, im.handle, im.handle_flags, im.size, im.mmap_offset, b);
}

LIBMEMOPT_API int memopt_buffer_free(struct memopt_session *s, struct memopt_buffer *b)
{
	struct memopt_free f;
	int unmapped = 0, ret;

	if (!s || !b || !b->handle)
		return -EINVAL;
	if (b->addr && munmap(b->addr, b->size))
		unmapped = -errno;
	f = (struct memopt_free){ .handle = b->handle };
	ret = libmemopt_ioctl(s, MEMOPT_IOC_FREE, &f);
	memset(b, 0, sizeof(*b));
	return ret ? ret : unmapped;
}

LIBMEMOPT_API int memopt_buffer_export(struct memopt_session *s, const struct memopt_buffer *b,
				       unsigned int flags, int *fd)
{
	struct memopt_export e;
	int ret;

	if (!s || !b || !fd)
		return -EINVAL;
	e = (struct memopt_export){ .handle = b->handle, .flags = flags | MEMOPT_EXPORT_CLOEXEC };
	ret = libmemopt_ioctl(s, MEMOPT_IOC_EXPORT, &e);
	if (!ret)
		*fd = e.fd;
	return ret;
}

LIBMEMOPT_API int memopt_buffer_set_label(struct memopt_session *s, const struct memopt_buffer *b,
					  const char *label)
{
	struct memopt_set_label l;
	size_t len;

	if (!s || !b || !label)
		return -EINVAL;
	len = strlen(label);
	if (len >= sizeof(l.label))
		return -ENAMETOOLONG;
	memset(&l, 0, sizeof(l));
	l.handle = b->handle;
	memcpy(l.label, label, len);
	return libmemopt_ioctl(s, MEMOPT_IOC_SET_LABEL, &l);
}
