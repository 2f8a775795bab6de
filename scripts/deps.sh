#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install every Debian package that building memopt, its VM runs and its
# tests need. Idempotent: installs only what is missing; uses sudo when not
# root. Also installs the headers of the Debian 6.1 and 6.12 kernels that
# the VM runs boot (the newest ABI of each line that has both an image and
# headers in the archive; see newest_abi in scripts/lib.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PACKAGES=(
	# module and kernel builds
	make git build-essential bc bison flex libelf-dev libssl-dev dwarves kmod
	rsync xz-utils linux-source-6.12
	# static checks
	sparse perl
	# VM runs
	qemu-system-x86 busybox-static cpio gzip
	# tools
	pkg-config libnl-3-dev libnl-genl-3-dev libjson-c-dev
	# netlink spec tooling (tools/net/ynl)
	python3 python3-yaml python3-jsonschema
)

missing() {
	local p
	for p in "$@"; do
		dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			echo "$p"
	done
}

install_missing() {
	local want h61 h612 todo
	h61=$(newest_abi 6.1) || return 1
	h612=$(newest_abi 6.12) || return 1
	want=("${PACKAGES[@]}" "linux-headers-$h61-amd64" "linux-headers-$h612-amd64")
	mapfile -t todo < <(missing "${want[@]}")
	if [ ${#todo[@]} -eq 0 ]; then
		msg "dependencies: all ${#want[@]} packages present"
		return 0
	fi
	msg "installing: ${todo[*]}"
	as_root apt-get install -y -q --no-install-recommends "${todo[@]}" >/dev/null
}

main() {
	export DEBIAN_FRONTEND=noninteractive
	apt_ready
	install_missing && return 0
	# The package lists may be stale (a kernel ABI bump removed what they
	# name): refresh once and resolve the kernel versions again.
	as_root apt-get update -qq
	install_missing
}

main "$@"
