#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Fault injection, in the guest, on the debug kernel only (a TAP skip on
# the others): failslab and fail_page_alloc through debugfs, at 1%, 10%
# and 50%, task-filter=Y so that only the fuzz processes fail (the fuzzer
# sets /proc/self/make-it-fail in its workers, not in its coordinator),
# verbose=0 (a stack dump per failure would read as a kernel splat).
# An injected failure of a vmalloc() (kvmalloc's fallback, kernel stacks
# at fork) makes the kernel print "vmalloc error" or "page allocation
# failure" with a stack dump (warn_alloc), which the host would take for a
# splat: during a pass the console shows errors only (console_loglevel 4),
# and the pass reads the kernel log itself: any splat in it other than
# warn_alloc's stack dumps fails the pass, and is printed again at error
# level so that the host sees it too (a WARN also taints, which fails the
# run anyway).
# Each pass loads memopt, runs the fuzzer with --faults (which allows the
# errnos an injected failure may surface as, on the operations that
# allocate: see fuzz.c), then checks: the fuzz pools' used blocks are back
# to 0 (the fuzzer's own test 3), no pool is left, the module unloads,
# kmemleak's scan is empty, and faults were injected (the "times" counters
# count down from FAULT_TIMES; a pass that injected nothing fails).
# With FAULT_SELFTESTS=1 ("make soak"), each rate also gets a pass of the
# selftests (fault_selftests_pass): they run with make-it-fail set, so
# their own assertions may fail (an injected ENOMEM is not what a test
# expects) and are only counted; what must hold is what holds after the
# fuzzer's passes: no splat, no buffer left in the ledger once the tests
# have exited and their leftover pools are destroyed, the module unloads
# (a page still held at unload is a WARN, hence a splat) and kmemleak's
# scan is empty.
# Sourced by scripts/guest/fuzz.sh (or run alone as a guest script, with
# /memopt/bin/fuzz); results go through lib.sh's helpers. Needs memopt
# unloaded on entry; leaves it unloaded.
# Environment: FAULT_SEED (default 1), FAULT_OPS (per worker, default 1000),
# FAULT_PROCS (default 2), FAULT_RATES (default "1 10 50"),
# FAULT_SELFTESTS (default 0).
command -v t_begin >/dev/null 2>&1 || . /memopt/lib.sh

FAULT_DBG=/sys/kernel/debug
FAULT_TIMES=1000000000

# fault_set KIND PCT: arm (PCT > 0) or disarm (0) one fault type.
fault_set() {
	d=$FAULT_DBG/$1
	echo 0 >"$d/probability"
	echo "$FAULT_TIMES" >"$d/times"
	[ "$2" -eq 0 ] && return 0
	echo 1 >"$d/interval"
	echo 0 >"$d/space"
	echo 0 >"$d/verbose"
	echo Y >"$d/task-filter"
	echo N >"$d/ignore-gfp-wait"
	if [ "$1" = fail_page_alloc ]; then
		echo 0 >"$d/min-order"
		echo N >"$d/ignore-gfp-highmem"
	fi
	echo "$2" >"$d/probability"
}

# Kernel splats (scripts/vm.sh's SPLAT_RE); fault_splats skips the stack
# dumps of warn_alloc, which follow its header within a few lines.
FAULT_SPLAT_RE='(^|\] )(BUG:|BUG [^ ]+ \(|WARNING:|KASAN:|UBSAN:|Oops|general protection fault|Kernel panic|kernel BUG|refcount_t:|list_add corruption|list_del corruption|INFO: task .* blocked for more than|INFO: possible circular locking|INFO: possible recursive locking|INFO: inconsistent lock state|Call Trace:|watchdog: BUG|kmemleak: [0-9]+ new suspected memory leaks|unreferenced object 0x)|detected stall'
fault_splats() {
	awk -v re="$FAULT_SPLAT_RE" '
		/page allocation failure:|vmalloc error:/ { alloc = NR; nalloc++ }
		/Call Trace:/ && alloc && NR - alloc <= 8 { next }
		$0 ~ re { print }
		END { print nalloc + 0 > "/tmp/fault.allocwarn" }'
}

# fault_count KIND: failures injected since fault_set.
fault_count() { echo $((FAULT_TIMES - $(cat "$FAULT_DBG/$1/times"))); }

# no_pools: memoptctl lists none.
no_pools() { memoptctl pool list | grep -qx "no pools"; }

# fault_arm PCT: arm both fault types; the console shows errors only.
fault_arm() {
	fault_set failslab "$1"
	fault_set fail_page_alloc "$1"
	t0=$(date +%s)
	dmesg -c >/dev/null
	level=$(cut -f1 /proc/sys/kernel/printk)
	echo 4 >/proc/sys/kernel/printk
}

# fault_disarm PCT: disarm; slab and page are the failures injected; the
# kernel log's splats (but warn_alloc's) go to /tmp/fault.splats and again
# to the console at error level.
fault_disarm() {
	slab=$(fault_count failslab)
	page=$(fault_count fail_page_alloc)
	fault_set failslab 0
	fault_set fail_page_alloc 0
	echo "$level" >/proc/sys/kernel/printk
	dmesg -c | fault_splats >/tmp/fault.splats
	# Shown again, at error level, for the host's splat check.
	if [ -s /tmp/fault.splats ]; then
		echo "<3>fault.sh: splats in the kernel log of the $1% pass:" >/dev/kmsg
		sed 's/^\[[ 0-9.]*\] //; s/^/<3>/' /tmp/fault.splats >/dev/kmsg
	fi
}

# fault_pass PCT SEED
fault_pass() {
	pct=$1 seed=$2
	t_begin "fault-$pct"
	kmemleak_clear
	t_check "insmod memopt.ko" insmod /memopt/kmod/memopt.ko
	fault_arm "$pct"
	/memopt/bin/fuzz --seed "$seed" --ops "${FAULT_OPS:-1000}" --procs "${FAULT_PROCS:-2}" \
		--netlink --faults >/tmp/fault.out 2>&1 && rc=0 || rc=$?
	fault_disarm "$pct"
	sed 's/^/    /' /tmp/fault.out
	line="fault $pct%: seed $seed, $(sed -n 's/^# \([0-9]* operations in [0-9]* processes\).*/\1/p' /tmp/fault.out), injected: failslab $slab, fail_page_alloc $page, $(sed -n 's/^# \([0-9]* unexpected results\).*/\1/p' /tmp/fault.out), $(( $(date +%s) - t0 )) s"
	echo "# $line" >&3
	echo "    $line"
	t_check "fuzz --faults at $pct% (seed $seed): every result allowed" \
		grep -q "^ok 1 fuzz: " /tmp/fault.out
	t_check "... every process ended as expected" grep -q "^ok 2 " /tmp/fault.out
	t_check "... the fuzz pools' used blocks are back to 0" grep -q "^ok 3 " /tmp/fault.out
	t_check "... the fuzzer exited 0" test "$rc" -eq 0
	echo "    warn_alloc reports (expected under injection): $(cat /tmp/fault.allocwarn)"
	t_check "... no kernel splat but warn_alloc's" sh -c '! grep . /tmp/fault.splats'
	t_check "... failures were injected (failslab $slab, fail_page_alloc $page)" \
		test $((slab + page)) -gt 0
	t_check "... no pool is left" no_pools
	t_check "rmmod memopt" rmmod memopt
	kmemleak_checks "after the pass"
	t_end
}

# fault_selftests_pass PCT: the selftests (but failnth_test, which injects
# its own failures) under injection: with MEMOPT_MAKE_IT_FAIL=1 each test
# case's process is a make-it-fail one from its fixture's setup on (see
# selftests/memopt/testpool.c); each program is bounded by a timeout;
# then the leftover
# pools of the tests that failed are destroyed and nothing may be left.
fault_selftests_pass() {
	pct=$1
	t_begin "fault-selftests-$pct"
	kmemleak_clear
	t_check "insmod memopt.ko" insmod /memopt/kmod/memopt.ko
	: >/tmp/fault-st.out
	tests=0 hung=0
	fault_arm "$pct"
	for t in /memopt/selftests/*_test; do
		case $t in */failnth_test) continue ;; esac
		tests=$((tests + 1))
		MEMOPT_MAKE_IT_FAIL=1 timeout -s KILL 600 "$t" >>/tmp/fault-st.out 2>&1 ||
			[ $? -ne 137 ] || hung=$((hung + 1))
	done
	fault_disarm "$pct"
	ok=$(grep -c '^ok ' /tmp/fault-st.out)
	notok=$(grep -c '^not ok ' /tmp/fault-st.out)
	line="fault-selftests $pct%: $tests programs, test cases $ok passed and $notok failed (failures expected under injection), injected: failslab $slab, fail_page_alloc $page, $(( $(date +%s) - t0 )) s"
	echo "# $line" >&3
	echo "    $line"
	grep -E '^(not )?ok |^# ' /tmp/fault-st.out | sed 's/^/    /'
	t_check "... every selftest program ended by itself" test "$hung" -eq 0
	t_check "... test cases ran ($ok + $notok)" test $((ok + notok)) -gt 0
	echo "    warn_alloc reports (expected under injection): $(cat /tmp/fault.allocwarn)"
	t_check "... no kernel splat but warn_alloc's" sh -c '! grep . /tmp/fault.splats'
	t_check "... failures were injected (failslab $slab, fail_page_alloc $page)" \
		test $((slab + page)) -gt 0
	# Pools the failed tests did not destroy: now, without injection.
	for id in $(memoptctl -j pool list | grep -o '"id":[0-9]*' | cut -d: -f2); do
		memoptctl pool destroy "$id" >/dev/null
	done
	t_check "... no pool is left after destroying the tests' leftovers" no_pools
	t_check "... no buffer is left in the ledger" sh -c 'memoptctl buf list | grep -qx "no buffers"'
	t_check "rmmod memopt" rmmod memopt
	kmemleak_checks "after the pass"
	t_end
}

if [ "$MEMOPT_KERNEL" != debug ] || ! [ -w "$FAULT_DBG/failslab/probability" ] ||
	! [ -w "$FAULT_DBG/fail_page_alloc/probability" ]; then
	t_begin fault
	t_skip "fault injection (failslab, fail_page_alloc)" "debug kernel only"
	t_end
else
	n=0
	for pct in ${FAULT_RATES:-1 10 50}; do
		fault_pass "$pct" $(( ${FAULT_SEED:-1} + n ))
		[ "${FAULT_SELFTESTS:-0}" = 1 ] && fault_selftests_pass "$pct"
		n=$((n + 1))
	done
fi
