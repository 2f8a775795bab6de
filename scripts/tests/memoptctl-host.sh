#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# memoptctl on the build host, where memopt.ko is never loaded: usage,
# version, exit codes and the error for a missing module; and its
# Prometheus output checked by promtool (scripts/deps.sh puts it in the
# cache). TAP out.
set -u
CTL=$(dirname "$0")/../../tools/memoptctl/memoptctl
REPORT_TEST=$(dirname "$0")/../../tools/memoptctl/tests/report_test
PROMTOOL=${MEMOPT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/memopt}/promtool/promtool
n=0 bad=0

t() { # DESC WANT_RC PATTERN ARGS...
	local desc=$1 want=$2 pat=$3 out rc
	shift 3
	n=$((n + 1))
	out=$("$CTL" "$@" 2>&1) && rc=0 || rc=$?
	if [ "$rc" -eq "$want" ] && echo "$out" | grep -qE "$pat"; then
		echo "ok $n $desc"
	else
		echo "not ok $n $desc (exit $rc, wanted $want)"
		echo "$out" | sed 's/^/# /'
		bad=1
	fi
}

t "-V prints the version"                 0 '^memoptctl [0-9]+\.[0-9]+\.[0-9]+$' -V
t "--version prints the version"          0 '^memoptctl [0-9]'                   --version
t "-h prints usage to stdout"             0 '^Usage: memoptctl'                  -h
t "no arguments is a usage error"         2 '^Usage: memoptctl'
t "an unknown option is a usage error"    2 'Usage: memoptctl'                   --bogus
t "an unknown object is named"            2 '^Error: unknown object "frob"\.'    frob
t "an unknown command is named"           2 'unknown command "frob" for object "module"' module frob
t "module show without the module fails"  1 '^Error: generic netlink family "memopt" not found' module show
t "pool list without the module fails"    1 '^Error: generic netlink family "memopt" not found' pool list
t "pool help prints usage"                0 '^Usage: memoptctl pool create --size SIZE' pool help
t "pool create needs --size (before the kernel)" 2 '^Error: pool create needs --size\.$' pool create
t "a size that is not a size"             2 '^Error: --size "4q" is not a size' pool create --size 4q
t "a size over 32 bits"                   2 'is not a size'                      pool create --size 8G
t "a watermark over 100"                  2 'is not a percentage'                pool create --size 4k --watermark 101
t "a leak age that is not a duration"     2 'is not a duration'                  pool create --size 4k --leak-age 5min
t "set cannot rename"                     2 "a pool's name cannot be changed"    pool set a --name b
t "show needs a pool"                     2 '^Error: pool show needs a pool name or id\.$' pool show
t "an unknown pool command"               2 'unknown command "grow" for object "pool"' pool grow
t "a growth that is not a size"           2 '^Error: --growth "x" is not a size' pool create --size 4k --growth x
t "a growth window that is not a duration" 2 'is not a duration'                 pool set a --growth-window 5min
t "destroy: a timeout that is not one"    2 '^Error: --timeout "x" is not a duration' pool destroy a --timeout x
t "destroy: an unknown option"            2 'unknown option "--now" for "pool destroy"' pool destroy a --now
t "a missing option value is named"      2 '^Error: option "--size" needs a value\.$' pool create --size
t "stats help prints usage"               0 '^Usage: memoptctl stats'            stats help
t "stats: an unknown format"              2 '^Error: --format "xml" is not text, json or prometheus' stats --format xml
t "stats: a watch interval of 0"          2 '^Error: --watch "0" is not a duration' stats --watch 0
t "stats: two pools"                      2 'unexpected argument "b"'            stats a b
t "stats without the module fails"        1 'family "memopt" not found'          stats --format prometheus
t "buf: a pid that is not one"            2 '^Error: --pid "0" is not a process id' buf list --pid 0
t "buf: a label too long"                 2 'is not a label \(1 to 31 characters\)' buf list --label 0123456789abcdef0123456789abcdef
t "buf: a minimum age that is not one"    2 '^Error: --min-age "5q" is not a duration' buf list --min-age 5q
t "buf: an unknown command"               2 'unknown command "frob" for object "buf"' buf frob
t "proc: an unknown sort key"             2 '^Error: --sort "size" is not bytes, buffers, peak, age or pid' proc --sort size
t "proc help prints usage"                0 '^Usage: memoptctl proc'             proc help
t "leak: snapshot needs a FILE"           2 '^Error: leak snapshot needs one FILE' leak snapshot
t "leak: diff of a missing file fails"    1 '^Error: cannot read the snapshot "/nonexistent/snap"' leak diff /nonexistent/snap
notsnap=$(mktemp)
echo '{"holdings": 3}' >"$notsnap"
t "leak: diff of a file that is no snapshot" 1 'is not a snapshot of "memoptctl leak snapshot"' leak diff "$notsnap"
rm -f "$notsnap"
t "leak: an unknown command"              2 'unknown command "find" for object "leak"' leak find
t "monitor: a count that is not one"      2 '^Error: --count "x" is not a number of events' monitor --count x
t "monitor without the module fails"      1 'family "memopt" not found'          monitor

# The unit tests of the reports, the Prometheus formatter and the monitor's
# lines (tools/memoptctl/tests/report_test, TAP of its own), as one check.
n=$((n + 1))
if out=$("$REPORT_TEST" 2>&1) && ! echo "$out" | grep -q '^not ok'; then
	echo "ok $n report_test: $(echo "$out" | grep -c '^ok') unit tests of reports, Prometheus output, monitor lines"
else
	echo "not ok $n report_test"
	echo "$out" | sed 's/^/# /'
	bad=1
fi

# promtool, Prometheus's own checker (parser and naming lint), on a sample
# of "stats --format prometheus" output from the formatter's unit test.
n=$((n + 1))
prom=$(mktemp)
if [ ! -x "$PROMTOOL" ]; then
	echo "not ok $n promtool check metrics (no $PROMTOOL: run scripts/deps.sh)"
	bad=1
elif "$REPORT_TEST" --prom "$prom" && out=$("$PROMTOOL" check metrics <"$prom" 2>&1) &&
     [ -s "$prom" ]; then
	echo "ok $n promtool check metrics accepts the Prometheus output"
else
	echo "not ok $n promtool check metrics accepts the Prometheus output"
	echo "${out:-}" | sed 's/^/# /'
	bad=1
fi
n=$((n + 1))
printf '# HELP x_total a\n# TYPE x_total gauge\nx_total 1\n' >"$prom"
if [ -x "$PROMTOOL" ] && ! "$PROMTOOL" check metrics <"$prom" >/dev/null 2>&1; then
	echo "ok $n promtool catches a gauge named _total (the check is live)"
else
	echo "not ok $n promtool catches a gauge named _total (the check is live)"
	bad=1
fi
rm -f "$prom"

echo "1..$n"
exit $bad
