// SPDX-License-Identifier: GPL-2.0
/*
 * The cost of memopt's leak ledger on the allocation path: the same loops
 * with the module parameter "accounting" on and off, alternating, in one
 * boot. Prints one JSON object: per loop, the median ns per iteration in
 * each mode over the repetitions, and the median of the ratios on / off of
 * each back-to-back pair of runs (which cancels the drift of a TCG guest's
 * speed over seconds better than a ratio of medians).
 *
 * Loops: MEMOPT_IOC_ALLOC + MEMOPT_IOC_FREE of one block; and the user
 * cycle: alloc, mmap, first touch of every page, munmap, free.
 *
 * Usage: accounting POOL_NAME [ITERATIONS [REPETITIONS]]
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

#include "bench.h"

/* The prefix of common.c's messages (this program prints its own). */
const char *const bench_name = "accounting";

#define PARAM "/sys/module/memopt/parameters/accounting"

static int set_accounting(int on)
{
	int fd = open(PARAM, O_WRONLY);
	int ok;

	if (fd < 0)
		return -errno;
	ok = write(fd, on ? "Y" : "N", 1) == 1;
	close(fd);
	return ok ? 0 : -EIO;
}

/* The parameter's value before the run ('Y' unless read otherwise). */
static char accounting_was = 'Y';

static void read_accounting(void)
{
	int fd = open(PARAM, O_RDONLY);
	char c;

	if (fd < 0)
		return;
	if (read(fd, &c, 1) == 1 && (c == 'Y' || c == 'N'))
		accounting_was = c;
	close(fd);
}

/* atexit(): every exit, error or not, leaves the parameter as it was. */
static void restore_accounting(void)
{
	set_accounting(accounting_was == 'Y');
}

static int set_or_fail(int on)
{
	int ret = set_accounting(on);

	if (ret < 0)
		fprintf(stderr, "%s: %s\n", PARAM, strerror(-ret));
	return ret;
}

static int alloc_free(int fd, const struct memopt_pool_lookup *l, int cycle)
{
	struct memopt_alloc a = { .pool_id = l->pool_id, .size = l->block_size };
	struct memopt_free f = { 0 };
	volatile char *p;
	size_t i;

	if (ioctl(fd, MEMOPT_IOC_ALLOC, &a))
		return -errno;
	if (cycle) {
		p = mmap(NULL, a.size_actual, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			 a.mmap_offset);
		if (p == MAP_FAILED) {
			int err = -errno;

			f.handle = a.handle;
			ioctl(fd, MEMOPT_IOC_FREE, &f);
			return err;
		}
		for (i = 0; i < a.size_actual; i += 4096)
			p[i] = 1;
		munmap((void *)p, a.size_actual);
	}
	f.handle = a.handle;
	return ioctl(fd, MEMOPT_IOC_FREE, &f) ? -errno : 0;
}

/* ns per iteration of @n iterations. */
static double run(int fd, const struct memopt_pool_lookup *l, int cycle, int n)
{
	double t0 = now_ns();
	int i;

	for (i = 0; i < n; i++)
		if (alloc_free(fd, l, cycle)) {
			perror("memopt alloc/free");
			exit(1);
		}
	return (now_ns() - t0) / n;
}

int main(int argc, char **argv)
{
	struct memopt_pool_lookup l = { 0 };
	int n = argc > 2 ? atoi(argv[2]) : 2000, reps = argc > 3 ? atoi(argv[3]) : 9;
	static const char *const names[] = { "alloc_free", "user_cycle" };
	double on[256], off[256], ratio[256];
	int fd, cycle, r;

	if (argc < 2 || n < 1 || reps < 1 || reps > 256) {
		fprintf(stderr, "usage: %s POOL [ITERATIONS [REPETITIONS (1-256)]]\n", argv[0]);
		return 2;
	}
	fd = open("/dev/memopt", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "/dev/memopt: %s\n", strerror(errno));
		return 1;
	}
	snprintf(l.name, sizeof(l.name), "%s", argv[1]);
	if (ioctl(fd, MEMOPT_IOC_POOL_LOOKUP, &l)) {
		fprintf(stderr, "pool %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	read_accounting();
	atexit(restore_accounting);
	printf("{\"block_size\":%u,\"iterations\":%d,\"repetitions\":%d", l.block_size, n, reps);
	for (cycle = 0; cycle < 2; cycle++) {
		run(fd, &l, cycle, n / 4 + 1);	/* warm the magazines */
		for (r = 0; r < reps; r++) {
			/* Alternate which mode goes first, against drift. */
			if (set_or_fail(r % 2) < 0)
				return 1;
			(r % 2 ? on : off)[r] = run(fd, &l, cycle, n);
			if (set_or_fail(!(r % 2)) < 0)
				return 1;
			(r % 2 ? off : on)[r] = run(fd, &l, cycle, n);
			ratio[r] = on[r] / off[r];
		}
		printf(",\"%s\":{\"on_ns\":%.0f,\"off_ns\":%.0f,\"ratio\":%.4f}", names[cycle],
		       median(on, reps), median(off, reps), median(ratio, reps));
	}
	printf("}\n");
	return 0;	/* restore_accounting() puts the parameter back */
}
