/* SPDX-License-Identifier: GPL-2.0 */
/* Waiting for a file descriptor, a timeout or SIGINT/SIGTERM. */
#ifndef _MEMOPTCTL_WAIT_H
#define _MEMOPTCTL_WAIT_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Make SIGINT and SIGTERM end the command cleanly: from now on they are
 * only delivered inside wait_fd(), which then returns -EINTR, and
 * stop_requested() says so.
 */
void stop_catch(void);
/*
 * Undo stop_catch() (batch mode, between commands): a stop signal that came
 * meanwhile still makes stop_requested() true.
 */
void stop_release(void);
bool stop_requested(void);
/*
 * Wait until @fd is readable (no fd when @fd < 0), @timeout_ms passed (-1:
 * no timeout), or a stop signal came. Returns 1, 0 or -EINTR respectively;
 * another -errno if the wait itself failed.
 */
int wait_fd(int fd, int timeout_ms);
/* CLOCK_MONOTONIC in milliseconds. */
uint64_t now_ms(void);

#endif
