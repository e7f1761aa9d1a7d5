#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Benchmark: the emulator streaming through dummy_hcd in the test VM,
# 1280x800 8-bit at 60 fps and 640x480 8-bit at 120 fps, at high and super
# speed, SECONDS each (default 20). Reports achieved fps as a ratio of the
# requested rate, sequence gaps, device-reported drops, MB/s and CPU use.
# A report, not a timed test: it fails only when frames are lost or broken.
#
#   bench/emu-stream.sh [--kernel 6.1|6.12] [--seconds N] [--build DIR]
set -euo pipefail

cd "$(dirname "$0")/.."
kernel=6.1
seconds=20
build=build
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift 2 ;;
	--seconds) seconds=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	*) echo "usage: $0 [--kernel 6.1|6.12] [--seconds N] [--build DIR]" >&2; exit 2 ;;
	esac
done

rc=0
tests/vm/run-vm.sh --kernel "$kernel" --build "$build" --label bench-emu \
	--script bench/emu-stream-guest.sh --append "palmvein.seconds=$seconds" \
	--timeout $((seconds * 8 + 180)) >/dev/null || rc=$?

report="$build/bench/emu-stream.txt"
mkdir -p "$(dirname "$report")"
{
	echo "emulator streaming through dummy_hcd, kernel $kernel, ${seconds}s per run, TCG"
	printf '%-6s %-9s %5s %8s %8s %6s %5s %7s %7s %7s %8s\n' speed mode req_fps \
		host_fps ratio frames gaps dropped MB/s emu_cpu busy
	tr -d '\r' <"$build/vm/bench-emu-console.log" | grep '^bench: ' |
		sed 's/^bench: //' | tr ' ' '\n' | awk -F= '
			NF == 2 { v[$1] = $2 }
			$1 == "machine_busy" {
				printf "%-6s %-9s %5.0f %8.2f %8.3f %6d %5d %7d %7.1f %7s %8s\n",
					v["speed"], v["size"], v["req_fps"], v["host_fps"],
					v["host_fps"] / v["req_fps"], v["frames"], v["gaps"],
					v["dev_dropped"], v["mbps"], v["emu_cpu"], v["machine_busy"]
				delete v
			}'
} | tee "$report"
tr -d '\r' <"$build/vm/bench-emu-console.log" | grep -E '^(FAIL: |vm-bench-emu: )' || true
echo "report: $report, console: $build/vm/bench-emu-console.log"
exit "$rc"
