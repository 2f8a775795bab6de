// SPDX-License-Identifier: GPL-2.0
/*
 * Pools over generic netlink: every operation's success path, and every
 * bad input with its errno, its extack message and the attribute it names.
 * Each test leaves no pool behind (checked in the teardown).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/memopt.h>

#include "kselftest_harness.h"
#include "genl.h"
#include "testpool.h"

static struct genl_reply rep;

struct ctx {
	int fd;
	uint16_t family;
	uint32_t monitor;
};

static void ctx_open(struct __test_metadata *_metadata, struct ctx *c)
{
	struct genl_family_info info;

	c->fd = genl_open();
	ASSERT_LE(0, c->fd);
	if (genl_resolve(c->fd, MEMOPT_GENL_NAME, &info) == -ENOENT)
		SKIP(return, "memopt.ko not loaded");
	c->family = info.id;
	c->monitor = info.monitor_grp;
}

/* Create a pool; name NULL: none. Returns the errno; the reply in rep. */
static int pool_new(struct ctx *c, const char *name, uint32_t size, uint32_t min, uint32_t max)
{
	struct genl_req r;

	genl_req_init(&r, c->family, MEMOPT_CMD_POOL_NEW, 0);
	if (name)
		genl_put_str(&r, MEMOPT_A_POOL_NAME, name);
	genl_put_u32(&r, MEMOPT_A_POOL_BLOCK_SIZE, size);
	if (min)
		genl_put_u32(&r, MEMOPT_A_POOL_MIN, min);
	if (max)
		genl_put_u32(&r, MEMOPT_A_POOL_MAX, max);
	return genl_do(c->fd, &r, &rep);
}

static int pool_by_id(struct ctx *c, uint8_t cmd, uint32_t id)
{
	struct genl_req r;

	genl_req_init(&r, c->family, cmd, 0);
	genl_put_u32(&r, MEMOPT_A_POOL_ID, id);
	return genl_do(c->fd, &r, &rep);
}

static int pool_by_name(struct ctx *c, uint8_t cmd, const char *name)
{
	struct genl_req r;

	genl_req_init(&r, c->family, cmd, 0);
	genl_put_str(&r, MEMOPT_A_POOL_NAME, name);
	return genl_do(c->fd, &r, &rep);
}

static bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return true;
	return ma > major || (ma == major && mi >= minor);
}

static uint64_t stat_of(struct nlattr **tb, int attr)
{
	struct nlattr *st[GENL_MAXATTR];

	if (!tb[MEMOPT_A_POOL_STATS])
		return UINT64_MAX;
	genl_nested(tb[MEMOPT_A_POOL_STATS], st);
	return st[attr] ? genl_u64(st[attr]) : UINT64_MAX;
}

struct dump_acc {
	int n;
	uint32_t ids[64];
};

static void dump_cb(struct nlattr **tb, void *arg)
{
	struct dump_acc *d = arg;

	if (d->n < 64)
		d->ids[d->n] = genl_u32(tb[MEMOPT_A_POOL_ID]);
	d->n++;
}

static int pool_dump(struct ctx *c, struct dump_acc *d)
{
	struct genl_req r;

	memset(d, 0, sizeof(*d));
	genl_req_init(&r, c->family, MEMOPT_CMD_POOL_GET, 0);
	return genl_dump(c->fd, &r, dump_cb, d, NULL);
}

/* Every test must leave no pool behind; delete leftovers, then fail. */
static void ctx_close(struct __test_metadata *_metadata, struct ctx *c)
{
	struct dump_acc d;
	int i;

	testpool_stop_failing();
	if (c->fd < 0)
		return;
	if (c->family) {
		ASSERT_LE(0, pool_dump(c, &d));
		for (i = 0; i < d.n && i < 64; i++)
			pool_by_id(c, MEMOPT_CMD_POOL_DEL, d.ids[i]);
		EXPECT_EQ(0, d.n) TH_LOG("the test left %d pool(s) behind", d.n);
	}
	close(c->fd);
}

FIXTURE(pools) {
	struct ctx c;
};

FIXTURE_SETUP(pools)
{
	ctx_open(_metadata, &self->c);
}

FIXTURE_TEARDOWN(pools)
{
	ctx_close(_metadata, &self->c);
}

TEST_F(pools, create_with_size_only_names_it_pool_id)
{
	char want[32];
	uint32_t id;

	ASSERT_EQ(0, pool_new(&self->c, NULL, 4096, 0, 0)) TH_LOG("%s", rep.msg);
	EXPECT_EQ(MEMOPT_CMD_POOL_NEW, rep.cmd);
	id = genl_u32(rep.tb[MEMOPT_A_POOL_ID]);
	ASSERT_LT(0U, id);
	snprintf(want, sizeof(want), "pool%u", id);
	EXPECT_STREQ(want, genl_str(rep.tb[MEMOPT_A_POOL_NAME]));
	EXPECT_EQ(4096U, genl_u32(rep.tb[MEMOPT_A_POOL_BLOCK_SIZE]));
	EXPECT_EQ(0U, genl_u32(rep.tb[MEMOPT_A_POOL_MIN]));
	EXPECT_EQ(0U, genl_u32(rep.tb[MEMOPT_A_POOL_MAX]));
	EXPECT_EQ(0U, stat_of(rep.tb, MEMOPT_A_STATS_BLOCKS_TOTAL));

	ASSERT_EQ(0, pool_by_id(&self->c, MEMOPT_CMD_POOL_GET, id));
	EXPECT_STREQ(want, genl_str(rep.tb[MEMOPT_A_POOL_NAME]));
	ASSERT_EQ(0, pool_by_id(&self->c, MEMOPT_CMD_POOL_DEL, id));
	EXPECT_EQ(-ENOENT, pool_by_id(&self->c, MEMOPT_CMD_POOL_GET, id));
}

TEST_F(pools, reserve_is_allocated_and_reported)
{
	struct nlattr **tb = rep.tb;

	ASSERT_EQ(0, pool_new(&self->c, "frames", 4096, 64, 65536)) TH_LOG("%s", rep.msg);
	EXPECT_EQ(64U, stat_of(tb, MEMOPT_A_STATS_BLOCKS_RESERVED));
	EXPECT_EQ(64U, stat_of(tb, MEMOPT_A_STATS_BLOCKS_TOTAL));
	EXPECT_EQ(64U, stat_of(tb, MEMOPT_A_STATS_BLOCKS_CACHED));
	EXPECT_EQ(0U, stat_of(tb, MEMOPT_A_STATS_BLOCKS_USED));
	EXPECT_EQ(64U * 4096, stat_of(tb, MEMOPT_A_STATS_BYTES_TOTAL));
	EXPECT_LE(1U, stat_of(tb, MEMOPT_A_STATS_SLABS));
	EXPECT_EQ(65536U, genl_u32(tb[MEMOPT_A_POOL_MAX]));
	ASSERT_EQ(0, pool_by_name(&self->c, MEMOPT_CMD_POOL_DEL, "frames"));
}

TEST_F(pools, get_by_name_and_dump_list_every_pool)
{
	struct dump_acc d;
	uint32_t a, b;

	ASSERT_EQ(0, pool_new(&self->c, "alpha", 4096, 0, 0));
	a = genl_u32(rep.tb[MEMOPT_A_POOL_ID]);
	ASSERT_EQ(0, pool_new(&self->c, "beta", 65536, 2, 0));
	b = genl_u32(rep.tb[MEMOPT_A_POOL_ID]);

	ASSERT_EQ(0, pool_by_name(&self->c, MEMOPT_CMD_POOL_GET, "beta"));
	EXPECT_EQ(b, genl_u32(rep.tb[MEMOPT_A_POOL_ID]));
	EXPECT_EQ(65536U, genl_u32(rep.tb[MEMOPT_A_POOL_BLOCK_SIZE]));
	EXPECT_EQ(2U, stat_of(rep.tb, MEMOPT_A_STATS_BLOCKS_TOTAL));

	ASSERT_EQ(2, pool_dump(&self->c, &d));
	EXPECT_EQ(a, d.ids[0]);
	EXPECT_EQ(b, d.ids[1]);
	ASSERT_EQ(0, pool_by_id(&self->c, MEMOPT_CMD_POOL_DEL, a));
	ASSERT_EQ(0, pool_by_id(&self->c, MEMOPT_CMD_POOL_DEL, b));
	ASSERT_EQ(0, pool_dump(&self->c, &d));
}

TEST_F(pools, set_changes_limits_and_grows_the_reserve)
{
	struct genl_req r;
	uint32_t id;

	ASSERT_EQ(0, pool_new(&self->c, "tunable", 8192, 0, 0));
	id = genl_u32(rep.tb[MEMOPT_A_POOL_ID]);
	genl_req_init(&r, self->c.family, MEMOPT_CMD_POOL_SET, 0);
	genl_put_u32(&r, MEMOPT_A_POOL_ID, id);
	genl_put_u32(&r, MEMOPT_A_POOL_MIN, 16);
	genl_put_u32(&r, MEMOPT_A_POOL_MAX, 100);
	genl_put_u32(&r, MEMOPT_A_POOL_WATERMARK, 80);
	genl_put_u32(&r, MEMOPT_A_POOL_LEAK_AGE, 30);
	ASSERT_EQ(0, genl_do(self->c.fd, &r, &rep)) TH_LOG("%s", rep.msg);
	EXPECT_EQ(MEMOPT_CMD_POOL_SET, rep.cmd);
	EXPECT_EQ(16U, genl_u32(rep.tb[MEMOPT_A_POOL_MIN]));
	EXPECT_EQ(100U, genl_u32(rep.tb[MEMOPT_A_POOL_MAX]));
	EXPECT_EQ(80U, genl_u32(rep.tb[MEMOPT_A_POOL_WATERMARK]));
	EXPECT_EQ(30U, genl_u32(rep.tb[MEMOPT_A_POOL_LEAK_AGE]));
	EXPECT_EQ(16U, stat_of(rep.tb, MEMOPT_A_STATS_BLOCKS_TOTAL));

	/* A partial change keeps the other values. */
	genl_req_init(&r, self->c.family, MEMOPT_CMD_POOL_SET, 0);
	genl_put_str(&r, MEMOPT_A_POOL_NAME, "tunable");
	genl_put_u32(&r, MEMOPT_A_POOL_MAX, 0);
	ASSERT_EQ(0, genl_do(self->c.fd, &r, &rep)) TH_LOG("%s", rep.msg);
	EXPECT_EQ(0U, genl_u32(rep.tb[MEMOPT_A_POOL_MAX]));
	EXPECT_EQ(16U, genl_u32(rep.tb[MEMOPT_A_POOL_MIN]));
	EXPECT_EQ(80U, genl_u32(rep.tb[MEMOPT_A_POOL_WATERMARK]));

	/* min above max is refused, naming min; nothing changes. */
	genl_req_init(&r, self->c.family, MEMOPT_CMD_POOL_SET, 0);
	genl_put_u32(&r, MEMOPT_A_POOL_ID, id);
	genl_put_u32(&r, MEMOPT_A_POOL_MIN, 200);
	genl_put_u32(&r, MEMOPT_A_POOL_MAX, 100);
	EXPECT_EQ(-EINVAL, genl_do(self->c.fd, &r, &rep));
	EXPECT_STREQ("min exceeds max", rep.msg);
	EXPECT_EQ(r.off[MEMOPT_A_POOL_MIN], rep.bad_off);
	ASSERT_EQ(0, pool_by_id(&self->c, MEMOPT_CMD_POOL_GET, id));
	EXPECT_EQ(16U, genl_u32(rep.tb[MEMOPT_A_POOL_MIN]));

	/* Only max given, below min: the error points at max. */
	genl_req_init(&r, self->c.family, MEMOPT_CMD_POOL_SET, 0);
	genl_put_u32(&r, MEMOPT_A_POOL_ID, id);
	genl_put_u32(&r, MEMOPT_A_POOL_MAX, 8);
	EXPECT_EQ(-EINVAL, genl_do(self->c.fd, &r, &rep));
	EXPECT_STREQ("min exceeds max", rep.msg);
	EXPECT_EQ(r.off[MEMOPT_A_POOL_MAX], rep.bad_off);

	/* Nothing to change. */
	genl_req_init(&r, self->c.family, MEMOPT_CMD_POOL_SET, 0);
	genl_put_u32(&r, MEMOPT_A_POOL_ID, id);
	EXPECT_EQ(-EINVAL, genl_do(self->c.fd, &r, &rep));
	EXPECT_STREQ("nothing to change: give min, max, watermark, leak age, growth, growth window, uid, gid or mode", rep.msg);
	ASSERT_EQ(0, pool_by_id(&self->c, MEMOPT_CMD_POOL_DEL, id));
}

TEST_F(pools, dump_with_a_selector_is_refused)
{
	struct genl_req r;

	genl_req_init(&r, self->c.family, MEMOPT_CMD_POOL_GET, NLM_F_DUMP);
	genl_put_u32(&r, MEMOPT_A_POOL_ID, 1);
	EXPECT_EQ(-EINVAL, genl_do(self->c.fd, &r, &rep));
	/* Before 6.2 a dump's start callback has no extack to fill. */
	if (kernel_at_least(6, 2)) {
		EXPECT_STREQ("a pool dump lists every pool: give no id or name", rep.msg);
	} else {
		TH_LOG("kernel < 6.2: no extack message from a dump's start (got \"%s\")",
		       rep.msg);
	}
}

TEST_F(pools, a_long_name_never_selects_a_pool_by_its_prefix)
{
	/* 32 characters: cut to 31 it would name the pool below. */
	ASSERT_EQ(0, pool_new(&self->c, "abcdefghijklmnopqrstuvwxyz01234", 4096, 0, 0));
	EXPECT_EQ(-EINVAL, pool_by_name(&self->c, MEMOPT_CMD_POOL_DEL,
					"abcdefghijklmnopqrstuvwxyz012345"));
	EXPECT_STREQ("name must be at most 31 characters", rep.msg);
	ASSERT_EQ(0, pool_by_name(&self->c, MEMOPT_CMD_POOL_GET,
				  "abcdefghijklmnopqrstuvwxyz01234"));
	ASSERT_EQ(0, pool_by_name(&self->c, MEMOPT_CMD_POOL_DEL,
				  "abcdefghijklmnopqrstuvwxyz01234"));
}

TEST_F(pools, ids_are_not_reused_at_once)
{
	uint32_t a, b;

	ASSERT_EQ(0, pool_new(&self->c, NULL, 4096, 0, 0));
	a = genl_u32(rep.tb[MEMOPT_A_POOL_ID]);
	ASSERT_EQ(0, pool_by_id(&self->c, MEMOPT_CMD_POOL_DEL, a));
	ASSERT_EQ(0, pool_new(&self->c, NULL, 4096, 0, 0));
	b = genl_u32(rep.tb[MEMOPT_A_POOL_ID]);
	EXPECT_NE(a, b);
	ASSERT_EQ(0, pool_by_id(&self->c, MEMOPT_CMD_POOL_DEL, b));
}

TEST_F(pools, owner_and_mode_default_to_the_creator_and_0660)
{
	struct genl_req r;
	uint32_t id;

	ASSERT_EQ(0, pool_new(&self->c, "owned", 4096, 0, 0));
	id = genl_u32(rep.tb[MEMOPT_A_POOL_ID]);
	EXPECT_EQ((uint32_t)geteuid(), genl_u32(rep.tb[MEMOPT_A_POOL_UID]));
	EXPECT_EQ((uint32_t)getegid(), genl_u32(rep.tb[MEMOPT_A_POOL_GID]));
	EXPECT_EQ(0660U, genl_u32(rep.tb[MEMOPT_A_POOL_MODE]));

	genl_req_init(&r, self->c.family, MEMOPT_CMD_POOL_SET, 0);
	genl_put_u32(&r, MEMOPT_A_POOL_ID, id);
	genl_put_u32(&r, MEMOPT_A_POOL_UID, 65534);
	genl_put_u32(&r, MEMOPT_A_POOL_GID, 65534);
	genl_put_u32(&r, MEMOPT_A_POOL_MODE, 0604);
	ASSERT_EQ(0, genl_do(self->c.fd, &r, &rep)) TH_LOG("%s", rep.msg);
	EXPECT_EQ(65534U, genl_u32(rep.tb[MEMOPT_A_POOL_UID]));
	EXPECT_EQ(65534U, genl_u32(rep.tb[MEMOPT_A_POOL_GID]));
	EXPECT_EQ(0604U, genl_u32(rep.tb[MEMOPT_A_POOL_MODE]));

	genl_req_init(&r, self->c.family, MEMOPT_CMD_POOL_SET, 0);
	genl_put_u32(&r, MEMOPT_A_POOL_ID, id);
	genl_put_u32(&r, MEMOPT_A_POOL_MODE, 01000);
	EXPECT_EQ(-ERANGE, genl_do(self->c.fd, &r, &rep));
	EXPECT_EQ(r.off[MEMOPT_A_POOL_MODE], rep.bad_off);

	genl_req_init(&r, self->c.family, MEMOPT_CMD_POOL_SET, 0);
	genl_put_u32(&r, MEMOPT_A_POOL_ID, id);
	genl_put_u32(&r, MEMOPT_A_POOL_UID, (uint32_t)-1);
	EXPECT_EQ(-EINVAL, genl_do(self->c.fd, &r, &rep));
	EXPECT_STREQ("uid or gid not mapped in the caller's user namespace", rep.msg);
	EXPECT_EQ(r.off[MEMOPT_A_POOL_UID], rep.bad_off);
	ASSERT_EQ(0, pool_by_id(&self->c, MEMOPT_CMD_POOL_DEL, id));
}

TEST_F(pools, duplicate_name_is_eexist)
{
	ASSERT_EQ(0, pool_new(&self->c, "twin", 4096, 0, 0));
	EXPECT_EQ(-EEXIST, pool_new(&self->c, "twin", 8192, 0, 0));
	EXPECT_STREQ("a pool with this name exists", rep.msg);
	ASSERT_EQ(0, pool_by_name(&self->c, MEMOPT_CMD_POOL_DEL, "twin"));
}

TEST_F(pools, reserve_beyond_the_global_cap_is_refused)
{
	struct genl_req r;

	/* 4 GiB of 4 MiB blocks: more than the VM has, let alone half. */
	genl_req_init(&r, self->c.family, MEMOPT_CMD_POOL_NEW, 0);
	genl_put_str(&r, MEMOPT_A_POOL_NAME, "huge");
	genl_put_u32(&r, MEMOPT_A_POOL_BLOCK_SIZE, MEMOPT_BLOCK_SIZE_MAX);
	genl_put_u32(&r, MEMOPT_A_POOL_MIN, 1024);
	EXPECT_EQ(-ENOMEM, genl_do(self->c.fd, &r, &rep));
	EXPECT_STREQ("the reserve would exceed the global cap (max_memory_mb)", rep.msg);
	EXPECT_EQ(r.off[MEMOPT_A_POOL_MIN], rep.bad_off);
	EXPECT_EQ(-ENOENT, pool_by_name(&self->c, MEMOPT_CMD_POOL_GET, "huge"));
}

static long memfree_kib(void)
{
	char line[128];
	long kib = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

TEST_F(pools, destroy_gives_every_page_back)
{
	long before, during, after;

	before = memfree_kib();
	ASSERT_LT(0, before);
	/*
	 * 2048 blocks of 64 KiB: 128 MiB, back within 2%. The per-CPU free
	 * lists, which MemFree does not count, hold up to ~27 MiB per CPU
	 * either way; a pool not given back would be off by far more.
	 */
	ASSERT_EQ(0, pool_new(&self->c, "big", 65536, 2048, 0)) TH_LOG("%s", rep.msg);
	during = memfree_kib();
	ASSERT_EQ(0, pool_by_name(&self->c, MEMOPT_CMD_POOL_DEL, "big"));
	after = memfree_kib();
	TH_LOG("MemFree before %ld kB, with the pool %ld kB, after %ld kB", before, during, after);
	EXPECT_GE(before - during, 120 * 1024);
	EXPECT_LE(labs(before - after), before / 50);
}

TEST_F(pools, monitor_announces_create_change_destroy)
{
	int mon = genl_open();
	struct genl_req r;
	uint32_t id;

	ASSERT_LE(0, mon);
	ASSERT_NE(0U, self->c.monitor);
	ASSERT_EQ(0, genl_join(mon, self->c.monitor));

	ASSERT_EQ(0, pool_new(&self->c, "watched", 4096, 0, 0));
	id = genl_u32(rep.tb[MEMOPT_A_POOL_ID]);
	ASSERT_EQ(0, genl_recv(mon, &rep, 2000));
	EXPECT_EQ(MEMOPT_CMD_POOL_CREATE_NTF, rep.cmd);
	EXPECT_EQ(id, genl_u32(rep.tb[MEMOPT_A_POOL_ID]));
	EXPECT_STREQ("watched", genl_str(rep.tb[MEMOPT_A_POOL_NAME]));

	genl_req_init(&r, self->c.family, MEMOPT_CMD_POOL_SET, 0);
	genl_put_u32(&r, MEMOPT_A_POOL_ID, id);
	genl_put_u32(&r, MEMOPT_A_POOL_WATERMARK, 50);
	ASSERT_EQ(0, genl_do(self->c.fd, &r, &rep));
	ASSERT_EQ(0, genl_recv(mon, &rep, 2000));
	EXPECT_EQ(MEMOPT_CMD_POOL_CHANGE_NTF, rep.cmd);
	EXPECT_EQ(50U, genl_u32(rep.tb[MEMOPT_A_POOL_WATERMARK]));

	ASSERT_EQ(0, pool_by_id(&self->c, MEMOPT_CMD_POOL_DEL, id));
	ASSERT_EQ(0, genl_recv(mon, &rep, 2000));
	EXPECT_EQ(MEMOPT_CMD_POOL_DELETE_NTF, rep.cmd);
	EXPECT_EQ(id, genl_u32(rep.tb[MEMOPT_A_POOL_ID]));
	close(mon);
}

TEST_F(pools, unprivileged_may_read_but_not_write)
{
	pid_t pid;
	int status;

	ASSERT_EQ(0, pool_new(&self->c, "shared", 4096, 1, 0));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct dump_acc d;
		struct ctx c;

		if (setgid(65534) || setuid(65534))
			_exit(10);
		c.fd = genl_open();
		c.family = self->c.family;
		if (pool_new(&c, "mine", 4096, 0, 0) != -EPERM)
			_exit(11);
		if (pool_by_name(&c, MEMOPT_CMD_POOL_DEL, "shared") != -EPERM)
			_exit(12);
		if (pool_by_name(&c, MEMOPT_CMD_POOL_GET, "shared") != 0)
			_exit(13);
		if (pool_dump(&c, &d) != 1)
			_exit(14);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("step %d of the unprivileged child failed",
						 WEXITSTATUS(status) - 10);
	ASSERT_EQ(0, pool_by_name(&self->c, MEMOPT_CMD_POOL_DEL, "shared"));
}

/*
 * Send @r and expect it refused with @error and the extack message @msg,
 * pointing at attribute @bad_attr or reporting @miss_attr missing (0: not
 * expected).
 */
static void expect_refusal(struct __test_metadata *_metadata, int fd, struct genl_req *r,
			   int error, const char *msg, int bad_attr, int miss_attr)
{
	EXPECT_EQ(error, genl_do(fd, r, &rep));
	EXPECT_STREQ(msg, rep.msg);
	if (bad_attr)
		EXPECT_EQ(r->off[bad_attr], rep.bad_off);
	if (miss_attr)
		EXPECT_EQ((uint32_t)miss_attr, rep.miss_type);
}

/* Bad pool-new requests: errno, extack message, attribute at fault. */
FIXTURE(bad_new) {
	struct ctx c;
};

FIXTURE_VARIANT(bad_new) {
	const char *name;		/* NULL: no name attribute */
	uint32_t block_size;
	int block_size_len;		/* 0: absent; else the attribute's length */
	uint32_t min, max, watermark;	/* 0: absent */
	uint16_t extra_attr;		/* an attribute NEW does not take, 0: none */
	int error;
	const char *msg;
	int bad_attr;			/* the attribute the kernel must point at */
	int miss_attr;			/* the attribute it must report missing */
};

FIXTURE_VARIANT_ADD(bad_new, block_size_zero) {
	.block_size = 0, .block_size_len = 4, .error = -ERANGE,
	.msg = "integer out of range", .bad_attr = MEMOPT_A_POOL_BLOCK_SIZE,
};

FIXTURE_VARIANT_ADD(bad_new, block_size_not_a_page_multiple) {
	.block_size = 5000, .block_size_len = 4, .error = -EINVAL,
	.msg = "block size must be a non-zero multiple of the page size",
	.bad_attr = MEMOPT_A_POOL_BLOCK_SIZE,
};

FIXTURE_VARIANT_ADD(bad_new, block_size_above_4m) {
	.block_size = 8 << 20, .block_size_len = 4, .error = -ERANGE,
	.msg = "integer out of range", .bad_attr = MEMOPT_A_POOL_BLOCK_SIZE,
};

FIXTURE_VARIANT_ADD(bad_new, block_size_missing) {
	.error = -EINVAL, .msg = "block size is required",
	.miss_attr = MEMOPT_A_POOL_BLOCK_SIZE,
};

FIXTURE_VARIANT_ADD(bad_new, block_size_wrong_type) {
	.block_size = 4096, .block_size_len = 2, .error = -EINVAL,
	.msg = "invalid attribute length", .bad_attr = MEMOPT_A_POOL_BLOCK_SIZE,
};

FIXTURE_VARIANT_ADD(bad_new, min_above_max) {
	.block_size = 4096, .block_size_len = 4, .min = 10, .max = 5,
	.error = -EINVAL, .msg = "min exceeds max", .bad_attr = MEMOPT_A_POOL_MIN,
};

FIXTURE_VARIANT_ADD(bad_new, watermark_above_100) {
	.block_size = 4096, .block_size_len = 4, .watermark = 101,
	.error = -ERANGE, .msg = "integer out of range",
	.bad_attr = MEMOPT_A_POOL_WATERMARK,
};

FIXTURE_VARIANT_ADD(bad_new, name_empty) {
	.name = "", .block_size = 4096, .block_size_len = 4, .error = -EINVAL,
	.msg = "name must not be empty", .bad_attr = MEMOPT_A_POOL_NAME,
};

FIXTURE_VARIANT_ADD(bad_new, name_too_long) {
	.name = "abcdefghijklmnopqrstuvwxyz012345", .block_size = 4096,
	.block_size_len = 4, .error = -EINVAL,
	.msg = "name must be at most 31 characters", .bad_attr = MEMOPT_A_POOL_NAME,
};

FIXTURE_VARIANT_ADD(bad_new, name_with_space) {
	.name = "my pool", .block_size = 4096, .block_size_len = 4, .error = -EINVAL,
	.msg = "name must be printable ASCII without spaces",
	.bad_attr = MEMOPT_A_POOL_NAME,
};

FIXTURE_VARIANT_ADD(bad_new, name_not_printable) {
	.name = "bell\a", .block_size = 4096, .block_size_len = 4, .error = -EINVAL,
	.msg = "name must be printable ASCII without spaces",
	.bad_attr = MEMOPT_A_POOL_NAME,
};

FIXTURE_VARIANT_ADD(bad_new, name_reserved) {
	.name = "pool7", .block_size = 4096, .block_size_len = 4, .error = -EINVAL,
	.msg = "names of the form pool<N> are reserved for unnamed pools",
	.bad_attr = MEMOPT_A_POOL_NAME,
};

FIXTURE_VARIANT_ADD(bad_new, id_not_accepted) {
	.block_size = 4096, .block_size_len = 4, .extra_attr = MEMOPT_A_POOL_ID,
	.error = -EINVAL, .msg = "Unsupported attribute", .bad_attr = MEMOPT_A_POOL_ID,
};

FIXTURE_SETUP(bad_new)
{
	ctx_open(_metadata, &self->c);
}

FIXTURE_TEARDOWN(bad_new)
{
	ctx_close(_metadata, &self->c);
}

TEST_F(bad_new, refused)
{
	struct genl_req r;

	genl_req_init(&r, self->c.family, MEMOPT_CMD_POOL_NEW, 0);
	if (variant->name)
		genl_put_str(&r, MEMOPT_A_POOL_NAME, variant->name);
	if (variant->block_size_len)
		genl_put(&r, MEMOPT_A_POOL_BLOCK_SIZE, &variant->block_size,
			 variant->block_size_len);
	if (variant->min)
		genl_put_u32(&r, MEMOPT_A_POOL_MIN, variant->min);
	if (variant->max)
		genl_put_u32(&r, MEMOPT_A_POOL_MAX, variant->max);
	if (variant->watermark)
		genl_put_u32(&r, MEMOPT_A_POOL_WATERMARK, variant->watermark);
	if (variant->extra_attr)
		genl_put_u32(&r, variant->extra_attr, 1);

	expect_refusal(_metadata, self->c.fd, &r, variant->error, variant->msg,
		       variant->bad_attr, variant->miss_attr);
}

/* Bad selections of a pool, for del, get and set. */
FIXTURE(bad_select) {
	struct ctx c;
};

FIXTURE_VARIANT(bad_select) {
	uint8_t cmd;
	uint32_t id;			/* 0: absent */
	const char *name;		/* NULL: absent */
	int error;
	const char *msg;
	int bad_attr;
	int miss_attr;
};

#define BAD_SELECT(op, CMD)							\
FIXTURE_VARIANT_ADD(bad_select, op##_unknown_id) {				\
	.cmd = CMD, .id = 999999, .error = -ENOENT,				\
	.msg = "no pool with this id", .bad_attr = MEMOPT_A_POOL_ID,		\
};										\
FIXTURE_VARIANT_ADD(bad_select, op##_unknown_name) {				\
	.cmd = CMD, .name = "nosuchpool", .error = -ENOENT,			\
	.msg = "no pool with this name", .bad_attr = MEMOPT_A_POOL_NAME,	\
};										\
FIXTURE_VARIANT_ADD(bad_select, op##_no_selector) {				\
	.cmd = CMD, .error = -EINVAL, .msg = "pool id or name is required",	\
	.miss_attr = MEMOPT_A_POOL_ID,						\
};										\
FIXTURE_VARIANT_ADD(bad_select, op##_id_and_name) {				\
	.cmd = CMD, .id = 1, .name = "x", .error = -EINVAL,			\
	.msg = "name the pool by id or by name, not both",			\
	.bad_attr = MEMOPT_A_POOL_NAME,						\
}

BAD_SELECT(del, MEMOPT_CMD_POOL_DEL);
BAD_SELECT(get, MEMOPT_CMD_POOL_GET);
BAD_SELECT(set, MEMOPT_CMD_POOL_SET);

FIXTURE_SETUP(bad_select)
{
	ctx_open(_metadata, &self->c);
}

FIXTURE_TEARDOWN(bad_select)
{
	ctx_close(_metadata, &self->c);
}

TEST_F(bad_select, refused)
{
	struct genl_req r;

	genl_req_init(&r, self->c.family, variant->cmd, 0);
	if (variant->id)
		genl_put_u32(&r, MEMOPT_A_POOL_ID, variant->id);
	if (variant->name)
		genl_put_str(&r, MEMOPT_A_POOL_NAME, variant->name);
	if (variant->cmd == MEMOPT_CMD_POOL_SET)
		genl_put_u32(&r, MEMOPT_A_POOL_WATERMARK, 10);

	expect_refusal(_metadata, self->c.fd, &r, variant->error, variant->msg,
		       variant->bad_attr, variant->miss_attr);
}

TEST_HARNESS_MAIN
