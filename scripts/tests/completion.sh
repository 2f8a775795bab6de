#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# contrib/bash-completion/memoptctl, in bash with bash-completion's helpers
# loaded (as installed) and, for a few lines, without them: objects,
# commands, options and their values for a set of command lines; pool names
# from a stub memoptctl on PATH that prints "memoptctl -j pool list" JSON
# (a name with a quote in it comes back quoted for the shell); silence when
# memoptctl fails or is missing; and the completion offers exactly the
# objects, commands and options that the built memoptctl's usage lists.
# TAP out; exit 0 when every test passed, 1 otherwise.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
COMPLETION=$TOP/contrib/bash-completion/memoptctl
CTL=$TOP/tools/memoptctl/memoptctl
BASH_COMPLETION=${BASH_COMPLETION:-/usr/share/bash-completion/bash_completion}
n=0 bad=0

ok() { n=$((n + 1)); echo "ok $n $1"; }
oneline() { printf '%s\n' "$1" | tr '\n' ' '; }
not_ok() { n=$((n + 1)); echo "not ok $n $1"; bad=1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/fail" "$tmp/other" "$tmp/files"
: >"$tmp/files/snap1"

# The stub: "-j pool list" prints three pools the way memoptctl does
# (compact JSON, nested stats, a name with a quote), anything else fails.
cat >"$tmp/bin/memoptctl" <<'EOF'
#!/bin/sh
[ "$*" = "-j pool list" ] || { echo "Error: stub" >&2; exit 2; }
printf '%s\n' '[{"id":2,"name":"frames","block_size":4096,"min":64,"stats":{"blocks_total":64,"buffers":0},"efficiency":null},{"id":3,"name":"video","block_size":8192,"stats":{"buffers":1}},{"id":4,"name":"a\"b","stats":{}}]'
EOF
# A memoptctl that fails as it does without the module.
cat >"$tmp/fail/memoptctl" <<'EOF'
#!/bin/sh
echo 'Error: generic netlink family "memopt" not found: is memopt.ko loaded?' >&2
exit 1
EOF
# Another memoptctl, run by path: its pools, not PATH's, are offered.
cat >"$tmp/other/memoptctl" <<'EOF'
#!/bin/sh
echo '[{"id":9,"name":"elsewhere","stats":{}}]'
EOF
chmod +x "$tmp/bin/memoptctl" "$tmp/fail/memoptctl" "$tmp/other/memoptctl"

# complete MODE PATH LINE: the completions of LINE (the cursor at its end),
# sorted, one a line, in a fresh bash whose PATH starts with PATH. MODE is
# "bc" (bash-completion's helpers loaded, as when installed) or "plain".
# Words are split as bash does for these lines: at blanks, and at "=".
# Whatever the completion prints to stdout or stderr ends up in the result.
complete_line() {
	local mode=$1 path=$2 line=$3
	MODE=$mode LINE=$line BC=$BASH_COMPLETION FILE=$COMPLETION PATH="$path:$PATH" \
		bash --norc --noprofile -c '
		shopt -s extglob progcomp
		if [ "$MODE" = bc ]; then . "$BC" || exit 9; fi
		. "$FILE" || exit 9
		read -r -a w <<<"${LINE//=/ = }"
		[[ $LINE == *" " ]] && w+=("")
		COMP_WORDS=("${w[@]}")
		COMP_CWORD=$((${#w[@]} - 1))
		COMP_LINE=$LINE COMP_POINT=${#LINE} COMP_TYPE=9 COMP_KEY=9
		COMPREPLY=()
		_memoptctl "${w[0]}" "${w[COMP_CWORD]}" "${w[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort' 2>&1
}

# check DESC WANT LINE [MODE [PATH]]: the completions of LINE are exactly
# WANT (words separated by blanks, any order; "" for none).
check() {
	local desc=$1 want got
	# shellcheck disable=SC2086 # WANT is a list of words
	want=$(printf '%s\n' $2 | sort)
	got=$(complete_line "${4:-bc}" "${5:-$tmp/bin}" "$3" | sed '/^$/d')
	if [ "$got" = "$want" ]; then
		ok "$desc"
	else
		not_ok "$desc"
		echo "# line: '$3'"
		echo "# wanted: $(oneline "$want")"
		echo "# got:    $(oneline "$got")"
	fi
}

if [ -r "$BASH_COMPLETION" ]; then
	check "objects"                            "pool stats buf proc leak monitor module apply help" "memoptctl "
	check "global options"                     "-j --json -p --pretty -V --version -h --help -b --batch" "memoptctl -"
	check "-batch FILE: files"                 "$tmp/files/snap1" "memoptctl -batch $tmp/files/sn"
	check "-b FILE: files"                     "$tmp/files/snap1" "memoptctl -j -b $tmp/files/sn"
	check "after -batch FILE: the options that go with it" "-j --json -p --pretty --force" "memoptctl -b $tmp/files/snap1 -"
	check "after -batch FILE: no object"       "" "memoptctl --batch $tmp/files/snap1 "
	check "objects after a global option"      "pool proc" "memoptctl -j p"
	check "nothing after --version"            "" "memoptctl --version "
	check "pool commands"                      "create list show set destroy help" "memoptctl pool "
	check "pool show: pool names from the kernel" "frames video a\\\"b" "memoptctl pool show "
	check "pool show: a pool name's prefix"    "frames" "memoptctl pool show fr"
	check "pool destroy after -j: pool names"  "video" "memoptctl -j pool destroy v"
	check "pool show takes one pool"           "" "memoptctl pool show frames "
	check "pool destroy options"               "--wait --timeout" "memoptctl pool destroy frames --"
	check "pool set options (no --size, --name)" "--watermark" "memoptctl pool set frames --w"
	check "pool create options"                "--growth --growth-window --gid" "memoptctl pool create --size 4k --g"
	check "pool create --gid: group names"     "root" "memoptctl pool create --size 4k --gid roo"
	check "pool create --uid: user names"      "root" "memoptctl pool create --size 4k --uid roo"
	check "pool create --size: no value offered" "" "memoptctl pool create --size "
	check "stats options"                      "--watch --format --output" "memoptctl stats --"
	check "stats --format values"              "text json prometheus" "memoptctl stats --format "
	check "stats --format=VALUE"               "prometheus" "memoptctl stats --format=p"
	check "stats: help and pool names"         "help frames video a\\\"b" "memoptctl stats "
	check "stats: pool names after options"    "frames" "memoptctl stats --watch 5 f"
	check "stats: one pool only"               "" "memoptctl stats frames "
	check "stats --output: files"              "$tmp/files/snap1" "memoptctl stats --output $tmp/files/sn"
	check "buf commands"                       "list help" "memoptctl buf "
	check "buf list options"                   "--pool --pid --label --min-age" "memoptctl buf list --"
	check "buf options without list"           "--pool --pid --label --min-age" "memoptctl buf --"
	check "buf list --pool: pool names"        "frames" "memoptctl buf list --pool fr"
	check "proc --sort values"                 "bytes buffers peak age pid" "memoptctl proc --sort "
	check "proc --pool: pool names"            "video" "memoptctl proc list --pool v"
	check "leak commands"                      "report snapshot diff help" "memoptctl leak "
	check "leak report options"                "--all" "memoptctl leak report --"
	check "leak diff: files"                   "$tmp/files/snap1" "memoptctl leak diff $tmp/files/sn"
	check "leak snapshot takes one FILE"       "" "memoptctl leak snapshot $tmp/files/snap1 "
	check "monitor options"                    "--count --timestamp" "memoptctl monitor --"
	check "monitor: help"                      "help" "memoptctl monitor "
	check "module commands"                    "show help" "memoptctl module "
	check "apply: files"                       "$tmp/files/snap1" "memoptctl apply $tmp/files/sn"
	check "apply options"                      "--dry-run --prune" "memoptctl apply --"
	check "apply options after FILE"           "--prune" "memoptctl apply $tmp/files/snap1 --p"
	check "apply: FILE after an option"        "$tmp/files/snap1" "memoptctl apply --dry-run $tmp/files/sn"
	check "apply takes one FILE"               "" "memoptctl apply $tmp/files/snap1 "
	check "stats -f values"                    "text json prometheus" "memoptctl stats -f "
	check "monitor -c: no value offered"       "" "memoptctl monitor -c "
	check "memoptctl failing: no pool name, nothing printed" "" "memoptctl pool show " bc "$tmp/fail"
	check "memoptctl missing: no pool name, nothing printed" "" "memoptctl pool show " bc /nonexistent
	check "a memoptctl run by path is the one asked" "elsewhere" "$tmp/other/memoptctl pool show "
else
	not_ok "bash-completion is installed ($BASH_COMPLETION; scripts/deps.sh installs it)"
fi
check "without bash-completion: pool commands" "create list show set destroy help" "memoptctl pool " plain
check "without bash-completion: pool names"    "frames" "memoptctl pool set f" plain
check "without bash-completion: --format=VALUE" "json" "memoptctl stats --format=j" plain

# The completion against the built memoptctl's usage: the same objects,
# commands and options, so that neither can change without the other.
# usage_words TEXT PATTERN: the distinct matches of PATTERN in TEXT, sorted.
usage_words() { printf '%s\n' "$1" | grep -oE -- "$2" | sort -u; }
same() { # DESC USAGE_WORDS COMPLETIONS
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		echo "# usage:      $(oneline "$2")"
		echo "# completion: $(oneline "$3")"
	fi
}
if [ -x "$CTL" ]; then
	usage=$("$CTL" -h)
	objects=$(printf '%s\n' "$usage" | sed -n 's/.*OBJECT := {\(.*\)}.*/\1/p' | tr -d '|' |
		  tr ' ' '\n' | sed '/^$/d' | sort)
	same "the objects of memoptctl -h" "$(printf '%s\nhelp\n' "$objects" | sort)" \
		"$(complete_line bc "$tmp/bin" "memoptctl " | sed '/^$/d')"
	same "the pool commands of memoptctl -h" \
		"$(printf '%s\n' "$usage" | sed -n 's/.*memoptctl pool {\(.*\)}.*/\1/p' | tr -d '|' |
		   tr ' ' '\n' | sed '/^$/d' | sort)" \
		"$(complete_line bc "$tmp/bin" "memoptctl pool " | sed '/^$/d')"
	same "the leak commands of memoptctl leak help" \
		"$(printf '%s\nhelp\n' "$(usage_words "$("$CTL" leak help)" 'memoptctl leak [a-z]+' |
		   sed 's/memoptctl leak //')" | sort)" \
		"$(complete_line bc "$tmp/bin" "memoptctl leak " | sed '/^$/d')"
	opt='--[a-z][a-z-]*'
	same "the options of memoptctl pool help" "$(usage_words "$("$CTL" pool help)" "$opt")" \
		"$(for l in "pool create --" "pool set p --" "pool destroy p --"; do
			complete_line bc "$tmp/bin" "memoptctl $l"; done | sed '/^$/d' | sort -u)"
	for o in stats "buf list" proc "leak report" monitor apply; do
		same "the options of memoptctl ${o%% *} help" \
			"$(usage_words "$("$CTL" "${o%% *}" help)" "$opt")" \
			"$(complete_line bc "$tmp/bin" "memoptctl $o --" | sed '/^$/d')"
	done
else
	not_ok "memoptctl is built ($CTL: run make tools)"
fi

echo "1..$n"
exit $bad
