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

echo "1..$n"
exit $bad
