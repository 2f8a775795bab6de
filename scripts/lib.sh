# SPDX-License-Identifier: GPL-2.0
# Shared helpers for memopt's scripts: cache location, kernel version
# resolution, logging. Sourced, never run.

MEMOPT_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MEMOPT_CACHE=${MEMOPT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/memopt}
MEMOPT_OUT=${MEMOPT_OUT:-$MEMOPT_TOP/out}

msg() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo env DEBIAN_FRONTEND=noninteractive "$@"; fi
}

# apt_ready: make sure the package lists exist (apt-cache needs them).
apt_ready() {
	compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null && return 0
	msg "apt-get update"
	as_root apt-get update -qq
}

# newest_abi LINE: the newest Debian kernel ABI of LINE (6.1 or 6.12) for
# which both the unsigned image and the headers are in the archive, e.g.
# "6.1.0-56" or "6.12.117+deb12". MEMOPT_ABI_6_1 / MEMOPT_ABI_6_12 override.
newest_abi() {
	local line=$1 var pat abi
	var=MEMOPT_ABI_${line//./_}
	if [ -n "${!var:-}" ]; then echo "${!var}"; return; fi
	case $line in
	6.1)  pat='6\.1\.0-[0-9]+' ;;
	6.12) pat='6\.12\.[0-9]+\+deb12' ;;
	*) die "unknown kernel line $line" ;;
	esac
	apt_ready
	for abi in $(apt-cache pkgnames linux-image- 2>/dev/null |
		     grep -E "^linux-image-${pat}-amd64-unsigned\$" |
		     sed -E 's/^linux-image-(.*)-amd64-unsigned$/\1/' | sort -rV); do
		if apt-cache show "linux-headers-$abi-amd64" >/dev/null 2>&1; then
			echo "$abi"
			return
		fi
	done
	die "no linux-image/linux-headers pair for kernel line $line in the archive"
}

# stock_dir LINE: where the extracted stock kernel of LINE lives.
stock_dir() {
	local abi
	abi=$(newest_abi "$1") || exit 1
	echo "$MEMOPT_CACHE/kernels/stock-$abi"
}

# headers_dir LINE: the installed Debian headers (a KDIR) for LINE.
headers_dir() {
	local abi
	abi=$(newest_abi "$1") || exit 1
	echo "/usr/src/linux-headers-$abi-amd64"
}

# source_version: the installed linux-source-6.12 package version.
source_version() {
	dpkg-query -W -f '${Version}' linux-source-6.12 2>/dev/null ||
		die "linux-source-6.12 is not installed (run scripts/deps.sh)"
}

# source_dir: linux-source-6.12 unpacked in the cache (checkpatch,
# kernel-doc, kselftest_harness.h, ynl, and the debug kernel's tree).
source_dir() {
	local v
	v=$(source_version) || exit 1
	echo "$MEMOPT_CACHE/src/linux-source-$v"
}

# debug_dir: the built debug kernel, keyed by source version and fragment.
debug_dir() {
	local key v
	v=$(source_version) || exit 1
	key=$(sha256sum <"$MEMOPT_TOP/scripts/debug.config" | cut -c1-12)
	echo "$MEMOPT_CACHE/kernels/debug-$v-$key"
}

# copy_kbuild SRC DEST: the Kbuild sources of SRC into DEST, leaving every
# build product of an in-tree build behind (a stale *.mod names objects
# built for another kernel, and Kbuild would link them). For memopt's own
# tree that is Kbuild, kmod/ and uapi/.
KBUILD_PRODUCTS=(--exclude '*.o' --exclude '*.ko' --exclude '*.mod' --exclude '*.mod.c'
		 --exclude '.*.cmd' --exclude '*.order' --exclude 'Module.symvers'
		 --exclude '.tmp_versions')
copy_kbuild() {
	local src=$1 dest=$2
	mkdir -p "$dest"
	if [ -d "$src/kmod" ]; then
		rsync -a "${KBUILD_PRODUCTS[@]}" "$src/Kbuild" "$src/kmod" "$src/uapi" "$dest/"
	else
		rsync -a "${KBUILD_PRODUCTS[@]}" "$src/" "$dest/"
	fi
	# A *.mod copied here before it was excluded still names foreign objects.
	find "$dest" -name '*.mod' -exec grep -L -F "$dest/" {} + 2>/dev/null | xargs -r rm -f
}
