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
	build-essential bc bison flex libelf-dev libssl-dev dwarves kmod
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

main() {
	local want todo
	export DEBIAN_FRONTEND=noninteractive
	apt_ready
	want=("${PACKAGES[@]}"
	      "linux-headers-$(newest_abi 6.1)-amd64"
	      "linux-headers-$(newest_abi 6.12)-amd64")
	mapfile -t todo < <(missing "${want[@]}")
	if [ ${#todo[@]} -eq 0 ]; then
		msg "dependencies: all ${#want[@]} packages present"
		return 0
	fi
	msg "installing: ${todo[*]}"
	if ! as_root apt-get install -y -q --no-install-recommends "${todo[@]}" >/dev/null; then
		# Package lists may be stale (a kernel ABI bump): refresh once.
		as_root apt-get update -qq
		as_root apt-get install -y -q --no-install-recommends "${todo[@]}" >/dev/null
	fi
}

main "$@"
