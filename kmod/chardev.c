// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/memopt: the misc device through which applications reach memopt.
 *
 * Every open() of the device is a session: it holds buffers by handle, a
 * small integer valid only in that session (there are no global names to
 * guess). Closing the session drops every handle it holds; mappings and
 * other holders keep their buffers alive.
 *
 * ioctl arguments are extensible structs whose size is part of the command
 * number: the first published size is the smallest accepted (ENOTTY
 * below), a longer one is accepted if the bytes this kernel does not know
 * are zero (copy_struct_from_user(), E2BIG otherwise), and no more than
 * the caller's size is copied back.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-buf.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <kunit/visibility.h>
#include <linux/memopt.h>

#include "buffer.h"
#include "chardev.h"
#include "dmabuf.h"
#include "ledger.h"
#include "mmap.h"
#include "pool.h"

/* Handles whose mmap offset (handle << MEMOPT_BUF_SHIFT) fits in off_t. */
#define MEMOPT_HANDLE_MAX	((1U << (63 - MEMOPT_BUF_SHIFT)) - 1)

/**
 * memopt_session_buf() - the buffer a handle names, with a reference
 * @s: the session
 * @handle: the handle
 * @rdonly: set to whether the handle is read-only (may be NULL)
 *
 * Context: Any context.
 * Return: the buffer, which the caller must put, or NULL.
 */
struct memopt_buf *memopt_session_buf(struct memopt_session *s, u32 handle, bool *rdonly)
{
	struct memopt_buf *buf;

	xa_lock(&s->handles);
	buf = xa_load(&s->handles, handle);
	if (buf) {
		memopt_buf_get(buf);
		if (rdonly)
			*rdonly = xa_get_mark(&s->handles, handle, MEMOPT_HANDLE_RO_MARK);
	}
	xa_unlock(&s->handles);
	return buf;
}

/*
 * Give @buf a new handle in @s; the handle takes over the caller's
 * reference, which the caller still owns on failure. @counted: the ledger
 * already counts this handle among the buffer's holders (a new buffer).
 */
static int memopt_session_add(struct memopt_session *s, struct memopt_buf *buf,
			      bool rdonly, bool counted, u32 *handle)
{
	int ret;

	ret = counted ? 0 : memopt_holder_get(buf, MEMOPT_HOLDER_HANDLE, s->owner, NULL);
	if (ret)
		return ret;
	xa_lock(&s->handles);
	ret = __xa_alloc(&s->handles, handle, buf, XA_LIMIT(1, MEMOPT_HANDLE_MAX),
			 GFP_KERNEL);
	if (!ret && rdonly)
		__xa_set_mark(&s->handles, *handle, MEMOPT_HANDLE_RO_MARK);
	xa_unlock(&s->handles);
	if (ret)
		memopt_holder_put(buf, MEMOPT_HOLDER_HANDLE, s->owner, NULL);
	return ret == -EBUSY ? -EMFILE : ret;
}

/* Drop a handle's reference and its place among the buffer's holders. */
static void memopt_session_put(struct memopt_session *s, struct memopt_buf *buf)
{
	memopt_buf_put_holder(buf, MEMOPT_HOLDER_HANDLE, s->owner, NULL);
}

static int memopt_ioc_alloc(struct memopt_session *s, void *arg)
{
	struct memopt_alloc *a = arg;
	struct memopt_pool *pool;
	struct memopt_buf *buf;
	u32 handle;
	int ret;

	if ((a->flags & ~MEMOPT_ALLOC_VALID_FLAGS) || a->reserved)
		return -EINVAL;
	pool = memopt_pool_get_by_id(a->pool_id);
	if (!pool)
		return -ENOENT;
	ret = memopt_pool_permission(pool);
	if (ret)
		goto out;
	buf = memopt_buf_alloc(pool, a->size, s->owner);
	if (IS_ERR(buf)) {
		ret = PTR_ERR(buf);
		goto out;
	}
	ret = memopt_session_add(s, buf, false, true, &handle);
	if (ret) {
		memopt_buf_put(buf);
		goto out;
	}
	a->handle = handle;
	a->size_actual = buf->size;
	a->mmap_offset = (u64)handle << MEMOPT_BUF_SHIFT;
out:
	memopt_pool_put(pool);
	return ret;
}

/* Drop a handle; for MEMOPT_IOC_FREE and to undo an allocation. */
static int memopt_session_free(struct memopt_session *s, u32 handle)
{
	struct memopt_buf *buf = xa_erase(&s->handles, handle);

	if (!buf)
		return -ENOENT;
	memopt_session_put(s, buf);
	return 0;
}

static void memopt_ioc_alloc_undo(struct memopt_session *s, void *arg)
{
	memopt_session_free(s, ((struct memopt_alloc *)arg)->handle);
}

static int memopt_ioc_free(struct memopt_session *s, void *arg)
{
	struct memopt_free *f = arg;

	if (f->flags)
		return -EINVAL;
	return memopt_session_free(s, f->handle);
}

static int memopt_ioc_info(struct memopt_session *s, void *arg)
{
	struct memopt_info *i = arg;
	struct memopt_pool_params p;
	struct memopt_buf *buf;
	bool rdonly;

	if (i->flags)
		return -EINVAL;
	buf = memopt_session_buf(s, i->handle, &rdonly);
	if (!buf)
		return -ENOENT;
	i->handle_flags = rdonly ? MEMOPT_HANDLE_RDONLY : 0;
	i->reserved = 0;	/* out only: whatever the caller passed is not echoed */
	memopt_pool_params(buf->pool, &p);
	i->pool_id = memopt_pool_id(buf->pool);
	i->block_size = p.block_size;
	i->size = buf->size;
	i->mmap_offset = (u64)i->handle << MEMOPT_BUF_SHIFT;
	i->buf_id = buf->id;
	memopt_buf_label(buf, i->label);
	memopt_buf_put(buf);
	return 0;
}

static int memopt_ioc_set_label(struct memopt_session *s, void *arg)
{
	struct memopt_set_label *l = arg;
	struct memopt_buf *buf;
	int ret;

	if (l->flags)
		return -EINVAL;
	buf = memopt_session_buf(s, l->handle, NULL);
	if (!buf)
		return -ENOENT;
	ret = memopt_buf_set_label(buf, l->label);
	memopt_buf_put(buf);
	return ret;
}

static int memopt_ioc_pool_lookup(struct memopt_session *s, void *arg)
{
	struct memopt_pool_lookup *l = arg;
	struct memopt_pool_params p;
	struct memopt_pool *pool;

	if (strnlen(l->name, sizeof(l->name)) == sizeof(l->name))
		return -EINVAL;
	pool = memopt_pool_get_by_name(l->name);
	if (!pool)
		return -ENOENT;
	memopt_pool_params(pool, &p);
	l->pool_id = memopt_pool_id(pool);
	l->block_size = p.block_size;
	memopt_pool_put(pool);
	return 0;
}

/**
 * struct memopt_ioctl_call - an ioctl argument and what its command keeps
 * @arg: the kernel copy of the argument
 * @dmabuf: MEMOPT_IOC_EXPORT's dma-buf, whose fd is reserved but not yet
 *	installed (see memopt_ioc_export_commit())
 */
struct memopt_ioctl_call {
	union {
		struct memopt_alloc alloc;
		struct memopt_free free;
		struct memopt_info info;
		struct memopt_set_label set_label;
		struct memopt_pool_lookup pool_lookup;
		struct memopt_export export;
		struct memopt_import import;
	} arg;
	struct dma_buf *dmabuf;
};

/*
 * The fd is reserved here and installed only once the result reached user
 * space (memopt_ioc_export_commit), so that a failed copy can take it back
 * (memopt_ioc_export_undo) before any other thread can see it.
 */
static int memopt_ioc_export(struct memopt_session *s, void *arg)
{
	struct memopt_ioctl_call *call = container_of(arg, struct memopt_ioctl_call, arg);
	struct memopt_export *e = arg;
	struct dma_buf *dmabuf;
	struct memopt_buf *buf;
	bool rdonly;
	int fd;

	if ((e->flags & ~MEMOPT_EXPORT_VALID_FLAGS) || e->reserved)
		return -EINVAL;
	buf = memopt_session_buf(s, e->handle, &rdonly);
	if (!buf)
		return -ENOENT;
	if (rdonly && !(e->flags & MEMOPT_EXPORT_RDONLY)) {
		memopt_buf_put(buf);
		return -EACCES;
	}
	dmabuf = memopt_dmabuf_export(buf, e->flags & MEMOPT_EXPORT_RDONLY);
	memopt_buf_put(buf);
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);
	fd = get_unused_fd_flags(e->flags & MEMOPT_EXPORT_CLOEXEC ? O_CLOEXEC : 0);
	if (fd < 0) {
		dma_buf_put(dmabuf);
		return fd;
	}
	e->fd = fd;
	call->dmabuf = dmabuf;
	return 0;
}

static void memopt_ioc_export_commit(struct memopt_session *s, void *arg)
{
	struct memopt_ioctl_call *call = container_of(arg, struct memopt_ioctl_call, arg);

	/* The fd takes over the dma-buf's file reference. */
	fd_install(call->arg.export.fd, call->dmabuf->file);
}

static void memopt_ioc_export_undo(struct memopt_session *s, void *arg)
{
	struct memopt_ioctl_call *call = container_of(arg, struct memopt_ioctl_call, arg);

	put_unused_fd(call->arg.export.fd);
	dma_buf_put(call->dmabuf);
}

static int memopt_ioc_import(struct memopt_session *s, void *arg)
{
	struct memopt_import *im = arg;
	struct memopt_buf *buf;
	bool rdonly;
	int ret;

	if (im->flags)
		return -EINVAL;
	buf = memopt_dmabuf_import(im->fd, &rdonly);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = memopt_session_add(s, buf, rdonly, false, &im->handle);
	if (ret) {
		memopt_buf_put(buf);
		return ret;
	}
	im->handle_flags = rdonly ? MEMOPT_HANDLE_RDONLY : 0;
	im->size = buf->size;
	im->mmap_offset = (u64)im->handle << MEMOPT_BUF_SHIFT;
	return 0;
}

static void memopt_ioc_import_undo(struct memopt_session *s, void *arg)
{
	memopt_session_free(s, ((struct memopt_import *)arg)->handle);
}

/**
 * struct memopt_ioctl - one ioctl command
 * @cmd: the command as this kernel defines it (its size is the newest)
 * @min_size: the first published size of its struct, the smallest accepted
 * @fn: does the work on a kernel copy of the argument
 * @commit: completes @fn once its result was copied back (may be NULL)
 * @undo: reverts @fn when its result cannot be copied back (may be NULL)
 */
struct memopt_ioctl {
	unsigned int cmd;
	size_t min_size;
	int (*fn)(struct memopt_session *s, void *arg);
	void (*commit)(struct memopt_session *s, void *arg);
	void (*undo)(struct memopt_session *s, void *arg);
};

/* Indexed by command number; min_size is the first published struct size. */
static const struct memopt_ioctl memopt_ioctls[] = {
	[0x00] = { MEMOPT_IOC_ALLOC, sizeof(struct memopt_alloc),
		   memopt_ioc_alloc, NULL, memopt_ioc_alloc_undo },
	[0x01] = { MEMOPT_IOC_FREE, sizeof(struct memopt_free), memopt_ioc_free },
	[0x02] = { MEMOPT_IOC_INFO, offsetofend(struct memopt_info, label),
		   memopt_ioc_info },
	[0x03] = { MEMOPT_IOC_SET_LABEL, sizeof(struct memopt_set_label),
		   memopt_ioc_set_label },
	[0x04] = { MEMOPT_IOC_POOL_LOOKUP, sizeof(struct memopt_pool_lookup),
		   memopt_ioc_pool_lookup },
	[0x05] = { MEMOPT_IOC_EXPORT, sizeof(struct memopt_export), memopt_ioc_export,
		   memopt_ioc_export_commit, memopt_ioc_export_undo },
	[0x06] = { MEMOPT_IOC_IMPORT, sizeof(struct memopt_import), memopt_ioc_import,
		   NULL, memopt_ioc_import_undo },
};

static long memopt_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	const struct memopt_ioctl *ioc;
	struct memopt_ioctl_call call;
	size_t usize, ksize;
	unsigned int nr;
	int ret;

	nr = _IOC_NR(cmd);
	if (_IOC_TYPE(cmd) != MEMOPT_IOC_MAGIC || nr >= ARRAY_SIZE(memopt_ioctls))
		return -ENOTTY;
	ioc = &memopt_ioctls[array_index_nospec(nr, ARRAY_SIZE(memopt_ioctls))];
	/* The table's index and its command must agree (a table typo). */
	if (WARN_ON_ONCE(ioc->fn && _IOC_NR(ioc->cmd) != nr))
		return -ENOTTY;
	usize = _IOC_SIZE(cmd);
	ksize = _IOC_SIZE(ioc->cmd);
	if (!ioc->fn || _IOC_DIR(cmd) != _IOC_DIR(ioc->cmd) || usize < ioc->min_size)
		return -ENOTTY;
	BUILD_BUG_ON(sizeof(call) > 256);
	memset(&call, 0, sizeof(call));
	ret = copy_struct_from_user(&call.arg, ksize, uarg, usize);
	if (ret)
		return ret;
	ret = ioc->fn(file->private_data, &call.arg);
	if (ret || !(_IOC_DIR(cmd) & _IOC_READ))
		return ret;
	if (copy_to_user(uarg, &call.arg, min(usize, ksize))) {
		if (ioc->undo)
			ioc->undo(file->private_data, &call.arg);
		return -EFAULT;
	}
	if (ioc->commit)
		ioc->commit(file->private_data, &call.arg);
	return 0;
}

static int memopt_open(struct inode *inode, struct file *file)
{
	struct memopt_session *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (!s)
		return -ENOMEM;
	xa_init_flags(&s->handles, XA_FLAGS_ALLOC1);
	s->owner = get_pid(task_tgid(current));	/* put in memopt_release() */
	file->private_data = s;
	return nonseekable_open(inode, file);
}

static int memopt_release(struct inode *inode, struct file *file)
{
	struct memopt_session *s = file->private_data;
	struct memopt_buf *buf;
	unsigned long handle;

	xa_for_each(&s->handles, handle, buf) {
		xa_erase(&s->handles, handle);
		memopt_session_put(s, buf);
	}
	xa_destroy(&s->handles);
	put_pid(s->owner);
	kfree(s);
	return 0;
}

static const struct file_operations memopt_fops = {
	.owner		= THIS_MODULE,
	.open		= memopt_open,
	.release	= memopt_release,
	.unlocked_ioctl	= memopt_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= memopt_mmap,
};

VISIBLE_IF_KUNIT struct miscdevice memopt_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= MEMOPT_DEVICE_NAME,
	.fops	= &memopt_fops,
	.mode	= 0666,
};
EXPORT_SYMBOL_IF_KUNIT(memopt_misc);

/**
 * memopt_chardev_init() - register the /dev/memopt misc device
 *
 * Context: Process context, module init.
 * Return: 0 on success, a negative errno from misc_register() otherwise.
 */
int memopt_chardev_init(void)
{
	return misc_register(&memopt_misc);
}

/**
 * memopt_chardev_exit() - unregister the /dev/memopt misc device
 *
 * Context: Process context, module exit.
 */
void memopt_chardev_exit(void)
{
	misc_deregister(&memopt_misc);
}
