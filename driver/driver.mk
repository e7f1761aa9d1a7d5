# SPDX-License-Identifier: GPL-2.0-only
#
# palmvein.ko. Each kernel gets its own copy of the sources under
# $(BUILD)/kmod/<release>/ so that several kernels build side by side.
#
#   make module [KDIR=...]   build against one kernel tree
#   make modules-all         build against the 6.1 and 6.12 test kernels
#   make check-driver-style  checkpatch --strict, kernel-doc, sparse (C=2), W=1

KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
		    $(lastword $(sort $(wildcard /usr/src/linux-headers-*-amd64))))
KRELEASE = $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' \
		$(KDIR)/include/generated/utsrelease.h 2>/dev/null)

DRIVER_SRCS := Kbuild $(wildcard driver/*.c driver/*.h) \
	       include/uapi/linux/palmvein.h

# Kbuild needs absolute paths; BUILD may be relative.
kmod_dir = $(abspath $(BUILD)/$(1)/$(KRELEASE))

# $(1): directory under $(BUILD), $(2): extra kbuild arguments
define kmod_build
	@test -n "$(KRELEASE)" || { echo "no kernel tree at KDIR=$(KDIR)" >&2; exit 1; }
	@mkdir -p $(call kmod_dir,$(1))
	cp --parents -u $(DRIVER_SRCS) $(call kmod_dir,$(1))/
	+$(MAKE) -C $(KDIR) M=$(call kmod_dir,$(1)) $(2) modules
endef

.PHONY: module modules-all check-driver-style

module:
	$(call kmod_build,kmod)
	@mkdir -p $(BUILD)/modules/$(KRELEASE)
	cp $(call kmod_dir,kmod)/palmvein.ko $(BUILD)/modules/$(KRELEASE)/palmvein.ko

# The test kernels' header trees, as tests/vm/fetch-kernel.sh provides them.
modules-all:
	+set -e; for s in 6.1 6.12; do \
		kit=$$(tests/vm/fetch-kernel.sh --kernel $$s); \
		$(MAKE) module KDIR=$$(cat $$kit/kdir); \
	done

# checkpatch.pl is not packaged on its own: take it from linux-source-6.1.
CHECKPATCH_DIR := $(BUILD)/checkpatch
CHECKPATCH ?= $(CHECKPATCH_DIR)/scripts/checkpatch.pl
LINUX_SOURCE_TAR ?= $(lastword $(sort $(wildcard /usr/src/linux-source-*.tar.xz)))

$(CHECKPATCH_DIR)/scripts/checkpatch.pl:
	@test -n "$(LINUX_SOURCE_TAR)" || { echo "install linux-source-6.1 or set CHECKPATCH" >&2; exit 1; }
	@mkdir -p $(CHECKPATCH_DIR)
	tar -xJf $(LINUX_SOURCE_TAR) -C $(CHECKPATCH_DIR) --strip-components=1 \
		--wildcards '*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
	touch $@

# Every finding fails: checkpatch errors, warnings and checks, kernel-doc
# warnings, and any sparse or compiler warning of a full rebuild with C=2 W=1.
# The kernel headers seed checkpatch's list of known CamelCase names (USB
# descriptor fields); it caches that list in its working directory.
CHECKPATCH_ROOT ?= $(lastword $(sort $(wildcard /usr/src/linux-headers-*-common)))
CHECKPATCH_FILES := $(abspath $(wildcard driver/*.c driver/*.h) \
			       include/uapi/linux/palmvein.h)

check-driver-style: $(CHECKPATCH)
	@mkdir -p $(CHECKPATCH_DIR)
	cd $(CHECKPATCH_DIR) && $(abspath $(CHECKPATCH)) --strict --no-tree \
		--root=$(CHECKPATCH_ROOT) --terse --show-types -f \
		$(CHECKPATCH_FILES) > checkpatch.log; \
		rc=$$?; cat checkpatch.log; test $$rc = 0 && ! test -s checkpatch.log
	perl $(KDIR)/scripts/kernel-doc -none -Werror \
		$(wildcard driver/*.c driver/*.h) include/uapi/linux/palmvein.h
	rm -rf $(call kmod_dir,kmod-check)
	$(call kmod_build,kmod-check,C=2 W=1) > $(BUILD)/kmod-check.log 2>&1 || \
		{ cat $(BUILD)/kmod-check.log; exit 1; }
	@if grep -E 'warning:|error:' $(BUILD)/kmod-check.log; then \
		echo "check-driver-style: sparse/compiler findings above" >&2; exit 1; fi
	@echo "check-driver-style: clean"

# DKMS builds from an installed copy of exactly the Kbuild sources.
DKMS_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
DKMS_SRC_DIR = $(DESTDIR)/usr/src/palmvein-$(DKMS_VERSION)

.PHONY: install-dkms-src
install-dkms-src:
	install -d $(DKMS_SRC_DIR)/driver $(DKMS_SRC_DIR)/include/uapi/linux
	install -m 0644 dkms.conf Kbuild $(DKMS_SRC_DIR)/
	install -m 0644 $(wildcard driver/*.c driver/*.h) $(DKMS_SRC_DIR)/driver/
	install -m 0644 include/uapi/linux/palmvein.h \
		$(DKMS_SRC_DIR)/include/uapi/linux/

# Guest test programs run in the VM's busybox initramfs: static, own flags
# (never sanitized: ASan cannot link statically).
DRV_TEST_PROGS := $(BUILD)/tests/vm/drv-capture

$(BUILD)/tests/vm/drv-%: tests/vm/drv-%.c include/uapi/linux/palmvein.h
	@mkdir -p $(@D)
	$(CC) -std=c11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -Iinclude/uapi \
		-static -o $@ $<

ALL_TARGETS += $(DRV_TEST_PROGS)

ifneq ($(KRELEASE),)
ALL_TARGETS += module
endif
