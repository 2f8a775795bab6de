// SPDX-License-Identifier: GPL-2.0
/*
 * The leak ledger over netlink: buffer, process and leak dumps (holders,
 * filters, visibility), the new pool figures, and the events on the
 * "monitor" group (leak suspicions, watermark, exhaustion, dying and
 * freed pools). Each test runs on a pool of its own ("ledgertest", 4 KiB
 * blocks, at most 64) and ends with no block of it in use.
 *
 * The detectors run every scan_interval_ms (1 s by default): tests that
 * wait for them allow several scans.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
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
#define ACCOUNTING "/sys/module/memopt/parameters/accounting"

static int set_accounting(const char *v);

FIXTURE(ledger) {
	int fd, nl, mon;
	uint16_t family;
	uint32_t pool;
};

FIXTURE_SETUP(ledger)
{
	int ret = testpool_open(&self->fd, &self->nl, &self->family);
	struct genl_family_info info;

	if (ret == -ENOENT)
		SKIP(return, DEV " does not exist: memopt.ko not loaded");
	ASSERT_EQ(0, ret);
	prctl(PR_SET_NAME, "ledgertest");
	/* Joined before anything happens, so that no event is missed. */
	self->mon = genl_open();
	ASSERT_LE(0, self->mon);
	ASSERT_EQ(0, genl_resolve(self->nl, MEMOPT_GENL_NAME, &info));
	ASSERT_NE(0U, info.monitor_grp);
	ASSERT_EQ(0, genl_join(self->mon, info.monitor_grp));
	self->pool = testpool_create(self->nl, self->family, "ledgertest", BS, POOL_MAX, 0666);
	ASSERT_NE(0U, self->pool) TH_LOG("pool create: %s", testpool_rep.msg);
}

FIXTURE_TEARDOWN(ledger)
{
	testpool_stop_failing();
	if (self->mon >= 0)
		close(self->mon);
	/* Back on, whatever a test did with it. */
	set_accounting("Y");
	/* Every session, fd and mapping is gone: every block is back. */
	EXPECT_EQ(0, testpool_close(self->fd, self->nl, self->family, self->pool));
}

static struct genl_reply rep;

static void put_u64(struct genl_req *r, uint16_t type, uint64_t v)
{
	genl_put(r, type, &v, sizeof(v));
}

static int pool_set(int nl, uint16_t family, uint32_t pool, uint16_t attr, uint64_t v)
{
	struct genl_req r;

	genl_req_init(&r, family, MEMOPT_CMD_POOL_SET, 0);
	genl_put_u32(&r, MEMOPT_A_POOL_ID, pool);
	if (attr == MEMOPT_A_POOL_GROWTH)
		put_u64(&r, attr, v);
	else
		genl_put_u32(&r, attr, (uint32_t)v);
	return genl_do(nl, &r, &rep);
}

/* What the tests look at in one buffer message. */
struct buf_seen {
	uint64_t id, size, requested, age_ms;
	uint32_t pool, pid, uid, suspect;
	char comm[32], label[32];
	int exited;
	/* holders: count by kind for pids[0..1]; [2] for pid 0 */
	uint32_t handles[3], maps[3], dmabufs, kernel;
	uint32_t pids[2];
};

struct buf_list {
	int n;
	struct buf_seen b[8];
};

static int pid_slot(struct buf_seen *s, uint32_t pid)
{
	int i;

	if (!pid)
		return 2;
	for (i = 0; i < 2; i++) {
		if (!s->pids[i])
			s->pids[i] = pid;
		if (s->pids[i] == pid)
			return i;
	}
	return 2;
}

static void parse_holder(struct buf_seen *s, struct nlattr *nest)
{
	struct nlattr *h[GENL_MAXATTR];
	uint32_t kind, pid, count;

	genl_nested(nest, h);
	kind = genl_u32(h[MEMOPT_A_HOLDER_KIND]);
	pid = h[MEMOPT_A_HOLDER_PID] ? genl_u32(h[MEMOPT_A_HOLDER_PID]) : 0;
	count = genl_u32(h[MEMOPT_A_HOLDER_COUNT]);
	if (kind == MEMOPT_HOLDER_HANDLE)
		s->handles[pid_slot(s, pid)] += count;
	else if (kind == MEMOPT_HOLDER_MAPPING)
		s->maps[pid_slot(s, pid)] += count;
	else if (kind == MEMOPT_HOLDER_DMABUF)
		s->dmabufs += count;
	else if (kind == MEMOPT_HOLDER_KERNEL)
		s->kernel += count;
}

/* Fill @s from a buffer's attributes (a message or a nest). */
static void parse_buf(struct buf_seen *s, struct nlattr **tb, struct nlattr *head, int len)
{
	struct nlattr *a;

	memset(s, 0, sizeof(*s));
	s->id = genl_u64(tb[MEMOPT_A_BUF_ID]);
	s->pool = genl_u32(tb[MEMOPT_A_BUF_POOL_ID]);
	s->size = genl_u64(tb[MEMOPT_A_BUF_SIZE]);
	s->requested = tb[MEMOPT_A_BUF_REQUESTED] ? genl_u64(tb[MEMOPT_A_BUF_REQUESTED]) : 0;
	s->pid = genl_u32(tb[MEMOPT_A_BUF_OWNER_PID]);
	s->uid = genl_u32(tb[MEMOPT_A_BUF_OWNER_UID]);
	s->age_ms = genl_u64(tb[MEMOPT_A_BUF_AGE_MS]);
	s->exited = !!tb[MEMOPT_A_BUF_OWNER_EXITED];
	s->suspect = tb[MEMOPT_A_BUF_SUSPECT] ? genl_u32(tb[MEMOPT_A_BUF_SUSPECT]) : 0;
	if (tb[MEMOPT_A_BUF_OWNER_COMM])
		snprintf(s->comm, sizeof(s->comm), "%s", genl_str(tb[MEMOPT_A_BUF_OWNER_COMM]));
	if (tb[MEMOPT_A_BUF_LABEL])
		snprintf(s->label, sizeof(s->label), "%s", genl_str(tb[MEMOPT_A_BUF_LABEL]));
	/* Holders repeat: walk them all. */
	for (a = head; len >= (int)sizeof(*a) && a->nla_len >= sizeof(*a) && a->nla_len <= len;
	     len -= NLA_ALIGN(a->nla_len), a = (void *)((char *)a + NLA_ALIGN(a->nla_len)))
		if ((a->nla_type & NLA_TYPE_MASK) == MEMOPT_A_BUF_HOLDER)
			parse_holder(s, a);
}

/* The raw attribute area of a message whose tb[] we were given. */
static void collect_buf(struct nlattr **tb, void *arg)
{
	struct buf_list *l = arg;
	struct nlattr *first = NULL;
	int i, len;

	/* tb[] entries point into the message: its first attribute starts it. */
	for (i = 1; i < GENL_MAXATTR; i++)
		if (tb[i] && (!first || (char *)tb[i] < (char *)first))
			first = tb[i];
	if (!first || l->n == 8)
		return;
	len = ((struct nlmsghdr *)((char *)first - GENL_HDRLEN - NLMSG_HDRLEN))->nlmsg_len -
	      NLMSG_HDRLEN - GENL_HDRLEN;
	parse_buf(&l->b[l->n++], tb, first, len);
}

static int dump_bufs(int nl, uint16_t family, uint32_t pool, struct buf_list *l,
		     const char *label, uint32_t pid, uint64_t min_age_ms)
{
	struct genl_req r;

	memset(l, 0, sizeof(*l));
	genl_req_init(&r, family, MEMOPT_CMD_BUF_GET, 0);
	if (pool)
		genl_put_u32(&r, MEMOPT_A_BUF_POOL_ID, pool);
	if (label)
		genl_put_str(&r, MEMOPT_A_BUF_LABEL, label);
	if (pid)
		genl_put_u32(&r, MEMOPT_A_BUF_OWNER_PID, pid);
	if (min_age_ms)
		put_u64(&r, MEMOPT_A_BUF_AGE_MS, min_age_ms);
	return genl_dump(nl, &r, collect_buf, l, NULL);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

/*
 * Wait up to @ms for a notification @cmd; with @match, one it accepts.
 * Returns 0 (rep holds it) or -ETIMEDOUT.
 */
static int wait_event(int mon, uint8_t cmd, int (*match)(struct nlattr **tb, void *arg),
		      void *arg, int ms)
{
	uint64_t end = now_ms() + ms, now;

	/* One clock read per round: a negative timeout would block forever. */
	while ((now = now_ms()) < end) {
		if (genl_recv(mon, &rep, (int)(end - now)))
			continue;
		if (rep.cmd == cmd && (!match || match(rep.tb, arg)))
			return 0;
	}
	return -ETIMEDOUT;
}

static int do_label(int fd, uint32_t handle, const char *label)
{
	struct memopt_set_label l = { .handle = handle };

	snprintf(l.label, sizeof(l.label), "%s", label);
	return ioctl(fd, MEMOPT_IOC_SET_LABEL, &l) ? -errno : 0;
}

static uint64_t buf_id(int fd, uint32_t handle)
{
	struct memopt_info i = { .handle = handle };

	return ioctl(fd, MEMOPT_IOC_INFO, &i) ? 0 : i.buf_id;
}

TEST_F(ledger, a_buffer_shows_its_owner_size_label_and_holders)
{
	struct memopt_export e = { .flags = MEMOPT_EXPORT_CLOEXEC };
	struct memopt_alloc a;
	struct buf_list l;
	void *p;

	ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, 10000, &a));
	ASSERT_EQ(0, do_label(self->fd, a.handle, "camera"));
	p = memopt_map(self->fd, &a, 0, a.size_actual, PROT_READ);
	ASSERT_NE(MAP_FAILED, p);
	e.handle = a.handle;
	ASSERT_EQ(0, ioctl(self->fd, MEMOPT_IOC_EXPORT, &e));

	ASSERT_EQ(1, dump_bufs(self->nl, self->family, self->pool, &l, NULL, 0, 0));
	EXPECT_EQ(buf_id(self->fd, a.handle), l.b[0].id);
	EXPECT_EQ(self->pool, l.b[0].pool);
	EXPECT_EQ(3U * BS, l.b[0].size);
	EXPECT_EQ(10000U, l.b[0].requested);
	EXPECT_EQ((uint32_t)getpid(), l.b[0].pid);
	EXPECT_EQ(getuid(), l.b[0].uid);
	EXPECT_STREQ("ledgertest", l.b[0].comm);
	EXPECT_STREQ("camera", l.b[0].label);
	EXPECT_EQ(0, l.b[0].exited);
	EXPECT_EQ(0U, l.b[0].suspect);
	EXPECT_EQ((uint32_t)getpid(), l.b[0].pids[0]);
	EXPECT_EQ(1U, l.b[0].handles[0]);
	EXPECT_EQ(1U, l.b[0].maps[0]);
	EXPECT_EQ(1U, l.b[0].dmabufs);
	EXPECT_EQ(0U, l.b[0].kernel);

	/* Filters: label, owner, minimum age; each must also miss. */
	EXPECT_EQ(1, dump_bufs(self->nl, self->family, self->pool, &l, "camera", 0, 0));
	EXPECT_EQ(0, dump_bufs(self->nl, self->family, self->pool, &l, "other", 0, 0));
	EXPECT_EQ(1, dump_bufs(self->nl, self->family, 0, &l, "camera", getpid(), 0));
	EXPECT_EQ(0, dump_bufs(self->nl, self->family, self->pool, &l, NULL, 1, 0));
	EXPECT_EQ(0, dump_bufs(self->nl, self->family, self->pool, &l, NULL, 0, 3600000));

	/* Holders go as they are dropped. */
	close(e.fd);
	munmap(p, a.size_actual);
	ASSERT_EQ(1, dump_bufs(self->nl, self->family, self->pool, &l, NULL, 0, 0));
	EXPECT_EQ(1U, l.b[0].handles[0]);
	EXPECT_EQ(0U, l.b[0].maps[0] + l.b[0].maps[1] + l.b[0].maps[2]);
	EXPECT_EQ(0U, l.b[0].dmabufs);
	EXPECT_EQ(0, memopt_do_free(self->fd, a.handle));
	EXPECT_EQ(0, dump_bufs(self->nl, self->family, self->pool, &l, NULL, 0, 0));
}

TEST_F(ledger, a_forked_mapping_is_the_childs)
{
	struct memopt_alloc a;
	int status, sync[2];
	struct buf_list l;
	pid_t pid;
	void *p;
	char c;

	ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, BS, &a));
	p = memopt_map(self->fd, &a, 0, BS, PROT_READ);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, pipe(sync));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(sync[0]);
		/* Close the inherited session: the child holds the mapping only. */
		close(self->fd);
		if (write(sync[1], "r", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(sync[1]);
	ASSERT_EQ(1, read(sync[0], &c, 1));
	ASSERT_EQ(1, dump_bufs(self->nl, self->family, self->pool, &l, NULL, 0, 0));
	EXPECT_EQ((uint32_t)getpid(), l.b[0].pids[0]);
	EXPECT_EQ((uint32_t)pid, l.b[0].pids[1]);
	EXPECT_EQ(1U, l.b[0].handles[0]);
	EXPECT_EQ(1U, l.b[0].maps[0]);
	EXPECT_EQ(1U, l.b[0].maps[1]);
	EXPECT_EQ(0U, l.b[0].maps[2]);
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(1, dump_bufs(self->nl, self->family, self->pool, &l, NULL, 0, 0));
	EXPECT_EQ(1U, l.b[0].maps[0]);
	EXPECT_EQ(0U, l.b[0].maps[1] + l.b[0].maps[2]);
	close(sync[0]);
	munmap(p, BS);
	EXPECT_EQ(0, memopt_do_free(self->fd, a.handle));
}

struct proc_seen {
	int n;
	uint64_t buffers, bytes, peak, allocs, frees, oldest_ms;
	uint32_t pid, pool;
};

static void collect_proc(struct nlattr **tb, void *arg)
{
	struct proc_seen *p = arg;

	p->n++;
	p->pid = genl_u32(tb[MEMOPT_A_PROC_PID]);
	p->pool = genl_u32(tb[MEMOPT_A_PROC_POOL_ID]);
	p->buffers = genl_u64(tb[MEMOPT_A_PROC_BUFFERS]);
	p->bytes = genl_u64(tb[MEMOPT_A_PROC_BYTES]);
	p->peak = genl_u64(tb[MEMOPT_A_PROC_PEAK_BYTES]);
	p->allocs = genl_u64(tb[MEMOPT_A_PROC_ALLOCS]);
	p->frees = genl_u64(tb[MEMOPT_A_PROC_FREES]);
	p->oldest_ms = tb[MEMOPT_A_PROC_OLDEST_MS] ? genl_u64(tb[MEMOPT_A_PROC_OLDEST_MS]) : 0;
}

static int dump_proc(int nl, uint16_t family, uint32_t pool, uint32_t pid, struct proc_seen *p)
{
	struct genl_req r;

	memset(p, 0, sizeof(*p));
	genl_req_init(&r, family, MEMOPT_CMD_PROC_GET, 0);
	genl_put_u32(&r, MEMOPT_A_PROC_POOL_ID, pool);
	genl_put_u32(&r, MEMOPT_A_PROC_PID, pid);
	return genl_dump(nl, &r, collect_proc, p, NULL);
}

TEST_F(ledger, process_figures_and_pool_figures)
{
	struct nlattr *st[GENL_MAXATTR];
	struct memopt_alloc a, b;
	struct proc_seen p;
	struct genl_req r;

	ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, 2 * BS, &a));
	ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, 100, &b));
	EXPECT_EQ(0, memopt_do_free(self->fd, a.handle));

	ASSERT_EQ(1, dump_proc(self->nl, self->family, self->pool, getpid(), &p));
	EXPECT_EQ((uint32_t)getpid(), p.pid);
	EXPECT_EQ(self->pool, p.pool);
	EXPECT_EQ(1U, p.buffers);
	EXPECT_EQ((uint64_t)BS, p.bytes);
	EXPECT_EQ(3U * BS, p.peak);
	EXPECT_EQ(2U, p.allocs);
	EXPECT_EQ(1U, p.frees);
	EXPECT_GE(60000U, p.oldest_ms);
	EXPECT_EQ(0, dump_proc(self->nl, self->family, self->pool, 1, &p));

	genl_req_init(&r, self->family, MEMOPT_CMD_POOL_GET, 0);
	genl_put_u32(&r, MEMOPT_A_POOL_ID, self->pool);
	ASSERT_EQ(0, genl_do(self->nl, &r, &rep));
	genl_nested(rep.tb[MEMOPT_A_POOL_STATS], st);
	EXPECT_EQ((uint64_t)BS, genl_u64(st[MEMOPT_A_STATS_BYTES_USED]));
	EXPECT_EQ(100U, genl_u64(st[MEMOPT_A_STATS_BYTES_REQUESTED]));
	EXPECT_EQ(3U, genl_u64(st[MEMOPT_A_STATS_PEAK_USED]));
	EXPECT_EQ(1U, genl_u64(st[MEMOPT_A_STATS_BUFFERS]));
	/* One block out of a slab of several: the rest of the slab is stranded. */
	EXPECT_LT(0U, genl_u64(st[MEMOPT_A_STATS_BYTES_STRANDED]));
	EXPECT_EQ(0, memopt_do_free(self->fd, b.handle));
}

TEST_F(ledger, others_see_only_their_own_buffers)
{
	struct memopt_alloc a;
	int status;
	pid_t pid;

	ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, BS, &a));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct buf_list l;
		struct proc_seen p;
		struct genl_req r;
		struct memopt_alloc b;
		int fd, nl;

		if (setgid(65534) || setuid(65534))
			_exit(10);
		nl = genl_open();
		fd = open(DEV, O_RDWR);
		if (nl < 0 || fd < 0)
			_exit(11);
		/* Root's buffer is invisible, its own is not. */
		if (dump_bufs(nl, self->family, self->pool, &l, NULL, 0, 0) != 0)
			_exit(12);
		if (memopt_do_alloc(fd, self->pool, BS, &b))
			_exit(13);
		if (dump_bufs(nl, self->family, self->pool, &l, NULL, 0, 0) != 1 ||
		    l.b[0].uid != 65534)
			_exit(14);
		if (dump_proc(nl, self->family, self->pool, getppid(), &p) != 0)
			_exit(15);
		/* Pool figures are for everyone; changes are not. */
		genl_req_init(&r, self->family, MEMOPT_CMD_POOL_GET, 0);
		genl_put_u32(&r, MEMOPT_A_POOL_ID, self->pool);
		if (genl_do(nl, &r, &rep))
			_exit(16);
		if (pool_set(nl, self->family, self->pool, MEMOPT_A_POOL_LEAK_AGE, 1) != -EPERM)
			_exit(17);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0, memopt_do_free(self->fd, a.handle));
}

struct leak_want {
	uint32_t reason;
	uint64_t buf_id;
	uint32_t pid;
};

static int leak_matches(struct nlattr **tb, void *arg)
{
	struct leak_want *w = arg;
	struct nlattr *n[GENL_MAXATTR];

	if (!tb[MEMOPT_A_LEAK_REASON] || genl_u32(tb[MEMOPT_A_LEAK_REASON]) != w->reason)
		return 0;
	if (w->reason == MEMOPT_LEAK_GROWTH) {
		genl_nested(tb[MEMOPT_A_LEAK_PROC], n);
		return genl_u32(n[MEMOPT_A_PROC_PID]) == w->pid;
	}
	genl_nested(tb[MEMOPT_A_LEAK_BUF], n);
	return genl_u64(n[MEMOPT_A_BUF_ID]) == w->buf_id &&
	       (!w->pid || genl_u32(n[MEMOPT_A_BUF_OWNER_PID]) == w->pid);
}

static void count_leaks(struct nlattr **tb, void *arg)
{
	struct leak_want *w = arg;

	if (leak_matches(tb, w))
		w->reason |= 0x80000000U;
}

TEST_F(ledger, an_old_buffer_is_suspected_once)
{
	struct leak_want w = { .reason = MEMOPT_LEAK_AGE };
	struct memopt_alloc a;
	struct nlattr *n[GENL_MAXATTR];
	struct genl_req r;

	ASSERT_EQ(0, pool_set(self->nl, self->family, self->pool, MEMOPT_A_POOL_LEAK_AGE, 1));
	ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, BS, &a));
	w.buf_id = buf_id(self->fd, a.handle);
	ASSERT_EQ(0, wait_event(self->mon, MEMOPT_CMD_LEAK_NTF, leak_matches, &w, 6000));
	genl_nested(rep.tb[MEMOPT_A_LEAK_BUF], n);
	EXPECT_EQ((uint32_t)getpid(), genl_u32(n[MEMOPT_A_BUF_OWNER_PID]));
	EXPECT_EQ((uint64_t)BS, genl_u64(n[MEMOPT_A_BUF_SIZE]));
	EXPECT_LE(1000U, genl_u64(n[MEMOPT_A_BUF_AGE_MS]));
	/* No label or name in a notification: the group is open to all. */
	EXPECT_EQ(NULL, n[MEMOPT_A_BUF_LABEL]);
	EXPECT_EQ(NULL, n[MEMOPT_A_BUF_OWNER_COMM]);

	/* In the leak dump, with its reason. */
	genl_req_init(&r, self->family, MEMOPT_CMD_LEAK_GET, 0);
	EXPECT_LE(1, genl_dump(self->nl, &r, count_leaks, &w, NULL));
	EXPECT_EQ(0x80000000U | MEMOPT_LEAK_AGE, w.reason);
	w.reason = MEMOPT_LEAK_AGE;

	/* Once: three more scans bring no second report. */
	EXPECT_EQ(-ETIMEDOUT, wait_event(self->mon, MEMOPT_CMD_LEAK_NTF, leak_matches, &w, 3500));
	EXPECT_EQ(0, memopt_do_free(self->fd, a.handle));
}

TEST_F(ledger, a_buffer_outliving_its_owner_is_an_orphan)
{
	struct leak_want w = { .reason = MEMOPT_LEAK_ORPHAN };
	char cbuf[CMSG_SPACE(sizeof(int))], x;
	struct iovec iov = { &x, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct memopt_import im = { 0 };
	struct cmsghdr *c;
	int sv[2], status, dfd;
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct memopt_export e = { .flags = MEMOPT_EXPORT_CLOEXEC };
		struct memopt_alloc a;
		int fd = open(DEV, O_RDWR);

		if (fd < 0 || memopt_do_alloc(fd, self->pool, BS, &a))
			_exit(10);
		e.handle = a.handle;
		if (ioctl(fd, MEMOPT_IOC_EXPORT, &e))
			_exit(11);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &e.fd, sizeof(int));
		_exit(sendmsg(sv[1], &msg, 0) == 1 ? 0 : 12);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(1, recvmsg(sv[0], &msg, MSG_CMSG_CLOEXEC));
	c = CMSG_FIRSTHDR(&msg);
	ASSERT_NE(NULL, c);
	memcpy(&dfd, CMSG_DATA(c), sizeof(int));
	/* The dma-buf in our hands is all that is left of the child's buffer. */
	im.fd = dfd;
	ASSERT_EQ(0, ioctl(self->fd, MEMOPT_IOC_IMPORT, &im));
	w.buf_id = buf_id(self->fd, im.handle);
	w.pid = pid;
	ASSERT_EQ(0, wait_event(self->mon, MEMOPT_CMD_LEAK_NTF, leak_matches, &w, 6000));
	close(dfd);
	EXPECT_EQ(0, memopt_do_free(self->fd, im.handle));
	close(sv[0]);
	close(sv[1]);
}

/*
 * A child that holds @steady blocks, then for @secs seconds either adds a
 * block every 250 ms (@grow) or frees and allocates one (steady level).
 */
static void growth_child(uint32_t pool, int steady, int grow, int secs)
{
	struct memopt_alloc a[POOL_MAX];
	int fd = open(DEV, O_RDWR), n = 0, i;

	if (fd < 0)
		_exit(10);
	for (; n < steady; n++)
		if (memopt_do_alloc(fd, pool, BS, &a[n]))
			_exit(11);
	for (i = 0; i < secs * 4; i++) {
		usleep(250000);
		if (grow) {
			if (n < POOL_MAX && memopt_do_alloc(fd, pool, BS, &a[n++]))
				_exit(12);
		} else if (memopt_do_free(fd, a[n - 1].handle) ||
			   memopt_do_alloc(fd, pool, BS, &a[n - 1])) {
			_exit(13);
		}
	}
	_exit(0);
}

TEST_F_TIMEOUT(ledger, growth_is_suspected_but_a_steady_level_is_not, 90)
{
	struct leak_want w = { .reason = MEMOPT_LEAK_GROWTH };
	int status, grow;
	pid_t pid;

	/* More than 3 blocks over a 2 s window; the steady child holds 8. */
	ASSERT_EQ(0, pool_set(self->nl, self->family, self->pool, MEMOPT_A_POOL_GROWTH, 3 * BS));
	ASSERT_EQ(0, pool_set(self->nl, self->family, self->pool,
			      MEMOPT_A_POOL_GROWTH_WINDOW, 2));
	for (grow = 0; grow < 2; grow++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0)
			growth_child(self->pool, 8, grow, 8);
		w.pid = pid;
		if (grow) {
			EXPECT_EQ(0, wait_event(self->mon, MEMOPT_CMD_LEAK_NTF, leak_matches, &w,
						9000));
		} else {
			EXPECT_EQ(-ETIMEDOUT, wait_event(self->mon, MEMOPT_CMD_LEAK_NTF,
							 leak_matches, &w, 9000));
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFEXITED(status));
		EXPECT_EQ(0, WEXITSTATUS(status));
	}
}

static int event_is(struct nlattr **tb, void *arg)
{
	uint32_t *want = arg;

	return tb[MEMOPT_A_POOL_ID] && genl_u32(tb[MEMOPT_A_POOL_ID]) == want[0] &&
	       tb[MEMOPT_A_POOL_EVENT] && genl_u32(tb[MEMOPT_A_POOL_EVENT]) == want[1];
}

TEST_F(ledger, watermark_crossings_and_exhaustion_are_announced)
{
	uint32_t want[2] = { self->pool, MEMOPT_EVENT_WATERMARK_UP };
	struct memopt_alloc a, b, c;

	ASSERT_EQ(0, pool_set(self->nl, self->family, self->pool, MEMOPT_A_POOL_WATERMARK, 50));
	ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, 32 * BS, &a));
	EXPECT_EQ(0, wait_event(self->mon, MEMOPT_CMD_WATERMARK_NTF, event_is, want, 4000));
	/* Exhausted: the pool's max refuses the next one. */
	ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, 32 * BS, &b));
	EXPECT_EQ(-ENOSPC, memopt_do_alloc(self->fd, self->pool, BS, &c));
	want[1] = MEMOPT_EVENT_EXHAUSTED_MAX;
	EXPECT_EQ(0, wait_event(self->mon, MEMOPT_CMD_EXHAUSTED_NTF, event_is, want, 4000));
	EXPECT_EQ(0, memopt_do_free(self->fd, b.handle));
	/* Down only well below: 32 of 64 is 50%, still at the watermark. */
	want[1] = MEMOPT_EVENT_WATERMARK_DOWN;
	EXPECT_EQ(-ETIMEDOUT, wait_event(self->mon, MEMOPT_CMD_WATERMARK_NTF, event_is, want,
					 2500));
	EXPECT_EQ(0, memopt_do_free(self->fd, a.handle));
	EXPECT_EQ(0, wait_event(self->mon, MEMOPT_CMD_WATERMARK_NTF, event_is, want, 4000));
}

static int freed_is(struct nlattr **tb, void *arg)
{
	return genl_u32(tb[MEMOPT_A_POOL_ID]) == *(uint32_t *)arg;
}

TEST_F(ledger, a_busy_pool_dies_and_is_freed_with_its_last_buffer)
{
	struct memopt_alloc a;
	struct genl_req r;
	uint32_t id = self->pool;

	ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, BS, &a));
	genl_req_init(&r, self->family, MEMOPT_CMD_POOL_DEL, 0);
	genl_put_u32(&r, MEMOPT_A_POOL_ID, id);
	ASSERT_EQ(0, genl_do(self->nl, &r, &rep));
	EXPECT_NE(NULL, rep.tb[MEMOPT_A_POOL_DYING]);
	EXPECT_EQ(0, wait_event(self->mon, MEMOPT_CMD_POOL_DELETE_NTF, freed_is, &id, 2000));
	EXPECT_NE(NULL, rep.tb[MEMOPT_A_POOL_DYING]);
	/* Still held: not freed. */
	EXPECT_EQ(-ETIMEDOUT, wait_event(self->mon, MEMOPT_CMD_POOL_FREED_NTF, freed_is, &id,
					 1500));
	EXPECT_EQ(0, memopt_do_free(self->fd, a.handle));
	EXPECT_EQ(0, wait_event(self->mon, MEMOPT_CMD_POOL_FREED_NTF, freed_is, &id, 4000));
	EXPECT_STREQ("ledgertest", genl_str(rep.tb[MEMOPT_A_POOL_NAME]));
	self->pool = 0;		/* gone: nothing for the teardown */
}

struct pool_count {
	uint32_t pool;
	int n;
};

static void count_pool_suspects(struct nlattr **tb, void *arg)
{
	struct pool_count *c = arg;
	struct nlattr *n[GENL_MAXATTR];

	if (!tb[MEMOPT_A_LEAK_BUF])
		return;
	genl_nested(tb[MEMOPT_A_LEAK_BUF], n);
	if (genl_u32(n[MEMOPT_A_BUF_POOL_ID]) == c->pool &&
	    (genl_u32(tb[MEMOPT_A_LEAK_REASON]) & MEMOPT_LEAK_AGE))
		c->n++;
}

/*
 * More buffers than the scan examines per hold of its lock (256), and
 * than one dump message batch holds: every one is found and dumped.
 */
TEST_F_TIMEOUT(ledger, the_scan_and_the_dumps_reach_every_one_of_many_buffers, 90)
{
	enum { MANY = 700 };
	struct pool_count c = { 0 };
	struct memopt_alloc a;
	struct buf_list l;
	struct genl_req r;
	uint64_t end;
	int i;

	c.pool = testpool_create(self->nl, self->family, "ledgermany", BS, MANY, 0660);
	ASSERT_NE(0U, c.pool) TH_LOG("pool create: %s", testpool_rep.msg);
	ASSERT_EQ(0, pool_set(self->nl, self->family, c.pool, MEMOPT_A_POOL_LEAK_AGE, 1));
	for (i = 0; i < MANY; i++)
		ASSERT_EQ(0, memopt_do_alloc(self->fd, c.pool, BS, &a));
	/* buf_list keeps 8, but counts them all. */
	EXPECT_EQ(MANY, dump_bufs(self->nl, self->family, c.pool, &l, NULL, 0, 0));
	for (end = now_ms() + 15000; now_ms() < end; usleep(500000)) {
		c.n = 0;
		genl_req_init(&r, self->family, MEMOPT_CMD_LEAK_GET, 0);
		ASSERT_LE(0, genl_dump(self->nl, &r, count_pool_suspects, &c, NULL));
		if (c.n == MANY)
			break;
	}
	EXPECT_EQ(MANY, c.n);
	close(self->fd);
	self->fd = open(DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	EXPECT_EQ(0, testpool_used(self->nl, self->family, c.pool));
	EXPECT_EQ(0, testpool_destroy(self->nl, self->family, c.pool));
}

static int set_accounting(const char *v)
{
	int fd = open(ACCOUNTING, O_WRONLY);
	int ok;

	if (fd < 0)
		return -errno;
	ok = write(fd, v, 1) == 1;
	close(fd);
	return ok ? 0 : -EIO;
}

TEST_F(ledger, buffers_allocated_with_accounting_off_are_not_in_the_ledger)
{
	struct memopt_alloc a, b;
	struct buf_list l;

	ASSERT_EQ(0, set_accounting("N"));
	ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, BS, &a));
	EXPECT_EQ(0, set_accounting("Y"));
	ASSERT_EQ(0, memopt_do_alloc(self->fd, self->pool, BS, &b));
	ASSERT_EQ(1, dump_bufs(self->nl, self->family, self->pool, &l, NULL, 0, 0));
	EXPECT_EQ(buf_id(self->fd, b.handle), l.b[0].id);
	/* Ids stay unique either way. */
	EXPECT_NE(0U, buf_id(self->fd, a.handle));
	EXPECT_NE(buf_id(self->fd, a.handle), buf_id(self->fd, b.handle));
	EXPECT_EQ(2, testpool_used(self->nl, self->family, self->pool));
	EXPECT_EQ(0, memopt_do_free(self->fd, a.handle));
	EXPECT_EQ(0, memopt_do_free(self->fd, b.handle));
}

TEST_HARNESS_MAIN
