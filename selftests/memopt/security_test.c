// SPDX-License-Identifier: GPL-2.0
/*
 * The security review of Documentation/security.rst, each item a test: the
 * attacker is a local user who can open /dev/memopt and talk to the
 * "memopt" family. Checked here:
 *
 * - handles and offsets: another session's mmap offsets and handles name
 *   nothing (scanned over a range, also from an unprivileged process); a
 *   freed handle's offset maps nothing; no offset and length reach past a
 *   buffer into its neighbour; offsets and lengths that overflow fail;
 * - no stale or uninitialised byte reaches user space: every ioctl's
 *   output struct is pre-filled with a pattern, and every field the kernel
 *   owns must come back as its value (reserved fields and label tails
 *   zero), with nothing written past the struct; every netlink reply,
 *   dump and notification is walked raw, and its genlmsghdr reserved
 *   field and every attribute's alignment padding must be zero;
 * - integer overflow on every size and count: allocation sizes, pool
 *   attributes and dump filters at 0, the top of their type and the edges
 *   in between fail cleanly with the errno the code intends (or, for a
 *   filter, match nothing), and allocate nothing;
 * - use-after-free races: one thread frees handles while others map,
 *   export, import, query and label them; a session closed while its
 *   threads use it. The debug kernel (KASAN, lockdep) turns a real race
 *   into a splat, which fails the VM run; here only documented errnos are
 *   allowed, and every block comes back;
 * - fds that are not a dma-buf memopt exported are refused by IMPORT;
 * - an allocation refused part way hands its blocks' next owner zeros.
 *
 * Each test runs on a pool of its own ("sectest", 4 KiB blocks, at most
 * 64, mode 0666 so that unprivileged children may allocate) and ends with
 * no block of it in use.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/memopt.h>

#include "kselftest_harness.h"
#include "testpool.h"

#define BS 4096
#define POOL_MAX 64
#define SHIFT 40	/* mmap_offset = handle << SHIFT (MEMOPT_BUF_SHIFT) */
#define PAT 0xa5
#define PAT32 0xa5a5a5a5U
#define PAT64 0xa5a5a5a5a5a5a5a5ULL
#define NOBODY 65534

FIXTURE(sec) {
	int fd, nl;
	uint16_t family;
	uint32_t pool;
};

FIXTURE_SETUP(sec)
{
	int ret = testpool_open(&self->fd, &self->nl, &self->family);

	if (ret == -ENOENT)
		SKIP(return, DEV " does not exist: memopt.ko not loaded");
	ASSERT_EQ(0, ret);
	self->pool = testpool_create(self->nl, self->family, "sectest", BS, POOL_MAX, 0666);
	ASSERT_NE(0U, self->pool) TH_LOG("pool create: %s", testpool_rep.msg);
}

/* 31 characters: the longest name. */
#define LONG_NAME "sec-0123456789abcdefghijklmnopq"

FIXTURE_TEARDOWN(sec)
{
	/* The pools of a test stopped half-way (busy ones die with the fd). */
	static const char *const extra[] = {
		"sec-w", "sec-wx", "sec-wxy", "sec-wxyz", "sec-nomax", "sec-u32max",
		"sec-bad", LONG_NAME,
	};
	struct memopt_pool_lookup l;
	unsigned int i;

	for (i = 0; self->fd >= 0 && i < sizeof(extra) / sizeof(extra[0]); i++) {
		memset(&l, 0, sizeof(l));
		strcpy(l.name, extra[i]);
		if (!ioctl(self->fd, MEMOPT_IOC_POOL_LOOKUP, &l))
			testpool_destroy(self->nl, self->family, l.pool_id);
	}
	/* Every session, fd and mapping is gone: every block is back. */
	EXPECT_EQ(0, testpool_close(self->fd, self->nl, self->family, self->pool));
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

/* mmap() of @len bytes at @off of session @fd: 0 (unmapped again) or -errno. */
static int try_map(int fd, uint64_t off, size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_SHARED, fd, (off_t)off);

	if (p == MAP_FAILED)
		return -errno;
	munmap(p, len);
	return 0;
}

static int do_info(int fd, uint32_t handle, struct memopt_info *i)
{
	memset(i, 0, sizeof(*i));
	i->handle = handle;
	return ioctl(fd, MEMOPT_IOC_INFO, i) ? -errno : 0;
}

static int do_label(int fd, uint32_t handle, const char *label)
{
	struct memopt_set_label l = { .handle = handle };

	snprintf(l.label, sizeof(l.label), "%s", label);
	return ioctl(fd, MEMOPT_IOC_SET_LABEL, &l) ? -errno : 0;
}

/* MEMOPT_IOC_EXPORT: the new fd, or -errno. */
static int do_export(int fd, uint32_t handle, uint32_t flags)
{
	struct memopt_export e = { .handle = handle, .flags = flags };

	return ioctl(fd, MEMOPT_IOC_EXPORT, &e) ? -errno : e.fd;
}

static int do_import(int fd, int dmabuf, struct memopt_import *im)
{
	memset(im, 0, sizeof(*im));
	im->fd = dmabuf;
	return ioctl(fd, MEMOPT_IOC_IMPORT, im) ? -errno : 0;
}

/* A pool's statistic @attr (MEMOPT_A_STATS_*), or UINT64_MAX. */
static uint64_t pool_stat(int nl, uint16_t family, uint32_t pool, int attr)
{
	struct nlattr *st[GENL_MAXATTR];
	struct genl_req r;

	genl_req_init(&r, family, MEMOPT_CMD_POOL_GET, 0);
	genl_put_u32(&r, MEMOPT_A_POOL_ID, pool);
	if (genl_do(nl, &r, &testpool_rep) || !testpool_rep.tb[MEMOPT_A_POOL_STATS])
		return UINT64_MAX;
	genl_nested(testpool_rep.tb[MEMOPT_A_POOL_STATS], st);
	return st[attr] ? genl_u64(st[attr]) : UINT64_MAX;
}

/* The figures that show whether anything was allocated. */
struct counters {
	uint64_t used, total, allocs, buffers;
};

static void counters(int nl, uint16_t family, uint32_t pool, struct counters *c)
{
	c->used = pool_stat(nl, family, pool, MEMOPT_A_STATS_BLOCKS_USED);
	c->total = pool_stat(nl, family, pool, MEMOPT_A_STATS_BLOCKS_TOTAL);
	c->allocs = pool_stat(nl, family, pool, MEMOPT_A_STATS_ALLOCS);
	c->buffers = pool_stat(nl, family, pool, MEMOPT_A_STATS_BUFFERS);
}

/* Run @fn in a child with uid and gid @NOBODY; its exit status, or -1. */
static int as_nobody(int (*fn)(void *arg), void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY))
			_exit(100);
		_exit(fn(arg));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* ---------------------------------------------------------------- *
 * Offsets and handles
 * ---------------------------------------------------------------- */

/* How far around the victim's handles the guessing goes. */
#define GUESS_HANDLES 64

struct victim {
	uint32_t pool;
	uint32_t handles[3];	/* the victim's handles: 1, 2, 3 */
	uint64_t size;
};

/*
 * From a session of its own (a fresh one, holding one buffer: handle 1),
 * guess: every handle from 0 to GUESS_HANDLES and a few far ones, as an
 * mmap offset (the buffer's first page, a page inside, the whole buffer)
 * and as the handle of INFO, SET_LABEL, EXPORT and FREE. Only its own
 * handle 1 may work. Returns 0, or the step that went wrong (10 + ...).
 */
static int guess_from_another_session(void *arg)
{
	static const uint32_t far[] = {
		GUESS_HANDLES + 1, 1U << 16, (1U << 23) - 1, 1U << 23, 1U << 24,
		0x7fffffffU, 0x80000000U, UINT32_MAX,
	};
	const struct victim *v = arg;
	struct memopt_info info;
	struct memopt_alloc a;
	struct memopt_free f;
	uint32_t h, i;
	int fd;

	fd = open(DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return 10;
	/* Handle 1 of this session is its own, zero-filled buffer. */
	if (memopt_do_alloc(fd, v->pool, BS, &a) || a.handle != 1)
		return 11;
	for (i = 0; i < GUESS_HANDLES + 1 + sizeof(far) / sizeof(far[0]); i++) {
		h = i <= GUESS_HANDLES ? i : far[i - GUESS_HANDLES - 1];
		if (h == 1)
			continue;
		if (try_map(fd, (uint64_t)h << SHIFT, BS, PROT_READ) != -EINVAL ||
		    try_map(fd, ((uint64_t)h << SHIFT) + BS, BS, PROT_READ) != -EINVAL ||
		    try_map(fd, (uint64_t)h << SHIFT, v->size, PROT_READ) != -EINVAL)
			return 12;
		if (do_info(fd, h, &info) != -ENOENT)
			return 13;
		if (do_label(fd, h, "stolen") != -ENOENT)
			return 14;
		if (do_export(fd, h, 0) != -ENOENT || do_export(fd, h, MEMOPT_EXPORT_RDONLY) != -ENOENT)
			return 15;
		f.handle = h;
		f.flags = 0;
		if (ioctl(fd, MEMOPT_IOC_FREE, &f) != -1 || errno != ENOENT)
			return 16;
	}
	/* Its own handle 1 is its own buffer: zero, not the victim's pattern. */
	{
		unsigned char *p = memopt_map(fd, &a, 0, BS, PROT_READ);
		size_t j;

		if (p == MAP_FAILED)
			return 17;
		for (j = 0; j < BS; j++)
			if (p[j])
				return 18;
		munmap(p, BS);
	}
	/* The victim's handles 2 and 3 are beyond its own: past its buffer. */
	if (try_map(fd, (1ULL << SHIFT) + BS, BS, PROT_READ) != -EINVAL)
		return 19;
	close(fd);
	return 0;
}

/* The victim: three buffers full of PAT, labelled "victim". */
static void make_victim(struct __test_metadata *_metadata, int fd, uint32_t pool,
			struct victim *v)
{
	struct memopt_alloc a;
	unsigned char *p;
	int i;

	v->pool = pool;
	v->size = 2 * BS;
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, memopt_do_alloc(fd, pool, v->size, &a));
		v->handles[i] = a.handle;
		p = memopt_map(fd, &a, 0, v->size, PROT_READ | PROT_WRITE);
		ASSERT_NE(MAP_FAILED, p);
		memset(p, PAT, v->size);
		munmap(p, v->size);
		ASSERT_EQ(0, do_label(fd, a.handle, "victim"));
	}
	ASSERT_EQ(1U, v->handles[0]) TH_LOG("a fresh session's first handle is 1");
}

/* The victim's buffers are untouched: there, labelled, full of PAT. */
static void check_victim(struct __test_metadata *_metadata, int fd, const struct victim *v)
{
	struct memopt_info info;
	unsigned char *p;
	uint64_t j;
	int i;

	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, do_info(fd, v->handles[i], &info));
		EXPECT_STREQ("victim", info.label);
		p = mmap(NULL, v->size, PROT_READ, MAP_SHARED, fd, info.mmap_offset);
		ASSERT_NE(MAP_FAILED, p);
		for (j = 0; j < v->size; j++)
			ASSERT_EQ(PAT, p[j]);
		munmap(p, v->size);
	}
}

/*
 * Another session, in this process or in an unprivileged one, guesses the
 * victim's handles and offsets, and a range around them: every mmap()
 * fails with EINVAL (memopt_mmap(): the offset names no buffer of that
 * session), every INFO, SET_LABEL, EXPORT and FREE with ENOENT
 * (memopt_session_buf(), memopt_session_free()). The victim's buffers are
 * unchanged afterwards.
 */
TEST_F(sec, another_sessions_handles_and_offsets_name_nothing)
{
	struct victim v;
	int i, status;
	pid_t pid;

	make_victim(_metadata, self->fd, self->pool, &v);
	for (i = 0; i < 2; i++) {
		if (i == 0) {
			/* Same process, same credentials, another session. */
			pid = fork();
			ASSERT_LE(0, pid);
			if (pid == 0)
				_exit(guess_from_another_session(&v));
			ASSERT_EQ(pid, waitpid(pid, &status, 0));
			ASSERT_TRUE(WIFEXITED(status));
			status = WEXITSTATUS(status);
		} else {
			status = as_nobody(guess_from_another_session, &v);
		}
		EXPECT_EQ(0, status) TH_LOG("%s: step %d failed",
					    i ? "unprivileged" : "root", status - 10);
	}
	check_victim(_metadata, self->fd, &v);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, memopt_do_free(self->fd, v.handles[i]));
}

/*
 * Once freed, a handle and its offset name nothing: mmap() EINVAL, INFO,
 * SET_LABEL, EXPORT and FREE ENOENT. A mapping made before the free still
 * shows the old buffer; a new buffer that is given the same handle number
 * is a new, zero-filled buffer, not the old one.
 */
TEST_F(sec, a_freed_handle_and_its_offset_name_nothing)
{
	struct memopt_info info;
	struct memopt_alloc a, b;
	unsigned char *old, *p;
	size_t j;

	ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, 2 * BS, &a));
	old = memopt_map(self->fd, &a, 0, 2 * BS, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, old);
	memset(old, PAT, 2 * BS);
	ASSERT_EQ(0, memopt_do_free(self->fd, a.handle));

	EXPECT_EQ(-EINVAL, try_map(self->fd, a.mmap_offset, BS, PROT_READ));
	EXPECT_EQ(-EINVAL, try_map(self->fd, a.mmap_offset + BS, BS, PROT_READ));
	EXPECT_EQ(-ENOENT, do_info(self->fd, a.handle, &info));
	EXPECT_EQ(-ENOENT, do_label(self->fd, a.handle, "x"));
	EXPECT_EQ(-ENOENT, do_export(self->fd, a.handle, 0));
	EXPECT_EQ(-ENOENT, memopt_do_free(self->fd, a.handle));

	/* Handles are reused lowest first: the new buffer gets the old number. */
	ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, 2 * BS, &b));
	EXPECT_EQ(a.handle, b.handle);
	p = memopt_map(self->fd, &b, 0, 2 * BS, PROT_READ);
	ASSERT_NE(MAP_FAILED, p);
	for (j = 0; j < 2 * BS; j++) {
		ASSERT_EQ(0, p[j]) TH_LOG("byte %zu of the new buffer", j);
		ASSERT_EQ(PAT, old[j]) TH_LOG("byte %zu of the old mapping", j);
	}
	munmap(p, 2 * BS);
	munmap(old, 2 * BS);
	EXPECT_EQ(2, testpool_used(self->nl, self->family, self->pool));
	EXPECT_EQ(0, memopt_do_free(self->fd, b.handle));
}

/*
 * Buffers 1 and 2 of two pages each, side by side in the offset space: no
 * offset and length of buffer 1 reaches into buffer 2 (memopt_buf_mmap():
 * EINVAL past the buffer), however the length and the offset inside it
 * are chosen, up to the last page before buffer 2's offset. Offsets and
 * lengths that overflow are refused by the core before memopt sees them:
 * an unaligned offset or a zero length EINVAL, a length that does not fit
 * the address space ENOMEM, an offset whose end would pass 2^64 EOVERFLOW
 * (file_mmap_ok() in mm/mmap.c); offsets whose handle bits name no handle
 * (each power of two up to 2^63) reach memopt and are EINVAL.
 */
TEST_F(sec, no_offset_or_length_reaches_past_a_buffer)
{
	static const uint64_t bad_offs[] = {
		2 * BS, 3 * BS, (1ULL << SHIFT) - BS, (1ULL << SHIFT) - 2 * BS,
	};
	struct memopt_alloc a, b;
	uint64_t off;
	unsigned char *p;
	unsigned int i;

	ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, 2 * BS, &a));
	ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, 2 * BS, &b));
	ASSERT_EQ(a.handle + 1, b.handle);
	ASSERT_EQ(a.mmap_offset + (1ULL << SHIFT), b.mmap_offset);
	p = memopt_map(self->fd, &b, 0, 2 * BS, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, PAT, 2 * BS);
	munmap(p, 2 * BS);

	/* Lengths past the end, from the start and from the second page. */
	EXPECT_EQ(-EINVAL, try_map(self->fd, a.mmap_offset, 3 * BS, PROT_READ));
	EXPECT_EQ(-EINVAL, try_map(self->fd, a.mmap_offset + BS, 2 * BS, PROT_READ));
	EXPECT_EQ(-EINVAL, try_map(self->fd, a.mmap_offset, 1UL << 30, PROT_READ));
	/* Offsets past the end, up to the page before buffer 2's offset. */
	for (i = 0; i < sizeof(bad_offs) / sizeof(bad_offs[0]); i++) {
		EXPECT_EQ(-EINVAL, try_map(self->fd, a.mmap_offset + bad_offs[i], BS, PROT_READ));
		EXPECT_EQ(-EINVAL, try_map(self->fd, a.mmap_offset + bad_offs[i], 2 * BS,
					   PROT_READ));
	}
	/* Overflowing offsets and lengths: refused by the core. */
	EXPECT_EQ(-EINVAL, try_map(self->fd, a.mmap_offset + 1, BS, PROT_READ));
	EXPECT_EQ(-EINVAL, try_map(self->fd, a.mmap_offset, 0, PROT_READ));
	EXPECT_EQ(-ENOMEM, try_map(self->fd, a.mmap_offset, SIZE_MAX, PROT_READ));
	EXPECT_EQ(-ENOMEM, try_map(self->fd, a.mmap_offset, SIZE_MAX & ~(size_t)(BS - 1),
				   PROT_READ));
	EXPECT_EQ(-ENOMEM, try_map(self->fd, a.mmap_offset, 1ULL << 47, PROT_READ));
	for (off = 1ULL << 63; off; off >>= 1) {
		if (off == a.mmap_offset || off == b.mmap_offset)
			continue;
		EXPECT_EQ(-EINVAL, try_map(self->fd, off, BS, PROT_READ)) TH_LOG("offset %#llx",
			(unsigned long long)off);
	}
	EXPECT_EQ(-EOVERFLOW, try_map(self->fd, UINT64_MAX & ~(uint64_t)(BS - 1), BS, PROT_READ));
	EXPECT_EQ(-EOVERFLOW, try_map(self->fd, (UINT64_MAX & ~(uint64_t)(BS - 1)) - BS, 2 * BS,
				      PROT_READ));
	/* The last whole page of buffer 1 maps, and is buffer 1's (zero). */
	p = memopt_map(self->fd, &a, BS, BS, PROT_READ);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, p[0]);
	EXPECT_EQ(0, p[BS - 1]);
	munmap(p, BS);
	EXPECT_EQ(0, memopt_do_free(self->fd, a.handle));
	EXPECT_EQ(0, memopt_do_free(self->fd, b.handle));
}

/* ---------------------------------------------------------------- *
 * No stale or uninitialised bytes to user space: ioctls
 * ---------------------------------------------------------------- */

/* An ioctl argument followed by a guard the kernel must never write. */
#define GUARD 64

static int guard_intact(const unsigned char *g)
{
	int i;

	for (i = 0; i < GUARD; i++)
		if (g[i] != PAT)
			return 0;
	return 1;
}

/*
 * Every output struct pre-filled with 0xa5 (inputs set as they must be):
 * each output field comes back as its value, reserved fields and the
 * label's bytes after its NUL as zero, and nothing past the struct (its
 * size in the command) is written. A call that fails copies nothing back.
 */
TEST_F(sec, ioctl_outputs_carry_no_stale_bytes)
{
	struct { struct memopt_alloc a; unsigned char g[GUARD]; } al;
	struct { struct memopt_info i; unsigned char g[GUARD]; } in;
	struct { struct memopt_pool_lookup l; unsigned char g[GUARD]; } lk;
	struct { struct memopt_export e; unsigned char g[GUARD]; } ex;
	struct { struct memopt_import im; unsigned char g[GUARD]; } im;
	unsigned int info_v1 = _IOWR(MEMOPT_IOC_MAGIC, 0x02,
				     char[offsetof(struct memopt_info, handle_flags)]);
	size_t j, v1 = offsetof(struct memopt_info, handle_flags);
	uint32_t handle;
	int dfd;

	/* ALLOC: pool_id, flags, size and reserved are inputs. */
	memset(&al, PAT, sizeof(al));
	al.a.pool_id = self->pool;
	al.a.flags = 0;
	al.a.size = 3 * BS - 1;
	al.a.reserved = 0;
	ASSERT_EQ(0, ioctl(self->fd, MEMOPT_IOC_ALLOC, &al.a));
	handle = al.a.handle;
	EXPECT_LE(1U, handle);
	EXPECT_GT(1000U, handle);
	EXPECT_EQ(0U, al.a.reserved);
	EXPECT_EQ(3U * BS, al.a.size_actual);
	EXPECT_EQ((uint64_t)handle << SHIFT, al.a.mmap_offset);
	EXPECT_TRUE(guard_intact(al.g));

	/* INFO: a long label, then a short one: no byte of the long one left. */
	ASSERT_EQ(0, do_label(self->fd, handle, "0123456789abcdefghijklmnopqrstu"));
	ASSERT_EQ(0, do_label(self->fd, handle, "ab"));
	memset(&in, PAT, sizeof(in));
	in.i.handle = handle;
	in.i.flags = 0;
	ASSERT_EQ(0, ioctl(self->fd, MEMOPT_IOC_INFO, &in.i));
	EXPECT_EQ(self->pool, in.i.pool_id);
	EXPECT_EQ((uint32_t)BS, in.i.block_size);
	EXPECT_EQ(3U * BS, in.i.size);
	EXPECT_EQ((uint64_t)handle << SHIFT, in.i.mmap_offset);
	EXPECT_NE(PAT64, in.i.buf_id);
	EXPECT_LT(0U, in.i.buf_id);
	EXPECT_STREQ("ab", in.i.label);
	for (j = 3; j < sizeof(in.i.label); j++) {
		unsigned char c = in.i.label[j];

		EXPECT_EQ(0, c) TH_LOG("label byte %zu after its NUL: %#x", j, c);
	}
	EXPECT_EQ(0U, in.i.handle_flags);
	EXPECT_EQ(0U, in.i.reserved);
	EXPECT_TRUE(guard_intact(in.g));

	/* The first, 72-byte INFO: nothing written at or past byte 72. */
	memset(&in, PAT, sizeof(in));
	in.i.handle = handle;
	in.i.flags = 0;
	ASSERT_EQ(0, ioctl(self->fd, info_v1, &in.i));
	EXPECT_EQ(3U * BS, in.i.size);
	for (j = v1; j < sizeof(in.i); j++)
		EXPECT_EQ(PAT, ((unsigned char *)&in.i)[j]) TH_LOG("byte %zu", j);
	EXPECT_TRUE(guard_intact(in.g));

	/* A failed INFO copies nothing back. */
	memset(&in, PAT, sizeof(in));
	in.i.handle = handle + 1000;
	in.i.flags = 0;
	EXPECT_EQ(-1, ioctl(self->fd, MEMOPT_IOC_INFO, &in.i));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(PAT32, in.i.pool_id);
	EXPECT_EQ(PAT64, in.i.buf_id);
	EXPECT_EQ(PAT32, in.i.reserved);

	/* POOL_LOOKUP: the name is the input. */
	memset(&lk, PAT, sizeof(lk));
	memset(lk.l.name, 0, sizeof(lk.l.name));
	strcpy(lk.l.name, "sectest");
	ASSERT_EQ(0, ioctl(self->fd, MEMOPT_IOC_POOL_LOOKUP, &lk.l));
	EXPECT_EQ(self->pool, lk.l.pool_id);
	EXPECT_EQ((uint32_t)BS, lk.l.block_size);
	EXPECT_STREQ("sectest", lk.l.name);
	EXPECT_TRUE(guard_intact(lk.g));

	/* EXPORT: handle, flags, reserved in; fd out. */
	memset(&ex, PAT, sizeof(ex));
	ex.e.handle = handle;
	ex.e.flags = MEMOPT_EXPORT_CLOEXEC;
	ex.e.reserved = 0;
	ASSERT_EQ(0, ioctl(self->fd, MEMOPT_IOC_EXPORT, &ex.e));
	dfd = ex.e.fd;
	EXPECT_LE(0, dfd);
	EXPECT_EQ(0U, ex.e.reserved);
	EXPECT_TRUE(guard_intact(ex.g));

	/* IMPORT: fd, flags in; the rest out. */
	memset(&im, PAT, sizeof(im));
	im.im.fd = dfd;
	im.im.flags = 0;
	ASSERT_EQ(0, ioctl(self->fd, MEMOPT_IOC_IMPORT, &im.im));
	EXPECT_LE(1U, im.im.handle);
	EXPECT_GT(1000U, im.im.handle);
	EXPECT_EQ(0U, im.im.handle_flags);
	EXPECT_EQ(3U * BS, im.im.size);
	EXPECT_EQ((uint64_t)im.im.handle << SHIFT, im.im.mmap_offset);
	EXPECT_TRUE(guard_intact(im.g));
	close(dfd);

	EXPECT_EQ(0, memopt_do_free(self->fd, im.im.handle));
	EXPECT_EQ(0, memopt_do_free(self->fd, handle));
}

/* ---------------------------------------------------------------- *
 * No stale or uninitialised bytes to user space: netlink
 * ---------------------------------------------------------------- */

/* What a raw walk of netlink messages found. */
struct walk {
	int msgs;		/* generic netlink data messages */
	int attrs;		/* attributes, nested ones included */
	int pad;		/* alignment padding bytes checked */
	int bad;		/* problems found */
	char why[160];		/* the first of them */
	uint32_t cmds;		/* bit N: command N was seen */
};

static void walk_bad(struct walk *w, const char *what, int off, int val)
{
	if (!w->bad++)
		snprintf(w->why, sizeof(w->why), "%s at offset %d: %#x", what, off, val);
}

/* Attributes in [base, base + len): lengths in bounds, padding zero. */
static void walk_attrs(struct walk *w, const unsigned char *base, int len)
{
	const struct nlattr *a;
	int off = 0, i;

	while (off + NLA_HDRLEN <= len) {
		a = (const void *)(base + off);
		if (a->nla_len < NLA_HDRLEN || a->nla_len > len - off) {
			walk_bad(w, "attribute length out of bounds", off, a->nla_len);
			return;
		}
		w->attrs++;
		for (i = a->nla_len; i < NLA_ALIGN(a->nla_len) && off + i < len; i++) {
			w->pad++;
			if (base[off + i])
				walk_bad(w, "non-zero attribute padding", off + i, base[off + i]);
		}
		if (a->nla_type & NLA_F_NESTED)
			walk_attrs(w, base + off + NLA_HDRLEN, a->nla_len - NLA_HDRLEN);
		off += NLA_ALIGN(a->nla_len);
	}
	for (; off < len; off++) {
		w->pad++;
		if (base[off])
			walk_bad(w, "non-zero trailing bytes", off, base[off]);
	}
}

/*
 * One datagram of @len bytes: each message's header, the genlmsghdr of
 * data messages (version, reserved 0), every attribute, and the extack
 * TLVs of errors and acks. Returns the error of an NLMSG_ERROR (0: an
 * ack), 1 at NLMSG_DONE, 2 when neither was seen.
 */
static int walk_msgs(struct walk *w, uint16_t family, const unsigned char *buf, int len)
{
	const struct nlmsghdr *nlh = (const void *)buf;
	const struct genlmsghdr *g;
	const struct nlmsgerr *e;
	int ret = 2, off, i;

	for (; NLMSG_OK(nlh, (unsigned int)len); nlh = NLMSG_NEXT(nlh, len)) {
		/* The padding after this message, if another follows. */
		for (i = nlh->nlmsg_len; i < (int)NLMSG_ALIGN(nlh->nlmsg_len) && i < len; i++) {
			w->pad++;
			if (((const unsigned char *)nlh)[i])
				walk_bad(w, "non-zero message padding", i, ((const unsigned char *)nlh)[i]);
		}
		if (nlh->nlmsg_type == NLMSG_DONE)
			return 1;
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			e = NLMSG_DATA(nlh);
			off = NLMSG_HDRLEN + sizeof(*e);
			if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
				off += e->msg.nlmsg_len - NLMSG_HDRLEN;
			if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
				walk_attrs(w, (const unsigned char *)nlh + off, nlh->nlmsg_len - off);
			ret = e->error;
			continue;
		}
		if (nlh->nlmsg_type != family) {
			walk_bad(w, "message of another family", 0, nlh->nlmsg_type);
			continue;
		}
		g = NLMSG_DATA(nlh);
		w->msgs++;
		if (g->cmd < 32)
			w->cmds |= 1U << g->cmd;
		if (g->reserved)
			walk_bad(w, "non-zero genlmsghdr reserved", 2, g->reserved);
		if (g->version != MEMOPT_GENL_VERSION)
			walk_bad(w, "genlmsghdr version", 1, g->version);
		walk_attrs(w, (const unsigned char *)g + GENL_HDRLEN,
			   nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN));
	}
	return ret;
}

/* Send @r (a dump when @dump) and walk every answer: the request's error. */
static int walk_request(struct walk *w, int nl, uint16_t family, struct genl_req *r, int dump)
{
	static unsigned char buf[GENL_BUF] __attribute__((aligned(4)));
	struct nlmsghdr *nlh = (void *)r->buf;
	int len, ret;

	nlh->nlmsg_flags |= dump ? NLM_F_DUMP : NLM_F_ACK;
	if (send(nl, r->buf, nlh->nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		/* The pattern shows whatever the kernel did not write. */
		memset(buf, PAT, sizeof(buf));
		len = recv(nl, buf, sizeof(buf), 0);
		if (len < 0)
			return -errno;
		ret = walk_msgs(w, family, buf, len);
		if (ret == 1)
			return 0;
		if (ret != 2)
			return ret;
	}
}

/* Everything queued on @mon within @ms, walked; returns the messages. */
static int walk_monitor(struct walk *w, int mon, uint16_t family, int ms)
{
	static unsigned char buf[GENL_BUF] __attribute__((aligned(4)));
	struct pollfd p = { .fd = mon, .events = POLLIN };
	uint64_t end = now_ms() + ms, now;
	int len, n = 0;

	while ((now = now_ms()) < end) {
		if (poll(&p, 1, (int)(end - now)) <= 0)
			continue;
		memset(buf, PAT, sizeof(buf));
		len = recv(mon, buf, sizeof(buf), MSG_DONTWAIT);
		if (len <= 0)
			continue;
		walk_msgs(w, family, buf, len);
		n++;
	}
	return n;
}

static void put_u64(struct genl_req *r, uint16_t type, uint64_t v)
{
	genl_put(r, type, &v, sizeof(v));
}

/* Leak suspects in the leak dump, as seen by this process. */
static int leak_count(int nl, uint16_t family)
{
	struct genl_req r;

	genl_req_init(&r, family, MEMOPT_CMD_LEAK_GET, 0);
	return genl_dump(nl, &r, NULL, NULL, NULL);
}

static int nobody_sees_no_leak(void *arg)
{
	uint16_t family = *(uint16_t *)arg;
	int nl = genl_open();

	if (nl < 0)
		return 10;
	return leak_count(nl, family) == 0 ? 0 : 11;
}

/*
 * Every kind of message the family sends, walked raw: the replies to pool
 * new, set, get and del; a refusal with its extack; the pool, buffer,
 * process and leak dumps; the monitor group's create, change, delete,
 * freed, watermark, exhausted and leak notifications. Strings of every
 * length modulo 4 (pool names, labels) make padding of 1 to 3 bytes. The
 * receive buffer is filled with 0xa5 before each recv(), and every
 * genlmsghdr reserved byte and padding byte must be zero.
 * Also: the leak suspect root's buffer makes is not in an unprivileged
 * user's leak dump.
 */
TEST_F(sec, netlink_messages_carry_no_stale_bytes)
{
	static const char *const labels[] = { "a", "ab", "abc", "abcd" };
	struct genl_family_info info;
	struct memopt_pool_lookup l;
	struct memopt_alloc a[4], more;
	struct walk w = { 0 };
	struct genl_req r;
	uint32_t id = 0;
	int mon, i, n;
	uint64_t end;

	mon = genl_open();
	ASSERT_LE(0, mon);
	ASSERT_EQ(0, genl_resolve(mon, MEMOPT_GENL_NAME, &info));
	ASSERT_NE(0U, info.monitor_grp);
	ASSERT_EQ(0, genl_join(mon, info.monitor_grp));

	/* Pool new with names of length 5..8; the last one is kept. */
	for (i = 0; i < 4; i++) {
		char name[16];

		snprintf(name, sizeof(name), "sec-%.*s", i + 1, "wxyz");
		genl_req_init(&r, self->family, MEMOPT_CMD_POOL_NEW, 0);
		genl_put_str(&r, MEMOPT_A_POOL_NAME, name);
		genl_put_u32(&r, MEMOPT_A_POOL_BLOCK_SIZE, BS);
		genl_put_u32(&r, MEMOPT_A_POOL_MAX, 4);
		genl_put_u32(&r, MEMOPT_A_POOL_MODE, 0666);
		ASSERT_EQ(0, walk_request(&w, self->nl, self->family, &r, 0));
		memset(&l, 0, sizeof(l));
		strcpy(l.name, name);
		ASSERT_EQ(0, ioctl(self->fd, MEMOPT_IOC_POOL_LOOKUP, &l));
		id = l.pool_id;
		if (i < 3) {
			genl_req_init(&r, self->family, MEMOPT_CMD_POOL_DEL, 0);
			genl_put_u32(&r, MEMOPT_A_POOL_ID, id);
			ASSERT_EQ(0, walk_request(&w, self->nl, self->family, &r, 0));
		}
	}
	/* Set (watermark 50%, leak age 1 s), get, a refusal with its message. */
	genl_req_init(&r, self->family, MEMOPT_CMD_POOL_SET, 0);
	genl_put_u32(&r, MEMOPT_A_POOL_ID, id);
	genl_put_u32(&r, MEMOPT_A_POOL_WATERMARK, 50);
	genl_put_u32(&r, MEMOPT_A_POOL_LEAK_AGE, 1);
	ASSERT_EQ(0, walk_request(&w, self->nl, self->family, &r, 0));
	genl_req_init(&r, self->family, MEMOPT_CMD_POOL_GET, 0);
	genl_put_u32(&r, MEMOPT_A_POOL_ID, id);
	ASSERT_EQ(0, walk_request(&w, self->nl, self->family, &r, 0));
	genl_req_init(&r, self->family, MEMOPT_CMD_POOL_SET, 0);
	genl_put_u32(&r, MEMOPT_A_POOL_ID, id);
	genl_put_u32(&r, MEMOPT_A_POOL_MIN, 5);
	EXPECT_EQ(-EINVAL, walk_request(&w, self->nl, self->family, &r, 0));

	/* Buffers labelled with every length modulo 4; the pool exhausted. */
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, memopt_do_alloc(self->fd, id, BS, &a[i]));
		ASSERT_EQ(0, do_label(self->fd, a[i].handle, labels[i]));
	}
	EXPECT_EQ(-ENOSPC, memopt_do_alloc(self->fd, id, BS, &more));

	/* Wait for the age detector (1 s; it scans every second). */
	end = now_ms() + 5000;
	while ((n = leak_count(self->nl, self->family)) < 4 && now_ms() < end)
		usleep(100000);
	EXPECT_LE(4, n) TH_LOG("no leak suspects to dump: leak dump not covered");
	EXPECT_EQ(0, as_nobody(nobody_sees_no_leak, &self->family))
		TH_LOG("an unprivileged user sees root's leak suspects");

	genl_req_init(&r, self->family, MEMOPT_CMD_POOL_GET, 0);
	EXPECT_EQ(0, walk_request(&w, self->nl, self->family, &r, 1));
	genl_req_init(&r, self->family, MEMOPT_CMD_BUF_GET, 0);
	EXPECT_EQ(0, walk_request(&w, self->nl, self->family, &r, 1));
	genl_req_init(&r, self->family, MEMOPT_CMD_PROC_GET, 0);
	EXPECT_EQ(0, walk_request(&w, self->nl, self->family, &r, 1));
	genl_req_init(&r, self->family, MEMOPT_CMD_LEAK_GET, 0);
	EXPECT_EQ(0, walk_request(&w, self->nl, self->family, &r, 1));
	EXPECT_NE(0U, w.cmds & (1U << MEMOPT_CMD_BUF_GET));
	EXPECT_NE(0U, w.cmds & (1U << MEMOPT_CMD_PROC_GET));
	EXPECT_NE(0U, w.cmds & (1U << MEMOPT_CMD_LEAK_GET));

	for (i = 0; i < 4; i++)
		EXPECT_EQ(0, memopt_do_free(self->fd, a[i].handle));
	genl_req_init(&r, self->family, MEMOPT_CMD_POOL_DEL, 0);
	genl_put_u32(&r, MEMOPT_A_POOL_ID, id);
	ASSERT_EQ(0, walk_request(&w, self->nl, self->family, &r, 0));

	/* What the monitor heard meanwhile (and a little after). */
	w.cmds = 0;
	n = walk_monitor(&w, mon, self->family, 1500);
	TH_LOG("%d messages, %d attributes, %d padding bytes checked; monitor %d (cmds %#x)",
	       w.msgs, w.attrs, w.pad, n, w.cmds);
	EXPECT_NE(0U, w.cmds & (1U << MEMOPT_CMD_POOL_CREATE_NTF));
	EXPECT_NE(0U, w.cmds & (1U << MEMOPT_CMD_POOL_CHANGE_NTF));
	EXPECT_NE(0U, w.cmds & (1U << MEMOPT_CMD_POOL_DELETE_NTF));
	EXPECT_NE(0U, w.cmds & (1U << MEMOPT_CMD_POOL_FREED_NTF));
	EXPECT_NE(0U, w.cmds & (1U << MEMOPT_CMD_WATERMARK_NTF));
	EXPECT_NE(0U, w.cmds & (1U << MEMOPT_CMD_LEAK_NTF));
	/* Names and labels of every length modulo 4 make at least this many. */
	EXPECT_LT(50, w.pad) TH_LOG("too few padding bytes to tell anything");
	EXPECT_EQ(0, w.bad) TH_LOG("%d problems; the first: %s", w.bad, w.why);
	close(mon);
}

/* ---------------------------------------------------------------- *
 * Integer overflow on every size and count
 * ---------------------------------------------------------------- */

/* The module's global cap in pages (memopt_cap_pages() in main.c). */
static uint64_t cap_pages(void)
{
	unsigned long mb = 0, kib = 0;
	char line[128];
	FILE *f;

	f = fopen("/sys/module/memopt/parameters/max_memory_mb", "r");
	if (f) {
		if (fscanf(f, "%lu", &mb) != 1)
			mb = 0;
		fclose(f);
	}
	if (mb)
		return (uint64_t)mb << 8;
	f = fopen("/proc/meminfo", "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %lu kB", &kib) == 1)
			break;
	fclose(f);
	return kib / 4 / 2;	/* half of totalram_pages() */
}

static void expect_counters(struct __test_metadata *_metadata, const struct counters *was,
			    const struct counters *now)
{
	EXPECT_EQ(was->used, now->used);
	EXPECT_EQ(was->total, now->total);
	EXPECT_EQ(was->allocs, now->allocs);
	EXPECT_EQ(was->buffers, now->buffers);
}

/*
 * Sizes at the edges of every type they pass through: 0; the top of u64
 * and just below it, where rounding up to whole blocks would wrap; the
 * largest buffer (MEMOPT_BUF_MAX, 2^40) and one byte more; sizes whose
 * block count does not fit 32 bits; one byte past the pool's max and past
 * the global cap (on a pool without max, and on one whose max is
 * U32_MAX). Each is EINVAL (memopt_buf_blocks(): more than the pool could
 * ever hold), and the pools' counters do not move.
 */
TEST_F(sec, allocation_sizes_that_overflow_are_einval)
{
	uint64_t cap = cap_pages();
	const uint64_t sizes[] = {
		0, UINT64_MAX, UINT64_MAX - BS + 2, UINT64_MAX - BS + 1, INT64_MAX,
		(uint64_t)INT64_MAX + 1, 1ULL << 40, (1ULL << 40) + 1, 1ULL << 44,
		(1ULL << 44) + 1, (1ULL << 44) + BS, (1ULL << 32) * BS - 1,
		(uint64_t)UINT32_MAX * BS, (uint64_t)UINT32_MAX * BS + 1, cap * BS + 1,
	};
	struct counters was, now;
	struct memopt_alloc a;
	uint32_t pools[3];
	unsigned int i, p;

	ASSERT_LT(1000U, cap);
	pools[0] = self->pool;
	pools[1] = testpool_create(self->nl, self->family, "sec-nomax", BS, 0, 0666);
	ASSERT_NE(0U, pools[1]) TH_LOG("%s", testpool_rep.msg);
	pools[2] = testpool_create(self->nl, self->family, "sec-u32max", BS, UINT32_MAX, 0666);
	ASSERT_NE(0U, pools[2]) TH_LOG("%s", testpool_rep.msg);
	for (p = 0; p < 3; p++) {
		counters(self->nl, self->family, pools[p], &was);
		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			unsigned long long size = sizes[i];

			EXPECT_EQ(-EINVAL, memopt_do_alloc(self->fd, pools[p], size, &a))
				TH_LOG("pool %u, size %#llx", p, size);
		}
		if (p == 0)
			EXPECT_EQ(-EINVAL, memopt_do_alloc(self->fd, pools[p],
							   (uint64_t)POOL_MAX * BS + 1, &a));
		counters(self->nl, self->family, pools[p], &now);
		expect_counters(_metadata, &was, &now);
	}
	/* One block still works on each: nothing was left half-done. */
	for (p = 0; p < 3; p++) {
		ASSERT_EQ(0, memopt_do_alloc(self->fd, pools[p], 1, &a));
		EXPECT_EQ((uint64_t)BS, a.size_actual);
		EXPECT_EQ(0, memopt_do_free(self->fd, a.handle));
	}
	EXPECT_EQ(0, testpool_destroy(self->nl, self->family, pools[1]));
	EXPECT_EQ(0, testpool_destroy(self->nl, self->family, pools[2]));
}

/* A pool-new request for the overflow table. */
struct bad_attr {
	const char *what;
	uint16_t attr;		/* 0: none beyond the block size */
	uint64_t value;
	int len;		/* of the value: 4 or 8 */
	uint32_t block_size;
	uint16_t attr2;		/* a second attribute, 0: none */
	uint32_t value2;
	int error;
};

static int send_new(int nl, uint16_t family, const char *name, const struct bad_attr *b)
{
	struct genl_req r;
	uint32_t v32 = (uint32_t)b->value;

	genl_req_init(&r, family, MEMOPT_CMD_POOL_NEW, 0);
	genl_put_str(&r, MEMOPT_A_POOL_NAME, name);
	genl_put_u32(&r, MEMOPT_A_POOL_BLOCK_SIZE, b->block_size);
	if (b->attr)
		genl_put(&r, b->attr, b->len == 8 ? (void *)&b->value : (void *)&v32, b->len);
	if (b->attr2)
		genl_put_u32(&r, b->attr2, b->value2);
	return genl_do(nl, &r, &testpool_rep);
}

static int send_set(int nl, uint16_t family, uint32_t pool, const struct bad_attr *b)
{
	struct genl_req r;
	uint32_t v32 = (uint32_t)b->value;

	genl_req_init(&r, family, MEMOPT_CMD_POOL_SET, 0);
	genl_put_u32(&r, MEMOPT_A_POOL_ID, pool);
	genl_put(&r, b->attr, b->len == 8 ? (void *)&b->value : (void *)&v32, b->len);
	if (b->attr2)
		genl_put_u32(&r, b->attr2, b->value2);
	return genl_do(nl, &r, &testpool_rep);
}

/*
 * Large but valid values are accepted and echoed as given: the longest
 * name, the largest block size, max, leak age, growth and growth window
 * at the top of their type.
 */
static void expect_large_values_accepted(struct __test_metadata *_metadata, int nl,
					 uint16_t family)
{
	struct nlattr **tb = testpool_rep.tb;
	struct genl_req r;

	ASSERT_EQ(MEMOPT_POOL_NAME_SIZE - 1, (int)strlen(LONG_NAME));
	genl_req_init(&r, family, MEMOPT_CMD_POOL_NEW, 0);
	genl_put_str(&r, MEMOPT_A_POOL_NAME, LONG_NAME);
	genl_put_u32(&r, MEMOPT_A_POOL_BLOCK_SIZE, MEMOPT_BLOCK_SIZE_MAX);
	genl_put_u32(&r, MEMOPT_A_POOL_MAX, UINT32_MAX);
	genl_put_u32(&r, MEMOPT_A_POOL_WATERMARK, MEMOPT_WATERMARK_MAX);
	genl_put_u32(&r, MEMOPT_A_POOL_LEAK_AGE, UINT32_MAX);
	genl_put_u32(&r, MEMOPT_A_POOL_MODE, MEMOPT_POOL_MODE_MAX);
	put_u64(&r, MEMOPT_A_POOL_GROWTH, UINT64_MAX);
	genl_put_u32(&r, MEMOPT_A_POOL_GROWTH_WINDOW, UINT32_MAX);
	ASSERT_EQ(0, genl_do(nl, &r, &testpool_rep)) TH_LOG("%s", testpool_rep.msg);
	EXPECT_STREQ(LONG_NAME, genl_str(tb[MEMOPT_A_POOL_NAME]));
	EXPECT_EQ(UINT32_MAX, genl_u32(tb[MEMOPT_A_POOL_MAX]));
	EXPECT_EQ(UINT32_MAX, genl_u32(tb[MEMOPT_A_POOL_LEAK_AGE]));
	EXPECT_EQ(UINT64_MAX, genl_u64(tb[MEMOPT_A_POOL_GROWTH]));
	EXPECT_EQ(UINT32_MAX, genl_u32(tb[MEMOPT_A_POOL_GROWTH_WINDOW]));
	EXPECT_EQ(0, testpool_destroy(nl, family, genl_u32(tb[MEMOPT_A_POOL_ID])));
}

/*
 * Pool attributes at the top of their range and just past their limits,
 * in pool new and pool set. The policy refuses what is out of its range
 * with ERANGE (block size, watermark, mode, growth window); the pool core
 * refuses with EINVAL what the policy cannot see (min above max, ids not
 * mapped: uid/gid (u32)-1 is INVALID_UID) and with ENOMEM a reserve the
 * global cap cannot hold (U32_MAX blocks of 4 MiB: min * block size does
 * not fit 32 bits, nor 4 GiB + 4 MiB). Nothing is created, the pool being
 * changed keeps its settings and has no block in use. Values that are
 * merely large (max, leak age, growth, growth window at the top of their
 * type) are accepted and echoed; a 31-character name is accepted.
 * (Block size 0, not a page multiple or above 4 MiB, watermark 101 and a
 * 32-character name: pool_test's bad_new.)
 */
TEST_F(sec, pool_attributes_that_overflow_are_refused)
{
	static const struct bad_attr bad[] = {
		{ "block size U32_MAX", 0, 0, 4, UINT32_MAX, 0, 0, -ERANGE },
		{ "block size U32_MAX, page aligned", 0, 0, 4, UINT32_MAX & ~4095U, 0, 0, -ERANGE },
		{ "block size 4 MiB + 4 KiB", 0, 0, 4, (4U << 20) + BS, 0, 0, -ERANGE },
		{ "watermark U32_MAX", MEMOPT_A_POOL_WATERMARK, UINT32_MAX, 4, BS, 0, 0, -ERANGE },
		{ "mode U32_MAX", MEMOPT_A_POOL_MODE, UINT32_MAX, 4, BS, 0, 0, -ERANGE },
		{ "mode 01000", MEMOPT_A_POOL_MODE, 01000, 4, BS, 0, 0, -ERANGE },
		{ "growth window 0", MEMOPT_A_POOL_GROWTH_WINDOW, 0, 4, BS, 0, 0, -ERANGE },
		{ "uid (u32)-1", MEMOPT_A_POOL_UID, UINT32_MAX, 4, BS, 0, 0, -EINVAL },
		{ "gid (u32)-1", MEMOPT_A_POOL_GID, UINT32_MAX, 4, BS, 0, 0, -EINVAL },
		{ "min U32_MAX above max U32_MAX - 1", MEMOPT_A_POOL_MIN, UINT32_MAX, 4, BS,
		  MEMOPT_A_POOL_MAX, UINT32_MAX - 1, -EINVAL },
		{ "min U32_MAX above max 1", MEMOPT_A_POOL_MIN, UINT32_MAX, 4, BS,
		  MEMOPT_A_POOL_MAX, 1, -EINVAL },
		{ "min U32_MAX of 4 MiB", MEMOPT_A_POOL_MIN, UINT32_MAX, 4, 4U << 20, 0, 0,
		  -ENOMEM },
		{ "a u32 as 8 bytes", MEMOPT_A_POOL_MAX, 1ULL << 32, 8, BS, 0, 0, -EINVAL },
	};
	struct memopt_pool_lookup l = { .name = "sec-bad" };
	struct bad_attr ok = { .block_size = BS };
	struct counters was, now;
	uint32_t min_was;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(bad[i].error, send_new(self->nl, self->family, "sec-bad", &bad[i]))
			TH_LOG("pool new, %s: %s", bad[i].what, testpool_rep.msg);
		EXPECT_EQ(-1, ioctl(self->fd, MEMOPT_IOC_POOL_LOOKUP, &l));
		EXPECT_EQ(ENOENT, errno) TH_LOG("%s: a pool was created", bad[i].what);
	}

	/* The same on an existing pool (the block size cannot be set). */
	counters(self->nl, self->family, self->pool, &was);
	min_was = genl_u32(testpool_rep.tb[MEMOPT_A_POOL_MIN]);
	for (i = 3; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (bad[i].block_size != BS)
			continue;
		EXPECT_EQ(bad[i].error, send_set(self->nl, self->family, self->pool, &bad[i]))
			TH_LOG("pool set, %s: %s", bad[i].what, testpool_rep.msg);
	}
	ok.attr = MEMOPT_A_POOL_MIN;
	ok.value = UINT32_MAX - 1;
	ok.len = 4;
	EXPECT_EQ(-EINVAL, send_set(self->nl, self->family, self->pool, &ok))
		TH_LOG("min U32_MAX - 1 above max %d: %s", POOL_MAX, testpool_rep.msg);
	counters(self->nl, self->family, self->pool, &now);
	expect_counters(_metadata, &was, &now);
	EXPECT_EQ(min_was, genl_u32(testpool_rep.tb[MEMOPT_A_POOL_MIN]));
	EXPECT_EQ((uint32_t)POOL_MAX, genl_u32(testpool_rep.tb[MEMOPT_A_POOL_MAX]));
	EXPECT_EQ(0666U, genl_u32(testpool_rep.tb[MEMOPT_A_POOL_MODE]));
	EXPECT_EQ(0U, genl_u32(testpool_rep.tb[MEMOPT_A_POOL_WATERMARK]));

	/* Large but valid: accepted and echoed as given. */
	expect_large_values_accepted(_metadata, self->nl, self->family);
}

/* Buffers of this process in the buffer dump, with an age filter of @ms. */
static int bufs_at_least(int nl, uint16_t family, uint32_t pool, uint64_t ms)
{
	struct genl_req r;

	genl_req_init(&r, family, MEMOPT_CMD_BUF_GET, 0);
	genl_put_u32(&r, MEMOPT_A_BUF_POOL_ID, pool);
	put_u64(&r, MEMOPT_A_BUF_AGE_MS, ms);
	return genl_dump(nl, &r, NULL, NULL, NULL);
}

/* A dump request with one u32 filter: its error. */
static int dump_u32(int nl, uint16_t family, uint8_t cmd, uint16_t attr, uint32_t v)
{
	struct genl_req r;

	genl_req_init(&r, family, cmd, 0);
	genl_put_u32(&r, attr, v);
	return genl_dump(nl, &r, NULL, NULL, NULL);
}

/*
 * The dumps' filters at their edges: ids and pids of 0 are out of the
 * policy's range (ERANGE); a 32-character label has no room for its NUL
 * (EINVAL, the policy's NUL_STRING check), a 31-character one is fine.
 * A minimum age in ms is turned into ns: ages whose ns do not fit 64 bits
 * (U64_MAX, and 2^64 / 10^6 rounded up, which would wrap to 0.45 ms) mean
 * "older than anything can be" and match no buffer, not every buffer.
 */
TEST_F(sec, dump_filters_that_overflow_match_nothing)
{
	char label[MEMOPT_LABEL_SIZE + 1];
	const uint64_t wraps = UINT64_MAX / 1000000 + 1;
	struct memopt_alloc a;
	struct genl_req r;

	ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, BS, &a));
	usleep(20000);
	EXPECT_EQ(1, bufs_at_least(self->nl, self->family, self->pool, 0));
	EXPECT_EQ(1, bufs_at_least(self->nl, self->family, self->pool, 1));
	EXPECT_EQ(0, bufs_at_least(self->nl, self->family, self->pool, 3600 * 1000));
	EXPECT_EQ(0, bufs_at_least(self->nl, self->family, self->pool, wraps))
		TH_LOG("a minimum age of %llu ms matched a 20 ms old buffer",
		       (unsigned long long)wraps);
	EXPECT_EQ(0, bufs_at_least(self->nl, self->family, self->pool, UINT64_MAX));

	EXPECT_EQ(-ERANGE, dump_u32(self->nl, self->family, MEMOPT_CMD_BUF_GET,
				    MEMOPT_A_BUF_POOL_ID, 0));
	EXPECT_EQ(-ERANGE, dump_u32(self->nl, self->family, MEMOPT_CMD_BUF_GET,
				    MEMOPT_A_BUF_OWNER_PID, 0));
	EXPECT_EQ(-ERANGE, dump_u32(self->nl, self->family, MEMOPT_CMD_PROC_GET,
				    MEMOPT_A_PROC_PID, 0));
	EXPECT_EQ(-ERANGE, dump_u32(self->nl, self->family, MEMOPT_CMD_PROC_GET,
				    MEMOPT_A_PROC_POOL_ID, 0));
	EXPECT_EQ(0, dump_u32(self->nl, self->family, MEMOPT_CMD_BUF_GET,
			      MEMOPT_A_BUF_POOL_ID, UINT32_MAX));
	EXPECT_EQ(0, dump_u32(self->nl, self->family, MEMOPT_CMD_PROC_GET,
			      MEMOPT_A_PROC_PID, UINT32_MAX));

	memset(label, 'x', sizeof(label));
	label[MEMOPT_LABEL_SIZE] = '\0';
	genl_req_init(&r, self->family, MEMOPT_CMD_BUF_GET, 0);
	genl_put_str(&r, MEMOPT_A_BUF_LABEL, label);
	EXPECT_EQ(-EINVAL, genl_dump(self->nl, &r, NULL, NULL, NULL));
	label[MEMOPT_LABEL_SIZE - 1] = '\0';
	ASSERT_EQ(0, do_label(self->fd, a.handle, label));
	genl_req_init(&r, self->family, MEMOPT_CMD_BUF_GET, 0);
	genl_put_str(&r, MEMOPT_A_BUF_LABEL, label);
	EXPECT_EQ(1, genl_dump(self->nl, &r, NULL, NULL, NULL));
	EXPECT_EQ(0, memopt_do_free(self->fd, a.handle));
}

/* ---------------------------------------------------------------- *
 * Use-after-free races
 * ---------------------------------------------------------------- */

/* How long each race runs: long enough for many rounds under TCG. */
#define RACE_MS 3000

enum race_op { OP_ALLOC_FREE, OP_MAP, OP_EXPORT, OP_IMPORT, OP_INFO, OP_LABEL, OP_CNT };

static const char *const op_names[OP_CNT] = {
	"alloc+free", "mmap", "export", "import", "info", "label",
};

struct race {
	int fd;
	uint32_t pool;
	atomic_uint handle;	/* the handle the freeing thread last allocated */
	atomic_int dmabuf;	/* an exported fd, -1: none */
	atomic_int stop;
	atomic_int bad;		/* first unexpected result: op << 16 | errno */
	atomic_ulong ok[OP_CNT], failed[OP_CNT];
	int closing;		/* the session is closed under the threads */
};

struct racer {
	struct race *r;
	enum race_op op;
	pthread_t tid;
};

static void race_bad(struct race *r, enum race_op op, int err)
{
	int none = 0;

	atomic_compare_exchange_strong(&r->bad, &none, (int)op << 16 | (err & 0xffff));
}

/*
 * Whether @err is what the documentation allows @op to fail with here:
 * the handle was freed (ENOENT; EINVAL for an offset that names no
 * buffer), the pool is full (ENOSPC), the dma-buf fd was closed (EBADF)
 * or its number now names another file (EINVAL), the session was closed
 * (EBADF, when closing).
 */
static int race_allowed(const struct race *r, enum race_op op, int err)
{
	if (r->closing && err == EBADF)
		return 1;
	switch (op) {
	case OP_ALLOC_FREE:
		return err == ENOSPC;
	case OP_MAP:
		return err == EINVAL;
	case OP_EXPORT:
	case OP_INFO:
	case OP_LABEL:
		return err == ENOENT;
	case OP_IMPORT:
		return err == EBADF || err == EINVAL || err == ENOENT;
	default:
		return 0;
	}
}

/* One round of @op; 0, or the errno it failed with. */
static int race_round(struct race *r, enum race_op op)
{
	uint32_t h = atomic_load(&r->handle);
	struct memopt_import im;
	struct memopt_info info;
	struct memopt_alloc a;
	unsigned char *p;
	int ret, fd;

	switch (op) {
	case OP_ALLOC_FREE:
		ret = memopt_do_alloc(r->fd, r->pool, 2 * BS, &a);
		if (ret)
			return -ret;
		atomic_store(&r->handle, a.handle);
		/* A free of one's own handle cannot fail (but for a closed fd). */
		ret = memopt_do_free(r->fd, a.handle);
		return ret ? (r->closing ? -ret : 1000 - ret) : 0;
	case OP_MAP:
		p = mmap(NULL, 2 * BS, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd,
			 (off_t)((uint64_t)h << SHIFT));
		if (p == MAP_FAILED)
			return errno;
		/* The mapping holds the buffer, freed handle or not. */
		p[0] = 1;
		p[2 * BS - 1] = 2;
		munmap(p, 2 * BS);
		return 0;
	case OP_EXPORT:
		fd = do_export(r->fd, h, MEMOPT_EXPORT_CLOEXEC);
		if (fd < 0)
			return -fd;
		/* Publish it for the importer; close the one it replaces. */
		fd = atomic_exchange(&r->dmabuf, fd);
		if (fd >= 0)
			close(fd);
		return 0;
	case OP_IMPORT:
		/* The published fd, which the exporter may be closing. */
		fd = atomic_load(&r->dmabuf);
		ret = do_import(r->fd, fd, &im);
		if (ret)
			return -ret;
		p = mmap(NULL, im.size, PROT_READ, MAP_SHARED, r->fd, (off_t)im.mmap_offset);
		if (p != MAP_FAILED)
			munmap(p, im.size);
		ret = memopt_do_free(r->fd, im.handle);
		return ret ? (r->closing ? -ret : 1000 - ret) : 0;
	case OP_INFO:
		ret = do_info(r->fd, h, &info);
		if (!ret && (info.handle != h || info.size != 2 * BS))
			return 2000;
		return -ret;
	case OP_LABEL:
		return -do_label(r->fd, h, "race");
	default:
		return 3000;
	}
}

static void *racer_main(void *arg)
{
	struct racer *t = arg;
	struct race *r = t->r;
	int err;

	while (!atomic_load(&r->stop)) {
		err = race_round(r, t->op);
		if (!err) {
			atomic_fetch_add(&r->ok[t->op], 1);
			continue;
		}
		atomic_fetch_add(&r->failed[t->op], 1);
		if (!race_allowed(r, t->op, err)) {
			race_bad(r, t->op, err);
			break;
		}
		/* A closed session answers nothing more. */
		if (r->closing && err == EBADF)
			break;
	}
	return NULL;
}

static void race_start(struct racer *t, struct race *r)
{
	int i;

	for (i = 0; i < OP_CNT; i++) {
		t[i].r = r;
		t[i].op = i;
		pthread_create(&t[i].tid, NULL, racer_main, &t[i]);
	}
}

static void race_join(struct racer *t)
{
	int i;

	for (i = 0; i < OP_CNT; i++)
		pthread_join(t[i].tid, NULL);
}

static void race_report(struct __test_metadata *_metadata, struct race *r)
{
	int bad = atomic_load(&r->bad), i;

	for (i = 0; i < OP_CNT; i++)
		TH_LOG("%-10s %lu ok, %lu failed as allowed", op_names[i],
		       atomic_load(&r->ok[i]), atomic_load(&r->failed[i]));
	EXPECT_EQ(0, bad) TH_LOG("%s failed with %d (%s)", op_names[bad >> 16], bad & 0xffff,
				 strerror(bad & 0xffff));
}

/*
 * Six threads of one session for RACE_MS: one allocates and frees
 * buffers, the others map, export, import the exported dma-buf fds (which
 * the exporter closes as it replaces them), query and label whatever
 * handle it last had. Every call succeeds or fails as documented; when
 * all have stopped and the last dma-buf fd is closed, every block is back.
 */
TEST_F_TIMEOUT(sec, freeing_races_map_export_import_info_label, 60)
{
	struct racer t[OP_CNT];
	struct race r = { .fd = self->fd, .pool = self->pool };
	int fd;

	atomic_store(&r.dmabuf, -1);
	race_start(t, &r);
	usleep(RACE_MS * 1000);
	atomic_store(&r.stop, 1);
	race_join(t);
	fd = atomic_load(&r.dmabuf);
	if (fd >= 0)
		close(fd);
	race_report(_metadata, &r);
	EXPECT_LT(0UL, atomic_load(&r.ok[OP_ALLOC_FREE]));
	EXPECT_LT(0UL, atomic_load(&r.ok[OP_MAP]));
	EXPECT_LT(0UL, atomic_load(&r.ok[OP_EXPORT]));
	EXPECT_LT(0UL, atomic_load(&r.ok[OP_IMPORT]));
	EXPECT_EQ(0, testpool_used(self->nl, self->family, self->pool));
}

/*
 * A session closed while its threads map, import, query, label, allocate
 * and free through it: each call succeeds, fails as documented, or fails
 * with EBADF once the fd is gone (the threads create no fd meanwhile, so
 * the number is not reused). Rounds of a new session each, for RACE_MS;
 * then every block is back, with the mappings made meanwhile unmapped.
 */
TEST_F_TIMEOUT(sec, closing_the_session_races_its_users, 60)
{
	uint64_t end = now_ms() + RACE_MS;
	struct memopt_alloc a;
	struct racer t[OP_CNT];
	struct race r;
	int rounds = 0, bad = 0, i, dfd;

	while (now_ms() < end && !bad) {
		memset(&r, 0, sizeof(r));
		r.closing = 1;
		r.pool = self->pool;
		r.fd = open(DEV, O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, r.fd);
		ASSERT_EQ(0, memopt_do_alloc(r.fd, r.pool, 2 * BS, &a));
		atomic_store(&r.handle, a.handle);
		/* Exported before the race: the exporter only publishes its own. */
		dfd = do_export(r.fd, a.handle, MEMOPT_EXPORT_CLOEXEC);
		ASSERT_LE(0, dfd);
		atomic_store(&r.dmabuf, dfd);
		for (i = 0; i < OP_CNT; i++) {
			t[i].r = &r;
			t[i].op = i == OP_EXPORT ? OP_INFO : i;
			pthread_create(&t[i].tid, NULL, racer_main, &t[i]);
		}
		usleep(500 + (rounds % 8) * 500);
		close(r.fd);
		usleep(1000);
		atomic_store(&r.stop, 1);
		race_join(t);
		close(dfd);
		bad = atomic_load(&r.bad);
		rounds++;
	}
	TH_LOG("%d rounds; the last one:", rounds);
	race_report(_metadata, &r);
	EXPECT_EQ(0, testpool_used(self->nl, self->family, self->pool));
}

/* ---------------------------------------------------------------- *
 * Only memopt's own dma-bufs are imported
 * ---------------------------------------------------------------- */

/*
 * fds of kinds dmabuf_test's export_and_import_errors does not try
 * (memfd, regular file, socket, /dev/memopt are there; dma-heap and
 * udmabuf dma-bufs in their own tests): pipe ends, an eventfd, a
 * character device, a netlink socket, a directory are not dma-bufs
 * (EINVAL, memopt_dmabuf_import()); an O_PATH fd is no open file to
 * dma_buf_get() (EBADF). Nothing gets a handle.
 */
TEST_F(sec, import_refuses_every_other_kind_of_fd)
{
	struct memopt_import im;
	int fds[7], pipefd[2], i;

	ASSERT_EQ(0, pipe2(pipefd, O_CLOEXEC));
	fds[0] = pipefd[0];
	fds[1] = pipefd[1];
	fds[2] = eventfd(0, EFD_CLOEXEC);
	fds[3] = open("/dev/null", O_RDWR | O_CLOEXEC);
	fds[4] = self->nl;
	fds[5] = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fds[6] = open(DEV, O_PATH | O_CLOEXEC);
	for (i = 0; i < 7; i++) {
		ASSERT_LE(0, fds[i]) TH_LOG("fd %d", i);
		EXPECT_EQ(i == 6 ? -EBADF : -EINVAL, do_import(self->fd, fds[i], &im))
			TH_LOG("fd kind %d", i);
		if (i != 4)
			close(fds[i]);
	}
	EXPECT_EQ(-ENOENT, memopt_do_free(self->fd, 1));
	EXPECT_EQ(0, testpool_used(self->nl, self->family, self->pool));
}

/* ---------------------------------------------------------------- *
 * Zeroed before reuse, after allocations refused part way
 * ---------------------------------------------------------------- */

/*
 * An allocation refused at the pool's max after it took blocks (from
 * this CPU's magazine and the slabs: the ones just freed, dirty before)
 * gives them back; the next owner of each still finds it zero. All 64
 * blocks are dirtied and freed, then 16 stay held, and 49 are asked for
 * (ENOSPC, part way), then 48 are allocated and read. (Partial failures
 * for want of memory: failnth_test's nth_buf, on the debug kernel.)
 */
TEST_F(sec, a_refused_allocation_hands_out_no_old_contents)
{
	struct memopt_alloc all, held, more;
	unsigned char *p;
	size_t j;
	int round;

	for (round = 0; round < 3; round++) {
		ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, POOL_MAX * BS, &all));
		p = memopt_map(self->fd, &all, 0, all.size_actual, PROT_READ | PROT_WRITE);
		ASSERT_NE(MAP_FAILED, p);
		memset(p, PAT, all.size_actual);
		munmap(p, all.size_actual);
		ASSERT_EQ(0, memopt_do_free(self->fd, all.handle));

		ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, 16 * BS, &held));
		EXPECT_EQ(-ENOSPC, memopt_do_alloc(self->fd, self->pool, 49 * BS, &more));
		EXPECT_EQ(16, testpool_used(self->nl, self->family, self->pool));
		ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, 48 * BS, &more));
		p = memopt_map(self->fd, &more, 0, more.size_actual, PROT_READ);
		ASSERT_NE(MAP_FAILED, p);
		for (j = 0; j < more.size_actual; j++)
			ASSERT_EQ(0, p[j]) TH_LOG("round %d, byte %zu", round, j);
		munmap(p, more.size_actual);
		p = memopt_map(self->fd, &held, 0, held.size_actual, PROT_READ);
		ASSERT_NE(MAP_FAILED, p);
		for (j = 0; j < held.size_actual; j++)
			ASSERT_EQ(0, p[j]) TH_LOG("round %d, byte %zu", round, j);
		munmap(p, held.size_actual);
		ASSERT_EQ(0, memopt_do_free(self->fd, more.handle));
		ASSERT_EQ(0, memopt_do_free(self->fd, held.handle));
	}
}

TEST_HARNESS_MAIN
