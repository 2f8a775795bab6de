#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel in QEMU (TCG; KVM guests hang on our build machines) with an
# initramfs holding busybox, memopt's modules built for that kernel, the
# tools (memoptctl, the libmemopt examples and device test), the selftests
# and a guest script; run the script and return its exit status.
#
# The guest writes machine-readable results (TAP/KTAP between "# suite" and
# "# endsuite" markers, then "# exit RC") to its second serial port, which
# lands in the results file; the first serial port is the console log.
# The run fails when the console shows a kernel splat, even if the guest
# script succeeded.
#
# Usage: vm.sh [options] KERNEL GUEST_SCRIPT [ARGS...]
#   KERNEL        stock-6.1 | stock-6.12 | debug
#   GUEST_SCRIPT  a script in scripts/guest/, run as /memopt/guest.sh ARGS
# Options:
#   --name NAME         name of this run (log file names); default KERNEL
#   --timeout SECONDS   kill the VM after this long (default 600)
#   --extmod DIR        also build the external module in DIR and ship it
#   --file SRC:DEST     copy a host file into the initramfs at /DEST
#   --python            also ship Debian's python3 with what the kernel's YNL
#                       tools need, tools/net/ynl and the netlink specs (for
#                       scripts/guest/ynl.sh); see add_python
#
# Environment: MEMOPT_KBUILD_ARGS, extra make arguments for building memopt,
# e.g. MEMOPT_BENCH=1 to ship kmod/bench/memopt_bench.ko too (kmod/Kbuild).
#
# A boot in which the kernel dies before the guest script starts is tried
# again, up to three times (see main: a QEMU TCG hazard, not memopt's).
#
# Exit status: the guest script's status; 124 on timeout or when the guest
# never reported one; 125 on a kernel splat or a taint other than O, E, N;
# 126 on a setup error (kernel, build, initramfs).
# Files: $MEMOPT_OUT/vm/NAME.console.log and NAME.results
set -euo pipefail
. "$(dirname "$0")/lib.sh"

timeout_s=600 name= extmods=() files=() python=0
while [ $# -gt 0 ]; do
	case $1 in
	--name)    name=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--extmod)  extmods+=("$2"); shift 2 ;;
	--file)    files+=("$2"); shift 2 ;;
	--python)  python=1; shift ;;
	--) shift; break ;;
	-*) die "unknown option $1" ;;
	*) break ;;
	esac
done
[ $# -ge 2 ] || die "usage: $0 [options] KERNEL GUEST_SCRIPT [ARGS...]"
kernel=$1 guest=$2
shift 2
name=${name:-$kernel}

# Kernel splats that fail a run. Anchored after the printk timestamp (or at
# the start of a line) so that user-space text cannot trip them by accident.
SPLAT_RE='(^|\] )(BUG:|BUG [^ ]+ \(|WARNING:|KASAN:|UBSAN:|Oops|general protection fault|Kernel panic|kernel BUG|refcount_t:|list_add corruption|list_del corruption|INFO: task .* blocked for more than|INFO: possible circular locking|INFO: possible recursive locking|INFO: inconsistent lock state|Call Trace:|watchdog: BUG|kmemleak: [0-9]+ new suspected memory leaks|unreferenced object 0x)|detected stall'

# Taint flags a clean run may carry: O (out-of-tree module), E (unsigned
# module), N (KUnit ran). Any other, W (a warning) above all, fails the run.
TAINT_OK=$(( (1 << 12) | (1 << 13) | (1 << 18) ))

# build_modules: memopt (and any --extmod) for $kernel, out of the source
# tree so that the three kernels' objects never mix.
build_modules() {
	local kdir=$1 dest=$2 d b kargs
	read -ra kargs <<<"${MEMOPT_KBUILD_ARGS:-}"
	b=$MEMOPT_OUT/build/$kernel
	mkdir -p "$b"
	# Concurrent runs for one kernel share this tree: one build at a time.
	exec 9>"$b.lock"
	flock 9
	copy_kbuild "$MEMOPT_TOP" "$b/memopt"
	make -s -C "$kdir" M="$b/memopt" "${kargs[@]}" modules >"$b/memopt.log" 2>&1 ||
		{ cat "$b/memopt.log" >&2; die "building memopt for $kernel failed"; }
	(cd "$b/memopt" && find kmod -name '*.ko' -exec cp --parents {} "$dest/" \;)
	for d in "${extmods[@]}"; do
		copy_kbuild "$d" "$b/ext/$(basename "$d")"
		make -s -C "$kdir" M="$b/ext/$(basename "$d")" modules >"$b/ext.log" 2>&1 ||
			{ cat "$b/ext.log" >&2; die "building $d for $kernel failed"; }
		cp "$b/ext/$(basename "$d")"/*.ko "$dest/kmod/"
	done
}

# copy_libs FILE DESTDIR: the shared libraries FILE links, at their paths.
copy_libs() {
	local f=$1 root=$2 lib
	for lib in $(ldd "$f" 2>/dev/null | grep -o '/[^ ]*'); do
		[ -e "$root$lib" ] || install -D -m 0755 "$lib" "$root$lib"
	done
}

# copy_bin FILE DESTDIR: a dynamically linked program with its libraries.
copy_bin() {
	local f=$1 root=$2
	install -D -m 0755 "$f" "$root/memopt/bin/$(basename "$f")"
	copy_libs "$f" "$root"
}

# --python: what the kernel's YNL tools (tools/net/ynl/cli.py) need to run
# in the guest, from Debian's /usr/bin/python3. Left out of its standard
# library, as the YNL tools never import them: test suites, GUI, packaging
# and build support, documentation, Debian's apport hook; lib-dynload is
# copied module by module. Debian's byte code (__pycache__) is kept: without
# it the guest compiles the library on every boot (about 15 s under TCG).
PY_STDLIB_SKIP=(test tests idle_test idlelib tkinter turtledemo turtle.py
	ensurepip lib2to3 distutils venv pydoc_data 'config-*' sitecustomize.py
	EXTERNALLY-MANAGED LICENSE.txt lib-dynload)
# C modules left out: test modules, and those that would pull in OpenSSL,
# sqlite, ncurses or readline (hashlib and urllib do without _hashlib/_ssl).
PY_DYNLOAD_SKIP=('_test*' 'xx*' '_ctypes_test.*' '_ssl.*' '_hashlib.*' '_sqlite3.*'
	'_dbm.*' '_gdbm.*' '_curses*' 'readline.*' 'nis.*' '_tkinter.*')
# Debian packages whose dist-packages files cli.py imports: yaml, jsonschema
# and jsonschema's dependencies.
PY_PACKAGES=(python3-yaml python3-jsonschema python3-attr python3-pyrsistent)

# dynload_skipped FILE: whether FILE matches one of PY_DYNLOAD_SKIP.
dynload_skipped() {
	local p
	for p in "${PY_DYNLOAD_SKIP[@]}"; do
		# shellcheck disable=SC2053
		[[ ${1##*/} == $p ]] && return 0
	done
	return 1
}

# add_python DESTDIR: the interpreter, the standard library, PY_PACKAGES.
# The interpreter keeps its host path, /usr/bin/python3.X, so that it finds
# its standard library in the guest the way it does on the host.
add_python() {
	local root=$1 py stdlib skip=() s f
	py=$(readlink -f /usr/bin/python3)
	stdlib=/usr/lib/$(basename "$py")
	[ -f "$stdlib/os.py" ] || die "--python needs Debian's python3 (scripts/deps.sh)"
	install -D -m 0755 "$py" "$root$py"
	ln -sf "$(basename "$py")" "$root/usr/bin/python3"
	copy_libs "$py" "$root"
	for s in "${PY_STDLIB_SKIP[@]}"; do skip+=(--exclude "$s"); done
	mkdir -p "$root$stdlib/lib-dynload"
	rsync -a "${skip[@]}" "$stdlib/" "$root$stdlib/"
	for f in "$stdlib"/lib-dynload/*.so; do
		dynload_skipped "$f" && continue
		install -m 0644 "$f" "$root$f"
		copy_libs "$f" "$root"
	done
	dpkg -L "${PY_PACKAGES[@]}" >/dev/null ||
		die "--python needs ${PY_PACKAGES[*]} (scripts/deps.sh)"
	for f in $(dpkg -L "${PY_PACKAGES[@]}" | grep '^/usr/lib/python3/dist-packages/' |
		   grep -v -e __pycache__ -e /tests/ -e /benchmarks/); do
		[ -f "$f" ] || continue
		install -D -m 0644 "$f" "$root$f"
		case $f in *.so) copy_libs "$f" "$root" ;; esac
	done
}

# add_ynl DESTDIR: cli.py and its library from the kernel source, the
# netlink schemas and memopt's spec, laid out as cli.py expects them
# (the schema of a spec is looked up two directories above it).
add_ynl() {
	local root=$1 src
	src=$(bash "$MEMOPT_TOP/scripts/kernels.sh" source)
	install -D -m 0644 "$src/tools/net/ynl/cli.py" "$root/memopt/ynl/cli.py"
	install -D -m 0644 -t "$root/memopt/ynl/lib" "$src"/tools/net/ynl/lib/*.py
	install -D -m 0644 -t "$root/memopt/ynl/netlink" "$src"/Documentation/netlink/*.yaml
	install -D -m 0644 "$MEMOPT_TOP/Documentation/netlink/specs/memopt.yaml" \
		"$root/memopt/ynl/netlink/specs/memopt.yaml"
}

build_initramfs() {
	local root=$1 img=$2 f t
	shift 2
	rm -rf "$root" && mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,root,memopt/kmod,memopt/selftests}
	cp /bin/busybox "$root/bin/busybox"
	build_modules "$(bash "$MEMOPT_TOP/scripts/kernels.sh" kdir "$kernel")" "$root/memopt"
	make -s -C "$MEMOPT_TOP" tools selftests >/dev/null
	copy_bin "$MEMOPT_TOP/tools/memoptctl/memoptctl" "$root"
	copy_bin "$MEMOPT_TOP/tools/memoptctl/tests/memopt-hold" "$root"	# cli-ledger.sh
	copy_bin "$MEMOPT_TOP/tools/examples/memopt-producer" "$root"
	copy_bin "$MEMOPT_TOP/tools/examples/memopt-consumer" "$root"
	copy_bin "$MEMOPT_TOP/tools/lib/memopt/tests/device_test" "$root"
	mv "$root/memopt/bin/device_test" "$root/memopt/bin/libmemopt_device_test"
	for t in "$MEMOPT_TOP"/selftests/memopt/*_test; do
		copy_bin "$t" "$root"
		mv "$root/memopt/bin/$(basename "$t")" "$root/memopt/selftests/"
	done
	install -m 0755 "$MEMOPT_TOP/scripts/guest/init" "$root/init"
	install -m 0644 "$MEMOPT_TOP/scripts/guest/lib.sh" "$root/memopt/lib.sh"
	install -m 0644 "$MEMOPT_TOP/scripts/guest/cli-ledger.sh" "$root/memopt/cli-ledger.sh"
	install -m 0644 "$MEMOPT_TOP/scripts/guest/cli-apply.sh" "$root/memopt/cli-apply.sh"
	install -m 0644 "$MEMOPT_TOP/scripts/guest/fault.sh" "$root/memopt/fault.sh"
	copy_bin "$MEMOPT_TOP/selftests/memopt/fuzz" "$root"	# fuzz.sh, fault.sh
	copy_bin "$MEMOPT_TOP/selftests/memopt/stress" "$root"	# stress.sh
	install -m 0755 "$guest" "$root/memopt/guest.sh"
	for f in "${files[@]}"; do
		install -D "${f%%:*}" "$root/${f#*:}"
	done
	if [ "$python" -eq 1 ]; then
		add_python "$root"
		add_ynl "$root"
	fi
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
	{
		printf 'MEMOPT_KERNEL=%q\n' "$kernel"
		printf 'MEMOPT_ARGS=%q\n' "$*"
	} >"$root/memopt/env"
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$img"
}

# boot: run the VM once; false when the guest script never started.
# tsc=reliable: under TCG the kernel otherwise may mark the TSC unstable in
# the middle of a run, and the clocksource switch patches static keys with
# int3, the same hazard that main retries for at boot.
boot() {
	local cpu=()
	[ -n "${MEMOPT_QEMU_CPU:-}" ] && cpu=(-cpu "$MEMOPT_QEMU_CPU")
	rm -f "$console" "$results"
	rc=0
	timeout -k 10 "$timeout_s" qemu-system-x86_64 \
		-nodefaults -no-user-config -no-reboot -display none \
		-machine pc -accel tcg "${cpu[@]}" -smp 2 -m 2048 \
		-kernel "$image" -initrd "$img" \
		-append "console=ttyS0 panic=-1 rdinit=/init nokaslr tsc=reliable ${MEMOPT_CMDLINE:-}" \
		-serial "file:$console" -serial "file:$results" </dev/null || rc=$?
	grep -q '^memopt guest:' "$console" 2>/dev/null
}

main() {
	local image work img console results rc splats status taint
	work=$MEMOPT_OUT/vm
	img=$work/$name.initramfs.gz
	console=$work/$name.console.log
	results=$work/$name.results
	mkdir -p "$work"
	# Never let an earlier run's results stand for this one.
	rm -f "$console" "$results" "$console".boot*
	[ -f "$guest" ] || guest=$MEMOPT_TOP/scripts/guest/$guest
	[ -f "$guest" ] || { echo "vm.sh: no guest script $guest" >&2; return 126; }
	bash "$MEMOPT_TOP/scripts/kernels.sh" fetch "$kernel" || return 126
	image=$(bash "$MEMOPT_TOP/scripts/kernels.sh" image "$kernel") || return 126
	# set -e is ignored in anything on the left of || (subshells included),
	# so run the build as a plain statement in a subshell with -e on.
	set +e
	(set -e; build_initramfs "$work/$name.root" "$img" "$@")
	rc=$?
	set -e
	[ $rc -eq 0 ] || { echo "vm.sh: building the initramfs failed" >&2; return 126; }

	local attempt
	for attempt in 1 2 3; do
		boot && break
		# The guest script never started: the kernel died while booting.
		# Under multi-threaded TCG a vCPU can run a stale translation of
		# text the kernel is patching live (int3 during a static key
		# flip, "Oops: int3"); that is QEMU's, not memopt's. Boot again,
		# and keep the failed log.
		[ "$attempt" -lt 3 ] || break
		# A silent hang is not that: it is not worth another timeout.
		grep -qaE "$SPLAT_RE" "$console" 2>/dev/null || break
		cp "$console" "$console.boot$attempt"
		printf 'vm(%s): the kernel failed before the guest script started (%s); booting again, attempt %d of 3\n' \
			"$name" "$(grep -m1 -aE "$SPLAT_RE" "$console" || echo 'no splat, no guest')" \
			$((attempt + 1)) >&2
	done
	rm -rf "$work/$name.root"

	splats=$(grep -aE "$SPLAT_RE" "$console" 2>/dev/null || true)
	status=$(sed -n 's/^# exit \([0-9]*\).*/\1/p' "$results" 2>/dev/null | tail -n 1 | tr -d '\r' || true)
	taint=$(sed -n 's/^# tainted \([0-9]*\).*/\1/p' "$results" 2>/dev/null | tail -n 1 | tr -d '\r' || true)
	if [ -n "$splats" ]; then
		printf 'vm(%s): kernel splat on the console (%s):\n%s\n' "$name" "$console" "$splats" >&2
		return 125
	fi
	if [ -n "$taint" ] && [ $(( taint & ~TAINT_OK )) -ne 0 ]; then
		printf 'vm(%s): kernel tainted %s (see Documentation/admin-guide/tainted-kernels.rst)\n' \
			"$name" "$taint" >&2
		return 125
	fi
	if [ -z "$status" ]; then
		[ "$rc" -eq 124 ] && msg "vm($name): timed out after ${timeout_s}s"
		printf 'vm(%s): the guest never reported an exit status (qemu rc %s); see %s\n' \
			"$name" "$rc" "$console" >&2
		return 124
	fi
	return "$status"
}

main "$@"
