#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# dkms.conf under DKMS itself, as root: the tree copied to
# /usr/src/memopt-VERSION (less .git, out/ and build products), "dkms add",
# "dkms build -k RELEASE" for the installed Debian 6.1 and 6.12 headers
# (MEMOPT_ABI_6_1 / MEMOPT_ABI_6_12 as make check resolves them, else the
# newest installed of each line), a memopt.ko for each whose vermagic names
# that release, then "dkms remove --all". Everything the test made is undone
# on any exit (trap): the source copy, DKMS's tree for memopt, and the
# module-signing key DKMS generates on its first build when there was none.
# A memopt already known to DKMS is left alone: the test then fails without
# touching it. TAP out; exit 0 when every test passed, 1 otherwise.
set -u
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"
TOP=$MEMOPT_TOP
n=0 bad=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n $1"; bad=1; }
skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }
finish() { echo "1..$n"; exit "$bad"; }
# t DESC CMD...: ok when CMD exits 0; its output as comments otherwise.
t() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$desc"
	else
		not_ok "$desc"
		printf '%s\n' "$out" | tail -n 30 | sed 's/^/# /'
	fi
}

VERSION=$(cat "$TOP/VERSION")
SRC=/usr/src/memopt-$VERSION
TREE=/var/lib/dkms/memopt
MOK=(/var/lib/dkms/mok.key /var/lib/dkms/mok.pub)

# dkms.conf is static: its version must be VERSION's.
conf_version=$(kernel_source_dir=/nonexistent bash -c '. "$1"; echo "$PACKAGE_VERSION"' _ "$TOP/dkms.conf")
if [ "$conf_version" = "$VERSION" ]; then
	ok "dkms.conf PACKAGE_VERSION is VERSION ($VERSION)"
else
	not_ok "dkms.conf PACKAGE_VERSION ($conf_version) is VERSION ($VERSION)"
fi

if [ "$(id -u)" -ne 0 ]; then
	skip "dkms add, build, remove" "not root"
	finish
fi
if ! command -v dkms >/dev/null; then
	not_ok "dkms is installed (scripts/deps.sh installs it)"
	finish
fi
if [ -e "$TREE" ] || compgen -G '/usr/src/memopt-*' >/dev/null; then
	not_ok "no memopt in DKMS or /usr/src before the test (left alone: $(compgen -G "$TREE"; compgen -G '/usr/src/memopt-*'))"
	finish
fi
ok "no memopt in DKMS or /usr/src before the test"

mok_before=()
for f in "${MOK[@]}"; do [ -e "$f" ] && mok_before+=("$f"); done
cleanup() {
	local f
	dkms remove "memopt/$VERSION" --all >/dev/null 2>&1
	rm -rf "$SRC" "$TREE"
	for f in "${MOK[@]}"; do
		[[ " ${mok_before[*]} " == *" $f "* ]] || rm -f "$f"
	done
}
trap cleanup EXIT

# The releases: one per kernel line, with headers DKMS can build against.
releases=()
for line in 6.1 6.12; do
	var=MEMOPT_ABI_${line//./_}
	abi=${!var:-}
	if [ -z "$abi" ]; then
		case $line in
		6.1)  pat='6\.1\.0-[0-9]+' ;;
		6.12) pat='6\.12\.[0-9]+\+deb12' ;;
		esac
		abi=$(find /usr/src -mindepth 1 -maxdepth 1 -printf '%f\n' |
		      sed -nE "s/^linux-headers-($pat)-amd64\$/\1/p" | sort -V | tail -n 1)
	fi
	if [ -n "$abi" ] && [ -d "/lib/modules/$abi-amd64/build" ]; then
		releases+=("$abi-amd64")
		ok "headers of the $line line installed: $abi-amd64"
	else
		not_ok "headers of the $line line installed (${abi:-none found}; scripts/deps.sh installs them)"
	fi
done

t "the tree copied to $SRC (make dkms-src)" make -s -C "$TOP" dkms-src
t "dkms add memopt/$VERSION" dkms add "memopt/$VERSION"

for rel in "${releases[@]}"; do
	if out=$(dkms build "memopt/$VERSION" -k "$rel" 2>&1); then
		ok "dkms build -k $rel"
	else
		not_ok "dkms build -k $rel"
		printf '%s\n' "$out" | tail -n 20 | sed 's/^/# /'
		tail -n 30 "$TREE/$VERSION/build/make.log" 2>/dev/null | sed 's/^/# /'
		continue
	fi
	ko=$(compgen -G "$TREE/$VERSION/$rel/*/module/memopt.ko*" | head -n 1)
	magic=$(modinfo -F vermagic "$ko" 2>/dev/null)
	if [ -n "$ko" ] && [ "${magic%% *}" = "$rel" ]; then
		ok "memopt.ko for $rel: vermagic $magic"
	else
		not_ok "memopt.ko for $rel (${ko:-none}) has vermagic ${magic:-none}, not $rel ..."
	fi
	status=$(dkms status -m memopt -v "$VERSION" -k "$rel" 2>&1)
	case $status in
	*": built"*) ok "dkms status: built for $rel" ;;
	*) not_ok "dkms status: built for $rel"; printf '# %s\n' "$status" ;;
	esac
done

t "dkms remove memopt/$VERSION --all" dkms remove "memopt/$VERSION" --all
if [ -z "$(dkms status -m memopt 2>/dev/null)" ] && [ ! -e "$TREE" ]; then
	ok "DKMS knows no memopt after the remove"
else
	not_ok "DKMS knows no memopt after the remove: $(dkms status -m memopt 2>&1)"
fi

# What the trap undoes, undone now and checked: nothing is left behind.
trap - EXIT
cleanup
left=$(for g in '/usr/src/memopt-*' "$TREE" '/lib/modules/*/updates/dkms/memopt.ko*' \
	'/lib/modules/*/extra/memopt.ko*'; do compgen -G "$g"; done | tr '\n' ' ')
for f in "${MOK[@]}"; do
	[ -e "$f" ] && [[ " ${mok_before[*]} " != *" $f "* ]] && left+=" $f"
done
if [ -z "$left" ]; then
	ok "nothing left behind (sources, DKMS tree, modules, signing key)"
else
	not_ok "nothing left behind: $left"
fi
finish
