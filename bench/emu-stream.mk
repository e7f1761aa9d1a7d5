# SPDX-License-Identifier: LGPL-2.1-or-later
#
# make bench-emu [BENCH_SECONDS=20] [BENCH_KERNEL=6.1]: the emulator
# streaming through dummy_hcd in the test VM (bench/emu-stream.sh).

BENCH_SECONDS ?= 20
BENCH_KERNEL  ?= 6.1

# Only what the guest needs: the emulator and usb-probe.
.PHONY: bench-emu
bench-emu: $(BUILD)/bin/palmvein-emu $(BUILD)/tests/vm/usb-probe
	bench/emu-stream.sh --kernel $(BENCH_KERNEL) --seconds $(BENCH_SECONDS) --build $(BUILD)
