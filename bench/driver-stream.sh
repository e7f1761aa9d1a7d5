#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Benchmark of palmvein.ko in the test VM (QEMU/TCG, dummy_hcd at super
# speed, the emulated sensor): stream 1280x800 GREY at 60 fps for 60 s
# through the driver and report
#   - frames delivered, dropped by the driver (no free buffer), lost by the
#     device (sequence gaps; the emulator falls behind under TCG) and bad;
#   - the driver's CPU time per frame: the driver's busy_ns counter (time
#     spent in its bulk URB completion handler: copy, CRC, checks, vb2
#     completion) divided by the frames it handled, and that as a share of
#     the frame interval, the budget measured in the same run.
#
#   bench/driver-stream.sh [--kernel 6.1|6.12] [--seconds S] [--build DIR]
#
# Needs `make` (emulator, drv-capture) and the VM kernels (make deps).
set -euo pipefail

kernel=6.1
seconds=60
build=build
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift 2 ;;
	--seconds) seconds=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	*) echo "usage: $0 [--kernel 6.1|6.12] [--seconds S] [--build DIR]" >&2; exit 2 ;;
	esac
done

repo=$(cd "$(dirname "$0")/.." && pwd)
out=$repo/$build/bench/driver-stream-$kernel
mkdir -p "$out"
guest=$(mktemp "${TMPDIR:-/tmp}/driver-stream-guest.XXXXXX.sh")
trap 'rm -f "$guest"' EXIT

# The guest part: runs as the VM's only test, with vm-lib.sh sourced.
cat >"$guest" <<EOF
# SPDX-License-Identifier: LGPL-2.1-or-later
# vm-timeout: $((seconds * 3 + 300))
frames=$((seconds * 60))
EOF
cat >>"$guest" <<'EOF'
stat() { cat "$stats/$1"; }

echo "palm 3 dist=80" >"$VM_RUN/bench.scenario"
check setup vm_usb_setup is_super_speed=1
check driver-loads vm_load_module palmvein
check enumerates vm_emu_up bench "$(vm_first_udc)" 1 --speed super \
	--serial PV-BENCH --scenario "$VM_RUN/bench.scenario"
sleep 2
video="" meta=""
for n in /sys/class/video4linux/video*; do
	case "$(cat "$n/name")" in
	"palmvein PV-BENCH") video=/dev/${n##*/} ;;
	"palmvein PV-BENCH metadata") meta=/dev/${n##*/} ;;
	esac
done
stats=/sys/class/video4linux/${video##*/}/device/palmvein
check mode-1280x800-60 v4l2-ctl -d "$video" \
	-v width=1280,height=800,pixelformat=GREY -p 60

good0=$(stat frames_good) dropped0=$(stat frames_dropped)
lost0=$(stat frames_lost) bad0=$(stat frames_bad) busy0=$(stat busy_ns)
start=$(date +%s)
check stream drv-capture -d "$video" -m "$meta" -n "$frames" \
	-w $((frames / 60 * 3 + 60))
elapsed=$(($(date +%s) - start))
good=$(($(stat frames_good) - good0))
dropped=$(($(stat frames_dropped) - dropped0))
lost=$(($(stat frames_lost) - lost0))
bad=$(($(stat frames_bad) - bad0))
busy=$(($(stat busy_ns) - busy0))
handled=$((good + dropped + bad))
per_frame=$((busy / (handled > 0 ? handled : 1)))
# Budget: the 60 fps frame interval, 16666667 ns.
echo "bench: kernel=$(uname -r) mode=1280x800-GREY-60fps seconds=$elapsed"
echo "bench: frames_good=$good frames_dropped=$dropped frames_lost=$lost frames_bad=$bad"
echo "bench: fps=$((good / (elapsed > 0 ? elapsed : 1)))"
echo "bench: driver_cpu_ns_per_frame=$per_frame share_of_frame_interval=$((per_frame * 10000 / 16666667))e-4"
grep -c 'behind schedule' "$VM_OUT/logs/$vm_test-emu-bench.log" |
	sed 's/^/bench: emulator_late_reports=/'
check emulator-stops vm_emu_stop bench
vm_usb_teardown
EOF

# run-vm.sh owns $out (it may recreate it): keep the log beside it.
log=$out.log
"$repo/tests/vm/run-vm.sh" --kernel "$kernel" --module --build "$repo/$build" \
	--label "bench-driver-$kernel" --out "$out" --script "$guest" |
	tee "$log" | grep -E '^(bench:|PASS|FAIL)' || true
grep -q '^bench: frames_good=' "$log"
