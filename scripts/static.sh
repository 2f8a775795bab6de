#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# memopt's static checks. Each prints the violations it finds and exits 1 if
# there is any, 0 if there is none, 2 if it could not run.
#
#   static.sh w1 KDIR DIR         Kbuild tree DIR builds with W=1, no warning
#   static.sh sparse KDIR DIR     sparse (C=2) reports nothing
#   static.sh checkpatch FILE...  checkpatch.pl --no-tree --strict -f clean
#   static.sh kerneldoc FILE...   kernel-doc -none -v reports no warning
#   static.sh uapi HEADER         the header compiles standalone, C and C++
#
# DIR is copied to a scratch directory first, so the tree stays clean and
# every run rebuilds from scratch. Tools come from linux-source-6.12.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

SRC=$(bash "$MEMOPT_TOP/scripts/kernels.sh" source) || exit 2
WARN_RE='(warning|error):|WARNING:|ERROR:'

# kbuild KDIR DIR NAME ARGS...: build a copy of DIR; print the diagnostics.
kbuild() {
	local kdir=$1 dir=$2 name=$3 scratch log rc
	shift 3
	scratch=$MEMOPT_OUT/static/$name-$(echo "$kdir$dir" | sha1sum | cut -c1-8)
	rm -rf "$scratch"
	copy_kbuild "$dir" "$scratch"
	log=$scratch.log
	make -C "$kdir" M="$scratch" "$@" modules >"$log" 2>&1
	rc=$?
	if grep -E "$WARN_RE" "$log"; then return 1; fi
	[ $rc -eq 0 ] || { tail -20 "$log"; return 1; }
	return 0
}

# Deliberate exceptions, per file: scripts/checkpatch-ignore.
checkpatch() {
	local f out ign bad=0
	[ $# -gt 0 ] || { echo "checkpatch: no file given" >&2; return 2; }
	for f in "$@"; do
		ign=$(awk -v f="$f" '$1 == f { print "--ignore", $2 }' \
			"$MEMOPT_TOP/scripts/checkpatch-ignore")
		# shellcheck disable=SC2086
		out=$("$SRC/scripts/checkpatch.pl" --no-tree --strict --quiet $ign -f "$f" 2>&1)
		if [ $? -ne 0 ] || [ -n "$out" ]; then
			echo "$out"
			bad=1
		fi
	done
	return $bad
}

kerneldoc() {
	local out
	[ $# -gt 0 ] || { echo "kerneldoc: no file given" >&2; return 2; }
	out=$("$SRC/scripts/kernel-doc" -none -v "$@" 2>&1 | grep -v ': info: Scanning doc for')
	[ -z "$out" ] && return 0
	echo "$out"
	return 1
}

uapi() {
	local h=$1 inc
	inc=$(dirname "$(dirname "$h")")
	printf '#include <linux/%s>\nint memopt_uapi_check;\n' "$(basename "$h")" |
		gcc -Wall -Wextra -pedantic -Werror -std=c99 -I"$inc" -fsyntax-only -x c - || return 1
	printf '#include <linux/%s>\nint memopt_uapi_check;\n' "$(basename "$h")" |
		g++ -Wall -Wextra -pedantic -Werror -std=c++11 -I"$inc" -fsyntax-only -x c++ - || return 1
}

case ${1:-} in
w1)         kbuild "$2" "$3" w1 W=1 ;;
sparse)     kbuild "$2" "$3" sparse C=2 CHECK=sparse ;;
checkpatch) shift; checkpatch "$@" ;;
kerneldoc)  shift; kerneldoc "$@" ;;
uapi)       uapi "$2" ;;
*) echo "usage: $0 {w1|sparse} KDIR DIR | {checkpatch|kerneldoc} FILE... | uapi HEADER" >&2; exit 2 ;;
esac
