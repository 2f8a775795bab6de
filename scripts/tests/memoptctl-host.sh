#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# memoptctl on the build host, where memopt.ko is never loaded: usage,
# version, exit codes and the error for a missing module; the grammar of
# global options (ip's -json and -batch too) and their place; pool files
# refused before anything is sent (apply) and batch mode's line handling;
# the unit tests of reports and pool files; and its Prometheus output
# checked by promtool (scripts/deps.sh puts it in the cache). TAP out.
set -u
CTL=$(dirname "$0")/../../tools/memoptctl/memoptctl
REPORT_TEST=$(dirname "$0")/../../tools/memoptctl/tests/report_test
CONF_TEST=$(dirname "$0")/../../tools/memoptctl/tests/conf_test
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

# tn DESC WANT_RC PATTERN ARGS...: like t, but PATTERN must not match.
tn() {
	local desc=$1 want=$2 pat=$3 out rc
	shift 3
	n=$((n + 1))
	out=$("$CTL" "$@" 2>&1) && rc=0 || rc=$?
	if [ "$rc" -eq "$want" ] && ! echo "$out" | grep -qE "$pat"; then
		echo "ok $n $desc"
	else
		echo "not ok $n $desc (exit $rc, wanted $want)"
		echo "$out" | sed 's/^/# /'
		bad=1
	fi
}

# tin DESC WANT_RC PATTERN INPUT ARGS...: t with INPUT (printf's format) on
# standard input.
tin() {
	local desc=$1 want=$2 pat=$3 in=$4 out rc
	shift 4
	n=$((n + 1))
	# shellcheck disable=SC2059 # INPUT is a format
	out=$(printf -- "$in" | "$CTL" "$@" 2>&1) && rc=0 || rc=$?
	if [ "$rc" -eq "$want" ] && echo "$out" | grep -qE "$pat"; then
		echo "ok $n $desc"
	else
		echo "not ok $n $desc (exit $rc, wanted $want)"
		echo "$out" | sed 's/^/# /'
		bad=1
	fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
NOMOD='^Error: the memopt module is not loaded \(no generic netlink family "memopt"\)\.$'

t "-V prints the version"                 0 '^memoptctl [0-9]+\.[0-9]+\.[0-9]+$' -V
t "--version prints the version"          0 '^memoptctl [0-9]'                   --version
t "-h prints usage to stdout"             0 '^Usage: memoptctl'                  -h
t "no arguments is a usage error"         2 '^Usage: memoptctl'
t "an unknown option is a usage error"    2 '^Error: unknown option "--bogus"\.$' --bogus
t "... named in the Error: format, with a hint" 2 '^Try "memoptctl help"\.$'     --bogus
tn "... not in getopt's own words"       2 'unrecognized|invalid option'       --bogus
t "an unknown single-dash option"         2 '^Error: unknown option "-bogus"\.$' -bogus
t "an unknown letter in a cluster"        2 '^Error: unknown option "-x"\.$'    -jx pool
t "a global option given a value"         2 '^Error: option "--json" takes no value\.$' --json=1 pool
t "an unknown object is named"            2 '^Error: unknown object "frob"\.'    frob
t "an unknown command is named"           2 'unknown command "frob" for object "module"' module frob
t "module show without the module says it is not loaded" 1 "$NOMOD" module show
t "module alone is module show"           1 "$NOMOD"                              module
t "-j module show without the module too" 1 "$NOMOD"                              -j module show
t "pool list without the module fails"    1 "$NOMOD"                              pool list
t "pool alone is pool list"               1 "$NOMOD"                              pool

# Global options: letters, ip's single-dash long names, prefixes, clusters.
t "-json is --json (not -j -s -o -n)"     1 "$NOMOD"                              -json pool list
t "-pretty is --pretty"                   1 "$NOMOD"                              -pretty -json pool list
t "-jp is -j -p"                          1 "$NOMOD"                              -jp pool list
t "-js, a prefix of -json"                1 "$NOMOD"                              -js pool list
t "-Version, as the usage writes it"      0 '^memoptctl [0-9]'                   -Version
t "-help"                                 0 '^Usage: memoptctl'                  -help
t "the usage shows -b[atch] and -force"   0 'OPTIONS := \{ -j\[son\] \| -p\[retty\] \| -V\[ersion\] \| -h\[elp\] \| -b\[atch\] FILE \| -force \}' -h
t "-force without -batch"                 2 '^Error: option "-force" goes with -batch FILE\.$' -force pool list
t "-batch without FILE"                   2 '^Error: option "-batch" needs a value\.$' -batch
t "-batch FILE and an OBJECT"             2 'no OBJECT after it \("pool"\)'     -b /dev/null pool list

# Global options after the object: a clear error, before the kernel.
# glob OPTION OBJECT: the pattern of that error.
glob() {
	printf '^Error: global option "%s" after the object: global options go before it, as in "memoptctl %s %s \\.\\.\\."\\.$' \
		"$1" "$1" "$2"
}
t "pool list -j"                          2 "$(glob -j pool)"                    pool list -j
t "pool show NAME --json"                 2 "$(glob --json pool)"                pool show frames --json
t "pool -p"                               2 "$(glob -p pool)"                    pool -p
t "pool create ... -j"                    2 "$(glob -j pool)"                    pool create --size 4k -j
t "pool destroy -j NAME"                  2 "$(glob -j pool)"                    pool destroy -j frames
t "stats -json"                           2 "$(glob -json stats)"                stats -json
t "buf list -j"                           2 "$(glob -j buf)"                     buf list -j
t "proc -j"                               2 "$(glob -j proc)"                    proc -j
t "leak -j"                               2 "$(glob -j leak)"                    leak -j
t "leak snapshot FILE -j"                 2 "$(glob -j leak)"                    leak snapshot /tmp/x -j
t "monitor -j"                            2 "$(glob -j monitor)"                 monitor -j
t "module show -j"                        2 "$(glob -j module)"                  module show -j
t "apply FILE -j"                         2 "$(glob -j apply)"                   apply /dev/null -j
t "an option given a value it does not take" 2 '^Error: option "--wait" takes no value\.$' pool destroy a --wait=3

# What the usage shows: short options, the defaults, exit 4, the limits.
t "stats usage shows -w"                  0 '\[-w\|--watch DURATION\]'            stats help
t "... -f and -o"                         0 '\[-f\|--format text\|json\|prometheus\] \[-o\|--output FILE\]' stats help
t "monitor usage shows -c and -t"         0 '^Usage: memoptctl monitor \[-c\|--count N\] \[-t\|--timestamp\]$' monitor help
t "the usage: what an OBJECT alone means" 0 '^Without a COMMAND, pool lists, module shows, buf and proc list, leak reports\.$' -h
t "pool usage: pool alone is pool list"   0 '"memoptctl pool" alone is "pool list"' pool help
t "module usage: module alone is module show" 0 '"memoptctl module" alone is "module show"' module help
t "the usage: exit 4 only with --timeout" 0 '"pool destroy --wait --timeout" 4$'  -h
t "pool usage: exit 4 only with --timeout" 0 'it implies --wait\) gives up after DURATION with exit 4' pool help
t "pool usage: SIGINT ends the wait, exit 0" 0 'SIGINT or SIGTERM end the wait \(exit 0\)' pool help
t "the usage: units are powers of 1024"   0 'gib \(any case\) are powers of 1024' -h
t "the usage: duration units in lower case" 0 '1d \(units in lower case\); --watch and --timeout take 1s to 7d' -h
t "stats --watch above 7 days"            2 '^Error: --watch "8d" is not a duration from 1s to 7d' stats --watch 8d
t "stats --watch 7d is the most"          1 "$NOMOD"                              stats --watch 7d
t "destroy --timeout of 0"                2 '^Error: --timeout "0" is not a duration from 1s to 7d' pool destroy a --timeout 0
t "destroy --timeout above 7 days"        2 'is not a duration from 1s to 7d'    pool destroy a --timeout 604801
t "a duration unit in upper case"         2 '^Error: --leak-age "5M" is not a duration' pool create --size 4k --leak-age 5M
t "a size unit: kb is 1024 (to the kernel)" 1 "$NOMOD"                            pool create --size 4kb
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
t "stats without the module fails"        1 "$NOMOD"                              stats --format prometheus
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
t "monitor without the module fails"      1 "$NOMOD"                              monitor
t "monitor: -c is --count"                2 '^Error: --count "0" is not a number of events' monitor -c 0

# apply: a bad file is refused before the kernel is asked (exit 2), each
# bad line named; a good one needs the module (exit 1 here).
cat >"$tmp/good.conf" <<'CONF'
# the pools of this machine
pool frames size=4k min=64 max=65536 watermark=80 leak-age=5m   # camera frames
pool video  size=2M max=64 growth=16M growth-window=2m mode=0640
CONF
cat >"$tmp/bad.conf" <<'CONF'
pool frames size=4k
pool video size=3000
# a comment
pool frames size=4k min=2
pool net size=64k mtu=1500
CONF
t "apply help"                            0 '^Usage: memoptctl apply FILE \[--dry-run\] \[--prune\]$' apply help
t "apply needs a FILE"                    2 '^Error: apply needs a FILE\.$'     apply
t "apply: an unknown option"              2 '^Error: unknown option "--bogus" for "apply"\.$' apply "$tmp/good.conf" --bogus
t "apply: a file that cannot be read: exit 1" 1 '^Error: cannot read the pool file "/nonexistent/pools.conf": No such file or directory\.$' apply /nonexistent/pools.conf
t "apply: a good file needs the module"   1 "$NOMOD"                              apply "$tmp/good.conf"
t "apply --dry-run --prune too"           1 "$NOMOD"                              apply --dry-run "$tmp/good.conf" --prune
t "apply: a bad file is refused, exit 2"  2 '^Error: .*bad.conf: 3 bad lines: nothing was changed\.$' apply "$tmp/bad.conf"
t "... naming a bad size's line"          2 "^Error: $tmp/bad.conf:2: size 3000 is not a multiple of the page size \\(4096\\)\\.\$" apply "$tmp/bad.conf"
t "... a duplicate's line and the first"  2 "^Error: $tmp/bad.conf:4: pool frames is already on line 1\\.\$" apply "$tmp/bad.conf"
t "... an unknown setting's line"         2 "^Error: $tmp/bad.conf:5: unknown setting \"mtu\"" apply "$tmp/bad.conf"
tn "... before asking the kernel"         2 'not loaded'                          apply --dry-run "$tmp/bad.conf"

# Batch mode: one command a line; errors name FILE:LINE; the first failure
# stops it unless -force; each line's options are its own.
printf '# two commands that need no kernel\npool help\n\n  module help   # a comment\n' >"$tmp/ok.batch"
printf 'pool help\nstats --format xml\nmodule help\n' >"$tmp/fail.batch"
t "-batch runs each line"                 0 '^Usage: memoptctl module show$'     -batch "$tmp/ok.batch"
t "-b is -batch"                          0 '^Usage: memoptctl pool create'      -b "$tmp/ok.batch"
t "--batch is -batch"                     0 '^Usage: memoptctl pool create'      --batch "$tmp/ok.batch"
t "a failing line: FILE:LINE, then the command's error" 2 "^Error: $tmp/fail.batch:2: --format \"xml\" is not text, json or prometheus\\.\$" -b "$tmp/fail.batch"
tn "... stops the batch"                  2 '^Usage: memoptctl module show$'     -b "$tmp/fail.batch"
t "-force goes on after it"               2 '^Usage: memoptctl module show$'     -b "$tmp/fail.batch" -force
t "--force: the first failure's status"   2 'fail.batch:2: '                     --force -b "$tmp/fail.batch"
tin "-b - reads standard input"           0 '^Usage: memoptctl monitor'          'monitor help\n' -b -
tin "... and names it stdin"              1 '^Error: stdin:2: the memopt module is not loaded' 'pool help\npool list\n' -b -
tin "quotes: a word with blanks in it"    2 '^Error: stdin:1: --label "two words that make a label too long to be one" is not a label' "buf list --label 'two words that make a label too long to be one'\n" -b -
tin "double quotes and backslashes"       2 '^Error: stdin:1: --label "a "b" c d e f g h i j k l m n o p q r" is not a label' 'buf list --label="a \\"b\\" c d e f g h i j k l m n o p q r"\n' -b -
tin "an unclosed quote"                   2 "^Error: stdin:1: a single quote \\(.\\) is not closed\\.\$" "pool show 'frames\n" -b -
tin "a global option in a line"           2 '^Error: stdin:1: global option "-j" in a batch line: give it on memoptctl.s command line, before -batch\.$' '-j pool list\n' -b -
tin "getopt starts afresh on each line (nothing left by -jx)" 2 '^Error: stdin:2: --count "x" is not a number of events' 'pool create --size 4k -jx\nmonitor --count x\n' -b - -force
t "a batch file that cannot be read: exit 1" 1 '^Error: cannot read the batch file "/nonexistent": No such file or directory\.$' -b /nonexistent

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

# The unit tests of pool files, pool settings and batch lines' words
# (tools/memoptctl/tests/conf_test, TAP of its own), as one check.
n=$((n + 1))
if out=$("$CONF_TEST" 2>&1) && ! echo "$out" | grep -q '^not ok'; then
	echo "ok $n conf_test: $(echo "$out" | grep -c '^ok') unit tests of pool files, settings, batch words"
else
	echo "not ok $n conf_test"
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
