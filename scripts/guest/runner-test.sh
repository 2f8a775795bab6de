#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side of the VM runner's own test (scripts/check.sh, suite "runner").
# Usage: runner-test.sh WARN EXIT [SLEEP [LEAK]]
#   WARN  1 to raise a kernel WARNING, 0 not to
#   EXIT  the status this script exits with
#   SLEEP seconds to sleep first (to exercise the runner's timeout)
#   LEAK  1 to leak an allocation and run a kmemleak scan (debug kernel)
. /memopt/lib.sh
warn=$1 status=$2 nap=${3:-0} leak=${4:-0}
kmemleak_clear
insmod /memopt/kmod/memopt_warn.ko warn="$warn" leak="$leak" || exit 10
rmmod memopt_warn || exit 11
[ "$nap" -gt 0 ] && sleep "$nap"
if [ "$leak" = 1 ]; then
	sleep 5
	kmemleak_scan
fi
exit "$status"
