// SPDX-License-Identifier: GPL-2.0
/*
 * The leak ledger: every live buffer, who owns it and who holds it.
 *
 * Each buffer allocated while accounting is on (module parameter
 * "accounting") enters the ledger: the allocating process is its owner,
 * and the ledger keeps one struct memopt_proc per owner and pool with its
 * live buffers (oldest first) and its figures. The ledger lock serialises
 * all of it; the hot path does O(1) list and counter updates under it.
 *
 * Holders are kept per buffer, under the buffer's lock: one record per kind
 * and process (handles by the session's opener, mappings by address space,
 * dma-bufs); whatever references are not accounted for by a record are
 * kernel users. Mappings copied into a child by fork() know only the
 * child's address space; a dump finds the process that owns it.
 *
 * A worker scans the ledger every scan_interval_ms and reports, once per
 * suspicion, on the netlink "monitor" group:
 *
 * - age: a buffer older than its pool's leak age;
 * - orphan: a buffer whose owner exited while others still hold it;
 * - growth: a process whose bytes in a pool, sampled at each scan, rose by
 *   more than the pool's growth threshold over its growth window without
 *   ever falling between samples. Sampling starts a window after the
 *   process's first allocation, so that reaching a working set is not
 *   mistaken for a leak; a fall restarts the window and re-arms it.
 *
 * The same worker announces watermark crossings and pool exhaustion (the
 * pools flag them, see memopt_pool_watermark_event()) and the freeing of
 * destroyed pools.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/hash.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <kunit/visibility.h>

#include "buffer.h"
#include "ledger.h"
#include "netlink.h"
#include "pool.h"

static bool accounting = true;
module_param(accounting, bool, 0644);
MODULE_PARM_DESC(accounting,
		 "Keep buffers in the leak ledger (default on); buffers allocated while off are not");

static unsigned int scan_interval_ms = 1000;
module_param(scan_interval_ms, uint, 0644);
MODULE_PARM_DESC(scan_interval_ms,
		 "Milliseconds between leak detector scans (default 1000, at least 100)");

/* Protects the ledger lists, the hash, every struct memopt_proc and buf->suspect. */
DEFINE_SPINLOCK(memopt_ledger_lock);
LIST_HEAD(memopt_ledger_bufs);
LIST_HEAD(memopt_ledger_procs);
static DEFINE_HASHTABLE(memopt_proc_hash, 8);
static u64 memopt_proc_seq;
/* Destroyed pools freed since the last scan (struct memopt_freed). */
static LIST_HEAD(memopt_ledger_freed);
static bool memopt_ledger_running;

static struct delayed_work memopt_scan_work;

/**
 * struct memopt_freed - a destroyed pool that was freed, to announce
 * @node: on memopt_ledger_freed
 * @id: its id
 * @name: its name
 */
struct memopt_freed {
	struct list_head node;
	u32 id;
	char name[MEMOPT_POOL_NAME_SIZE];
};

static u32 memopt_proc_hash_key(u32 pool_id, struct pid *pid)
{
	return hash_ptr(pid, 32) ^ pool_id;
}

static struct memopt_proc *memopt_proc_find(u32 pool_id, struct pid *pid)
{
	struct memopt_proc *proc;

	lockdep_assert_held(&memopt_ledger_lock);
	hash_for_each_possible(memopt_proc_hash, proc, hnode, memopt_proc_hash_key(pool_id, pid))
		if (proc->pool_id == pool_id && proc->pid == pid)
			return proc;
	return NULL;
}

static struct memopt_proc *memopt_proc_new(u32 pool_id, struct pid *pid)
{
	struct memopt_proc *proc = kzalloc(sizeof(*proc), GFP_KERNEL);

	if (!proc)
		return NULL;
	proc->pool_id = pool_id;
	proc->pid = get_pid(pid);	/* put in memopt_proc_free() */
	proc->uid = current_uid();
	get_task_comm(proc->comm, current);
	INIT_LIST_HEAD(&proc->bufs);
	proc->win_start_ns = memopt_ledger_now();
	return proc;
}

static void memopt_proc_free(struct memopt_proc *proc)
{
	put_pid(proc->pid);
	kfree(proc);
}

/**
 * memopt_proc_exited() - whether a ledger entry's process has exited
 * @proc: the entry
 *
 * Context: Any context.
 * Return: true once no task of its thread group is left.
 */
bool memopt_proc_exited(const struct memopt_proc *proc)
{
	bool gone;

	rcu_read_lock();
	gone = !pid_task(proc->pid, PIDTYPE_TGID);
	rcu_read_unlock();
	return gone;
}

/* Records of handles borrow the session's pid; others hold a reference. */
static struct pid *memopt_holder_pid_get(int kind, struct pid *pid)
{
	return kind == MEMOPT_HOLDER_HANDLE ? pid : get_pid(pid);
}

static void memopt_holder_pid_put(int kind, struct pid *pid)
{
	if (kind != MEMOPT_HOLDER_HANDLE)
		put_pid(pid);
}

/*
 * Enter @buf under @proc, and count @handle_owner's handle in its first
 * inline holder record (nobody else knows the buffer yet, so its own lock
 * is not needed); the ledger lock is held.
 */
static void memopt_ledger_link(struct memopt_buf *buf, struct memopt_proc *proc,
			       struct pid *handle_owner)
{
	struct memopt_holder *h = &buf->inline_holders[0];

	lockdep_assert_held(&memopt_ledger_lock);
	if (handle_owner) {
		h->kind = MEMOPT_HOLDER_HANDLE;
		h->pid = handle_owner;
		h->inline_slot = true;
		h->count = 1;
		list_add_tail(&h->node, &buf->holders);
	}
	buf->id = memopt_buf_next_id();
	buf->created_ns = memopt_ledger_now();
	buf->proc = proc;
	list_add_tail(&buf->ledger_node, &memopt_ledger_bufs);
	list_add_tail(&buf->proc_node, &proc->bufs);
	proc->buffers++;
	proc->allocs++;
	proc->bytes += buf->size;
	proc->peak = max(proc->peak, proc->bytes);
}

/**
 * memopt_ledger_add() - enter a new buffer in the ledger
 * @buf: the buffer, owned by the current process
 * @handle_owner: counts the handle the buffer is for as its first holder,
 *	in the session of this process; NULL for none
 *
 * Gives the buffer its id: ids of buffers in the ledger follow the order in
 * which they entered it.
 *
 * Context: Process context, may sleep.
 * Return: 1 when the buffer is in the ledger, 0 when accounting is off,
 * -ENOMEM.
 */
int memopt_ledger_add(struct memopt_buf *buf, struct pid *handle_owner)
{
	u32 pool_id = memopt_pool_id(buf->pool);
	struct pid *pid = task_tgid(current);
	struct memopt_proc *proc, *spare = NULL;

	if (!READ_ONCE(accounting))
		return 0;
	for (;;) {
		spin_lock(&memopt_ledger_lock);
		proc = memopt_proc_find(pool_id, pid);
		if (!proc && spare) {
			proc = spare;
			spare = NULL;
			proc->seq = ++memopt_proc_seq;
			hash_add(memopt_proc_hash, &proc->hnode,
				 memopt_proc_hash_key(pool_id, pid));
			list_add_tail(&proc->node, &memopt_ledger_procs);
		}
		if (proc)
			break;
		spin_unlock(&memopt_ledger_lock);
		spare = memopt_proc_new(pool_id, pid);
		if (!spare)
			return -ENOMEM;
	}
	memopt_ledger_link(buf, proc, handle_owner);
	spin_unlock(&memopt_ledger_lock);
	if (spare)
		memopt_proc_free(spare);
	return 1;
}

/* Take @buf, which no reference is left to, out of the ledger. */
static void memopt_ledger_unlink(struct memopt_buf *buf)
{
	struct memopt_proc *proc = buf->proc;

	lockdep_assert_held(&memopt_ledger_lock);
	list_del(&buf->ledger_node);
	list_del(&buf->proc_node);
	proc->buffers--;
	proc->frees++;
	proc->bytes -= buf->size;
}

/**
 * memopt_ledger_del() - take a released buffer out of the ledger
 * @buf: the buffer, whose last reference is gone
 *
 * Context: Process context.
 */
void memopt_ledger_del(struct memopt_buf *buf)
{
	struct memopt_holder *h, *tmp;

	if (!buf->proc)
		return;
	spin_lock(&memopt_ledger_lock);
	memopt_ledger_unlink(buf);
	spin_unlock(&memopt_ledger_lock);
	/* No reference is left, so no holder may be either. */
	WARN_ON_ONCE(!list_empty(&buf->holders) || buf->lost_maps);
	list_for_each_entry_safe(h, tmp, &buf->holders, node) {
		memopt_holder_pid_put(h->kind, h->pid);
		if (!h->inline_slot)
			kfree(h);
	}
}

/* Whether @h is the record of holders of @kind in @pid (mappings: in @mm). */
static bool memopt_holder_is(const struct memopt_holder *h, int kind,
			     struct pid *pid, struct mm_struct *mm)
{
	if (h->kind != kind)
		return false;
	return kind == MEMOPT_HOLDER_MAPPING ? h->mm == mm : h->pid == pid;
}

static struct memopt_holder *memopt_holder_find(struct memopt_buf *buf, int kind,
						struct pid *pid, struct mm_struct *mm)
{
	struct memopt_holder *h;

	lockdep_assert_held(&buf->lock);
	list_for_each_entry(h, &buf->holders, node)
		if (memopt_holder_is(h, kind, pid, mm))
			return h;
	return NULL;
}

/* A free inline record of @buf, set up and listed; NULL if none is free. */
static struct memopt_holder *memopt_holder_inline(struct memopt_buf *buf, int kind,
						  struct pid *pid, struct mm_struct *mm)
{
	struct memopt_holder *h;
	unsigned int i;

	lockdep_assert_held(&buf->lock);
	for (i = 0; i < MEMOPT_INLINE_HOLDERS; i++) {
		h = &buf->inline_holders[i];
		if (h->count)
			continue;
		h->kind = kind;
		h->pid = memopt_holder_pid_get(kind, pid);	/* put when the record goes */
		h->mm = mm;
		h->inline_slot = true;
		list_add_tail(&h->node, &buf->holders);
		return h;
	}
	return NULL;
}

/**
 * memopt_holder_get() - count a holder of a buffer
 * @buf: the buffer, in the ledger or not (then nothing is counted)
 * @kind: &enum memopt_holder_kind
 * @pid: the process (handles, mappings in the current process), or NULL
 * @mm: for mappings, the address space they are in
 *
 * Context: Process context, may sleep.
 * Return: 0, or -ENOMEM (nothing counted).
 */
int memopt_holder_get(struct memopt_buf *buf, int kind, struct pid *pid,
		      struct mm_struct *mm)
{
	struct memopt_holder *h, *spare = NULL;

	if (!buf->proc)
		return 0;
	for (;;) {
		spin_lock(&buf->lock);
		h = memopt_holder_find(buf, kind, pid, mm);
		if (!h && !spare)
			h = memopt_holder_inline(buf, kind, pid, mm);
		if (!h && spare) {
			h = spare;
			spare = NULL;
			list_add_tail(&h->node, &buf->holders);
		}
		if (h)
			break;
		spin_unlock(&buf->lock);
		spare = kzalloc(sizeof(*spare), GFP_KERNEL);
		if (!spare)
			return -ENOMEM;
		spare->kind = kind;
		spare->pid = memopt_holder_pid_get(kind, pid);	/* put when the record goes */
		spare->mm = mm;
	}
	h->count++;
	spin_unlock(&buf->lock);
	if (spare) {
		memopt_holder_pid_put(kind, spare->pid);
		kfree(spare);
	}
	return 0;
}

/**
 * memopt_holder_put() - uncount a holder of a buffer
 * @buf: the buffer
 * @kind: as given to memopt_holder_get()
 * @pid: as given to memopt_holder_get() (ignored for mappings)
 * @mm: as given to memopt_holder_get()
 *
 * A mapping that was never counted (its record could not be allocated) is
 * taken off @buf->lost_maps instead.
 *
 * Context: Any context.
 */
void memopt_holder_put(struct memopt_buf *buf, int kind, struct pid *pid,
		       struct mm_struct *mm)
{
	struct memopt_holder *h;

	if (!buf->proc)
		return;
	spin_lock(&buf->lock);
	h = memopt_holder_find(buf, kind, pid, mm);
	if (h && !--h->count)
		list_del(&h->node);
	else if (h)
		h = NULL;
	else if (kind == MEMOPT_HOLDER_MAPPING && !WARN_ON_ONCE(!buf->lost_maps))
		buf->lost_maps--;
	pid = h ? h->pid : NULL;
	spin_unlock(&buf->lock);
	/* An inline record is free again now that its count is 0. */
	memopt_holder_pid_put(kind, pid);
	if (h && !h->inline_slot)
		kfree(h);
}

/**
 * memopt_ledger_put_last() - drop a buffer's last reference with its record
 * @buf: the buffer, in the ledger
 * @kind: the kind of holder the caller's reference stands for
 * @pid: as given to memopt_holder_get() (ignored for mappings)
 * @mm: as given to memopt_holder_get()
 *
 * The usual end of a buffer: its one holder lets it go. When the caller's
 * reference is the only one left and the caller's record the only record,
 * nothing but the ledger can reach @buf (every other way to it holds a
 * reference), and the ledger lock keeps the ledger out: the record, the
 * reference and the ledger entry then go in one critical section, without
 * the buffer's lock. Otherwise nothing is done.
 *
 * Context: Process context.
 * Return: true when the reference was dropped and @buf taken out of the
 * ledger (the caller frees it); false when the caller must put its holder
 * and its reference the usual way.
 */
bool memopt_ledger_put_last(struct memopt_buf *buf, int kind, struct pid *pid,
			    struct mm_struct *mm)
{
	struct memopt_holder *h;

	spin_lock(&memopt_ledger_lock);
	/* Acquire: pairs with the release of the other holders' puts. */
	if (atomic_read_acquire(&buf->ref.refcount.refs) != 1 || buf->lost_maps ||
	    !list_is_singular(&buf->holders))
		goto busy;
	h = list_first_entry(&buf->holders, struct memopt_holder, node);
	if (h->count != 1 || !memopt_holder_is(h, kind, pid, mm))
		goto busy;
	refcount_set(&buf->ref.refcount, 0);
	list_del(&h->node);
	memopt_ledger_unlink(buf);
	spin_unlock(&memopt_ledger_lock);
	memopt_holder_pid_put(h->kind, h->pid);
	if (!h->inline_slot)
		kfree(h);
	return true;
busy:
	spin_unlock(&memopt_ledger_lock);
	return false;
}

/**
 * memopt_holders_counted() - references accounted for by holder records
 * @buf: the buffer, its lock held
 *
 * Context: Any context, the buffer's lock held.
 * Return: the sum of the records' counts and the uncounted mappings.
 */
unsigned int memopt_holders_counted(struct memopt_buf *buf)
{
	struct memopt_holder *h;
	unsigned int n = buf->lost_maps;

	lockdep_assert_held(&buf->lock);
	list_for_each_entry(h, &buf->holders, node)
		n += h->count;
	return n;
}

/**
 * memopt_holder_pid() - the process a holder record stands for
 * @h: the record, its buffer's lock held
 *
 * For a mapping copied by fork(), looks for the process that owns the
 * address space and remembers it.
 *
 * Context: Any context, the buffer's lock held.
 * Return: the process, or NULL (a dma-buf, or no process found).
 */
struct pid *memopt_holder_pid(struct memopt_holder *h)
{
	struct task_struct *p;

	if (h->pid || !h->mm)
		return h->pid;
	rcu_read_lock();
	for_each_process(p) {
		if (READ_ONCE(p->mm) == h->mm) {
			h->pid = get_pid(task_tgid(p));
			break;
		}
	}
	rcu_read_unlock();
	return h->pid;
}

/**
 * memopt_ledger_kick() - run the detectors now
 *
 * Context: Any context.
 */
void memopt_ledger_kick(void)
{
	spin_lock(&memopt_ledger_lock);
	if (memopt_ledger_running)
		mod_delayed_work(system_wq, &memopt_scan_work, 0);
	spin_unlock(&memopt_ledger_lock);
}

/**
 * memopt_ledger_pool_freed() - announce that a destroyed pool was freed
 * @id: its id
 * @name: its name
 *
 * Context: Process context.
 */
void memopt_ledger_pool_freed(u32 id, const char *name)
{
	struct memopt_freed *f = kzalloc(sizeof(*f), GFP_KERNEL);

	/* The allocator has said it all; listeners miss this one event. */
	if (!f)
		return;
	f->id = id;
	strscpy(f->name, name, sizeof(f->name));
	spin_lock(&memopt_ledger_lock);
	if (memopt_ledger_running) {
		list_add_tail(&f->node, &memopt_ledger_freed);
		mod_delayed_work(system_wq, &memopt_scan_work, 0);
		f = NULL;
	}
	spin_unlock(&memopt_ledger_lock);
	kfree(f);
}

/* Events found by one scan, sent once the ledger lock is dropped. */
#define MEMOPT_SCAN_EVENTS	32

struct memopt_scan {
	u64 now;
	unsigned int n;
	bool more;
	struct memopt_leak_event ev[MEMOPT_SCAN_EVENTS];
};

static struct memopt_leak_event *memopt_scan_event(struct memopt_scan *sc, u32 reason)
{
	struct memopt_leak_event *ev;

	if (sc->n == MEMOPT_SCAN_EVENTS) {
		sc->more = true;
		return NULL;
	}
	ev = &sc->ev[sc->n++];
	memset(ev, 0, sizeof(*ev));
	ev->reason = reason;
	return ev;
}

static void memopt_scan_buf(struct memopt_scan *sc, struct memopt_buf *buf)
{
	u64 leak_age = memopt_pool_leak_age(buf->pool) * NSEC_PER_SEC;
	struct memopt_leak_event *ev;
	u32 reason = 0;

	if (leak_age && !(buf->suspect & MEMOPT_LEAK_AGE) &&
	    sc->now - buf->created_ns >= leak_age)
		reason = MEMOPT_LEAK_AGE;
	else if (!(buf->suspect & MEMOPT_LEAK_ORPHAN) && memopt_proc_exited(buf->proc))
		reason = MEMOPT_LEAK_ORPHAN;
	if (!reason)
		return;
	ev = memopt_scan_event(sc, reason);
	if (!ev)
		return;
	buf->suspect |= reason;
	ev->buf_id = buf->id;
	ev->pool_id = buf->proc->pool_id;
	ev->pid = pid_nr(buf->proc->pid);
	ev->uid = from_kuid_munged(&init_user_ns, buf->proc->uid);
	ev->size = buf->size;
	ev->age_ms = div_u64(sc->now - buf->created_ns, NSEC_PER_MSEC);
}

/*
 * Sample @proc's bytes for the growth detector (see the top of the file).
 * The samples live in the proc entry's growth ring.
 */
static void memopt_scan_proc(struct memopt_scan *sc, struct memopt_proc *proc)
{
	struct memopt_growth *g = &proc->growth;
	struct memopt_leak_event *ev;
	u64 threshold, window, oldest_t, oldest_b;
	struct memopt_buf *first;
	unsigned int old;

	if (proc->bytes < g->last) {
		/* Fell back: restart the window, and re-arm the detector. */
		g->n = 0;
		proc->suspect &= ~MEMOPT_LEAK_GROWTH;
	}
	g->last = proc->bytes;
	if (list_empty(&proc->bufs))
		return;
	first = list_first_entry(&proc->bufs, struct memopt_buf, proc_node);
	memopt_pool_growth(first->pool, &threshold, &window);
	window *= NSEC_PER_SEC;
	if (!threshold || sc->now - proc->win_start_ns < window)
		return;
	if (g->n && sc->now - g->t[(g->head + MEMOPT_GROWTH_SLOTS - 1) % MEMOPT_GROWTH_SLOTS] <
	    div_u64(window, MEMOPT_GROWTH_SLOTS - 1))
		return;
	g->t[g->head] = sc->now;
	g->b[g->head] = proc->bytes;
	g->head = (g->head + 1) % MEMOPT_GROWTH_SLOTS;
	g->n = min(g->n + 1, MEMOPT_GROWTH_SLOTS);
	old = (g->head + MEMOPT_GROWTH_SLOTS - g->n) % MEMOPT_GROWTH_SLOTS;
	oldest_t = g->t[old];
	oldest_b = g->b[old];
	if (proc->suspect & MEMOPT_LEAK_GROWTH || sc->now - oldest_t < window ||
	    proc->bytes - oldest_b <= threshold)
		return;
	ev = memopt_scan_event(sc, MEMOPT_LEAK_GROWTH);
	if (!ev)
		return;
	proc->suspect |= MEMOPT_LEAK_GROWTH;
	ev->pool_id = proc->pool_id;
	ev->pid = pid_nr(proc->pid);
	ev->uid = from_kuid_munged(&init_user_ns, proc->uid);
	ev->size = proc->bytes - oldest_b;
	ev->bytes = proc->bytes;
	ev->age_ms = div_u64(sc->now - oldest_t, NSEC_PER_MSEC);
}

/* Buffers the scan examines per hold of the ledger lock. */
#define MEMOPT_SCAN_BATCH	256

/*
 * Every buffer, in batches: between two, the lock is dropped (a user may
 * have very many buffers) with the next buffer pinned by a reference, so
 * that it stays on the list; the pin is dropped once the lock is not held
 * (the last put may free the buffer, which takes the lock).
 */
static void memopt_scan_bufs(struct memopt_scan *sc)
{
	struct memopt_buf *buf, *pin = NULL, *unpin;
	unsigned int n = 0;

	spin_lock(&memopt_ledger_lock);
	buf = list_first_entry(&memopt_ledger_bufs, struct memopt_buf, ledger_node);
	while (!list_entry_is_head(buf, &memopt_ledger_bufs, ledger_node)) {
		if (kref_read(&buf->ref))
			memopt_scan_buf(sc, buf);
		buf = list_next_entry(buf, ledger_node);
		if (++n % MEMOPT_SCAN_BATCH ||
		    list_entry_is_head(buf, &memopt_ledger_bufs, ledger_node) ||
		    !kref_get_unless_zero(&buf->ref))
			continue;
		unpin = pin;
		pin = buf;
		spin_unlock(&memopt_ledger_lock);
		if (unpin)
			memopt_buf_put(unpin);
		cond_resched();
		spin_lock(&memopt_ledger_lock);
	}
	spin_unlock(&memopt_ledger_lock);
	if (pin)
		memopt_buf_put(pin);
}

/* Find new suspects; drop the entries of exited processes holding nothing. */
static void memopt_scan_ledger(struct memopt_scan *sc)
{
	struct memopt_proc *proc, *tmp;
	LIST_HEAD(dead);

	memopt_scan_bufs(sc);
	spin_lock(&memopt_ledger_lock);
	list_for_each_entry_safe(proc, tmp, &memopt_ledger_procs, node) {
		if (!proc->buffers && memopt_proc_exited(proc)) {
			hash_del(&proc->hnode);
			list_move(&proc->node, &dead);
			continue;
		}
		memopt_scan_proc(sc, proc);
	}
	spin_unlock(&memopt_ledger_lock);
	list_for_each_entry_safe(proc, tmp, &dead, node)
		memopt_proc_free(proc);
}

static void memopt_scan_pools(void)
{
	struct memopt_pool *pool;
	u32 id = 1;
	int ev;

	while ((pool = memopt_pool_get_next(&id))) {
		ev = memopt_pool_watermark_event(pool);
		if (ev)
			memopt_nl_pool_event(pool, MEMOPT_CMD_WATERMARK_NTF, ev);
		ev = memopt_pool_exhausted_event(pool);
		if (ev)
			memopt_nl_pool_event(pool, MEMOPT_CMD_EXHAUSTED_NTF, ev);
		memopt_pool_put(pool);
		id++;
	}
}

static void memopt_scan_freed(void)
{
	struct memopt_freed *f, *tmp;
	LIST_HEAD(freed);

	spin_lock(&memopt_ledger_lock);
	list_splice_init(&memopt_ledger_freed, &freed);
	spin_unlock(&memopt_ledger_lock);
	list_for_each_entry_safe(f, tmp, &freed, node) {
		memopt_nl_pool_freed(f->id, f->name);
		kfree(f);
	}
}

static void memopt_scan_fn(struct work_struct *work)
{
	struct memopt_scan *sc = kzalloc(sizeof(*sc), GFP_KERNEL);
	unsigned int i, ms = max(READ_ONCE(scan_interval_ms), 100U);

	memopt_scan_freed();
	memopt_scan_pools();
	if (sc) {
		sc->now = memopt_ledger_now();
		memopt_scan_ledger(sc);
		for (i = 0; i < sc->n; i++)
			memopt_nl_leak_event(&sc->ev[i]);
		if (sc->more)
			ms = 0;
	}
	kfree(sc);
	spin_lock(&memopt_ledger_lock);
	if (memopt_ledger_running)
		mod_delayed_work(system_wq, &memopt_scan_work, msecs_to_jiffies(ms));
	spin_unlock(&memopt_ledger_lock);
}

/**
 * memopt_ledger_init() - start the leak detectors
 *
 * Context: Process context, module init.
 * Return: 0.
 */
int memopt_ledger_init(void)
{
	INIT_DELAYED_WORK(&memopt_scan_work, memopt_scan_fn);
	spin_lock(&memopt_ledger_lock);
	memopt_ledger_running = true;
	mod_delayed_work(system_wq, &memopt_scan_work, 0);
	spin_unlock(&memopt_ledger_lock);
	return 0;
}

/**
 * memopt_ledger_exit() - stop the detectors and free the ledger
 *
 * Every buffer is gone by now (each holder pins the module), so only the
 * entries of processes that held them are left.
 *
 * Context: Process context, module exit.
 */
void memopt_ledger_exit(void)
{
	struct memopt_proc *proc, *ptmp;
	struct memopt_freed *f, *ftmp;

	spin_lock(&memopt_ledger_lock);
	memopt_ledger_running = false;
	spin_unlock(&memopt_ledger_lock);
	cancel_delayed_work_sync(&memopt_scan_work);
	WARN_ON_ONCE(!list_empty(&memopt_ledger_bufs));
	list_for_each_entry_safe(f, ftmp, &memopt_ledger_freed, node)
		kfree(f);
	INIT_LIST_HEAD(&memopt_ledger_freed);
	list_for_each_entry_safe(proc, ptmp, &memopt_ledger_procs, node) {
		hash_del(&proc->hnode);
		memopt_proc_free(proc);
	}
	INIT_LIST_HEAD(&memopt_ledger_procs);
}
