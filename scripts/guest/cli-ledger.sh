#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# memoptctl's ledger, statistics and events end to end, in the guest, with
# memopt.ko loaded (by scripts/guest/check.sh, which sources this file):
# stats (text, JSON, Prometheus, --watch), buf list and its filters, proc,
# leak report / snapshot / diff, monitor, and pool destroy --wait.
# Self-contained: its pools are named cl-*, its buffers are held by
# memopt-hold (tools/memoptctl/tests/memopt-hold.c), and it leaves no pool,
# buffer or process behind. Needs the module's default scan interval (1 s).
# Sourced: results go through lib.sh's helpers, failures into MEMOPT_FAILED.
command -v t_begin >/dev/null 2>&1 || . /memopt/lib.sh

# before FILE PATTERN1 PATTERN2: the first match of 1 comes before the first of 2.
before() {
	a=$(grep -nE -- "$2" "$1" | head -n 1 | cut -d: -f1)
	b=$(grep -nE -- "$3" "$1" | head -n 1 | cut -d: -f1)
	[ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ] && return 0
	echo "/$2/ (line ${a:-none}) is not before /$3/ (line ${b:-none}) in:"
	cat "$1"
	return 1
}

# poll SECONDS PATTERN CMD...: run CMD each second until its output matches.
poll() {
	s=$1 p=$2 i=0
	shift 2
	while :; do
		"$@" >/tmp/cl.poll 2>&1
		grep -qE -- "$p" /tmp/cl.poll && return 0
		i=$((i + 1))
		if [ $i -gt "$s" ]; then
			echo "after ${s}s, no line matches /$p/ in the output of $*:"
			cat /tmp/cl.poll
			return 1
		fi
		sleep 1
	done
}

# hold NAME ARGS...: memopt-hold ARGS in the background, waited for until
# ready; sets hold_pid (and hold_child). Its output is /tmp/cl.NAME.
CL_PIDS=
hold() {
	name=$1
	shift
	memopt-hold "$@" >/tmp/cl.$name 2>&1 &
	if ! wait_match /tmp/cl.$name '^ready' 20; then
		echo "memopt-hold $* never got ready:"
		cat /tmp/cl.$name
		hold_pid= hold_child=
		return 1
	fi
	hold_pid=$(sed -n 's/^ready \([0-9]*\).*/\1/p' /tmp/cl.$name)
	hold_child=$(sed -n 's/^ready [0-9]* child \([0-9]*\)$/\1/p' /tmp/cl.$name)
	CL_PIDS="$CL_PIDS $hold_pid $hold_child"
}

# release PID...: end holders and wait until they are gone: reaped, as a
# zombie still counts as alive to the ledger. Children of this shell are
# waited for; the holders' own children are reaped by init.
release() {
	for p in "$@"; do
		# An empty pid (a holder that never got ready) or 0 would be
		# the whole process group, this script included.
		case $p in ''|0) continue ;; esac
		kill "$p" 2>/dev/null
	done
	for p in "$@"; do
		case $p in ''|0) continue ;; esac
		wait "$p" 2>/dev/null
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 100 ]; do
			i=$((i + 1))
			sleep 0.1
		done
	done
}

pool_id() { memoptctl -j pool show "$1" | sed -n 's/^{"id":\([0-9]*\),.*/\1/p'; }

# monitor_sync FILE NAME PATTERN: create and destroy pool NAME until the
# monitor writing FILE shows PATTERN (it listens), 20 tries at most.
monitor_sync() {
	local i=0
	while [ $i -lt 20 ]; do
		memoptctl pool create --name "$2" --size 4k >/dev/null
		memoptctl pool destroy "$2" >/dev/null
		wait_match "$1" "$3" 1 && return 0
		i=$((i + 1))
	done
	return 1
}

# The whole run's events, from before the first pool on: checked at the end.
memoptctl monitor >/tmp/cl.mon 2>&1 &
CL_MON=$!
monitor_sync /tmp/cl.mon cl-sync 'pool created: cl-sync'
# The same in JSON, for the leak events' fields.
memoptctl -j monitor >/tmp/cl.monall 2>&1 &
CL_MONJ=$!
monitor_sync /tmp/cl.monall cl-syncj '"name":"cl-syncj"'

t_begin cli-pool-growth
t_check "create --growth --growth-window" memoptctl pool create --name cl-g --size 4k \
	--growth 64k --growth-window 30
memoptctl pool show cl-g >/tmp/cl.o
t_check "show: the growth detector" has /tmp/cl.o '^  growth +more than 64 KiB within 30s$'
t_check "show: memory held, used, requested, stranded" has /tmp/cl.o \
	'^  memory +0 B held: 0 B used, 0 B requested, 0 B stranded$'
t_check "show: efficiency and fragmentation undefined on an empty pool" has /tmp/cl.o \
	'^  efficiency +-, fragmentation -$'
memoptctl -j pool show cl-g >/tmp/cl.o
t_check "-j show: growth and window" has /tmp/cl.o '"growth":65536,"growth_window":30,"dying":false'
t_check "-j show: the new figures" has /tmp/cl.o \
	'"bytes_used":0,"bytes_requested":0,"bytes_stranded":0,"peak_used":0,"buffers":0'
memoptctl pool set cl-g --growth 0 >/tmp/cl.o
t_check "set --growth 0 turns it off" has /tmp/cl.o '^  growth +off$'
memoptctl pool set cl-g --growth-window 0 2>/tmp/cl.o
t_check "a growth window of 0: the kernel's reason, naming the option" has /tmp/cl.o \
	'^Error: .* \(--growth-window\)\.$'
memoptctl pool destroy cl-g >/dev/null
t_end

t_begin cli-buf
memoptctl pool create --name cl-buf --size 4k >/dev/null
hold A --count 3 --size 5000 --label cam --map --export --import cl-buf
A=$hold_pid
hold B --count 2 cl-buf
B=$hold_pid
memoptctl buf list --label cam >/tmp/cl.o
t_check "buf list: a header" has /tmp/cl.o '^ID +POOL +SIZE +OWNER +AGE +LABEL +SUSPECT +HOLDERS$'
t_check "--label finds exactly the 3 labelled buffers" count_is /tmp/cl.o ' cam ' 3
t_check "... 5000 bytes asked, 8 KiB held, owned by the holder" count_is /tmp/cl.o \
	"^[0-9]+ +cl-buf +8 KiB +$A \\(memopt-hold\\) +[0-9]+(ms|s) +cam +- +" 3
t_check "... holders: 2 handles, a map, a dma-buf" count_is /tmp/cl.o \
	"2 handles \\(pid $A\\), 1 map \\(pid $A\\), 1 dmabuf\$" 3
for id in $(sed -n 's/^buf \([0-9]*\) .*/\1/p' /tmp/cl.A); do
	grep -qE "^$id +cl-buf " /tmp/cl.o || echo "buffer $id missing" >>/tmp/cl.missing
done
t_check "... with the ids memopt-hold got from MEMOPT_IOC_INFO" test ! -s /tmp/cl.missing
memoptctl buf list --pid "$B" >/tmp/cl.o
t_check "--pid finds exactly that process's 2 buffers" count_is /tmp/cl.o "^[0-9]+ +cl-buf +4 KiB +$B " 2
t_check "... unlabelled" count_is /tmp/cl.o " 4 KiB +$B \\(memopt-hold\\) +[0-9]+(ms|s) +- " 2
memoptctl buf list --pool cl-buf --min-age 1h >/tmp/cl.o
t_check "--min-age 1h: none that old" has /tmp/cl.o '^no buffers$'
memoptctl -j buf list --pool cl-buf >/tmp/cl.o
t_check "-j --pool: the 5 buffers" test "$(grep -o '"owner_comm"' /tmp/cl.o | wc -l)" -eq 5
t_check "-j: every field of a buffer" has /tmp/cl.o \
	"\"pool\":\"cl-buf\",\"size\":8192,\"requested\":5000,\"owner_pid\":$A,\"owner_comm\":\"memopt-hold\",\"owner_uid\":0,\"owner_exited\":false,\"age_ms\":[0-9]+,\"label\":\"cam\",\"holders\":\\[\\{\"kind\":\"handle\",\"pid\":$A,\"comm\":\"memopt-hold\",\"count\":2\\}"
t_check "-j: unlabelled is null" has /tmp/cl.o "\"owner_pid\":$B,.*\"label\":null"
hold F --map --fork --label forked cl-buf
F=$hold_pid FC=$hold_child
memoptctl buf list --label forked >/tmp/cl.o
t_check "a mapping inherited by fork() is the child's" has /tmp/cl.o \
	"1 handle \\(pid $F\\), 1 map \\(pid $F\\), 1 map \\(pid $FC\\)\$"
su -s /bin/sh nobody -c "/memopt/bin/memoptctl buf list" >/tmp/cl.o 2>&1
t_check "unprivileged: root's buffers are not shown" has /tmp/cl.o '^no buffers$'
t_end

t_begin cli-proc
memoptctl proc --pool cl-buf >/tmp/cl.o
t_check "proc: a header" has /tmp/cl.o \
	'^PID +COMM +POOL +BUFFERS +BYTES +PEAK +ALLOCS +FREES +OLDEST +EXITED +SUSPECT$'
t_check "proc: the holder of 3 buffers, 24 KiB" has /tmp/cl.o \
	"^$A +memopt-hold +cl-buf +3 +24 KiB +24 KiB +3 +0 +[0-9]+(ms|s) +no +-\$"
t_check "proc: the holder of 2 buffers, 8 KiB" has /tmp/cl.o \
	"^$B +memopt-hold +cl-buf +2 +8 KiB +8 KiB +2 +0 +[0-9]+(ms|s) +no +-\$"
t_check "proc: most bytes first" before /tmp/cl.o "^$A " "^$B "
memoptctl proc --pool cl-buf --sort pid >/tmp/cl.o
t_check "proc --sort pid: by pid" before /tmp/cl.o "^$A " "^$F "
memoptctl proc --pool cl-buf --sort age >/tmp/cl.o
t_check "proc --sort age: the oldest first" before /tmp/cl.o "^$A " "^$F "
memoptctl proc --pid "$B" >/tmp/cl.o
t_check "proc --pid: that process only" count_is /tmp/cl.o "^[0-9]+ " 1
memoptctl -j proc --pid "$A" >/tmp/cl.o
t_check "-j proc: exact figures" has /tmp/cl.o \
	"\"pid\":$A,\"comm\":\"memopt-hold\",\"uid\":0,\"pool_id\":[0-9]+,\"pool\":\"cl-buf\",\"buffers\":3,\"bytes\":24576,\"peak_bytes\":24576,\"allocs\":3,\"frees\":0,\"oldest_ms\":[0-9]+,\"exited\":false,\"suspect\":\\[\\]"
t_end

t_begin cli-stats
memoptctl pool create --name cl-stat --size 4k --min 8 >/dev/null
SID=$(pool_id cl-stat)
memoptctl stats cl-stat >/tmp/cl.o
t_check "stats POOL: the reserve, all cached" has /tmp/cl.o \
	'^  blocks +8 held: 0 used, 8 cached; reserve 8; 1 slab; peak 0 used$'
t_check "stats POOL: no totals" hasnt /tmp/cl.o '^total'
hold S --count 2 --size 6000 cl-stat
S=$hold_pid
memoptctl -j stats cl-stat >/tmp/cl.o
t_check "-j stats: used, requested, buffers" has /tmp/cl.o \
	'"bytes_used":16384,"bytes_requested":12000,"bytes_stranded":[0-9]+,"peak_used":4,"buffers":2'
total=$(sed -n 's/.*"pools":\[.*"bytes_total":\([0-9]*\),.*/\1/p' /tmp/cl.o)
eff=$(awk -v t="$total" 'BEGIN { printf "%.6g", 12000 / t }')
t_check "-j stats: efficiency = requested / held ($eff)" has /tmp/cl.o "\"efficiency\":$eff,"
memoptctl stats cl-stat >/tmp/cl.o
pct=$(awk -v t="$total" 'BEGIN { printf "%.1f%%", 1200000 / t }')
t_check "stats: efficiency in percent ($pct)" has /tmp/cl.o "^  efficiency +$pct \\(requested / held\\)\$"
memoptctl -j stats >/tmp/cl.o
npools=$(memoptctl -j pool list | grep -o '"id":' | wc -l)
t_check "stats: totals across the $npools pools" has /tmp/cl.o "^\\{\"total\":\\{\"pools\":$npools,"
memoptctl stats --format prometheus >/tmp/cl.o
t_check "prometheus: a gauge per pool" has /tmp/cl.o \
	"^memopt_pool_used_bytes\\{pool=\"cl-stat\",id=\"$SID\"\\} 16384\$"
t_check "prometheus: buffers" has /tmp/cl.o "^memopt_pool_buffers\\{pool=\"cl-stat\",id=\"$SID\"\\} 2\$"
t_check "prometheus: HELP and TYPE once per family" count_is /tmp/cl.o \
	'^# TYPE memopt_pool_allocation_failures_total counter$' 1
t_check "prometheus: counters end in _total" has /tmp/cl.o \
	"^memopt_pool_block_allocations_total\\{pool=\"cl-stat\",id=\"$SID\"\\} [0-9]+\$"
t_check "prometheus: the number of pools" has /tmp/cl.o "^memopt_pools $npools\$"
memoptctl stats cl-stat --format prometheus --output /tmp/cl.prom
t_check "--output writes the file" has /tmp/cl.prom "^memopt_pool_buffers\\{pool=\"cl-stat\""
memoptctl -j stats cl-stat --watch 1 >/tmp/cl.watch 2>&1 &
W=$!
wait_match /tmp/cl.watch '^\{' 10
sleep 2
kill -INT $W
wait $W
rc=$?
t_check "--watch: SIGINT ends it with status 0" test "$rc" -eq 0
t_check "--watch -j: one JSON line per interval" test "$(grep -c '^{"time":' /tmp/cl.watch)" -ge 2
release "$S"
t_end

t_begin cli-leak
memoptctl pool create --name cl-leak --size 4k --leak-age 1 >/dev/null
hold C --count 4 --size 8192 --label frames cl-leak
C=$hold_pid
hold D --label meta cl-leak
D=$hold_pid
sleep 3
memoptctl -j buf list --pid "$C" >/tmp/cl.o
t_check "a leak age of 1s flags all 4 buffers held 3s" count_is /tmp/cl.o '"suspect":\["age"\]' 1
t_check "... each of them" test "$(grep -o '"suspect":\["age"\]' /tmp/cl.o | wc -l)" -eq 4
memoptctl leak report >/tmp/cl.o
t_check "report: the leaker with its count, bytes and age" has /tmp/cl.o \
	"^pid $C \\(memopt-hold\\): 4 buffers, 32 KiB, oldest [0-9]+s\$"
t_check "report: its label" has /tmp/cl.o \
	'^    label "frames" \(pool cl-leak\): 4 buffers, 32 KiB, oldest [0-9]+s$'
t_check "report: the reasons" has /tmp/cl.o '^  suspected: age \(4\), orphan \(0\), growth \(0\)$'
t_check "report: the other leaker" has /tmp/cl.o "^pid $D \\(memopt-hold\\): 1 buffer, 4 KiB, oldest"
t_check "report: worst first" before /tmp/cl.o "^pid $C " "^pid $D "
t_check "report: buffers of pools without a leak age are no suspects" hasnt /tmp/cl.o "^pid $A "
t_check "report: a summary" has /tmp/cl.o '^5 suspect buffers, 36 KiB, in 2 processes$'
memoptctl leak report --all >/tmp/cl.o
t_check "report --all: every holder" has /tmp/cl.o "^pid $A \\(memopt-hold\\): 3 buffers, 24 KiB"
t_check "report --all: unsuspected, no suspicion line" test "$(grep -A2 "^pid $B " /tmp/cl.o | grep -c suspected)" -eq 0
memoptctl -j leak report >/tmp/cl.o
t_check "-j report" has /tmp/cl.o "\"pid\":$C,\"comm\":\"memopt-hold\",\"exited\":false,\"buffers\":4,\"bytes\":32768,"
release "$C" "$D"

memoptctl pool create --name cl-orph --size 4k >/dev/null
hold O --orphan --count 2 --label orph cl-orph
O=$hold_pid OC=$hold_child
wait "$O"	# the owner exited: reap it, or it would live on as a zombie
t_check "an orphan: its owner exited, a dma-buf holds it" poll 10 \
	'^  suspected: age \(0\), orphan \(2\), growth \(0\)$' memoptctl leak report
t_check "... reported under the exited owner" has /tmp/cl.poll \
	"^pid $O \\(memopt-hold, exited\\): 2 buffers, 8 KiB"
memoptctl buf list --label orph >/tmp/cl.o
t_check "... held by the dma-buf alone" count_is /tmp/cl.o "$O \\(memopt-hold, exited\\) .* orphan +1 dmabuf\$" 2
release "$OC"

memoptctl pool create --name cl-grow --size 4k --growth 16k --growth-window 2 >/dev/null
hold G --grow 200 --label grow cl-grow
G=$hold_pid
hold Y --churn 200 --count 4 --label steady cl-grow
Y=$hold_pid
t_check "growth: a steadily growing process is suspected" poll 20 \
	"^  growth: in pool cl-grow, grew by [0-9.]+ KiB within 2s, holds" memoptctl leak report
t_check "... under its pid" has /tmp/cl.poll "^pid $G \\(memopt-hold\\): "
sleep 2
memoptctl leak report >/tmp/cl.o
t_check "growth: a process steady at 4 buffers is not" hasnt /tmp/cl.o "^pid $Y "
memoptctl proc --pool cl-grow >/tmp/cl.o
t_check "proc: the grower's suspicion" has /tmp/cl.o "^$G +memopt-hold +cl-grow .* no +growth \\(\\+[0-9.]+ KiB\\)\$"
t_check "proc: the steady one's none" has /tmp/cl.o "^$Y +memopt-hold +cl-grow .* no +-\$"
release "$G" "$Y"

memoptctl leak snapshot /tmp/cl.snap >/tmp/cl.o
t_check "snapshot: written" has /tmp/cl.o '^wrote /tmp/cl.snap: '
memoptctl leak diff /tmp/cl.snap >/tmp/cl.o
rc=$?
t_check "diff right away: nothing grew, exit 0" test "$rc" -eq 0
t_check "... says so" has /tmp/cl.o '^nothing grew since the snapshot /tmp/cl.snap of '
hold E --count 3 --label diffme cl-buf
E=$hold_pid
memoptctl leak diff /tmp/cl.snap >/tmp/cl.o
rc=$?
t_check "diff after 3 more buffers: exit 3" test "$rc" -eq 3
t_check "... the process that grew" has /tmp/cl.o "^pid $E \\(memopt-hold\\): \\+3 buffers, \\+12 KiB\$"
t_check "... and its label" has /tmp/cl.o \
	'^    label "diffme" \(pool cl-buf\): \+3 buffers, \+12 KiB \(now 3 buffers, 12 KiB\)$'
t_check "... and nothing else" count_is /tmp/cl.o '^pid ' 1
memoptctl -j leak diff /tmp/cl.snap >/tmp/cl.o
t_check "-j diff" has /tmp/cl.o "\"grew\":\\[\\{\"pid\":$E,\"comm\":\"memopt-hold\",\"buffers_delta\":3,\"bytes_delta\":12288,"
release "$E"
t_expect_rc 0 "diff once they are gone: exit 0" memoptctl leak diff /tmp/cl.snap
t_end

t_begin cli-destroy
memoptctl pool create --name cl-d1 --size 4k >/dev/null
hold J --count 2 --label keep --hold 4 cl-d1
J=$hold_pid
start=$(date +%s)
memoptctl pool destroy cl-d1 --wait --timeout 60 >/tmp/cl.o 2>&1
rc=$?
took=$(($(date +%s) - start))
t_check "destroy --wait returns 0 once the holder exits" test "$rc" -eq 0
t_check "... after waiting for it (${took}s)" test "$took" -ge 2
t_check "... says the pool is dying and how much holds it" has /tmp/cl.o \
	'^destroyed pool cl-d1 \(id [0-9]+\): dying, held by 2 buffers \(8 KiB\); it is freed when they are released$'
t_check "... by whom" has /tmp/cl.o \
	"^  pid $J \\(memopt-hold\\): 2 buffers, 8 KiB, oldest [0-9]+(ms|s); held by 2 handles \\(pid $J\\)\$"
t_check "... and that it was freed" has /tmp/cl.o '^pool cl-d1 \(id [0-9]+\) freed after [0-9]+(ms|s)'

memoptctl pool create --name cl-d2 --size 4k >/dev/null
hold K --count 1 cl-d2
K=$hold_pid
memoptctl pool destroy cl-d2 --wait --timeout 2 >/tmp/cl.o 2>&1
rc=$?
t_check "destroy --wait --timeout 2 with a holder that stays: exit 4" test "$rc" -eq 4
t_check "... saying so" has /tmp/cl.o '^Error: pool cl-d2 \(id [0-9]+\) is still held after [0-9]+s \(--timeout\)\.$'
t_expect_rc 1 "the destroyed pool is gone from the list" memoptctl pool show cl-d2
memoptctl buf list --pool cl-d2 >/tmp/cl.o 2>&1
t_check "buf list --pool NAME of a dying pool: no such pool" has /tmp/cl.o '^Error: no pool'
release "$K"

memoptctl pool create --name cl-d3 --size 4k >/dev/null
hold L --count 1 cl-d3
L=$hold_pid
memoptctl pool destroy cl-d3 >/tmp/cl.o
t_check "destroy without --wait of a busy pool: dying, 1 buffer" has /tmp/cl.o \
	'^destroyed pool cl-d3 \(id [0-9]+\): dying, held by 1 buffer \(4 KiB\)'
release "$L"
memoptctl pool create --name cl-d4 --size 4k >/dev/null
hold M --count 1 cl-d4
M=$hold_pid
memoptctl -j pool destroy cl-d4 >/tmp/cl.o
t_check "-j destroy of a busy pool: dying, held by" has /tmp/cl.o \
	"\"dying\":true,.*\"destroyed\":true,\"held_by\":\\[\\{\"pid\":$M,\"comm\":\"memopt-hold\",\"exited\":false,\"buffers\":1,\"bytes\":4096,"
release "$M"
memoptctl pool create --name cl-d5 --size 4k >/dev/null
memoptctl pool destroy cl-d5 --wait >/tmp/cl.o
rc=$?
t_check "destroy --wait of an idle pool: at once, not dying" test "$rc" -eq 0
t_check "... one line" has /tmp/cl.o '^destroyed pool cl-d5 \(id [0-9]+\)$'
memoptctl pool create --name cl-d6 --size 4k >/dev/null
memoptctl -j pool destroy cl-d6 --wait >/tmp/cl.o
t_check "-j destroy --wait: freed" has /tmp/cl.o '"name":"cl-d6",.*"destroyed":true,"freed":true'
t_end

t_begin cli-monitor
memoptctl pool create --name cl-mon --size 4k --max 10 --watermark 50 >/dev/null
MID=$(pool_id cl-mon)
hold H --count 6 cl-mon
sleep 2
release "$hold_pid"
sleep 2
hold I --count 10 cl-mon
I=$hold_pid
sleep 2
memopt-hold --count 1 --hold 0 cl-mon >/tmp/cl.o 2>&1
t_check "an 11th block is refused (ENOSPC)" has /tmp/cl.o 'MEMOPT_IOC_ALLOC: No space left on device'
sleep 2
release "$I"
sleep 2
memoptctl pool destroy cl-mon >/dev/null
sleep 1	# cl-mon's freeing is announced before the next monitor listens
memoptctl -j monitor --count 3 >/tmp/cl.monj 2>&1 &
J2=$!
i=0
while [ $i -lt 20 ] && kill -0 $J2 2>/dev/null; do
	memoptctl pool create --name cl-j$i --size 4k >/dev/null
	memoptctl pool destroy cl-j$i >/dev/null
	sleep 0.5
	i=$((i + 1))
done
# Still running after the loop: it never saw 3 events (and must not hang us).
kill -0 $J2 2>/dev/null && kill $J2
wait $J2
rc=$?
t_check "monitor -j --count 3: exits 0 after 3 events" test "$rc" -eq 0
# Any 3 consecutive events of the create/destroy/free cycle hold a destroy.
t_check "... 3 JSON lines" count_is /tmp/cl.monj \
	'^\{"event":"pool_(created|destroyed|freed)","time_ms":[0-9]+,"pool":\{"id":[0-9]+,"name":"cl-j[0-9]+"' 3
t_check "... a destruction among them, not dying" has /tmp/cl.monj \
	'^\{"event":"pool_destroyed","time_ms":[0-9]+,"pool":\{"id":[0-9]+,"name":"cl-j[0-9]+",.*"dying":false'
wait_match /tmp/cl.mon "pool freed: cl-d2" 10
wait_match /tmp/cl.monall '"event":"pool_freed".*"name":"cl-d2"' 10
kill -TERM $CL_MON $CL_MONJ
wait $CL_MON
rc=$?
wait $CL_MONJ
t_check "monitor: SIGTERM ends it with status 0" test "$rc" -eq 0
# A leak event carries what the kernel sent and nothing it did not.
t_check "monitor -j: an orphan's leak event names the buffer, owner, age" has /tmp/cl.monall \
	'^\{"event":"leak","time_ms":[0-9]+,"reason":\["orphan"\],"buffer":\{"id":[0-9]+,"pool_id":[0-9]+,"pool":"cl-orph","size":4096,"owner_pid":[0-9]+,"owner_uid":0,"age_ms":[0-9]+\}\}$'
t_check "monitor -j: no leak event claims fields the kernel does not send" hasnt /tmp/cl.monall \
	'"event":"leak".*("owner_exited"|"label"|"suspect"|"exited")'
cp /tmp/cl.mon /tmp/cl.o
t_check "monitor: creation" has /tmp/cl.o "^pool created: cl-mon \\(id $MID\\): 4 KiB blocks, min 0, max 10, watermark 50%\$"
t_check "monitor: watermark up at 6 of 10" has /tmp/cl.o \
	"^watermark up: cl-mon \\(id $MID\\) at 60% of max \\(6 of 10 blocks\\), watermark 50%\$"
t_check "monitor: watermark down when they are freed" has /tmp/cl.o "^watermark down: cl-mon \\(id $MID\\)"
t_check "monitor: exhausted at the max" has /tmp/cl.o \
	"^exhausted: cl-mon \\(id $MID\\): the pool is at its max \\(10 blocks\\)\$"
t_check "monitor: destroyed, freed" has /tmp/cl.o "^pool freed: cl-mon \\(id $MID\\)\$"
t_check "monitor: in order: created, up" before /tmp/cl.o "^pool created: cl-mon " "^watermark up: cl-mon "
t_check "monitor: in order: up, down" before /tmp/cl.o "^watermark up: cl-mon " "^watermark down: cl-mon "
t_check "monitor: in order: down, exhausted" before /tmp/cl.o "^watermark down: cl-mon " "^exhausted: cl-mon "
t_check "monitor: in order: exhausted, destroyed" before /tmp/cl.o "^exhausted: cl-mon " "^pool destroyed: cl-mon "
t_check "monitor: in order: destroyed, freed" before /tmp/cl.o "^pool destroyed: cl-mon " "^pool freed: cl-mon "
t_check "monitor: the age suspicion of the leaker's buffers" count_is /tmp/cl.o \
	"^leak suspected \\(age\\): buffer [0-9]+ in pool cl-leak \\(id [0-9]+\\), 8 KiB, owner pid $C, age [0-9]+s\$" 4
t_check "monitor: the orphans" count_is /tmp/cl.o \
	"^leak suspected \\(orphan\\): buffer [0-9]+ in pool cl-orph \\(id [0-9]+\\), 4 KiB, owner pid $O, " 2
t_check "monitor: the growth" has /tmp/cl.o \
	"^leak suspected \\(growth\\): pid $G in pool cl-grow \\(id [0-9]+\\) grew by [0-9.]+ KiB to "
t_check "monitor: the steady process, never" hasnt /tmp/cl.o "^leak suspected \\(growth\\): pid $Y "
t_check "monitor: a dying pool" has /tmp/cl.o \
	"^pool destroyed: cl-d2 \\(id [0-9]+\\), dying: held by 1 buffer \\(4 KiB\\)\$"
t_check "monitor: freed once its holder went" before /tmp/cl.o "^pool destroyed: cl-d2 " "^pool freed: cl-d2 "
t_end

t_begin cli-monitor-lost
# A stopped monitor's socket overflows with 2000 leak events: it says so
# when it reads again, and goes on.
memoptctl pool create --name cl-lost --size 4k --leak-age 1 >/dev/null
memoptctl monitor >/tmp/cl.lost 2>&1 &
LM=$!
sleep 1
kill -STOP $LM
hold LH --count 2000 cl-lost
LH=$hold_pid
sleep 4
kill -CONT $LM
sleep 3
kill -INT $LM
wait $LM
rc=$?
t_check "monitor: exits 0 after losing events" test "$rc" -eq 0
t_check "monitor: says events were lost" has /tmp/cl.lost \
	'^events lost: the monitor fell behind \(ENOBUFS\); listening on$'
t_check "monitor: and goes on" before /tmp/cl.lost '^events lost' '^leak suspected \(age\): buffer [0-9]+ in pool cl-lost'
release "$LH"
memoptctl pool destroy cl-lost --wait --timeout 30 >/dev/null
t_end

t_begin cli-cleanup
release $CL_PIDS
for p in cl-buf cl-stat cl-leak cl-orph cl-grow; do
	memoptctl pool destroy "$p" --wait --timeout 30 >/dev/null
done
memoptctl buf list >/tmp/cl.o
t_check "no buffer left" has /tmp/cl.o '^no buffers$'
memoptctl pool list >/tmp/cl.o
t_check "no cl- pool left" hasnt /tmp/cl.o ' cl-'
t_end
