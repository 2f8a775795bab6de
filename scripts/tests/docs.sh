#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The reStructuredText of Documentation/ builds: Debian's Sphinx
# (python3-sphinx, /usr/bin/sphinx-build) turns it into HTML with every
# warning fatal (-W), so that a broken directive, title, table, reference
# or a page outside index.rst's toctree fails; every page is in that
# toctree and was built; and no section title runs into the paragraph
# before it (which docutils takes for paragraph text without a warning).
# Each check is shown to be live: a copy of the tree with an unknown
# directive, a short title underline, a page outside the toctree, or a
# title glued to a paragraph must fail it. TAP out; exit 0 when every test
# passed, 1 otherwise.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
DOC=$TOP/Documentation
SPHINX=${SPHINX_BUILD:-/usr/bin/sphinx-build}
n=0 bad=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n $1"; bad=1; }
finish() { echo "1..$n"; exit "$bad"; }
comment() { sed -n '1,25p' | sed 's/^/# /'; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# pages DIR: the .rst files of a documentation tree, as Sphinx names them
# ("netlink" for netlink.rst), without those conf.py excludes.
pages() {
	(cd "$1" && find . -name '*.rst' -not -path './netlink/specs/*' | sed 's|^\./||; s|\.rst$||' |
		sort)
}

# build DIR NAME: sphinx-build DIR as HTML into $tmp/NAME, warnings fatal;
# its messages in $tmp/NAME.log. Returns sphinx-build's status.
build() {
	rm -rf "${tmp:?}/$2"
	"$SPHINX" -W --keep-going -q -b html -d "$tmp/$2/doctrees" "$1" "$tmp/$2/html" \
		>"$tmp/$2.log" 2>&1
}

# toctree DIR: the entries of index.rst's toctrees, one a line.
toctree() {
	awk '/^\.\. toctree::/ { in_tree = 1; next }
	     in_tree && /^[^ \t]/ { in_tree = 0 }
	     in_tree && /^[ \t]+[^ \t:]/ { sub(/^[ \t]+/, ""); sub(/[ \t]+$/, ""); print }' \
		"$1/index.rst" | sort
}

# glued_titles DIR: section titles whose line follows a paragraph line
# directly ("text\nTitle\n====="): docutils reads them as part of the
# paragraph, silently. FILE:LINE: title, one a line.
glued_titles() {
	local f
	for f in "$1"/*.rst; do
		awk -v f="${f##*/}" '
		function adorn(s) {
			return length(s) >= 3 && s ~ /^(=+|-+|~+|\^+|"+|\*+|\++|#+|`+)$/
		}
		adorn($0) && NR > 2 && prev != "" && pprev != "" && !adorn(pprev) &&
		prev !~ /^[ \t]/ && prev !~ /  / { print f ":" NR - 1 ": " prev }
		{ pprev = prev; prev = $0 }' "$f"
	done
}

# broken_copy NAME: a copy of Documentation/ in $tmp/NAME, to break.
broken_copy() {
	rm -rf "${tmp:?}/$1"
	cp -r "$DOC" "$tmp/$1"
}

# must_fail DESC NAME MESSAGE: the build of the copy $tmp/NAME fails, and
# says MESSAGE (a grep -E pattern), so that it failed for that reason.
must_fail() {
	if build "$tmp/$2" "$2.out"; then
		not_ok "$1 (it built)"
	elif grep -qE -- "$3" "$tmp/$2.out.log"; then
		ok "$1"
	else
		not_ok "$1 (it failed, but not with \"$3\")"
		comment <"$tmp/$2.out.log"
	fi
}

if [ ! -x "$SPHINX" ]; then
	not_ok "$SPHINX is installed (python3-sphinx; scripts/deps.sh installs it)"
	finish
fi
ok "$("$SPHINX" --version 2>&1 | head -n 1) is installed"

# The tree itself.
if build "$DOC" tree; then
	ok "Documentation/ builds as HTML with no warning (sphinx-build -W)"
else
	not_ok "Documentation/ builds as HTML with no warning (sphinx-build -W)"
	grep -E 'WARNING|ERROR|CRITICAL|SEVERE|Exception|Error' "$tmp/tree.log" | comment
fi

pages "$DOC" >"$tmp/pages"
toctree "$DOC" >"$tmp/toctree"
grep -vx index "$tmp/pages" >"$tmp/want"
missing=$(comm -23 "$tmp/want" "$tmp/toctree" | tr '\n' ' ')
stale=$(comm -13 "$tmp/want" "$tmp/toctree" | tr '\n' ' ')
if [ -s "$tmp/want" ] && [ -z "$missing$stale" ]; then
	ok "index.rst's toctree lists all $(wc -l <"$tmp/want") pages of Documentation/"
else
	not_ok "index.rst's toctree lists every page of Documentation/ and nothing else"
	echo "# not listed: ${missing:-none}; listed but missing: ${stale:-none}"
fi

unbuilt=$(while read -r p; do [ -s "$tmp/tree/html/$p.html" ] || echo "$p"; done <"$tmp/pages" |
	  tr '\n' ' ')
if [ -s "$tmp/pages" ] && [ -z "$unbuilt" ]; then
	ok "every page was built ($(wc -l <"$tmp/pages") HTML pages)"
else
	not_ok "every page was built (missing: $unbuilt)"
fi

glued=$(glued_titles "$DOC")
if [ -z "$glued" ]; then
	ok "no section title runs into the paragraph before it"
else
	not_ok "no section title runs into the paragraph before it"
	printf '%s\n' "$glued" | comment
fi

# The checks are live: each broken copy must fail, for its own reason.
broken_copy unknown-directive
printf '\n.. no-such-directive:: here\n' >>"$tmp/unknown-directive/design.rst"
must_fail "a page with an unknown directive fails the build (the check is live)" \
	unknown-directive 'Unknown directive type'

broken_copy short-underline
printf '\nA broken title\n=====\n\nText.\n' >>"$tmp/short-underline/design.rst"
must_fail "a page with a title underline too short fails the build (the check is live)" \
	short-underline 'Title underline too short'

broken_copy orphan
printf '=====\nStray\n=====\n\nA page nobody lists.\n' >"$tmp/orphan/stray.rst"
must_fail "a page outside the toctree fails the build (the check is live)" \
	orphan "isn't included in any toctree"

broken_copy glued
printf '\nA paragraph line.\nA glued title\n=============\n\nText.\n' >>"$tmp/glued/design.rst"
if glued_titles "$tmp/glued" | grep -q '^design.rst:.*A glued title$'; then
	ok "a title glued to a paragraph is caught (the check is live)"
else
	not_ok "a title glued to a paragraph is caught (the check is live)"
fi
finish
