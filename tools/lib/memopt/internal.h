/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libmemopt internals shared by its source files. Nothing here is
 * exported: the library is built with -fvisibility=hidden, and only the
 * functions marked LIBMEMOPT_API (and listed in libmemopt.map) are
 * visible to applications.
 */
#ifndef LIBMEMOPT_INTERNAL_H
#define LIBMEMOPT_INTERNAL_H

#define LIBMEMOPT_API	__attribute__((visibility("default")))

/**
 * struct memopt_session - an open /dev/memopt
 * @fd: the device, opened O_RDWR | O_CLOEXEC
 */
struct memopt_session {
	int fd;
};

int libmemopt_ioctl(const struct memopt_session *s, unsigned long cmd, void *arg);

#endif /* LIBMEMOPT_INTERNAL_H */
