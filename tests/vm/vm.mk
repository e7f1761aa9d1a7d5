# SPDX-License-Identifier: LGPL-2.1-or-later
#
# VM tier (see docs/testing.md and tests/vm/README.md).
#
#   make check-vm                  guest tests on Debian 6.1 and 6.12
#   make check-vm VM_KERNELS=6.1   one kernel
#   make check-vm VM_TESTS='20-*'  guest tests whose file name matches
#   make demo                      boot 6.1 and show the emulated sensor
#
# Guest programs (libusb clients that judge the device) build into
# $(BUILD)/tests/vm/; the initramfs builder copies every program there and
# in $(BUILD)/bin/ into the guest.

VM_KERNELS ?= 6.1 6.12
VM_TESTS   ?= *

VM_GUEST_PROGRAMS := $(BUILD)/tests/vm/usb-probe
VM_LIBUSB_CFLAGS  := $(shell pkg-config --cflags libusb-1.0 2>/dev/null)
VM_LIBUSB_LIBS    := $(shell pkg-config --libs libusb-1.0 zlib 2>/dev/null)

$(BUILD)/obj/tests/vm/%.o: CPPFLAGS += $(VM_LIBUSB_CFLAGS)

$(BUILD)/tests/vm/usb-probe: $(BUILD)/obj/tests/vm/usb-probe.o
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(VM_LIBUSB_LIBS) -lm

ALL_TARGETS += $(VM_GUEST_PROGRAMS)

.PHONY: vm-programs
vm-programs: $(VM_GUEST_PROGRAMS)

# The module is built per kernel by run-vm.sh --module, with that kernel's
# headers; everything else comes from `make all`.
check-vm: build-all
	MAKE="$(MAKE)" tests/vm/check-vm.sh --build $(BUILD) --tests '$(VM_TESTS)' $(VM_KERNELS)

demo: deps
	$(MAKE) build-all
	@rc=0; MAKE="$(MAKE)" tests/vm/run-vm.sh --kernel 6.1 --module --build $(BUILD) \
		--label demo --out $(BUILD)/demo --script tests/vm/demo.sh || rc=$$?; \
	for f in $(BUILD)/demo/*.pgm; do [ -f "$$f" ] && convert "$$f" "$${f%.pgm}.png"; done; \
	echo "demo: frames in $(BUILD)/demo/ (PGM as sent, PNG to look at)"; exit $$rc
