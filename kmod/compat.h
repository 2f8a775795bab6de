/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels memopt supports (Debian's 6.1 and 6.12
 * lines), in one place, keyed on LINUX_VERSION_CODE.
 */
#ifndef _MEMOPT_COMPAT_H
#define _MEMOPT_COMPAT_H

#include <linux/version.h>
#include <linux/export.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/shrinker.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <net/genetlink.h>
#include <kunit/visibility.h>

/*
 * Largest order the buddy allocator hands out. MAX_ORDER was exclusive
 * until 6.4, inclusive from 6.4, and renamed MAX_PAGE_ORDER in 6.8.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
#define MEMOPT_MAX_PAGE_ORDER	MAX_PAGE_ORDER
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define MEMOPT_MAX_PAGE_ORDER	MAX_ORDER
#else
#define MEMOPT_MAX_PAGE_ORDER	(MAX_ORDER - 1)
#endif

/* KUnit static stubs appeared in 6.4; before that, nothing to redirect. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#include <kunit/static_stub.h>
#else
#define KUNIT_STATIC_STUB_REDIRECT(real_fn_name, args...) ((void)(real_fn_name))
#endif

/*
 * Pages a shrinker gives back to the page allocator itself count as the
 * reclaim's progress only when added to the task's reclaim state: without
 * it, a kswapd run that only memopt's shrinker helped saw no progress, and
 * after MAX_RECLAIM_RETRIES such runs kswapd stops trying until a direct
 * reclaim succeeds (as xfs_buf and the inode cache do it). The helper is
 * mm_account_reclaimed_pages() since 6.4; before, the field was
 * reclaimed_slab. MEMOPT_RECLAIMED() reads it back (KUnit).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define memopt_account_reclaimed(pages)	mm_account_reclaimed_pages(pages)
#define MEMOPT_RECLAIMED(rs)		((rs)->reclaimed)
#else
static inline void memopt_account_reclaimed(unsigned long pages)
{
	if (current->reclaim_state)
		current->reclaim_state->reclaimed_slab += pages;
}

#define MEMOPT_RECLAIMED(rs)		((rs)->reclaimed_slab)
#endif

/* Shrinkers are allocated by the core since 6.7. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
static inline struct shrinker *
memopt_shrinker_register(unsigned long (*count)(struct shrinker *, struct shrink_control *),
			 unsigned long (*scan)(struct shrinker *, struct shrink_control *),
			 const char *name)
{
	struct shrinker *s = shrinker_alloc(0, "%s", name);

	if (!s)
		return NULL;
	s->count_objects = count;
	s->scan_objects = scan;
	shrinker_register(s);
	return s;
}

static inline void memopt_shrinker_unregister(struct shrinker *s)
{
	shrinker_free(s);
}
#else
static inline struct shrinker *
memopt_shrinker_register(unsigned long (*count)(struct shrinker *, struct shrink_control *),
			 unsigned long (*scan)(struct shrinker *, struct shrink_control *),
			 const char *name)
{
	static struct shrinker s;

	s.count_objects = count;
	s.scan_objects = scan;
	s.seeks = DEFAULT_SEEKS;
	if (register_shrinker(&s, "%s", name))
		return NULL;
	return &s;
}

static inline void memopt_shrinker_unregister(struct shrinker *s)
{
	unregister_shrinker(s);
}
#endif

/* VMA flags became read-only behind helpers in 6.3. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
static inline void memopt_vm_flags_mod(struct vm_area_struct *vma, vm_flags_t set,
				       vm_flags_t clear)
{
	vm_flags_mod(vma, set, clear);
}
#else
static inline void memopt_vm_flags_mod(struct vm_area_struct *vma, vm_flags_t set,
				       vm_flags_t clear)
{
	vma->vm_flags = (vma->vm_flags | set) & ~clear;
}
#endif

/* The parsed request attributes of a dump (struct genl_dumpit_info changed in 6.2). */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
static inline struct nlattr **memopt_dump_attrs(struct netlink_callback *cb)
{
	return genl_dumpit_info(cb)->info.attrs;
}
#else
static inline struct nlattr **memopt_dump_attrs(struct netlink_callback *cb)
{
	return genl_dumpit_info(cb)->attrs;
}
#endif

/* A symbol namespace is named by a bare token up to 6.12, by a string from 6.13. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define MEMOPT_NS(ns)	#ns
#else
#define MEMOPT_NS(ns)	ns
#endif

/*
 * The microbenchmark, kmod/bench/memopt_bench.ko (make MEMOPT_BENCH=1, see
 * kmod/Kbuild), calls pool functions that pool.c exports to KUnit tests
 * only. Where KUnit is on, they are exported already, in KUnit's namespace,
 * and the benchmark imports that (a symbol is exported once). Where it is
 * off, a bench build (MEMOPT_BENCH_BUILD) exports them in the MEMOPT_BENCH
 * namespace instead; any other build exports exactly what
 * EXPORT_SYMBOL_IF_KUNIT() does.
 */
#if IS_ENABLED(CONFIG_KUNIT)
#define MEMOPT_BENCH_NS		MEMOPT_NS(EXPORTED_FOR_KUNIT_TESTING)
#else
#define MEMOPT_BENCH_NS		MEMOPT_NS(MEMOPT_BENCH)
#endif

#if !IS_ENABLED(CONFIG_KUNIT) && defined(MEMOPT_BENCH_BUILD)
#define EXPORT_SYMBOL_IF_KUNIT_OR_BENCH(sym)	EXPORT_SYMBOL_NS_GPL(sym, MEMOPT_BENCH_NS)
#else
#define EXPORT_SYMBOL_IF_KUNIT_OR_BENCH(sym)	EXPORT_SYMBOL_IF_KUNIT(sym)
#endif

/*
 * A slab cache of its own, never merged with an existing cache of the same
 * size (kmalloc-4k, ...), so that a new one starts empty: SLAB_NO_MERGE
 * from 6.5; before, a cache with a usercopy region is not merged (with
 * CONFIG_HARDENED_USERCOPY, as on Debian).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
static inline struct kmem_cache *
memopt_kmem_cache_create_unmerged(const char *name, unsigned int size)
{
	return kmem_cache_create(name, size, 0, SLAB_NO_MERGE, NULL);
}
#else
static inline struct kmem_cache *
memopt_kmem_cache_create_unmerged(const char *name, unsigned int size)
{
	return kmem_cache_create_usercopy(name, size, 0, 0, 0, size, NULL);
}
#endif

#endif /* _MEMOPT_COMPAT_H */
