// SPDX-License-Identifier: GPL-2.0
/*
 * A pool request that fails for want of memory changes nothing.
 *
 * With the kernel's fail-nth fault injection (/proc/thread-self/fail-nth,
 * CONFIG_FAULT_INJECTION; the debug kernel has it), the N-th allocation of
 * the next calls of this thread fails, for N = 1, 2, ... until a request
 * gets through with no failure left to inject: every allocation on the way
 * of pool new, set and del fails once. Whenever the request reports ENOMEM,
 * the pool must be as before: not created, not changed, not destroyed
 * (once, the reply was allocated after the change and its failure reported
 * a change that had been made). ENOBUFS is netlink's own report of a
 * message it could not deliver (the reply or the ack), after the request
 * ran: no conclusion is drawn from it.
 *
 * failslab must be allowed to fail GFP_KERNEL allocations
 * (ignore-gfp-wait) and must not print a stack trace for each failure
 * (verbose), which the fixture sets and restores. Skips where the
 * kernel has no fail-nth or no failslab in debugfs.
 *
 * Buffer allocations that fail part way must, besides, never hand out
 * old contents: see the nth_buf fixture below.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/memopt.h>

#include "kselftest_harness.h"
#include "testpool.h"

#define FAIL_NTH	"/proc/thread-self/fail-nth"
#define IGNORE_WAIT	"/sys/kernel/debug/failslab/ignore-gfp-wait"
#define VERBOSE		"/sys/kernel/debug/failslab/verbose"
#define NTH_MAX		400

/* Write @s to @path; 0 or -errno. */
static int put_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		ret = -errno;
	close(fd);
	return ret;
}

/* Up to @len - 1 bytes of @path, NUL-terminated; 0 or -errno. */
static int get_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return 0;
}

/*
 * This thread's fail-nth, open from the fixture's setup on: reading and
 * writing it allocate nothing, so arming and reading it back count no
 * allocation of their own (opening it would).
 */
static int nth_fd = -1;

/* Arm fail-nth at @n (0 disarms). */
static int arm(int n)
{
	char s[16];
	int len = snprintf(s, sizeof(s), "%d", n);

	return pwrite(nth_fd, s, len, 0) == len ? 0 : -errno;
}

/* Whether the armed failure was injected; disarms. */
static int fired(void)
{
	char s[16];
	ssize_t len = pread(nth_fd, s, sizeof(s) - 1, 0);

	arm(0);
	if (len <= 0)
		return 0;
	s[len] = 0;
	return atoi(s) == 0;
}

/* The id of pool @name, 0 when there is none. */
static uint32_t lookup(int fd, const char *name)
{
	struct memopt_pool_lookup l = { 0 };

	snprintf(l.name, sizeof(l.name), "%s", name);
	return ioctl(fd, MEMOPT_IOC_POOL_LOOKUP, &l) ? 0 : l.pool_id;
}

FIXTURE(nth) {
	int fd, nl;
	uint16_t family;
	char ignore_was[8];
	char verbose_was[8];
};

FIXTURE_SETUP(nth)
{
	int ret;

	self->fd = self->nl = -1;
	self->ignore_was[0] = self->verbose_was[0] = 0;
	nth_fd = open(FAIL_NTH, O_RDWR | O_CLOEXEC);
	if (nth_fd < 0)
		SKIP(return, FAIL_NTH " missing: the kernel has no fault injection");
	if (get_file(IGNORE_WAIT, self->ignore_was, sizeof(self->ignore_was)))
		SKIP(return, IGNORE_WAIT " missing: no failslab in debugfs");
	ASSERT_EQ(0, put_file(IGNORE_WAIT, "N"));
	/* Each injected failure would print a stack trace: a splat to vm.sh. */
	ASSERT_EQ(0, get_file(VERBOSE, self->verbose_was, sizeof(self->verbose_was)));
	ASSERT_EQ(0, put_file(VERBOSE, "0"));
	ret = testpool_open(&self->fd, &self->nl, &self->family);
	if (ret == -ENOENT)
		SKIP(return, DEV " does not exist: memopt.ko not loaded");
	ASSERT_EQ(0, ret);
}

FIXTURE_TEARDOWN(nth)
{
	static const char *const names[] = { "fn-new", "fn-set", "fn-del" };
	unsigned int i;
	uint32_t id;

	if (nth_fd >= 0) {
		arm(0);
		close(nth_fd);
		nth_fd = -1;
	}
	if (self->ignore_was[0])
		put_file(IGNORE_WAIT, self->ignore_was);
	if (self->verbose_was[0])
		put_file(VERBOSE, self->verbose_was);
	/* A test stopped half-way leaves no pool behind. */
	for (i = 0; self->fd >= 0 && self->nl >= 0 && i < 3; i++) {
		id = lookup(self->fd, names[i]);
		if (id)
			testpool_destroy(self->nl, self->family, id);
	}
	if (self->nl >= 0)
		close(self->nl);
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * A failure injected into netlink's own delivery (the reply, the ack) leaves
 * an error pending on the socket and messages queued behind it, which the
 * next request would take for its answers: start again on a new socket.
 */
static int fresh_socket(int *nl)
{
	struct genl_family_info info;

	close(*nl);
	*nl = genl_open();
	if (*nl < 0)
		return *nl;
	return genl_resolve(*nl, MEMOPT_GENL_NAME, &info);
}

TEST_F(nth, pool_new_enomem_creates_nothing)
{
	int n, enomem = 0, ret;
	uint32_t id;

	for (n = 1; n <= NTH_MAX; n++) {
		ASSERT_EQ(0, arm(n));
		id = testpool_create(self->nl, self->family, "fn-new", 4096, 0, 0660);
		ret = testpool_rep.error;
		if (!fired()) {
			ASSERT_NE(0U, id) TH_LOG("no failure left to inject, yet: %s",
						testpool_rep.msg);
			break;
		}
		ASSERT_EQ(0, fresh_socket(&self->nl));
		if (ret == -ENOMEM) {
			enomem++;
			EXPECT_EQ(0U, lookup(self->fd, "fn-new"))
				TH_LOG("allocation %d failed: ENOMEM, yet the pool exists", n);
		}
		id = lookup(self->fd, "fn-new");
		if (id)
			ASSERT_EQ(0, testpool_destroy(self->nl, self->family, id));
	}
	ASSERT_LT(n, NTH_MAX) TH_LOG("still failing after %d allocations", NTH_MAX);
	EXPECT_LT(0, enomem) TH_LOG("no request failed with ENOMEM: nothing was tested");
	id = lookup(self->fd, "fn-new");
	if (id)
		testpool_destroy(self->nl, self->family, id);
}

/* Set pool @id's watermark to @pct; the request's error. */
static int set_watermark(int nl, uint16_t family, uint32_t id, uint32_t pct)
{
	struct genl_req r;

	genl_req_init(&r, family, MEMOPT_CMD_POOL_SET, 0);
	genl_put_u32(&r, MEMOPT_A_POOL_ID, id);
	genl_put_u32(&r, MEMOPT_A_POOL_WATERMARK, pct);
	return genl_do(nl, &r, &testpool_rep);
}

/* Pool @id's watermark, or -1. */
static long watermark(int nl, uint16_t family, uint32_t id)
{
	struct genl_req r;

	genl_req_init(&r, family, MEMOPT_CMD_POOL_GET, 0);
	genl_put_u32(&r, MEMOPT_A_POOL_ID, id);
	if (genl_do(nl, &r, &testpool_rep) || !testpool_rep.tb[MEMOPT_A_POOL_WATERMARK])
		return -1;
	return genl_u32(testpool_rep.tb[MEMOPT_A_POOL_WATERMARK]);
}

TEST_F(nth, pool_set_enomem_changes_nothing)
{
	int n, enomem = 0, ret;
	uint32_t id;

	id = testpool_create(self->nl, self->family, "fn-set", 4096, 0, 0660);
	ASSERT_NE(0U, id) TH_LOG("%s", testpool_rep.msg);
	for (n = 1; n <= NTH_MAX; n++) {
		/* Each try starts from watermark 0 (another may have set it). */
		ASSERT_EQ(0, set_watermark(self->nl, self->family, id, 0));
		ASSERT_EQ(0, arm(n));
		ret = set_watermark(self->nl, self->family, id, 50);
		if (!fired()) {
			ASSERT_EQ(0, ret) TH_LOG("%s", testpool_rep.msg);
			break;
		}
		ASSERT_EQ(0, fresh_socket(&self->nl));
		if (ret != -ENOMEM)
			continue;
		enomem++;
		EXPECT_EQ(0, watermark(self->nl, self->family, id))
			TH_LOG("allocation %d failed: ENOMEM, yet the watermark changed", n);
	}
	ASSERT_LT(n, NTH_MAX) TH_LOG("still failing after %d allocations", NTH_MAX);
	EXPECT_LT(0, enomem) TH_LOG("no request failed with ENOMEM: nothing was tested");
	EXPECT_EQ(50, watermark(self->nl, self->family, id));
	ASSERT_EQ(0, testpool_destroy(self->nl, self->family, id));
}

TEST_F(nth, pool_del_enomem_destroys_nothing)
{
	int n, enomem = 0, ret;
	uint32_t id;

	for (n = 1; n <= NTH_MAX; n++) {
		/* Each try starts with the pool there (another may have gone). */
		id = lookup(self->fd, "fn-del");
		if (!id)
			id = testpool_create(self->nl, self->family, "fn-del", 4096, 0, 0660);
		ASSERT_NE(0U, id) TH_LOG("%s", testpool_rep.msg);
		ASSERT_EQ(0, arm(n));
		ret = testpool_destroy(self->nl, self->family, id);
		if (!fired()) {
			ASSERT_EQ(0, ret) TH_LOG("%s", testpool_rep.msg);
			break;
		}
		ASSERT_EQ(0, fresh_socket(&self->nl));
		if (ret != -ENOMEM)
			continue;
		enomem++;
		EXPECT_EQ(id, lookup(self->fd, "fn-del"))
			TH_LOG("allocation %d failed: ENOMEM, yet the pool is gone", n);
	}
	ASSERT_LT(n, NTH_MAX) TH_LOG("still failing after %d allocations", NTH_MAX);
	EXPECT_LT(0, enomem) TH_LOG("no request failed with ENOMEM: nothing was tested");
	EXPECT_EQ(0U, lookup(self->fd, "fn-del"));
}

/*
 * A buffer allocation that fails part way never hands out old contents.
 *
 * A pool of 64 KiB blocks (two to a 128 KiB slab) is dirtied: a buffer of
 * DIRTY_BLOCKS filled with 0xa5 and freed. Then, for N = 1, 2, ..., the
 * N-th allocation of an allocation of WANT_BLOCKS fails: more than the
 * pool caches, so that the blocks it already took (from the magazine and
 * the cached slab, the freed dirty ones) are given back when a later
 * step fails: the slab or page allocations of growing the pool, the
 * buffer's arrays, the ledger's records, the session's handle. Whether
 * the allocation failed (ENOMEM, nothing in use) or got through (an
 * injected failure the pool can take, such as a smaller page order), the
 * next buffer, allocated without injection, must be zero in every byte;
 * it is dirtied and freed in turn.
 *
 * fail_page_alloc must also fail GFP_KERNEL allocations of every order
 * (ignore-gfp-wait N, min-order 0) and stay quiet (verbose 0): set and
 * restored with failslab's. Where the kernel has no fail_page_alloc, the
 * slab allocations alone are failed.
 */
#define NBS		(64 * 1024)
#define DIRTY_BLOCKS	8
#define WANT_BLOCKS	12

static const char *const nth_buf_knobs[][2] = {
	{ IGNORE_WAIT, "N" },
	{ VERBOSE, "0" },
	{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-wait", "N" },
	{ "/sys/kernel/debug/fail_page_alloc/min-order", "0" },
	{ "/sys/kernel/debug/fail_page_alloc/verbose", "0" },
};
#define NKNOBS (sizeof(nth_buf_knobs) / sizeof(nth_buf_knobs[0]))

FIXTURE(nth_buf) {
	int fd, nl;
	uint16_t family;
	uint32_t pool;
	char was[NKNOBS][16];	/* "": not there, or not changed */
};

FIXTURE_SETUP(nth_buf)
{
	unsigned int i;
	int ret;

	self->fd = self->nl = -1;
	self->pool = 0;
	memset(self->was, 0, sizeof(self->was));
	nth_fd = open(FAIL_NTH, O_RDWR | O_CLOEXEC);
	if (nth_fd < 0)
		SKIP(return, FAIL_NTH " missing: the kernel has no fault injection");
	if (access(IGNORE_WAIT, F_OK))
		SKIP(return, IGNORE_WAIT " missing: no failslab in debugfs");
	for (i = 0; i < NKNOBS; i++) {
		if (get_file(nth_buf_knobs[i][0], self->was[i], sizeof(self->was[i])))
			continue;	/* no fail_page_alloc: failslab only */
		ASSERT_EQ(0, put_file(nth_buf_knobs[i][0], nth_buf_knobs[i][1]));
	}
	if (!self->was[2][0])
		TH_LOG("no fail_page_alloc in debugfs: slab allocations only");
	ret = testpool_open(&self->fd, &self->nl, &self->family);
	if (ret == -ENOENT)
		SKIP(return, DEV " does not exist: memopt.ko not loaded");
	ASSERT_EQ(0, ret);
	self->pool = testpool_create(self->nl, self->family, "fn-buf", NBS, 0, 0660);
	ASSERT_NE(0U, self->pool) TH_LOG("pool create: %s", testpool_rep.msg);
}

FIXTURE_TEARDOWN(nth_buf)
{
	unsigned int i;

	if (nth_fd >= 0) {
		arm(0);
		close(nth_fd);
		nth_fd = -1;
	}
	for (i = 0; i < NKNOBS; i++)
		if (self->was[i][0])
			put_file(nth_buf_knobs[i][0], self->was[i]);
	if (self->nl >= 0 || self->fd >= 0)
		EXPECT_EQ(0, testpool_close(self->fd, self->nl, self->family, self->pool));
}

/*
 * Map @a, check that every byte is zero (the offset of the first that is
 * not, or -1), then fill it with 0xa5 and free it. -2 when it cannot be
 * mapped or freed.
 */
static long check_zero_then_dirty(int fd, const struct memopt_alloc *a)
{
	unsigned char *p = memopt_map(fd, a, 0, a->size_actual, PROT_READ | PROT_WRITE);
	long bad = -1;
	size_t i;

	if (p == MAP_FAILED)
		return -2;
	for (i = 0; i < a->size_actual && bad < 0; i++)
		if (p[i])
			bad = i;
	memset(p, 0xa5, a->size_actual);
	munmap(p, a->size_actual);
	return memopt_do_free(fd, a->handle) ? -2 : bad;
}

TEST_F(nth_buf, a_failed_allocation_never_hands_out_old_contents)
{
	int n, enomem = 0, got_through = 0, ret, hit;
	struct memopt_alloc a;
	long bad;

	ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, DIRTY_BLOCKS * NBS, &a));
	ASSERT_EQ(-1, check_zero_then_dirty(self->fd, &a));
	for (n = 1; n <= NTH_MAX; n++) {
		ASSERT_EQ(0, arm(n));
		ret = memopt_do_alloc(self->fd, self->pool, WANT_BLOCKS * NBS, &a);
		hit = fired();
		if (ret) {
			ASSERT_TRUE(hit) TH_LOG("failed with no failure injected: %d", ret);
			ASSERT_EQ(-ENOMEM, ret) TH_LOG("allocation %d failed", n);
			enomem++;
			EXPECT_EQ(0, testpool_used(self->nl, self->family, self->pool))
				TH_LOG("allocation %d failed: ENOMEM, yet blocks are in use", n);
			/* What the failed one took and gave back, and more. */
			ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, WANT_BLOCKS * NBS, &a));
		} else if (hit) {
			got_through++;
		}
		bad = check_zero_then_dirty(self->fd, &a);
		ASSERT_EQ(-1, bad) TH_LOG("after failing allocation %d: byte %ld is not zero",
					  n, bad);
		if (!hit)
			break;
	}
	TH_LOG("%d allocations failed with ENOMEM, %d got through an injected failure",
	       enomem, got_through);
	ASSERT_LT(n, NTH_MAX) TH_LOG("still failing after %d allocations", NTH_MAX);
	EXPECT_LT(0, enomem) TH_LOG("no allocation failed with ENOMEM: nothing was tested");
	EXPECT_EQ(0, testpool_used(self->nl, self->family, self->pool));
}

TEST_HARNESS_MAIN
