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
say "7. Applications allocate buffers from a pool and share them without copying."
say "   memopt-producer (tools/examples, built on libmemopt) allocates a ring of"
say "   8 buffers of 1 MiB, exports each once as a read-only dma-buf and passes the"
say "   fds over a unix socket to memopt-consumer, which imports them. From then on"
say "   only \"buffer i holds n bytes\" and \"buffer i is free\" cross the socket; the"
say "   producer writes the data straight into the buffers and the consumer checks"
say "   every byte where it lies. A pool with 1 MiB blocks; before, nothing in use:"
run memoptctl pool create --name stream --size 1M --max 64
say ""
say "   Stream 64 MiB; the producer pauses halfway for 3 s, holding its ring:"
say "    \$ memopt-consumer --socket /tmp/stream.sock &"
memopt-consumer --socket /tmp/stream.sock >/tmp/consumer.out 2>&1 &
consumer=$!
say "    \$ memopt-producer --socket /tmp/stream.sock --pool stream --bytes 64M --pause 3 &"
memopt-producer --socket /tmp/stream.sock --pool stream --bytes 64M --pause 3 >/tmp/producer.out 2>&1 &
producer=$!
sleep 2
say "   During: the ring's 8 blocks are in use, shared by both processes:"
run memoptctl pool show stream
wait $producer
wait $consumer
say "   Both ends print a result line (the pause counts in its figures); the hashes"
say "   match, and the consumer checked every byte:"
sed 's/^/    /' /tmp/producer.out /tmp/consumer.out >&3
say "   After: nothing in use; the pool keeps a few blocks cached for the next user:"
run memoptctl pool show stream
say ""
say "   Throughput, without the pause: through the shared buffers, then the same"
say "   stream through a pipe (a FIFO), with the same work to generate and check the"
say "   data plus a copy into the kernel and one out of it:"
say "    \$ memopt-consumer & memopt-producer --pool stream --bytes 64M"
memopt-consumer >/tmp/consumer.out 2>&1 &
consumer=$!
memopt-producer --pool stream --bytes 64M >/dev/null 2>&1
wait $consumer
grep '^result' /tmp/consumer.out | sed 's/^/    /' >&3
say "    \$ memopt-consumer --pipe /tmp/fifo & memopt-producer --pipe /tmp/fifo --bytes 64M"
memopt-consumer --pipe /tmp/fifo >/tmp/consumer.out 2>&1 &
consumer=$!
memopt-producer --pipe /tmp/fifo --bytes 64M >/dev/null 2>&1
wait $consumer
grep '^result' /tmp/consumer.out | sed 's/^/    /' >&3
run memoptctl pool destroy stream
say ""
say "8. Who holds the memory, and is it a leak? memopt keeps a ledger of every"
say "   buffer: its owner, its label, and who holds it now. Give a pool a leak age"
say "   of 3 s, watch the events, and start a process that leaks: memopt-hold (a"
say "   test helper) plays a camera application that maps 4 frames and forgets them."
run memoptctl pool create --name camera --size 64k --max 256 --leak-age 3s
say "    \$ memoptctl monitor &"
memoptctl monitor >/tmp/monitor.out 2>&1 &
monitor=$!
say "    \$ memopt-hold --count 4 --size 262144 --label frames --map camera &"
memopt-hold --count 4 --size 262144 --label frames --map camera >/tmp/hold.out 2>&1 &
holder=$!
sleep 6
say "   The pool's figures, then every buffer with its owner and holders:"
run memoptctl stats camera
run memoptctl buf list --pool camera
say "   The leak report, worst first, names the process, the label and the age:"
run memoptctl leak report
memoptctl leak report >/tmp/report.out 2>&1
say "   And the monitor announced each suspicion as it came, once:"
kill $monitor
wait $monitor
sed 's/^/    /' /tmp/monitor.out >&3
kill $holder
wait $holder
say ""
say "9. Destroying pools gives their memory back to the system:"
say "    MemFree before: $(sed -n 's/^MemFree: *//p' /proc/meminfo)"
run memoptctl pool destroy camera
run memoptctl pool destroy frames
run memoptctl pool destroy pool2
say "    MemFree after:  $(sed -n 's/^MemFree: *//p' /proc/meminfo)"
run memoptctl pool list
run rmmod memopt
say ""
# The demo fails unless the leak was both reported and announced.
grep -q 'label "frames"' /tmp/report.out &&
	grep -q 'memopt-hold' /tmp/report.out &&
	grep -q '^leak suspected' /tmp/monitor.out &&
	test ! -e /dev/memopt
