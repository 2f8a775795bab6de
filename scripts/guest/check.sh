#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The test suite run inside each VM by "make check": load memopt, run the
# KUnit suites (debug kernel), the selftests and the CLI checks, unload,
# and on the debug kernel end with a kmemleak scan.
. /memopt/lib.sh

kmemleak_clear

t_begin load
t_check "insmod memopt.ko" insmod /memopt/kmod/memopt.ko
t_check "/dev/memopt is a character device" test -c /dev/memopt
t_check "memoptctl module show finds the family" memoptctl module show
t_end

kunit=0
for ko in /memopt/kmod/tests/*.ko; do
	[ -e "$ko" ] || continue
	kunit=1
	run_kunit "$ko"
done
if [ "$MEMOPT_KERNEL" = debug ] && [ "$kunit" -eq 0 ]; then
	t_begin kunit
	t_check "KUnit test modules were built for the debug kernel" false
	t_end
fi

for t in /memopt/selftests/*_test; do
	run_tap "selftests/$(basename "$t")" "$t"
done

t_begin memoptctl
t_check "memoptctl -V prints its version" sh -c 'memoptctl -V | grep -q "^memoptctl [0-9]"'
t_check "memoptctl -h prints usage" sh -c 'memoptctl -h | grep -q "^Usage: memoptctl"'
t_expect_rc 2 "an unknown object is a usage error" memoptctl bogus
t_expect_rc 2 "an unknown command is a usage error" memoptctl module bogus
t_expect_rc 2 "no object is a usage error" memoptctl
t_end

t_begin unload
t_check "rmmod memopt" rmmod memopt
t_check "/dev/memopt is gone" sh -c '! test -e /dev/memopt'
t_expect_rc 1 "memoptctl module show fails once unloaded" memoptctl module show
t_end

if [ "$MEMOPT_KERNEL" = debug ]; then
	t_begin kmemleak
	sleep 5	# kmemleak ignores objects younger than 5 s
	leaks=$(kmemleak_scan) && scanned=0 || scanned=$?
	[ -n "$leaks" ] && echo "$leaks"
	t_check "kmemleak can scan" test "$scanned" -eq 0
	t_check "kmemleak scan after unload is empty" test -z "$leaks"
	t_end
fi

exit "$MEMOPT_FAILED"
