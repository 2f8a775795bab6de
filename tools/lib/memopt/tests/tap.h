/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal TAP producer for libmemopt's tests: "ok N DESC" or
 * "not ok N DESC", diagnostics as "# " lines, the plan "1..N" last, and an
 * exit status of 1 when anything failed (tap_done()).
 */
#ifndef LIBMEMOPT_TAP_H
#define LIBMEMOPT_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

/* tap_ok: report one result; returns cond so that callers can chain. */
__attribute__((format(printf, 2, 3)))
static inline int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!cond)
		tap_failed = 1;
	return cond;
}

/* tap_ret: an int result (0 or a negative errno) compared with want. */
#define tap_ret(got, want, what) ({					\
	int _g = (got), _w = (want);					\
	if (_g != _w)							\
		printf("# got %d (%s), wanted %d (%s)\n", _g,		\
		       _g < 0 ? strerror(-_g) : "-", _w,		\
		       _w < 0 ? strerror(-_w) : "-");			\
	tap_ok(_g == _w, "%s", what);					\
})

__attribute__((format(printf, 2, 3)))
static inline void tap_skip(const char *why, const char *fmt, ...)
{
	va_list ap;

	printf("ok %d ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", why);
	fflush(stdout);
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed;
}

#endif /* LIBMEMOPT_TAP_H */
