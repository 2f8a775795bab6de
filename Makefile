# SPDX-License-Identifier: GPL-2.0
#
# memopt: pooled, zero-copy, refcounted memory buffers.
#
#   make                 module (kmod/memopt.ko), tools and selftests
#   make check           the whole test suite in QEMU on three kernels
#   make demo            a guided tour in a stock 6.12 VM
#   make bench           the benchmarks in one stock 6.12 VM boot: results
#                        in out/bench/ (results.json, table.md, handoff.svg)
#   make soak            the long fuzz, fault injection (1, 10, 50%) and
#                        stress runs (about 20 min): figures in out/soak/
#   make install         module (+ depmod), memoptctl, the uapi header,
#                        libmemopt (shared and static, header, memopt.pc),
#                        man pages, bash completion, udev rule, modprobe.d
#                        example; "install-tools" all but the module (when
#                        DKMS installs that: see dkms.conf)
#   make dkms-src        copy the source to /usr/src/memopt-VERSION for DKMS
#
# "tools" is memoptctl, libmemopt (tools/lib/memopt), the examples
# (tools/examples) and the benchmarks (tools/bench).
#
# KDIR is the kernel build tree to build the module against; it defaults to
# the running kernel's, or else the newest installed Debian headers.

KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
		$(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1))
PREFIX ?= /usr/local
DESTDIR ?=
INSTALL_MOD_DIR ?= extra

all: modules tools selftests

modules:
	@test -n "$(KDIR)" || { echo "no kernel headers found: install linux-headers-$$(uname -r) or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tools:
	$(MAKE) -C tools/memoptctl
	$(MAKE) -C tools/lib/memopt PREFIX=$(PREFIX)
	$(MAKE) -C tools/examples
	$(MAKE) -C tools/bench

# kselftest_harness.h comes from the kernel source; scripts/kernels.sh
# unpacks linux-source-6.12 once into the cache. Override with KSFT_DIR.
selftests:
	$(MAKE) -C selftests/memopt KSFT_DIR="$${KSFT_DIR:-$$(scripts/kernels.sh source)/tools/testing/selftests}"

deps:
	scripts/deps.sh

check:
	scripts/check.sh

demo:
	scripts/demo.sh

bench:
	scripts/bench.sh

soak:
	scripts/soak.sh

# Man pages, bash completion, the udev rule for /dev/memopt, the commented
# modprobe.d example, the systemd unit that applies /etc/memopt/pools.conf
# (memopt-pools.service) and an example of that file go under PREFIX too: udev and modprobe read
# /usr/local/lib/{udev/rules.d,modprobe.d} as well as /usr/lib, and a file
# of the same name in /etc overrides them.
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
UDEVRULESDIR ?= $(PREFIX)/lib/udev/rules.d
MODPROBEDIR ?= $(PREFIX)/lib/modprobe.d
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
DOCDIR ?= $(PREFIX)/share/doc/memopt

# dkms-src: the tree DKMS builds from, /usr/src/memopt-VERSION (then
# "dkms install memopt/VERSION"), without git, out/ or anything .gitignore
# names (build products: objects, modules, the tools' binaries).
VERSION := $(shell cat $(CURDIR)/VERSION)
dkms-src:
	mkdir -p $(DESTDIR)/usr/src/memopt-$(VERSION)
	rsync -a --delete --exclude /.git --exclude /out --filter=':- .gitignore' \
		./ $(DESTDIR)/usr/src/memopt-$(VERSION)/

# install-tools is everything but the module, for when DKMS installs that.
install: install-module install-tools

install-module: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) CONFIG_MODULE_SIG_ALL= modules_install
	test -n "$(DESTDIR)" || depmod -a $(KRELEASE)

# Only what it installs: the benchmarks and examples are not built here.
install-tools:
	$(MAKE) -C tools/memoptctl
	$(MAKE) -C tools/lib/memopt PREFIX=$(PREFIX)
	install -D -m 0755 tools/memoptctl/memoptctl $(DESTDIR)$(PREFIX)/bin/memoptctl
	install -D -m 0644 uapi/linux/memopt.h $(DESTDIR)$(PREFIX)/include/linux/memopt.h
	$(MAKE) -C tools/lib/memopt PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) install
	install -D -m 0644 man/memoptctl.8 $(DESTDIR)$(MANDIR)/man8/memoptctl.8
	install -D -m 0644 man/memopt.4 $(DESTDIR)$(MANDIR)/man4/memopt.4
	install -D -m 0644 man/libmemopt.3 $(DESTDIR)$(MANDIR)/man3/libmemopt.3
	install -D -m 0644 contrib/bash-completion/memoptctl $(DESTDIR)$(BASHCOMPDIR)/memoptctl
	install -D -m 0644 contrib/udev/60-memopt.rules $(DESTDIR)$(UDEVRULESDIR)/60-memopt.rules
	install -D -m 0644 contrib/modprobe.d/memopt.conf $(DESTDIR)$(MODPROBEDIR)/memopt.conf
	install -D -m 0644 contrib/systemd/memopt-pools.service \
		$(DESTDIR)$(SYSTEMDUNITDIR)/memopt-pools.service
	install -D -m 0644 contrib/memopt-pools.conf $(DESTDIR)$(DOCDIR)/memopt-pools.conf

uninstall: uninstall-module uninstall-tools

uninstall-module:
	rm -f $(DESTDIR)/lib/modules/$(KRELEASE)/$(INSTALL_MOD_DIR)/kmod/memopt.ko*
	test -n "$(DESTDIR)" || depmod -a $(KRELEASE)

uninstall-tools:
	rm -f $(DESTDIR)$(PREFIX)/bin/memoptctl $(DESTDIR)$(PREFIX)/include/linux/memopt.h
	$(MAKE) -C tools/lib/memopt PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) uninstall
	rm -f $(DESTDIR)$(MANDIR)/man8/memoptctl.8 $(DESTDIR)$(MANDIR)/man4/memopt.4 \
	      $(DESTDIR)$(MANDIR)/man3/libmemopt.3 $(DESTDIR)$(BASHCOMPDIR)/memoptctl \
	      $(DESTDIR)$(UDEVRULESDIR)/60-memopt.rules $(DESTDIR)$(MODPROBEDIR)/memopt.conf \
	      $(DESTDIR)$(SYSTEMDUNITDIR)/memopt-pools.service $(DESTDIR)$(DOCDIR)/memopt-pools.conf
	-rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null
	test -n "$(DESTDIR)" || ldconfig

KRELEASE = $(shell $(MAKE) -s -C $(KDIR) kernelrelease 2>/dev/null)

clean:
	$(MAKE) -C tools/memoptctl clean
	$(MAKE) -C tools/lib/memopt clean
	$(MAKE) -C tools/examples clean
	$(MAKE) -C tools/bench clean
	$(MAKE) -C selftests/memopt KSFT_DIR=none clean
	test -z "$(KDIR)" || $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf out

.PHONY: all modules tools selftests deps check demo bench soak dkms-src install install-module install-tools \
	uninstall uninstall-module uninstall-tools clean
