// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz: a seeded, reproducible fuzzer of memopt's user-space interfaces.
 *
 *   fuzz [--seed S] [--ops N] [--procs P] [--netlink] [--faults]
 *        [--verbose] [--keep] [--timeout SECONDS]
 *
 * The coordinator (this process) creates four fuzz pools over netlink
 * (fz-a: 4 KiB blocks, max 256; fz-b: 64 KiB, min 2, max 32; fz-c: 2 MiB,
 * max 4; fz-d: 4 KiB, no max, only ever asked for small or impossible
 * sizes), a shared SOCK_DGRAM socketpair for descriptor passing and a
 * shared page of counters, then forks P workers and is their subreaper.
 * Worker I draws its random stream from splitmix64 seeded with S and I
 * only; a worker forks children at random points (a child's stream is
 * seeded from its parent's stream at that point, so it is reproducible
 * too), SIGKILLs them at random points, and children may _exit() at any
 * point. Each worker does N operations (a child a share of its parent's
 * remaining ones) drawn from:
 *
 *   - every MEMOPT_IOC_* with valid, boundary and garbage arguments
 *     (sizes 0, ~0, past 1 TiB, past the pool's max or the global cap;
 *     stale handles, handles of other sessions, random flags and reserved
 *     fields; unterminated and unprintable strings), raw commands with
 *     wrong sizes, directions, numbers and magic, and arguments at NULL,
 *     PROT_NONE, unmapped, kernel and read-only addresses;
 *   - mmap of sessions and of exported dma-bufs at random offsets, lengths,
 *     protections and flags; munmap (whole, head, tail, middle), mremap
 *     (shrink, grow, move, MREMAP_DONTUNMAP), mprotect, madvise; touching
 *     the mappings (which must never fault) and deliberately touching
 *     pages a test made inaccessible (which must fault with SIGSEGV);
 *   - dma-buf export and import with fds of every kind (memopt dma-bufs,
 *     /dev/null, a pipe, a memfd, /dev/memopt itself, sockets, closed and
 *     negative fds, fds received from other processes), DMA_BUF_IOCTL_SYNC,
 *     DMA_BUF_SET_NAME, lseek and garbage dma-buf ioctls;
 *   - SCM_RIGHTS passing of any of its fds (sessions, dma-bufs, the socket
 *     itself) to any other worker through the shared socketpair;
 *   - with --netlink: pool get/dump, buffer, process and leak dumps with
 *     random filters; messages with random, truncated, duplicated and
 *     wrongly nested attributes, bad headers and unknown commands (as set
 *     and del, aimed at the worker's own pools half the time, which they may
 *     then change or destroy); pool new, set and del of pools of its own,
 *     and del of other workers' pools, concurrently; pool set of the shared
 *     fuzz pools (never their max).
 *
 * Each result is checked against what the documentation allows for that
 * operation with those arguments: exactly, where the worker knows (a
 * handle of a session no other process holds must free with 0; a fresh
 * buffer must read as zeros; an INFO must report what ALLOC said), else
 * against the set of errnos the operation may return. Anything else, and
 * any signal but the deliberate SIGKILL and the deliberate SIGSEGVs, is an
 * unexpected result: the worker prints the seed, its index, the operation
 * index and the details, and exits 1.
 *
 * --faults runs the workers with /proc/self/make-it-fail set (for the
 * kernel's failslab and fail_page_alloc with task-filter=Y) and allows the
 * errnos an injected allocation failure may surface as, on the operations
 * that allocate (see fault_errs()); operations that allocate nothing (free,
 * info, set label, pool lookup, sync) must still behave exactly.
 *
 * At the end every worker unmaps and closes everything, the coordinator
 * reaps every process, drains the socketpair, and checks (within 10 s, for
 * the kernel's deferred releases) that the fuzz pools have no block in
 * use; then it destroys them (not with --keep). Output is TAP (three
 * tests) with the seed and per-operation counts as comments; the exit
 * status is 0 when everything was as expected, 1 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <linux/dma-buf.h>
#include <linux/genetlink.h>
#include <linux/memopt.h>
#include <linux/netlink.h>

#include "genl.h"
#include "prog.h"

#define DEV		"/dev/" MEMOPT_DEVICE_NAME
#define PG		4096UL
#define MAX_SESS	4
#define MAX_HANDLES	48
#define MAX_FDS		16
#define MAX_UNKNOWN	6
#define MAX_MAPS	24
#define MAX_KIDS	2
#define MAX_DEPTH	2
#define MAX_CHURN	3
#define NR_POOLS	4
#define NOFILE_LIMIT	96

/* Operation kinds, with their weights. */
#define OPS(X) \
	X(OPEN, 3, 0) X(CLOSE, 1, 0) X(ALLOC, 12, 0) X(FREE, 7, 0) \
	X(INFO, 4, 0) X(LABEL, 3, 0) X(LOOKUP, 2, 0) X(EXPORT, 5, 0) \
	X(IMPORT, 5, 0) X(IOC_RAW, 6, 0) X(IOC_BADPTR, 3, 0) X(IOC_OTHER, 1, 0) \
	X(MMAP, 8, 0) X(MMAP_DMABUF, 4, 0) X(MMAP_OTHER, 1, 0) X(MUNMAP, 5, 0) \
	X(MREMAP, 3, 0) X(MPROTECT, 3, 0) X(MADVISE, 3, 0) X(TOUCH, 8, 0) \
	X(TOUCH_BAD, 2, 0) X(SYNC, 2, 0) X(DMABUF_MISC, 2, 0) X(CLOSE_FD, 3, 0) \
	X(FD_SEND, 2, 0) X(FD_RECV, 2, 0) X(FORK, 1, 0) X(KILL, 1, 0) \
	X(EXIT, 0, 0) X(NL_GET, 2, 1) X(NL_DUMP, 2, 1) X(NL_GARBAGE, 4, 1) \
	X(NL_SET, 2, 1) X(NL_CHURN, 2, 1)

enum op {
#define X(n, w, nl) OP_##n,
	OPS(X)
#undef X
	OP__CNT
};

static const char *const op_name[] = {
#define X(n, w, nl) #n,
	OPS(X)
#undef X
};

static const unsigned int op_weight[] = {
#define X(n, w, nl) w,
	OPS(X)
#undef X
};

static const bool op_netlink[] = {
#define X(n, w, nl) nl,
	OPS(X)
#undef X
};

/* Counters shared by every process (a MAP_SHARED page). */
struct shared {
	uint64_t count[OP__CNT];
	uint64_t nomem[OP__CNT];	/* results that were ENOMEM and the like */
	uint64_t unexpected;
	uint64_t procs;
	uint64_t kills;
	uint64_t exits;
	uint64_t notes;
	uint64_t garbage_own[2];	/* garbage at own pools: sent, taken */
	int live;
};

/* Allowed results: bit 0 is success, bit E an errno. */
typedef unsigned __int128 eset;
#define E(e)	((eset)1 << (e))
#define OK	E(0)

static struct {
	uint64_t seed;
	long ops;
	int procs;
	bool netlink, faults, verbose, keep;
	int timeout;
} opt = { .ops = 2000, .procs = 2, .timeout = 900 };

static struct shared *sh;
/*
 * RAM and swap, in pages: a private writable mapping longer than this is
 * refused with ENOMEM by the overcommit heuristic (vm.overcommit_memory
 * 0), in the core, before a driver's mmap sees it.
 */
static uint64_t commit_pages;
static uint16_t family;
static int sp[2];			/* the shared socketpair */

struct pool_info {
	const char *name;
	uint32_t block, min, max;
	uint32_t id;
};

static struct pool_info pools[NR_POOLS] = {
	{ "fz-a", 4096, 0, 256, 0 },
	{ "fz-b", 65536, 2, 32, 0 },
	{ "fz-c", 2 << 20, 0, 4, 0 },
	{ "fz-d", 4096, 0, 0, 0 },
};

/* A handle a session holds, as far as this process knows. */
struct hent {
	uint32_t handle;
	uint64_t size;
	uint32_t pool;		/* 0 if unknown */
	bool rdonly, fresh;
};

struct sess {
	int fd;
	bool shared;		/* another process may use it (fork, SCM_RIGHTS) */
	int acc;		/* O_RDWR, O_RDONLY or O_WRONLY */
	int nh;
	struct hent h[MAX_HANDLES];
};

enum fd_kind { FD_DMABUF, FD_UNKNOWN };

struct fent {
	int fd;
	enum fd_kind kind;
	uint64_t size;
	bool rdonly;
};

/* A mapping of a buffer: contiguous pages, protection per page. */
struct map {
	char *addr;
	size_t npages;
	uint8_t *prot;
	bool can_write;		/* the source allows PROT_WRITE */
	bool unknown;		/* of a source not known exactly: may allow it */
	bool dontfork;
	bool split;		/* may be more than one VMA (mprotect, madvise of a part) */
	bool fresh;		/* must read as zeros until written */
};

/* Everything one process knows and owns. */
static struct proc {
	char label[64];
	uint64_t rs;
	long op, nops;
	int depth;
	struct sess s[MAX_SESS];
	struct fent f[MAX_FDS];
	int nf;
	int unk[MAX_UNKNOWN];
	int nunk;
	struct map m[MAX_MAPS];
	int nm;
	pid_t kids[MAX_KIDS];
	int nkids;
	int kidno;
	int nl;
	uint32_t churn[MAX_CHURN];
	int nchurn, churnno;
	char detail[512];
} P;

/* ------------------------------------------------------------------ */
/* randomness */

static uint64_t rnd(void)
{
	return prog_splitmix(&P.rs);
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static bool chance(unsigned int pct)
{
	return below(100) < pct;
}

/* An interesting 64-bit value: boundaries, powers of two, garbage. */
static uint64_t wild64(void)
{
	static const uint64_t v[] = {
		0, 1, 2, 4095, 4096, 4097, 65535, 65536, 1ULL << 20, 2ULL << 20,
		(2ULL << 20) + 1, 4ULL << 20, 1ULL << 31, 1ULL << 32, (1ULL << 32) - 1,
		1ULL << 40, (1ULL << 40) + 1, (1ULL << 40) - 1, 1ULL << 52, 1ULL << 63,
		~0ULL, ~0ULL - 4095, 0x7fffffffffffffffULL, 0xffffffffULL << 12,
	};

	if (chance(70))
		return v[below(sizeof(v) / sizeof(v[0]))];
	return rnd() >> below(64);
}

static uint32_t wild32(void)
{
	return chance(50) ? (uint32_t)wild64() : (uint32_t)(rnd() >> below(32));
}

/* ------------------------------------------------------------------ */
/* checking */

static void vdetail(const char *fmt, va_list ap)
{
	vsnprintf(P.detail, sizeof(P.detail), fmt, ap);
}

static __attribute__((format(printf, 1, 2))) void detail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdetail(fmt, ap);
	va_end(ap);
}

static __attribute__((noreturn, format(printf, 2, 3))) void unexpected(enum op k, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	__atomic_fetch_add(&sh->unexpected, 1, __ATOMIC_SEQ_CST);
	fprintf(stderr, "# UNEXPECTED: seed %" PRIu64 " proc %s op %ld %s: %s [%s]\n",
		opt.seed, P.label, P.op, op_name[k], why, P.detail);
	fflush(stderr);
	_exit(1);
}

/* The errnos an injected allocation failure may surface as, per kind. */
static eset fault_errs(enum op k)
{
	switch (k) {
	case OP_FREE: case OP_INFO: case OP_LABEL: case OP_LOOKUP:
	case OP_SYNC: case OP_TOUCH: case OP_TOUCH_BAD:
		return 0;	/* they allocate nothing */
	case OP_NL_GET: case OP_NL_DUMP: case OP_NL_GARBAGE: case OP_NL_SET:
	case OP_NL_CHURN:
		/* EAGAIN: a lost ack times out; ENFILE: socket() lost its inode */
		return E(ENOMEM) | E(ENOBUFS) | E(EAGAIN) | E(ENFILE);
	case OP_FORK:
		return E(ENOMEM) | E(EAGAIN);
	case OP_FD_SEND: case OP_FD_RECV:
		return E(ENOMEM) | E(ENOBUFS);
	default:
		return E(ENOMEM);
	}
}

/* Count one result of kind @k; @err (0 or an errno) must be in @allowed. */
static void check(enum op k, int err, eset allowed)
{
	if (opt.faults)
		allowed |= fault_errs(k);
	if (err == ENOMEM || err == ENOBUFS)
		__atomic_fetch_add(&sh->nomem[k], 1, __ATOMIC_RELAXED);
	if (opt.verbose)
		fprintf(stderr, "[%s] #%ld %s %s -> %s\n", P.label, P.op, op_name[k], P.detail,
			prog_errname(err));
	if (err < 0 || err >= 128 || !(allowed & E(err)))
		unexpected(k, "result %s (%d) is not allowed", prog_errname(err), err);
}

static void note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	__atomic_fetch_add(&sh->notes, 1, __ATOMIC_RELAXED);
	fprintf(stderr, "# note: seed %" PRIu64 " proc %s op %ld: ", opt.seed, P.label, P.op);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* ------------------------------------------------------------------ */
/* signals: deliberate touches catch SIGSEGV/SIGBUS, any other is fatal */

static sigjmp_buf touch_jb;
static volatile sig_atomic_t touch_armed, touch_sig;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	char msg[800];
	int n;

	(void)uc;
	if (touch_armed) {
		touch_sig = sig;
		touch_armed = 0;
		siglongjmp(touch_jb, 1);
	}
	n = snprintf(msg, sizeof(msg), "# UNEXPECTED: seed %" PRIu64 " proc %s op %ld: signal %d at %p outside a touch [%s]\n",
		     opt.seed, P.label, P.op, sig, si->si_addr, P.detail);
	if (write(2, msg, n) < 0)
		_exit(3);
	__atomic_fetch_add(&sh->unexpected, 1, __ATOMIC_SEQ_CST);
	_exit(3);
}

/* Read or write one byte at @p; 0 or the signal it raised. */
static int touch(volatile char *p, bool write)
{
	touch_sig = 0;
	if (sigsetjmp(touch_jb, 1) == 0) {
		touch_armed = 1;
		if (write)
			*p = (char)0x5a;
		else
			(void)*p;
		touch_armed = 0;
	}
	return touch_sig;
}

/* ------------------------------------------------------------------ */
/* tables */

static struct sess *pick_sess(void)
{
	int n = 0, i, k;

	for (i = 0; i < MAX_SESS; i++)
		n += P.s[i].fd >= 0;
	if (!n)
		return NULL;
	k = below(n);
	for (i = 0; i < MAX_SESS; i++)
		if (P.s[i].fd >= 0 && !k--)
			return &P.s[i];
	return NULL;
}

static struct hent *find_h(struct sess *s, uint32_t handle)
{
	int i;

	for (i = 0; i < s->nh; i++)
		if (s->h[i].handle == handle)
			return &s->h[i];
	return NULL;
}

static void drop_h(struct sess *s, uint32_t handle)
{
	struct hent *h = find_h(s, handle);

	if (h)
		*h = s->h[--s->nh];
}

/*
 * Remember a handle; if the table is full it lives on in the session
 * unknown, so the session's handles are no longer known exactly.
 */
static void add_h(struct sess *s, uint32_t handle, uint64_t size, uint32_t pool, bool ro, bool fresh)
{
	struct hent *h = find_h(s, handle);

	if (!h && s->nh < MAX_HANDLES)
		h = &s->h[s->nh++];
	if (h)
		*h = (struct hent){ handle, size, pool, ro, fresh };
	else
		s->shared = true;	/* no longer known exactly */
}

/* A handle to use: mostly a known one, sometimes a stale or wild one. */
static uint32_t pick_handle(struct sess *s, struct hent **hp)
{
	uint32_t handle;

	*hp = NULL;
	if (s->nh && chance(80)) {
		*hp = &s->h[below(s->nh)];
		return (*hp)->handle;
	}
	switch (below(5)) {
	case 0: handle = 0; break;
	case 1: handle = 1 + below(64); break;
	case 2: handle = ~0U; break;
	case 3: handle = 1U << 23; break;
	default: handle = wild32();
	}
	/* A guess may name a live handle after all. */
	*hp = find_h(s, handle);
	return handle;
}

static void add_fd(int fd, enum fd_kind kind, uint64_t size, bool ro)
{
	if (P.nf >= MAX_FDS) {
		close(fd);
		return;
	}
	P.f[P.nf++] = (struct fent){ fd, kind, size, ro };
}

static struct fent *pick_fd(enum fd_kind kind)
{
	int idx[MAX_FDS], n = 0, i;

	for (i = 0; i < P.nf; i++)
		if (P.f[i].kind == kind)
			idx[n++] = i;
	return n ? &P.f[idx[below(n)]] : NULL;
}

static void add_unknown(int fd)
{
	if (P.nunk >= MAX_UNKNOWN) {
		close(fd);
		return;
	}
	P.unk[P.nunk++] = fd;
}

static void map_forget(int i)
{
	free(P.m[i].prot);
	P.m[i] = P.m[--P.nm];
}

static int map_add(char *addr, size_t npages, int prot, bool can_write, bool unknown, bool fresh)
{
	struct map *m;
	size_t i;

	if (P.nm >= MAX_MAPS) {
		munmap(addr, npages * PG);
		return -1;
	}
	m = &P.m[P.nm];
	m->prot = malloc(npages);
	if (!m->prot) {
		munmap(addr, npages * PG);
		return -1;
	}
	for (i = 0; i < npages; i++)
		m->prot[i] = prot;
	m->addr = addr;
	m->npages = npages;
	m->can_write = can_write;
	m->unknown = unknown;
	m->dontfork = false;
	m->split = false;
	m->fresh = fresh;
	return P.nm++;
}

/* The lowest free fd (to check that a failed call left none behind). */
static int lowest_free_fd(void)
{
	int fd = fcntl(0, F_DUPFD, 0);

	if (fd >= 0)
		close(fd);
	return fd;
}

/* ------------------------------------------------------------------ */
/* netlink */

static int nl_open(void)
{
	struct timeval tv = { .tv_sec = 5 };
	int fd = genl_open();

	if (fd < 0)
		return fd;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* A netlink exchange's outcome. */
struct nlres {
	int err;	/* 0, or the errno of the NLMSG_ERROR / NLMSG_DONE */
	int sockerr;	/* errno of send/recv (then reopen), or 0 */
	int nmsgs;
	uint32_t id;	/* MEMOPT_A_POOL_ID of the first data message */
	uint64_t used;	/* its stats' BLOCKS_USED */
};

/* Send @len bytes at @msg; collect the answer into @r. */
static void nl_xfer(int *fd, void *msg, size_t len, struct nlres *r)
{
	struct nlmsghdr *req = msg, *nlh;
	static char buf[GENL_BUF] __attribute__((aligned(4)));
	bool dump = req->nlmsg_flags & NLM_F_DUMP;
	struct nlattr *tb[GENL_MAXATTR], *st[GENL_MAXATTR];
	int n;

	memset(r, 0, sizeof(*r));
	if (*fd < 0)
		*fd = nl_open();
	if (*fd < 0) {
		r->sockerr = -*fd;
		return;
	}
	if (send(*fd, msg, len, 0) < 0) {
		r->sockerr = errno;
		goto reopen;
	}
	for (;;) {
		n = recv(*fd, buf, sizeof(buf), 0);
		if (n < 0) {
			r->sockerr = errno;
			goto reopen;
		}
		for (nlh = (void *)buf; NLMSG_OK(nlh, (unsigned int)n); nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_seq != req->nlmsg_seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				r->err = -((struct nlmsgerr *)NLMSG_DATA(nlh))->error;
				return;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				r->err = -*(int *)NLMSG_DATA(nlh);
				return;
			}
			if (!r->nmsgs++) {
				genl_parse((void *)((char *)NLMSG_DATA(nlh) + GENL_HDRLEN),
					   nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN), tb);
				r->id = tb[MEMOPT_A_POOL_ID] ? genl_u32(tb[MEMOPT_A_POOL_ID]) : 0;
				if (tb[MEMOPT_A_POOL_STATS]) {
					genl_nested(tb[MEMOPT_A_POOL_STATS], st);
					r->used = genl_u64(st[MEMOPT_A_STATS_BLOCKS_USED]);
				}
			}
			if (!dump && !(req->nlmsg_flags & NLM_F_ACK))
				return;
		}
	}
reopen:
	close(*fd);
	*fd = -1;
}

static void nl_req(int *fd, struct genl_req *r, struct nlres *res)
{
	struct nlmsghdr *nlh = (void *)r->buf;

	if (!(nlh->nlmsg_flags & NLM_F_DUMP))
		nlh->nlmsg_flags |= NLM_F_ACK;
	nl_xfer(fd, r->buf, nlh->nlmsg_len, res);
}

static void nl_pool_by_id(struct genl_req *r, uint8_t cmd, uint32_t id)
{
	genl_req_init(r, family, cmd, 0);
	genl_put_u32(r, MEMOPT_A_POOL_ID, id);
}

static int nl_del(int *fd, uint32_t id)
{
	struct genl_req r;
	struct nlres res;

	nl_pool_by_id(&r, MEMOPT_CMD_POOL_DEL, id);
	nl_req(fd, &r, &res);
	return res.sockerr ? res.sockerr : res.err;
}

/* Blocks used of pool @id, or -errno. */
static long nl_used(int *fd, uint32_t id)
{
	struct genl_req r;
	struct nlres res;

	nl_pool_by_id(&r, MEMOPT_CMD_POOL_GET, id);
	nl_req(fd, &r, &res);
	if (res.sockerr || res.err)
		return -(res.sockerr ? res.sockerr : res.err);
	return (long)res.used;
}

/* ------------------------------------------------------------------ */
/* sessions and ioctls */

static void op_open(void)
{
	int i, fd;

	for (i = 0; i < MAX_SESS && P.s[i].fd >= 0; i++)
		;
	detail("open " DEV);
	if (i == MAX_SESS) {
		/* Full: open and close one more, never kept. */
		fd = open(DEV, O_RDWR | O_CLOEXEC);
		check(OP_OPEN, fd < 0 ? errno : 0, OK | E(EMFILE) | E(ENFILE));
		if (fd >= 0)
			close(fd);
		return;
	}
	P.s[i].acc = chance(80) ? O_RDWR : chance(50) ? O_RDONLY : O_WRONLY;
	fd = open(DEV, P.s[i].acc | O_CLOEXEC);
	check(OP_OPEN, fd < 0 ? errno : 0, OK | E(EMFILE) | E(ENFILE));
	if (fd < 0)
		return;
	P.s[i].fd = fd;
	P.s[i].shared = false;
	P.s[i].nh = 0;
}

static void op_close(void)
{
	struct sess *s = pick_sess();

	if (!s)
		return;
	detail("close session fd %d with %d handles", s->fd, s->nh);
	check(OP_CLOSE, close(s->fd) ? errno : 0, OK);
	s->fd = -1;
	s->nh = 0;
}

/* A pool id to allocate from: mostly a fuzz pool, or one of ours, or wild. */
static uint32_t pick_pool(struct pool_info **pi)
{
	*pi = NULL;
	if (chance(85)) {
		*pi = &pools[below(NR_POOLS)];
		return (*pi)->id;
	}
	if (P.nchurn && chance(60))
		return P.churn[below(P.nchurn)];
	return chance(50) ? 0 : wild32();
}

static void op_alloc(void)
{
	struct sess *s = pick_sess();
	struct memopt_alloc a = {};
	struct pool_info *pi;
	uint64_t maxbytes = 0;
	eset allowed;
	bool valid = true;
	int ret;

	if (!s)
		return;
	a.pool_id = pick_pool(&pi);
	if (pi)
		maxbytes = (uint64_t)(pi->max ? pi->max : 16) * pi->block;
	if (pi && chance(75)) {
		a.size = 1 + below(pi == &pools[3] ? 65536 : maxbytes / (chance(70) ? 4 : 1));
	} else {
		a.size = wild64();
		valid = false;
		/* fz-d has no max: keep what it may really give small */
		if (pi == &pools[3] && a.size > 65536 && a.size < (1ULL << 32))
			a.size = 1 + a.size % 65536;
	}
	if (chance(5)) {
		a.flags = wild32();
		valid &= !a.flags;
	}
	if (chance(5)) {
		a.reserved = wild32();
		valid &= !a.reserved;
	}
	if (chance(3))
		a.handle = wild32();	/* out fields are ignored on input */
	detail("alloc sess %d pool %u size %" PRIu64 " flags %#x reserved %#x",
	       s->fd, a.pool_id, (uint64_t)a.size, a.flags, a.reserved);
	ret = ioctl(s->fd, MEMOPT_IOC_ALLOC, &a) ? errno : 0;
	if (a.flags || a.reserved)
		allowed = E(EINVAL);
	else if (!pi)
		/* a wild or own pool: may exist, and may be another's */
		allowed = OK | E(ENOENT) | E(EINVAL) | E(ENOSPC) | E(ENOMEM);
	else if (!a.size || a.size > (1ULL << 40) ||
		 (pi->max && (a.size + pi->block - 1) / pi->block > pi->max))
		allowed = E(EINVAL);
	else if (!pi->max && a.size > 65536)
		allowed = E(EINVAL) | E(ENOMEM) | OK;	/* depends on the global cap */
	else
		allowed = OK | E(ENOSPC) | E(ENOMEM);
	(void)valid;
	check(OP_ALLOC, ret, allowed);
	if (ret)
		return;
	if (pi && (a.size_actual < a.size || a.size_actual % pi->block ||
		   a.size_actual - a.size >= pi->block))
		unexpected(OP_ALLOC, "size_actual %llu for size %llu, block %u",
			   (unsigned long long)a.size_actual, (unsigned long long)a.size, pi->block);
	if (a.mmap_offset != (uint64_t)a.handle << 40 || !a.handle)
		unexpected(OP_ALLOC, "handle %u, mmap_offset %#llx", a.handle,
			   (unsigned long long)a.mmap_offset);
	if (!s->shared && find_h(s, a.handle))
		unexpected(OP_ALLOC, "handle %u given out twice", a.handle);
	if (a.size_actual > (16ULL << 20))
		/* a wild pool id hit a pool without max: do not keep it */
		ioctl(s->fd, MEMOPT_IOC_FREE, &(struct memopt_free){ .handle = a.handle });
	else
		add_h(s, a.handle, a.size_actual, a.pool_id, false, true);
}

static void op_free(void)
{
	struct sess *s = pick_sess();
	struct memopt_free f = {};
	struct hent *h;
	eset allowed;
	int ret;

	if (!s)
		return;
	f.handle = pick_handle(s, &h);
	if (chance(5))
		f.flags = wild32();
	detail("free sess %d handle %u flags %#x", s->fd, f.handle, f.flags);
	ret = ioctl(s->fd, MEMOPT_IOC_FREE, &f) ? errno : 0;
	if (f.flags)
		allowed = E(EINVAL);
	else if (!f.handle)
		allowed = E(ENOENT);
	else if (s->shared)
		allowed = OK | E(ENOENT);
	else
		allowed = h ? OK : E(ENOENT);
	check(OP_FREE, ret, allowed);
	if (!ret)
		drop_h(s, f.handle);
}

static void op_info(void)
{
	struct sess *s = pick_sess();
	struct {
		struct memopt_info i;
		char tail[16];
	} u;
	unsigned int size = sizeof(u.i);
	struct hent *h;
	bool tail_bad = false;
	eset allowed;
	int ret;

	if (!s)
		return;
	memset(&u, 0xa5, sizeof(u));
	memset(&u.i, 0, sizeof(u.i));
	memset(u.tail, 0, sizeof(u.tail));
	u.i.handle = pick_handle(s, &h);
	if (chance(5))
		u.i.flags = wild32();
	switch (below(6)) {
	case 0:
		size = 72;	/* the first published size */
		memset((char *)&u + 72, 0xa5, sizeof(u) - 72);
		break;
	case 1:
		size = sizeof(u);	/* newer, longer */
		if (chance(50)) {
			u.tail[below(16)] = 1;
			tail_bad = true;
		}
		break;
	}
	detail("info sess %d handle %u flags %#x size %u", s->fd, u.i.handle, u.i.flags, size);
	ret = ioctl(s->fd, _IOC(_IOC_READ | _IOC_WRITE, MEMOPT_IOC_MAGIC, 2, size), &u) ? errno : 0;
	if (tail_bad)
		allowed = E(E2BIG);
	else if (u.i.flags)
		allowed = E(EINVAL);
	else if (!u.i.handle)
		allowed = E(ENOENT);
	else if (s->shared)
		allowed = OK | E(ENOENT);
	else
		allowed = h ? OK : E(ENOENT);
	check(OP_INFO, ret, allowed);
	if (ret)
		return;
	if (size == 72 && ((unsigned char *)&u)[72] != 0xa5)
		unexpected(OP_INFO, "a 72-byte INFO wrote past 72 bytes");
	if (u.i.mmap_offset != (uint64_t)u.i.handle << 40 || !u.i.buf_id ||
	    memchr(u.i.label, 0, sizeof(u.i.label)) == NULL)
		unexpected(OP_INFO, "bad reply: offset %#llx buf_id %llu",
			   (unsigned long long)u.i.mmap_offset, (unsigned long long)u.i.buf_id);
	if (size > 72 && (u.i.reserved || (u.i.handle_flags & ~MEMOPT_HANDLE_RDONLY)))
		unexpected(OP_INFO, "handle_flags %#x reserved %#x", u.i.handle_flags, u.i.reserved);
	if (h && !s->shared) {
		if (u.i.size != h->size || (h->pool && u.i.pool_id != h->pool) ||
		    (size > 72 && !!(u.i.handle_flags & MEMOPT_HANDLE_RDONLY) != h->rdonly) ||
		    !u.i.block_size || u.i.size % u.i.block_size)
			unexpected(OP_INFO, "info says size %llu pool %u flags %#x, we know %llu pool %u ro %d",
				   (unsigned long long)u.i.size, u.i.pool_id, u.i.handle_flags,
				   (unsigned long long)h->size, h->pool, h->rdonly);
	}
	if (s->shared && !h)
		add_h(s, u.i.handle, u.i.size, u.i.pool_id,
		      size > 72 && (u.i.handle_flags & MEMOPT_HANDLE_RDONLY), false);
}

static void op_label(void)
{
	struct sess *s = pick_sess();
	struct memopt_set_label l = {};
	struct hent *h;
	bool bad = false;
	eset allowed;
	int ret, i, n;

	if (!s)
		return;
	l.handle = pick_handle(s, &h);
	n = below(33);
	for (i = 0; i < n && i < 32; i++)
		l.label[i] = 'a' + below(26);
	if (n == 32)
		bad = true;		/* no NUL */
	if (chance(10) && n) {
		l.label[below(n)] = chance(50) ? (char)(0x80 + below(128)) : (char)(1 + below(31));
		bad = true;
	}
	if (chance(5))
		l.flags = wild32();
	detail("label sess %d handle %u len %d bad %d flags %#x", s->fd, l.handle, n, bad, l.flags);
	ret = ioctl(s->fd, MEMOPT_IOC_SET_LABEL, &l) ? errno : 0;
	if (l.flags)
		allowed = E(EINVAL);
	else if (!l.handle || (!s->shared && !h))
		allowed = E(ENOENT);
	else if (s->shared)
		allowed = E(ENOENT) | (bad ? E(EINVAL) : OK);
	else
		allowed = bad ? E(EINVAL) : OK;
	check(OP_LABEL, ret, allowed);
}

static void op_lookup(void)
{
	struct sess *s = pick_sess();
	struct memopt_pool_lookup l = {};
	struct pool_info *pi = NULL;
	bool nonul = false;
	eset allowed;
	int ret;

	if (!s)
		return;
	switch (below(4)) {
	case 0: case 1:
		pi = &pools[below(NR_POOLS)];
		strcpy(l.name, pi->name);
		break;
	case 2:
		snprintf(l.name, sizeof(l.name), "fz-nope%u", (unsigned int)below(100));
		break;
	default:
		memset(l.name, 'x', sizeof(l.name));
		nonul = true;
	}
	detail("lookup %.32s%s", l.name, nonul ? " (no NUL)" : "");
	ret = ioctl(s->fd, MEMOPT_IOC_POOL_LOOKUP, &l) ? errno : 0;
	allowed = nonul ? E(EINVAL) : pi ? OK : E(ENOENT);
	check(OP_LOOKUP, ret, allowed);
	if (!ret && pi && (l.pool_id != pi->id || l.block_size != pi->block))
		unexpected(OP_LOOKUP, "%s is id %u block %u, lookup says %u %u", pi->name, pi->id,
			   pi->block, l.pool_id, l.block_size);
}

static void op_export(void)
{
	struct sess *s = pick_sess();
	struct memopt_export e = {};
	struct hent *h;
	eset allowed;
	int ret;
	off_t end;

	if (!s)
		return;
	e.handle = pick_handle(s, &h);
	e.flags = chance(90) ? below(4) : wild32();
	if (chance(4))
		e.reserved = wild32();
	e.fd = chance(90) ? -1 : (int)wild32();
	detail("export sess %d handle %u flags %#x reserved %#x", s->fd, e.handle, e.flags, e.reserved);
	ret = ioctl(s->fd, MEMOPT_IOC_EXPORT, &e) ? errno : 0;
	if ((e.flags & ~MEMOPT_EXPORT_VALID_FLAGS) || e.reserved)
		allowed = E(EINVAL);
	else if (!e.handle || (!s->shared && !h))
		allowed = E(ENOENT);
	else if (s->shared)
		allowed = OK | E(ENOENT) | E(EACCES) | E(EMFILE) | E(ENFILE);
	else if (h->rdonly && !(e.flags & MEMOPT_EXPORT_RDONLY))
		allowed = E(EACCES);
	else
		allowed = OK | E(EMFILE) | E(ENFILE);
	check(OP_EXPORT, ret, allowed);
	if (ret)
		return;
	if (h)
		h->fresh = false;
	end = lseek(e.fd, 0, SEEK_END);
	if (end <= 0 || (h && !s->shared && (uint64_t)end != h->size))
		unexpected(OP_EXPORT, "dma-buf fd %d: lseek SEEK_END %lld, buffer size %llu", e.fd,
			   (long long)end, h ? (unsigned long long)h->size : 0ULL);
	if (!!(fcntl(e.fd, F_GETFD) & FD_CLOEXEC) != !!(e.flags & MEMOPT_EXPORT_CLOEXEC) ||
	    ((fcntl(e.fd, F_GETFL) & O_ACCMODE) == O_RDONLY) != !!(e.flags & MEMOPT_EXPORT_RDONLY))
		unexpected(OP_EXPORT, "dma-buf fd %d: flags %#x, fd flags %#x, fl %#x", e.fd, e.flags,
			   fcntl(e.fd, F_GETFD), fcntl(e.fd, F_GETFL));
	add_fd(e.fd, FD_DMABUF, (uint64_t)end, e.flags & MEMOPT_EXPORT_RDONLY);
}

/* An fd of some kind for import; *closeit: a temporary the caller closes. */
static int import_fd(eset *allowed, struct fent **fe, bool *closeit)
{
	int p[2], fd;
	struct sess *s;

	*fe = NULL;
	*closeit = false;
	switch (below(12)) {
	case 0: case 1: case 2: case 3: case 4:
		*fe = pick_fd(FD_DMABUF);
		if (*fe) {
			*allowed = OK | E(EMFILE);
			return (*fe)->fd;
		}
		/* fall through */
	case 5:
		*allowed = E(EINVAL);
		*closeit = true;
		fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		detail("/dev/null");
		return fd;
	case 6:
		*closeit = true;
		if (pipe2(p, O_CLOEXEC))
			return -1;
		close(p[1]);
		*allowed = E(EINVAL);
		*closeit = true;
		return p[0];
	case 7:
		*allowed = E(EINVAL);
		*closeit = true;
		return memfd_create("fz", MFD_CLOEXEC);
	case 8:
		s = pick_sess();
		*allowed = E(EINVAL);
		return s ? s->fd : sp[0];
	case 9:
		if (P.nunk) {
			*allowed = OK | E(EINVAL) | E(EBADF) | E(EMFILE);
			return P.unk[below(P.nunk)];
		}
		/* fall through */
	case 10:
		fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			close(fd);
		*allowed = E(EBADF);
		return fd;
	default:
		*allowed = E(EBADF);
		return chance(50) ? -1 : (int)(wild32() | 0x1000);
	}
}

static void op_import(void)
{
	struct sess *s = pick_sess();
	struct memopt_import im = {};
	struct fent *fe;
	bool closeit;
	eset allowed = 0;
	int ret;

	if (!s)
		return;
	im.fd = import_fd(&allowed, &fe, &closeit);
	if (im.fd < 0 && closeit)
		return;		/* could not make the temporary (EMFILE, ENOMEM) */
	if (chance(4))
		im.flags = wild32();
	if (chance(3))
		im.handle = wild32();
	detail("import sess %d fd %d flags %#x%s", s->fd, im.fd, im.flags, fe ? " (a dma-buf)" : "");
	ret = ioctl(s->fd, MEMOPT_IOC_IMPORT, &im) ? errno : 0;
	if (im.flags)
		allowed = E(EINVAL);
	check(OP_IMPORT, ret, allowed);
	if (closeit && im.fd >= 0)
		close(im.fd);
	if (ret)
		return;
	if (!im.handle || im.mmap_offset != (uint64_t)im.handle << 40 ||
	    (fe && (im.size != fe->size || !!(im.handle_flags & MEMOPT_HANDLE_RDONLY) != fe->rdonly)))
		unexpected(OP_IMPORT, "handle %u offset %#llx size %llu flags %#x", im.handle,
			   (unsigned long long)im.mmap_offset, (unsigned long long)im.size,
			   im.handle_flags);
	if (!s->shared && find_h(s, im.handle))
		unexpected(OP_IMPORT, "handle %u given out twice", im.handle);
	add_h(s, im.handle, im.size, 0, im.handle_flags & MEMOPT_HANDLE_RDONLY, false);
}

/* The first published size of each command, and the current one. */
static const unsigned int ioc_min[7] = { 40, 8, 72, 40, 40, 16, 32 };
static const unsigned int ioc_cur[7] = { 40, 8, 80, 40, 40, 16, 32 };
static const unsigned int ioc_dir[7] = {
	_IOC_READ | _IOC_WRITE, _IOC_WRITE, _IOC_READ | _IOC_WRITE, _IOC_WRITE,
	_IOC_READ | _IOC_WRITE, _IOC_READ | _IOC_WRITE, _IOC_READ | _IOC_WRITE,
};

/* Learn what a successful raw command did. */
static void raw_learn(struct sess *s, unsigned int nr, const void *arg, int ret)
{
	const struct memopt_alloc *a = arg;
	const struct memopt_import *im = arg;
	const struct memopt_export *e = arg;
	const struct memopt_free *f = arg;

	if (ret)
		return;
	switch (nr) {
	case 0:
		if (a->size_actual > (16ULL << 20))
			ioctl(s->fd, MEMOPT_IOC_FREE, &(struct memopt_free){ .handle = a->handle });
		else
			add_h(s, a->handle, a->size_actual, a->pool_id, false, false);
		break;
	case 1:
		drop_h(s, f->handle);
		break;
	case 5:
		if (find_h(s, e->handle))
			find_h(s, e->handle)->fresh = false;
		add_fd(e->fd, FD_DMABUF, lseek(e->fd, 0, SEEK_END), e->flags & MEMOPT_EXPORT_RDONLY);
		break;
	case 6:
		add_h(s, im->handle, im->size, 0, im->handle_flags & MEMOPT_HANDLE_RDONLY, false);
		break;
	}
}

/* A command with random number, size, direction, magic and contents. */
static void op_ioc_raw(void)
{
	struct sess *s = pick_sess();
	unsigned char arg[320] __attribute__((aligned(8)));
	unsigned int nr, size, dir, type = MEMOPT_IOC_MAGIC, ksize;
	struct hent *h;
	bool tail_bad = false, garbage;
	eset allowed;
	int ret;
	size_t i;

	if (!s)
		return;
	nr = chance(85) ? below(7) : below(256);
	size = nr < 7 ? ioc_cur[nr] : 8;
	dir = nr < 7 ? ioc_dir[nr] : _IOC_WRITE;
	if (chance(15))
		size = below(chance(50) ? 100 : 300);
	if (chance(10))
		dir = below(4);
	if (chance(5)) {
		/* never 'f' or 'X': FS_IOC_SETFLAGS, FIFREEZE would change /dev */
		static const unsigned int types[] = { 0xbb, 'T', 'b', 0, 0x3a };

		type = types[below(5)];
	}
	memset(arg, 0, sizeof(arg));
	garbage = chance(40);
	if (garbage)
		for (i = 0; i < sizeof(arg); i += 8)
			*(uint64_t *)(arg + i) = chance(50) ? wild64() : 0;
	else if (nr < 7 && s->nh)
		/* the first field of most structs is a handle */
		*(uint32_t *)arg = pick_handle(s, &h);
	/* Keep the fuzz pools' size bounded even for garbage allocations. */
	if (nr == 0 && chance(50))
		*(uint64_t *)(arg + 8) = below(1 << 20);
	ksize = nr < 7 ? ioc_cur[nr] : 0;
	if (size > ksize)
		for (i = ksize; i < size; i++)
			tail_bad |= arg[i] != 0;
	detail("raw sess %d type %#x nr %u dir %u size %u garbage %d", s->fd, type, nr, dir, size,
	       garbage);
	ret = ioctl(s->fd, _IOC(dir, type, nr, size), arg) ? errno : 0;
	if (type != MEMOPT_IOC_MAGIC || nr >= 7 || dir != ioc_dir[nr] || size < ioc_min[nr])
		allowed = E(ENOTTY);
	else if (tail_bad)
		allowed = E(E2BIG);
	else
		allowed = OK | E(EINVAL) | E(ENOENT) | E(ENOSPC) | E(ENOMEM) | E(EBADF) |
			  E(EACCES) | E(EMFILE);
	/* Generic VFS commands with type 'T' or 'f' can reach the VFS first. */
	if (type != MEMOPT_IOC_MAGIC)
		allowed |= OK | E(EINVAL) | E(EFAULT) | E(EBADF) | E(EPERM) | E(EOPNOTSUPP) |
			   E(EXDEV) | E(EACCES);
	check(OP_IOC_RAW, ret, allowed);
	if (type == MEMOPT_IOC_MAGIC && nr < 7)
		raw_learn(s, nr, arg, ret);
	else if (!ret && type != MEMOPT_IOC_MAGIC && (fcntl(s->fd, F_GETFL) & O_NONBLOCK))
		fcntl(s->fd, F_SETFL, 0);
}

/* Arguments the kernel cannot read, or (for the RW commands) write back. */
static void op_ioc_badptr(void)
{
	static char *ro, *none;
	struct sess *s = pick_sess();
	unsigned int nr = below(7);
	void *p;
	eset allowed = E(EFAULT);
	int ret, lowfd = -1;
	int kind = below(5);

	if (!s)
		return;
	if (!ro) {
		ro = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		none = mmap(NULL, PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (ro == MAP_FAILED || none == MAP_FAILED) {
			ro = NULL;
			return;
		}
	}
	switch (kind) {
	case 0: p = NULL; break;
	case 1: p = none; break;
	case 2: p = (void *)0xffff888000000000UL; break;
	case 3: p = none + PG - 4; break;	/* straddles */
	default:
		/* A read-only page: read in, fail writing back. */
		if (mprotect(ro, PG, PROT_READ | PROT_WRITE))
			return;		/* ENOMEM under fault injection */
		memset(ro, 0, PG);
		if (nr == 0) {
			((struct memopt_alloc *)ro)->pool_id = pools[0].id;
			((struct memopt_alloc *)ro)->size = 1 + below(8192);
		} else if (nr == 4) {
			strcpy(ro, pools[below(NR_POOLS)].name);
		} else if (s->nh) {
			*(uint32_t *)ro = s->h[below(s->nh)].handle;
		}
		if (nr == 6) {
			struct fent *fe = pick_fd(FD_DMABUF);

			*(int32_t *)ro = fe ? fe->fd : -1;
		}
		if (mprotect(ro, PG, PROT_READ))
			return;
		p = ro;
		if (ioc_dir[nr] == _IOC_WRITE)
			allowed = OK | E(ENOENT) | E(EINVAL);	/* nothing to write back */
		else
			/* the command fails first, or its result cannot be copied back */
			allowed |= E(ENOENT) | E(EINVAL) | E(ENOSPC) | E(ENOMEM) | E(EBADF) | E(EACCES);
		lowfd = lowest_free_fd();
	}
	detail("badptr sess %d nr %u kind %d", s->fd, nr, kind);
	ret = ioctl(s->fd, _IOC(ioc_dir[nr], MEMOPT_IOC_MAGIC, nr, ioc_cur[nr]), p) ? errno : 0;
	check(OP_IOC_BADPTR, ret, allowed);
	if (!ret && nr == 1 && p == ro)
		drop_h(s, *(uint32_t *)ro);
	/* An export whose fd could not be copied back must leave no fd behind. */
	if (lowfd >= 0 && nr == 5 && lowest_free_fd() != lowfd)
		unexpected(OP_IOC_BADPTR, "a failed export left fd %d open", lowfd);
}

/* ioctls of other subsystems on the session, and fcntl-ish ones. */
static void op_ioc_other(void)
{
	static const unsigned long cmds[] = {
		FIONREAD, FIONBIO, FIOCLEX, FIONCLEX, TCGETS, DMA_BUF_IOCTL_SYNC,
		_IOR('f', 1, long), 0, ~0UL,
	};
	struct sess *s = pick_sess();
	unsigned long cmd = cmds[below(sizeof(cmds) / sizeof(cmds[0]))];
	int v = 0, ret;

	if (!s)
		return;
	detail("ioctl sess %d cmd %#lx", s->fd, cmd);
	ret = ioctl(s->fd, cmd, &v) ? errno : 0;
	check(OP_IOC_OTHER, ret, OK | E(ENOTTY) | E(EINVAL));
	fcntl(s->fd, F_SETFL, 0);
	fcntl(s->fd, F_SETFD, FD_CLOEXEC);
}

/* ------------------------------------------------------------------ */
/* mappings */

static int rnd_prot(void)
{
	static const int p[] = {
		PROT_READ | PROT_WRITE, PROT_READ | PROT_WRITE, PROT_READ, PROT_WRITE,
		PROT_NONE, PROT_READ | PROT_EXEC, PROT_READ | PROT_WRITE | PROT_EXEC,
	};

	return p[below(sizeof(p) / sizeof(p[0]))];
}

/* Check a new mapping of a fresh buffer reads as zeros (sampled). */
static void check_zero(struct map *m)
{
	size_t i;
	volatile uint64_t *w;

	for (i = 0; i < m->npages; i += 1 + below(3)) {
		w = (void *)(m->addr + i * PG + (below(PG) & ~7UL));
		if (touch((volatile char *)w, false))
			unexpected(OP_MMAP, "page %zu of a new mapping faulted", i);
		if (*w)
			unexpected(OP_MMAP, "fresh buffer page %zu holds %#llx, not zeros", i,
				   (unsigned long long)*w);
	}
}

/*
 * mmap part of a buffer of @size bytes at @base of @fd: a session (@base
 * the handle's offset) or a dma-buf (@base 0). @known: the buffer and the
 * rules are known (else any documented refusal is allowed); @file_ro: the
 * fd is read-only; @wronly: write-only; @h_ro: a read-only handle.
 */
struct mmap_target {
	int fd;
	uint64_t base, size;
	bool known, file_ro, wronly, h_ro, fresh, dmabuf;
};

static void do_mmap(enum op k, const struct mmap_target *t)
{
	uint64_t npages = t->size / PG, first, n, off;
	int prot = rnd_prot(), flags = chance(90) ? MAP_SHARED : chance(50) ? MAP_PRIVATE :
		   MAP_SHARED_VALIDATE;
	bool in_range, aligned = true, shared = flags != MAP_PRIVATE, huge = false;
	eset allowed;
	void *p;
	int ret, idx;

	first = npages && chance(80) ? below(npages) : below(npages + 4);
	n = chance(80) && npages > first ? 1 + below(npages - first) : below(npages + 3);
	if (chance(3)) {
		n = (wild64() + PG - 1) / PG;
		if (!n)
			n = 1;
		huge = n > (1ULL << 20);
	}
	off = t->base + first * PG;
	if (chance(3)) {
		off += 1 + below(PG - 1);
		aligned = false;
	}
	in_range = first < npages && n && n <= npages - first;
	detail("mmap fd %d off %#llx pages %llu (buffer %llu pages) prot %#x flags %#x",
	       t->fd, (unsigned long long)off, (unsigned long long)n, (unsigned long long)npages,
	       prot, flags);
	p = mmap(NULL, n * PG, prot, flags, t->fd, off);
	ret = p == MAP_FAILED ? errno : 0;
	/* In the order the kernel checks. */
	if (!t->known)
		allowed = OK | E(EINVAL) | E(EACCES) | E(EPERM) | E(ENOMEM) | E(EOVERFLOW) | E(ENODEV);
	else if (!n || !aligned || huge)
		/* the length is checked before or after the file's mode */
		allowed = E(EINVAL) | E(ENOMEM) | E(EOVERFLOW) |
			  (t->wronly || ((prot & PROT_WRITE) && (t->file_ro || t->h_ro)) ?
			   E(EACCES) : 0) | (prot & PROT_EXEC ? E(EPERM) : 0);
	else if (t->wronly || (shared && (prot & PROT_WRITE) && t->file_ro))
		allowed = E(EACCES);
	else if (!shared && (prot & PROT_WRITE) && n > commit_pages - 16)
		allowed = E(ENOMEM) | (n > commit_pages ? 0 : E(EINVAL));
	else if (t->dmabuf && !in_range)
		allowed = E(EINVAL);
	else if (!t->dmabuf && t->h_ro && (prot & PROT_WRITE))
		allowed = E(EACCES);
	else if (!shared)
		allowed = E(EINVAL);
	else if (prot & PROT_EXEC)
		allowed = E(EPERM);
	else if (!in_range)
		allowed = E(EINVAL);
	else
		allowed = OK;
	check(k, ret, allowed);
	if (ret)
		return;
	if (t->known && (!in_range || (prot & PROT_EXEC) || !shared))
		unexpected(k, "a mapping that should have been refused was made");
	idx = map_add(p, n, prot, !t->file_ro && !t->h_ro, !t->known, t->fresh);
	if (idx >= 0 && t->fresh && (prot & (PROT_READ | PROT_WRITE)))
		check_zero(&P.m[idx]);
}

/* No handle of session @s is fresh any more (something may have written it). */
static void sess_unfresh(int fd)
{
	int i, j;

	for (i = 0; i < MAX_SESS; i++)
		if (P.s[i].fd == fd)
			for (j = 0; j < P.s[i].nh; j++)
				P.s[i].h[j].fresh = false;
}

static void op_mmap(void)
{
	struct sess *s = pick_sess();
	struct mmap_target t = {};
	struct hent *h;
	uint32_t handle;

	if (!s)
		return;
	handle = pick_handle(s, &h);
	t.fd = s->fd;
	t.base = (uint64_t)handle << 40;
	t.size = h ? h->size : PG * below(8);
	t.known = h && !s->shared;
	t.file_ro = s->acc == O_RDONLY;
	t.wronly = s->acc == O_WRONLY;
	t.h_ro = h && h->rdonly;
	t.fresh = h && !s->shared && h->fresh;
	do_mmap(OP_MMAP, &t);
	if (h)
		h->fresh = false;
	if (!t.known)
		sess_unfresh(s->fd);
}

static void op_mmap_dmabuf(void)
{
	struct fent *fe = pick_fd(FD_DMABUF);
	struct mmap_target t = {};

	if (!fe)
		return;
	t.fd = fe->fd;
	t.size = fe->size;
	t.known = t.dmabuf = true;
	t.file_ro = fe->rdonly;
	do_mmap(OP_MMAP_DMABUF, &t);
}

/* mmap of fds received from others (anything) and at wild offsets. */
static void op_mmap_other(void)
{
	struct mmap_target t = {};
	struct sess *s = pick_sess();

	t.fd = P.nunk ? P.unk[below(P.nunk)] : -1;
	if (t.fd < 0 && s)
		t.fd = s->fd;
	if (t.fd < 0)
		return;
	t.base = chance(50) ? wild64() & ~(PG - 1) : 0;
	t.size = PG * below(16);
	t.file_ro = true;	/* unknown: never write */
	do_mmap(OP_MMAP_OTHER, &t);
	sess_unfresh(t.fd);
}

static struct map *pick_map(int *idx)
{
	if (!P.nm)
		return NULL;
	*idx = below(P.nm);
	return &P.m[*idx];
}

static void op_munmap(void)
{
	struct map *m, *m2;
	size_t a, n;
	int i, ret;

	m = pick_map(&i);
	if (!m)
		return;
	switch (below(4)) {
	case 0: a = 0; n = m->npages; break;
	case 1: a = 0; n = 1 + below(m->npages); break;
	case 2: n = 1 + below(m->npages); a = m->npages - n; break;
	default: a = below(m->npages); n = 1 + below(m->npages - a); break;
	}
	if (a + n < m->npages && a && P.nm >= MAX_MAPS)
		a = 0;	/* a hole in the middle needs a second entry */
	detail("munmap %p + %zu pages of %zu", m->addr, a, n);
	ret = munmap(m->addr + a * PG, n * PG) ? errno : 0;
	check(OP_MUNMAP, ret, OK);
	if (ret)
		return;
	if (touch(m->addr + a * PG, false) != SIGSEGV)
		unexpected(OP_MUNMAP, "an unmapped page can still be read");
	if (a == 0 && n == m->npages) {
		map_forget(i);
	} else if (a == 0) {
		memmove(m->prot, m->prot + n, m->npages - n);
		m->addr += n * PG;
		m->npages -= n;
	} else if (a + n == m->npages) {
		m->npages = a;
	} else {
		/* a hole: the tail becomes a mapping of its own */
		m2 = &P.m[P.nm];
		*m2 = *m;
		m2->prot = malloc(m->npages - a - n);
		if (!m2->prot) {
			munmap(m->addr + (a + n) * PG, (m->npages - a - n) * PG);
		} else {
			memcpy(m2->prot, m->prot + a + n, m->npages - a - n);
			m2->addr = m->addr + (a + n) * PG;
			m2->npages = m->npages - a - n;
			P.nm++;
		}
		m->npages = a;
	}
}

static void op_mremap(void)
{
	struct map *m;
	size_t newn;
	void *p, *dst;
	eset allowed;
	int i, ret, kind = below(4);

	m = pick_map(&i);
	if (!m)
		return;
	switch (kind) {
	case 0:	/* grow in place or by moving: never */
		newn = m->npages + 1 + below(4);
		detail("mremap grow %p %zu -> %zu pages", m->addr, m->npages, newn);
		p = mremap(m->addr, m->npages * PG, newn * PG, chance(50) ? MREMAP_MAYMOVE : 0);
		ret = p == MAP_FAILED ? errno : 0;
		check(OP_MREMAP, ret, E(EFAULT) | E(ENOMEM) | E(EINVAL));	/* EFAULT: VM_DONTEXPAND */
		if (!ret)
			unexpected(OP_MREMAP, "a memopt mapping grew");
		return;
	case 1:	/* shrink */
		if (m->npages < 2)
			return;
		newn = 1 + below(m->npages - 1);
		detail("mremap shrink %p %zu -> %zu pages", m->addr, m->npages, newn);
		p = mremap(m->addr, m->npages * PG, newn * PG, 0);
		ret = p == MAP_FAILED ? errno : 0;
		check(OP_MREMAP, ret, OK);
		if (!ret)
			m->npages = newn;
		return;
	case 2:	/* move */
	default: /* move, keeping the old range (refused for memopt's mappings) */
		dst = mmap(NULL, m->npages * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (dst == MAP_FAILED)
			return;
		detail("mremap move %p -> %p (%zu pages)%s", m->addr, dst, m->npages,
		       kind == 3 ? " DONTUNMAP" : "");
		p = mremap(m->addr, m->npages * PG, m->npages * PG,
			   MREMAP_MAYMOVE | MREMAP_FIXED | (kind == 3 ? MREMAP_DONTUNMAP : 0), dst);
		ret = p == MAP_FAILED ? errno : 0;
		allowed = kind == 3 ? E(EINVAL) : OK;
		/*
		 * "Cannot remap across VMAs": a record that may be split, or,
		 * under fault injection, one an earlier failed call may have
		 * left split.
		 */
		if (m->split || opt.faults)
			allowed |= E(EFAULT);
		check(OP_MREMAP, ret, allowed);
		if (ret) {
			munmap(dst, m->npages * PG);
			return;
		}
		if (kind == 3)
			unexpected(OP_MREMAP, "MREMAP_DONTUNMAP of a memopt mapping worked");
		m->addr = p;
	}
}

static void op_mprotect(void)
{
	struct map *m;
	size_t a, n, j;
	int prot = rnd_prot(), i, ret;
	eset allowed;

	m = pick_map(&i);
	if (!m)
		return;
	a = chance(50) ? 0 : below(m->npages);
	n = chance(50) ? m->npages - a : 1 + below(m->npages - a);
	detail("mprotect %p + %zu, %zu pages, prot %#x", m->addr, a, n, prot);
	ret = mprotect(m->addr + a * PG, n * PG, prot) ? errno : 0;
	if (prot & PROT_EXEC)
		allowed = E(EACCES);
	else if ((prot & PROT_WRITE) && m->unknown)
		allowed = OK | E(EACCES);
	else if ((prot & PROT_WRITE) && !m->can_write)
		allowed = E(EACCES);
	else
		allowed = OK;
	check(OP_MPROTECT, ret, allowed);
	if (!ret)
		for (j = a; j < a + n; j++)
			m->prot[j] = prot;
	if (a || n != m->npages)
		m->split = true;
}

static void op_madvise(void)
{
	static const int adv[] = {
		MADV_DONTNEED, MADV_DONTNEED, MADV_WILLNEED, MADV_NORMAL, MADV_RANDOM,
		MADV_SEQUENTIAL, MADV_COLD, MADV_PAGEOUT, MADV_FREE, MADV_REMOVE, MADV_DONTFORK,
		MADV_DOFORK, MADV_DONTDUMP, MADV_DODUMP, MADV_WIPEONFORK, MADV_MERGEABLE,
		MADV_HUGEPAGE, MADV_POPULATE_READ, MADV_POPULATE_WRITE, 12345,
	};
	struct map *m;
	size_t a, n;
	int advice = adv[below(sizeof(adv) / sizeof(adv[0]))], i, ret;
	bool whole;
	eset allowed = OK | E(EINVAL) | E(EAGAIN) | E(EPERM) | E(EACCES) | E(EOPNOTSUPP) |
		       E(ENODEV);

	m = pick_map(&i);
	if (!m)
		return;
	whole = advice == MADV_DONTFORK || advice == MADV_DOFORK || chance(50);
	a = whole ? 0 : below(m->npages);
	n = whole ? m->npages : 1 + below(m->npages - a);
	detail("madvise %p + %zu, %zu pages, advice %d", m->addr, a, n, advice);
	ret = madvise(m->addr + a * PG, n * PG, advice) ? errno : 0;
	if (advice == MADV_POPULATE_READ || advice == MADV_POPULATE_WRITE)
		allowed |= E(EFAULT) | E(ENOMEM);	/* PROT_NONE or read-only pages */
	if (advice == MADV_DONTNEED || advice == MADV_NORMAL)
		allowed = OK;
	check(OP_MADVISE, ret, allowed);
	if (!whole)
		m->split = true;
	if (!ret && advice == MADV_DONTFORK)
		m->dontfork = true;
	if (!ret && advice == MADV_DOFORK)
		m->dontfork = false;
}

static void op_touch(void)
{
	struct map *m;
	size_t pg;
	int i, sig;
	bool wr;

	m = pick_map(&i);
	if (!m)
		return;
	pg = below(m->npages);
	if (!(m->prot[pg] & (PROT_READ | PROT_WRITE)))
		return;
	wr = (m->prot[pg] & PROT_WRITE) && chance(50);
	detail("touch %p page %zu of %zu %s prot %#x", m->addr, pg, m->npages, wr ? "write" : "read",
	       m->prot[pg]);
	sig = touch(m->addr + pg * PG + below(PG), wr);
	check(OP_TOUCH, 0, OK);
	if (sig)
		unexpected(OP_TOUCH, "signal %d touching an accessible page", sig);
	if (wr)
		m->fresh = false;
}

/* Deliberately touch what must fault: PROT_NONE, read-only, never executable. */
static void op_touch_bad(void)
{
	struct map *m;
	size_t pg;
	int i, sig;

	m = pick_map(&i);
	if (!m)
		return;
	pg = below(m->npages);
	if (m->prot[pg] & PROT_WRITE)
		return;
	detail("touch_bad %p page %zu prot %#x: write", m->addr, pg, m->prot[pg]);
	sig = touch(m->addr + pg * PG + below(PG), true);
	check(OP_TOUCH_BAD, 0, OK);
	if (sig != SIGSEGV)
		unexpected(OP_TOUCH_BAD, "writing a page mapped %#x gave signal %d, not SIGSEGV",
			   m->prot[pg], sig);
}

/* ------------------------------------------------------------------ */
/* dma-bufs and fds */

static void op_sync(void)
{
	struct fent *fe = pick_fd(FD_DMABUF);
	struct dma_buf_sync s = {};
	int ret;
	bool ok;

	if (!fe)
		return;
	s.flags = chance(80) ? (below(2) ? DMA_BUF_SYNC_END : 0) | (1 + below(3)) : wild64();
	ok = !(s.flags & ~DMA_BUF_SYNC_VALID_FLAGS_MASK) && (s.flags & DMA_BUF_SYNC_RW);
	detail("sync fd %d flags %#llx", fe->fd, (unsigned long long)s.flags);
	ret = ioctl(fe->fd, DMA_BUF_IOCTL_SYNC, &s) ? errno : 0;
	check(OP_SYNC, ret, ok ? OK : E(EINVAL));
}

static void op_dmabuf_misc(void)
{
	struct fent *fe = pick_fd(FD_DMABUF);
	char name[64], big[300];
	unsigned long cmd;
	off_t o;
	int ret;

	if (!fe)
		return;
	switch (below(4)) {
	case 0:
		snprintf(name, sizeof(name), "fz%u", (unsigned int)below(1000));
		detail("set name fd %d", fe->fd);
		ret = ioctl(fe->fd, DMA_BUF_SET_NAME_B, name) ? errno : 0;
		check(OP_DMABUF_MISC, ret, OK | E(EBUSY));
		break;
	case 1:
		memset(big, 'n', sizeof(big));
		detail("set name fd %d unterminated/too long", fe->fd);
		ret = ioctl(fe->fd, DMA_BUF_SET_NAME_A, big) ? errno : 0;
		check(OP_DMABUF_MISC, ret, OK | E(EINVAL) | E(EFAULT) | E(E2BIG));
		break;
	case 2:
		o = below(3) ? 0 : wild64();
		detail("lseek fd %d %lld", fe->fd, (long long)o);
		ret = lseek(fe->fd, o, chance(50) ? SEEK_END : SEEK_SET) < 0 ? errno : 0;
		check(OP_DMABUF_MISC, ret, OK | E(EINVAL));
		break;
	default:
		cmd = _IOC(below(4), 'b', below(8), below(64));
		detail("raw dma-buf ioctl fd %d cmd %#lx", fe->fd, cmd);
		memset(big, 0, sizeof(big));
		ret = ioctl(fe->fd, cmd, big) ? errno : 0;
		check(OP_DMABUF_MISC, ret, OK | E(ENOTTY) | E(EINVAL) | E(EFAULT));
	}
}

static void op_close_fd(void)
{
	int i;

	if (P.nunk && chance(40)) {
		i = below(P.nunk);
		detail("close received fd %d", P.unk[i]);
		check(OP_CLOSE_FD, close(P.unk[i]) ? errno : 0, OK);
		P.unk[i] = P.unk[--P.nunk];
		return;
	}
	if (!P.nf)
		return;
	i = below(P.nf);
	detail("close dma-buf fd %d", P.f[i].fd);
	check(OP_CLOSE_FD, close(P.f[i].fd) ? errno : 0, OK);
	P.f[i] = P.f[--P.nf];
}

static void op_fd_send(void)
{
	char byte = 'x';
	struct iovec iov = { &byte, 1 };
	union {
		struct cmsghdr c;
		char b[CMSG_SPACE(3 * sizeof(int))];
	} u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b };
	struct cmsghdr *c;
	int fds[3], n = 1 + below(3), i, ret;
	struct fent *fe;
	struct sess *s;

	for (i = 0; i < n; i++) {
		switch (below(4)) {
		case 0:
			fe = pick_fd(FD_DMABUF);
			fds[i] = fe ? fe->fd : sp[0];
			break;
		case 1:
			s = pick_sess();
			fds[i] = s ? s->fd : sp[1];
			if (s)
				s->shared = true;	/* another process may now use it */
			break;
		case 2:
			fds[i] = sp[below(2)];	/* the socket itself: a cycle */
			break;
		default:
			fds[i] = P.nunk ? P.unk[below(P.nunk)] : sp[0];
		}
	}
	msg.msg_controllen = CMSG_SPACE(n * sizeof(int));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	detail("send %d fds (%d ...)", n, fds[0]);
	ret = sendmsg(sp[below(2)], &msg, MSG_DONTWAIT) < 0 ? errno : 0;
	check(OP_FD_SEND, ret, OK | E(EAGAIN) | E(ETOOMANYREFS) | E(ENOBUFS));
}

static void op_fd_recv(void)
{
	char byte;
	struct iovec iov = { &byte, 1 };
	union {
		struct cmsghdr c;
		char b[CMSG_SPACE(8 * sizeof(int))];
	} u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b,
			      .msg_controllen = sizeof(u.b) };
	struct cmsghdr *c;
	int ret, n, i, fds[8];

	detail("recv fds");
	ret = recvmsg(sp[below(2)], &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) < 0 ? errno : 0;
	check(OP_FD_RECV, ret, OK | E(EAGAIN) | E(EMFILE));
	if (ret)
		return;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		memcpy(fds, CMSG_DATA(c), n * sizeof(int));
		for (i = 0; i < n; i++)
			add_unknown(fds[i]);
	}
}

/* ------------------------------------------------------------------ */
/* netlink operations */

static void nl_check(enum op k, struct nlres *r, eset allowed)
{
	if (r->sockerr) {
		/* Timeouts and lost acks only happen when allocations fail. */
		check(k, r->sockerr, opt.faults ? E(ENOBUFS) | E(EAGAIN) | E(ENOMEM) : 0);
		return;
	}
	check(k, r->err, allowed);
}

static uint32_t own_or_fuzz_pool(bool *known)
{
	*known = true;
	if (P.nchurn && chance(50))
		return P.churn[below(P.nchurn)];
	if (chance(70))
		return pools[below(NR_POOLS)].id;
	*known = false;
	return chance(20) ? 0 : wild32();
}

static void op_nl_get(void)
{
	struct genl_req r;
	struct nlres res;
	bool known;
	uint32_t id = own_or_fuzz_pool(&known);
	eset allowed;
	int how = below(5);

	genl_req_init(&r, family, MEMOPT_CMD_POOL_GET, 0);
	switch (how) {
	case 0: case 1:
		genl_put_u32(&r, MEMOPT_A_POOL_ID, id);
		allowed = !id ? E(ERANGE) | E(EINVAL) : known ? OK | E(ENOENT) : OK | E(ENOENT);
		break;
	case 2:
		genl_put_str(&r, MEMOPT_A_POOL_NAME, pools[below(NR_POOLS)].name);
		allowed = OK;
		break;
	case 3:
		genl_put_u32(&r, MEMOPT_A_POOL_ID, pools[0].id);
		genl_put_str(&r, MEMOPT_A_POOL_NAME, pools[0].name);
		allowed = E(EINVAL);
		break;
	default:
		allowed = E(EINVAL);	/* neither */
	}
	detail("nl pool get how %d id %u", how, id);
	nl_req(&P.nl, &r, &res);
	nl_check(OP_NL_GET, &res, allowed);
}

static void op_nl_dump(void)
{
	static const uint8_t cmds[] = {
		MEMOPT_CMD_POOL_GET, MEMOPT_CMD_BUF_GET, MEMOPT_CMD_PROC_GET, MEMOPT_CMD_LEAK_GET,
	};
	uint8_t cmd = cmds[below(4)];
	struct genl_req r;
	struct nlres res;
	eset allowed = OK;
	char label[40];

	genl_req_init(&r, family, cmd, NLM_F_DUMP);
	if (cmd == MEMOPT_CMD_BUF_GET && chance(60)) {
		if (chance(50))
			genl_put_u32(&r, MEMOPT_A_BUF_POOL_ID, pools[below(NR_POOLS)].id);
		if (chance(30))
			genl_put_u32(&r, MEMOPT_A_BUF_OWNER_PID, getpid());
		if (chance(30)) {
			memset(label, 'l', sizeof(label));
			label[below(sizeof(label))] = 0;
			genl_put_str(&r, MEMOPT_A_BUF_LABEL, label);
			if (strlen(label) > 31)
				allowed = E(EINVAL) | E(ERANGE);
		}
		if (chance(20)) {
			uint64_t age = wild64();

			genl_put(&r, MEMOPT_A_BUF_AGE_MS, &age, 8);
		}
		if (chance(10)) {
			genl_put_u32(&r, MEMOPT_A_BUF_POOL_ID, 0);
			allowed = E(ERANGE) | E(EINVAL);
		}
	} else if (cmd == MEMOPT_CMD_PROC_GET && chance(60)) {
		genl_put_u32(&r, MEMOPT_A_PROC_PID, chance(80) ? getpid() : 0);
		if (!genl_u32((void *)(r.buf + r.off[MEMOPT_A_PROC_PID])))
			allowed = E(ERANGE) | E(EINVAL);
	} else if (cmd == MEMOPT_CMD_LEAK_GET && chance(20)) {
		genl_put_u32(&r, 1, 1);
		allowed = E(EINVAL);
	} else if (cmd == MEMOPT_CMD_POOL_GET && chance(20)) {
		genl_put_u32(&r, MEMOPT_A_POOL_ID, pools[0].id);
		allowed = E(EINVAL);
	}
	detail("nl dump cmd %u", cmd);
	nl_req(&P.nl, &r, &res);
	nl_check(OP_NL_DUMP, &res, allowed);
}

/*
 * Garbage: random attributes of random types and lengths, duplicated,
 * truncated (an attribute longer than the message), wrongly flagged
 * nested, bad genl headers, unknown commands. Set and del name either a
 * pool that does not exist or, half the time, one of this worker's own
 * churn pools, which the garbage may then change or destroy (never the
 * shared fuzz pools, whose limits the other workers rely on). A reserve
 * in garbage stays small, so that it costs little if it is taken.
 */
static void op_nl_garbage(void)
{
	struct genl_req r;
	struct nlmsghdr *nlh = (void *)r.buf;
	struct genlmsghdr *g;
	struct nlattr *a;
	struct nlres res;
	uint8_t cmd;
	unsigned int i, n, len, type;
	bool creates;
	char name[32];
	uint32_t id;
	int own = -1;	/* the index in P.churn of the pool it names */

	/* Attributes the pool's policy knows, of the right size: garbage values. */
	static const uint16_t known[] = {
		MEMOPT_A_POOL_MIN, MEMOPT_A_POOL_MAX, MEMOPT_A_POOL_WATERMARK,
		MEMOPT_A_POOL_LEAK_AGE, MEMOPT_A_POOL_UID, MEMOPT_A_POOL_GID,
		MEMOPT_A_POOL_MODE, MEMOPT_A_POOL_GROWTH, MEMOPT_A_POOL_GROWTH_WINDOW,
	};
	bool typed = chance(40);

	switch (below(5)) {
	case 0: cmd = below(256); break;
	case 1: cmd = MEMOPT_CMD_POOL_NEW; break;
	case 2: cmd = chance(70) ? MEMOPT_CMD_POOL_SET : MEMOPT_CMD_POOL_DEL; break;
	default: cmd = 1 + below(MEMOPT_CMD_MAX); break;
	}
	genl_req_init(&r, family, cmd, chance(typed ? 5 : 30) ? NLM_F_DUMP : 0);
	g = NLMSG_DATA(nlh);
	if (chance(10))
		g->version = below(256);
	if (chance(10))
		g->reserved = 1 + below(65535);
	creates = cmd == MEMOPT_CMD_POOL_NEW && !(nlh->nlmsg_flags & NLM_F_DUMP);
	if (cmd == MEMOPT_CMD_POOL_SET || cmd == MEMOPT_CMD_POOL_DEL) {
		if (P.nchurn && chance(50)) {
			own = below(P.nchurn);
			genl_put_u32(&r, MEMOPT_A_POOL_ID, P.churn[own]);
		} else {
			/* a pool that does not exist, whatever the rest says */
			genl_put_str(&r, MEMOPT_A_POOL_NAME, "fz-none");
		}
	}
	n = typed ? 1 + below(3) : below(8);
	for (i = 0; i < n; i++) {
		type = typed ? known[below(sizeof(known) / sizeof(known[0]))] :
		       chance(80) ? below(20) : below(65536);
		if ((cmd == MEMOPT_CMD_POOL_SET || cmd == MEMOPT_CMD_POOL_DEL || creates) &&
		    ((type & NLA_TYPE_MASK) == MEMOPT_A_POOL_ID ||
		     (type & NLA_TYPE_MASK) == MEMOPT_A_POOL_NAME))
			continue;
		if (typed)
			len = type == MEMOPT_A_POOL_GROWTH ? 8 : 4;
		else
			len = chance(60) ? 4 : chance(50) ? 8 : below(40);
		if (NLMSG_ALIGN(nlh->nlmsg_len) + NLA_HDRLEN + len > 2000)
			break;
		a = (void *)(r.buf + NLMSG_ALIGN(nlh->nlmsg_len));
		a->nla_type = type;
		if (!typed)
			a->nla_type |= (chance(10) ? NLA_F_NESTED : 0) |
				       (chance(5) ? NLA_F_NET_BYTEORDER : 0);
		a->nla_len = NLA_HDRLEN + len;
		for (unsigned int j = 0; j < len; j++)
			((unsigned char *)a)[NLA_HDRLEN + j] = chance(50) ? 0 : rnd();
		if (typed && len == 4 && chance(50))
			*(uint32_t *)((char *)a + NLA_HDRLEN) = below(chance(50) ? 4 : 1024);
		/* A reserve that stays cheap, a block size that is valid. */
		if ((creates || own >= 0) && (type & NLA_TYPE_MASK) == MEMOPT_A_POOL_MIN && len >= 4)
			*(uint32_t *)((char *)a + NLA_HDRLEN) = below(4);
		if (creates && (type & NLA_TYPE_MASK) == MEMOPT_A_POOL_BLOCK_SIZE && len >= 4 &&
		    chance(50))
			*(uint32_t *)((char *)a + NLA_HDRLEN) = 4096 << below(5);
		nlh->nlmsg_len = NLMSG_ALIGN(nlh->nlmsg_len) + NLA_ALIGN(a->nla_len);
		if (chance(15) && NLMSG_ALIGN(nlh->nlmsg_len) + a->nla_len + 8 < 2000) {
			/* duplicate it */
			memcpy(r.buf + nlh->nlmsg_len, a, NLA_ALIGN(a->nla_len));
			nlh->nlmsg_len += NLA_ALIGN(a->nla_len);
		}
	}
	if (creates) {
		/* a name of ours, so a pool it creates is found and destroyed */
		snprintf(name, sizeof(name), "fzg%.16s-%ld", P.label, P.op % 100000);
		for (i = 0; name[i]; i++)
			if (name[i] == '.')
				name[i] = '_';
		genl_put_str(&r, MEMOPT_A_POOL_NAME, name);
	}
	if (chance(typed ? 2 : 10) && nlh->nlmsg_len > NLMSG_LENGTH(GENL_HDRLEN) + NLA_HDRLEN) {
		/* truncate: the last attribute claims more than there is */
		a = (void *)(r.buf + NLMSG_LENGTH(GENL_HDRLEN));
		a->nla_len = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN) + 4 + below(100);
	}
	detail("nl garbage cmd %u flags %#x len %u pool %u", cmd, nlh->nlmsg_flags, nlh->nlmsg_len,
	       own >= 0 ? P.churn[own] : 0);
	nl_req(&P.nl, &r, &res);
	nl_check(OP_NL_GARBAGE, &res, OK | E(EINVAL) | E(ERANGE) | E(EOPNOTSUPP) | E(ENOENT) |
		 E(EEXIST) | E(ENOMEM) | E(EMSGSIZE) | E(EPERM));
	if (creates && !res.err && !res.sockerr && res.nmsgs) {
		id = res.id;
		if (id && nl_del(&P.nl, id))
			note("could not destroy pool %u created by garbage", id);
	}
	if (own < 0)
		return;
	__atomic_fetch_add(&sh->garbage_own[0], 1, __ATOMIC_RELAXED);
	if (res.err || res.sockerr || (nlh->nlmsg_flags & NLM_F_DUMP))
		return;
	__atomic_fetch_add(&sh->garbage_own[1], 1, __ATOMIC_RELAXED);
	/* Destroyed by the garbage: ours no more (a lost ack: teardown's ENOENT). */
	if (cmd == MEMOPT_CMD_POOL_DEL)
		P.churn[own] = P.churn[--P.nchurn];
}

/* Pool set of the shared fuzz pools (never max), and of our own (anything). */
static void op_nl_set(void)
{
	struct genl_req r;
	struct nlres res;
	bool own = P.nchurn && chance(50);
	uint32_t id = own ? P.churn[below(P.nchurn)] : pools[below(NR_POOLS)].id;
	eset allowed = OK | E(ENOENT);
	uint32_t v;
	int n = 0;

	genl_req_init(&r, family, MEMOPT_CMD_POOL_SET, 0);
	genl_put_u32(&r, MEMOPT_A_POOL_ID, id);
	if (chance(40)) {
		genl_put_u32(&r, MEMOPT_A_POOL_MIN, below(4));
		allowed |= E(EINVAL) | E(ENOMEM);	/* min above a churn pool's max */
		n++;
	}
	if (own && chance(50)) {
		genl_put_u32(&r, MEMOPT_A_POOL_MAX, 1 + below(63));	/* never 0: no limit */
		allowed |= E(EINVAL);
		n++;
	}
	if (chance(40)) {
		v = chance(80) ? below(101) : 101 + below(1000);
		genl_put_u32(&r, MEMOPT_A_POOL_WATERMARK, v);
		if (v > 100)
			allowed |= E(ERANGE);
		n++;
	}
	if (chance(30)) {
		genl_put_u32(&r, MEMOPT_A_POOL_LEAK_AGE, below(3));
		n++;
	}
	if (chance(20)) {
		v = chance(80) ? 0600 | below(0177) : 01000 + below(1000);
		genl_put_u32(&r, MEMOPT_A_POOL_MODE, v);
		if (v > 0777)
			allowed |= E(ERANGE);
		n++;
	}
	if (chance(20)) {
		v = below(3);
		genl_put_u32(&r, MEMOPT_A_POOL_GROWTH_WINDOW, v);
		if (!v)
			allowed |= E(ERANGE);
		n++;
	}
	if (!n)
		allowed = E(EINVAL);
	detail("nl set pool %u (%d attrs)", id, n);
	nl_req(&P.nl, &r, &res);
	nl_check(OP_NL_SET, &res, allowed);
}

/* Create a pool of our own, or destroy one of ours, or guess another's. */
static void op_nl_churn(void)
{
	struct genl_req r;
	struct nlres res;
	char name[32];
	uint32_t bs;
	int i, ret;

	if (P.nchurn < MAX_CHURN && chance(50)) {
		snprintf(name, sizeof(name), "fzc%.16s-%d", P.label, P.churnno++ % 100000);
		for (i = 0; name[i]; i++)
			if (name[i] == '.')
				name[i] = '_';
		bs = chance(90) ? 4096U << below(5) : wild32();
		genl_req_init(&r, family, MEMOPT_CMD_POOL_NEW, 0);
		genl_put_str(&r, MEMOPT_A_POOL_NAME, name);
		genl_put_u32(&r, MEMOPT_A_POOL_BLOCK_SIZE, bs);
		genl_put_u32(&r, MEMOPT_A_POOL_MIN, below(3));
		genl_put_u32(&r, MEMOPT_A_POOL_MAX, 4 + below(28));
		detail("nl new %s block %u", name, bs);
		nl_req(&P.nl, &r, &res);
		nl_check(OP_NL_CHURN, &res, OK | E(EINVAL) | E(ERANGE));
		if (!res.sockerr && !res.err) {
			P.churn[P.nchurn++] = res.id;
		} else if (opt.faults) {
			/* A failure must not have created it. */
			genl_req_init(&r, family, MEMOPT_CMD_POOL_GET, 0);
			genl_put_str(&r, MEMOPT_A_POOL_NAME, name);
			nl_req(&P.nl, &r, &res);
			if (!res.sockerr && !res.err) {
				note("pool new of %s failed, yet the pool exists (id %u)", name, res.id);
				nl_del(&P.nl, res.id);
			}
		}
		return;
	}
	if (P.nchurn && chance(70)) {
		i = below(P.nchurn);
		detail("nl del own pool %u", P.churn[i]);
		ret = nl_del(&P.nl, P.churn[i]);
		check(OP_NL_CHURN, ret, OK | E(ENOENT));	/* another may have won */
		if (!ret || ret == ENOENT)
			P.churn[i] = P.churn[--P.nchurn];
		return;
	}
	/* Another worker's pool, by a guessed name. */
	snprintf(name, sizeof(name), "fzc%d-%d", (int)below(opt.procs), (int)below(4));
	genl_req_init(&r, family, MEMOPT_CMD_POOL_DEL, 0);
	genl_put_str(&r, MEMOPT_A_POOL_NAME, name);
	detail("nl del guessed %s", name);
	nl_req(&P.nl, &r, &res);
	nl_check(OP_NL_CHURN, &res, OK | E(ENOENT));
}

/* ------------------------------------------------------------------ */
/* processes */

static void worker(void);

static void reap_kid(int i, bool killed)
{
	int st;
	pid_t pid = P.kids[i];

	P.kids[i] = P.kids[--P.nkids];
	if (waitpid(pid, &st, 0) != pid)
		unexpected(OP_KILL, "waitpid %d: %s", pid, strerror(errno));
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return;
	if (killed && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
		return;
	/* The child printed its own report; make ours too. */
	unexpected(OP_KILL, "child %d ended with status %#x", pid, st);
}

static void op_fork(void)
{
	uint64_t seed;
	pid_t pid;
	int i;

	if (P.depth >= MAX_DEPTH || P.nkids >= MAX_KIDS ||
	    __atomic_load_n(&sh->live, __ATOMIC_SEQ_CST) >= opt.procs * 3)
		return;
	seed = rnd();
	detail("fork");
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	check(OP_FORK, pid < 0 ? errno : 0, OK);
	if (pid < 0)
		return;
	for (i = 0; i < MAX_SESS; i++)
		P.s[i].shared = true;
	if (pid) {
		P.kids[P.nkids++] = pid;
		P.kidno++;
		return;
	}
	/* The child: a stream of its own, a share of the remaining ops. */
	__atomic_fetch_add(&sh->live, 1, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&sh->procs, 1, __ATOMIC_RELAXED);
	snprintf(P.label + strlen(P.label), sizeof(P.label) - strlen(P.label), ".%d", P.kidno);
	P.rs = seed;
	P.nops = P.op + (P.nops - P.op) / 2;
	P.depth++;
	P.nkids = 0;
	P.kidno = 0;
	P.nchurn = 0;	/* the parent destroys its pools */
	P.churnno = 100 * (P.churnno + 1);
	if (P.nl >= 0)
		close(P.nl);
	P.nl = -1;
	for (i = P.nm - 1; i >= 0; i--)
		if (P.m[i].dontfork)
			map_forget(i);
	worker();
}

static void op_kill(void)
{
	int i;

	if (!P.nkids)
		return;
	i = below(P.nkids);
	detail("kill -9 %d", P.kids[i]);
	check(OP_KILL, kill(P.kids[i], SIGKILL) ? errno : 0, OK);
	__atomic_fetch_add(&sh->kills, 1, __ATOMIC_RELAXED);
	reap_kid(i, true);
}

static void op_exit(void)
{
	if (!P.depth)
		return;
	__atomic_fetch_add(&sh->exits, 1, __ATOMIC_RELAXED);
	__atomic_fetch_sub(&sh->live, 1, __ATOMIC_SEQ_CST);
	_exit(0);	/* the kernel closes everything */
}

typedef void (*op_fn)(void);

static const op_fn op_fns[OP__CNT] = {
	[OP_OPEN] = op_open, [OP_CLOSE] = op_close, [OP_ALLOC] = op_alloc,
	[OP_FREE] = op_free, [OP_INFO] = op_info, [OP_LABEL] = op_label,
	[OP_LOOKUP] = op_lookup, [OP_EXPORT] = op_export, [OP_IMPORT] = op_import,
	[OP_IOC_RAW] = op_ioc_raw, [OP_IOC_BADPTR] = op_ioc_badptr,
	[OP_IOC_OTHER] = op_ioc_other, [OP_MMAP] = op_mmap,
	[OP_MMAP_DMABUF] = op_mmap_dmabuf, [OP_MMAP_OTHER] = op_mmap_other,
	[OP_MUNMAP] = op_munmap, [OP_MREMAP] = op_mremap, [OP_MPROTECT] = op_mprotect,
	[OP_MADVISE] = op_madvise, [OP_TOUCH] = op_touch, [OP_TOUCH_BAD] = op_touch_bad,
	[OP_SYNC] = op_sync, [OP_DMABUF_MISC] = op_dmabuf_misc, [OP_CLOSE_FD] = op_close_fd,
	[OP_FD_SEND] = op_fd_send, [OP_FD_RECV] = op_fd_recv, [OP_FORK] = op_fork,
	[OP_KILL] = op_kill, [OP_EXIT] = op_exit, [OP_NL_GET] = op_nl_get,
	[OP_NL_DUMP] = op_nl_dump, [OP_NL_GARBAGE] = op_nl_garbage, [OP_NL_SET] = op_nl_set,
	[OP_NL_CHURN] = op_nl_churn,
};

static enum op pick_op(void)
{
	unsigned int total = 0, i, x;

	for (i = 0; i < OP__CNT; i++)
		if (opt.netlink || !op_netlink[i])
			total += op_weight[i];
	/* A child may also just go, now and then. */
	if (P.depth && below(1000) == 0)
		return OP_EXIT;
	x = below(total);
	for (i = 0; i < OP__CNT; i++) {
		if (!opt.netlink && op_netlink[i])
			continue;
		if (x < op_weight[i])
			return i;
		x -= op_weight[i];
	}
	return OP_ALLOC;
}

/* Close everything, in an order of its own: the end of every worker. */
static void teardown(void)
{
	struct memopt_free f = {};
	int i, j, ret;

	P.op = -1;
	while (P.nkids)
		reap_kid(P.nkids - 1, false);
	for (i = P.nm - 1; i >= 0; i--) {
		detail("teardown munmap %p %zu pages", P.m[i].addr, P.m[i].npages);
		check(OP_MUNMAP, munmap(P.m[i].addr, P.m[i].npages * PG) ? errno : 0, OK);
		map_forget(i);
	}
	for (i = 0; i < MAX_SESS; i++) {
		if (P.s[i].fd < 0)
			continue;
		for (j = 0; j < P.s[i].nh; j++) {
			f.handle = P.s[i].h[j].handle;
			detail("teardown free sess %d handle %u", P.s[i].fd, f.handle);
			ret = ioctl(P.s[i].fd, MEMOPT_IOC_FREE, &f) ? errno : 0;
			check(OP_FREE, ret, P.s[i].shared ? OK | E(ENOENT) : OK);
		}
		close(P.s[i].fd);
		P.s[i].fd = -1;
	}
	for (i = 0; i < P.nf; i++)
		close(P.f[i].fd);
	for (i = 0; i < P.nunk; i++)
		close(P.unk[i]);
	P.nf = P.nunk = 0;
	for (i = 0; i < P.nchurn; i++) {
		ret = nl_del(&P.nl, P.churn[i]);
		detail("teardown del pool %u", P.churn[i]);
		check(OP_NL_CHURN, ret, OK | E(ENOENT));
	}
	if (P.nl >= 0)
		close(P.nl);
}

static void worker(void)
{
	enum op k;

	if (opt.faults && !P.depth) {
		int fd = open("/proc/self/make-it-fail", O_WRONLY);

		if (fd < 0 || write(fd, "1", 1) != 1) {
			fprintf(stderr, "# make-it-fail: %s\n", strerror(errno));
			_exit(2);
		}
		close(fd);
	}
	for (; P.op < P.nops; P.op++) {
		k = pick_op();
		P.detail[0] = 0;
		__atomic_fetch_add(&sh->count[k], 1, __ATOMIC_RELAXED);
		op_fns[k]();
	}
	teardown();
	__atomic_fetch_sub(&sh->live, 1, __ATOMIC_SEQ_CST);
	_exit(0);
}

/* ------------------------------------------------------------------ */
/* the coordinator */

static int pools_create(int *nl)
{
	struct genl_req r;
	struct nlres res;
	int i;

	for (i = 0; i < NR_POOLS; i++) {
		genl_req_init(&r, family, MEMOPT_CMD_POOL_GET, 0);
		genl_put_str(&r, MEMOPT_A_POOL_NAME, pools[i].name);
		nl_req(nl, &r, &res);
		if (!res.err && !res.sockerr && res.id)
			nl_del(nl, res.id);	/* left by an earlier run */
		genl_req_init(&r, family, MEMOPT_CMD_POOL_NEW, 0);
		genl_put_str(&r, MEMOPT_A_POOL_NAME, pools[i].name);
		genl_put_u32(&r, MEMOPT_A_POOL_BLOCK_SIZE, pools[i].block);
		genl_put_u32(&r, MEMOPT_A_POOL_MIN, pools[i].min);
		genl_put_u32(&r, MEMOPT_A_POOL_MAX, pools[i].max);
		nl_req(nl, &r, &res);
		if (res.err || res.sockerr || !res.id) {
			fprintf(stderr, "# creating pool %s: %s\n", pools[i].name,
				strerror(res.err ?: res.sockerr ?: EPROTO));
			return -1;
		}
		pools[i].id = res.id;
	}
	return 0;
}

struct leftover {
	int *nl;
	int n;
	uint32_t ids[64];
};

static void leftover_cb(struct nlattr **tb, void *arg)
{
	struct leftover *l = arg;
	const char *name = genl_str(tb[MEMOPT_A_POOL_NAME]);

	if ((!strncmp(name, "fzc", 3) || !strncmp(name, "fzg", 3)) && l->n < 64)
		l->ids[l->n++] = genl_u32(tb[MEMOPT_A_POOL_ID]);
}

/* Destroy pools workers left (killed ones cannot clean up): how many. */
static int pools_leftover(int *nl)
{
	struct leftover l = { .nl = nl };
	struct genl_req r;
	int i;

	genl_req_init(&r, family, MEMOPT_CMD_POOL_GET, 0);
	if (genl_dump(*nl, &r, leftover_cb, &l, NULL) < 0)
		return -1;
	for (i = 0; i < l.n; i++)
		nl_del(nl, l.ids[i]);
	return l.n;
}

static void drain_socketpair(void)
{
	prog_drain_close(sp[0]);
	prog_drain_close(sp[1]);
}

static void usage(int rc)
{
	fprintf(rc ? stderr : stdout,
		"Usage: fuzz [--seed S] [--ops N] [--procs P] [--netlink] [--faults] [--verbose]\n"
		"            [--keep] [--timeout SECONDS]\n"
		"Fuzzes /dev/memopt (and with --netlink the memopt family) from P processes\n"
		"of N operations each; prints TAP. A failing seed reproduces the failure.\n");
	exit(rc);
}

static void parse(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "seed", required_argument, NULL, 's' }, { "ops", required_argument, NULL, 'n' },
		{ "procs", required_argument, NULL, 'p' }, { "netlink", no_argument, NULL, 'N' },
		{ "faults", no_argument, NULL, 'F' }, { "verbose", no_argument, NULL, 'v' },
		{ "keep", no_argument, NULL, 'k' }, { "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' }, {}
	};
	bool seeded = false;
	int c;

	while ((c = getopt_long(argc, argv, "s:n:p:NFvkt:h", lo, NULL)) != -1) {
		switch (c) {
		case 's': opt.seed = strtoull(optarg, NULL, 0); seeded = true; break;
		case 'n': opt.ops = strtol(optarg, NULL, 10); break;
		case 'p': opt.procs = atoi(optarg); break;
		case 'N': opt.netlink = true; break;
		case 'F': opt.faults = true; break;
		case 'v': opt.verbose = true; break;
		case 'k': opt.keep = true; break;
		case 't': opt.timeout = atoi(optarg); break;
		case 'h': usage(0); break;
		default: usage(2);
		}
	}
	if (optind != argc || opt.ops < 0 || opt.procs < 1 || opt.procs > 16)
		usage(2);
	if (!seeded) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		opt.seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ getpid();
	}
}

static pid_t *workers_pids;

static void on_alarm(int sig)
{
	(void)sig;
	if (write(2, "# timeout: killing the workers\n", 31) < 0)
		_exit(1);
	kill(0, SIGKILL);
	_exit(1);
}

int main(int argc, char **argv)
{
	struct genl_family_info info;
	struct sigaction sa = {};
	struct rlimit rl = { NOFILE_LIMIT, NOFILE_LIMIT };
	struct sysinfo si;
	int nl, i, st, bad_status = 0, left;
	long used[NR_POOLS];
	uint64_t total = 0;
	bool pools_ok;
	pid_t pid;

	parse(argc, argv);
	setpgid(0, 0);	/* the timeout kills this group, not the caller's */
	if (!sysinfo(&si))
		commit_pages = ((uint64_t)si.totalram + si.totalswap) * si.mem_unit / PG;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n1..3\n");
	printf("# fuzz --seed %" PRIu64 " --ops %ld --procs %d%s%s\n", opt.seed, opt.ops, opt.procs,
	       opt.netlink ? " --netlink" : "", opt.faults ? " --faults" : "");
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 1;
	if (access(DEV, F_OK)) {
		printf("ok 1 # SKIP %s: %s\nok 2 # SKIP\nok 3 # SKIP\n", DEV, strerror(errno));
		return 0;
	}
	nl = nl_open();
	if (nl < 0 || genl_resolve(nl, MEMOPT_GENL_NAME, &info)) {
		printf("Bail out! no memopt netlink family\n");
		return 1;
	}
	family = info.id;
	if (pools_create(&nl)) {
		printf("Bail out! cannot create the fuzz pools\n");
		return 1;
	}
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sp)) {
		printf("Bail out! socketpair: %s\n", strerror(errno));
		return 1;
	}
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, on_alarm);
	workers_pids = calloc(opt.procs, sizeof(pid_t));
	fflush(stdout);
	for (i = 0; i < opt.procs; i++) {
		pid = fork();
		if (pid < 0) {
			printf("Bail out! fork: %s\n", strerror(errno));
			kill(0, SIGKILL);
			return 1;
		}
		if (!pid) {
			signal(SIGALRM, SIG_DFL);
			setrlimit(RLIMIT_NOFILE, &rl);
			close(nl);
			memset(&P, 0, sizeof(P));
			snprintf(P.label, sizeof(P.label), "%d", i);
			P.rs = opt.seed ^ (0xd1b54a32d192ed03ULL * (uint64_t)(i + 1));
			P.nops = opt.ops;
			P.nl = -1;
			for (int j = 0; j < MAX_SESS; j++)
				P.s[j].fd = -1;
			__atomic_fetch_add(&sh->live, 1, __ATOMIC_SEQ_CST);
			__atomic_fetch_add(&sh->procs, 1, __ATOMIC_RELAXED);
			worker();
		}
		workers_pids[i] = pid;
	}
	alarm(opt.timeout);
	/* Reap every worker and, as their subreaper, every orphan. */
	while ((pid = wait(&st)) > 0) {
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			continue;
		/*
		 * A process its parent SIGKILLed, the parent itself killed
		 * before it reaped it: reparented here. Workers are never killed.
		 */
		for (i = 0; i < opt.procs && workers_pids[i] != pid; i++)
			;
		if (i == opt.procs && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
			continue;
		bad_status++;
		printf("# process %d ended with %s %d\n", pid, WIFEXITED(st) ? "status" : "signal",
		       WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	}
	alarm(0);
	drain_socketpair();
	for (i = 0; i < OP__CNT; i++)
		total += sh->count[i];
	printf("# %" PRIu64 " operations in %" PRIu64 " processes (%" PRIu64 " killed, %" PRIu64
	       " exited early)\n", total, sh->procs, sh->kills, sh->exits);
	for (i = 0; i < OP__CNT; i++)
		if (sh->count[i])
			printf("#   %-12s %8" PRIu64 "%s%.0" PRIu64 "\n", op_name[i], sh->count[i],
			       sh->nomem[i] ? "  ENOMEM/ENOBUFS: " : "", sh->nomem[i]);
	if (opt.netlink)
		printf("# garbage netlink at the workers' own pools: %" PRIu64 " sent, %" PRIu64
		       " taken (pool changed or destroyed)\n", sh->garbage_own[0], sh->garbage_own[1]);
	printf("# %" PRIu64 " unexpected results, %" PRIu64 " notes\n", sh->unexpected, sh->notes);
	printf("%s 1 fuzz: %" PRIu64 " operations, %" PRIu64 " unexpected results (seed %" PRIu64 ")\n",
	       sh->unexpected ? "not ok" : "ok", total, sh->unexpected, opt.seed);
	printf("%s 2 every process ended as expected\n", bad_status ? "not ok" : "ok");

	/* Deferred releases (unix gc, delayed fput) may take a moment. */
	left = pools_leftover(&nl);
	for (i = 0; i < 100; i++) {
		int j;

		pools_ok = true;
		for (j = 0; j < NR_POOLS; j++) {
			used[j] = nl_used(&nl, pools[j].id);
			pools_ok &= used[j] == 0;
		}
		if (pools_ok)
			break;
		usleep(100000);
	}
	printf("# pool used blocks:");
	for (i = 0; i < NR_POOLS; i++)
		printf(" %s %ld", pools[i].name, used[i]);
	printf("; %d pools of workers destroyed at the end\n", left);
	printf("%s 3 the fuzz pools' used blocks are back to 0\n", pools_ok ? "ok" : "not ok");
	if (!opt.keep && pools_ok)
		for (i = 0; i < NR_POOLS; i++)
			nl_del(&nl, pools[i].id);
	close(nl);
	return sh->unexpected || bad_status || !pools_ok;
}
