# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=dash
# `make demo`: the emulated sensor on dummy_hcd, seen from the USB host.
# Shows the device as lsusb would, its device info, a few seconds of frames
# with sequence and CRC checks, and saves frames to BUILD/demo/ as PGM.
# Later issues extend it (driver, daemon, palmctl).
# vm-timeout: 240

vm_require_emulator

section() {
	echo
	echo "==== $*"
}

section "USB gadget stack on dummy_hcd"
check usb-stack vm_usb_setup
udc=$(vm_first_udc)
check emulator-enumerates vm_emu_up demo "$udc" 1 --serial PV-DEMO-0001 \
	--scenario "$VM_DATA/demo.scenario"

section "The device, as lsusb sees it"
usb-probe list

section "Device info (GET_INFO, GET_STATUS)"
usb-probe info

# stream ARGS...: usb-probe stream, keeping its output to show afterwards
stream() {
	usb-probe stream "$@" >"$VM_RUN/stream.out" 2>&1
	local rc=$?
	cat "$VM_RUN/stream.out"
	return $rc
}

show_stream() {
	grep -v '^result:' "$VM_RUN/stream.out"
	grep '^result:' "$VM_RUN/stream.out" | cut -d' ' -f2- | tr ' ' '\n' | sed 's/^/  /'
}

section "Streaming 1280x800 8-bit at 60 fps for 5 s"
check stream-1280x800 stream --size 1280x800 --fps 60 --frames 300 \
	--save "$VM_OUT/palm-1280x800.pgm"
show_stream

section "Streaming 640x480 8-bit at 120 fps for 2.5 s"
check stream-640x480 stream --size 640x480 --fps 120 --frames 300 \
	--save "$VM_OUT/palm-640x480.pgm"
show_stream

check emulator-stops-cleanly vm_emu_stop demo
vm_usb_teardown
