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
run memoptctl module show
say ""
say "2. Memory comes from pools of fixed-size blocks. Create one for video"
say "   frames: 4 KiB blocks, 64 of them reserved up front, at most 65536:"
run memoptctl pool create --name frames --size 4k --min 64 --max 65536
say ""
say "3. A pool created with only a size gets a name from the kernel:"
run memoptctl pool create --size 2M
say ""
say "4. Everyone may look; the table is for people, -j for programs:"
run memoptctl pool list
run memoptctl -j pool show frames
say ""
say "5. Sizing at run time: raise the reserve to 64 MiB, set an alert watermark and"
say "   the age at which a buffer counts as a leak suspect:"
run memoptctl pool set frames --min 16384 --watermark 80 --leak-age 5m
say ""
say "6. Mistakes are refused by the kernel, which says why, and memoptctl"
say "   names the option (exit status 1; usage errors exit 2):"
run memoptctl pool create --size 5000
run memoptctl pool create --name frames --size 4k
say ""
say "7. Destroying pools gives their memory back to the system:"
say "    MemFree before: $(sed -n 's/^MemFree: *//p' /proc/meminfo)"
run memoptctl pool destroy frames
run memoptctl pool destroy pool2
say "    MemFree after:  $(sed -n 's/^MemFree: *//p' /proc/meminfo)"
run memoptctl pool list
run rmmod memopt
say ""
say "Next in memopt: buffers from these pools that processes mmap and share"
say "without copying, statistics, and leak reports."
say ""
test ! -e /dev/memopt
