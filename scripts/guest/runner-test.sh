#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side of the VM runner's own test (scripts/check.sh, suite "runner").
# Usage: runner-test.sh WARN EXIT [SLEEP]
#   WARN  1 to raise a kernel WARNING, 0 not to
#   EXIT  the status this script exits with
#   SLEEP seconds to sleep first (to exercise the runner's timeout)
warn=$1 status=$2 nap=${3:-0}
insmod /memopt/kmod/memopt_warn.ko warn="$warn" || exit 10
rmmod memopt_warn || exit 11
[ "$nap" -gt 0 ] && sleep "$nap"
exit "$status"
