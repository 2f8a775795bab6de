# SPDX-License-Identifier: GPL-2.0
# Helpers for guest scripts: each suite goes to the results channel (fd 3)
# as TAP (or KTAP) between "# suite NAME KIND" and "# endsuite NAME rc=N",
# and to the console for people. The host counts the results
# (scripts/tap-count.awk); nothing here decides pass or fail on its own.

MEMOPT_FAILED=0

# t_begin NAME: start a suite of shell-level checks.
t_begin() {
	T_SUITE=$1 T_N=0 T_FAIL=0
	echo "# suite $T_SUITE tap" >&3
	echo "=== suite $T_SUITE"
}

_t_report() { # STATUS DESCRIPTION
	T_N=$((T_N + 1))
	echo "$1 $T_N $2" >&3
	echo "$1 $T_N $2"
}

# t_check DESC CMD...: run CMD; ok when it exits 0. Output is shown only
# when the check fails.
t_check() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1) && rc=0 || rc=$?
	if [ "$rc" -eq 0 ]; then _t_report ok "$desc"; return; fi
	[ -n "$out" ] && echo "$out" | sed 's/^/    /'
	_t_report "not ok" "$desc (exit $rc)"
	T_FAIL=1
}

# t_expect_rc RC DESC CMD...: ok when CMD exits with exactly RC.
t_expect_rc() {
	local want=$1 desc=$2 out rc
	shift 2
	out=$("$@" 2>&1) && rc=0 || rc=$?
	if [ "$rc" -eq "$want" ]; then _t_report ok "$desc"; return; fi
	[ -n "$out" ] && echo "$out" | sed 's/^/    /'
	_t_report "not ok" "$desc (exit $rc, wanted $want)"
	T_FAIL=1
}

# t_skip DESC REASON
t_skip() { _t_report ok "$1 # SKIP $2"; }

t_end() {
	echo "1..$T_N" >&3
	echo "# endsuite $T_SUITE rc=$T_FAIL" >&3
	[ "$T_FAIL" -eq 0 ] || MEMOPT_FAILED=1
}

# run_tap NAME CMD...: a program that prints TAP itself (kselftest).
run_tap() {
	local name=$1 rc
	shift
	echo "# suite $name tap" >&3
	echo "=== suite $name"
	"$@" >/tmp/suite.out 2>&1 && rc=0 || rc=$?
	cat /tmp/suite.out
	cat /tmp/suite.out >&3
	echo "# endsuite $name rc=$rc" >&3
	[ "$rc" -eq 0 ] || MEMOPT_FAILED=1
}

# run_kunit MODULE.ko: load a KUnit test module and report each suite it
# registered from debugfs as KTAP, then unload it.
run_kunit() {
	local ko=$1 mod before d s n src rc=0
	mod=$(basename "$ko" .ko)
	before=$(ls /sys/kernel/debug/kunit/)
	if ! insmod "$ko"; then
		echo "# suite $mod ktap" >&3
		echo "# endsuite $mod rc=1" >&3
		MEMOPT_FAILED=1
		return
	fi
	n=0
	for s in $(ls /sys/kernel/debug/kunit/); do
		echo "$before" | grep -qx "$s" && continue
		n=$((n + 1))
		d=/sys/kernel/debug/kunit/$s
		src=0
		grep -q "^not ok" "$d/results" && src=1 rc=1
		echo "# suite $s ktap" >&3
		echo "=== suite $s (KUnit)"
		cat "$d/results"
		cat "$d/results" >&3
		echo "# endsuite $s rc=$src" >&3
	done
	if [ "$n" -eq 0 ]; then
		# A test module that registered no suite tested nothing.
		echo "# suite $mod ktap" >&3
		echo "# endsuite $mod rc=1" >&3
		rc=1
	fi
	rmmod "$mod" || rc=1
	[ "$rc" -eq 0 ] || MEMOPT_FAILED=1
}

# kmemleak_clear / kmemleak_scan: forget boot-time suspects; scan and print
# what is new (the host fails the run on any report).
kmemleak_clear() {
	[ -w /sys/kernel/debug/kmemleak ] && echo clear >/sys/kernel/debug/kmemleak
	return 0
}

# kmemleak_scan fails when kmemleak cannot scan (it turns itself off on
# internal errors), so that "no report" never stands for "not looked".
kmemleak_scan() {
	echo scan >/sys/kernel/debug/kmemleak || return 1
	sleep 1
	echo scan >/sys/kernel/debug/kmemleak || return 1
	cat /sys/kernel/debug/kmemleak
}

# kmemleak_checks WHEN: two checks of the current suite, after kmemleak's
# minimum object age: kmemleak could scan, and the scan "WHEN" is empty.
kmemleak_checks() {
	local leaks scanned
	sleep 5	# kmemleak ignores objects younger than 5 s
	leaks=$(kmemleak_scan) && scanned=0 || scanned=$?
	[ -n "$leaks" ] && echo "$leaks"
	t_check "kmemleak can scan" test "$scanned" -eq 0
	t_check "kmemleak scan $1 is empty" test -z "$leaks"
}

# Checks of a command's output saved in a file, for t_check: each shows the
# file when it fails. PATTERN is an extended regular expression (grep -E).

# has FILE PATTERN: a line of FILE matches.
has() {
	grep -qE -- "$2" "$1" && return 0
	echo "no line matches /$2/ in:"
	cat "$1"
	return 1
}

# hasnt FILE PATTERN: no line of FILE matches.
hasnt() {
	grep -qE -- "$2" "$1" || return 0
	echo "a line matches /$2/ in:"
	cat "$1"
	return 1
}

# count_is FILE PATTERN N: exactly N lines match.
count_is() {
	local c
	c=$(grep -cE -- "$2" "$1")
	[ "$c" -eq "$3" ] && return 0
	echo "$c lines match /$2/, wanted $3, in:"
	cat "$1"
	return 1
}

# wait_match FILE PATTERN SECONDS: wait until a line of FILE (which need
# not exist yet) matches, checking every 0.1 s; fails after SECONDS.
wait_match() {
	local i=0
	while ! grep -qE -- "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt $(($3 * 10)) ] && return 1
		sleep 0.1
	done
	return 0
}
