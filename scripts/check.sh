#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: memopt's whole test suite.
#
#   setup    dependencies; stock 6.1 and 6.12 kernels; the debug kernel
#   build    memopt.ko warning-free (W=1) against each kernel; the tools
#   static   sparse, checkpatch --strict, kernel-doc, uapi header; and each
#            check proven live on a deliberately bad file
#   host     unit tests of the scripts and tools that need no kernel
#   runner   the VM runner's own test: a WARN in the guest fails the run
#   vm       the guest suite (scripts/guest/check.sh) on stock-6.1,
#            stock-6.12 and debug (KUnit, KASAN, kmemleak, lockdep); the
#            YNL test and the benchmarks' smoke run on stock-6.12; the
#            fuzzer on stock-6.12 and debug (with a fault injection pass);
#            a short stress run on debug
#
# Every result is TAP in $MEMOPT_OUT/check/*.results; scripts/tap-count.awk
# counts them. Prints one line per suite and last "N passed, N failed,
# N skipped"; exits non-zero on any failure or when nothing ran.
# MEMOPT_KERNELS limits the VM runs (default "stock-6.1 stock-6.12 debug").
set -uo pipefail
. "$(dirname "$0")/lib.sh"

CHECK=$MEMOPT_OUT/check
KERNELS=${MEMOPT_KERNELS:-stock-6.1 stock-6.12 debug}
STATIC=$MEMOPT_TOP/scripts/static.sh
BAD=$MEMOPT_TOP/scripts/tests/bad-module
start=$(date +%s)

rm -rf "$CHECK" && mkdir -p "$CHECK"
exec 3>"$CHECK/host.results"
# The guest's TAP helpers work on the host as well: fd 3 is the results file.
. "$MEMOPT_TOP/scripts/guest/lib.sh"

# expect_output DESC PATTERN CMD...: CMD fails and its output matches PATTERN
# (a static check that still catches the violation it is aimed at).
expect_output() {
	local desc=$1 pat=$2 out rc
	shift 2
	out=$("$@" 2>&1) && rc=0 || rc=$?
	if [ "$rc" -ne 0 ] && echo "$out" | grep -qE "$pat"; then
		_t_report ok "$desc"
	else
		echo "$out" | sed 's/^/    /'
		_t_report "not ok" "$desc (exit $rc, output lacks /$pat/)"
		T_FAIL=1
	fi
}

phase() { msg "$1 ($(( $(date +%s) - start ))s)"; }

setup() {
	phase setup
	t_begin setup
	t_check "dependencies installed (scripts/deps.sh)" "$MEMOPT_TOP/scripts/deps.sh"
	# Resolve the Debian kernel ABIs once for everything below.
	MEMOPT_ABI_6_1=$(newest_abi 6.1) && export MEMOPT_ABI_6_1
	MEMOPT_ABI_6_12=$(newest_abi 6.12) && export MEMOPT_ABI_6_12
	local k
	for k in $KERNELS; do
		t_check "kernel $k available" "$MEMOPT_TOP/scripts/kernels.sh" fetch "$k"
	done
	t_end
}

build() {
	local k kdir
	phase build
	t_begin build
	for k in $KERNELS; do
		kdir=$("$MEMOPT_TOP/scripts/kernels.sh" kdir "$k")
		t_check "memopt.ko builds warning-free (W=1) against $k" "$STATIC" w1 "$kdir" "$MEMOPT_TOP"
	done
	for k in stock-6.1 stock-6.12; do
		case " $KERNELS " in *" $k "*) ;; *) continue ;; esac
		kdir=$("$MEMOPT_TOP/scripts/kernels.sh" kdir "$k")
		t_check "the bench build (MEMOPT_BENCH=1, kmod/bench) builds warning-free (W=1) against $k" \
			env MEMOPT_BENCH=1 "$STATIC" w1 "$kdir" "$MEMOPT_TOP"
	done
	t_check "tools (memoptctl, libmemopt, examples, bench) and selftests build (-Werror)" \
		make -s -C "$MEMOPT_TOP" tools selftests
	t_end
}

static_checks() {
	local kdir kfiles
	phase static
	kdir=$("$MEMOPT_TOP/scripts/kernels.sh" kdir stock-6.12)
	kfiles=$(cd "$MEMOPT_TOP" && find kmod uapi scripts/runner-test -name '*.[ch]' \
		! -name '*.mod.c' | sort)
	t_begin static
	t_check "sparse (C=2) clean against stock-6.12" "$STATIC" sparse "$kdir" "$MEMOPT_TOP"
	t_check "sparse (C=2) clean against stock-6.1" "$STATIC" sparse \
		"$("$MEMOPT_TOP/scripts/kernels.sh" kdir stock-6.1)" "$MEMOPT_TOP"
	t_check "sparse (C=2) clean on the bench build against stock-6.12" \
		env MEMOPT_BENCH=1 "$STATIC" sparse "$kdir" "$MEMOPT_TOP"
	# shellcheck disable=SC2086
	t_check "checkpatch --strict clean ($(echo $kfiles | wc -w) files)" \
		sh -c "cd '$MEMOPT_TOP' && '$STATIC' checkpatch $(echo $kfiles)"
	# shellcheck disable=SC2086
	t_check "kernel-doc -none -v clean" sh -c "cd '$MEMOPT_TOP' && '$STATIC' kerneldoc $(echo $kfiles)"
	t_check "kernel-doc -none -v clean on libmemopt and the examples" sh -c \
		"cd '$MEMOPT_TOP' && '$STATIC' kerneldoc tools/lib/memopt/*.[ch] tools/examples/*.[ch]"
	t_check "uapi/linux/memopt.h compiles standalone (C and C++, -pedantic)" \
		"$STATIC" uapi "$MEMOPT_TOP/uapi/linux/memopt.h"
	expect_output "W=1 build catches a missing prototype" "no previous prototype for .bad_sum" \
		"$STATIC" w1 "$kdir" "$BAD"
	expect_output "sparse catches a __user dereference" "dereference of noderef" \
		"$STATIC" sparse "$kdir" "$BAD"
	expect_output "checkpatch catches space indentation" "code indent should use tabs" \
		"$STATIC" checkpatch "$BAD/bad.c"
	expect_output "kernel-doc catches an undescribed parameter" "'b' not described in 'bad_sum'" \
		"$STATIC" kerneldoc "$BAD/bad.c"
	t_end
}

host_tests() {
	phase host
	run_tap host/tap-count "$MEMOPT_TOP/scripts/tests/tap-count.sh"
	run_tap host/soak-report "$MEMOPT_TOP/scripts/tests/soak-report.sh"
	run_tap host/memoptctl "$MEMOPT_TOP/scripts/tests/memoptctl-host.sh"
	run_tap host/memoptctl-units "$MEMOPT_TOP/tools/memoptctl/tests/units_test"
	run_tap host/libmemopt-units "$MEMOPT_TOP/tools/lib/memopt/tests/unit_test"
	run_tap host/libmemopt-build "$MEMOPT_TOP/tools/lib/memopt/tests/build_test.sh"
	run_tap host/ynl-uapi "$MEMOPT_TOP/scripts/tests/ynl-uapi.sh"
	run_tap host/man-lint "$MEMOPT_TOP/scripts/tests/man-lint.sh"
	run_tap host/completion "$MEMOPT_TOP/scripts/tests/completion.sh"
	run_tap host/install "$MEMOPT_TOP/scripts/tests/install.sh"
	run_tap host/dkms "$MEMOPT_TOP/scripts/tests/dkms.sh"
	run_tap host/docs "$MEMOPT_TOP/scripts/tests/docs.sh"
}

# hang_test: a guest that booted and then hung is killed at the timeout
# with status 124 (a guest that never booted would prove nothing).
hang_test() {
	local rc=0
	"$MEMOPT_TOP/scripts/vm.sh" --extmod "$MEMOPT_TOP/scripts/runner-test" --timeout 40 \
		--name runner-hang stock-6.12 runner-test.sh 0 0 600 || rc=$?
	[ $rc -eq 124 ] && grep -q '^memopt guest:' "$MEMOPT_OUT/vm/runner-hang.console.log"
}

# early_death_test: a kernel that panics before the guest script starts
# (here: no init) is booted three times, then the run fails with 125.
early_death_test() {
	local rc=0 log=$MEMOPT_OUT/vm/runner-early.console.log
	MEMOPT_CMDLINE="rdinit=/nonexistent" "$MEMOPT_TOP/scripts/vm.sh" --timeout 60 \
		--name runner-early stock-6.12 runner-test.sh 0 0 || rc=$?
	[ $rc -eq 125 ] && [ -f "$log.boot1" ] && [ -f "$log.boot2" ] &&
		grep -q 'Kernel panic' "$log"
}

runner_test() {
	local vm=("$MEMOPT_TOP/scripts/vm.sh" --extmod "$MEMOPT_TOP/scripts/runner-test" --timeout 120)
	phase runner
	t_begin runner
	t_expect_rc 0 "a clean guest run passes" "${vm[@]}" --name runner-clean stock-6.12 runner-test.sh 0 0
	t_expect_rc 125 "a WARN in the guest fails the run" "${vm[@]}" --name runner-warn stock-6.12 runner-test.sh 1 0
	t_expect_rc 3 "the guest script's failure is the run's status" "${vm[@]}" --name runner-fail stock-6.12 runner-test.sh 0 3
	t_check "a hung guest is killed at the timeout" hang_test
	t_check "a kernel that dies before the guest starts is booted 3 times, then fails" \
		early_death_test
	case " $KERNELS " in
	*" debug "*)
		t_expect_rc 125 "a kmemleak report in the guest fails the run" "${vm[@]}" \
			--timeout 300 --name runner-leak debug runner-test.sh 0 0 0 1 ;;
	*)	t_skip "a kmemleak report in the guest fails the run" "debug kernel not selected" ;;
	esac
	t_end
}

# vm_run NAME KERNEL GUEST [vm.sh options]: one VM run, counted as a test,
# its results kept as $CHECK/NAME.results.
vm_run() {
	local name=$1 k=$2 guest=$3
	shift 3
	phase "vm $name"
	t_expect_rc 0 "$name: guest suite passes, no kernel splat" \
		"$MEMOPT_TOP/scripts/vm.sh" --timeout 900 --name "$name" "$@" "$k" "$guest"
	cp "$MEMOPT_OUT/vm/$name.results" "$CHECK/$name.results" 2>/dev/null ||
		printf '# suite boot tap\n# endsuite boot rc=1\n' >"$CHECK/$name.results"
}

# RUNS: the VM runs, "NAME KERNEL GUEST [vm.sh options]" each. The YNL
# test (cli.py driving the family through its spec) needs Python in the
# image, so it has a run of its own, on stock-6.12.
vm_runs() {
	local k
	t_begin vm
	for k in $KERNELS; do
		vm_run "$k" "$k" check.sh
	done
	case " $KERNELS " in
	*" stock-6.12 "*)
		vm_run ynl stock-6.12 ynl.sh --python
		bench_smoke ;;
	esac
	for k in stock-6.12 debug; do
		case " $KERNELS " in *" $k "*) fuzz_run "$k" ;; esac
	done
	case " $KERNELS " in *" debug "*) stress_run ;; esac
	t_end
}

# stress_run: a short stress run on the debug kernel (scripts/guest/stress.sh:
# STRESS_SECONDS of stress, default 45, 8 workers, seed 1; the boot, the
# hog's head start and the checks add about a minute); the long runs are
# "make soak"'s.
stress_run() {
	local name=stress-debug
	phase "vm $name"
	t_expect_rc 0 "$name: stress run, counters back to 0, no kernel splat" \
		"$MEMOPT_TOP/scripts/vm.sh" --timeout 900 --name "$name" debug stress.sh \
		"${STRESS_SECONDS:-45}" 8 1
	cp "$MEMOPT_OUT/vm/$name.results" "$CHECK/$name.results" 2>/dev/null ||
		printf '# suite boot tap\n# endsuite boot rc=1\n' >"$CHECK/$name.results"
}

# fuzz_run KERNEL: the fuzzer, bounded (scripts/guest/fuzz.sh: seeds 1 and
# 2, FUZZ_OPS operations per process, default 800), and on the debug kernel
# one fault injection pass at 10%; the long runs are "make soak"'s.
fuzz_run() {
	local k=$1 name=fuzz-$1
	phase "vm $name"
	t_expect_rc 0 "$name: fuzzer and fault injection, no kernel splat" \
		"$MEMOPT_TOP/scripts/vm.sh" --timeout 900 --name "$name" "$k" fuzz.sh 1 \
		"${FUZZ_OPS:-800}" 10
	cp "$MEMOPT_OUT/vm/$name.results" "$CHECK/$name.results" 2>/dev/null ||
		printf '# suite boot tap\n# endsuite boot rc=1\n' >"$CHECK/$name.results"
}

# bench_smoke: every benchmark of "make bench" runs and reports, with a few
# iterations (scripts/bench.sh --smoke: one stock-6.12 boot, the report and
# its JSON checked); its guest results are counted like a VM run's.
bench_smoke() {
	phase "vm bench-smoke"
	t_check "bench-smoke: every benchmark runs and reports (scripts/bench.sh --smoke)" \
		"$MEMOPT_TOP/scripts/bench.sh" --smoke
	cp "$MEMOPT_OUT/bench-smoke/vm.results" "$CHECK/bench-smoke.results" 2>/dev/null ||
		printf '# suite boot tap\n# endsuite boot rc=1\n' >"$CHECK/bench-smoke.results"
}

# The results files of the VM runs, by name.
run_names() {
	echo $KERNELS
	case " $KERNELS " in *" stock-6.12 "*) echo ynl bench-smoke fuzz-stock-6.12 ;; esac
	case " $KERNELS " in *" debug "*) echo fuzz-debug stress-debug ;; esac
}

# required_suites KERNEL: suites whose absence from KERNEL's results is a
# failure, so that a guest that skipped a part cannot pass by omission.
required_suites() {
	local t
	if [ "$1" = bench-smoke ]; then
		echo bench
		return 0
	fi
	case $1 in
	fuzz-debug) echo fuzz-load fuzz/ioctl fuzz/netlink fuzz-unload fault-10 fuzz-kmemleak
		return 0 ;;
	fuzz-*) echo fuzz-load fuzz/ioctl fuzz/netlink fuzz-unload fault
		return 0 ;;
	stress-debug) echo stress-load stress stress-unload stress-kmemleak
		return 0 ;;
	esac
	if [ "$1" = ynl ]; then
		echo ynl-load ynl-monitor ynl-pool ynl-errors ynl-del ynl-ledger ynl-monitor-events ynl-unload
		return 0
	fi
	echo load memoptctl memoptctl-pool cli-pool-growth cli-buf cli-proc cli-stats cli-leak \
		cli-destroy cli-monitor cli-monitor-lost cli-cleanup cli-apply cli-batch \
		cli-destroy-sigint cli-module-unloaded libmemopt libmemopt-pool \
		unload-busy unload examples
	for t in "$MEMOPT_TOP"/selftests/memopt/*_test.c; do
		echo "selftests/$(basename "$t" .c)"
	done
	[ "$1" = debug ] && echo memopt_smoke memopt_pool memopt_buffer kmemleak
	return 0
}

# missing_suites: a failed TAP suite for each required suite not reported.
missing_suites() {
	local k s
	for k in $(run_names); do
		for s in $(required_suites "$k"); do
			grep -q "^# suite $s " "$CHECK/$k.results" 2>/dev/null && continue
			printf '# suite %s-required tap\nnot ok 1 %s: suite %s did not report\n' "$k" "$k" "$s"
			printf '# endsuite %s-required rc=1\n' "$k"
		done
	done
}

summary() {
	local f prefix counts total
	missing_suites >&3
	exec 3>&-
	echo
	echo "Results (logs: $MEMOPT_OUT/vm/*.console.log, $CHECK/*.results)"
	counts=$(for f in "$CHECK"/host.results $(for k in $(run_names); do echo "$CHECK/$k.results"; done); do
		prefix=$(basename "$f" .results)
		[ "$prefix" = host ] && prefix=
		[ -f "$f" ] && awk -v prefix="$prefix" -f "$MEMOPT_TOP/scripts/tap-count.awk" "$f"
	done)
	echo "$counts" | sed -n 's/^SUITE /  /p'
	total=$(echo "$counts" | awk '/^TOTAL/ { p += $2; f += $3; s += $4 } END { print p, f, s }')
	set -- $total
	echo "make check took $(( $(date +%s) - start ))s"
	echo "$1 passed, $2 failed, $3 skipped"
	[ "$2" -eq 0 ] && [ "$1" -gt 0 ]
}

setup
build
static_checks
host_tests
runner_test
vm_runs
summary
