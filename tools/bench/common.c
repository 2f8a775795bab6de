// SPDX-License-Identifier: GPL-2.0
/*
 * What the user-space benchmarks share: fatal messages, the clock, medians,
 * sizes and pool names, and the command line of cycle and handoff. See
 * bench.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <linux/memopt.h>

#include "bench.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_OWN		4	/* a program's own options, at most */

void (*die_where)(FILE *f);
int die_in_child;

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s: ", bench_name);
	if (die_where)
		die_where(stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	if (die_in_child)
		_exit(1);
	exit(1);
}

void syserr(const char *what)
{
	die("%s: %s", what, strerror(errno));
}

double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void size_label(char *buf, size_t len, size_t size)
{
	static const char units[] = "kmgt";
	int u = -1;

	while (u < 3 && size % 1024 == 0) {
		size /= 1024;
		u++;
	}
	snprintf(buf, len, "%zu%c", size, units[u]);
}

size_t parse_size(const char *s)
{
	static const char units[] = "kmg";
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	const char *u = strchr(units, *end | 0x20);

	if (*end && u) {
		v <<= 10 * (u - units + 1);
		end++;
	}
	return end == s || *end || *s == '-' || !v || v % PAGE ? 0 : v;
}

long iters_for(long base, size_t size, long fixed, long floor_div)
{
	long n = base * (fixed + 1) / (fixed + (long)(size / PAGE));

	n = n > base / floor_div ? n : base / floor_div;
	return n > 1 ? n : 1;
}

/* --sizes: a comma-separated list of at most MAX_SIZES sizes. */
static void parse_sizes(struct bench_opts *o, char *list)
{
	char *t;

	for (o->nsizes = 0; (t = strtok(list, ",")); list = NULL) {
		if (o->nsizes < MAX_SIZES)
			o->sizes[o->nsizes] = parse_size(t);
		if (o->nsizes == MAX_SIZES || !o->sizes[o->nsizes++]) {
			fprintf(stderr, "%s: bad --sizes %s (at most %d multiples of 4k)\n",
				bench_name, t, MAX_SIZES);
			exit(2);
		}
	}
}

/* --peers: a comma-separated list of peers' names. */
static void parse_peers(const struct bench_cli *cli, char *list)
{
	char *t;
	int i;

	memset(cli->selected, 0, sizeof(*cli->selected) * cli->npeers);
	for (; (t = strtok(list, ",")); list = NULL) {
		for (i = 0; i < cli->npeers && strcmp(t, cli->peer_name(i)); i++)
			;
		if (i == cli->npeers) {
			fprintf(stderr, "%s: unknown peer %s\n", bench_name, t);
			exit(2);
		}
		cli->selected[i] = 1;
	}
}

/* The shared options, in this order, with the program's own after --iters. */
static const struct option shared_head[] = {
	{ "pool-prefix", required_argument, NULL, 'p' },
	{ "sizes", required_argument, NULL, 's' },
	{ "peers", required_argument, NULL, 'P' },
	{ "reps", required_argument, NULL, 'r' },
	{ "iters", required_argument, NULL, 'n' },
};

static const struct option shared_tail[] = {
	{ "smoke", no_argument, NULL, 'S' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Is @c the val of one of @cli's own options? */
static int is_own(const struct bench_cli *cli, int c)
{
	const struct option *p;

	for (p = cli->own; p && p->name; p++)
		if (p->val == c)
			return 1;
	return 0;
}

void bench_parse_args(struct bench_opts *o, const struct bench_cli *cli, int argc,
		      char **argv)
{
	struct option lo[ARRAY_SIZE(shared_head) + MAX_OWN + ARRAY_SIZE(shared_tail)];
	size_t head = ARRAY_SIZE(shared_head), own = 0;
	char def[] = "4k,64k,1m,16m";
	int c;

	while (cli->own && cli->own[own].name)
		own++;
	if (own > MAX_OWN)
		die("more than %d options of its own", MAX_OWN);
	memcpy(lo, shared_head, sizeof(shared_head));
	if (own)
		memcpy(lo + head, cli->own, sizeof(*lo) * own);
	memcpy(lo + head + own, shared_tail, sizeof(shared_tail));

	parse_sizes(o, def);
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'p':
			o->prefix = optarg;
			break;
		case 's':
			parse_sizes(o, optarg);
			break;
		case 'P':
			parse_peers(cli, optarg);
			break;
		case 'r':
			o->reps = atoi(optarg);
			break;
		case 'n':
			o->base = atol(optarg);
			break;
		case 'S':
			o->reps = 2;
			o->base = 10;
			break;
		case 'h':
			cli->usage(stdout);
			exit(0);
		default:
			if (is_own(cli, c)) {
				cli->own_option(c, optarg);
				break;
			}
			cli->usage(stderr);
			exit(2);
		}
	}
	if (optind < argc || o->reps < 1 || o->reps > MAX_REPS || o->base < 1 ||
	    strlen(o->prefix) + 8 > MEMOPT_POOL_NAME_SIZE) {
		cli->usage(stderr);
		exit(2);
	}
}

void lookup_pools(int fd, const struct bench_opts *o, __u32 *pool_id)
{
	struct memopt_pool_lookup l;
	char label[16];
	int s;

	for (s = 0; s < o->nsizes; s++) {
		memset(&l, 0, sizeof(l));
		size_label(label, sizeof(label), o->sizes[s]);
		snprintf(l.name, sizeof(l.name), "%s%s", o->prefix, label);
		if (ioctl(fd, MEMOPT_IOC_POOL_LOOKUP, &l))
			die("memopt: pool %s: %s (create the pools first: see --help)",
			    l.name, strerror(errno));
		if (o->sizes[s] % l.block_size)
			die("memopt: pool %s: block size %u does not divide %zu",
			    l.name, l.block_size, o->sizes[s]);
		pool_id[s] = l.pool_id;
	}
}
