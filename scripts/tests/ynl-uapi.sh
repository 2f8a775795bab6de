#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The YNL spec against the hand-written uapi header (Documentation/testing.rst,
# "The YNL spec and its test"): render the spec with the kernel's
# ynl-gen-c.py --mode uapi (which validates it against the genetlink-c
# schema first), then
#   - every MEMOPT_* identifier of the rendered header must have, in
#     uapi/linux/memopt.h, the value the rendered one gives it: a program
#     printing each identifier is compiled against each header, and the
#     outputs compared, one test per identifier;
#   - every identifier of the family in uapi/linux/memopt.h must be
#     rendered from the spec: the header's identifiers, less the ioctl ABI
#     and the device name (NOT_FAMILY below), less the rendered ones, must
#     be none;
#   - --mode kernel --source must render (its policies are held against
#     kmod/netlink.c's by reading, not here).
# Needs Debian's /usr/bin/python3 with python3-yaml and python3-jsonschema,
# and the unpacked linux-source-6.12 (scripts/kernels.sh source).
#
# Usage: ynl-uapi.sh [SPEC [HEADER]]  (default: the tree's memopt.yaml and
# uapi/linux/memopt.h; other files to prove the check can fail). TAP out;
# exit 0 when every test passed, 1 otherwise.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
SPEC=${1:-$TOP/Documentation/netlink/specs/memopt.yaml}
HEADER=${2:-$TOP/uapi/linux/memopt.h}
PY=/usr/bin/python3
CC=${CC:-cc}
# Identifiers of uapi/linux/memopt.h that are not the netlink family's.
NOT_FAMILY='^MEMOPT_(DEVICE_NAME|IOC_[A-Z0-9_]+|ALLOC_[A-Z0-9_]+|HANDLE_[A-Z0-9_]+|EXPORT_[A-Z0-9_]+)$'

n=0 bad=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n $1"; bad=1; }
# diag FILE: a file's lines as TAP comments.
diag() { sed 's/^/# /' "$1"; }
finish() { echo "1..$n"; exit "$bad"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ynl_gen ARGS...: ynl-gen-c.py on a copy of SPEC laid out as the generator
# expects (the schemas two directories above the spec, a MAINTAINERS file
# above that: without one it searches upwards forever).
ynl_gen() {
	(cd "$tmp/tree" && "$PY" "$src/tools/net/ynl/ynl-gen-c.py" \
		--spec "$tmp/tree/Documentation/netlink/specs/memopt.yaml" "$@")
}

# idents HEADER: its object-like macros and enum members named
# [__]MEMOPT_*, one a line, sorted.
idents() {
	{
		"$CC" -dM -E -x c "$1" | sed -n 's/^#define \(_*MEMOPT_[A-Z0-9_]*\) .*/\1/p'
		"$CC" -E -P -x c "$1" | grep -oE '\b_*MEMOPT_[A-Z0-9_]+\b'
	} | sort -u
}

# values HEADER IDENTS OUT: compile a program printing "NAME VALUE" for each
# identifier in the file IDENTS (strings quoted, integers in decimal)
# against HEADER, run it into OUT.
values() {
	local header=$1 list=$2 out=$3 c=$tmp/values.c
	{
		printf '#include <stdio.h>\n#include "%s"\n' "$header"
		cat <<'EOF'
static void pstr(const char *name, const char *v) { printf("%s \"%s\"\n", name, v); }
static void pint(const char *name, long long v) { printf("%s %lld\n", name, v); }
#define P(x) _Generic((x), char *: pstr, const char *: pstr, default: pint)(#x, (x))
int main(void)
{
EOF
		sed 's/.*/\tP(&);/' "$list"
		printf '\treturn 0;\n}\n'
	} >"$c"
	"$CC" -std=c11 -Wall -Werror -o "$tmp/values" "$c" && "$tmp/values" >"$out"
}

if ! src=$("$TOP/scripts/kernels.sh" source 2>"$tmp/err") || [ ! -f "$src/tools/net/ynl/ynl-gen-c.py" ]; then
	diag "$tmp/err"
	not_ok "the kernel's YNL tools are available (scripts/kernels.sh source)"
	finish
fi
mkdir -p "$tmp/tree/Documentation/netlink/specs"
touch "$tmp/tree/MAINTAINERS"
cp "$src"/Documentation/netlink/genetlink*.yaml "$tmp/tree/Documentation/netlink/"
cp "$SPEC" "$tmp/tree/Documentation/netlink/specs/memopt.yaml"

if ynl_gen --mode uapi --header -o "$tmp/gen.h" >"$tmp/err" 2>&1; then
	ok "the spec validates and renders a uapi header"
else
	diag "$tmp/err"
	not_ok "the spec validates and renders a uapi header"
	finish
fi

if ! idents "$tmp/gen.h" >"$tmp/gen.ids" 2>"$tmp/err" ||
   ! idents "$HEADER" >"$tmp/hand.ids" 2>>"$tmp/err"; then
	diag "$tmp/err"
	not_ok "both headers preprocess"
	finish
fi
comm -12 "$tmp/gen.ids" "$tmp/hand.ids" >"$tmp/common.ids"
if ! values "$tmp/gen.h" "$tmp/common.ids" "$tmp/gen.vals" 2>"$tmp/err" ||
   ! values "$HEADER" "$tmp/common.ids" "$tmp/hand.vals" 2>>"$tmp/err"; then
	diag "$tmp/err"
	not_ok "the value printer compiles against both headers"
	finish
fi

while read -r id; do
	if ! grep -qx "$id" "$tmp/hand.ids"; then
		not_ok "$id: rendered from the spec, absent from $(basename "$HEADER")"
		continue
	fi
	gen=$(grep -m1 "^$id " "$tmp/gen.vals")
	hand=$(grep -m1 "^$id " "$tmp/hand.vals")
	if [ "$gen" = "$hand" ]; then
		ok "$gen"
	else
		not_ok "$id: the spec renders ${gen#"$id" }, the header has ${hand#"$id" }"
	fi
done <"$tmp/gen.ids"

comm -13 "$tmp/gen.ids" "$tmp/hand.ids" | grep -vE "$NOT_FAMILY" >"$tmp/missing"
if [ -s "$tmp/missing" ]; then
	echo "# in $(basename "$HEADER") but not rendered from the spec (add them to the spec," \
		"or to NOT_FAMILY in $0 if they are not the family's):"
	diag "$tmp/missing"
	not_ok "every family identifier of the header is rendered from the spec"
else
	ok "every family identifier of the header ($(grep -cvE "$NOT_FAMILY" "$tmp/hand.ids")) is rendered from the spec"
fi

if ynl_gen --mode kernel --source -o "$tmp/gen-nl.c" >"$tmp/err" 2>&1 &&
   grep -q 'struct nla_policy' "$tmp/gen-nl.c"; then
	ok "the spec renders kernel policies (--mode kernel --source)"
else
	diag "$tmp/err"
	not_ok "the spec renders kernel policies (--mode kernel --source)"
fi
finish
