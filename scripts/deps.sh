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
	# packaging checks: man pages, DKMS, bash completion, install
	groff-base mandoc man-db dkms bash-completion
	# Documentation/ built with Sphinx (scripts/tests/docs.sh)
	python3-sphinx
	# make bench: the hand-off chart
	gnuplot-nox
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

# fetch_promtool: promtool, Prometheus's checker of the text exposition
# format (memoptctl's host tests), taken out of Debian's prometheus package
# into the cache; installing the package would set up a Prometheus server.
fetch_promtool() {
	local dir=$MEMOPT_CACHE/promtool tmp rc=0
	[ -x "$dir/promtool" ] && return 0
	msg "promtool: from Debian's prometheus package into $dir"
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -q prometheus >/dev/null 2>&1) &&
		dpkg-deb -x "$tmp"/prometheus_*.deb "$tmp/root" &&
		install -D -m 0755 "$tmp/root/usr/bin/promtool" "$dir/promtool" || rc=1
	rm -rf "$tmp"
	return $rc
}

main() {
	export DEBIAN_FRONTEND=noninteractive
	apt_ready
	install_missing || {
		# The package lists may be stale (a kernel ABI bump removed what
		# they name): refresh once and resolve the kernel versions again.
		as_root apt-get update -qq
		install_missing
	}
	fetch_promtool
}

main "$@"
