#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The fuzzer (selftests/memopt/fuzz.c) in the guest, bounded for "make
# check": /dev/memopt from two processes, then /dev/memopt and netlink
# from three; both must end with every result allowed, every process
# ended as expected and the fuzz pools' used blocks at 0; then no pool is
# left and memopt unloads. Then the fault injection passes of
# scripts/guest/fault.sh (debug kernel; a skip elsewhere) and, on the
# debug kernel, a kmemleak scan.
# Usage (guest script): fuzz.sh [SEED [OPS [RATES [FAULT_OPS [selftests]]]]];
# seeds default to fixed values so that a run is reproducible; each pass
# prints its seed. RATES: the fault passes' probabilities in percent,
# comma-separated (default 1,10,50; "make check" runs one pass).
# FAULT_OPS: operations per fuzz worker in a fault pass (default 1000).
# "selftests": each rate also runs the selftests under injection
# (fault.sh's fault_selftests_pass; "make soak").
# Needs /memopt/bin/fuzz and /memopt/fault.sh in the initramfs.
. /memopt/lib.sh

seed=${1:-1}
ops=${2:-1500}
FAULT_RATES=$(echo "${3:-1,10,50}" | tr , ' ')
FAULT_OPS=${4:-1000}
FAULT_SEED=$((seed + 2))	# the fault passes' seeds follow the two above
[ "${5:-}" = selftests ] && FAULT_SELFTESTS=1
export FAULT_RATES FAULT_OPS FAULT_SELFTESTS FAULT_SEED

kmemleak_clear

t_begin fuzz-load
t_check "insmod memopt.ko" insmod /memopt/kmod/memopt.ko
t_check "the fuzzer is there" test -x /memopt/bin/fuzz
t_end

run_tap fuzz/ioctl /memopt/bin/fuzz --seed "$seed" --ops "$ops" --procs 2
run_tap fuzz/netlink /memopt/bin/fuzz --seed $((seed + 1)) --ops "$ops" --procs 3 --netlink

t_begin fuzz-unload
t_check "no pool is left" sh -c 'memoptctl pool list | grep -qx "no pools"'
t_check "rmmod memopt" rmmod memopt
t_end

. /memopt/fault.sh

if [ "$MEMOPT_KERNEL" = debug ]; then
	t_begin fuzz-kmemleak
	kmemleak_checks "after the fuzz runs"
	t_end
fi

exit "$MEMOPT_FAILED"
