#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# libmemopt as built and installed, on the host: libmemopt.map lists the
# functions libmemopt.h declares, and the shared library exports exactly
# those, all at version MEMOPT_0.1,
# under SONAME libmemopt.so.0; the archive defines nothing outside the
# memopt_/libmemopt_ namespace; libmemopt.h compiles on its own in C and
# C++; "make install" lays out the library, its symlinks, the headers and
# memopt.pc, and a program built with "pkg-config --cflags --libs memopt"
# links against libmemopt.so.0 and runs. TAP out; run after "make".
set -u
LIB=$(cd "$(dirname "$0")/.." && pwd)
UAPI=$(cd "$LIB/../../../uapi" && pwd)
SO=$LIB/libmemopt.so.0.1.0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
n=0 bad=0

ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n $1"; bad=1; }
# t DESC CMD...: ok when CMD succeeds; its output is shown when it fails.
t() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then ok "$desc"; else not_ok "$desc"; echo "$out" | sed 's/^/# /'; fi
}

# The global names of the map's version node, sorted.
map_symbols() {
	sed -e 's|/\*.*\*/||' -e '/^[[:space:]]*\*/d' "$LIB/libmemopt.map" |
		sed -n '/global:/,/local:/p' | grep -oE '^[[:space:]]*[a-z_0-9]+;' |
		tr -d ' \t;' | sort
}

# The functions libmemopt.h declares, sorted.
header_functions() {
	grep -oE '^[a-z].*[ *](memopt_[a-z_0-9]+)\(' "$LIB/libmemopt.h" |
		grep -oE 'memopt_[a-z_0-9]+\($' | tr -d '(' | sort
}

# The defined dynamic symbols of the library, NAME@VERSION, sorted; the
# version node itself (an absolute symbol) left out.
dyn_symbols() {
	nm -D --defined-only "$SO" | awk '$2 != "A" { print $3 }' | sort
}

same_list() { # DESC EXPECTED ACTUAL
	if [ "$2" = "$3" ]; then ok "$1"; return; fi
	not_ok "$1"
	diff <(echo "$2") <(echo "$3") | sed 's/^/# /'
}

check_symbols() {
	local want got
	want=$(map_symbols)
	got=$(dyn_symbols)
	[ -n "$want" ] && ok "libmemopt.map has a MEMOPT_0.1 node ($(echo "$want" | wc -w) functions)" ||
		not_ok "libmemopt.map has a MEMOPT_0.1 node with global functions"
	same_list "libmemopt.map lists exactly the functions libmemopt.h declares" \
		"$(header_functions)" "$want"
	same_list "the shared library exports exactly the map's symbols" \
		"$want" "$(echo "$got" | sed 's/@.*//')"
	same_list "... each at version MEMOPT_0.1" \
		"$(echo "$want" | sed 's/$/@@MEMOPT_0.1/')" "$got"
	t "SONAME is libmemopt.so.0" sh -c "readelf -d '$SO' | grep -q 'Library soname: \[libmemopt.so.0\]'"
	got=$(nm -g --defined-only "$LIB/libmemopt.a" | awk 'NF == 3 { print $3 }' |
	      grep -vE '^(lib)?memopt_' || true)
	[ -z "$got" ] && ok "the archive defines only memopt_/libmemopt_ globals" ||
		not_ok "the archive defines only memopt_/libmemopt_ globals (also: $got)"
}

check_header() {
	local prog='#include <libmemopt.h>
int main(void) { struct memopt_session *s; return memopt_open(&s) == 0; }'
	t "libmemopt.h compiles on its own (C, -pedantic)" sh -c "echo '$prog' |
		gcc -std=c99 -Wall -Wextra -pedantic -Werror -I'$LIB' -I'$UAPI' -fsyntax-only -x c -"
	t "libmemopt.h compiles on its own (C++, -pedantic)" sh -c "echo '$prog' |
		g++ -std=c++11 -Wall -Wextra -pedantic -Werror -I'$LIB' -I'$UAPI' -fsyntax-only -x c++ -"
}

# check_install: a staged install under /opt/memopt, found with pkg-config.
check_install() {
	local root=$TMP/root lib=$TMP/root/opt/memopt/lib flags want
	t "make install (DESTDIR, PREFIX=/opt/memopt)" \
		make -s -C "$LIB" install DESTDIR="$root" PREFIX=/opt/memopt
	t "installed: the library, its symlinks, the archive" sh -c "
		test -f '$lib/libmemopt.so.0.1.0' && test -f '$lib/libmemopt.a' &&
		test \"\$(readlink '$lib/libmemopt.so.0')\" = libmemopt.so.0.1.0 &&
		test \"\$(readlink '$lib/libmemopt.so')\" = libmemopt.so.0"
	t "installed: libmemopt.h and linux/memopt.h" \
		test -f "$root/opt/memopt/include/libmemopt.h" -a -f "$root/opt/memopt/include/linux/memopt.h"
	t "memopt.pc records PREFIX" grep -qx 'prefix=/opt/memopt' "$lib/pkgconfig/memopt.pc"
	flags=$(PKG_CONFIG_PATH=$lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$root pkg-config --cflags --libs memopt)
	flags=$(echo $flags)	# pkg-config ends with a space
	want="-I$root/opt/memopt/include -L$root/opt/memopt/lib -lmemopt"
	[ "$flags" = "$want" ] && ok "pkg-config --cflags --libs memopt" ||
		not_ok "pkg-config --cflags --libs memopt: \"$flags\", wanted \"$want\""
	printf '%s\n' '#include <stdio.h>' '#include <libmemopt.h>' \
		'int main(void) { struct memopt_session *s; printf("%d\n", memopt_open(&s)); return 0; }' >"$TMP/p.c"
	# shellcheck disable=SC2086
	t "a program builds with those flags" gcc -Wall -Werror -o "$TMP/p" "$TMP/p.c" $flags
	t "... and needs libmemopt.so.0, version MEMOPT_0.1" sh -c "
		readelf -d '$TMP/p' | grep -q 'Shared library: \[libmemopt.so.0\]' &&
		readelf -V '$TMP/p' | grep -q 'Name: MEMOPT_0.1'"
	want=-2	# -ENOENT: the build host has no /dev/memopt
	[ -e /dev/memopt ] && want=0
	t "... and runs against the installed library (memopt_open: $want)" sh -c "
		test \"\$(LD_LIBRARY_PATH='$lib' '$TMP/p')\" = '$want'"
}

check_symbols
check_header
check_install
echo "1..$n"
exit $bad
