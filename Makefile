# SPDX-License-Identifier: GPL-2.0-only
#
# palmvein top-level build. Userspace is plain make with one fragment per
# directory (*/*.mk); the kernel module goes through Kbuild (driver/driver.mk).
#
#   make            build everything into build/
#   make deps       install the Debian packages needed to build and test
#   make check      run every test tier (installs deps first)
#   make demo       boot the test VM with the emulated sensor
#
# Variables: KDIR (kernel build dir), BUILD (output dir), SANITIZE=1.

BUILD    ?= build
CC       ?= gcc
SANITIZE ?=

CPPFLAGS += -Iinclude -Iinclude/uapi -D_GNU_SOURCE
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -Wall -Wextra -Werror -fPIC -MMD -MP -pthread
LDFLAGS  += -pthread
ifeq ($(SANITIZE),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif

# Filled in by the fragments below.
ALL_TARGETS :=
UNIT_TESTS  :=
CLEAN_FILES :=

.PHONY: all deps check check-unit check-asan check-cross check-fuzz check-vm demo clean
all: build-all

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

include $(sort $(wildcard */*.mk */*/*.mk))

build-all: $(ALL_TARGETS)

deps:
	scripts/install-deps.sh

# The unit tier builds twice: plain, then with ASan+UBSan in its own tree.
check-unit: $(UNIT_TESTS)
	scripts/run-unit-tests.sh $(UNIT_TESTS)

check-asan:
	$(MAKE) BUILD=$(BUILD)/asan SANITIZE=1 check-unit

check: deps
	$(MAKE) all
	$(MAKE) check-cross
	$(MAKE) check-unit
	$(MAKE) check-asan
	$(MAKE) check-fuzz
	$(MAKE) check-driver-style
	$(MAKE) check-vm

clean:
	rm -rf $(BUILD) $(CLEAN_FILES)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
