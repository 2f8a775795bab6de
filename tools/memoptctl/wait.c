// SPDX-License-Identifier: GPL-2.0
/*
 * Waiting for a file descriptor, a timeout or a stop signal, without the
 * race between checking a flag and going to sleep: the stop signals are
 * blocked except inside ppoll().
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "wait.h"

static volatile sig_atomic_t stop;
static sigset_t wait_mask;	/* the mask while waiting: stop signals open */
static sigset_t saved_mask;	/* the mask before stop_catch() */
static struct sigaction saved_int, saved_term;
static bool catching;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

void stop_catch(void)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	if (catching)
		return;
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &saved_int);
	sigaction(SIGTERM, &sa, &saved_term);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &saved_mask);
	wait_mask = saved_mask;
	sigdelset(&wait_mask, SIGINT);
	sigdelset(&wait_mask, SIGTERM);
	catching = true;
}

void stop_release(void)
{
	if (!catching)
		return;
	/* A stop signal pending now is caught here, and counts. */
	sigprocmask(SIG_SETMASK, &saved_mask, NULL);
	sigaction(SIGINT, &saved_int, NULL);
	sigaction(SIGTERM, &saved_term, NULL);
	catching = false;
}

bool stop_requested(void)
{
	return stop;
}

uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int wait_fd(int fd, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint64_t end = timeout_ms < 0 ? 0 : now_ms() + (uint64_t)timeout_ms;
	struct timespec ts, *tsp;
	uint64_t left, now;
	int ret;

	for (;;) {
		if (stop)
			return -EINTR;
		tsp = NULL;
		if (timeout_ms >= 0) {
			now = now_ms();
			left = end > now ? end - now : 0;
			ts.tv_sec = (time_t)(left / 1000);
			ts.tv_nsec = (long)(left % 1000) * 1000000;
			tsp = &ts;
		}
		ret = ppoll(&pfd, fd >= 0 ? 1 : 0, tsp, catching ? &wait_mask : NULL);
		if (ret > 0)
			return 1;
		if (ret == 0)
			return 0;
		if (errno != EINTR)
			return -errno;
	}
}
