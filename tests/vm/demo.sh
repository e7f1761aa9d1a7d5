# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=dash
# `make demo`: the emulated sensor on dummy_hcd, seen from the USB host.
# Shows the device as lsusb would, its device info, a few seconds of frames
# with header and CRC checks, and saves frames to BUILD/demo/ as PGM.
# Later issues extend it (driver, daemon, palmctl).
# vm-timeout: 240

vm_require_emulator

section() {
	echo
	echo "==== $*"
}

section "USB gadget stack on dummy_hcd (super speed)"
check usb-stack vm_usb_setup is_super_speed=1
udc=$(vm_first_udc)
check emulator-enumerates vm_emu_up demo "$udc" 1 --serial PV-DEMO-0001 --speed super \
	--scenario "$VM_DATA/demo.scenario"

section "The device, as lsusb sees it"
usb-probe list

section "Device info (GET_INFO, GET_STATUS)"
usb-probe info

# stream NAME ARGS...: stream with usb-probe and show what came. Frames
# must arrive whole with good headers and CRCs; pacing and drops are shown
# but judged by `make check-vm` (20-emu-stream), not here.
stream() {
	local name=$1 out
	shift
	out=$(usb-probe stream --report-only "$@" 2>&1)
	echo "$out" | grep -v '^result:'
	out=$(echo "$out" | grep '^result:')
	echo "$out" | cut -d' ' -f2- | tr ' ' '\n' | sed 's/^/  /'
	if [ "$(vm_result_field "$out" frames)" -ge "$(vm_result_field "$out" wanted)" ] &&
		[ "$(vm_result_field "$out" bad_header)" = 0 ] &&
		[ "$(vm_result_field "$out" bad_crc)" = 0 ] &&
		[ "$(vm_result_field "$out" truncated)" = 0 ]; then
		pass "$name"
	else
		fail "$name" "frames missing or broken"
	fi
}

section "Streaming 1280x800 8-bit at 60 fps, 120 frames"
stream stream-1280x800 --size 1280x800 --fps 60 --frames 120 \
	--save "$VM_OUT/palm-1280x800.pgm"

section "Streaming 640x480 8-bit at 120 fps, 240 frames"
stream stream-640x480 --size 640x480 --fps 120 --frames 240 \
	--save "$VM_OUT/palm-640x480.pgm"

check emulator-stops-cleanly vm_emu_stop demo
vm_usb_teardown
