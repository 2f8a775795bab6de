#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: install what is missing, build memopt, boot Debian's stock 6.12
# kernel in QEMU and walk through what memopt does, narrating as it goes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$MEMOPT_TOP/scripts/deps.sh"
msg "building memopt"
make -s -C "$MEMOPT_TOP" tools selftests
msg "booting Debian's stock 6.12 kernel in QEMU (software emulation, ~10 s)"

results=$MEMOPT_OUT/vm/demo.results
mkdir -p "$MEMOPT_OUT/vm"
rm -f "$results"
"$MEMOPT_TOP/scripts/vm.sh" --name demo --timeout 300 stock-6.12 demo.sh &
vm=$!
# -F: vm.sh creates the file only once the initramfs is built.
tail -n +1 -F --pid=$vm "$results" 2>/dev/null | grep --line-buffered -vE '^# (exit|tainted) ' || true
rc=0
wait $vm || rc=$?
if [ $rc -ne 0 ]; then
	echo "demo failed (status $rc); console log: $MEMOPT_OUT/vm/demo.console.log" >&2
	exit $rc
fi
echo "Full console log: $MEMOPT_OUT/vm/demo.console.log"
