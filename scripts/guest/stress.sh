#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The stress run (selftests/memopt/stress.c) in the guest: workers on both
# CPUs allocate, map, share, free, exit and are killed for SECONDS while
# pools are resized, destroyed and re-created over netlink and a memory hog
# makes reclaim run memopt's shrinker; the program itself checks that the
# stress pools' used blocks are back to 0, that the ledger holds none of
# their buffers and that the shrinker gave blocks back. Then: no pool is
# left, memoptctl shows no buffer, process or pool, memopt unloads and, on
# the debug kernel, kmemleak finds nothing.
# Usage (guest script): stress.sh [SECONDS [PROCS [SEED]]] (default 60 8 1;
# "make check" runs a short one, "make soak" a long one).
# Needs /memopt/bin/stress in the initramfs.
. /memopt/lib.sh

seconds=${1:-60}
procs=${2:-8}
seed=${3:-1}

kmemleak_clear

t_begin stress-load
t_check "both CPUs online" test "$(grep -c ^processor /proc/cpuinfo)" -ge 2
t_check "insmod memopt.ko" insmod /memopt/kmod/memopt.ko
t_check "the stress program is there" test -x /memopt/bin/stress
t_end

run_tap stress /memopt/bin/stress --seconds "$seconds" --procs "$procs" --seed "$seed"

t_begin stress-unload
t_check "no pool is left" sh -c 'memoptctl pool list | grep -qx "no pools"'
t_check "memoptctl shows no buffer" sh -c 'memoptctl buf list | grep -qx "no buffers"'
t_check "memoptctl shows no process holding buffers" \
	sh -c 'memoptctl proc list | grep -qx "no processes hold buffers"'
t_check "rmmod memopt" rmmod memopt
t_check "the device is gone" test ! -e /dev/memopt
t_end

if [ "$MEMOPT_KERNEL" = debug ]; then
	t_begin stress-kmemleak
	kmemleak_checks "after the stress run"
	t_end
fi

exit "$MEMOPT_FAILED"
