#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Provide the kernels memopt is tested on, cached outside the repository
# (in $MEMOPT_CACHE, default ~/.cache/memopt):
#
#   stock-6.1, stock-6.12  Debian's stock kernels; the image is unpacked with
#                          apt-get download + dpkg-deb -x, the headers of the
#                          very same ABI are installed by scripts/deps.sh.
#   debug                  built from linux-source-6.12: tinyconfig plus
#                          scripts/debug.config (KUnit, KASAN, kmemleak,
#                          lockdep, fault injection). Rebuilt only when the
#                          source version or the fragment changes.
#
# Usage: kernels.sh fetch [stock-6.1|stock-6.12|debug|all]
#        kernels.sh image NAME      path of NAME's bzImage
#        kernels.sh kdir NAME       KDIR to build modules against for NAME
#        kernels.sh source          unpack linux-source-6.12, print its path
set -euo pipefail
. "$(dirname "$0")/lib.sh"

unpack_source() {
	local dir tmp
	dir=$(source_dir)
	if [ ! -e "$dir/.memopt-unpacked" ]; then
		msg "unpacking linux-source-6.12 into $dir"
		tmp=$dir.tmp
		rm -rf "$tmp" && mkdir -p "$tmp"
		tar -C "$tmp" --strip-components=1 -xf /usr/src/linux-source-6.12.tar.xz
		touch "$tmp/.memopt-unpacked"
		rm -rf "$dir" && mv "$tmp" "$dir"
	fi
	echo "$dir"
}

# apt runs downloads as _apt, which cannot write into root's cache.
[ "$(id -u)" -eq 0 ] && APT_SANDBOX="-o APT::Sandbox::User=root"

fetch_stock() {
	local line=$1 abi dir tmp
	abi=$(newest_abi "$line")
	dir=$(stock_dir "$line")
	[ -e "$dir/.memopt-fetched" ] && return 0
	msg "downloading linux-image-$abi-amd64-unsigned"
	tmp=$dir.tmp
	rm -rf "$tmp" && mkdir -p "$tmp/deb"
	(cd "$tmp/deb" && apt-get download -q ${APT_SANDBOX:-} "linux-image-$abi-amd64-unsigned" >/dev/null 2>&1) ||
		die "apt-get download linux-image-$abi-amd64-unsigned failed"
	dpkg-deb -x "$tmp"/deb/*.deb "$tmp"
	rm -rf "$tmp/deb"
	[ -f "$tmp/boot/vmlinuz-$abi-amd64" ] || die "no vmlinuz in linux-image-$abi-amd64-unsigned"
	touch "$tmp/.memopt-fetched"
	rm -rf "$dir" && mv "$tmp" "$dir"
}

# check_fragment CONFIG: every option the fragment asks for must have
# survived olddefconfig; a silently dropped KASAN is worse than no build.
check_fragment() {
	local config=$1 line opt val bad=0
	while IFS= read -r line; do
		case $line in CONFIG_*=*) ;; *) continue ;; esac
		opt=${line%%=*} val=${line#*=}
		if [ "$val" = n ]; then
			grep -qx "# $opt is not set" "$config" || grep -qx "$opt=n" "$config" ||
				! grep -q "^$opt=" "$config" || { echo "  $opt: wanted n" >&2; bad=1; }
		elif ! grep -qx "$opt=$val" "$config"; then
			echo "  $opt: wanted $val, got $(grep "^$opt=" "$config" || echo unset)" >&2
			bad=1
		fi
	done < "$MEMOPT_TOP/scripts/debug.config"
	[ $bad -eq 0 ] || die "debug kernel config lost options from scripts/debug.config"
}

build_debug() {
	local src dir build
	dir=$(debug_dir)
	[ -e "$dir/.memopt-built" ] && return 0
	src=$(unpack_source)
	build=$dir/build
	msg "building debug kernel in $build (takes several minutes)"
	rm -rf "$dir" && mkdir -p "$build"
	make -s -C "$src" O="$build" ARCH=x86_64 tinyconfig >/dev/null
	"$src/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" \
		"$MEMOPT_TOP/scripts/debug.config" >"$dir/merge.log" 2>&1
	make -s -C "$src" O="$build" ARCH=x86_64 olddefconfig >/dev/null
	check_fragment "$build/.config"
	make -s -C "$src" O="$build" ARCH=x86_64 -j"$(nproc)" bzImage modules \
		>"$dir/build.log" 2>&1 || { tail -40 "$dir/build.log" >&2; die "debug kernel build failed"; }
	touch "$dir/.memopt-built"
	# Older builds of other fragments or sources are dead weight.
	find "$MEMOPT_CACHE/kernels" -maxdepth 1 -name 'debug-*' ! -path "$dir" \
		-exec rm -rf {} + 2>/dev/null || true
}

image() {
	case $1 in
	stock-6.1)  echo "$(stock_dir 6.1)/boot/vmlinuz-$(newest_abi 6.1)-amd64" ;;
	stock-6.12) echo "$(stock_dir 6.12)/boot/vmlinuz-$(newest_abi 6.12)-amd64" ;;
	debug)      echo "$(debug_dir)/build/arch/x86/boot/bzImage" ;;
	*) die "unknown kernel '$1' (stock-6.1, stock-6.12, debug)" ;;
	esac
}

kdir() {
	case $1 in
	stock-6.1)  headers_dir 6.1 ;;
	stock-6.12) headers_dir 6.12 ;;
	debug)      echo "$(debug_dir)/build" ;;
	*) die "unknown kernel '$1' (stock-6.1, stock-6.12, debug)" ;;
	esac
}

fetch() {
	case ${1:-all} in
	stock-6.1)  fetch_stock 6.1 ;;
	stock-6.12) fetch_stock 6.12 ;;
	debug)      build_debug ;;
	all)        fetch_stock 6.1; fetch_stock 6.12; build_debug ;;
	*) die "unknown kernel '$1'" ;;
	esac
}

# lock: one process at a time fills or changes the cache; others wait, then
# find the work done (a concurrent make check and vm.sh must not build the
# same kernel into the same directory, or remove it under each other).
lock() {
	mkdir -p "$MEMOPT_CACHE"
	exec 8>"$MEMOPT_CACHE/.lock"
	flock 8
}

case ${1:-} in
fetch)  lock; fetch "${2:-all}" ;;
image)  image "${2:?kernel name}" ;;
kdir)   kdir "${2:?kernel name}" ;;
source) lock; unpack_source ;;
*) die "usage: $0 {fetch [NAME|all]|image NAME|kdir NAME|source}" ;;
esac
