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

/* Multicast group carrying events: pool created, changed, destroyed. */
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
 * @MEMOPT_CMD_POOL_DELETE_NTF: notification on "monitor": a pool was destroyed
 * @__MEMOPT_CMD_CNT: number of commands
 * @MEMOPT_CMD_MAX: highest command number
 *
 * Notifications carry the same attributes as a %MEMOPT_CMD_POOL_GET reply.
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

	/* add new attributes above here */
	__MEMOPT_A_STATS_CNT,
	MEMOPT_A_STATS_MAX = __MEMOPT_A_STATS_CNT - 1
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
 * or a dma-buf from another exporter; flags not 0), EMFILE (no free handle).
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
