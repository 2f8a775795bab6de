#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The man pages in man/: each is clean under "groff -ww -z -man" and
# "mandoc -Tlint -W warning" (no output at all) and names the version in
# VERSION; and each covers what it documents, so it cannot silently fall
# behind: memoptctl.8 every object, command and option of the built
# memoptctl's usage output (and this check is shown to catch a page that
# lost a command), memopt.4 every ioctl of uapi/linux/memopt.h and every
# module parameter of kmod/*.c, libmemopt.3 every function of libmemopt.h.
# TAP out; exit 0 when every test passed, 1 otherwise.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
MAN=$TOP/man
CTL=$TOP/tools/memoptctl/memoptctl
n=0 bad=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n $1"; bad=1; }
finish() { echo "1..$n"; exit "$bad"; }
oneline() { printf '%s\n' "$1" | tr '\n' ' '; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pages=(memoptctl.8 memopt.4 libmemopt.3)
version=$(cat "$TOP/VERSION")

# quiet DESC CMD...: ok when CMD exits 0 and prints nothing at all.
quiet() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1) && rc=0 || rc=$?
	if [ "$rc" -eq 0 ] && [ -z "$out" ]; then
		ok "$desc"
	else
		not_ok "$desc (exit $rc)"
		printf '%s\n' "$out" | head -n 20 | sed 's/^/# /'
	fi
}

for tool in groff mandoc; do
	command -v "$tool" >/dev/null || not_ok "$tool is installed (scripts/deps.sh installs it)"
done
for p in "${pages[@]}"; do
	quiet "$p: groff -ww -z -man is silent" groff -ww -z -man "$MAN/$p"
	quiet "$p: mandoc -Tlint -W warning is silent" mandoc -Tlint -W warning "$MAN/$p"
	th=$(sed -n 's/^\.TH [^ ]* [0-9] [^ ]* "memopt \([^"]*\)".*/\1/p' "$MAN/$p")
	if [ "$th" = "$version" ]; then
		ok "$p: .TH names version $version"
	else
		not_ok "$p: .TH names version $version (it says '${th:-nothing}')"
	fi
done

# text PAGE: the page rendered as plain text on lines long enough that no
# word is broken, so that "--growth-window" is found whole.
text() { mandoc -Tascii -O width=1000 "$1" 2>/dev/null | sed 's/.\x08//g'; }

# missing_in TEXT_FILE WORDS...: the WORDS (one item each, which may hold
# spaces) not found in TEXT_FILE as whole words, one a line.
missing_in() {
	local file=$1 w
	shift
	for w in "$@"; do
		grep -qE -- "(^|[^a-z-])$w([^a-z-]|\$)" "$file" || echo "$w"
	done
}

# usage_items: what memoptctl's usage output names, one item a line:
# "OBJECT", "OBJECT COMMAND" and "--option" / "-o" (global and per command).
usage_items() {
	local top o h
	top=$("$CTL" -h) || return 1
	printf '%s\n' "$top" | sed -n 's/.*OBJECT := {\(.*\)}.*/\1/p' | tr -d '|' | tr ' ' '\n' |
		sed '/^$/d' >"$tmp/objects"
	cat "$tmp/objects"
	# OPTIONS := { -j[son] | ... }: the letter and the long name.
	printf '%s\n' "$top" | sed -n 's/.*OPTIONS := {\(.*\)}.*/\1/p' |
		grep -oE -- '-[a-zA-Z]\[[a-z]+\]' | sed -E 's/^-([a-zA-Z])\[([a-z]+)\]$/-\1 --\1\2/' |
		while read -r short long; do printf '%s\n%s\n' "$short" "${long,,}"; done
	# "memoptctl pool { create | list | ... }", "memoptctl leak { report ... }"
	printf '%s\n' "$top" | sed -n 's/.*memoptctl \([a-z]*\) {\(.*\)}.*/\1 \2/p' |
		while read -r o rest; do
			printf '%s\n' "$rest" | tr '|' '\n' | awk -v o="$o" '$1 ~ /^[a-z]+$/ { print o " " $1 }'
		done
	while read -r o; do
		h=$("$CTL" "$o" help) || { echo "memoptctl $o help fails" >&2; return 1; }
		printf '%s\n' "$h" | grep -oE "memoptctl $o [a-z]+( |\$)" | sed 's/^memoptctl //; s/ $//'
		printf '%s\n' "$h" | grep -oE -- '--[a-z][a-z-]*'
		echo "$o help"
	done <"$tmp/objects"
}

# coverage PAGE: the usage items PAGE does not mention, one a line.
coverage() {
	local items
	text "$1" >"$tmp/page.txt"
	mapfile -t items < <(sort -u "$tmp/items")
	missing_in "$tmp/page.txt" "${items[@]}"
}

if [ -x "$CTL" ] && usage_items >"$tmp/items"; then
	missing=$(coverage "$MAN/memoptctl.8")
	if [ -z "$missing" ]; then
		ok "memoptctl.8 names all $(sort -u "$tmp/items" | wc -l) objects, commands and options of memoptctl's usage"
	else
		not_ok "memoptctl.8 names every object, command and option of memoptctl's usage"
		echo "# missing: $(oneline "$missing")"
	fi
	# The check is live: a page that lost "pool destroy" is caught.
	sed 's/pool destroy/pool remove/g' "$MAN/memoptctl.8" >"$tmp/bad.8"
	if coverage "$tmp/bad.8" | grep -qx 'pool destroy'; then
		ok "the coverage check catches a page without \"pool destroy\" (the check is live)"
	else
		not_ok "the coverage check catches a page without \"pool destroy\" (the check is live)"
	fi
else
	not_ok "memoptctl is built and prints its usage ($CTL: run make tools)"
fi

# memopt.4: the ioctls and the module parameters.
text "$MAN/memopt.4" >"$tmp/memopt.4.txt"
mapfile -t ioctls < <(sed -n 's/^#define \(MEMOPT_IOC_[A-Z_]*\)[[:space:]]*_IO.*/\1/p' "$TOP/uapi/linux/memopt.h")
mapfile -t params < <(sed -n 's/^module_param(\([a-z_]*\),.*/\1/p' "$TOP"/kmod/*.c)
missing=$(missing_in "$tmp/memopt.4.txt" "${ioctls[@]}" "${params[@]}")
if [ ${#ioctls[@]} -gt 0 ] && [ ${#params[@]} -gt 0 ] && [ -z "$missing" ]; then
	ok "memopt.4 names the ${#ioctls[@]} ioctls and ${#params[@]} module parameters"
else
	not_ok "memopt.4 names every ioctl and module parameter"
	echo "# missing: $(oneline "$missing")"
fi

# libmemopt.3: each function in NAME and with its prototype.
text "$MAN/libmemopt.3" >"$tmp/libmemopt.3.txt"
mapfile -t funcs < <(grep -oE '\bmemopt_[a-z_]+\(' "$TOP/tools/lib/memopt/libmemopt.h" |
		     tr -d '(' | sort -u)
name_section=$(sed -n '/^NAME/,/^[A-Z]/p' "$tmp/libmemopt.3.txt")
missing=$(for f in "${funcs[@]}"; do
	grep -q -- "$f(" "$tmp/libmemopt.3.txt" && printf '%s\n' "$name_section" | grep -qw -- "$f" ||
		echo "$f"
done)
if [ ${#funcs[@]} -gt 0 ] && [ -z "$missing" ]; then
	ok "libmemopt.3 names and describes the ${#funcs[@]} functions of libmemopt.h"
else
	not_ok "libmemopt.3 names and describes every function of libmemopt.h"
	echo "# missing: $(oneline "$missing")"
fi
finish
