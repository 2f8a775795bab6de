// SPDX-License-Identifier: GPL-2.0
/*
 * memopt-hold: a process that holds memopt buffers, for the CLI's guest
 * tests (scripts/guest/cli-ledger.sh).
 *
 * memopt-hold [options] POOL
 *   --size BYTES      bytes per buffer (default 4096)
 *   --count N         buffers to allocate at start (default 1)
 *   --label LABEL     label every buffer
 *   --map             mmap every buffer (a mapping holder)
 *   --export          export every buffer as a dma-buf, and keep the fd
 *   --import          import that dma-buf into a second session (a second handle)
 *   --fork            fork a child that shares everything (its own mappings)
 *   --orphan          export, fork a child that keeps only the dma-bufs, exit:
 *                     the buffers outlive their owner
 *   --grow MS         allocate one more buffer every MS milliseconds
 *   --churn MS        every MS milliseconds, free the oldest buffer and allocate one
 *   --hold SECONDS    then exit (default: until SIGTERM or SIGINT)
 *
 * Prints "buf ID handle H size BYTES" per buffer, then "ready PID" (with
 * " child PID" after --fork or --orphan), flushed, so that a test can wait
 * for it. Exits 0, or 1 with a message when an ioctl fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/memopt.h>

#define MAX_BUFS 4096

static struct {
	unsigned long size, count, grow_ms, churn_ms;
	double hold;
	const char *label;
	bool map, export, import, fork, orphan;
} o = { .size = 4096, .count = 1, .hold = -1 };

static int fd, fd2, pool_id;
static struct memopt_alloc bufs[MAX_BUFS];
static int dmabufs[MAX_BUFS];
/* live: bufs[first..nbufs), indexed modulo MAX_BUFS (--churn goes round) */
static unsigned long nbufs, first;
static volatile sig_atomic_t stop;

static void die(const char *what)
{
	fprintf(stderr, "memopt-hold: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

/* The buffer's id, the one the ledger shows, from MEMOPT_IOC_INFO. */
static unsigned long long buf_id(struct memopt_alloc *a)
{
	struct memopt_info in = { .handle = a->handle };

	if (ioctl(fd, MEMOPT_IOC_INFO, &in))
		die("MEMOPT_IOC_INFO");
	return in.buf_id;
}

static void alloc_one(void)
{
	struct memopt_alloc *a = &bufs[nbufs % MAX_BUFS];
	struct memopt_set_label l = { 0 };

	if (nbufs - first == MAX_BUFS)
		die("too many buffers");
	memset(a, 0, sizeof(*a));
	a->pool_id = pool_id;
	a->size = o.size;
	if (ioctl(fd, MEMOPT_IOC_ALLOC, a))
		die("MEMOPT_IOC_ALLOC");
	if (o.label) {
		l.handle = a->handle;
		snprintf(l.label, sizeof(l.label), "%s", o.label);
		if (ioctl(fd, MEMOPT_IOC_SET_LABEL, &l))
			die("MEMOPT_IOC_SET_LABEL");
	}
	printf("buf %llu handle %u size %llu\n", buf_id(a), a->handle,
	       (unsigned long long)a->size_actual);
	nbufs++;
}

static void share_one(unsigned long i)
{
	struct memopt_alloc *a = &bufs[i];
	struct memopt_export e = { .handle = a->handle };
	struct memopt_import im = { 0 };

	if (o.map && mmap(NULL, a->size_actual, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			  a->mmap_offset) == MAP_FAILED)
		die("mmap");
	if (!o.export)
		return;
	if (ioctl(fd, MEMOPT_IOC_EXPORT, &e))
		die("MEMOPT_IOC_EXPORT");
	dmabufs[i] = e.fd;
	im.fd = e.fd;
	if (o.import && ioctl(fd2, MEMOPT_IOC_IMPORT, &im))
		die("MEMOPT_IOC_IMPORT");
}

static void free_oldest(void)
{
	struct memopt_free f = { .handle = bufs[first % MAX_BUFS].handle };

	if (ioctl(fd, MEMOPT_IOC_FREE, &f))
		die("MEMOPT_IOC_FREE");
	first++;
}

static void sleep_ms(unsigned long ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* Hold (growing or churning) until the hold time ends or a signal comes. */
static void hold(void)
{
	unsigned long step = o.grow_ms ? o.grow_ms : o.churn_ms ? o.churn_ms : 100;
	double waited = 0;

	while (!stop && (o.hold < 0 || waited < o.hold)) {
		sleep_ms(step);
		waited += step / 1000.0;
		if (o.churn_ms && !stop)
			free_oldest();
		if ((o.grow_ms || o.churn_ms) && !stop)
			alloc_one();
	}
}

static int lookup(const char *name)
{
	struct memopt_pool_lookup l = { 0 };

	snprintf(l.name, sizeof(l.name), "%s", name);
	if (ioctl(fd, MEMOPT_IOC_POOL_LOOKUP, &l))
		die("MEMOPT_IOC_POOL_LOOKUP");
	return (int)l.pool_id;
}

/* --orphan: a child keeps only the dma-bufs; the owner goes. */
static void orphan(void)
{
	pid_t child;

	fflush(stdout);
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		close(fd);
		close(fd2);
		hold();
		exit(0);
	}
	printf("ready %d child %d\n", (int)getpid(), (int)child);
	fflush(stdout);
	exit(0);
}

/* A whole unsigned number in C notation (decimal, 0x hex, 0 octal). */
static bool number(const char *s)
{
	char *end;

	errno = 0;
	strtoull(s, &end, 0);
	return *s && *s != '-' && !*end && !errno;
}

static const char *option_name(const struct option *o, int c)
{
	for (; o->name; o++)
		if (o->val == c)
			return o->name;
	return "?";
}

static void parse(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "size", 1, NULL, 's' }, { "count", 1, NULL, 'n' }, { "label", 1, NULL, 'l' },
		{ "map", 0, NULL, 'm' }, { "export", 0, NULL, 'e' }, { "import", 0, NULL, 'i' },
		{ "fork", 0, NULL, 'f' }, { "orphan", 0, NULL, 'o' }, { "grow", 1, NULL, 'g' },
		{ "churn", 1, NULL, 'c' }, { "hold", 1, NULL, 'h' }, { NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		if (optarg && c != 'l' && !number(optarg)) {
			fprintf(stderr, "memopt-hold: --%s: \"%s\" is not a number\n",
				option_name(lopts, c), optarg);
			exit(2);
		}
		switch (c) {
		case 's':
			o.size = strtoul(optarg, NULL, 0);
			break;
		case 'n':
			o.count = strtoul(optarg, NULL, 0);
			break;
		case 'l':
			o.label = optarg;
			break;
		case 'm':
			o.map = true;
			break;
		case 'e':
			o.export = true;
			break;
		case 'i':
			o.import = o.export = true;
			break;
		case 'f':
			o.fork = true;
			break;
		case 'o':
			o.orphan = o.export = true;
			break;
		case 'g':
			o.grow_ms = strtoul(optarg, NULL, 0);
			break;
		case 'c':
			o.churn_ms = strtoul(optarg, NULL, 0);
			break;
		case 'h':
			o.hold = strtod(optarg, NULL);
			break;
		default:
			exit(2);
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: memopt-hold [options] POOL\n");
		exit(2);
	}
}

int main(int argc, char **argv)
{
	unsigned long i;
	pid_t child = 0;

	parse(argc, argv);
	signal(SIGTERM, on_stop);
	signal(SIGINT, on_stop);
	fd = open("/dev/memopt", O_RDWR | O_CLOEXEC);
	fd2 = open("/dev/memopt", O_RDWR | O_CLOEXEC);
	if (fd < 0 || fd2 < 0)
		die("/dev/memopt");
	pool_id = lookup(argv[optind]);
	for (i = 0; i < o.count; i++) {
		alloc_one();
		share_one(i);
	}
	if (o.orphan)
		orphan();
	fflush(stdout);
	if (o.fork) {
		child = fork();
		if (child < 0)
			die("fork");
	}
	if (child == 0 && o.fork) {
		hold();
		return 0;
	}
	if (o.fork)
		printf("ready %d child %d\n", (int)getpid(), (int)child);
	else
		printf("ready %d\n", (int)getpid());
	fflush(stdout);
	hold();
	if (child > 0)
		kill(child, SIGTERM);
	return 0;
}
