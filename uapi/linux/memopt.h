/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * memopt: pooled, zero-copy, refcounted memory buffers.
 *
 * User-space ABI of memopt.ko: the /dev/memopt character device and the
 * "memopt" generic netlink family. Everything here is stable ABI: fields
 * and values are only ever added, never renumbered or removed.
 */
#ifndef _UAPI_LINUX_MEMOPT_H
#define _UAPI_LINUX_MEMOPT_H

/* Name of the misc device node, /dev/memopt. */
#define MEMOPT_DEVICE_NAME	"memopt"

/* Generic netlink family name and protocol version. */
#define MEMOPT_GENL_NAME	"memopt"
#define MEMOPT_GENL_VERSION	1

/* Multicast group carrying pool, watermark and leak events. */
#define MEMOPT_MCGRP_MONITOR	"monitor"

#endif /* _UAPI_LINUX_MEMOPT_H */
