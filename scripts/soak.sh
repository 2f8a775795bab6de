#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make soak: the long versions of make check's fuzz, fault injection and
# stress runs, each its own VM boot (a splat fails that run alone):
#
#   soak-fuzz-debug-N  debug kernel: the fuzzer (scripts/guest/fuzz.sh) with
#                      SOAK_OPS operations per process, an ioctl pass (2
#                      processes) and a netlink pass (3); then the fault
#                      injection passes at 1, 10 and 50%: the fuzzer with
#                      SOAK_FAULT_OPS operations per process, and the
#                      selftests, under failslab and fail_page_alloc
#   soak-fuzz-stock    the same fuzz on stock-6.12 (no fault injection there)
#   soak-stress        debug kernel, both CPUs: scripts/guest/stress.sh for
#                      SOAK_STRESS_S seconds with SOAK_STRESS_PROCS workers
#
# Then scripts/soak-report.py sums the figures each run printed into
# $MEMOPT_OUT/soak/results.json and summary.md: operations fuzzed, faults
# injected, stress operations and processes, kernel splats, bytes leaked.
# Prints "N passed, N failed, N skipped" last, like make check, and exits
# non-zero on any failure or when nothing ran.
#
# Environment (defaults: measured 19 minutes on 2 cores): SOAK_SEEDS ("11 31":
# one debug boot each, seeds S and S+1), SOAK_OPS (6000), SOAK_FAULT_OPS
# (3000), SOAK_STRESS_S (600), SOAK_STRESS_PROCS (8), SOAK_STRESS_SEED (7).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

SOAK=$MEMOPT_OUT/soak
SEEDS=${SOAK_SEEDS:-11 31}
OPS=${SOAK_OPS:-6000}
FAULT_OPS=${SOAK_FAULT_OPS:-3000}
STRESS_S=${SOAK_STRESS_S:-600}
STRESS_PROCS=${SOAK_STRESS_PROCS:-8}
STRESS_SEED=${SOAK_STRESS_SEED:-7}
start=$(date +%s)

rm -rf "$SOAK" && mkdir -p "$SOAK"
exec 3>"$SOAK/host.results"
. "$MEMOPT_TOP/scripts/guest/lib.sh"

names=()

# soak_run NAME TIMEOUT KERNEL GUEST [ARGS...]: one VM run, counted as a
# test; its results, console log and exit status kept under $SOAK.
soak_run() {
	local name=$1 timeout=$2 k=$3 rc=0
	shift 3
	msg "soak $name: $k $* ($(( $(date +%s) - start ))s)"
	"$MEMOPT_TOP/scripts/vm.sh" --timeout "$timeout" --name "$name" "$k" "$@" || rc=$?
	echo "$rc" >"$SOAK/$name.rc"
	if [ "$rc" -eq 0 ]; then
		_t_report ok "$name: passes, no kernel splat"
	else
		_t_report "not ok" "$name: passes, no kernel splat (exit $rc)"
		T_FAIL=1
	fi
	cp "$MEMOPT_OUT/vm/$name.results" "$SOAK/$name.results" 2>/dev/null ||
		printf '# suite boot tap\n# endsuite boot rc=1\n' >"$SOAK/$name.results"
	cp "$MEMOPT_OUT/vm/$name.console.log" "$SOAK/$name.console.log" 2>/dev/null
	names+=("$name")
}

t_begin setup
t_check "dependencies installed (scripts/deps.sh)" "$MEMOPT_TOP/scripts/deps.sh"
for k in stock-6.12 debug; do
	t_check "kernel $k available" "$MEMOPT_TOP/scripts/kernels.sh" fetch "$k"
done
t_check "tools and selftests build" make -s -C "$MEMOPT_TOP" tools selftests
t_end

t_begin soak
for s in $SEEDS; do
	soak_run "soak-fuzz-debug-$s" 5400 debug fuzz.sh "$s" "$OPS" 1,10,50 "$FAULT_OPS" selftests
done
soak_run soak-fuzz-stock 3600 stock-6.12 fuzz.sh 21 "$OPS"
soak_run soak-stress $((STRESS_S * 2 + 600)) debug stress.sh "$STRESS_S" "$STRESS_PROCS" "$STRESS_SEED"
t_check "the figures are summed (scripts/soak-report.py)" /usr/bin/python3 \
	"$MEMOPT_TOP/scripts/soak-report.py" "$SOAK" "${names[@]}"
t_end

exec 3>&-
echo
echo "Results ($SOAK: results.json, summary.md, *.results, *.console.log)"
counts=$(for f in "$SOAK"/host.results $(for n in "${names[@]}"; do echo "$SOAK/$n.results"; done); do
	prefix=$(basename "$f" .results)
	[ "$prefix" = host ] && prefix=
	awk -v prefix="$prefix" -f "$MEMOPT_TOP/scripts/tap-count.awk" "$f"
done)
echo "$counts" | sed -n 's/^SUITE /  /p'
[ -f "$SOAK/summary.md" ] && cat "$SOAK/summary.md"
total=$(echo "$counts" | awk '/^TOTAL/ { p += $2; f += $3; s += $4 } END { print p, f, s }')
set -- $total
echo "make soak took $(( $(date +%s) - start ))s"
echo "$1 passed, $2 failed, $3 skipped"
[ "$2" -eq 0 ] && [ "$1" -gt 0 ]
