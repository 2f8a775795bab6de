#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Unit tests of scripts/soak-report.py, which sums the figures of "make
# soak": each figure is read from the lines the guest prints, a splat or a
# leak in a console log is counted, and a run without figures fails. TAP.
set -u
REPORT=$(dirname "$0")/../soak-report.py
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
n=0 bad=0

check() { # DESC CMD...
	n=$((n + 1))
	if "${@:2}"; then echo "ok $n $1"; else echo "not ok $n $1"; bad=1; fi
}

# jq-free: the value at a dotted path of results.json.
val() { /usr/bin/python3 -c 'import json,sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    v = v[k]
print(v)' "$dir/results.json" "$1"; }
is() { [ "$(val "$1")" = "$2" ] || { echo "# $1 is $(val "$1"), wanted $2"; return 1; }; }

cat >"$dir/f.results" <<'EOF'
# suite fuzz/ioctl tap
# 100 operations in 3 processes (1 killed, 0 exited early)
ok 1 fuzz: 100 operations, 0 unexpected results (seed 1)
# endsuite fuzz/ioctl rc=0
# suite fuzz/netlink tap
# 50 operations in 4 processes (2 killed, 0 exited early)
ok 1 fuzz: 50 operations, 0 unexpected results (seed 2)
# endsuite fuzz/netlink rc=0
# suite fault-10 tap
# fault 10%: seed 3, 20 operations in 2 processes, injected: failslab 7, fail_page_alloc 2, 0 unexpected results, 1 s
ok 1 x
not ok 2 y
# endsuite fault-10 rc=1
# suite fault-selftests-10 tap
# fault-selftests 10%: 5 programs, test cases 3 passed and 9 failed (failures expected under injection), injected: failslab 5, fail_page_alloc 1, 4 s
# endsuite fault-selftests-10 rc=0
EOF
printf '[ 1.0] memopt: loaded\n' >"$dir/f.console.log"
echo 0 >"$dir/f.rc"
cat >"$dir/s.results" <<'EOF'
# summary: 60 s, 8 workers on 2 CPUs, seed 1: 900 operations (alloc 500, free 400); workers spawned 30, killed 20, exited early 2, fork shares 9; netlink resizes 11, destroys 5, creates 5; shrinker blocks 64 (hog cycles 7, 2 with shrinking, peak 1500 MiB, MemFree low 80 MiB); errors: ENOENT 3; sends refused (queue full) 0; unexpected 0
EOF
cat >"$dir/s.console.log" <<'EOF'
[   5.1] unreferenced object 0xffff888003a1c000 (size 192):
[   6.2] WARNING: CPU: 1 PID: 77 at kmod/pool.c:1498 memopt_exit
[   6.3] 3 pages still held by pools at unload, leaking them
EOF
echo 125 >"$dir/s.rc"

/usr/bin/python3 "$REPORT" "$dir" f s >/dev/null 2>&1
check "a run with figures reports 0" test $? -eq 0
check "fuzz operations summed over the fuzz suites" is fuzz.operations 150
check "fuzz processes and kills summed" sh -c "[ $(val fuzz.processes) = 7 ] && [ $(val fuzz.killed) = 3 ]"
check "faults injected per rate: fuzz and selftests" is faults.rates.10%.failslab 12
check "fault pass operations" is faults.fuzz_operations 20
check "selftest cases under injection" is faults.selftest_cases 12
check "stress operations" is stress.operations 900
check "stress processes spawned and killed" sh -c "[ $(val stress.processes_spawned) = 30 ] && [ $(val stress.processes_killed) = 20 ]"
check "stress netlink resizes and destroys" sh -c "[ $(val stress.netlink_resizes) = 11 ] && [ $(val stress.netlink_destroys) = 5 ]"
check "stress shrinker blocks" is stress.shrinker_blocks 64
check "a failed TAP result is counted" is checks.failed 1
check "a splat (vm.sh's 125, console lines) is counted" sh -c "[ $(val splats.runs) = 1 ] && [ $(val splats.lines) = 2 ]"
check "kmemleak's bytes and pages held at unload are leaked bytes" is leaked.bytes $((192 + 3 * 4096))
check "summary.md names the figures" grep -q '^| bytes leaked | 12,480 ' "$dir/summary.md"

: >"$dir/e.results"
: >"$dir/e.console.log"
echo 0 >"$dir/e.rc"
/usr/bin/python3 "$REPORT" "$dir" f e >/dev/null 2>&1
check "a run without figures fails the report" test $? -eq 1

echo "1..$n"
exit $bad
