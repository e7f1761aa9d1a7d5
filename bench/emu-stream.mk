# SPDX-License-Identifier: LGPL-2.1-or-later
#
# make bench-emu [BENCH_SECONDS=20] [BENCH_KERNEL=6.1]: the emulator
# streaming through dummy_hcd in the test VM (bench/emu-stream.sh).

BENCH_SECONDS ?= 20
BENCH_KERNEL  ?= 6.1

.PHONY: bench-emu
bench-emu: build-all
	bench/emu-stream.sh --kernel $(BENCH_KERNEL) --seconds $(BENCH_SECONDS) --build $(BUILD)
