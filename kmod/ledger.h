/* SPDX-License-Identifier: GPL-2.0 */
/* The leak ledger: who holds which buffer. See ledger.c. */
#ifndef _MEMOPT_LEDGER_H
#define _MEMOPT_LEDGER_H

#include <linux/hashtable.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uidgid.h>

struct memopt_buf;
struct mm_struct;
struct pid;

/**
 * struct memopt_holder - holders of one kind in one process
 * @node: on the buffer's holder list (buffer lock)
 * @kind: &enum memopt_holder_kind
 * @pid: the process: for handles the session's opener (borrowed: the
 *	session holds it, and drops its handles first), else a reference; NULL
 *	for dma-bufs, and for mappings copied into a child by fork() until a
 *	dump finds the process that owns @mm
 * @mm: for mappings, the address space they are in (an identity only:
 *	the record goes before the mappings do)
 * @count: how many
 * @inline_slot: the record is one of the buffer's inline ones (not kmalloc'd)
 */
struct memopt_holder {
	struct list_head node;
	int kind;
	struct pid *pid;
	struct mm_struct *mm;
	unsigned int count;
	bool inline_slot;
};

/* Holder records kept in the buffer itself: the usual handle and mapping. */
#define MEMOPT_INLINE_HOLDERS	2

/* Growth samples kept per process and pool, spread over the window. */
#define MEMOPT_GROWTH_SLOTS	16

/**
 * struct memopt_growth - the growth detector's samples of one entry
 * @t: sample times (ktime_get_ns()), a ring
 * @b: bytes at those times
 * @head: the next slot to write
 * @n: valid samples
 * @last: bytes at the previous scan (a fall restarts the window)
 */
struct memopt_growth {
	u64 t[MEMOPT_GROWTH_SLOTS];
	u64 b[MEMOPT_GROWTH_SLOTS];
	unsigned int head;
	unsigned int n;
	u64 last;
};

/**
 * struct memopt_leak_event - a new suspicion, as announced
 * @reason: one MEMOPT_LEAK_* bit
 * @pool_id: the pool
 * @buf_id: the buffer (age, orphan), 0 for growth
 * @pid: the owner (age, orphan) or the growing process
 * @uid: its uid
 * @size: the buffer's bytes; for growth, the bytes grown over the window
 * @bytes: for growth, the process's bytes now
 * @age_ms: the buffer's age; for growth, the span of the samples
 */
struct memopt_leak_event {
	u32 reason;
	u32 pool_id;
	u64 buf_id;
	u32 pid;
	u32 uid;
	u64 size;
	u64 bytes;
	u64 age_ms;
};

/**
 * struct memopt_proc - one process's buffers in one pool
 * @hnode: in the ledger's hash, by pool id and @pid
 * @node: on the ledger's list of entries, oldest first
 * @seq: creation order, the dump cursor
 * @pool_id: the pool
 * @pid: the process (thread group), a reference
 * @uid: its real uid when it first allocated
 * @comm: its name then
 * @bufs: its live buffers in the ledger, oldest first
 * @buffers: how many
 * @bytes: their bytes
 * @peak: the most @bytes ever
 * @allocs: buffers it allocated
 * @frees: of those, buffers released
 * @win_start_ns: the first allocation: growth is sampled a window later
 * @growth: the growth detector's samples
 * @suspect: MEMOPT_LEAK_GROWTH once reported, until the bytes fall
 *
 * All fields are protected by the ledger lock.
 */
struct memopt_proc {
	struct hlist_node hnode;
	struct list_head node;
	u64 seq;
	u32 pool_id;
	struct pid *pid;
	kuid_t uid;
	char comm[TASK_COMM_LEN];
	struct list_head bufs;
	u64 buffers;
	u64 bytes;
	u64 peak;
	u64 allocs;
	u64 frees;
	u64 win_start_ns;
	struct memopt_growth growth;
	u32 suspect;
};

/*
 * The ledger's clock, in ns: jiffies, which are cheaper to read than
 * ktime_get_ns() on the allocation path and fine enough for ages.
 */
static inline u64 memopt_ledger_now(void)
{
	return jiffies64_to_nsecs(get_jiffies_64());
}

/* For the ledger's own files (ledger.c, ledger_nl.c). */
extern spinlock_t memopt_ledger_lock;
extern struct list_head memopt_ledger_bufs;
extern struct list_head memopt_ledger_procs;

int memopt_ledger_init(void);
void memopt_ledger_exit(void);
void memopt_ledger_kick(void);
void memopt_ledger_pool_freed(u32 id, const char *name);

int memopt_ledger_add(struct memopt_buf *buf, struct pid *handle_owner);
void memopt_ledger_del(struct memopt_buf *buf);

int memopt_holder_get(struct memopt_buf *buf, int kind, struct pid *pid,
		      struct mm_struct *mm);
void memopt_holder_put(struct memopt_buf *buf, int kind, struct pid *pid,
		       struct mm_struct *mm);
bool memopt_ledger_put_last(struct memopt_buf *buf, int kind, struct pid *pid,
			    struct mm_struct *mm);
unsigned int memopt_holders_counted(struct memopt_buf *buf);
struct pid *memopt_holder_pid(struct memopt_holder *h);

bool memopt_proc_exited(const struct memopt_proc *proc);

#endif /* _MEMOPT_LEDGER_H */
