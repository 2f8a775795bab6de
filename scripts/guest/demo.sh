#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side of "make demo": a short guided tour. The narrative goes to the
# results channel (fd 3), which scripts/demo.sh shows as it arrives.
say() { echo "$*" >&3; }

# run CMD...: show the command as a user would type it, then its output.
run() {
	say "    \$ $*"
	"$@" 2>&1 | sed 's/^/    /' >&3
}

say ""
say "memopt demo, inside QEMU: Linux $(uname -r), $(nproc) CPUs"
say ""
say "1. Load the module. memopt is an ordinary out-of-tree module:"
run insmod /memopt/kmod/memopt.ko
say "    (kernel log) $(dmesg | grep 'memopt: loaded' | tail -n 1 | sed 's/^\[[^]]*\] //')"
say ""
say "2. Applications reach memopt through a character device; each open()"
say "   is a session that will hold its buffers:"
run ls -l /dev/memopt
say ""
say "3. Administrators drive it over generic netlink with memoptctl:"
run memoptctl module show
say ""
say "4. Unloading removes the device and the netlink family:"
run rmmod memopt
run memoptctl module show
say ""
say "That is the whole of memopt today: a module that loads, registers"
say "/dev/memopt and the \"memopt\" netlink family, and unloads cleanly."
say "Pools, zero-copy sharing, statistics and leak reports come next."
say ""
test ! -e /dev/memopt
