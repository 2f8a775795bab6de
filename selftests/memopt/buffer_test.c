// SPDX-License-Identifier: GPL-2.0
/*
 * Buffers through /dev/memopt: every ioctl's success and error paths, mmap
 * rules and lifetimes. Each test runs on a pool of its own ("buftest",
 * 4 KiB blocks, at most 64) and ends with no block of it in use.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/memopt.h>

#include "kselftest_harness.h"
#include "testpool.h"

#define BS 4096
#define POOL_MAX 64

FIXTURE(buf) {
	int fd, nl;
	uint16_t family;
	uint32_t pool;
};

FIXTURE_SETUP(buf)
{
	int ret = testpool_open(&self->fd, &self->nl, &self->family);

	if (ret == -ENOENT)
		SKIP(return, DEV " does not exist: memopt.ko not loaded");
	ASSERT_EQ(0, ret);
	self->pool = testpool_create(self->nl, self->family, "buftest", BS, POOL_MAX, 0660);
	ASSERT_NE(0U, self->pool) TH_LOG("pool create: %s", testpool_rep.msg);
}

FIXTURE_TEARDOWN(buf)
{
	/* Every session, fd and mapping is gone: every block is back. */
	EXPECT_EQ(0, testpool_close(self->fd, self->nl, self->family, self->pool));
}

TEST_F(buf, alloc_rounds_up_maps_and_starts_zeroed)
{
	struct memopt_alloc a;
	unsigned char *p;
	size_t i;

	ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, 10000, &a));
	EXPECT_LE(1U, a.handle);
	EXPECT_EQ(3U * BS, a.size_actual);
	EXPECT_EQ((uint64_t)a.handle << 40, a.mmap_offset);
	EXPECT_EQ(3, testpool_used(self->nl, self->family, self->pool));
	p = memopt_map(self->fd, &a, 0, a.size_actual, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < a.size_actual; i++)
		ASSERT_EQ(0, p[i]);
	memset(p, 0x5a, a.size_actual);
	EXPECT_EQ(0x5a, p[a.size_actual - 1]);
	EXPECT_EQ(0, munmap(p, a.size_actual));
	EXPECT_EQ(0, memopt_do_free(self->fd, a.handle));
}

TEST_F(buf, info_label_and_lookup)
{
	struct memopt_pool_lookup l = { .name = "buftest" };
	struct memopt_set_label sl = { 0 };
	struct memopt_info info = { 0 };
	struct memopt_alloc a;

	ASSERT_EQ(0, ioctl(self->fd, MEMOPT_IOC_POOL_LOOKUP, &l));
	EXPECT_EQ(self->pool, l.pool_id);
	EXPECT_EQ((uint32_t)BS, l.block_size);
	ASSERT_EQ(0, memopt_do_alloc(self->fd, l.pool_id, BS, &a));

	info.handle = a.handle;
	ASSERT_EQ(0, ioctl(self->fd, MEMOPT_IOC_INFO, &info));
	EXPECT_EQ(self->pool, info.pool_id);
	EXPECT_EQ((uint32_t)BS, info.block_size);
	EXPECT_EQ((uint64_t)BS, info.size);
	EXPECT_EQ(a.mmap_offset, info.mmap_offset);
	EXPECT_LT(0U, info.buf_id);
	EXPECT_STREQ("", info.label);

	sl.handle = a.handle;
	strcpy(sl.label, "camera frames");
	ASSERT_EQ(0, ioctl(self->fd, MEMOPT_IOC_SET_LABEL, &sl));
	ASSERT_EQ(0, ioctl(self->fd, MEMOPT_IOC_INFO, &info));
	EXPECT_STREQ("camera frames", info.label);

	strcpy(sl.label, "bell\a");
	EXPECT_EQ(-1, ioctl(self->fd, MEMOPT_IOC_SET_LABEL, &sl));
	EXPECT_EQ(EINVAL, errno);
	memset(sl.label, 'x', sizeof(sl.label));
	EXPECT_EQ(-1, ioctl(self->fd, MEMOPT_IOC_SET_LABEL, &sl));
	EXPECT_EQ(EINVAL, errno);

	strcpy(l.name, "nosuchpool");
	EXPECT_EQ(-1, ioctl(self->fd, MEMOPT_IOC_POOL_LOOKUP, &l));
	EXPECT_EQ(ENOENT, errno);
	memset(l.name, 'x', sizeof(l.name));
	EXPECT_EQ(-1, ioctl(self->fd, MEMOPT_IOC_POOL_LOOKUP, &l));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, memopt_do_free(self->fd, a.handle));
}

TEST_F(buf, bad_arguments_are_einval_enoent_enospc)
{
	struct memopt_alloc a = { .pool_id = self->pool, .size = BS, .flags = 1 };
	struct memopt_free f = { .handle = 1, .flags = 1 };
	struct memopt_alloc big;

	EXPECT_EQ(-1, ioctl(self->fd, MEMOPT_IOC_ALLOC, &a));
	EXPECT_EQ(EINVAL, errno);
	a.flags = 0;
	a.reserved = 1;
	EXPECT_EQ(-1, ioctl(self->fd, MEMOPT_IOC_ALLOC, &a));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-EINVAL, memopt_do_alloc(self->fd, self->pool, 0, &a));
	EXPECT_EQ(-EINVAL, memopt_do_alloc(self->fd, self->pool, (POOL_MAX + 1) * BS, &a));
	EXPECT_EQ(-EINVAL, memopt_do_alloc(self->fd, self->pool, UINT64_MAX, &a));
	EXPECT_EQ(-ENOENT, memopt_do_alloc(self->fd, 999999, BS, &a));
	EXPECT_EQ(-1, ioctl(self->fd, MEMOPT_IOC_FREE, &f));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-ENOENT, memopt_do_free(self->fd, 0));
	EXPECT_EQ(-ENOENT, memopt_do_free(self->fd, 12345));

	/* The whole pool, then one block more. */
	ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, POOL_MAX * BS, &big));
	EXPECT_EQ(-ENOSPC, memopt_do_alloc(self->fd, self->pool, BS, &a));
	EXPECT_EQ(0, memopt_do_free(self->fd, big.handle));
	EXPECT_EQ(-ENOENT, memopt_do_free(self->fd, big.handle));
	ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, BS, &a));
	EXPECT_EQ(0, memopt_do_free(self->fd, a.handle));
}

TEST_F(buf, unknown_and_wrongly_sized_commands_are_enotty)
{
	struct memopt_alloc a = { .pool_id = self->pool, .size = BS };
	char small[8] = { 0 };

	EXPECT_EQ(-1, ioctl(self->fd, _IO(MEMOPT_IOC_MAGIC, 0x7f)));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, _IOWR(MEMOPT_IOC_MAGIC, 0x00, char[8]), small));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, _IOW(MEMOPT_IOC_MAGIC, 0x00, struct memopt_alloc), &a));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(buf, argument_on_an_unreadable_page_is_efault)
{
	/* EXPORT and IMPORT: dmabuf_test. */
	static const unsigned long cmds[] = {
		MEMOPT_IOC_ALLOC, MEMOPT_IOC_FREE, MEMOPT_IOC_INFO,
		MEMOPT_IOC_SET_LABEL, MEMOPT_IOC_POOL_LOOKUP,
	};
	void *page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t i;

	ASSERT_NE(MAP_FAILED, page);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		EXPECT_EQ(-1, ioctl(self->fd, cmds[i], page));
		EXPECT_EQ(EFAULT, errno) TH_LOG("command %#lx", cmds[i]);
	}
	munmap(page, 4096);
}

TEST_F(buf, an_allocation_that_cannot_be_reported_is_undone)
{
	struct memopt_alloc *a;
	void *page;

	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, page);
	a = page;
	a->pool_id = self->pool;
	a->size = 2 * BS;
	/* Readable, so the kernel allocates; not writable, so it cannot say so. */
	ASSERT_EQ(0, mprotect(page, 4096, PROT_READ));
	EXPECT_EQ(-1, ioctl(self->fd, MEMOPT_IOC_ALLOC, a));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, testpool_used(self->nl, self->family, self->pool));
	/* Handles are given lowest first: the undone one was 1, and is free. */
	EXPECT_EQ(-ENOENT, memopt_do_free(self->fd, 1));
	munmap(page, 4096);
}

/* A newer program's longer struct: fine while the tail is zero. */
struct memopt_alloc_v2 {
	struct memopt_alloc v1;
	__u64 future;
};

TEST_F(buf, longer_structs_need_a_zero_tail)
{
	struct memopt_alloc_v2 a2 = { .v1 = { .pool_id = self->pool, .size = BS } };
	unsigned int cmd = _IOWR(MEMOPT_IOC_MAGIC, 0x00, struct memopt_alloc_v2);

	ASSERT_EQ(0, ioctl(self->fd, cmd, &a2));
	EXPECT_EQ((uint64_t)BS, a2.v1.size_actual);
	EXPECT_EQ(0U, a2.future);
	EXPECT_EQ(0, memopt_do_free(self->fd, a2.v1.handle));
	a2.future = 1;
	EXPECT_EQ(-1, ioctl(self->fd, cmd, &a2));
	EXPECT_EQ(E2BIG, errno);
}

TEST_F(buf, mmap_rules)
{
	struct memopt_alloc a;
	void *p;
	int other;

	ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, 2 * BS, &a));
	p = mmap(NULL, BS, PROT_READ, MAP_PRIVATE, self->fd, a.mmap_offset);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, memopt_map(self->fd, &a, 0, 3 * BS, PROT_READ));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, memopt_map(self->fd, &a, 2 * BS, BS, PROT_READ));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, memopt_map(self->fd, &a, 0, BS, PROT_READ | PROT_EXEC));
	EXPECT_EQ(EPERM, errno);
	p = mmap(NULL, BS, PROT_READ, MAP_SHARED, self->fd, (uint64_t)(a.handle + 1) << 40);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);

	/* Another session has no such handle: the offset means nothing there. */
	other = open(DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, other);
	EXPECT_EQ(MAP_FAILED, memopt_map(other, &a, 0, BS, PROT_READ));
	EXPECT_EQ(EINVAL, errno);
	close(other);

	/* Never grown, never made executable. */
	p = memopt_map(self->fd, &a, 0, BS, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(MAP_FAILED, mremap(p, BS, 2 * BS, MREMAP_MAYMOVE));
	EXPECT_EQ(-1, mprotect(p, BS, PROT_READ | PROT_EXEC));
	EXPECT_EQ(EACCES, errno);
	munmap(p, BS);
	EXPECT_EQ(0, memopt_do_free(self->fd, a.handle));
}

TEST_F(buf, a_sub_range_maps_the_pages_it_names)
{
	struct memopt_alloc a;
	unsigned char *all, *second;

	ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, 3 * BS, &a));
	all = memopt_map(self->fd, &a, 0, 3 * BS, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, all);
	second = memopt_map(self->fd, &a, BS, BS, PROT_READ);
	ASSERT_NE(MAP_FAILED, second);
	all[BS] = 0x42;
	all[2 * BS - 1] = 0x43;
	EXPECT_EQ(0x42, second[0]);
	EXPECT_EQ(0x43, second[BS - 1]);
	munmap(second, BS);
	munmap(all, 3 * BS);
	EXPECT_EQ(0, memopt_do_free(self->fd, a.handle));
}

static sigjmp_buf fault_jmp;

static void on_fault(int sig)
{
	siglongjmp(fault_jmp, sig);
}

/* Read *p; returns 0, or the signal that reading raised. */
static int probe(volatile unsigned char *p)
{
	struct sigaction sa = { .sa_handler = on_fault }, old_segv, old_bus;
	int sig;

	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);
	sig = sigsetjmp(fault_jmp, 1);
	if (!sig)
		(void)*p;
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	return sig;
}

/*
 * A one-page slice of a three-page buffer, with nothing mapped after it:
 * the byte after the slice faults, it does not reach the buffer's next
 * page. No mapping can extend past a buffer (mmap_rules), so the fault is
 * SIGSEGV here; the fault handler's SIGBUS for pages past a buffer is
 * checked by the KUnit suite memopt_buffer.
 */
TEST_F(buf, touching_past_a_slice_faults)
{
	struct memopt_alloc a;
	unsigned char *all, *area, *slice;

	ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, 3 * BS, &a));
	all = memopt_map(self->fd, &a, 0, 3 * BS, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, all);
	memset(all, 0x77, 3 * BS);
	area = mmap(NULL, 2 * BS, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, area);
	slice = mmap(area, BS, PROT_READ, MAP_SHARED | MAP_FIXED, self->fd, a.mmap_offset + BS);
	ASSERT_EQ(area, slice);
	ASSERT_EQ(0, munmap(area + BS, BS));
	EXPECT_EQ(0, probe(slice + BS - 1));
	EXPECT_EQ(0x77, slice[BS - 1]);
	EXPECT_EQ(SIGSEGV, probe(slice + BS));
	munmap(slice, BS);
	munmap(all, 3 * BS);
	EXPECT_EQ(0, memopt_do_free(self->fd, a.handle));
}

TEST_F(buf, a_zapped_page_comes_back_with_its_contents)
{
	struct memopt_alloc a;
	unsigned char *p;
	int ret;

	ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, 2 * BS, &a));
	p = memopt_map(self->fd, &a, 0, 2 * BS, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, p);
	p[BS] = 0x42;
	ret = madvise(p, 2 * BS, MADV_DONTNEED);
	if (ret && errno == ENOSYS) {
		munmap(p, 2 * BS);
		memopt_do_free(self->fd, a.handle);
		SKIP(return, "kernel without madvise() (CONFIG_ADVISE_SYSCALLS=n)");
	}
	ASSERT_EQ(0, ret);
	/* The pages are gone from the page tables; touching faults them back. */
	EXPECT_EQ(0x42, p[BS]);
	EXPECT_EQ(0, p[0]);
	munmap(p, 2 * BS);
	EXPECT_EQ(0, memopt_do_free(self->fd, a.handle));
}

TEST_F(buf, free_or_close_while_mapped_keeps_the_mapping)
{
	struct memopt_alloc a;
	unsigned char *p;

	ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, BS, &a));
	p = memopt_map(self->fd, &a, 0, BS, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, memopt_do_free(self->fd, a.handle));
	p[0] = 1;
	EXPECT_EQ(1, p[0]);
	EXPECT_EQ(1, testpool_used(self->nl, self->family, self->pool));
	close(self->fd);
	self->fd = -1;
	p[1] = 2;
	EXPECT_EQ(2, p[1]);
	EXPECT_EQ(1, testpool_used(self->nl, self->family, self->pool));
	munmap(p, BS);
	EXPECT_EQ(0, testpool_used(self->nl, self->family, self->pool));
}

TEST_F(buf, fork_shares_the_mapping)
{
	volatile unsigned char *p;
	struct memopt_alloc a;
	int status;
	pid_t pid;

	ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, BS, &a));
	p = memopt_map(self->fd, &a, 0, BS, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, p);
	p[0] = 7;
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (p[0] != 7)
			_exit(1);
		p[1] = 9;
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(9, p[1]);
	munmap((void *)p, BS);
	EXPECT_EQ(0, memopt_do_free(self->fd, a.handle));
}

TEST_F(buf, exit_and_kill_release_everything)
{
	int status, i;
	pid_t pid;

	for (i = 0; i < 2; i++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			struct memopt_alloc a;
			int fd = open(DEV, O_RDWR);

			if (fd < 0 || memopt_do_alloc(fd, self->pool, 4 * BS, &a) ||
			    memopt_map(fd, &a, 0, 4 * BS, PROT_READ | PROT_WRITE) == MAP_FAILED)
				_exit(1);
			if (i == 1)
				pause();	/* killed below */
			_exit(0);
		}
		if (i == 1) {
			/* Kill it only once it holds its 4 blocks (a failed child ends the wait). */
			while (testpool_used(self->nl, self->family, self->pool) < 4 &&
			       waitpid(pid, &status, WNOHANG) == 0)
				usleep(10000);
			ASSERT_EQ(4, testpool_used(self->nl, self->family, self->pool));
			kill(pid, SIGKILL);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		/* The child really allocated and mapped (exit 0), or was killed holding it. */
		if (i == 0) {
			ASSERT_TRUE(WIFEXITED(status));
			ASSERT_EQ(0, WEXITSTATUS(status));
		} else {
			ASSERT_TRUE(WIFSIGNALED(status));
			ASSERT_EQ(SIGKILL, WTERMSIG(status));
		}
		EXPECT_EQ(0, testpool_used(self->nl, self->family, self->pool));
	}
}

TEST_F(buf, another_session_never_sees_old_contents)
{
	struct memopt_alloc a;
	unsigned char *p;
	int i;

	/* Session 0 is the fixture's; session 1 a new one, after it. */
	for (i = 0; i < 2; i++) {
		int fd = i ? open(DEV, O_RDWR | O_CLOEXEC) : self->fd;
		size_t j;

		ASSERT_LE(0, fd);
		ASSERT_EQ(0, memopt_do_alloc(fd, self->pool, 8 * BS, &a));
		p = memopt_map(fd, &a, 0, 8 * BS, PROT_READ | PROT_WRITE);
		ASSERT_NE(MAP_FAILED, p);
		for (j = 0; j < 8 * BS; j++)
			ASSERT_EQ(0, p[j]) TH_LOG("byte %zu of session %d's buffer is not zero", j, i);
		memset(p, 0xa5, 8 * BS);
		munmap(p, 8 * BS);
		ASSERT_EQ(0, memopt_do_free(fd, a.handle));
		if (i)
			close(fd);
	}
}

TEST_F(buf, pool_permissions_are_enforced)
{
	int status;
	pid_t pid;

	/* Mode 0660, owned by root: the unprivileged child is refused. */
	for (int mode = 0660; ; mode = 0662) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			struct memopt_alloc a;
			int fd, ret;

			if (setgid(65534) || setuid(65534))
				_exit(10);
			fd = open(DEV, O_RDWR);
			if (fd < 0)
				_exit(11);
			ret = memopt_do_alloc(fd, self->pool, BS, &a);
			_exit(ret == 0 ? 0 : ret == -EACCES ? 20 : 30);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
		EXPECT_EQ(mode == 0660 ? 20 : 0, WEXITSTATUS(status));
		if (mode == 0662)
			break;
		/* Writable by others: allowed. */
		ASSERT_EQ(0, testpool_set_mode(self->nl, self->family, self->pool, 0662));
	}
}

TEST_HARNESS_MAIN
