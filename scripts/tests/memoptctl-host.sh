#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# memoptctl on the build host, where memopt.ko is never loaded: usage,
# version, exit codes and the error for a missing module. TAP out.
set -u
CTL=$(dirname "$0")/../../tools/memoptctl/memoptctl
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

echo "1..$n"
exit $bad
