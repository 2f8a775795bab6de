/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the user-space benchmarks (cycle, handoff, accounting) share, in
 * common.c: fatal messages, the clock, medians, and the command line that
 * cycle and handoff have in common (--pool-prefix, --sizes, --peers,
 * --reps, --iters, --smoke, --help) with the pools it names.
 *
 * Design: each program keeps what it measures and how it reports it; only
 * the plumbing that must behave and read the same in all of them is here.
 * A program takes part through data, not copies: it defines bench_name, the
 * prefix of every message, and, for the command line, passes a struct
 * bench_cli with its usage text, its peers' names and at most a few options
 * of its own. Messages stay "NAME: ..." on stderr; failures exit 1, usage
 * errors 2.
 */
#ifndef _MEMOPT_BENCH_H
#define _MEMOPT_BENCH_H

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>

#define PAGE		4096UL
#define MAX_SIZES	8
#define MAX_REPS	64

/* The program's name ("cycle"): each program defines it. */
extern const char *const bench_name;

/*
 * Set by a program whose messages need more context: called by die() after
 * "NAME: " and before the message (handoff: the run and which side of it).
 */
extern void (*die_where)(FILE *f);

/* Set in a forked child: die() ends it with _exit(), not exit(). */
extern int die_in_child;

/**
 * die() - print "NAME: " and a message on stderr, and exit with status 1
 * @fmt: printf() format of the message (no newline)
 *
 * Between the prefix and the message comes what die_where prints, if set.
 */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/**
 * syserr() - die() with @what and strerror(errno): "NAME: WHAT: ERROR"
 * @what: what failed (a call, a device)
 */
void syserr(const char *what) __attribute__((noreturn));

/**
 * now_ns() - CLOCK_MONOTONIC, in nanoseconds
 *
 * Return: the time, as a double (for differences).
 */
double now_ns(void);

/**
 * median() - the median of @n values
 * @v: the values; sorted, ascending, on return
 * @n: how many, at least 1
 *
 * Return: the middle value, or the mean of the two middle ones.
 */
double median(double *v, int n);

/**
 * size_label() - a size as a pool name suffix: "4k" for 4096, "16m" for 16 MiB
 * @buf: where to write it
 * @len: the size of @buf
 * @size: a multiple of 1024 bytes
 */
void size_label(char *buf, size_t len, size_t size);

/**
 * parse_size() - bytes, with an optional k, m or g (either case)
 * @s: the text
 *
 * Return: the size, or 0 unless it is a positive multiple of 4 KiB.
 */
size_t parse_size(const char *s);

/**
 * iters_for() - iterations for a size: fewer as the size grows
 * @base: the iterations at 4 KiB
 * @size: the buffer size, a multiple of 4 KiB
 * @fixed: the fixed cost of an iteration, in pages' worth of its per-page
 *	cost: an iteration of P pages costs as much as @fixed + P pages
 * @floor_div: never fewer than @base / @floor_div
 *
 * Return: @base * (@fixed + 1) / (@fixed + P), at least @base / @floor_div
 * and at least 1, so that every size takes about as long as 4 KiB.
 */
long iters_for(long base, size_t size, long fixed, long floor_div);

/**
 * struct bench_opts - the options that cycle and handoff share
 * @prefix: --pool-prefix: memopt's pool for SIZE is named @prefix<SIZE>
 * @sizes: --sizes: the buffer sizes, in bytes
 * @iters: iterations at each size (set by the program from @base)
 * @nsizes: how many @sizes
 * @reps: --reps: repetitions, 1 to %MAX_REPS
 * @base: --iters: iterations at 4 KiB
 */
struct bench_opts {
	const char *prefix;
	size_t sizes[MAX_SIZES];
	long iters[MAX_SIZES];
	int nsizes, reps;
	long base;
};

/**
 * struct bench_cli - what a program adds to the shared command line
 * @usage: prints the program's help text to the stream it is given
 * @npeers: how many peers (or modes) --peers chooses among
 * @peer_name: the name of peer @i, for @i from 0 to @npeers - 1
 * @selected: @npeers flags, set by --peers: 1 for each peer it names,
 *	0 for the others (untouched without --peers)
 * @own: the program's own options (at most 4), after --iters in the table:
 *	NULL, or ending with a zeroed entry; each with a NULL flag and a val
 *	no shared option has
 * @own_option: called with the val and optarg of each of @own given
 */
struct bench_cli {
	void (*usage)(FILE *f);
	int npeers;
	const char *(*peer_name)(int i);
	int *selected;
	const struct option *own;
	void (*own_option)(int val, const char *arg);
};

/**
 * bench_parse_args() - parse the command line
 * @o: the defaults on entry (but for @o->sizes: 4k,64k,1m,16m); the
 *	options on return
 * @cli: the program's part
 * @argc: main()'s
 * @argv: main()'s
 *
 * --help prints the usage on stdout and exits 0. A bad option, an operand,
 * @o->reps or @o->base out of range, or a prefix too long for a pool name
 * prints the usage on stderr and exits 2, as do a bad size and an unknown
 * peer with a message of their own. The program checks its own options'
 * values after it.
 */
void bench_parse_args(struct bench_opts *o, const struct bench_cli *cli, int argc,
		      char **argv);

/**
 * lookup_pools() - memopt's pool for each size of @o
 * @fd: /dev/memopt
 * @o: the sizes and the pool prefix
 * @pool_id: set to the id of the pool of each size
 *
 * Dies when a pool is missing or its block size does not divide the size.
 */
void lookup_pools(int fd, const struct bench_opts *o, __u32 *pool_id);

#endif /* _MEMOPT_BENCH_H */
