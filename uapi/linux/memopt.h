/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * memopt: pooled, zero-copy, refcounted memory buffers.
 *
 * User-space ABI of memopt.ko: the /dev/memopt character device and the
 * "memopt" generic netlink family. Everything here is stable ABI: values
 * are only ever added, never renumbered or removed. The netlink family is
 * also described by Documentation/netlink/specs/memopt.yaml.
 */
#ifndef _UAPI_LINUX_MEMOPT_H
#define _UAPI_LINUX_MEMOPT_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Name of the misc device node, /dev/memopt. */
#define MEMOPT_DEVICE_NAME	"memopt"

/* Generic netlink family name and protocol version. */
#define MEMOPT_GENL_NAME	"memopt"
#define MEMOPT_GENL_VERSION	1

/*
 * Multicast group carrying events: pool created, changed, destroyed, freed;
 * watermark crossed; pool exhausted; leak suspected.
 */
#define MEMOPT_MCGRP_MONITOR	"monitor"

/* Pool names: 1 to 31 printable ASCII characters, no space. */
#define MEMOPT_POOL_NAME_SIZE	32
/* Block sizes: a multiple of the page size, at most 4 MiB. */
#define MEMOPT_BLOCK_SIZE_MAX	(4U << 20)
/* Alert watermark: percent of the pool's max. */
#define MEMOPT_WATERMARK_MAX	100
/* Pool permission bits (rwxrwxrwx; allocation needs w), and the default. */
#define MEMOPT_POOL_MODE_MAX	0777
#define MEMOPT_POOL_MODE_DEFAULT	0660

/**
 * enum memopt_cmd - generic netlink commands of the "memopt" family
 * @MEMOPT_CMD_UNSPEC: not used
 * @MEMOPT_CMD_POOL_NEW: create a pool (admin). Requires
 *	%MEMOPT_A_POOL_BLOCK_SIZE; optional name, min, max, watermark, leak
 *	age, uid, gid, mode. Replies with the new pool, as
 *	%MEMOPT_CMD_POOL_GET does.
 * @MEMOPT_CMD_POOL_DEL: destroy a pool (admin), by id or name. A pool with
 *	blocks in use is unlisted at once and freed when its last block returns.
 * @MEMOPT_CMD_POOL_SET: change min, max, watermark, leak age, uid, gid or
 *	mode (admin), by id or name. Replies with the pool.
 * @MEMOPT_CMD_POOL_GET: one pool, by id or name; or, as a dump, every pool.
 * @MEMOPT_CMD_POOL_CREATE_NTF: notification on "monitor": a pool was created
 * @MEMOPT_CMD_POOL_CHANGE_NTF: notification on "monitor": a pool was changed
 * @MEMOPT_CMD_POOL_DELETE_NTF: notification on "monitor": a pool was
 *	destroyed; with %MEMOPT_A_POOL_DYING when buffers still hold it
 * @MEMOPT_CMD_BUF_GET: dump of live buffers (&enum memopt_a_buf), filtered
 *	by any of %MEMOPT_A_BUF_POOL_ID, %MEMOPT_A_BUF_OWNER_PID,
 *	%MEMOPT_A_BUF_LABEL and %MEMOPT_A_BUF_AGE_MS (a minimum age)
 * @MEMOPT_CMD_PROC_GET: dump of per-process figures per pool
 *	(&enum memopt_a_proc), filtered by %MEMOPT_A_PROC_POOL_ID and
 *	%MEMOPT_A_PROC_PID
 * @MEMOPT_CMD_LEAK_GET: dump of leak suspects (&enum memopt_a_leak)
 * @MEMOPT_CMD_POOL_FREED_NTF: notification on "monitor": a destroyed pool
 *	was freed and its memory given back (id and name): right after its
 *	delete notification, or when its last buffer goes
 * @MEMOPT_CMD_WATERMARK_NTF: notification on "monitor": a pool's use crossed
 *	its watermark, %MEMOPT_A_POOL_EVENT says which way
 * @MEMOPT_CMD_EXHAUSTED_NTF: notification on "monitor": allocations from a
 *	pool fail, %MEMOPT_A_POOL_EVENT says why (at most one a second a pool)
 * @MEMOPT_CMD_LEAK_NTF: notification on "monitor": a leak is suspected
 *	(&enum memopt_a_leak); each suspicion is announced once
 * @__MEMOPT_CMD_CNT: number of commands
 * @MEMOPT_CMD_MAX: highest command number
 *
 * Pool notifications carry the same attributes as a %MEMOPT_CMD_POOL_GET
 * reply. Buffers, processes and leaks of other users are only dumped to
 * CAP_SYS_ADMIN; others see their own uid's.
 */
enum memopt_cmd {
	MEMOPT_CMD_UNSPEC,
	MEMOPT_CMD_POOL_NEW,
	MEMOPT_CMD_POOL_DEL,
	MEMOPT_CMD_POOL_SET,
	MEMOPT_CMD_POOL_GET,
	MEMOPT_CMD_POOL_CREATE_NTF,
	MEMOPT_CMD_POOL_CHANGE_NTF,
	MEMOPT_CMD_POOL_DELETE_NTF,
	MEMOPT_CMD_BUF_GET,
	MEMOPT_CMD_PROC_GET,
	MEMOPT_CMD_LEAK_GET,
	MEMOPT_CMD_POOL_FREED_NTF,
	MEMOPT_CMD_WATERMARK_NTF,
	MEMOPT_CMD_EXHAUSTED_NTF,
	MEMOPT_CMD_LEAK_NTF,

	/* add new commands above here */
	__MEMOPT_CMD_CNT,
	MEMOPT_CMD_MAX = __MEMOPT_CMD_CNT - 1
};

/**
 * enum memopt_a_pool - attributes of a pool
 * @MEMOPT_A_POOL_UNSPEC: not used
 * @MEMOPT_A_POOL_PAD: padding for 64-bit attributes
 * @MEMOPT_A_POOL_ID: u32, the pool's id (assigned by the kernel, from 1)
 * @MEMOPT_A_POOL_NAME: string, unique name; "pool<ID>" when none is given
 *	(names of that form are reserved for it)
 * @MEMOPT_A_POOL_BLOCK_SIZE: u32, bytes per block: a multiple of the page
 *	size, at most %MEMOPT_BLOCK_SIZE_MAX
 * @MEMOPT_A_POOL_MIN: u32, blocks kept allocated at all times (the reserve)
 * @MEMOPT_A_POOL_MAX: u32, most blocks the pool may hold; 0: no pool
 *	limit (the module's global cap still applies)
 * @MEMOPT_A_POOL_WATERMARK: u32, alert watermark in percent of max (of the
 *	global cap when max is 0), 0: off
 * @MEMOPT_A_POOL_LEAK_AGE: u32, seconds after which a live buffer is
 *	suspected of leaking, 0: off
 * @MEMOPT_A_POOL_STATS: nest, &enum memopt_a_stats (replies only)
 * @MEMOPT_A_POOL_UID: u32, the pool's owner (default: the creator's uid)
 * @MEMOPT_A_POOL_GID: u32, the pool's group (default: the creator's gid)
 * @MEMOPT_A_POOL_MODE: u32, permission bits, at most 0777 (default 0660):
 *	allocating from the pool needs write permission, checked like a
 *	file's against the allocating process's fsuid, fsgid and groups
 * @MEMOPT_A_POOL_GROWTH: u64, bytes: a process whose buffers in this pool
 *	grew by more than this over the growth window, without falling back to
 *	where the window started, is a leak suspect; 0: off
 * @MEMOPT_A_POOL_GROWTH_WINDOW: u32, seconds, the growth window (default 60)
 * @MEMOPT_A_POOL_DYING: flag, the pool was destroyed but buffers still
 *	hold it (in %MEMOPT_CMD_POOL_DEL replies and delete notifications)
 * @MEMOPT_A_POOL_EVENT: u32, &enum memopt_event, in event notifications
 * @__MEMOPT_A_POOL_CNT: number of attributes
 * @MEMOPT_A_POOL_MAX_ATTR: highest attribute number
 */
enum memopt_a_pool {
	MEMOPT_A_POOL_UNSPEC,
	MEMOPT_A_POOL_PAD,
	MEMOPT_A_POOL_ID,
	MEMOPT_A_POOL_NAME,
	MEMOPT_A_POOL_BLOCK_SIZE,
	MEMOPT_A_POOL_MIN,
	MEMOPT_A_POOL_MAX,
	MEMOPT_A_POOL_WATERMARK,
	MEMOPT_A_POOL_LEAK_AGE,
	MEMOPT_A_POOL_STATS,
	MEMOPT_A_POOL_UID,
	MEMOPT_A_POOL_GID,
	MEMOPT_A_POOL_MODE,
	MEMOPT_A_POOL_GROWTH,
	MEMOPT_A_POOL_GROWTH_WINDOW,
	MEMOPT_A_POOL_DYING,
	MEMOPT_A_POOL_EVENT,

	/* add new attributes above here */
	__MEMOPT_A_POOL_CNT,
	MEMOPT_A_POOL_MAX_ATTR = __MEMOPT_A_POOL_CNT - 1
};

/**
 * enum memopt_a_stats - a pool's figures, all u64 (replies only)
 * @MEMOPT_A_STATS_UNSPEC: not used
 * @MEMOPT_A_STATS_PAD: padding for 64-bit attributes
 * @MEMOPT_A_STATS_BLOCKS_TOTAL: blocks the pool holds (used + cached)
 * @MEMOPT_A_STATS_BLOCKS_USED: blocks handed out
 * @MEMOPT_A_STATS_BLOCKS_CACHED: free blocks kept for reuse
 * @MEMOPT_A_STATS_BLOCKS_RESERVED: the reserve (min), in blocks
 * @MEMOPT_A_STATS_SLABS: slabs (page allocations) the blocks are carved from
 * @MEMOPT_A_STATS_BYTES_TOTAL: bytes the pool holds from the page allocator
 * @MEMOPT_A_STATS_ALLOCS: blocks allocated, ever
 * @MEMOPT_A_STATS_FREES: blocks freed, ever
 * @MEMOPT_A_STATS_FAIL_POOL_MAX: allocations refused by the pool's max
 * @MEMOPT_A_STATS_FAIL_GLOBAL_CAP: allocations refused by the global cap
 * @MEMOPT_A_STATS_FAIL_NOMEM: allocations failed by the page allocator
 * @MEMOPT_A_STATS_MAG_HITS: allocations served by a per-CPU magazine
 * @MEMOPT_A_STATS_MAG_MISSES: allocations that went to the shared pool
 * @MEMOPT_A_STATS_ORDER_FALLBACKS: slab page allocations that fell back to
 *	a smaller order than wanted
 * @MEMOPT_A_STATS_SHRINKER_BLOCKS: cached blocks given back under memory
 *	pressure
 * @MEMOPT_A_STATS_BYTES_USED: bytes in blocks handed out
 * @MEMOPT_A_STATS_BYTES_REQUESTED: bytes asked for by the allocations of
 *	live buffers (before rounding up to whole blocks)
 * @MEMOPT_A_STATS_PEAK_USED: the most blocks ever in use at once
 * @MEMOPT_A_STATS_BUFFERS: live buffers
 * @MEMOPT_A_STATS_BYTES_STRANDED: free bytes on the free lists of slabs
 *	that also have blocks out (in use or cached): memory that cannot be
 *	given back while those blocks are out
 * @__MEMOPT_A_STATS_CNT: number of attributes
 * @MEMOPT_A_STATS_MAX: highest attribute number
 */
enum memopt_a_stats {
	MEMOPT_A_STATS_UNSPEC,
	MEMOPT_A_STATS_PAD,
	MEMOPT_A_STATS_BLOCKS_TOTAL,
	MEMOPT_A_STATS_BLOCKS_USED,
	MEMOPT_A_STATS_BLOCKS_CACHED,
	MEMOPT_A_STATS_BLOCKS_RESERVED,
	MEMOPT_A_STATS_SLABS,
	MEMOPT_A_STATS_BYTES_TOTAL,
	MEMOPT_A_STATS_ALLOCS,
	MEMOPT_A_STATS_FREES,
	MEMOPT_A_STATS_FAIL_POOL_MAX,
	MEMOPT_A_STATS_FAIL_GLOBAL_CAP,
	MEMOPT_A_STATS_FAIL_NOMEM,
	MEMOPT_A_STATS_MAG_HITS,
	MEMOPT_A_STATS_MAG_MISSES,
	MEMOPT_A_STATS_ORDER_FALLBACKS,
	MEMOPT_A_STATS_SHRINKER_BLOCKS,
	MEMOPT_A_STATS_BYTES_USED,
	MEMOPT_A_STATS_BYTES_REQUESTED,
	MEMOPT_A_STATS_PEAK_USED,
	MEMOPT_A_STATS_BUFFERS,
	MEMOPT_A_STATS_BYTES_STRANDED,

	/* add new attributes above here */
	__MEMOPT_A_STATS_CNT,
	MEMOPT_A_STATS_MAX = __MEMOPT_A_STATS_CNT - 1
};

/**
 * enum memopt_event - what a pool event notification reports
 * @MEMOPT_EVENT_NONE: not used
 * @MEMOPT_EVENT_WATERMARK_UP: use rose to the watermark or above
 * @MEMOPT_EVENT_WATERMARK_DOWN: use fell below the watermark by more than
 *	%MEMOPT_WATERMARK_HYSTERESIS percentage points
 * @MEMOPT_EVENT_EXHAUSTED_MAX: allocations fail: the pool is at its max
 * @MEMOPT_EVENT_EXHAUSTED_CAP: allocations fail: the global cap is reached
 * @MEMOPT_EVENT_EXHAUSTED_NOMEM: allocations fail: the system is out of memory
 */
enum memopt_event {
	MEMOPT_EVENT_NONE,
	MEMOPT_EVENT_WATERMARK_UP,
	MEMOPT_EVENT_WATERMARK_DOWN,
	MEMOPT_EVENT_EXHAUSTED_MAX,
	MEMOPT_EVENT_EXHAUSTED_CAP,
	MEMOPT_EVENT_EXHAUSTED_NOMEM,
};

/* A watermark is re-armed once use falls this many points below it. */
#define MEMOPT_WATERMARK_HYSTERESIS	5

/**
 * enum memopt_holder_kind - who holds a buffer
 * @MEMOPT_HOLDER_NONE: not used
 * @MEMOPT_HOLDER_HANDLE: handles in /dev/memopt sessions opened by a process
 * @MEMOPT_HOLDER_MAPPING: mappings in a process's address space
 * @MEMOPT_HOLDER_DMABUF: exported dma-bufs (their fds may be anywhere)
 * @MEMOPT_HOLDER_KERNEL: kernel users
 */
enum memopt_holder_kind {
	MEMOPT_HOLDER_NONE,
	MEMOPT_HOLDER_HANDLE,
	MEMOPT_HOLDER_MAPPING,
	MEMOPT_HOLDER_DMABUF,
	MEMOPT_HOLDER_KERNEL,
};

/**
 * enum memopt_a_holder - one kind of holder of a buffer, in one process
 * @MEMOPT_A_HOLDER_UNSPEC: not used
 * @MEMOPT_A_HOLDER_KIND: u32, &enum memopt_holder_kind
 * @MEMOPT_A_HOLDER_PID: u32, the process (handles, mappings); 0 when it is
 *	not known (a mapping whose process could not be told)
 * @MEMOPT_A_HOLDER_COMM: string, the process's name
 * @MEMOPT_A_HOLDER_COUNT: u32, how many of this kind in this process
 * @__MEMOPT_A_HOLDER_CNT: number of attributes
 * @MEMOPT_A_HOLDER_MAX: highest attribute number
 */
enum memopt_a_holder {
	MEMOPT_A_HOLDER_UNSPEC,
	MEMOPT_A_HOLDER_KIND,
	MEMOPT_A_HOLDER_PID,
	MEMOPT_A_HOLDER_COMM,
	MEMOPT_A_HOLDER_COUNT,

	/* add new attributes above here */
	__MEMOPT_A_HOLDER_CNT,
	MEMOPT_A_HOLDER_MAX = __MEMOPT_A_HOLDER_CNT - 1
};

/* Leak suspicion reasons (bits of %MEMOPT_A_BUF_SUSPECT, %MEMOPT_A_LEAK_REASON). */
#define MEMOPT_LEAK_AGE		0x1U	/* older than the pool's leak age */
#define MEMOPT_LEAK_ORPHAN	0x2U	/* its owner exited, others hold it */
#define MEMOPT_LEAK_GROWTH	0x4U	/* a process's holdings keep growing */

/**
 * enum memopt_a_buf - attributes of a live buffer (%MEMOPT_CMD_BUF_GET)
 * @MEMOPT_A_BUF_UNSPEC: not used
 * @MEMOPT_A_BUF_PAD: padding for 64-bit attributes
 * @MEMOPT_A_BUF_ID: u64, the buffer's id (as MEMOPT_IOC_INFO's buf_id)
 * @MEMOPT_A_BUF_POOL_ID: u32, its pool (also a dump filter)
 * @MEMOPT_A_BUF_SIZE: u64, bytes (whole blocks)
 * @MEMOPT_A_BUF_REQUESTED: u64, bytes asked for
 * @MEMOPT_A_BUF_OWNER_PID: u32, the allocating process (also a filter)
 * @MEMOPT_A_BUF_OWNER_COMM: string, its name when it allocated
 * @MEMOPT_A_BUF_OWNER_UID: u32, its uid
 * @MEMOPT_A_BUF_OWNER_EXITED: flag, the owner has exited
 * @MEMOPT_A_BUF_AGE_MS: u64, milliseconds since allocation (as a filter:
 *	the minimum age)
 * @MEMOPT_A_BUF_LABEL: string, the label, absent when none (as a filter:
 *	exact match)
 * @MEMOPT_A_BUF_HOLDER: nest, &enum memopt_a_holder, once per kind and
 *	process
 * @MEMOPT_A_BUF_SUSPECT: u32, MEMOPT_LEAK_* bits the buffer is suspected of
 * @__MEMOPT_A_BUF_CNT: number of attributes
 * @MEMOPT_A_BUF_MAX: highest attribute number
 */
enum memopt_a_buf {
	MEMOPT_A_BUF_UNSPEC,
	MEMOPT_A_BUF_PAD,
	MEMOPT_A_BUF_ID,
	MEMOPT_A_BUF_POOL_ID,
	MEMOPT_A_BUF_SIZE,
	MEMOPT_A_BUF_REQUESTED,
	MEMOPT_A_BUF_OWNER_PID,
	MEMOPT_A_BUF_OWNER_COMM,
	MEMOPT_A_BUF_OWNER_UID,
	MEMOPT_A_BUF_OWNER_EXITED,
	MEMOPT_A_BUF_AGE_MS,
	MEMOPT_A_BUF_LABEL,
	MEMOPT_A_BUF_HOLDER,
	MEMOPT_A_BUF_SUSPECT,

	/* add new attributes above here */
	__MEMOPT_A_BUF_CNT,
	MEMOPT_A_BUF_MAX = __MEMOPT_A_BUF_CNT - 1
};

/**
 * enum memopt_a_proc - one process's figures in one pool (%MEMOPT_CMD_PROC_GET)
 * @MEMOPT_A_PROC_UNSPEC: not used
 * @MEMOPT_A_PROC_PAD: padding for 64-bit attributes
 * @MEMOPT_A_PROC_PID: u32, the process (thread group id; also a filter)
 * @MEMOPT_A_PROC_COMM: string, its name
 * @MEMOPT_A_PROC_UID: u32, its uid
 * @MEMOPT_A_PROC_POOL_ID: u32, the pool (also a filter)
 * @MEMOPT_A_PROC_BUFFERS: u64, its live buffers
 * @MEMOPT_A_PROC_BYTES: u64, their bytes
 * @MEMOPT_A_PROC_PEAK_BYTES: u64, the most bytes it ever held at once
 * @MEMOPT_A_PROC_ALLOCS: u64, buffers it allocated
 * @MEMOPT_A_PROC_FREES: u64, of those, buffers that went back to the pool
 * @MEMOPT_A_PROC_OLDEST_MS: u64, age of its oldest live buffer, in ms
 * @MEMOPT_A_PROC_EXITED: flag, the process has exited
 * @MEMOPT_A_PROC_SUSPECT: u32, %MEMOPT_LEAK_GROWTH when its holdings are
 *	suspected of growing without bound
 * @MEMOPT_A_PROC_GROWTH: u64, bytes its holdings grew by over the growth
 *	window (growth suspects only)
 * @__MEMOPT_A_PROC_CNT: number of attributes
 * @MEMOPT_A_PROC_MAX: highest attribute number
 */
enum memopt_a_proc {
	MEMOPT_A_PROC_UNSPEC,
	MEMOPT_A_PROC_PAD,
	MEMOPT_A_PROC_PID,
	MEMOPT_A_PROC_COMM,
	MEMOPT_A_PROC_UID,
	MEMOPT_A_PROC_POOL_ID,
	MEMOPT_A_PROC_BUFFERS,
	MEMOPT_A_PROC_BYTES,
	MEMOPT_A_PROC_PEAK_BYTES,
	MEMOPT_A_PROC_ALLOCS,
	MEMOPT_A_PROC_FREES,
	MEMOPT_A_PROC_OLDEST_MS,
	MEMOPT_A_PROC_EXITED,
	MEMOPT_A_PROC_SUSPECT,
	MEMOPT_A_PROC_GROWTH,

	/* add new attributes above here */
	__MEMOPT_A_PROC_CNT,
	MEMOPT_A_PROC_MAX = __MEMOPT_A_PROC_CNT - 1
};

/**
 * enum memopt_a_leak - a leak suspicion (%MEMOPT_CMD_LEAK_GET, _LEAK_NTF)
 * @MEMOPT_A_LEAK_UNSPEC: not used
 * @MEMOPT_A_LEAK_REASON: u32, MEMOPT_LEAK_* bits: why (a notification
 *	carries the one new reason; a dump all of them)
 * @MEMOPT_A_LEAK_BUF: nest, &enum memopt_a_buf: the buffer (age, orphan)
 * @MEMOPT_A_LEAK_PROC: nest, &enum memopt_a_proc: the process (growth)
 * @__MEMOPT_A_LEAK_CNT: number of attributes
 * @MEMOPT_A_LEAK_MAX: highest attribute number
 *
 * Notifications carry only ids, sizes, ages, pids and uids (no names or
 * labels): the monitor group is open to every user.
 */
enum memopt_a_leak {
	MEMOPT_A_LEAK_UNSPEC,
	MEMOPT_A_LEAK_REASON,
	MEMOPT_A_LEAK_BUF,
	MEMOPT_A_LEAK_PROC,

	/* add new attributes above here */
	__MEMOPT_A_LEAK_CNT,
	MEMOPT_A_LEAK_MAX = __MEMOPT_A_LEAK_CNT - 1
};

/*
 * /dev/memopt ioctls.
 *
 * Every open() of /dev/memopt is a session; buffers are named by per-session
 * handles (from 1), never by global names, and shared between processes as
 * dma-buf fds (MEMOPT_IOC_EXPORT, MEMOPT_IOC_IMPORT). A buffer is mapped with
 * mmap(fd, len, prot, MAP_SHARED, session_fd, mmap_offset + off): off a
 * page-aligned offset inside the buffer, off + len not beyond its end;
 * MAP_SHARED only, never PROT_EXEC. The offset is only valid in the
 * session that holds the handle. Each argument is a struct of
 * naturally aligned __u32/__u64 fields whose size is part of the ioctl
 * number: a program built against an older, shorter struct keeps working,
 * and a newer, longer one works as long as the fields this kernel does not
 * know are zero (E2BIG otherwise). Unknown commands and sizes below the
 * first published one fail with ENOTTY; unknown flags and non-zero
 * reserved fields with EINVAL.
 */
#define MEMOPT_IOC_MAGIC	0xBA
/* Labels: up to 31 printable ASCII characters, NUL-terminated. */
#define MEMOPT_LABEL_SIZE	32

/**
 * struct memopt_alloc - MEMOPT_IOC_ALLOC: allocate a buffer from a pool
 * @pool_id: in: the pool (see MEMOPT_IOC_POOL_LOOKUP)
 * @flags: in: none defined yet (MEMOPT_ALLOC_VALID_FLAGS), must be 0
 * @size: in: bytes wanted, rounded up to whole blocks; not 0
 * @handle: out: the buffer's handle in this session
 * @reserved: must be 0
 * @size_actual: out: bytes allocated (whole blocks)
 * @mmap_offset: out: mmap() the buffer at this offset of this session's fd
 *
 * The buffer's contents are zero. Errors: ENOENT (no such pool), EACCES
 * (the pool's owner and mode do not allow it), EINVAL (size 0, or more
 * than the pool can ever hold), ENOSPC (the pool is at its max), ENOMEM.
 */
struct memopt_alloc {
	__u32 pool_id;
	__u32 flags;
	__u64 size;
	__u32 handle;
	__u32 reserved;
	__u64 size_actual;
	__u64 mmap_offset;
};

#define MEMOPT_ALLOC_VALID_FLAGS	0

/**
 * struct memopt_free - MEMOPT_IOC_FREE: drop a handle
 * @handle: in: the handle
 * @flags: in: none defined yet, must be 0
 *
 * The buffer lives on while anything else holds it: a mapping, an exported
 * dma-buf, another session. Errors: ENOENT (no such handle).
 */
struct memopt_free {
	__u32 handle;
	__u32 flags;
};

/**
 * struct memopt_info - MEMOPT_IOC_INFO: what a handle refers to
 * @handle: in: the handle
 * @flags: in: none defined yet, must be 0
 * @pool_id: out: the pool the buffer's blocks come from
 * @block_size: out: the pool's block size
 * @size: out: the buffer's size in bytes
 * @mmap_offset: out: where to mmap() it in this session
 * @buf_id: out: the buffer's id, the same in every session and in leak
 *	reports
 * @label: out: the buffer's label, "" when none was set
 * @handle_flags: out: MEMOPT_HANDLE_RDONLY if this handle may only be
 *	mapped for reading (it was imported from a read-only dma-buf)
 * @reserved: out: 0
 *
 * @handle_flags and @reserved were added after the first version of this
 * struct; a caller built against the 72-byte version still works.
 */
struct memopt_info {
	__u32 handle;
	__u32 flags;
	__u32 pool_id;
	__u32 block_size;
	__u64 size;
	__u64 mmap_offset;
	__u64 buf_id;
	char label[MEMOPT_LABEL_SIZE];
	__u32 handle_flags;
	__u32 reserved;
};

/* The handle maps read-only and exports only with MEMOPT_EXPORT_RDONLY. */
#define MEMOPT_HANDLE_RDONLY		0x1U

/**
 * struct memopt_set_label - MEMOPT_IOC_SET_LABEL: name a buffer for reports
 * @handle: in: the handle
 * @flags: in: none defined yet, must be 0
 * @label: in: up to 31 printable ASCII characters, NUL-terminated; "" clears
 *
 * Errors: ENOENT (no such handle), EINVAL (no NUL, or a character that is
 * not printable).
 */
struct memopt_set_label {
	__u32 handle;
	__u32 flags;
	char label[MEMOPT_LABEL_SIZE];
};

/**
 * struct memopt_pool_lookup - MEMOPT_IOC_POOL_LOOKUP: a pool by name
 * @name: in: the pool's name, NUL-terminated
 * @pool_id: out: its id, for MEMOPT_IOC_ALLOC
 * @block_size: out: its block size
 *
 * For applications that do not speak netlink. Errors: ENOENT (no such
 * pool), EINVAL (no NUL in @name).
 */
struct memopt_pool_lookup {
	char name[MEMOPT_POOL_NAME_SIZE];
	__u32 pool_id;
	__u32 block_size;
};

/**
 * struct memopt_export - MEMOPT_IOC_EXPORT: a buffer as a dma-buf fd
 * @handle: in: the handle
 * @flags: in: MEMOPT_EXPORT_CLOEXEC (the fd is close-on-exec),
 *	MEMOPT_EXPORT_RDONLY (the fd is opened read-only: it, and any handle
 *	imported from it, can only be mapped for reading)
 * @fd: out: a new dma-buf file descriptor
 * @reserved: must be 0
 *
 * The dma-buf holds the buffer until its last fd and mapping are gone. It
 * can be passed to another process (SCM_RIGHTS), mapped with mmap()
 * (MAP_SHARED, never PROT_EXEC), synchronised with DMA_BUF_IOCTL_SYNC,
 * imported into any session with MEMOPT_IOC_IMPORT, and attached by any
 * dma-buf importing driver. Errors: ENOENT (no such handle), EINVAL
 * (unknown flags, reserved not 0), EACCES (a read-only handle exported
 * without MEMOPT_EXPORT_RDONLY), EMFILE (no free fd), ENOMEM.
 */
struct memopt_export {
	__u32 handle;
	__u32 flags;
	__s32 fd;
	__u32 reserved;
};

#define MEMOPT_EXPORT_CLOEXEC		0x1U
#define MEMOPT_EXPORT_RDONLY		0x2U
#define MEMOPT_EXPORT_VALID_FLAGS	(MEMOPT_EXPORT_CLOEXEC | MEMOPT_EXPORT_RDONLY)

/**
 * struct memopt_import - MEMOPT_IOC_IMPORT: a new handle for a dma-buf fd
 * @fd: in: a dma-buf fd exported by memopt (MEMOPT_IOC_EXPORT)
 * @flags: in: none defined yet, must be 0
 * @handle: out: a new handle in this session; each import gives a new one
 * @handle_flags: out: MEMOPT_HANDLE_RDONLY if @fd is read-only
 * @size: out: the buffer's size in bytes
 * @mmap_offset: out: mmap() the buffer at this offset of this session's fd
 *
 * Holding the fd is the permission: the pool's owner and mode are not
 * checked again. The new handle holds the buffer on its own; @fd may be
 * closed. Errors: EBADF (@fd is not open), EINVAL (@fd is not a dma-buf,
 * or a dma-buf from another exporter; flags not 0), EMFILE (no free handle),
 * ENOMEM.
 */
struct memopt_import {
	__s32 fd;
	__u32 flags;
	__u32 handle;
	__u32 handle_flags;
	__u64 size;
	__u64 mmap_offset;
};

#define MEMOPT_IOC_ALLOC	_IOWR(MEMOPT_IOC_MAGIC, 0x00, struct memopt_alloc)
#define MEMOPT_IOC_FREE		_IOW(MEMOPT_IOC_MAGIC, 0x01, struct memopt_free)
#define MEMOPT_IOC_INFO		_IOWR(MEMOPT_IOC_MAGIC, 0x02, struct memopt_info)
#define MEMOPT_IOC_SET_LABEL	_IOW(MEMOPT_IOC_MAGIC, 0x03, struct memopt_set_label)
#define MEMOPT_IOC_POOL_LOOKUP	_IOWR(MEMOPT_IOC_MAGIC, 0x04, struct memopt_pool_lookup)
#define MEMOPT_IOC_EXPORT	_IOWR(MEMOPT_IOC_MAGIC, 0x05, struct memopt_export)
#define MEMOPT_IOC_IMPORT	_IOWR(MEMOPT_IOC_MAGIC, 0x06, struct memopt_import)

#endif /* _UAPI_LINUX_MEMOPT_H */
