// SPDX-License-Identifier: GPL-2.0
/*
 * stress: memopt under load, for a set time, then every counter back to 0.
 *
 *   stress [--seconds S] [--procs P] [--seed N] [--no-hog] [--verbose]
 *          [--timeout SECONDS]
 *
 * The coordinator (this process) creates six stress pools over netlink
 * (see pools[]: block sizes from 4 KiB to 2 MiB, some with a min reserve,
 * all but one with a max) and a shared page of counters and pool ids, then
 * starts, for S seconds:
 *
 *   - P workers, pinned alternately to each online CPU, each looping over:
 *     alloc (a random pool and size; the buffer is mapped, must read as
 *     zeros, and is filled with a pattern of its own), free, verify (the
 *     pattern is still there), send (export a dma-buf, pass it with
 *     SCM_RIGHTS over a socketpair every worker shares), receive (import
 *     a received dma-buf, map it through the session and sometimes the
 *     dma-buf itself, and find the sender's pattern; sometimes keep it),
 *     fork (a child finds the pattern through the inherited mapping and
 *     writes another, which the parent must then see), close the session
 *     with its handles and mappings still in use, and exit with everything
 *     held. A worker that exits is replaced by a new one.
 *   - a killer: the coordinator SIGKILLs a random worker at random times
 *     (itself, because only a process's parent can name it by pid without
 *     racing the pid's reuse: an unreaped child's pid cannot be reused).
 *     Killed workers are replaced too.
 *   - a resizer: pool set of random pools' min and max, within each pool's
 *     ranges, every few tens of milliseconds.
 *   - a churner: destroys a random pool (with buffers in use, it lingers
 *     as "dying") and creates it again under the same name, a new id.
 *   - a memory hog (not with --no-hog): with vm.watermark_scale_factor
 *     raised to 3000 for the run, so that kswapd wakes well above the min
 *     watermark, and vm.watermark_boost_factor 0, so that min stays put,
 *     it maps and touches anonymous memory in steps until MemFree is
 *     64 MiB below the zones' low watermarks and at least 128 MiB above
 *     their min ones (kswapd runs and calls memopt's shrinker, while
 *     allocations never need direct reclaim, let alone the OOM killer).
 *     It starts first, and the workers once it got there. It backs off when
 *     MemFree falls within 80 MiB of min, and in cycles lets go of part of
 *     what it holds and pushes again. Before each push it raises and lowers
 *     the reserve of stress-cache, so that cached free slabs above the
 *     reserve are there for the shrinker to give back.
 *
 * Each result is checked against the errnos the code documents for it in
 * this situation. MEMOPT_IOC_ALLOC: ENOENT (the pool was destroyed, or is
 * between destroy and re-create), ENOSPC (a pool with a max at its max),
 * EINVAL only for sizes above the smallest max the resizer sets, ENOMEM
 * (the global cap, or the page allocator under the hog). EACCES is never
 * allowed: the pools keep their default mode and the workers run as root.
 * Export and import: ENOMEM, EMFILE. Free of a handle the worker holds
 * must succeed. Pool set: ENOENT (destroyed meanwhile), ENOMEM (a raised
 * reserve cannot be allocated under the hog). Pool new: ENOMEM. Pool del
 * of a listed stress pool must succeed. Contents are checked at every
 * mapping. Any other result, and any signal but the killer's SIGKILL, is
 * unexpected: the process prints the seed, its name and the details, and
 * exits 1.
 *
 * At the end the workers tear down and exit, every process is reaped, the
 * socketpair is drained, and then (within 10 s, for deferred releases):
 * every stress pool has no block in use; the ledger (buffer and process
 * dumps) holds no buffer of any stress pool, including destroyed ones; the
 * pools are destroyed, none is left; and a run with the hog saw the
 * shrinker give blocks back (MEMOPT_A_STATS_SHRINKER_BLOCKS, summed over
 * every pool destroyed). Output is TAP (six tests) with a "# summary:" line
 * of figures; the exit status is 0 when everything was as expected, 1
 * otherwise. The seed fixes every process's random stream; the timing
 * (what is killed when) still varies between runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <sched.h>
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
#include <sys/wait.h>
#include <linux/genetlink.h>
#include <linux/memopt.h>
#include <linux/netlink.h>

#include "genl.h"
#include "prog.h"

#define DEV		"/dev/" MEMOPT_DEVICE_NAME
#define PG		4096UL
#define MiB		(1UL << 20)
#define MAX_PROCS	32
#define MAX_BUFS	16
#define HELD_MAX	(12 * MiB)	/* a worker's mapped bytes, at most */
#define SEND_MAX	(2 * MiB)	/* largest buffer passed to a sibling */
#define MAX_IDS		4096		/* pool ids ever created, for the ledger check */
/* vm sysctls the run changes while the hog runs, and restores. */
#define WSF		"/proc/sys/vm/watermark_scale_factor"
#define WBF		"/proc/sys/vm/watermark_boost_factor"
#define HOG_CHUNK	(16 * MiB)
#define HOG_MAX_CHUNKS	256
#define HOG_TARGET	(128 * MiB)	/* MemFree above the min watermarks, at least */
#define HOG_BELOW_LOW	(64 * MiB)	/* and this far below the low ones */
#define HOG_BACKOFF	(80 * MiB)
#define PRIME_BYTES	(16 * MiB)	/* stress-cache's reserve, raised then lowered */
#define MSG_MAGIC	0x5354524553534d47ULL

/* Operations by kind (counted in the shared page). */
#define OPS(X) \
	X(OPEN) X(ALLOC) X(FREE) X(VERIFY) X(EXPORT) X(SEND) X(RECV) X(IMPORT) \
	X(MAP_DMABUF) X(KEEP) X(FORK) X(CLOSE) X(EXIT) X(NL_SET) X(NL_DEL) \
	X(NL_NEW) X(PRIME) X(HOG_PUSH) X(HOG_BACKOFF)

enum op {
#define X(n) OP_##n,
	OPS(X)
#undef X
	OP__CNT
};

static const char *const op_name[] = {
#define X(n) #n,
	OPS(X)
#undef X
};

/* A pool: fixed block size, the ranges the resizer keeps min and max in. */
struct pool_info {
	const char *name;
	uint32_t block;
	uint32_t min, max;		/* at creation */
	uint32_t min_hi;		/* min is set within [0, min_hi] */
	uint32_t max_lo, max_hi;	/* max within [max_lo, max_hi]; 0: no max */
};

#define NR_POOLS	6
#define CACHE_POOL	3		/* the hog primes this one */

static const struct pool_info pools[NR_POOLS] = {
	{ "stress-4k", 4096, 0, 1024, 16, 256, 2048 },
	{ "stress-16k", 16384, 2, 128, 8, 64, 256 },
	{ "stress-64k", 65536, 4, 256, 32, 64, 512 },
	{ "stress-cache", 262144, 0, 192, PRIME_BYTES / 262144, 128, 256 },
	{ "stress-1m", 1 << 20, 8, 64, 24, 24, 96 },
	{ "stress-2m", 2 << 20, 0, 0, 4, 0, 0 },
};

/* Shared by every process (a MAP_SHARED mapping). */
struct shared {
	uint64_t count[OP__CNT];
	uint64_t errs[128];		/* results by errno, expected ones */
	uint64_t unexpected;
	uint64_t spawned, killed, exited, forks;
	uint64_t send_full, recv_empty;
	uint64_t shrinker_blocks;	/* of the pools destroyed so far */
	uint64_t hog_cycles, hog_shrunk_cycles, hog_peak, hog_minfree;
	uint32_t id[NR_POOLS];		/* current id, 0 while re-created */
	uint32_t ids[MAX_IDS];		/* every id a stress pool ever had */
	uint32_t nids;
	int hog_ready;			/* the hog reached its target once */
	int stop;
};

static struct {
	uint64_t seed;
	int seconds, procs, timeout;
	bool hog, verbose;
} opt = { .seconds = 60, .procs = 8, .hog = true };

static struct shared *sh;
static uint16_t family;
static int sp[2];			/* the workers' socketpair */
static int ncpus;

/* A buffer a worker holds: mapped, maybe with a handle. */
struct wbuf {
	char *map;
	size_t size;
	uint32_t handle;		/* 0: the session was closed under it */
	uint64_t tag;			/* the pattern it holds */
	bool frozen;			/* others may read it: never written again */
	bool rdonly;			/* imported read-only: exports only read-only */
};

/* What one process knows: its name, random stream, session and buffers. */
static struct proc {
	char label[32];
	uint64_t rs;
	long op;
	int sess;
	int nb;
	size_t held;
	struct wbuf b[MAX_BUFS];
	char detail[256];
} P;

/* ------------------------------------------------------------------ */
/* randomness, checking */

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

/* A random stream for process number @n of kind @kind, from the seed only. */
static void seed_stream(unsigned int kind, unsigned int n)
{
	P.rs = opt.seed ^ (0xd1b54a32d192ed03ULL * (((uint64_t)kind << 32) + n + 1));
	rnd();
}

static __attribute__((format(printf, 1, 2))) void detail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(P.detail, sizeof(P.detail), fmt, ap);
	va_end(ap);
}

static __attribute__((noreturn, format(printf, 2, 3))) void unexpected(enum op k, const char *fmt, ...)
{
	char why[256];
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

/* Allowed results: bit 0 is success, bit E an errno. */
typedef unsigned __int128 eset;
#define E(e)	((eset)1 << (e))
#define OK	E(0)

/* Count one result of kind @k; @err (0 or an errno) must be in @allowed. */
static void check(enum op k, int err, eset allowed)
{
	if (opt.verbose)
		fprintf(stderr, "[%s] #%ld %s %s -> %s\n", P.label, P.op, op_name[k], P.detail,
			prog_errname(err));
	if (err < 0 || err >= 128 || !(allowed & E(err)))
		unexpected(k, "result %s (%d) is not allowed", prog_errname(err), err);
	__atomic_fetch_add(&sh->count[k], 1, __ATOMIC_RELAXED);
	if (err)
		__atomic_fetch_add(&sh->errs[err], 1, __ATOMIC_RELAXED);
}

static bool stopping(void)
{
	return __atomic_load_n(&sh->stop, __ATOMIC_RELAXED);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Any fault in a mapping is a memopt bug: report it and go. */
static void on_fault(int sig, siginfo_t *si, void *uc)
{
	char msg[400];
	int n;

	(void)uc;
	n = snprintf(msg, sizeof(msg), "# UNEXPECTED: seed %" PRIu64 " proc %s op %ld: signal %d at %p [%s]\n",
		     opt.seed, P.label, P.op, sig, si->si_addr, P.detail);
	if (write(2, msg, n) < 0)
		_exit(3);
	__atomic_fetch_add(&sh->unexpected, 1, __ATOMIC_SEQ_CST);
	_exit(3);
}

/* ------------------------------------------------------------------ */
/* contents: one word per 64 bytes, and the first and last page in full */

static uint64_t pattern(uint64_t tag, size_t off)
{
	return (tag ^ (off * 0x9e3779b97f4a7c15ULL)) | 1;
}

static void fill(char *map, size_t size, uint64_t tag)
{
	size_t off;

	for (off = 0; off < size; off += 64)
		*(volatile uint64_t *)(map + off) = pattern(tag, off);
}

/* 0 when @map holds @tag's pattern (tag 0: zeros); else the bad offset + 1. */
static size_t verify(const char *map, size_t size, uint64_t tag)
{
	static const char zero[PG];
	size_t off;

	for (off = 0; off < size; off += 64)
		if (*(const volatile uint64_t *)(map + off) != (tag ? pattern(tag, off) : 0))
			return off + 1;
	if (!tag && (memcmp(map, zero, PG) || memcmp(map + size - PG, zero, PG)))
		return 1;
	return 0;
}

static void verify_or_die(enum op k, const char *map, size_t size, uint64_t tag, const char *what)
{
	size_t bad = verify(map, size, tag);

	if (bad)
		unexpected(k, "%s: %s at offset %zu of %zu bytes (read %#" PRIx64 ", tag %#" PRIx64 ")",
			   what, tag ? "wrong contents" : "not zero", bad - 1, size,
			   *(const uint64_t *)(map + ((bad - 1) & ~7UL)), tag);
}

/* ------------------------------------------------------------------ */
/* worker operations */

static void w_open(void)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC);

	detail("open " DEV);
	check(OP_OPEN, fd < 0 ? errno : 0, OK | E(ENOMEM) | E(ENFILE));
	P.sess = fd;
}

static void w_forget(int i)
{
	P.held -= P.b[i].size;
	P.b[i] = P.b[--P.nb];
}

static void w_free(void)
{
	struct memopt_free f = {};
	struct wbuf *b;
	bool unmap_first = chance(50);
	int i, ret = 0;

	if (!P.nb)
		return;
	i = below(P.nb);
	b = &P.b[i];
	detail("free %p size %zu handle %u", b->map, b->size, b->handle);
	/* Unmap first or free first: either way the last holder returns it. */
	if (unmap_first && munmap(b->map, b->size))
		unexpected(OP_FREE, "munmap: %s", strerror(errno));
	if (b->handle) {
		f.handle = b->handle;
		ret = ioctl(P.sess, MEMOPT_IOC_FREE, &f) ? errno : 0;
	}
	check(OP_FREE, ret, OK);
	if (!unmap_first && munmap(b->map, b->size))
		unexpected(OP_FREE, "munmap: %s", strerror(errno));
	w_forget(i);
}

static void w_add(char *map, size_t size, uint32_t handle, uint64_t tag, bool frozen,
		  bool rdonly)
{
	P.b[P.nb++] = (struct wbuf){ map, size, handle, tag, frozen, rdonly };
	P.held += size;
}

static void w_alloc(void)
{
	const struct pool_info *pi;
	struct memopt_alloc a = {};
	uint32_t n, lim, cap;
	eset allowed;
	char *map;
	int slot, ret;

	if (P.nb == MAX_BUFS || P.held >= HELD_MAX || P.sess < 0) {
		w_free();
		return;
	}
	slot = below(NR_POOLS);
	pi = &pools[slot];
	a.pool_id = __atomic_load_n(&sh->id[slot], __ATOMIC_RELAXED);
	/* Mostly what any max the resizer sets allows, sometimes more. */
	cap = chance(90) ? pi->max_lo : pi->max_hi;
	lim = (HELD_MAX - P.held) / pi->block;
	if (cap && cap < lim)
		lim = cap;
	if (!lim)
		return;
	n = 1 + below(chance(70) ? (lim + 7) / 8 : lim);
	a.size = (uint64_t)(n - 1) * pi->block + 1 + below(pi->block);
	detail("alloc pool %s id %u size %llu (%u blocks)", pi->name, a.pool_id,
	       (unsigned long long)a.size, n);
	ret = ioctl(P.sess, MEMOPT_IOC_ALLOC, &a) ? errno : 0;
	allowed = OK | E(ENOENT) | E(ENOMEM);
	if (pi->max_lo)
		allowed |= E(ENOSPC);
	if (pi->max_lo && n > pi->max_lo)
		allowed |= E(EINVAL);
	check(OP_ALLOC, ret, allowed);
	if (ret)
		return;
	if (a.size_actual != (uint64_t)n * pi->block || !a.handle)
		unexpected(OP_ALLOC, "size_actual %llu, handle %u", (unsigned long long)a.size_actual,
			   a.handle);
	map = mmap(NULL, a.size_actual, PROT_READ | PROT_WRITE, MAP_SHARED, P.sess, a.mmap_offset);
	if (map == MAP_FAILED) {
		check(OP_ALLOC, errno, E(ENOMEM));
		ioctl(P.sess, MEMOPT_IOC_FREE, &(struct memopt_free){ .handle = a.handle });
		return;
	}
	verify_or_die(OP_ALLOC, map, a.size_actual, 0, "a new buffer");
	w_add(map, a.size_actual, a.handle, rnd() | 1, false, false);
	fill(map, a.size_actual, P.b[P.nb - 1].tag);
}

static void w_verify(void)
{
	struct wbuf *b;

	if (!P.nb)
		return;
	b = &P.b[below(P.nb)];
	detail("verify %p size %zu tag %#" PRIx64, b->map, b->size, b->tag);
	verify_or_die(OP_VERIFY, b->map, b->size, b->tag, "a buffer held");
	check(OP_VERIFY, 0, OK);
}

/* The message passed with a dma-buf fd. */
struct share_msg {
	uint64_t magic, tag, size;
	uint32_t rdonly, from;
};

static void w_send(void)
{
	struct memopt_export e = {};
	struct share_msg m = { .magic = MSG_MAGIC };
	struct iovec iov = { &m, sizeof(m) };
	union {
		struct cmsghdr c;
		char b[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b,
			      .msg_controllen = sizeof(u.b) };
	struct cmsghdr *c;
	struct wbuf *b;
	int ret;

	if (!P.nb)
		return;
	b = &P.b[below(P.nb)];
	if (!b->handle || b->size > SEND_MAX)
		return;
	e.handle = b->handle;
	e.flags = MEMOPT_EXPORT_CLOEXEC |
		  (chance(b->rdonly ? 90 : 30) ? MEMOPT_EXPORT_RDONLY : 0);
	detail("export handle %u flags %#x", e.handle, e.flags);
	ret = ioctl(P.sess, MEMOPT_IOC_EXPORT, &e) ? errno : 0;
	/* A read-only handle (imported from a read-only dma-buf) stays one. */
	if (b->rdonly && !(e.flags & MEMOPT_EXPORT_RDONLY))
		check(OP_EXPORT, ret, E(EACCES));
	else
		check(OP_EXPORT, ret, OK | E(ENOMEM) | E(EMFILE) | E(ENFILE));
	if (ret)
		return;
	/* Others will read it from now on: the pattern stays. */
	b->frozen = true;
	m.tag = b->tag;
	m.size = b->size;
	m.rdonly = !!(e.flags & MEMOPT_EXPORT_RDONLY);
	m.from = getpid();
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &e.fd, sizeof(int));
	detail("send dma-buf fd %d size %zu", e.fd, b->size);
	ret = sendmsg(sp[0], &msg, MSG_DONTWAIT) < 0 ? errno : 0;
	check(OP_SEND, ret, OK | E(EAGAIN) | E(ENOBUFS) | E(ENOMEM));
	if (ret)
		__atomic_fetch_add(&sh->send_full, 1, __ATOMIC_RELAXED);
	close(e.fd);
}

/* Map a received dma-buf itself, and find the sender's pattern. */
static void w_map_dmabuf(int fd, const struct share_msg *m)
{
	char *map;

	detail("mmap dma-buf fd %d size %llu", fd, (unsigned long long)m->size);
	map = mmap(NULL, m->size, PROT_READ, MAP_SHARED, fd, 0);
	check(OP_MAP_DMABUF, map == MAP_FAILED ? errno : 0, OK | E(ENOMEM));
	if (map == MAP_FAILED)
		return;
	verify_or_die(OP_MAP_DMABUF, map, m->size, m->tag, "a received dma-buf");
	munmap(map, m->size);
}

static void w_recv(void)
{
	struct share_msg m;
	struct iovec iov = { &m, sizeof(m) };
	union {
		struct cmsghdr c;
		char b[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b,
			      .msg_controllen = sizeof(u.b) };
	struct memopt_import im = {};
	struct cmsghdr *c;
	int ret, fd = -1;
	char *map;
	ssize_t n;

	detail("recv");
	n = recvmsg(sp[1], &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	ret = n < 0 ? errno : 0;
	check(OP_RECV, ret, OK | E(EAGAIN) | E(EMFILE) | E(ENOMEM));
	if (ret) {
		__atomic_fetch_add(&sh->recv_empty, ret == EAGAIN, __ATOMIC_RELAXED);
		return;
	}
	c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	if (n != sizeof(m) || m.magic != MSG_MAGIC || fd < 0 || (msg.msg_flags & MSG_CTRUNC))
		unexpected(OP_RECV, "message of %zd bytes, fd %d, flags %#x", n, fd, msg.msg_flags);
	if (chance(30))
		w_map_dmabuf(fd, &m);
	im.fd = fd;
	detail("import fd %d from %u size %llu", fd, m.from, (unsigned long long)m.size);
	ret = P.sess < 0 ? ENOENT : ioctl(P.sess, MEMOPT_IOC_IMPORT, &im) ? errno : 0;
	check(OP_IMPORT, ret, OK | E(ENOMEM) | E(EMFILE) | (P.sess < 0 ? E(ENOENT) : 0));
	close(fd);
	if (ret)
		return;
	if (im.size != m.size || !!(im.handle_flags & MEMOPT_HANDLE_RDONLY) != !!m.rdonly)
		unexpected(OP_IMPORT, "size %llu flags %#x, sent %llu rdonly %u",
			   (unsigned long long)im.size, im.handle_flags,
			   (unsigned long long)m.size, m.rdonly);
	map = mmap(NULL, im.size, PROT_READ, MAP_SHARED, P.sess, im.mmap_offset);
	if (map == MAP_FAILED) {
		check(OP_IMPORT, errno, E(ENOMEM));
		ioctl(P.sess, MEMOPT_IOC_FREE, &(struct memopt_free){ .handle = im.handle });
		return;
	}
	verify_or_die(OP_IMPORT, map, im.size, m.tag, "an imported buffer");
	if (P.nb < MAX_BUFS && P.held + im.size <= HELD_MAX && chance(30)) {
		/* Keep it: its owner may free it or die, we still hold it. */
		detail("keep imported handle %u", im.handle);
		w_add(map, im.size, im.handle, m.tag, true,
		      im.handle_flags & MEMOPT_HANDLE_RDONLY);
		check(OP_KEEP, 0, OK);
		return;
	}
	munmap(map, im.size);
	ret = ioctl(P.sess, MEMOPT_IOC_FREE, &(struct memopt_free){ .handle = im.handle }) ? errno : 0;
	check(OP_FREE, ret, OK);
}

/* Share through fork: the child sees the pattern, writes another. */
static void w_fork(void)
{
	struct wbuf *b;
	uint64_t tag2;
	pid_t pid;
	int st;

	if (!P.nb)
		return;
	b = &P.b[below(P.nb)];
	if (b->frozen)
		return;
	tag2 = rnd() | 1;
	detail("fork share %p size %zu", b->map, b->size);
	fflush(stderr);
	pid = fork();
	check(OP_FORK, pid < 0 ? errno : 0, OK | E(ENOMEM) | E(EAGAIN));
	if (pid < 0)
		return;
	if (!pid) {
		snprintf(P.label + strlen(P.label), sizeof(P.label) - strlen(P.label), ".f");
		verify_or_die(OP_FORK, b->map, b->size, b->tag, "the parent's buffer in a child");
		fill(b->map, b->size, tag2);
		_exit(0);
	}
	__atomic_fetch_add(&sh->forks, 1, __ATOMIC_RELAXED);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			unexpected(OP_FORK, "waitpid %d: %s", pid, strerror(errno));
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		unexpected(OP_FORK, "child %d ended with status %#x", pid, st);
	b->tag = tag2;
	verify_or_die(OP_FORK, b->map, b->size, b->tag, "the child's writes in the parent");
}

/* Close the session under its handles; the mappings keep the buffers. */
static void w_close(void)
{
	int i;

	detail("close session %d with %d buffers", P.sess, P.nb);
	if (P.sess >= 0)
		close(P.sess);
	for (i = 0; i < P.nb; i++)
		P.b[i].handle = 0;
	w_open();
}

static void w_teardown(void)
{
	P.op = -1;
	while (P.nb) {
		detail("teardown");
		w_free();
	}
	if (P.sess >= 0)
		close(P.sess);
}

typedef void (*op_fn)(void);

static const struct {
	op_fn fn;
	unsigned int weight;
} w_ops[] = {
	{ w_alloc, 30 }, { w_free, 18 }, { w_verify, 10 }, { w_send, 10 },
	{ w_recv, 12 }, { w_fork, 2 }, { w_close, 1 },
};

static void __attribute__((noreturn)) worker(int slot, unsigned int spawn)
{
	unsigned int total = 0, i, x;
	cpu_set_t cpus;

	snprintf(P.label, sizeof(P.label), "w%d.%u", slot, spawn);
	seed_stream(1, spawn);
	P.sess = -1;
	/* Alternate CPUs: allocations on one, frees and imports on the other. */
	CPU_ZERO(&cpus);
	CPU_SET(slot % ncpus, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
	w_open();
	for (i = 0; i < sizeof(w_ops) / sizeof(w_ops[0]); i++)
		total += w_ops[i].weight;
	for (P.op = 0; !stopping(); P.op++) {
		if (below(2000) == 0) {
			/* Go with everything held: the kernel cleans up. */
			__atomic_fetch_add(&sh->count[OP_EXIT], 1, __ATOMIC_RELAXED);
			__atomic_fetch_add(&sh->exited, 1, __ATOMIC_RELAXED);
			_exit(0);
		}
		P.detail[0] = 0;
		x = below(total);
		for (i = 0; x >= w_ops[i].weight; i++)
			x -= w_ops[i].weight;
		w_ops[i].fn();
	}
	w_teardown();
	_exit(0);
}

/* ------------------------------------------------------------------ */
/* netlink */

static struct genl_reply rep;

static int nl_open(void)
{
	struct timeval tv = { .tv_sec = 30 };
	int fd = genl_open();

	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* The reply's stats attribute @a, or 0. */
static uint64_t rep_stat(int a)
{
	struct nlattr *st[GENL_MAXATTR];

	if (!rep.tb[MEMOPT_A_POOL_STATS])
		return 0;
	genl_nested(rep.tb[MEMOPT_A_POOL_STATS], st);
	return genl_u64(st[a]);
}

static void record_id(uint32_t id)
{
	uint32_t n = __atomic_fetch_add(&sh->nids, 1, __ATOMIC_SEQ_CST);

	if (n < MAX_IDS)
		sh->ids[n] = id;
}

/* Create pool @slot; 0 or an errno. */
static int nl_pool_new(int nl, int slot)
{
	const struct pool_info *pi = &pools[slot];
	struct genl_req r;
	int ret;

	genl_req_init(&r, family, MEMOPT_CMD_POOL_NEW, 0);
	genl_put_str(&r, MEMOPT_A_POOL_NAME, pi->name);
	genl_put_u32(&r, MEMOPT_A_POOL_BLOCK_SIZE, pi->block);
	genl_put_u32(&r, MEMOPT_A_POOL_MIN, pi->min);
	genl_put_u32(&r, MEMOPT_A_POOL_MAX, pi->max);
	ret = -genl_do(nl, &r, &rep);
	if (!ret) {
		record_id(genl_u32(rep.tb[MEMOPT_A_POOL_ID]));
		__atomic_store_n(&sh->id[slot], genl_u32(rep.tb[MEMOPT_A_POOL_ID]), __ATOMIC_SEQ_CST);
	}
	return ret;
}

/* Destroy pool @id (by id, or by @name when id is 0); 0 or an errno. */
static int nl_pool_del(int nl, uint32_t id, const char *name)
{
	struct genl_req r;
	int ret;

	genl_req_init(&r, family, MEMOPT_CMD_POOL_DEL, 0);
	if (id)
		genl_put_u32(&r, MEMOPT_A_POOL_ID, id);
	else
		genl_put_str(&r, MEMOPT_A_POOL_NAME, name);
	ret = -genl_do(nl, &r, &rep);
	if (!ret)
		__atomic_fetch_add(&sh->shrinker_blocks, rep_stat(MEMOPT_A_STATS_SHRINKER_BLOCKS),
				   __ATOMIC_RELAXED);
	return ret;
}

/* Set @slot's min (and max, if not ~0); 0 or an errno. */
static int nl_pool_set(int nl, int slot, uint32_t min, uint32_t max)
{
	uint32_t id = __atomic_load_n(&sh->id[slot], __ATOMIC_SEQ_CST);
	struct genl_req r;

	/* Between its destroy and re-creation: as good as destroyed. */
	if (!id)
		return ENOENT;
	genl_req_init(&r, family, MEMOPT_CMD_POOL_SET, 0);
	genl_put_u32(&r, MEMOPT_A_POOL_ID, id);
	genl_put_u32(&r, MEMOPT_A_POOL_MIN, min);
	if (max != ~0U)
		genl_put_u32(&r, MEMOPT_A_POOL_MAX, max);
	return -genl_do(nl, &r, &rep);
}

/* The shrinker blocks of the listed stress pools, from one dump. */
static void shrunk_cb(struct nlattr **tb, void *arg)
{
	struct nlattr *st[GENL_MAXATTR];

	if (strncmp(genl_str(tb[MEMOPT_A_POOL_NAME]), "stress-", 7) || !tb[MEMOPT_A_POOL_STATS])
		return;
	genl_nested(tb[MEMOPT_A_POOL_STATS], st);
	*(uint64_t *)arg += genl_u64(st[MEMOPT_A_STATS_SHRINKER_BLOCKS]);
}

static uint64_t shrunk_now(int nl)
{
	struct genl_req r;
	uint64_t n = 0;

	genl_req_init(&r, family, MEMOPT_CMD_POOL_GET, 0);
	genl_dump(nl, &r, shrunk_cb, &n, NULL);
	return n + __atomic_load_n(&sh->shrinker_blocks, __ATOMIC_RELAXED);
}

static void __attribute__((noreturn)) resizer(void)
{
	const struct pool_info *pi;
	uint32_t min, max;
	int nl, slot, ret;

	snprintf(P.label, sizeof(P.label), "resizer");
	seed_stream(2, 0);
	nl = nl_open();
	for (P.op = 0; !stopping(); P.op++) {
		slot = below(NR_POOLS);
		pi = &pools[slot];
		min = below(pi->min_hi + 1);
		max = pi->max_lo ? pi->max_lo + below(pi->max_hi - pi->max_lo + 1) : ~0U;
		detail("set %s min %u max %d", pi->name, min, (int)max);
		ret = nl_pool_set(nl, slot, min, max);
		/* ENOENT: destroyed meanwhile; ENOMEM: the reserve, under the hog */
		check(OP_NL_SET, ret, OK | E(ENOENT) | E(ENOMEM));
		sleep_ms(10 + below(60));
	}
	_exit(0);
}

static void __attribute__((noreturn)) churner(void)
{
	int nl, slot, ret;
	uint32_t id;

	snprintf(P.label, sizeof(P.label), "churner");
	seed_stream(3, 0);
	nl = nl_open();
	for (P.op = 0; !stopping(); P.op++) {
		sleep_ms(200 + below(800));
		slot = below(NR_POOLS);
		id = __atomic_exchange_n(&sh->id[slot], 0, __ATOMIC_SEQ_CST);
		detail("del %s id %u", pools[slot].name, id);
		/* Nobody else destroys them: it must be there. */
		check(OP_NL_DEL, nl_pool_del(nl, id, pools[slot].name), OK);
		do {
			detail("new %s", pools[slot].name);
			ret = nl_pool_new(nl, slot);
			/* ENOMEM: the reserve, under the hog; try again */
			check(OP_NL_NEW, ret, OK | E(ENOMEM));
			if (ret)
				sleep_ms(50);
		} while (ret);
	}
	_exit(0);
}

/* ------------------------------------------------------------------ */
/* the memory hog */

/* A /proc/meminfo figure in bytes, or -1. */
static long meminfo(const char *key)
{
	char line[128];
	size_t len = strlen(key);
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ':') {
			v = strtol(line + len + 1, NULL, 10) * 1024;
			break;
		}
	fclose(f);
	return v;
}

/* The zones' watermark @which ("min", "low"), summed, in bytes. */
static long watermark(const char *which)
{
	char line[256], key[32];
	long v, sum = 0;
	FILE *f = fopen("/proc/zoneinfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " %31s %ld", key, &v) == 2 && !strcmp(key, which))
			sum += v;
	fclose(f);
	return sum * (long)PG;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), ret = 0;

	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		ret = -1;
	if (fd >= 0)
		close(fd);
	return ret;
}

static struct {
	char *chunk[HOG_MAX_CHUNKS];
	int n;
} hog;

/* Map and touch one more chunk; false when none could be had. */
static bool hog_push(void)
{
	char *p;

	if (hog.n == HOG_MAX_CHUNKS)
		return false;
	p = mmap(NULL, HOG_CHUNK, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_POPULATE, -1, 0);
	check(OP_HOG_PUSH, p == MAP_FAILED ? errno : 0, OK | E(ENOMEM));
	if (p == MAP_FAILED)
		return false;
	hog.chunk[hog.n++] = p;
	return true;
}

static void hog_pop(void)
{
	if (hog.n)
		munmap(hog.chunk[--hog.n], HOG_CHUNK);
}

/* Raise stress-cache's reserve, then lower it: cached slabs to shrink. */
static void hog_prime(int nl)
{
	int ret;

	detail("prime %s", pools[CACHE_POOL].name);
	ret = nl_pool_set(nl, CACHE_POOL, pools[CACHE_POOL].min_hi, ~0U);
	check(OP_PRIME, ret, OK | E(ENOENT) | E(ENOMEM));
	ret = nl_pool_set(nl, CACHE_POOL, 0, ~0U);
	check(OP_PRIME, ret, OK | E(ENOENT));
}

/* MemFree to push down to: below low (kswapd runs), well above min. */
static long hog_target(long minwm, long lowwm)
{
	long t = lowwm - HOG_BELOW_LOW;

	return t > minwm + (long)HOG_TARGET ? t : minwm + (long)HOG_TARGET;
}

static void __attribute__((noreturn)) hogger(void)
{
	long minwm = watermark("min"), lowwm = watermark("low"), target, backoff, free;
	uint64_t before, t;
	int nl, n;

	snprintf(P.label, sizeof(P.label), "hog");
	seed_stream(4, 0);
	/*
	 * Faulting in a gigabyte takes tens of seconds under TCG on the debug
	 * kernel when the hog has to share the CPUs with every worker.
	 */
	setpriority(PRIO_PROCESS, 0, -10);
	nl = nl_open();
	target = hog_target(minwm, lowwm);
	backoff = minwm + HOG_BACKOFF;
	fprintf(stderr, "# hog: watermarks min %ld MiB low %ld MiB; pushes MemFree down to %ld MiB\n",
		minwm / (long)MiB, lowwm / (long)MiB, target / (long)MiB);
	if (minwm < 0 || lowwm <= target)
		fprintf(stderr, "# hog: the low watermark is not above the target: kswapd may not run\n");
	__atomic_store_n(&sh->hog_minfree, ~0ULL, __ATOMIC_RELAXED);
	for (P.op = 0; !stopping(); P.op++) {
		hog_prime(nl);
		before = shrunk_now(nl);
		/* Push down to the target (however long that takes), then hold. */
		t = 0;
		while (!stopping() && (!t || now_ms() < t)) {
			/* The zones' min, boosted or not, is what the OOM killer minds. */
			minwm = watermark("min");
			target = hog_target(minwm, watermark("low"));
			backoff = minwm + HOG_BACKOFF;
			free = meminfo("MemFree");
			if ((uint64_t)free < __atomic_load_n(&sh->hog_minfree, __ATOMIC_RELAXED))
				__atomic_store_n(&sh->hog_minfree, free, __ATOMIC_RELAXED);
			if (free < backoff) {
				detail("back off at MemFree %ld MiB", free / (long)MiB);
				hog_pop();
				check(OP_HOG_BACKOFF, 0, OK);
			} else if (free > target + (long)HOG_CHUNK) {
				detail("push at MemFree %ld MiB", free / (long)MiB);
				if (hog_push()) {
					if ((uint64_t)hog.n * HOG_CHUNK > sh->hog_peak)
						sh->hog_peak = (uint64_t)hog.n * HOG_CHUNK;
					continue;
				}
			}
			if (!t) {
				t = now_ms() + 1000 + below(1500);
				__atomic_store_n(&sh->hog_ready, 1, __ATOMIC_SEQ_CST);
			}
			sleep_ms(50);
		}
		__atomic_fetch_add(&sh->hog_cycles, 1, __ATOMIC_RELAXED);
		if (shrunk_now(nl) > before)
			__atomic_fetch_add(&sh->hog_shrunk_cycles, 1, __ATOMIC_RELAXED);
		/* Let go of part of it (pushing it all again takes too long). */
		for (n = 4 + below(hog.n / 4 + 1); n > 0; n--)
			hog_pop();
		sleep_ms(200 + below(500));
	}
	while (hog.n)
		hog_pop();
	_exit(0);
}

/* ------------------------------------------------------------------ */
/* the coordinator */

enum role { R_NONE, R_WORKER, R_RESIZER, R_CHURNER, R_HOG };

static struct child {
	pid_t pid;
	enum role role;
	int slot;
	bool killed;
} kids[MAX_PROCS + 3];
static int nkids;
static unsigned int spawns;

static void spawn(enum role role, int slot)
{
	struct child *k = &kids[nkids];
	unsigned int n = spawns++;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		printf("# fork: %s\n", strerror(errno));
		__atomic_fetch_add(&sh->unexpected, 1, __ATOMIC_SEQ_CST);
		return;
	}
	if (!pid) {
		signal(SIGALRM, SIG_DFL);
		memset(&P, 0, sizeof(P));
		switch (role) {
		case R_WORKER: worker(slot, n);
		case R_RESIZER: resizer();
		case R_CHURNER: churner();
		default: hogger();
		}
	}
	*k = (struct child){ pid, role, slot, false };
	nkids++;
	if (role == R_WORKER)
		__atomic_fetch_add(&sh->spawned, 1, __ATOMIC_RELAXED);
}

static int bad_status;

/* Reap what ended; replace workers while the run lasts. */
static void reap(bool block)
{
	struct child k;
	int st, i;
	pid_t pid;

	while ((pid = waitpid(-1, &st, block ? 0 : WNOHANG)) > 0) {
		for (i = 0; i < nkids && kids[i].pid != pid; i++)
			;
		if (i == nkids) {
			/* A fork-share child whose worker was killed: ours now. */
			if (WIFEXITED(st) && !WEXITSTATUS(st))
				continue;
			k = (struct child){ pid, R_NONE, -1, false };
		} else {
			k = kids[i];
			kids[i] = kids[--nkids];
		}
		if (!(WIFEXITED(st) && !WEXITSTATUS(st)) &&
		    !(k.killed && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)) {
			/* Its own report is on stderr; SIGKILL of ours: the OOM killer? */
			bad_status++;
			printf("# process %d (%s) ended with %s %d\n", pid,
			       k.role == R_WORKER ? "worker" : k.role == R_NONE ? "orphan" : "helper",
			       WIFEXITED(st) ? "status" : "signal",
			       WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		}
		if (k.role == R_WORKER && !stopping())
			spawn(R_WORKER, k.slot);
	}
}

static void kill_one(void)
{
	int n = 0, i, pick;

	for (i = 0; i < nkids; i++)
		n += kids[i].role == R_WORKER && !kids[i].killed;
	if (!n)
		return;
	pick = below(n);
	for (i = 0; i < nkids; i++) {
		if (kids[i].role != R_WORKER || kids[i].killed || pick--)
			continue;
		/* Not reaped yet: the pid is still this child's. */
		kill(kids[i].pid, SIGKILL);
		kids[i].killed = true;
		__atomic_fetch_add(&sh->killed, 1, __ATOMIC_RELAXED);
		return;
	}
}

static int pools_create(int nl)
{
	int i, ret;

	for (i = 0; i < NR_POOLS; i++) {
		nl_pool_del(nl, 0, pools[i].name);	/* left by an earlier run */
		ret = nl_pool_new(nl, i);
		if (ret) {
			fprintf(stderr, "# creating pool %s: %s (%s)\n", pools[i].name,
				strerror(ret), rep.msg);
			return -1;
		}
	}
	__atomic_store_n(&sh->shrinker_blocks, 0, __ATOMIC_RELAXED);
	return 0;
}

static bool stress_id(uint32_t id)
{
	uint32_t i, n = sh->nids < MAX_IDS ? sh->nids : MAX_IDS;

	for (i = 0; i < n; i++)
		if (sh->ids[i] == id)
			return true;
	return false;
}

struct ledger_count {
	int bufs, procs, pools;
};

static void buf_cb(struct nlattr **tb, void *arg)
{
	struct ledger_count *l = arg;

	if (!stress_id(genl_u32(tb[MEMOPT_A_BUF_POOL_ID])))
		return;
	if (l->bufs++ < 5)
		printf("# left in the ledger: buffer %" PRIu64 " of pool %u, %" PRIu64
		       " bytes, owner %u (%s)%s\n", genl_u64(tb[MEMOPT_A_BUF_ID]),
		       genl_u32(tb[MEMOPT_A_BUF_POOL_ID]), genl_u64(tb[MEMOPT_A_BUF_SIZE]),
		       genl_u32(tb[MEMOPT_A_BUF_OWNER_PID]), genl_str(tb[MEMOPT_A_BUF_OWNER_COMM]),
		       tb[MEMOPT_A_BUF_OWNER_EXITED] ? ", exited" : "");
}

static void proc_cb(struct nlattr **tb, void *arg)
{
	struct ledger_count *l = arg;

	if (stress_id(genl_u32(tb[MEMOPT_A_PROC_POOL_ID])) && genl_u64(tb[MEMOPT_A_PROC_BUFFERS]))
		l->procs++;
}

static void pool_cb(struct nlattr **tb, void *arg)
{
	struct ledger_count *l = arg;

	if (!strncmp(genl_str(tb[MEMOPT_A_POOL_NAME]), "stress-", 7))
		l->pools++;
}

/* Buffers and processes with buffers of the stress pools; -1 on failure. */
static int ledger_count(int nl, struct ledger_count *l)
{
	struct genl_req r;

	memset(l, 0, sizeof(*l));
	genl_req_init(&r, family, MEMOPT_CMD_BUF_GET, 0);
	if (genl_dump(nl, &r, buf_cb, l, NULL) < 0)
		return -1;
	genl_req_init(&r, family, MEMOPT_CMD_PROC_GET, 0);
	if (genl_dump(nl, &r, proc_cb, l, NULL) < 0)
		return -1;
	genl_req_init(&r, family, MEMOPT_CMD_POOL_GET, 0);
	return genl_dump(nl, &r, pool_cb, l, NULL) < 0 ? -1 : 0;
}

static void drain_socketpair(void)
{
	prog_drain_close(sp[0]);
	prog_drain_close(sp[1]);
}

static void usage(int rc)
{
	fprintf(rc ? stderr : stdout,
		"Usage: stress [--seconds S] [--procs P] [--seed N] [--no-hog] [--verbose]\n"
		"              [--timeout SECONDS]\n"
		"P workers allocate, map, share, free, exit and are killed for S seconds\n"
		"(default 60 s, 8 workers) while pools are resized, destroyed and re-created\n"
		"over netlink and a memory hog makes reclaim run memopt's shrinker; then every\n"
		"counter must be back to 0. Prints TAP and a summary line.\n");
	exit(rc);
}

static void parse(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "seconds", required_argument, NULL, 'S' }, { "procs", required_argument, NULL, 'p' },
		{ "seed", required_argument, NULL, 's' }, { "no-hog", no_argument, NULL, 'H' },
		{ "verbose", no_argument, NULL, 'v' }, { "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' }, {}
	};
	bool seeded = false;
	int c;

	while ((c = getopt_long(argc, argv, "S:p:s:Hvt:h", lo, NULL)) != -1) {
		switch (c) {
		case 'S': opt.seconds = atoi(optarg); break;
		case 'p': opt.procs = atoi(optarg); break;
		case 's': opt.seed = strtoull(optarg, NULL, 0); seeded = true; break;
		case 'H': opt.hog = false; break;
		case 'v': opt.verbose = true; break;
		case 't': opt.timeout = atoi(optarg); break;
		case 'h': usage(0); break;
		default: usage(2);
		}
	}
	if (optind != argc || opt.seconds < 1 || opt.procs < 1 || opt.procs > MAX_PROCS)
		usage(2);
	if (!opt.timeout)
		opt.timeout = 2 * opt.seconds + 300;
	if (!seeded) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		opt.seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ getpid();
	}
}

static void on_alarm(int sig)
{
	(void)sig;
	if (write(2, "# timeout: killing every process\n", 33) < 0)
		_exit(1);
	kill(0, SIGKILL);
	_exit(1);
}

/*
 * While the hog runs: kswapd wakes (the low watermark) 30% of memory above
 * the min watermark instead of 0.1%, so that the hog can make reclaim run
 * without coming near min, nor having to fault in all of memory first; and no watermark boost, which raises min by up
 * to 150% of the high watermark after fragmenting allocations (memopt's
 * slabs' high orders), as high as the hog's target, OOM included.
 */
static struct vm_sysctl {
	const char *path;
	char saved[16];
} vm_sysctls[2] = { { WSF, "" }, { WBF, "" } };

static void sysctl_set(struct vm_sysctl *v, const char *val)
{
	int fd = open(v->path, O_RDONLY), n;

	n = fd < 0 ? -1 : read(fd, v->saved, sizeof(v->saved) - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0 || write_file(v->path, val)) {
		printf("# cannot set %s to %s\n", v->path, val);
		v->saved[0] = 0;
		return;
	}
	v->saved[n] = 0;
}

/* Run everything for the time asked; then stop and reap it all. */
static void run(void)
{
	uint64_t end = now_ms() + opt.seconds * 1000ULL, next_kill, t;
	int i;

	if (opt.hog) {
		sysctl_set(&vm_sysctls[0], "3000");
		sysctl_set(&vm_sysctls[1], "0");
		spawn(R_HOG, -1);
		/*
		 * Let the hog reach its target first, alone: faulting in a
		 * gigabyte takes long under TCG, longer when shared with the
		 * workers, and a short run would end before it got there.
		 */
		t = now_ms();
		while (!__atomic_load_n(&sh->hog_ready, __ATOMIC_SEQ_CST) && now_ms() < t + 180000) {
			reap(false);
			sleep_ms(50);
		}
		printf("# hog at its target after %.1f s; the workers start\n", (now_ms() - t) / 1000.0);
		end = now_ms() + opt.seconds * 1000ULL;
	}
	spawn(R_RESIZER, -1);
	spawn(R_CHURNER, -1);
	for (i = 0; i < opt.procs; i++)
		spawn(R_WORKER, i);
	seed_stream(0, 0);
	next_kill = now_ms() + 100 + below(600);
	while (now_ms() < end) {
		reap(false);
		if (now_ms() >= next_kill) {
			kill_one();
			next_kill = now_ms() + 100 + below(600);
		}
		sleep_ms(10);
	}
	__atomic_store_n(&sh->stop, 1, __ATOMIC_SEQ_CST);
	reap(true);
	for (i = 0; i < 2; i++)
		if (vm_sysctls[i].saved[0])
			write_file(vm_sysctls[i].path, vm_sysctls[i].saved);
}

static void summary(double secs)
{
	uint64_t total = 0;
	int i;

	for (i = 0; i < OP__CNT; i++)
		total += sh->count[i];
	printf("# summary: %.0f s, %d workers on %d CPUs, seed %" PRIu64 ": %" PRIu64 " operations (",
	       secs, opt.procs, ncpus, opt.seed, total);
	for (i = 0; i < OP__CNT; i++)
		if (sh->count[i])
			printf("%s%s %" PRIu64, i ? ", " : "", op_name[i], sh->count[i]);
	printf("); workers spawned %" PRIu64 ", killed %" PRIu64 ", exited early %" PRIu64
	       ", fork shares %" PRIu64 "; netlink resizes %" PRIu64 ", destroys %" PRIu64
	       ", creates %" PRIu64 "; shrinker blocks %" PRIu64 " (hog cycles %" PRIu64
	       ", %" PRIu64 " with shrinking, peak %" PRIu64 " MiB, MemFree low %" PRIu64
	       " MiB); errors:", sh->spawned, sh->killed, sh->exited, sh->forks,
	       sh->count[OP_NL_SET], sh->count[OP_NL_DEL], sh->count[OP_NL_NEW],
	       sh->shrinker_blocks, sh->hog_cycles, sh->hog_shrunk_cycles, sh->hog_peak / MiB,
	       sh->hog_cycles ? sh->hog_minfree / MiB : 0);
	for (i = 1; i < 128; i++)
		if (sh->errs[i])
			printf(" %s %" PRIu64, prog_errname(i), sh->errs[i]);
	printf("; sends refused (queue full) %" PRIu64 "; unexpected %" PRIu64 "\n",
	       sh->send_full, sh->unexpected);
}

int main(int argc, char **argv)
{
	struct genl_family_info info;
	struct sigaction sa = {};
	struct ledger_count lc = {};
	bool used_ok = false, ledger_ok, gone_ok = true;
	uint64_t t0;
	long used[NR_POOLS];
	int nl, i, j;

	parse(argc, argv);
	setpgid(0, 0);	/* the timeout kills this group, not the caller's */
	setvbuf(stdout, NULL, _IOLBF, 0);
	ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	printf("TAP version 13\n1..6\n");
	printf("# stress --seconds %d --procs %d --seed %" PRIu64 "%s (%d CPUs online)\n",
	       opt.seconds, opt.procs, opt.seed, opt.hog ? "" : " --no-hog", ncpus);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 1;
	if (access(DEV, F_OK)) {
		printf("ok 1 # SKIP %s: %s\n", DEV, strerror(errno));
		for (i = 2; i <= 6; i++)
			printf("ok %d # SKIP\n", i);
		return 0;
	}
	nl = nl_open();
	if (nl < 0 || genl_resolve(nl, MEMOPT_GENL_NAME, &info)) {
		printf("Bail out! no memopt netlink family\n");
		return 1;
	}
	family = info.id;
	if (pools_create(nl)) {
		printf("Bail out! cannot create the stress pools\n");
		return 1;
	}
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sp)) {
		printf("Bail out! socketpair: %s\n", strerror(errno));
		return 1;
	}
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, on_alarm);
	alarm(opt.timeout);
	t0 = now_ms();
	run();
	alarm(0);
	drain_socketpair();
	summary((now_ms() - t0) / 1000.0);
	printf("%s 1 stress: %" PRIu64 " unexpected results (seed %" PRIu64 ")\n",
	       sh->unexpected ? "not ok" : "ok", sh->unexpected, opt.seed);
	printf("%s 2 every process ended as expected\n", bad_status ? "not ok" : "ok");

	/* Deferred releases (unix gc, delayed fput) may take a moment. */
	for (i = 0; i < 100 && !used_ok; i++) {
		if (i)
			sleep_ms(100);
		used_ok = true;
		for (j = 0; j < NR_POOLS; j++) {
			struct genl_req r;

			genl_req_init(&r, family, MEMOPT_CMD_POOL_GET, 0);
			genl_put_u32(&r, MEMOPT_A_POOL_ID, sh->id[j]);
			used[j] = genl_do(nl, &r, &rep) ? -1 : (long)rep_stat(MEMOPT_A_STATS_BLOCKS_USED);
			used_ok &= used[j] == 0;
		}
	}
	for (i = 0; i < 100; i++) {
		ledger_ok = !ledger_count(nl, &lc) && !lc.bufs && !lc.procs;
		if (ledger_ok)
			break;
		sleep_ms(100);
	}
	printf("# pool used blocks:");
	for (i = 0; i < NR_POOLS; i++)
		printf(" %s %ld", pools[i].name, used[i]);
	printf("\n%s 3 the stress pools' used blocks are back to 0\n", used_ok ? "ok" : "not ok");
	printf("# ledger: %d buffers, %d processes holding buffers of the %u stress pools\n",
	       lc.bufs, lc.procs, sh->nids);
	printf("%s 4 the ledger holds no buffer of a stress pool\n", ledger_ok ? "ok" : "not ok");
	for (i = 0; i < NR_POOLS; i++) {
		j = nl_pool_del(nl, sh->id[i], pools[i].name);
		if (j || (rep.tb[MEMOPT_A_POOL_DYING] != NULL)) {
			printf("# destroying %s: %s%s\n", pools[i].name, strerror(j),
			       rep.tb[MEMOPT_A_POOL_DYING] ? " (dying: buffers hold it)" : "");
			gone_ok = false;
		}
	}
	gone_ok &= !ledger_count(nl, &lc) && !lc.pools;
	printf("%s 5 every stress pool destroyed, none left\n", gone_ok ? "ok" : "not ok");
	printf("# shrinker: %" PRIu64 " blocks given back under memory pressure\n",
	       sh->shrinker_blocks);
	if (!opt.hog)
		printf("ok 6 the shrinker gave blocks back # SKIP --no-hog\n");
	else
		printf("%s 6 the shrinker gave blocks back under the hog's pressure (%" PRIu64
		       " blocks)\n", sh->shrinker_blocks ? "ok" : "not ok", sh->shrinker_blocks);
	close(nl);
	return sh->unexpected || bad_status || !used_ok || !ledger_ok || !gone_ok ||
	       (opt.hog && !sh->shrinker_blocks);
}
