#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The benchmarks, in one boot (scripts/bench.sh; "make bench", and its smoke
# run in "make check"): the in-kernel microbenchmark (memopt_bench.ko), the
# user cycle (cycle), the hand-off between processes (handoff) and the
# ledger's cost (accounting). Each one's JSON goes to the results channel
# as "# bench NAME JSON" for the host to collect; the TAP suite "bench"
# checks that each ran and reported.
#
# Usage: bench.sh [smoke]
. /memopt/lib.sh

mode=${1:-full}
BENCH_JSON=/tmp/bench.json

# report NAME: the JSON object in $BENCH_JSON, as one results line.
report() {
	local json
	json=$(tr -d '\n' <"$BENCH_JSON")
	case $json in
	"{"*"}") printf '# bench %s %s\n' "$1" "$json" >&3 ;;
	*) echo "$1: no JSON object on stdout"; return 1 ;;
	esac
}

# bench NAME CMD...: run CMD, keep its JSON (stdout) as NAME's result.
bench() {
	local name=$1
	shift
	echo "--- $name: $*"
	"$@" >"$BENCH_JSON" || { cat "$BENCH_JSON"; return 1; }
	cat "$BENCH_JSON"
	report "$name"
}

# kbench [quick]: memopt_bench.ko prints one JSON object per case.
kbench() {
	local ko=/memopt/kmod/bench/memopt_bench.ko
	dmesg -c >/dev/null
	insmod "$ko" "$@" || return 1
	rmmod memopt_bench || return 1
	dmesg | sed -n 's/.*memopt_bench: \({.*}\)$/\1/p' >/tmp/kbench.lines
	dmesg | grep -q 'memopt_bench: done cases=' || return 1
	[ -s /tmp/kbench.lines ] || return 1
	awk 'BEGIN { printf "{\"bench\":\"kernel\",\"cases\":[" }
	     NR > 1 { printf "," } { printf "%s", $0 } END { print "]}" }' /tmp/kbench.lines >"$BENCH_JSON"
	cat /tmp/kbench.lines
	report kernel
}

# Pools the user-space benchmarks take their buffers from (--pool-prefix).
pools() {
	memoptctl pool create --name bench4k --size 4k --min 64 &&
	memoptctl pool create --name bench64k --size 64k --min 16 &&
	memoptctl pool create --name bench1m --size 1m --min 8 &&
	memoptctl pool create --name bench16m --size 4m --min 20 --max 64
}

if [ "$mode" = smoke ]; then
	quick=quick=1 opt=--smoke acct="200 3" acct1m="4 3"
else
	quick= opt= acct="500 61" acct1m="20 61"
fi

t_begin bench
t_check "insmod memopt.ko (bench build)" insmod /memopt/kmod/memopt.ko
t_check "the benchmark pools are created" pools
# shellcheck disable=SC2086
t_check "memopt_bench.ko runs and reports every case" kbench $quick
# The magazines' steady state: the pools' counters around the user cycle,
# whose loops allocate and free one buffer at a time.
t_check "pool statistics before the user cycle" bench stats-before-cycle memoptctl -j stats
# shellcheck disable=SC2086
t_check "cycle runs every peer and reports" bench cycle cycle $opt
t_check "pool statistics after the user cycle" bench stats-after-cycle memoptctl -j stats
# shellcheck disable=SC2086
t_check "handoff runs every mode and reports" bench handoff handoff $opt
# shellcheck disable=SC2086
t_check "accounting on vs off, 4 KiB" bench accounting-4k accounting bench4k $acct
# shellcheck disable=SC2086
t_check "accounting on vs off, 64 KiB" bench accounting-64k accounting bench64k $acct
# shellcheck disable=SC2086
t_check "accounting on vs off, 1 MiB" bench accounting-1m accounting bench1m $acct1m
t_check "pool statistics are reported" bench stats memoptctl -j stats
t_check "the benchmark pools are destroyed" sh -c \
	'for p in bench4k bench64k bench1m bench16m; do memoptctl pool destroy $p || exit 1; done'
t_check "rmmod memopt" rmmod memopt
t_end
exit "$MEMOPT_FAILED"
