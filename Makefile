# SPDX-License-Identifier: GPL-2.0
#
# memopt: pooled, zero-copy, refcounted memory buffers.
#
#   make                 module (kmod/memopt.ko), tools and selftests
#   make check           the whole test suite in QEMU on three kernels
#   make demo            a guided tour in a stock 6.12 VM
#   make install         module (+ depmod), memoptctl, the uapi header and
#                        libmemopt (shared and static, header, memopt.pc)
#
# "tools" is memoptctl, libmemopt (tools/lib/memopt) and the examples
# (tools/examples).
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

install: modules tools
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) CONFIG_MODULE_SIG_ALL= modules_install
	test -n "$(DESTDIR)" || depmod -a $(KRELEASE)
	install -D -m 0755 tools/memoptctl/memoptctl $(DESTDIR)$(PREFIX)/bin/memoptctl
	install -D -m 0644 uapi/linux/memopt.h $(DESTDIR)$(PREFIX)/include/linux/memopt.h
	$(MAKE) -C tools/lib/memopt PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) install

uninstall:
	rm -f $(DESTDIR)/lib/modules/$(KRELEASE)/$(INSTALL_MOD_DIR)/kmod/memopt.ko*
	test -n "$(DESTDIR)" || depmod -a $(KRELEASE)
	rm -f $(DESTDIR)$(PREFIX)/bin/memoptctl $(DESTDIR)$(PREFIX)/include/linux/memopt.h
	$(MAKE) -C tools/lib/memopt PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) uninstall

KRELEASE = $(shell $(MAKE) -s -C $(KDIR) kernelrelease 2>/dev/null)

clean:
	$(MAKE) -C tools/memoptctl clean
	$(MAKE) -C tools/lib/memopt clean
	$(MAKE) -C tools/examples clean
	$(MAKE) -C selftests/memopt KSFT_DIR=none clean
	test -z "$(KDIR)" || $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf out

.PHONY: all modules tools selftests deps check demo install uninstall clean
