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

memfree() { sed -n 's/^MemFree: *\([0-9]*\) kB/\1/p' /proc/meminfo; }

t_begin memoptctl-pool
t_check "create with only --size: the kernel names it" sh -c \
	'memoptctl pool create --size 4096 >/tmp/o && grep -qE "^created pool pool[0-9]+ \(id [0-9]+; no --name given, so the kernel named it\)" /tmp/o'
id=$(sed -n 's/^created pool pool\([0-9]*\) .*/\1/p' /tmp/o)
t_check "destroy it by id" sh -c "memoptctl pool destroy $id | grep -q '^destroyed pool pool$id (id $id)'"
t_check "create frames with --min 64 --max 65536" \
	memoptctl pool create --name frames --size 4k --min 64 --max 65536
memoptctl pool show frames >/tmp/o
t_check "show reports 64 reserved blocks" has /tmp/o "^  reserve \(min\) +64 blocks, 256 KiB$"
t_check "show reports the max" has /tmp/o "^  max +65536 blocks, 256 MiB$"
t_check "show reports 64 blocks held" has /tmp/o "^  blocks +64 total: 0 used, 64 cached"
memoptctl -j pool show frames >/tmp/o
t_check "-j show: exact numbers" has /tmp/o '"block_size":4096,"min":64,"max":65536'
t_check "-j show: reserve in the stats" has /tmp/o '"blocks_reserved":64'
memoptctl -j -p pool show frames >/tmp/o
t_check "-j -p pretty prints" has /tmp/o '^  "name": "frames",$'
memoptctl pool create --name video --size 2M >/dev/null
memoptctl pool create --name net --size 64K --max 10 >/dev/null
memoptctl pool list >/tmp/o
t_check "list: a header" has /tmp/o "^ID +NAME +BLOCK +MIN +MAX +USED +CACHED +MEMORY$"
t_check "list: frames aligned, in KiB" has /tmp/o "^[0-9]+ +frames +4 KiB +64 +65536 +0 +64 +256 KiB$"
t_check "list: 2M block size" has /tmp/o "^[0-9]+ +video +2 MiB +0 +- +0 +0 +0 B$"
t_check "list: 64K block size" has /tmp/o "^[0-9]+ +net +64 KiB +0 +10 "
memoptctl -j pool list >/tmp/o
t_check "-j list is an array of pools" has /tmp/o '^\[ *\{ *"id":[0-9]+,"name":"frames"'
memoptctl pool set frames --min 128 --watermark 80 --leak-age 5m >/tmp/o
t_check "set prints the changed pool" has /tmp/o "^  leak age +5m$"
memoptctl pool show frames >/tmp/o
t_check "set grew the reserve" has /tmp/o "^  reserve \(min\) +128 blocks, 512 KiB$"
t_check "set kept max" has /tmp/o "^  max +65536 blocks"
t_check "set: watermark shown" has /tmp/o "^  watermark +80% of max$"

memoptctl pool create --name owned --size 4k --uid nobody --gid nogroup --mode 0640 >/tmp/o
t_check "create --uid/--gid/--mode: shown with names" has /tmp/o \
	"^  access +uid 65534 \(nobody\), gid 65534 \(nogroup\), mode 0640$"
memoptctl pool show frames >/tmp/o
t_check "a pool is owned by its creator, mode 0660" has /tmp/o "^  access +uid 0 \(root\), gid 0 \(root\), mode 0660$"
memoptctl pool set owned --mode 600 >/dev/null
memoptctl -j pool show owned >/tmp/o
t_check "set --mode, in JSON as a number" has /tmp/o '"uid":65534,"gid":65534,"mode":384'
memoptctl pool destroy owned >/dev/null
memoptctl -j pool create --name json1 --size 8k --min 2 >/tmp/o
t_check "-j create prints the new pool" has /tmp/o '^\{"id":[0-9]+,"name":"json1","block_size":8192,"min":2,'
memoptctl -j pool set json1 --max 9 >/tmp/o
t_check "-j set prints the changed pool" has /tmp/o '"min":2,"max":9,'
memoptctl -j pool destroy json1 >/tmp/o
t_check "-j destroy says so" has /tmp/o '"name":"json1".*"destroyed":true'

t_expect_rc 1 "a duplicate name fails" memoptctl pool create --name frames --size 4k
memoptctl pool create --name frames --size 4k 2>/tmp/o
t_check "... saying why, naming --name" has /tmp/o "^Error: a pool with this name exists \(--name\)\.$"
memoptctl pool create --size 5000 2>/tmp/o
t_check "a size that is no page multiple: the kernel's reason" has /tmp/o \
	"^Error: block size must be a non-zero multiple of the page size \(--size\)\.$"
memoptctl pool create --size 8M 2>/tmp/o
t_check "a size above 4 MiB: the policy's reason, naming --size" has /tmp/o \
	"^Error: integer out of range \(--size\)\.$"
memoptctl pool create --size 4k --min 10 --max 5 2>/tmp/o
t_check "min above max, naming --min" has /tmp/o "^Error: min exceeds max \(--min\)\.$"
memoptctl pool create --name "pool9" --size 4k 2>/tmp/o
t_check "a reserved name" has /tmp/o "^Error: names of the form pool<N> are reserved for unnamed pools \(--name\)\.$"
t_expect_rc 1 "an unknown pool fails" memoptctl pool show nosuch
memoptctl pool show nosuch 2>/tmp/o
t_check "... naming it" has /tmp/o "^Error: no pool with this name \(POOL\)\.$"
memoptctl pool destroy 999999 2>/tmp/o
t_check "an unknown id" has /tmp/o "^Error: no pool with this id \(POOL\)\.$"
t_expect_rc 2 "create without --size is a usage error" memoptctl pool create --name x
t_expect_rc 2 "a bad size is a usage error" memoptctl pool create --size 4q
t_expect_rc 2 "an unknown option is a usage error" memoptctl pool create --size 4k --colour
t_expect_rc 2 "set with nothing to set is a usage error" memoptctl pool set frames
t_expect_rc 2 "a pool's size cannot be set" memoptctl pool set frames --size 8k

su -s /bin/sh nobody -c "/memopt/bin/memoptctl pool list" >/tmp/o 2>&1 && rc=0 || rc=$?
t_check "unprivileged: list works" sh -c "[ $rc -eq 0 ] && grep -q frames /tmp/o"
su -s /bin/sh nobody -c "/memopt/bin/memoptctl pool create --size 4k" >/tmp/o 2>&1 && rc=0 || rc=$?
t_check "unprivileged: create fails with exit 1" test "$rc" -eq 1
t_check "... and says why" has /tmp/o "^Error: Operation not permitted \(changing pools needs CAP_NET_ADMIN\)\.$"

# 128 MiB, within 2%: the per-CPU free lists MemFree does not count hold
# up to ~27 MiB per CPU either way, yet a pool that was not given back
# would be off by far more than 2% (~40 MiB of 2 GiB).
before=$(memfree)
memoptctl pool create --name big --size 64K --min 2048 >/dev/null
during=$(memfree)
memoptctl pool destroy big >/dev/null
after=$(memfree)
echo "    MemFree: before $before kB, with a 128 MiB pool $during kB, after $after kB"
t_check "a 128 MiB pool takes 128 MiB" test $((before - during)) -ge $((120 * 1024))
diff=$((before - after)); [ $diff -lt 0 ] && diff=$((-diff))
t_check "destroy gives it back (MemFree within 2%)" test $diff -le $((before / 50))

for p in frames video net; do memoptctl pool destroy "$p" >/dev/null; done
memoptctl pool list >/tmp/o
t_check "no pool left" has /tmp/o "^no pools$"
t_end

# memoptctl's ledger, statistics and events (cli-* suites).
. /memopt/cli-ledger.sh

# memoptctl apply (pool files), batch mode, destroy --wait interrupted,
# commands without the module (cli-apply, cli-batch, cli-destroy-sigint,
# cli-module-unloaded: it unloads and reloads the module).
. /memopt/cli-apply.sh

# pool_used POOL: the pool's blocks in use, from memoptctl's JSON.
pool_used() { memoptctl -j pool show "$1" | sed -n 's/.*"blocks_used":\([0-9]*\).*/\1/p'; }

# libmemopt against the module: every function, sharing with another
# process, read-only exports (tools/lib/memopt/tests/device_test.c). Its
# pool: 64 KiB blocks, at most 8, as the test expects.
memoptctl pool create --name libtest --size 64K --max 8 >/dev/null
run_tap libmemopt libmemopt_device_test libtest
t_begin libmemopt-pool
t_check "libmemopt tests: the pool's used count is back to 0" test "$(pool_used libtest)" = 0
t_check "... and the pool can be destroyed" memoptctl pool destroy libtest
t_end

# gone PID: wait up to 10 s for a process to be gone (reaped: by us with
# wait, or by init for one whose parent exited).
gone() {
	i=0
	while [ -d "/proc/$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	! [ -d "/proc/$1" ]
}

# ready FILE: wait up to 10 s for memopt-hold's "ready" line.
ready() {
	i=0
	while ! grep -q '^ready ' "$1" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	grep -q '^ready ' "$1"
}

refused() { ! rmmod memopt 2>/dev/null && test -c /dev/memopt; }

t_begin unload-busy
# Every kind of holder pins the module: rmmod fails while one exists.
sleep 600 3</dev/memopt &
s=$!
# The child opens the device itself: wait until it has.
i=0
while [ "$(readlink /proc/$s/fd/3 2>/dev/null)" != /dev/memopt ] && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
t_check "a process holds a session" test "$(readlink /proc/$s/fd/3)" = /dev/memopt
t_check "an open session: rmmod is refused, the device stays" refused
kill $s
wait $s
t_check "... the session's process is gone" gone $s
memoptctl pool create --name busy --size 4k >/dev/null
memopt-hold --map busy >/tmp/ub.o &
h=$!
t_check "a process holding a mapped buffer is ready" ready /tmp/ub.o
t_check "a buffer and its mapping: rmmod is refused" refused
kill $h
wait $h
t_check "... the holder is gone" gone $h
memopt-hold --orphan busy >/tmp/ub.o
c=$(sed -n 's/^ready [0-9]* child \([0-9]*\).*/\1/p' /tmp/ub.o)
t_check "only dma-bufs in another process hold a buffer" test -n "$c"
t_check "exported dma-bufs alone: rmmod is refused" refused
kill "$c"
t_check "... their process is gone" gone "$c"
t_check "with no holder left the pool is empty and can go" memoptctl pool destroy busy
t_end

t_begin unload
# 128 MiB, within 2%: freed pages first fill the per-CPU free lists, which
# MemFree does not count (up to ~27 MiB per CPU on the stock kernels), so a
# small pool could not be told from a leak.
before=$(memfree)
t_check "create a 128 MiB pool to leave behind" \
	memoptctl pool create --name left-behind --size 64K --min 2048
during=$(memfree)
t_check "it takes 128 MiB" test $((before - during)) -ge $((120 * 1024))
t_check "rmmod memopt, with a 128 MiB pool left" rmmod memopt
after=$(memfree)
echo "    MemFree: before $before kB, with the pool $during kB, after rmmod $after kB"
diff=$((before - after)); [ $diff -lt 0 ] && diff=$((-diff))
t_check "unloading freed the pool (MemFree back within 2%)" test $diff -le $((before / 50))
t_check "/dev/memopt is gone" sh -c '! test -e /dev/memopt'
t_expect_rc 1 "memoptctl module show fails once unloaded" memoptctl module show
t_end

# stream MODE MIB [PRODUCER_OPTIONS...]: memopt-consumer and memopt-producer
# move MIB MiB in MODE: memopt (import), dmabuf (the consumer maps the
# dma-bufs itself) or pipe (a FIFO). Output in /tmp/producer.out and
# /tmp/consumer.out; fails unless both exit 0 with the same hash.
stream() {
	local mode=$1 mib=$2 ep="--socket /tmp/stream.sock" copt= popt="--pool stream" pid crc prc
	shift 2
	case $mode in
	dmabuf) copt=--mmap ;;
	pipe) ep="--pipe /tmp/stream.fifo" popt= ;;
	esac
	# shellcheck disable=SC2086
	memopt-consumer $ep $copt >/tmp/consumer.out 2>&1 &
	pid=$!
	# shellcheck disable=SC2086
	memopt-producer $ep $popt --bytes "${mib}M" "$@" >/tmp/producer.out 2>&1 && prc=0 || prc=$?
	# A producer that failed may never have reached the consumer: end it.
	[ "$prc" -eq 0 ] || kill $pid 2>/dev/null
	wait $pid && crc=0 || crc=$?
	cat /tmp/producer.out /tmp/consumer.out
	[ "$prc" -eq 0 ] && [ "$crc" -eq 0 ] &&
		[ "$(result_field producer.out hash)" = "$(result_field consumer.out hash)" ]
}

# result_field FILE KEY: KEY's value in FILE's result line (/tmp/FILE).
result_field() { sed -n "s/^result .*$2=\([^ ]*\).*/\1/p" "/tmp/$1"; }

# stream_run MODE MIB: one run, its consumer's rate added to /tmp/MODE.rates
# and its hash to /tmp/hashes.
stream_run() {
	stream "$1" "$2" || return 1
	result_field consumer.out mib_s >>"/tmp/$1.rates"
	result_field consumer.out hash >>/tmp/hashes
}

# best MODE: the highest rate of MODE's runs.
best() { sort -n "/tmp/$1.rates" | tail -n 1; }

# stream_pause: a stream paused halfway; the ring is counted while it waits.
stream_pause() {
	local pid ppid used i=0 rc=0
	memopt-consumer --socket /tmp/stream.sock >/dev/null 2>&1 &
	pid=$!
	memopt-producer --socket /tmp/stream.sock --pool stream --bytes 16M --pause 3 \
		>/tmp/pause.out 2>&1 &
	ppid=$!
	# Counted while it says it is paused, not at a guessed moment.
	while ! grep -q "paused halfway" /tmp/pause.out && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
	grep -q "paused halfway" /tmp/pause.out || { kill $ppid $pid 2>/dev/null; rc=1; }
	used=$(pool_used stream)
	wait $ppid || { kill $pid 2>/dev/null; rc=1; }
	wait $pid || rc=1
	echo "blocks used while paused: $used"
	[ $rc -eq 0 ] && [ "$used" = 8 ]
}

# stream_corrupt: the producer flips byte 3000000; the consumer must say so.
stream_corrupt() {
	! stream memopt 4 --corrupt 3000000 &&
		grep -q "^memopt-consumer: byte 3000000 of the stream " /tmp/consumer.out
}

# The stream examples (tools/examples): MIB MiB, byte-exact, through 8
# shared 1 MiB buffers and through a FIFO, three runs each, alternating, in
# one boot; the best rate of each and their ratio are recorded. The debug
# kernel (KASAN) moves 32 MiB. This suite runs last, in a load of its own:
# its gigabyte of cross-CPU page traffic (pipe pages allocated on one CPU,
# freed on the other) grows the per-CPU page lists, which MemFree does not
# count, by tens of MiB, and would upset the MemFree checks above.
MIB=256
[ "$MEMOPT_KERNEL" = debug ] && MIB=32
t_begin examples
t0=$(date +%s)
rm -f /tmp/memopt.rates /tmp/pipe.rates /tmp/hashes
t_check "insmod memopt.ko (again)" insmod /memopt/kmod/memopt.ko
t_check "create pool stream (1 MiB blocks)" memoptctl pool create --name stream --size 1M --max 64
for run in 1 2 3; do
	t_check "memopt: $MIB MiB through 8 shared 1 MiB buffers arrive byte-exact (run $run)" \
		stream_run memopt $MIB
	t_check "pipe: the same $MIB MiB through a FIFO arrive byte-exact (run $run)" \
		stream_run pipe $MIB
done
t_check "every run carried the same stream (hash $(head -n 1 /tmp/hashes))" \
	test "$(sort -u /tmp/hashes | wc -l)" -eq 1 -a "$(wc -l </tmp/hashes)" -eq 6
ratio=$(awk -v a="$(best memopt)" -v b="$(best pipe)" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
line="stream $MIB MiB on $MEMOPT_KERNEL, best of 3: memopt $(best memopt) MiB/s, pipe $(best pipe) MiB/s, ratio $ratio (runs: memopt $(echo $(cat /tmp/memopt.rates)), pipe $(echo $(cat /tmp/pipe.rates)))"
echo "# $line" >&3
echo "    $line"
t_check "dmabuf: the consumer maps the dma-bufs itself, no session (16 MiB)" stream dmabuf 16
t_check "a corrupted byte is caught: the consumer fails, naming it" stream_corrupt
t_check "paused mid-stream, the pool holds the 8-buffer ring" stream_pause
t_check "the pool's used count is back to 0" test "$(pool_used stream)" = 0
t_check "the pool can be destroyed" memoptctl pool destroy stream
t_check "rmmod memopt" rmmod memopt
echo "    examples took $(( $(date +%s) - t0 )) s"
t_end

if [ "$MEMOPT_KERNEL" = debug ]; then
	t_begin kmemleak
	kmemleak_checks "after unload"
	t_end
fi

exit "$MEMOPT_FAILED"
