// SPDX-License-Identifier: GPL-2.0
/*
 * The user cycle: what it costs a program to get a fresh buffer, map it,
 * touch each of its pages once and give it back, with memopt and with the
 * other ways Linux has to get memory (shareable, and private as the floor):
 *
 *   memopt    MEMOPT_IOC_ALLOC from a pool, mmap at mmap_offset, MEMOPT_IOC_FREE
 *   memfd     memfd_create, ftruncate, mmap, close
 *   dma-heap  DMA_HEAP_IOCTL_ALLOC on /dev/dma_heap/system, mmap the dma-buf
 *   udmabuf   a memfd sealed against shrinking, made a dma-buf by
 *             UDMABUF_CREATE on /dev/udmabuf; mmap the dma-buf
 *   anon      mmap(MAP_PRIVATE | MAP_ANONYMOUS)
 *
 * One iteration: allocate, mmap (MAP_SHARED, read-write; anon: private),
 * write one byte in every 4 KiB page, munmap, free or close.
 *
 * Method: for each size every peer warms up, then each of R repetitions
 * runs N iterations of every peer, the peers' order rotated from one
 * repetition to the next so that drift of the machine's speed (a TCG
 * guest's above all) hits all peers alike. Prints one JSON object: per size
 * and peer the median, min and max over the repetitions of ns per
 * iteration, and for each other peer "speedup", the median over the
 * repetitions of peer_ns / memopt_ns of the same repetition (>1: memopt is
 * faster). A peer whose device is missing is reported as {"skipped":
 * "reason"}; any other failure ends the program with status 1 and a
 * message naming the peer, the size and the error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/dma-heap.h>
#include <linux/memopt.h>
#include <linux/udmabuf.h>

#include "bench.h"

const char *const bench_name = "cycle";

struct peer {
	const char *name;
	const char *dev;	/* the device it needs, or NULL */
	int (*cycle)(struct peer *pe, int s, size_t size);
	int fd;			/* the open device */
	char why[128];		/* why it is skipped; "" when it runs */
	double ns[MAX_SIZES][MAX_REPS];
};

/* memopt: the pool of each size. */
static __u32 pool_id[MAX_SIZES];

/* The failed step of the last cycle and its errno, for the message. */
static const char *err_step;
static int err_no;

static int fail(const char *step)
{
	err_step = step;
	err_no = errno;
	return -1;
}

/* close(@fd), keeping the first error of @ret. */
static int close_keep(int fd, int ret)
{
	if (close(fd) && !ret)
		ret = fail("close");
	return ret;
}

static int map_touch(int fd, off_t off, size_t size, int flags)
{
	volatile char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, flags, fd, off);
	size_t i;

	if (p == MAP_FAILED)
		return fail("mmap");
	for (i = 0; i < size; i += PAGE)
		p[i] = 1;
	return munmap((void *)p, size) ? fail("munmap") : 0;
}

static int memopt_cycle(struct peer *pe, int s, size_t size)
{
	struct memopt_alloc a = { .pool_id = pool_id[s], .size = size };
	struct memopt_free f = { 0 };
	int ret;

	if (ioctl(pe->fd, MEMOPT_IOC_ALLOC, &a))
		return fail("MEMOPT_IOC_ALLOC");
	ret = map_touch(pe->fd, a.mmap_offset, size, MAP_SHARED);
	f.handle = a.handle;
	if (ioctl(pe->fd, MEMOPT_IOC_FREE, &f) && !ret)
		ret = fail("MEMOPT_IOC_FREE");
	return ret;
}

static int memfd_cycle(struct peer *pe, int s, size_t size)
{
	int fd = memfd_create("cycle", MFD_CLOEXEC);

	(void)pe;
	(void)s;
	if (fd < 0)
		return fail("memfd_create");
	return close_keep(fd, ftruncate(fd, size) ? fail("ftruncate") :
			      map_touch(fd, 0, size, MAP_SHARED));
}

static int dma_heap_cycle(struct peer *pe, int s, size_t size)
{
	struct dma_heap_allocation_data d = { .len = size, .fd_flags = O_RDWR | O_CLOEXEC };

	(void)s;
	if (ioctl(pe->fd, DMA_HEAP_IOCTL_ALLOC, &d))
		return fail("DMA_HEAP_IOCTL_ALLOC");
	return close_keep(d.fd, map_touch(d.fd, 0, size, MAP_SHARED));
}

/* A dma-buf of @memfd's pages, mapped and touched. */
static int udmabuf_map(int dev, int memfd, size_t size)
{
	struct udmabuf_create c = { .memfd = memfd, .flags = UDMABUF_FLAGS_CLOEXEC,
				    .size = size };
	int buf = ioctl(dev, UDMABUF_CREATE, &c);

	if (buf < 0)
		return fail("UDMABUF_CREATE");
	return close_keep(buf, map_touch(buf, 0, size, MAP_SHARED));
}

static int udmabuf_cycle(struct peer *pe, int s, size_t size)
{
	int memfd = memfd_create("cycle", MFD_CLOEXEC | MFD_ALLOW_SEALING), ret;

	(void)s;
	if (memfd < 0)
		return fail("memfd_create");
	if (ftruncate(memfd, size))
		ret = fail("ftruncate");
	else if (fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK))
		ret = fail("F_ADD_SEALS");
	else
		ret = udmabuf_map(pe->fd, memfd, size);
	return close_keep(memfd, ret);
}

static int anon_cycle(struct peer *pe, int s, size_t size)
{
	(void)pe;
	(void)s;
	return map_touch(-1, 0, size, MAP_PRIVATE | MAP_ANONYMOUS);
}

enum { P_MEMOPT, P_MEMFD, P_DMA_HEAP, P_UDMABUF, P_ANON, NPEERS };
static struct peer peers[NPEERS] = {
	{ "memopt", "/dev/memopt", memopt_cycle, -1, "", { { 0 } } },
	{ "memfd", NULL, memfd_cycle, -1, "", { { 0 } } },
	{ "dma-heap", "/dev/dma_heap/system", dma_heap_cycle, -1, "", { { 0 } } },
	{ "udmabuf", "/dev/udmabuf", udmabuf_cycle, -1, "", { { 0 } } },
	{ "anon", NULL, anon_cycle, -1, "", { { 0 } } },
};

/* The peers to run: all but for --peers. */
static int selected[NPEERS] = { 1, 1, 1, 1, 1 };

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: cycle [--pool-prefix P] [--sizes LIST] [--peers LIST] [--reps R]\n"
		"             [--iters N] [--smoke]\n"
		"Time allocate, mmap, touch every page, munmap, free per peer and size;\n"
		"print one JSON object.\n"
		"  --pool-prefix P  memopt takes SIZE-byte buffers from the pool named P<SIZE>,\n"
		"                   SIZE as 4k, 64k, 1m, 16m (default P: bench, so bench4k ...);\n"
		"                   create them first; a pool's block size must divide SIZE\n"
		"                   (blocks are at most 4m): memoptctl pool create --name\n"
		"                   bench16m --size 4m --max 8\n"
		"  --sizes LIST     buffer sizes, multiples of 4k (default 4k,64k,1m,16m)\n"
		"  --peers LIST     some of memopt,memfd,dma-heap,udmabuf,anon (default all)\n"
		"  --reps R         repetitions, 1-%d (default 9)\n"
		"  --iters N        iterations per repetition at 4k (default 2000); a size of\n"
		"                   P pages runs max(N*5/(4+P), N/400, 1) (2000: 500 at 64k,\n"
		"                   38 at 1m, 5 at 16m)\n"
		"  --smoke          2 repetitions of a few iterations: check that it all runs\n",
		MAX_REPS);
}

static const char *peer_name(int i)
{
	return peers[i].name;
}

static const struct bench_cli cli = {
	.usage = usage, .npeers = NPEERS, .peer_name = peer_name, .selected = selected,
};

/* Open @pe's device; a missing device skips the peer. */
static void open_peer(struct peer *pe)
{
	if (!pe->dev)
		return;
	pe->fd = open(pe->dev, O_RDWR | O_CLOEXEC);
	if (pe->fd >= 0)
		return;
	if (errno != ENOENT && errno != ENODEV && errno != ENXIO)
		die("%s: %s: %s", pe->name, pe->dev, strerror(errno));
	snprintf(pe->why, sizeof(pe->why), "%s: %s", pe->dev, strerror(errno));
}

/* ns per iteration of @n cycles. */
static double run(struct peer *pe, int s, size_t size, long n)
{
	double t0 = now_ns();
	long i;

	for (i = 0; i < n; i++)
		if (pe->cycle(pe, s, size))
			die("%s, %zu bytes: %s: %s", pe->name, size, err_step, strerror(err_no));
	return (now_ns() - t0) / n;
}

/*
 * Size @s: a warm-up, then the repetitions, the peers' order rotated. Its
 * iterations: @o->base at 4 KiB, fewer for bigger sizes, as the cost of an
 * iteration grows with its pages: with the default 2000, 500 at 64k, 38 at
 * 1m, 5 at 16m (0.1 to 0.5 s per peer and repetition under TCG).
 */
static void bench_size(struct bench_opts *o, int s, struct peer **act, int nact)
{
	size_t size = o->sizes[s];
	long n = o->iters[s] = iters_for(o->base, size, 4, 400);
	int r, j;

	for (j = 0; j < nact; j++)
		run(act[j], s, size, n / 4 + 1);
	for (r = 0; r < o->reps; r++)
		for (j = 0; j < nact; j++)
			act[(r + j) % nact]->ns[s][r] = run(act[(r + j) % nact], s, size, n);
}

static void print_peer(const struct bench_opts *o, struct peer *pe, int s)
{
	const struct peer *m = &peers[P_MEMOPT];
	double v[MAX_REPS], ratio[MAX_REPS];
	int r;

	printf("\"%s\":", pe->name);
	if (pe->why[0]) {
		printf("{\"skipped\":\"%s\"}", pe->why);
		return;
	}
	memcpy(v, pe->ns[s], sizeof(double) * o->reps);
	printf("{\"median_ns\":%.0f", median(v, o->reps));
	printf(",\"min_ns\":%.0f,\"max_ns\":%.0f", v[0], v[o->reps - 1]);
	if (pe == m) {
		printf("}");
		return;
	}
	if (!selected[P_MEMOPT] || m->why[0]) {
		printf(",\"speedup\":null}");
		return;
	}
	for (r = 0; r < o->reps; r++)
		ratio[r] = pe->ns[s][r] / m->ns[s][r];
	printf(",\"speedup\":%.4f}", median(ratio, o->reps));
}

static void print_json(const struct bench_opts *o)
{
	int s, i, first;

	printf("{\"bench\":\"cycle\",\"reps\":%d,\"pool_prefix\":\"%s\",\"sizes\":[",
	       o->reps, o->prefix);
	for (s = 0; s < o->nsizes; s++) {
		printf("%s{\"size\":%zu,\"iters\":%ld,\"peers\":{", s ? "," : "",
		       o->sizes[s], o->iters[s]);
		for (i = 0, first = 1; i < NPEERS; i++) {
			if (!selected[i])
				continue;
			printf("%s", first ? "" : ",");
			print_peer(o, &peers[i], s);
			first = 0;
		}
		printf("}}");
	}
	printf("]}\n");
}

int main(int argc, char **argv)
{
	struct bench_opts o = { .prefix = "bench", .reps = 9, .base = 2000 };
	struct peer *act[NPEERS];
	int i, s, nact = 0;

	bench_parse_args(&o, &cli, argc, argv);
	for (i = 0; i < NPEERS; i++) {
		if (!selected[i])
			continue;
		open_peer(&peers[i]);
		if (!peers[i].why[0])
			act[nact++] = &peers[i];
	}
	if (peers[P_MEMOPT].fd >= 0)
		lookup_pools(peers[P_MEMOPT].fd, &o, pool_id);
	for (s = 0; s < o.nsizes; s++)
		bench_size(&o, s, act, nact);
	print_json(&o);
	for (i = 0; i < NPEERS; i++)
		if (peers[i].fd >= 0 && close(peers[i].fd))
			die("%s: close: %s", peers[i].name, strerror(errno));
	return 0;
}
