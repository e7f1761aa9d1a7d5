# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=dash
# Two emulators on dummy_hcd num=2 are two devices, each with its own
# serial, and both stream at the same time.
# vm-timeout: 120

vm_require_emulator

check setup-two-udcs vm_usb_setup num=2
udc_a=$(vm_udc_names | sed -n 1p)
udc_b=$(vm_udc_names | sed -n 2p)
check first-enumerates vm_emu_up a "$udc_a" 1 --serial PV-A
check second-enumerates vm_emu_up b "$udc_b" 2 --serial PV-B
check first-info usb-probe --serial PV-A info --expect-serial PV-A
check second-info usb-probe --serial PV-B info --expect-serial PV-B

both_stream() {
	local a b rc=0
	usb-probe --serial PV-A stream --size 640x480 --fps 30 --frames 60 \
		--tolerance 10 >"$VM_RUN/stream-a" 2>&1 &
	a=$!
	usb-probe --serial PV-B stream --size 640x480 --fps 30 --frames 60 \
		--tolerance 10 >"$VM_RUN/stream-b" 2>&1 &
	b=$!
	wait $a || rc=1
	wait $b || rc=1
	cat "$VM_RUN/stream-a" "$VM_RUN/stream-b"
	return $rc
}
check both-stream-at-once both_stream
check first-stops vm_emu_stop a
check second-still-streams usb-probe --serial PV-B stream --size 640x480 \
	--fps 60 --frames 30 --tolerance 10
check second-stops vm_emu_stop b

vm_usb_teardown
