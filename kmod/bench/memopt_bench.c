// SPDX-License-Identifier: GPL-2.0
/*
 * memopt_bench: memopt's block pools against the kernel's own allocators,
 * measured once, when the module is loaded (make MEMOPT_BENCH=1 builds it).
 *
 * Each case allocates and frees blocks of 4 KiB, 64 KiB or 1 MiB (orders
 * 0, 4 and 8) from one of:
 *
 *   memopt      a memopt pool (memopt_pool_alloc/memopt_pool_free)
 *   kmem_cache  a slab cache of the block size, of its own (never merged)
 *   mempool     a mempool in front of such a cache
 *   pages       the page allocator (alloc_pages/__free_pages)
 *
 * in one of three ways:
 *
 *   warm   one block allocated and freed, N times in a row, after a
 *          warm-up pass that fills magazines, per-CPU slabs and lists
 *   cold   the first B blocks of a new pool, cache or mempool, allocated
 *          one at a time, then freed one at a time; a new one for every
 *          repetition (the page allocator has no instance to renew: its
 *          figures are B allocations in a row without a warm-up)
 *   batch  B blocks allocated, then the B freed, N times, after a warm-up
 *          batch: memopt in one call each way, the others in a loop
 *
 * first on one CPU, then on two at once: a kthread bound to each CPU, both
 * on the same instance, each timing its own loops with ktime_get_ns(),
 * released together at every repetition by a barrier. N is calibrated per
 * thread so that a repetition lasts about the target time; of R
 * repetitions the median is taken, in ns per block allocated and freed.
 * The allocators of one mode, size and number of CPUs run in 3 rounds, in
 * an order rotated each round; reported are the median over the rounds of
 * each one's figure and of the ratio memopt / peer within a round.
 *
 * Equal work: every case hands out zero-filled memory, as memopt does (it
 * clears blocks as they are freed). The slab cache and the page allocator
 * are asked for __GFP_ZERO (free of charge where init_on_alloc, Debian's
 * default, zeroes anyway); a mempool refuses __GFP_ZERO, so its elements
 * are cleared here unless init_on_alloc has done it.
 *
 * Output, one line each, "memopt_bench: " then a JSON object: first
 * {"config":{...}}, then one per case with "case" (warm, cold, batch),
 * "alloc", "size", "order", "cpus", "ns_op" (the slower CPU's median),
 * "ratio" (memopt's ns_op over this one's, peers only: below 1, memopt is
 * faster), "cpu", "iters" (per repetition), "cpu_ns_op" and, for cold and
 * batch, the alloc and free parts, "cpu_alloc_ns" and "cpu_free_ns"; then
 * {"summary":{...}} and last "memopt_bench: done cases=N". The module
 * stays loaded with nothing allocated, to be removed with rmmod; a failure
 * is logged with pr_err and fails the load. The CPUs it runs on must stay
 * online meanwhile.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mempool.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/seq_buf.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/utsname.h>

#include "compat.h"
#include "pool.h"

static bool quick;
module_param(quick, bool, 0444);
MODULE_PARM_DESC(quick, "Smoke run of a few seconds: fewer and shorter repetitions, B = 8");

/* B, the blocks of a cold run and of a batch. */
#define BENCH_BATCH		64
#define BENCH_QUICK_BATCH	8
/* R, the repetitions of each case (odd: the median is one of them). */
#define BENCH_REPS		7
#define BENCH_QUICK_REPS	3
/* Rounds of every allocator of a group, in rotated order (quick: 1). */
#define BENCH_ROUNDS		3
/* How long a repetition of a warm or batch case should last. */
#define BENCH_TARGET_NS		(10 * NSEC_PER_MSEC)
#define BENCH_QUICK_TARGET_NS	(1 * NSEC_PER_MSEC)
/* Warm-up of a warm case, in alloc+free pairs; a batch case does one batch. */
#define BENCH_WARMUP		64
#define BENCH_ITERS_MAX		1000000UL
/* Elements a mempool keeps in reserve, a few as drivers do. */
#define BENCH_MEMPOOL_MIN	4
#define BENCH_THREADS		2
#define BENCH_LINE_MAX		880

#define BENCH_GFP	(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN)

enum bench_alloc {
	BENCH_ALLOC_MEMOPT,
	BENCH_ALLOC_KMEM_CACHE,
	BENCH_ALLOC_MEMPOOL,
	BENCH_ALLOC_PAGES,
	BENCH_ALLOC_NR
};

enum bench_mode { BENCH_MODE_WARM, BENCH_MODE_COLD, BENCH_MODE_BATCH, BENCH_MODE_NR };
/* What each repetition records, in ps per block. */
enum bench_stat { BENCH_STAT_TOTAL, BENCH_STAT_ALLOC, BENCH_STAT_FREE, BENCH_STAT_NR };

static const char * const bench_alloc_names[BENCH_ALLOC_NR] = {
	[BENCH_ALLOC_MEMOPT] = "memopt",
	[BENCH_ALLOC_KMEM_CACHE] = "kmem_cache",
	[BENCH_ALLOC_MEMPOOL] = "mempool",
	[BENCH_ALLOC_PAGES] = "pages",
};

static const char * const bench_mode_names[BENCH_MODE_NR] = {
	[BENCH_MODE_WARM] = "warm",
	[BENCH_MODE_COLD] = "cold",
	[BENCH_MODE_BATCH] = "batch",
};

static const unsigned int bench_sizes[] = { SZ_4K, SZ_64K, SZ_1M };

/* Names new slab caches apart: sysfs wants one name per unmerged cache. */
static atomic_t bench_cache_seq = ATOMIC_INIT(0);

/**
 * struct bench_cfg - the settings of a whole run
 * @reps: R, repetitions of each case
 * @rounds: rounds of each group of cases (every allocator once a round)
 * @batch: B, blocks of a cold run and of a batch
 * @target_ns: how long a repetition of a warm or batch case should last
 * @nr_cpus: CPUs to run on, 1 or 2 (with 1, no two-CPU cases)
 * @cpus: those CPUs; the first runs the one-CPU cases
 */
struct bench_cfg {
	unsigned int reps;
	unsigned int rounds;
	unsigned int batch;
	u64 target_ns;
	unsigned int nr_cpus;
	unsigned int cpus[BENCH_THREADS];
};

/**
 * struct bench_inst - what a case allocates from
 * @kind: which allocator
 * @size: block size in bytes
 * @order: the page order of @size
 * @clear: mempool elements are cleared here (init_on_alloc is off)
 * @pool: the memopt pool, with the reference memopt_pool_create() gave
 * @cache: the slab cache (kmem_cache, mempool)
 * @mempool: the mempool
 */
struct bench_inst {
	enum bench_alloc kind;
	unsigned int size;
	unsigned int order;
	bool clear;
	struct memopt_pool *pool;
	struct kmem_cache *cache;
	mempool_t *mempool;
};

/**
 * struct bench_sample - the time one timed loop took
 * @total: ns of the whole loop
 * @alloc: ns of its allocations (cold and batch only)
 * @free: ns of its frees (cold and batch only)
 */
struct bench_sample {
	u64 total;
	u64 alloc;
	u64 free;
};

struct bench_run;

/**
 * struct bench_thread - one CPU's share of a case
 * @run: the case
 * @task: the kthread, with a reference for kthread_stop()
 * @cpu: the CPU it is bound to
 * @barriers: barriers it has passed
 * @iters: alloc+free pairs (warm), batches (batch) or blocks (cold) per
 *	repetition
 * @samples: ps per block of each repetition, per &enum bench_stat
 * @median: the medians of @samples
 * @blocks: memopt's blocks
 * @objs: the other allocators' objects (struct page * for the pages)
 */
struct bench_thread {
	struct bench_run *run;
	struct task_struct *task;
	unsigned int cpu;
	unsigned int barriers;
	unsigned long iters;
	u64 samples[BENCH_STAT_NR][BENCH_REPS];
	u64 median[BENCH_STAT_NR];
	struct memopt_block *blocks[BENCH_BATCH];
	void *objs[BENCH_BATCH];
};

/**
 * struct bench_run - one case: a mode, an allocator, a block size, CPUs
 * @cfg: the run's settings
 * @mode: warm, cold or batch
 * @inst: the shared instance; made per repetition by thread 0 when cold
 * @nr_threads: threads, one per CPU
 * @arrived: arrivals at barriers, of all threads, ever
 * @running: threads not yet done
 * @done: completed by the last thread done
 * @err: the first error, which stops all threads' measurements
 * @line: the result line being formatted
 * @threads: the threads
 */
struct bench_run {
	const struct bench_cfg *cfg;
	enum bench_mode mode;
	struct bench_inst inst;
	unsigned int nr_threads;
	atomic_t arrived;
	atomic_t running;
	struct completion done;
	int err;
	char line[BENCH_LINE_MAX];
	struct bench_thread threads[BENCH_THREADS];
};

/* Record the run's first error; the threads skip what is left. */
static void bench_fail(struct bench_run *run, int err)
{
	cmpxchg(&run->err, 0, err);
}

static bool bench_failed(struct bench_run *run)
{
	return READ_ONCE(run->err);
}

static int bench_cache_create(struct bench_inst *in)
{
	char name[32];

	snprintf(name, sizeof(name), "memopt_bench_%d", atomic_inc_return(&bench_cache_seq));
	in->cache = memopt_kmem_cache_create_unmerged(name, in->size);
	if (!in->cache) {
		pr_err("kmem_cache_create(%u bytes) failed\n", in->size);
		return -ENOMEM;
	}
	return 0;
}

/* Make @in's pool, cache or mempool; bench_inst_fini() undoes it. */
static int bench_inst_init(struct bench_inst *in)
{
	struct memopt_pool_params p = { .block_size = in->size };
	struct memopt_pool_err err = {};
	struct memopt_pool *pool;
	int ret;

	switch (in->kind) {
	case BENCH_ALLOC_MEMOPT:
		pool = memopt_pool_create(&p, &err);
		if (IS_ERR(pool)) {
			pr_err("memopt_pool_create(%u bytes): %s (%pe)\n", in->size,
			       err.msg ?: "failed", pool);
			return PTR_ERR(pool);
		}
		in->pool = pool;
		return 0;
	case BENCH_ALLOC_KMEM_CACHE:
		return bench_cache_create(in);
	case BENCH_ALLOC_MEMPOOL:
		ret = bench_cache_create(in);
		if (ret)
			return ret;
		in->mempool = mempool_create_slab_pool(BENCH_MEMPOOL_MIN, in->cache);
		if (!in->mempool) {
			pr_err("mempool_create_slab_pool(%u bytes) failed\n", in->size);
			return -ENOMEM;
		}
		return 0;
	case BENCH_ALLOC_PAGES:
	case BENCH_ALLOC_NR:
		break;
	}
	return 0;
}

/* Free whatever bench_inst_init() made, even in part. */
static void bench_inst_fini(struct bench_inst *in)
{
	if (in->pool) {
		memopt_pool_destroy(in->pool);
		memopt_pool_put(in->pool);
		in->pool = NULL;
	}
	mempool_destroy(in->mempool);
	in->mempool = NULL;
	kmem_cache_destroy(in->cache);
	in->cache = NULL;
}

/* One object of a peer allocator, zero-filled, or NULL. */
static void *bench_get_one(struct bench_inst *in)
{
	void *obj;

	switch (in->kind) {
	case BENCH_ALLOC_KMEM_CACHE:
		return kmem_cache_alloc(in->cache, BENCH_GFP);
	case BENCH_ALLOC_MEMPOOL:
		obj = mempool_alloc(in->mempool, GFP_KERNEL);
		if (obj && in->clear)
			memset(obj, 0, in->size);
		return obj;
	case BENCH_ALLOC_PAGES:
		return alloc_pages(BENCH_GFP, in->order);
	case BENCH_ALLOC_MEMOPT:
	case BENCH_ALLOC_NR:
		break;
	}
	return NULL;
}

static void bench_put_one(struct bench_inst *in, void *obj)
{
	switch (in->kind) {
	case BENCH_ALLOC_KMEM_CACHE:
		kmem_cache_free(in->cache, obj);
		break;
	case BENCH_ALLOC_MEMPOOL:
		mempool_free(obj, in->mempool);
		break;
	case BENCH_ALLOC_PAGES:
		__free_pages(obj, in->order);
		break;
	case BENCH_ALLOC_MEMOPT:
	case BENCH_ALLOC_NR:
		break;
	}
}

/* Free blocks [@first, @first + @n) of @t. */
static void bench_put(struct bench_thread *t, unsigned int first, unsigned int n)
{
	struct bench_inst *in = &t->run->inst;
	unsigned int i;

	if (in->kind == BENCH_ALLOC_MEMOPT) {
		memopt_pool_free(in->pool, n, &t->blocks[first]);
		return;
	}
	for (i = first; i < first + n; i++)
		bench_put_one(in, t->objs[i]);
}

/* Allocate blocks [@first, @first + @n) of @t: all of them, or none. */
static int bench_get(struct bench_thread *t, unsigned int first, unsigned int n)
{
	struct bench_inst *in = &t->run->inst;
	unsigned int i;

	if (in->kind == BENCH_ALLOC_MEMOPT)
		return memopt_pool_alloc(in->pool, n, &t->blocks[first]);
	for (i = first; i < first + n; i++) {
		t->objs[i] = bench_get_one(in);
		if (!t->objs[i]) {
			bench_put(t, first, i - first);
			return -ENOMEM;
		}
	}
	return 0;
}

/* @n alloc+free pairs of one block. */
static int bench_warm_loop(struct bench_thread *t, unsigned long n, struct bench_sample *s)
{
	unsigned long i;
	u64 start;
	int ret;

	start = ktime_get_ns();
	for (i = 0; i < n; i++) {
		ret = bench_get(t, 0, 1);
		if (ret)
			return ret;
		bench_put(t, 0, 1);
	}
	s->total = ktime_get_ns() - start;
	return 0;
}

/* @n batches: B blocks allocated, then the B freed. */
static int bench_batch_loop(struct bench_thread *t, unsigned long n, struct bench_sample *s)
{
	unsigned int b = t->run->cfg->batch;
	u64 t0, t1, t2;
	unsigned long i;
	int ret;

	s->alloc = 0;
	s->free = 0;
	for (i = 0; i < n; i++) {
		t0 = ktime_get_ns();
		ret = bench_get(t, 0, b);
		t1 = ktime_get_ns();
		if (ret)
			return ret;
		bench_put(t, 0, b);
		t2 = ktime_get_ns();
		s->alloc += t1 - t0;
		s->free += t2 - t1;
	}
	s->total = s->alloc + s->free;
	return 0;
}

/* The first B blocks of a new instance, one at a time, then their frees. */
static int bench_cold_loop(struct bench_thread *t, struct bench_sample *s)
{
	unsigned int b = t->run->cfg->batch, i;
	u64 t0, t1, t2;
	int ret;

	t0 = ktime_get_ns();
	for (i = 0; i < b; i++) {
		ret = bench_get(t, i, 1);
		if (ret) {
			bench_put(t, 0, i);
			return ret;
		}
	}
	t1 = ktime_get_ns();
	for (i = 0; i < b; i++)
		bench_put(t, i, 1);
	t2 = ktime_get_ns();
	s->alloc = t1 - t0;
	s->free = t2 - t1;
	s->total = t2 - t0;
	return 0;
}

static int bench_loop(struct bench_thread *t, unsigned long n, struct bench_sample *s)
{
	if (t->run->mode == BENCH_MODE_WARM)
		return bench_warm_loop(t, n, s);
	return bench_batch_loop(t, n, s);
}

/* Blocks allocated and freed by a warm or batch loop of @n. */
static u64 bench_loop_blocks(struct bench_thread *t, unsigned long n)
{
	return t->run->mode == BENCH_MODE_WARM ? n : (u64)n * t->run->cfg->batch;
}

/* Store repetition @rep of @t: @s over @blocks blocks, in ps per block. */
static void bench_record(struct bench_thread *t, unsigned int rep,
			 const struct bench_sample *s, u64 blocks)
{
	t->samples[BENCH_STAT_TOTAL][rep] = div64_u64(s->total * 1000, blocks);
	t->samples[BENCH_STAT_ALLOC][rep] = div64_u64(s->alloc * 1000, blocks);
	t->samples[BENCH_STAT_FREE][rep] = div64_u64(s->free * 1000, blocks);
}

/*
 * Wait until every thread of the run has arrived here as often as this
 * one. Threads call it equally often, whatever fails; what one thread did
 * before is visible to all after.
 */
static void bench_barrier(struct bench_thread *t)
{
	struct bench_run *run = t->run;
	int target = ++t->barriers * run->nr_threads;

	if (atomic_inc_return_release(&run->arrived) >= target)
		return;
	/* Yielding: a kworker of this CPU may be what the other waits for. */
	while (atomic_read_acquire(&run->arrived) < target) {
		cond_resched();
		cpu_relax();
	}
}

/*
 * How many iterations make a repetition last about the target time: loops
 * of doubling length until they add up to it, so that a hiccup (a vCPU
 * preempted by its host) costs some accuracy, not most of the estimate.
 */
static int bench_calibrate(struct bench_thread *t, unsigned long *n)
{
	u64 target = t->run->cfg->target_ns, ns = 0;
	unsigned long k = 1, done = 0;
	struct bench_sample s;
	int ret;

	while (ns < target && done < BENCH_ITERS_MAX) {
		ret = bench_loop(t, k, &s);
		if (ret)
			return ret;
		done += k;
		ns += s.total;
		k *= 2;
	}
	*n = clamp_t(u64, div64_u64((u64)done * target, max_t(u64, ns, 1)),
		     1, BENCH_ITERS_MAX);
	return 0;
}

/* A warm or batch case: warm up, calibrate, then R timed repetitions. */
static void bench_steady(struct bench_thread *t)
{
	struct bench_run *run = t->run;
	unsigned long warmup, n = 1;
	struct bench_sample s;
	unsigned int rep;
	int ret;

	warmup = run->mode == BENCH_MODE_WARM ? BENCH_WARMUP : 1;
	ret = bench_loop(t, warmup, &s);
	if (!ret)
		ret = bench_calibrate(t, &n);
	if (ret)
		bench_fail(run, ret);
	t->iters = n;
	for (rep = 0; rep < run->cfg->reps; rep++) {
		bench_barrier(t);
		if (bench_failed(run))
			continue;
		ret = bench_loop(t, n, &s);
		if (ret)
			bench_fail(run, ret);
		else
			bench_record(t, rep, &s, bench_loop_blocks(t, n));
		cond_resched();
	}
}

/* A cold case: thread 0 makes a new instance for every repetition. */
static void bench_cold(struct bench_thread *t)
{
	struct bench_run *run = t->run;
	bool leader = t == &run->threads[0];
	struct bench_sample s;
	unsigned int rep;
	int ret;

	t->iters = run->cfg->batch;
	for (rep = 0; rep < run->cfg->reps; rep++) {
		if (leader && !bench_failed(run)) {
			ret = bench_inst_init(&run->inst);
			if (ret)
				bench_fail(run, ret);
		}
		bench_barrier(t);
		if (!bench_failed(run)) {
			ret = bench_cold_loop(t, &s);
			if (ret)
				bench_fail(run, ret);
			else
				bench_record(t, rep, &s, run->cfg->batch);
		}
		bench_barrier(t);
		if (leader)
			bench_inst_fini(&run->inst);
		cond_resched();
	}
}

static int bench_thread_fn(void *data)
{
	struct bench_thread *t = data;
	struct bench_run *run = t->run;

	if (run->mode == BENCH_MODE_COLD)
		bench_cold(t);
	else
		bench_steady(t);
	/* The last use of @run: the task stays for kthread_stop(). */
	if (atomic_dec_and_test(&run->running))
		complete(&run->done);
	return 0;
}

/* Create the threads, bound to their CPUs, and start them together. */
static int bench_threads_start(struct bench_run *run)
{
	struct task_struct *task;
	struct bench_thread *t;
	unsigned int i;

	for (i = 0; i < run->nr_threads; i++) {
		t = &run->threads[i];
		task = kthread_create(bench_thread_fn, t, "memopt_bench/%u", t->cpu);
		if (IS_ERR(task)) {
			pr_err("kthread_create: %pe\n", task);
			/* Never woken: stopping them skips their function. */
			while (i--) {
				kthread_stop(run->threads[i].task);
				put_task_struct(run->threads[i].task);
			}
			return PTR_ERR(task);
		}
		get_task_struct(task);
		kthread_bind(task, t->cpu);
		t->task = task;
	}
	atomic_set(&run->running, run->nr_threads);
	for (i = 0; i < run->nr_threads; i++)
		wake_up_process(run->threads[i].task);
	return 0;
}

static void bench_threads_stop(struct bench_run *run)
{
	unsigned int i;

	/* Waking up now and then: slow is not hung (TCG, shared CPUs). */
	while (!wait_for_completion_timeout(&run->done, HZ))
		if (fatal_signal_pending(current))
			bench_fail(run, -EINTR);
	for (i = 0; i < run->nr_threads; i++) {
		kthread_stop(run->threads[i].task);
		put_task_struct(run->threads[i].task);
	}
}

static int bench_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static void bench_medians(struct bench_run *run)
{
	struct bench_thread *t;
	unsigned int i, k;

	for (i = 0; i < run->nr_threads; i++) {
		t = &run->threads[i];
		for (k = 0; k < BENCH_STAT_NR; k++) {
			sort(t->samples[k], run->cfg->reps, sizeof(u64), bench_cmp_u64, NULL);
			t->median[k] = t->samples[k][run->cfg->reps / 2];
		}
	}
}

/* @sep, then @ps as ns with one decimal. */
static void bench_print_ns(struct seq_buf *s, const char *sep, u64 ps)
{
	u64 tenths = DIV_ROUND_CLOSEST_ULL(ps, 100);

	seq_buf_printf(s, "%s%llu.%llu", sep, tenths / 10, tenths % 10);
}

/* ,"@key":[...] with @stat of each thread. */
static void bench_print_stat(struct seq_buf *s, const char *key,
			     const struct bench_run *run, enum bench_stat stat)
{
	unsigned int i;

	seq_buf_printf(s, ",\"%s\":[", key);
	for (i = 0; i < run->nr_threads; i++)
		bench_print_ns(s, i ? "," : "", run->threads[i].median[stat]);
	seq_buf_printf(s, "]");
}

/* ,"cpu":[...],"iters":[...] */
static void bench_print_threads(struct seq_buf *s, const struct bench_run *run)
{
	unsigned int i;

	seq_buf_printf(s, ",\"cpu\":[");
	for (i = 0; i < run->nr_threads; i++)
		seq_buf_printf(s, "%s%u", i ? "," : "", run->threads[i].cpu);
	seq_buf_printf(s, "],\"iters\":[");
	for (i = 0; i < run->nr_threads; i++)
		seq_buf_printf(s, "%s%lu", i ? "," : "", run->threads[i].iters);
	seq_buf_printf(s, "]");
}

/* The case's ns_op in ps: the slower CPU's median. */
static u64 bench_run_ps(struct bench_run *run)
{
	unsigned int i;
	u64 ps = 0;

	bench_medians(run);
	for (i = 0; i < run->nr_threads; i++)
		ps = max(ps, run->threads[i].median[BENCH_STAT_TOTAL]);
	return ps;
}

/*
 * Print the case's line: @ps its ns_op (the median over the rounds), @milli
 * memopt's ns_op over it in thousandths (the median over the rounds of the
 * ratio within each round), 0 for none; the rest from its last round, @run.
 */
static void bench_report(struct bench_run *run, u64 ps, u64 milli)
{
	const struct bench_inst *in = &run->inst;
	struct seq_buf s;

	seq_buf_init(&s, run->line, sizeof(run->line));
	seq_buf_printf(&s, "{\"case\":\"%s\",\"alloc\":\"%s\",\"size\":%u,\"order\":%u,",
		       bench_mode_names[run->mode], bench_alloc_names[in->kind],
		       in->size, in->order);
	seq_buf_printf(&s, "\"cpus\":%u,\"rounds\":%u", run->nr_threads, run->cfg->rounds);
	bench_print_ns(&s, ",\"ns_op\":", ps);
	if (milli)
		seq_buf_printf(&s, ",\"ratio\":%llu.%03llu", milli / 1000, milli % 1000);
	bench_print_threads(&s, run);
	bench_print_stat(&s, "cpu_ns_op", run, BENCH_STAT_TOTAL);
	if (run->mode != BENCH_MODE_WARM) {
		bench_print_stat(&s, "cpu_alloc_ns", run, BENCH_STAT_ALLOC);
		bench_print_stat(&s, "cpu_free_ns", run, BENCH_STAT_FREE);
	}
	seq_buf_printf(&s, "}");
	if (seq_buf_has_overflowed(&s))
		pr_err("the result line of %s %s is too long\n", bench_mode_names[run->mode],
		       bench_alloc_names[in->kind]);
	else
		pr_info("%.*s\n", (int)seq_buf_used(&s), run->line);
}

static struct bench_run *bench_run_new(const struct bench_cfg *cfg, enum bench_mode mode,
				       enum bench_alloc kind, unsigned int size,
				       unsigned int nr_threads)
{
	struct bench_run *run;
	unsigned int i;

	run = kzalloc(sizeof(*run), GFP_KERNEL);
	if (!run)
		return NULL;
	run->cfg = cfg;
	run->mode = mode;
	run->inst.kind = kind;
	run->inst.size = size;
	run->inst.order = get_order(size);
	run->inst.clear = kind == BENCH_ALLOC_MEMPOOL && !want_init_on_alloc(GFP_KERNEL);
	run->nr_threads = nr_threads;
	init_completion(&run->done);
	for (i = 0; i < nr_threads; i++) {
		run->threads[i].run = run;
		run->threads[i].cpu = cfg->cpus[i];
	}
	return run;
}

/* Run one case; on success *@out is the run, which the caller frees. */
static int bench_case(const struct bench_cfg *cfg, enum bench_mode mode,
		      enum bench_alloc kind, unsigned int size,
		      unsigned int nr_threads, struct bench_run **out)
{
	struct bench_run *run;
	int ret = 0;

	run = bench_run_new(cfg, mode, kind, size, nr_threads);
	if (!run) {
		pr_err("out of memory for a case\n");
		return -ENOMEM;
	}
	/* Cold cases make theirs per repetition, in the threads. */
	if (mode != BENCH_MODE_COLD)
		ret = bench_inst_init(&run->inst);
	if (!ret)
		ret = bench_threads_start(run);
	if (!ret) {
		bench_threads_stop(run);
		ret = run->err;
	}
	bench_inst_fini(&run->inst);
	if (ret) {
		pr_err("%s %s, %u bytes, %u CPU(s): %pe\n", bench_mode_names[mode],
		       bench_alloc_names[kind], size, nr_threads, ERR_PTR(ret));
		kfree(run);
		return ret;
	}
	*out = run;
	return 0;
}

/*
 * The median of @n values of @v (sorted in place); for ratios, of memopt's
 * ps over the peer's in each round, in thousandths.
 */
static u64 bench_median(u64 *v, unsigned int n)
{
	sort(v, n, sizeof(*v), bench_cmp_u64, NULL);
	return v[n / 2];
}

/* Print every allocator's line of a group measured over the rounds. */
static void bench_group_report(const struct bench_cfg *cfg, struct bench_run **last,
			       u64 ps[][BENCH_ROUNDS])
{
	u64 ratio[BENCH_ROUNDS], tmp[BENCH_ROUNDS];
	enum bench_alloc kind;
	unsigned int r;

	for (kind = 0; kind < BENCH_ALLOC_NR; kind++) {
		u64 milli = 0;

		if (kind != BENCH_ALLOC_MEMOPT) {
			for (r = 0; r < cfg->rounds; r++)
				ratio[r] = div64_u64(ps[BENCH_ALLOC_MEMOPT][r] * 1000 +
						     ps[kind][r] / 2, max(ps[kind][r], 1ULL));
			milli = bench_median(ratio, cfg->rounds);
		}
		memcpy(tmp, ps[kind], sizeof(tmp));
		bench_report(last[kind], bench_median(tmp, cfg->rounds), milli);
	}
}

/*
 * Every allocator in one mode, size and number of CPUs, in rounds: each
 * round runs every allocator once, in an order rotated from round to round,
 * so that a drift of the machine's speed (a TCG guest's above all) weighs
 * on all of them alike; the ratios are taken within each round.
 */
static int bench_group(const struct bench_cfg *cfg, enum bench_mode mode,
		       unsigned int size, unsigned int nr_threads, unsigned int *cases)
{
	struct bench_run *last[BENCH_ALLOC_NR] = {}, *run;
	u64 ps[BENCH_ALLOC_NR][BENCH_ROUNDS];
	unsigned int r, j, kind;
	int ret = 0;

	for (r = 0; r < cfg->rounds && !ret; r++) {
		for (j = 0; j < BENCH_ALLOC_NR && !ret; j++) {
			kind = (j + r) % BENCH_ALLOC_NR;
			if (fatal_signal_pending(current)) {
				ret = -EINTR;
				break;
			}
			ret = bench_case(cfg, mode, kind, size, nr_threads, &run);
			if (ret)
				break;
			ps[kind][r] = bench_run_ps(run);
			kfree(last[kind]);
			last[kind] = run;
		}
	}
	if (!ret) {
		bench_group_report(cfg, last, ps);
		*cases += BENCH_ALLOC_NR;
	}
	for (kind = 0; kind < BENCH_ALLOC_NR; kind++)
		kfree(last[kind]);
	return ret;
}

static int bench_all(const struct bench_cfg *cfg, unsigned int *cases)
{
	unsigned int nr_threads, i;
	enum bench_mode mode;
	int ret;

	for (mode = 0; mode < BENCH_MODE_NR; mode++) {
		for (nr_threads = 1; nr_threads <= cfg->nr_cpus; nr_threads++) {
			for (i = 0; i < ARRAY_SIZE(bench_sizes); i++) {
				ret = bench_group(cfg, mode, bench_sizes[i], nr_threads, cases);
				if (ret)
					return ret;
			}
		}
	}
	return 0;
}

static void bench_cfg_init(struct bench_cfg *cfg)
{
	unsigned int cpu;

	cfg->reps = quick ? BENCH_QUICK_REPS : BENCH_REPS;
	cfg->rounds = quick ? 1 : BENCH_ROUNDS;
	cfg->batch = quick ? BENCH_QUICK_BATCH : BENCH_BATCH;
	cfg->target_ns = quick ? BENCH_QUICK_TARGET_NS : BENCH_TARGET_NS;
	cfg->nr_cpus = 0;
	for_each_online_cpu(cpu) {
		cfg->cpus[cfg->nr_cpus++] = cpu;
		if (cfg->nr_cpus == BENCH_THREADS)
			break;
	}
	pr_info("{\"config\":{\"kernel\":\"%s\",\"quick\":%s,\"reps\":%u,\"rounds\":%u,\"batch\":%u,\"target_ms\":%llu,\"cpus\":%u,\"init_on_alloc\":%s}}\n",
		init_utsname()->release, quick ? "true" : "false", cfg->reps, cfg->rounds,
		cfg->batch,
		div64_u64(cfg->target_ns, NSEC_PER_MSEC), cfg->nr_cpus,
		want_init_on_alloc(GFP_KERNEL) ? "true" : "false");
}

static int __init memopt_bench_init(void)
{
	struct bench_cfg cfg;
	unsigned int cases = 0;
	u64 start;
	int ret;

	bench_cfg_init(&cfg);
	start = ktime_get_ns();
	ret = bench_all(&cfg, &cases);
	if (ret)
		return ret;
	pr_info("{\"summary\":{\"cases\":%u,\"elapsed_ms\":%llu}}\n", cases,
		div64_u64(ktime_get_ns() - start, NSEC_PER_MSEC));
	pr_info("done cases=%u\n", cases);
	return 0;
}
module_init(memopt_bench_init);

/* Nothing to undo: the run leaves nothing behind; this allows rmmod. */
static void __exit memopt_bench_exit(void)
{
}
module_exit(memopt_bench_exit);

MODULE_IMPORT_NS(MEMOPT_BENCH_NS);
MODULE_AUTHOR("The memopt authors");
MODULE_DESCRIPTION("Microbenchmark of memopt's block pools against slab, mempool and pages");
MODULE_LICENSE("GPL");
