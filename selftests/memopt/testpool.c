// SPDX-License-Identifier: GPL-2.0
/* Shared by the buffer selftests: see testpool.h. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "testpool.h"

struct genl_reply testpool_rep;

/*
 * MEMOPT_MAKE_IT_FAIL=1 (scripts/guest/fault.sh, "make soak"): each test
 * case becomes subject to the fault injection armed with task-filter, from
 * its fixture's setup on. The harness forks a child per case, which maps
 * its shared state and forks the grandchild that runs setup, the test and
 * teardown: injection starts in that grandchild, the second fork down.
 * Any earlier, and the harness's own mmap, fork and exec would fail
 * instead of memopt's calls. (A TEST without a fixture runs in the first
 * child and is not injected.)
 */
static int testpool_forks;

static void testpool_make_it_fail(void)
{
	int fd;

	if (++testpool_forks != 2)
		return;
	fd = open("/proc/self/make-it-fail", O_WRONLY);
	if (fd < 0 || write(fd, "1", 1) != 1)
		_exit(99);	/* the case fails, not silently untested */
	close(fd);
}

/*
 * A case's teardown runs without injection: its pool must go even when
 * the injection failed the case, or the next case finds the name taken.
 * The case has failed already if anything it checked did.
 */
void testpool_stop_failing(void)
{
	int fd;

	if (testpool_forks < 2)
		return;
	fd = open("/proc/self/make-it-fail", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "0", 1) != 1)
			_exit(99);
		close(fd);
	}
}

static void __attribute__((constructor)) testpool_init(void)
{
	const char *e = getenv("MEMOPT_MAKE_IT_FAIL");

	if (e && !strcmp(e, "1"))
		pthread_atfork(NULL, NULL, testpool_make_it_fail);
}

/* Create a pool; returns its id, 0 on failure (see testpool_rep.msg). */
uint32_t testpool_create(int nl, uint16_t family, const char *name, uint32_t block_size,
			 uint32_t max, uint32_t mode)
{
	struct genl_req r;

	genl_req_init(&r, family, MEMOPT_CMD_POOL_NEW, 0);
	genl_put_str(&r, MEMOPT_A_POOL_NAME, name);
	genl_put_u32(&r, MEMOPT_A_POOL_BLOCK_SIZE, block_size);
	genl_put_u32(&r, MEMOPT_A_POOL_MAX, max);
	genl_put_u32(&r, MEMOPT_A_POOL_MODE, mode);
	if (genl_do(nl, &r, &testpool_rep))
		return 0;
	return genl_u32(testpool_rep.tb[MEMOPT_A_POOL_ID]);
}

/* Blocks of the pool in use, or -1. */
long testpool_used(int nl, uint16_t family, uint32_t id)
{
	struct nlattr *st[GENL_MAXATTR];
	struct genl_req r;

	genl_req_init(&r, family, MEMOPT_CMD_POOL_GET, 0);
	genl_put_u32(&r, MEMOPT_A_POOL_ID, id);
	if (genl_do(nl, &r, &testpool_rep) || !testpool_rep.tb[MEMOPT_A_POOL_STATS])
		return -1;
	genl_nested(testpool_rep.tb[MEMOPT_A_POOL_STATS], st);
	return (long)genl_u64(st[MEMOPT_A_STATS_BLOCKS_USED]);
}

int testpool_set_mode(int nl, uint16_t family, uint32_t id, uint32_t mode)
{
	struct genl_req r;

	genl_req_init(&r, family, MEMOPT_CMD_POOL_SET, 0);
	genl_put_u32(&r, MEMOPT_A_POOL_ID, id);
	genl_put_u32(&r, MEMOPT_A_POOL_MODE, mode);
	return genl_do(nl, &r, &testpool_rep);
}

int testpool_destroy(int nl, uint16_t family, uint32_t id)
{
	struct genl_req r;

	genl_req_init(&r, family, MEMOPT_CMD_POOL_DEL, 0);
	genl_put_u32(&r, MEMOPT_A_POOL_ID, id);
	return genl_do(nl, &r, &testpool_rep);
}

/*
 * A test's session and netlink socket: 0; -ENOENT when /dev/memopt does
 * not exist (the module is not loaded: skip); another -errno.
 */
int testpool_open(int *fd, int *nl, uint16_t *family)
{
	struct genl_family_info info;
	int ret;

	*nl = -1;
	*fd = open(DEV, O_RDWR | O_CLOEXEC);
	if (*fd < 0)
		return -errno;
	*nl = genl_open();
	if (*nl < 0)
		return *nl;
	ret = genl_resolve(*nl, MEMOPT_GENL_NAME, &info);
	*family = info.id;
	return ret;
}

/*
 * Close the session; then the pool must have no block in use, and is
 * destroyed. 0; -EBUSY when blocks are still in use; -errno when the
 * pool cannot be read or destroyed.
 */
int testpool_close(int fd, int nl, uint16_t family, uint32_t pool)
{
	long used;
	int ret;

	testpool_stop_failing();
	if (fd >= 0)
		close(fd);
	if (!pool)
		return 0;
	used = testpool_used(nl, family, pool);
	ret = testpool_destroy(nl, family, pool);
	close(nl);
	if (used)
		return used < 0 ? -EIO : -EBUSY;
	return ret;
}

/* MEMOPT_IOC_ALLOC; 0 or -errno. */
int memopt_do_alloc(int fd, uint32_t pool, uint64_t size, struct memopt_alloc *a)
{
	memset(a, 0, sizeof(*a));
	a->pool_id = pool;
	a->size = size;
	return ioctl(fd, MEMOPT_IOC_ALLOC, a) ? -errno : 0;
}

/* MEMOPT_IOC_FREE; 0 or -errno. */
int memopt_do_free(int fd, uint32_t handle)
{
	struct memopt_free f = { .handle = handle };

	return ioctl(fd, MEMOPT_IOC_FREE, &f) ? -errno : 0;
}

/* mmap() of [off, off + len) of the buffer, shared. */
void *memopt_map(int fd, const struct memopt_alloc *a, size_t off, size_t len, int prot)
{
	return mmap(NULL, len, prot, MAP_SHARED, fd, a->mmap_offset + off);
}
