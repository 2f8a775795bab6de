#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: memopt's benchmarks in one boot of Debian's stock 6.12 kernel
# (it has dma-buf heaps and udmabuf, the peers of the user cycle), run by
# scripts/guest/bench.sh with a bench build of memopt (MEMOPT_BENCH=1,
# which adds kmod/bench/memopt_bench.ko). Every ratio is taken inside that
# one boot; no absolute time is compared across runs.
#
# Writes, in $MEMOPT_OUT/bench/ (default out/bench/):
#   results.json  everything the benchmarks printed, with the kernel, QEMU
#                 and host they ran on
#   table.md      medians and ratios (memopt / peer), also printed
#   handoff.svg   hand-off throughput by size (gnuplot)
#
# Usage: scripts/bench.sh [--smoke]
#   --smoke   a few iterations of each benchmark, only to check that each
#             runs and reports (make check); writes to out/bench-smoke/
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mode=full name=bench
case ${1:-} in
--smoke) mode=smoke name=bench-smoke ;;
"") ;;
*) die "usage: $0 [--smoke]" ;;
esac

dir=$MEMOPT_OUT/$name
rm -rf "$dir" && mkdir -p "$dir"
"$MEMOPT_TOP/scripts/deps.sh"
make -s -C "$MEMOPT_TOP/tools/bench"
files=()
for p in cycle handoff accounting; do
	files+=(--file "$MEMOPT_TOP/tools/bench/$p:memopt/bin/$p")
done
rc=0
MEMOPT_KBUILD_ARGS="MEMOPT_BENCH=1" "$MEMOPT_TOP/scripts/vm.sh" --timeout 1800 --name "$name" \
	"${files[@]}" stock-6.12 bench.sh "$mode" || rc=$?
cp "$MEMOPT_OUT/vm/$name.results" "$dir/vm.results" 2>/dev/null || true
[ "$rc" -eq 0 ] || die "the benchmark run failed (status $rc): see $MEMOPT_OUT/vm/$name.console.log"
/usr/bin/python3 "$MEMOPT_TOP/scripts/bench-report.py" --mode "$mode" \
	--console "$MEMOPT_OUT/vm/$name.console.log" "$dir/vm.results" "$dir"
cat "$dir/table.md"
if [ "$mode" = full ]; then
	gnuplot "$dir/handoff.gp"
	msg "bench: $dir/results.json, $dir/table.md, $dir/handoff.svg"
fi
