#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# "make install" and "make uninstall" into a staging root (DESTDIR), the
# module built against the stock 6.12 headers (scripts/kernels.sh kdir
# stock-6.12; MEMOPT_INSTALL_KDIR overrides): exactly the expected files,
# with their modes; the data files as in the tree; the man pages where man
# finds them, the completion where bash-completion loads it; the modprobe.d
# example naming only parameters the installed module has; then uninstall
# leaves no file behind. TAP out; exit 0 when every test passed, 1 otherwise.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
n=0 bad=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n $1"; bad=1; }
finish() { echo "1..$n"; exit "$bad"; }
diag() { sed 's/^/# /'; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root

kdir=${MEMOPT_INSTALL_KDIR:-$("$TOP/scripts/kernels.sh" kdir stock-6.12)}
if [ ! -f "$kdir/Makefile" ]; then
	not_ok "kernel headers at '$kdir' (scripts/deps.sh installs them)"
	finish
fi
rel=$(make -s -C "$kdir" kernelrelease 2>/dev/null)
# modules_install compresses modules as the kernel's configuration says.
case $(grep -E '^CONFIG_MODULE_COMPRESS_(GZIP|XZ|ZSTD)=y' "$kdir/.config" 2>/dev/null) in
*GZIP*) ko=memopt.ko.gz ;;
*XZ*)   ko=memopt.ko.xz ;;
*ZSTD*) ko=memopt.ko.zst ;;
*)      ko=memopt.ko ;;
esac

if make -C "$TOP" install DESTDIR="$root" KDIR="$kdir" >"$tmp/install.log" 2>&1; then
	ok "make install DESTDIR=... KDIR=$kdir"
else
	not_ok "make install DESTDIR=... KDIR=$kdir"
	tail -n 30 "$tmp/install.log" | diag
	finish
fi

# PATH TYPE MODE: f a file, l a symlink (mode not checked).
cat >"$tmp/want" <<EOF
lib/modules/$rel/extra/kmod/$ko f 644
usr/local/bin/memoptctl f 755
usr/local/include/libmemopt.h f 644
usr/local/include/linux/memopt.h f 644
usr/local/lib/libmemopt.a f 644
usr/local/lib/libmemopt.so l -
usr/local/lib/libmemopt.so.0 l -
usr/local/lib/libmemopt.so.0.1.0 f 755
usr/local/lib/modprobe.d/memopt.conf f 644
usr/local/lib/pkgconfig/memopt.pc f 644
usr/local/lib/systemd/system/memopt-pools.service f 644
usr/local/lib/udev/rules.d/60-memopt.rules f 644
usr/local/share/bash-completion/completions/memoptctl f 644
usr/local/share/doc/memopt/memopt-pools.conf f 644
usr/local/share/man/man3/libmemopt.3 f 644
usr/local/share/man/man4/memopt.4 f 644
usr/local/share/man/man8/memoptctl.8 f 644
EOF
sort -o "$tmp/want" "$tmp/want"
(cd "$root" && find . ! -type d -printf '%P %y %m\n' | sed 's/ l [0-7]*$/ l -/' | sort) >"$tmp/got"
if diff -u "$tmp/want" "$tmp/got" >"$tmp/diff"; then
	ok "exactly the $(wc -l <"$tmp/want") expected files, with their modes"
else
	not_ok "exactly the expected files, with their modes"
	diag <"$tmp/diff"
fi

same=1
for pair in man/memoptctl.8:usr/local/share/man/man8/memoptctl.8 \
	    man/memopt.4:usr/local/share/man/man4/memopt.4 \
	    man/libmemopt.3:usr/local/share/man/man3/libmemopt.3 \
	    contrib/bash-completion/memoptctl:usr/local/share/bash-completion/completions/memoptctl \
	    contrib/udev/60-memopt.rules:usr/local/lib/udev/rules.d/60-memopt.rules \
	    contrib/modprobe.d/memopt.conf:usr/local/lib/modprobe.d/memopt.conf \
	    contrib/systemd/memopt-pools.service:usr/local/lib/systemd/system/memopt-pools.service \
	    contrib/memopt-pools.conf:usr/local/share/doc/memopt/memopt-pools.conf; do
	cmp -s "$TOP/${pair%%:*}" "$root/${pair#*:}" || { same=0; echo "# differs: ${pair#*:}"; }
done
if [ $same -eq 1 ]; then
	ok "man pages, completion, udev rule, modprobe.d example as in the tree"
else
	not_ok "man pages, completion, udev rule, modprobe.d example as in the tree"
fi

for page in memoptctl.8 memopt.4 libmemopt.3; do
	name=${page%.*} sec=${page##*.}
	if [ "$(man -M "$root/usr/local/share/man" -w "$sec" "$name" 2>/dev/null)" = \
	     "$root/usr/local/share/man/man$sec/$page" ]; then
		ok "man finds $name($sec) in the installed tree"
	else
		not_ok "man finds $name($sec) in the installed tree"
	fi
done

if [ -r /usr/share/bash-completion/bash_completion ]; then
	spec=$(XDG_DATA_DIRS="$root/usr/local/share" bash --norc --noprofile -c '
		. /usr/share/bash-completion/bash_completion
		__load_completion memoptctl && complete -p memoptctl' 2>&1)
	if [ "$spec" = "complete -F _memoptctl memoptctl" ]; then
		ok "bash-completion loads the installed completion on demand"
	else
		not_ok "bash-completion loads the installed completion on demand"
		echo "$spec" | diag
	fi
else
	not_ok "bash-completion is installed (scripts/deps.sh installs it)"
fi

# The example, uncommented, is valid modprobe configuration and names only
# parameters the installed module has.
sed 's/^#options /options /' "$root/usr/local/lib/modprobe.d/memopt.conf" >"$tmp/modprobe.conf"
params=$(modprobe -C "$tmp/modprobe.conf" -c 2>/dev/null |
	 sed -n 's/^options memopt \([a-z_]*\)=.*/\1/p' | sort | tr '\n' ' ')
have=$(modinfo -F parm "$root/lib/modules/$rel/extra/kmod/$ko" 2>/dev/null | cut -d: -f1 |
       sort | tr '\n' ' ')
if [ -n "$params" ] && [ "$params" = "$have" ]; then
	ok "the modprobe.d example sets each of the module's parameters: $params"
else
	not_ok "the modprobe.d example sets each of the module's parameters"
	echo "example: $params; module: $have" | diag
fi

# The udev rule names the device the module registers.
dev=$(sed -n 's/^#define MEMOPT_DEVICE_NAME[[:space:]]*"\(.*\)"/\1/p' "$TOP/uapi/linux/memopt.h")
if grep -q "^KERNEL==\"$dev\", SUBSYSTEM==\"misc\"," "$root/usr/local/lib/udev/rules.d/60-memopt.rules"; then
	ok "the udev rule matches the misc device \"$dev\""
else
	not_ok "the udev rule matches the misc device \"$dev\""
fi

if make -C "$TOP" uninstall DESTDIR="$root" KDIR="$kdir" >"$tmp/uninstall.log" 2>&1; then
	ok "make uninstall DESTDIR=..."
else
	not_ok "make uninstall DESTDIR=..."
	tail -n 30 "$tmp/uninstall.log" | diag
fi
left=$(cd "$root" && find . ! -type d -printf '%P\n')
if [ -z "$left" ]; then
	ok "make uninstall leaves no file behind"
else
	not_ok "make uninstall leaves no file behind"
	echo "$left" | diag
fi
finish
