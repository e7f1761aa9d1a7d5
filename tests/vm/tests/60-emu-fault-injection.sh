# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=dash
# The emulator's fault injection (--corrupt-every, --truncate-every) yields
# frames a host detects as corrupt or truncated, while the good frames in
# between keep flowing.
# vm-timeout: 120

vm_require_emulator

# stream_detects KIND: 100 good frames, and at least one frame of KIND.
stream_detects() {
	local out frames bad
	out=$(usb-probe stream --size 640x480 --fps 60 --frames 100 --report-only) ||
		return 1
	echo "$out"
	frames=$(vm_result_field "$out" frames)
	case "$1" in
	corrupt) bad=$(($(vm_result_field "$out" bad_crc) + $(vm_result_field "$out" bad_header))) ;;
	truncated) bad=$(vm_result_field "$out" truncated) ;;
	esac
	[ "$frames" -eq 100 ] && [ "$bad" -ge 1 ]
}

check setup vm_usb_setup
udc=$(vm_first_udc)
check corrupting-enumerates vm_emu_up corrupt "$udc" 1 --corrupt-every 10
check corrupt-frames-detected stream_detects corrupt
check corrupting-stops vm_emu_stop corrupt
check corrupting-device-gone vm_wait_devices 0

check truncating-enumerates vm_emu_up trunc "$udc" 1 --truncate-every 10
check truncated-frames-detected stream_detects truncated
check truncating-stops vm_emu_stop trunc

vm_usb_teardown
