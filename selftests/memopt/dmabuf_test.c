// SPDX-License-Identifier: GPL-2.0
/*
 * Buffers as dma-bufs: MEMOPT_IOC_EXPORT and MEMOPT_IOC_IMPORT, mmap() and
 * DMA_BUF_IOCTL_SYNC of the exported fd, sharing with another process over
 * SCM_RIGHTS, read-only exports, and refusal of every fd memopt did not
 * export. Each test runs on a pool of its own ("dmabuftest", 4 KiB blocks,
 * at most 64) and ends with no block of it in use.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/udmabuf.h>
#include <linux/memopt.h>

#include "kselftest_harness.h"
#include "testpool.h"

#define BS 4096
#define POOL_MAX 64

FIXTURE(dmabuf) {
	int fd, nl;
	uint16_t family;
	uint32_t pool;
};

FIXTURE_SETUP(dmabuf)
{
	int ret = testpool_open(&self->fd, &self->nl, &self->family);

	if (ret == -ENOENT)
		SKIP(return, DEV " does not exist: memopt.ko not loaded");
	ASSERT_EQ(0, ret);
	self->pool = testpool_create(self->nl, self->family, "dmabuftest", BS, POOL_MAX, 0660);
	ASSERT_NE(0U, self->pool) TH_LOG("pool create: %s", testpool_rep.msg);
}

FIXTURE_TEARDOWN(dmabuf)
{
	/* Every session, fd and mapping is gone: every block is back. */
	EXPECT_EQ(0, testpool_close(self->fd, self->nl, self->family, self->pool));
}

/* MEMOPT_IOC_EXPORT: the new fd, or -errno. */
static int do_export(int fd, uint32_t handle, uint32_t flags)
{
	struct memopt_export e = { .handle = handle, .flags = flags };

	return ioctl(fd, MEMOPT_IOC_EXPORT, &e) ? -errno : e.fd;
}

/* MEMOPT_IOC_IMPORT into @im; 0 or -errno. */
static int do_import(int fd, int dmabuf, struct memopt_import *im)
{
	memset(im, 0, sizeof(*im));
	im->fd = dmabuf;
	return ioctl(fd, MEMOPT_IOC_IMPORT, im) ? -errno : 0;
}

static void *map_import(int fd, const struct memopt_import *im, size_t len, int prot)
{
	return mmap(NULL, len, prot, MAP_SHARED, fd, im->mmap_offset);
}

static int sync_dmabuf(int fd, uint64_t flags)
{
	struct dma_buf_sync s = { .flags = flags };

	return ioctl(fd, DMA_BUF_IOCTL_SYNC, &s);
}

/* The lowest free fd number, to see that a failed call leaked none. */
static int next_fd(void)
{
	int fd = dup(0);

	if (fd >= 0)
		close(fd);
	return fd;
}

TEST_F(dmabuf, export_maps_the_same_pages_and_syncs)
{
	unsigned char *p, *q;
	struct memopt_alloc a;
	int dfd;

	ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, 2 * BS, &a));
	p = memopt_map(self->fd, &a, 0, 2 * BS, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 0x11, 2 * BS);

	dfd = do_export(self->fd, a.handle, MEMOPT_EXPORT_CLOEXEC);
	ASSERT_LE(0, dfd);
	EXPECT_EQ(FD_CLOEXEC, fcntl(dfd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(O_RDWR, fcntl(dfd, F_GETFL) & O_ACCMODE);
	EXPECT_EQ(2 * BS, lseek(dfd, 0, SEEK_END));

	q = mmap(NULL, 2 * BS, PROT_READ | PROT_WRITE, MAP_SHARED, dfd, 0);
	ASSERT_NE(MAP_FAILED, q);
	EXPECT_EQ(0, sync_dmabuf(dfd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW));
	EXPECT_EQ(0x11, q[0]);
	EXPECT_EQ(0x11, q[2 * BS - 1]);
	q[BS] = 0x22;
	EXPECT_EQ(0, sync_dmabuf(dfd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW));
	EXPECT_EQ(0x22, p[BS]);
	EXPECT_EQ(-1, sync_dmabuf(dfd, 0x80));
	EXPECT_EQ(EINVAL, errno);
	munmap(q, 2 * BS);

	/* A slice of the dma-buf, and the same rules as /dev/memopt. */
	q = mmap(NULL, BS, PROT_READ, MAP_SHARED, dfd, BS);
	ASSERT_NE(MAP_FAILED, q);
	EXPECT_EQ(0x22, q[0]);
	munmap(q, BS);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, BS, PROT_READ, MAP_PRIVATE, dfd, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, BS, PROT_READ | PROT_EXEC, MAP_SHARED, dfd, 0));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 3 * BS, PROT_READ, MAP_SHARED, dfd, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, BS, PROT_READ, MAP_SHARED, dfd, 2 * BS));
	EXPECT_EQ(EINVAL, errno);
	close(dfd);

	/* Without MEMOPT_EXPORT_CLOEXEC the fd survives exec. */
	dfd = do_export(self->fd, a.handle, 0);
	ASSERT_LE(0, dfd);
	EXPECT_EQ(0, fcntl(dfd, F_GETFD) & FD_CLOEXEC);
	close(dfd);
	munmap(p, 2 * BS);
	EXPECT_EQ(0, memopt_do_free(self->fd, a.handle));
}

TEST_F(dmabuf, import_into_another_session_shares_the_pages)
{
	struct memopt_info i1 = { 0 }, i2 = { 0 };
	struct memopt_import im, im2;
	unsigned char *p, *q;
	struct memopt_alloc a;
	int other, dfd;

	ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, 3 * BS, &a));
	p = memopt_map(self->fd, &a, 0, 3 * BS, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, p);
	dfd = do_export(self->fd, a.handle, MEMOPT_EXPORT_CLOEXEC);
	ASSERT_LE(0, dfd);

	other = open(DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, other);
	ASSERT_EQ(0, do_import(other, dfd, &im));
	EXPECT_LE(1U, im.handle);
	EXPECT_EQ(0U, im.handle_flags);
	EXPECT_EQ((uint64_t)3 * BS, im.size);
	EXPECT_EQ((uint64_t)im.handle << 40, im.mmap_offset);

	/* The same buffer, by id, in both sessions. */
	i1.handle = a.handle;
	i2.handle = im.handle;
	ASSERT_EQ(0, ioctl(self->fd, MEMOPT_IOC_INFO, &i1));
	ASSERT_EQ(0, ioctl(other, MEMOPT_IOC_INFO, &i2));
	EXPECT_EQ(i1.buf_id, i2.buf_id);
	EXPECT_EQ(self->pool, i2.pool_id);

	q = map_import(other, &im, 3 * BS, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, q);
	p[5] = 0x33;
	q[2 * BS + 7] = 0x44;
	EXPECT_EQ(0x33, q[5]);
	EXPECT_EQ(0x44, p[2 * BS + 7]);

	/* Importing again gives another handle to the same buffer. */
	ASSERT_EQ(0, do_import(other, dfd, &im2));
	EXPECT_NE(im.handle, im2.handle);
	EXPECT_EQ(0, memopt_do_free(other, im2.handle));

	/* The imported handle alone keeps the buffer. */
	close(dfd);
	munmap(p, 3 * BS);
	EXPECT_EQ(0, memopt_do_free(self->fd, a.handle));
	EXPECT_EQ(3, testpool_used(self->nl, self->family, self->pool));
	EXPECT_EQ(0x44, q[2 * BS + 7]);
	munmap(q, 3 * BS);
	EXPECT_EQ(3, testpool_used(self->nl, self->family, self->pool));
	EXPECT_EQ(0, memopt_do_free(other, im.handle));
	EXPECT_EQ(0, testpool_used(self->nl, self->family, self->pool));
	close(other);
}

TEST_F(dmabuf, the_dmabuf_and_its_mappings_hold_the_buffer)
{
	struct memopt_alloc a;
	unsigned char *q;
	int dfd;

	ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, 2 * BS, &a));
	dfd = do_export(self->fd, a.handle, MEMOPT_EXPORT_CLOEXEC);
	ASSERT_LE(0, dfd);
	EXPECT_EQ(0, memopt_do_free(self->fd, a.handle));
	close(self->fd);
	self->fd = -1;
	EXPECT_EQ(2, testpool_used(self->nl, self->family, self->pool));
	q = mmap(NULL, 2 * BS, PROT_READ | PROT_WRITE, MAP_SHARED, dfd, 0);
	ASSERT_NE(MAP_FAILED, q);
	close(dfd);
	EXPECT_EQ(2, testpool_used(self->nl, self->family, self->pool));
	q[0] = 1;
	EXPECT_EQ(1, q[0]);
	munmap(q, 2 * BS);
	EXPECT_EQ(0, testpool_used(self->nl, self->family, self->pool));
}

/* Child side of the SCM_RIGHTS test; exit status names the failing step. */
static int scm_child(int sock)
{
	char iobuf[1], cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { iobuf, sizeof(iobuf) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	unsigned char *direct, *imported;
	struct memopt_import im;
	struct cmsghdr *c;
	int dfd, s;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return 10;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return 11;
	memcpy(&dfd, CMSG_DATA(c), sizeof(dfd));
	/* mmap() the dma-buf directly... */
	direct = mmap(NULL, 2 * BS, PROT_READ | PROT_WRITE, MAP_SHARED, dfd, 0);
	if (direct == MAP_FAILED)
		return 12;
	/* ...and import it into a session of this process. */
	s = open(DEV, O_RDWR | O_CLOEXEC);
	if (s < 0 || do_import(s, dfd, &im))
		return 13;
	imported = map_import(s, &im, 2 * BS, PROT_READ | PROT_WRITE);
	if (imported == MAP_FAILED)
		return 14;
	if (direct[0] != 0x5a || imported[BS] != 0x5b)
		return 15;
	direct[1] = 0x6a;
	imported[BS + 1] = 0x6b;
	if (imported[1] != 0x6a || direct[BS + 1] != 0x6b)
		return 16;
	return write(sock, "k", 1) == 1 ? 0 : 17;
}

TEST_F(dmabuf, scm_rights_shares_with_another_process)
{
	char cbuf[CMSG_SPACE(sizeof(int))], ok;
	struct iovec iov = { "x", 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct memopt_alloc a;
	struct cmsghdr *c;
	unsigned char *p;
	int sv[2], dfd, status;
	pid_t pid;

	ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, 2 * BS, &a));
	p = memopt_map(self->fd, &a, 0, 2 * BS, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, p);
	p[0] = 0x5a;
	p[BS] = 0x5b;
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(sv[0]);
		_exit(scm_child(sv[1]));
	}
	close(sv[1]);
	dfd = do_export(self->fd, a.handle, MEMOPT_EXPORT_CLOEXEC);
	ASSERT_LE(0, dfd);
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &dfd, sizeof(dfd));
	ASSERT_EQ(1, sendmsg(sv[0], &msg, 0));
	close(dfd);
	ASSERT_EQ(1, read(sv[0], &ok, 1));
	/* The child's writes, through both of its mappings, are on our pages. */
	EXPECT_EQ(0x6a, p[1]);
	EXPECT_EQ(0x6b, p[BS + 1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(sv[0]);
	munmap(p, 2 * BS);
	EXPECT_EQ(0, memopt_do_free(self->fd, a.handle));
}

TEST_F(dmabuf, read_only_exports_stay_read_only)
{
	struct memopt_info info = { 0 };
	struct memopt_import im;
	struct memopt_alloc a;
	int dfd, other, again;
	unsigned char *q;

	ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, BS, &a));
	dfd = do_export(self->fd, a.handle, MEMOPT_EXPORT_RDONLY | MEMOPT_EXPORT_CLOEXEC);
	ASSERT_LE(0, dfd);
	EXPECT_EQ(O_RDONLY, fcntl(dfd, F_GETFL) & O_ACCMODE);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, BS, PROT_READ | PROT_WRITE, MAP_SHARED, dfd, 0));
	EXPECT_EQ(EACCES, errno);
	q = mmap(NULL, BS, PROT_READ, MAP_SHARED, dfd, 0);
	ASSERT_NE(MAP_FAILED, q);
	EXPECT_EQ(-1, mprotect(q, BS, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	munmap(q, BS);

	/* The import is read-only too, in every way it can be used. */
	other = open(DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, other);
	ASSERT_EQ(0, do_import(other, dfd, &im));
	EXPECT_EQ(MEMOPT_HANDLE_RDONLY, im.handle_flags);
	info.handle = im.handle;
	ASSERT_EQ(0, ioctl(other, MEMOPT_IOC_INFO, &info));
	EXPECT_EQ(MEMOPT_HANDLE_RDONLY, info.handle_flags);
	EXPECT_EQ(MAP_FAILED, map_import(other, &im, BS, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	q = map_import(other, &im, BS, PROT_READ);
	ASSERT_NE(MAP_FAILED, q);
	EXPECT_EQ(-1, mprotect(q, BS, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	munmap(q, BS);
	EXPECT_EQ(-EACCES, do_export(other, im.handle, 0));
	again = do_export(other, im.handle, MEMOPT_EXPORT_RDONLY);
	ASSERT_LE(0, again);
	EXPECT_EQ(O_RDONLY, fcntl(again, F_GETFL) & O_ACCMODE);
	close(again);

	/* The exporting session's own handle is still writable. */
	info.handle = a.handle;
	ASSERT_EQ(0, ioctl(self->fd, MEMOPT_IOC_INFO, &info));
	EXPECT_EQ(0U, info.handle_flags);
	close(dfd);
	close(other);
	EXPECT_EQ(0, memopt_do_free(self->fd, a.handle));
}

TEST_F(dmabuf, export_and_import_errors)
{
	struct memopt_export e = { 0 };
	struct memopt_import im;
	struct memopt_alloc a;
	int memfd, file, sock[2], dfd;

	ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, BS, &a));
	EXPECT_EQ(-EINVAL, do_export(self->fd, a.handle, 1U << 2));
	EXPECT_EQ(-EINVAL, do_export(self->fd, a.handle, ~0U));
	e.handle = a.handle;
	e.reserved = 1;
	EXPECT_EQ(-1, ioctl(self->fd, MEMOPT_IOC_EXPORT, &e));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-ENOENT, do_export(self->fd, 0, 0));
	EXPECT_EQ(-ENOENT, do_export(self->fd, a.handle + 1, 0));

	dfd = do_export(self->fd, a.handle, MEMOPT_EXPORT_CLOEXEC);
	ASSERT_LE(0, dfd);
	memset(&im, 0, sizeof(im));
	im.fd = dfd;
	im.flags = 1;
	EXPECT_EQ(-1, ioctl(self->fd, MEMOPT_IOC_IMPORT, &im));
	EXPECT_EQ(EINVAL, errno);
	close(dfd);
	/* A closed fd, and no fd at all. */
	EXPECT_EQ(-EBADF, do_import(self->fd, dfd, &im));
	EXPECT_EQ(-EBADF, do_import(self->fd, -1, &im));

	/* Open fds of every other kind: not a dma-buf memopt exported. */
	memfd = memfd_create("memopt-test", MFD_CLOEXEC);
	ASSERT_LE(0, memfd);
	ASSERT_EQ(0, ftruncate(memfd, BS));
	EXPECT_EQ(-EINVAL, do_import(self->fd, memfd, &im));
	close(memfd);
	file = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, file);
	EXPECT_EQ(-EINVAL, do_import(self->fd, file, &im));
	close(file);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sock));
	EXPECT_EQ(-EINVAL, do_import(self->fd, sock[0], &im));
	close(sock[0]);
	close(sock[1]);
	EXPECT_EQ(-EINVAL, do_import(self->fd, self->fd, &im));
	EXPECT_EQ(0, memopt_do_free(self->fd, a.handle));
}

TEST_F(dmabuf, unreadable_or_unwritable_arguments_are_efault_and_undone)
{
	struct memopt_export *e;
	struct memopt_import *im;
	struct memopt_alloc a;
	int dfd, before;
	void *page;

	page = mmap(NULL, BS, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, page);
	EXPECT_EQ(-1, ioctl(self->fd, MEMOPT_IOC_EXPORT, page));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, MEMOPT_IOC_IMPORT, page));
	EXPECT_EQ(EFAULT, errno);

	/*
	 * A read-only argument is read but the result cannot be written back:
	 * the call must fail and leave nothing behind (no fd, no handle).
	 */
	ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, BS, &a));
	dfd = do_export(self->fd, a.handle, MEMOPT_EXPORT_CLOEXEC);
	ASSERT_LE(0, dfd);
	ASSERT_EQ(0, mprotect(page, BS, PROT_READ | PROT_WRITE));
	e = page;
	im = (struct memopt_import *)((char *)page + 64);
	memset(page, 0, BS);
	e->handle = a.handle;
	im->fd = dfd;
	ASSERT_EQ(0, mprotect(page, BS, PROT_READ));
	before = next_fd();
	EXPECT_EQ(-1, ioctl(self->fd, MEMOPT_IOC_EXPORT, e));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(before, next_fd());
	EXPECT_EQ(-1, ioctl(self->fd, MEMOPT_IOC_IMPORT, im));
	EXPECT_EQ(EFAULT, errno);
	/* Handles are given lowest first: the undone import's is free again. */
	EXPECT_EQ(-ENOENT, memopt_do_free(self->fd, a.handle + 1));
	close(dfd);
	EXPECT_EQ(0, memopt_do_free(self->fd, a.handle));
	EXPECT_EQ(0, testpool_used(self->nl, self->family, self->pool));
	munmap(page, BS);
}

/* The first published struct memopt_info, before handle_flags. */
struct memopt_info_v1 {
	__u32 handle, flags, pool_id, block_size;
	__u64 size, mmap_offset, buf_id;
	char label[MEMOPT_LABEL_SIZE];
};

TEST_F(dmabuf, the_first_info_struct_still_works)
{
	struct memopt_info_v1 v1 = { 0 };
	struct memopt_alloc a;

	ASSERT_EQ(72U, sizeof(v1));
	ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, BS, &a));
	v1.handle = a.handle;
	ASSERT_EQ(0, ioctl(self->fd, _IOWR(MEMOPT_IOC_MAGIC, 0x02, struct memopt_info_v1), &v1));
	EXPECT_EQ((uint64_t)BS, v1.size);
	EXPECT_EQ(self->pool, v1.pool_id);
	/* Shorter than the first version: not a size this kernel ever knew. */
	EXPECT_EQ(-1, ioctl(self->fd, _IOWR(MEMOPT_IOC_MAGIC, 0x02, char[64]), &v1));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(0, memopt_do_free(self->fd, a.handle));
}

/* A dma-buf from the system dma-heap, or -errno (SKIP when there is none). */
static int heap_dmabuf(void)
{
	struct dma_heap_allocation_data d = {
		.len = BS, .fd_flags = O_RDWR | O_CLOEXEC,
	};
	int heap = open("/dev/dma_heap/system", O_RDONLY | O_CLOEXEC);
	int ret;

	if (heap < 0)
		return -errno;
	ret = ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &d) ? -errno : (int)d.fd;
	close(heap);
	return ret;
}

TEST_F(dmabuf, a_dma_heap_buffer_is_refused)
{
	struct memopt_import im;
	int dfd = heap_dmabuf();

	if (dfd == -ENOENT)
		SKIP(return, "no /dev/dma_heap/system (kernel without CONFIG_DMABUF_HEAPS_SYSTEM)");
	ASSERT_LE(0, dfd);
	EXPECT_EQ(-EINVAL, do_import(self->fd, dfd, &im));
	close(dfd);
}

/* A dma-buf made by udmabuf from a sealed memfd, or -errno. */
static int udmabuf_dmabuf(void)
{
	struct udmabuf_create c = { .flags = UDMABUF_FLAGS_CLOEXEC, .size = BS };
	int dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	int memfd, ret;

	if (dev < 0)
		return -errno;
	memfd = memfd_create("memopt-udmabuf", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	if (memfd < 0 || ftruncate(memfd, BS) || fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK)) {
		ret = -errno;
		goto out;
	}
	c.memfd = memfd;
	ret = ioctl(dev, UDMABUF_CREATE, &c);
	ret = ret < 0 ? -errno : ret;
out:
	if (memfd >= 0)
		close(memfd);
	close(dev);
	return ret;
}

TEST_F(dmabuf, a_udmabuf_is_refused)
{
	struct memopt_import im;
	int dfd = udmabuf_dmabuf();

	if (dfd == -ENOENT)
		SKIP(return, "no /dev/udmabuf (kernel without CONFIG_UDMABUF)");
	ASSERT_LE(0, dfd);
	EXPECT_EQ(-EINVAL, do_import(self->fd, dfd, &im));
	close(dfd);
}

TEST_HARNESS_MAIN
