# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=dash
# Unbind and rebind from both ends, and a host that vanishes mid-stream:
# the emulator survives each and streams again afterwards.
# vm-timeout: 240

vm_require_emulator

stream_ok() {
	usb-probe stream --size 640x480 --fps 60 --frames 60 --tolerance 10
}

udc=""
check setup vm_usb_setup
udc=$(vm_first_udc)
check enumerates vm_emu_up rb "$udc" 1 --serial PV-RB
check stream-before stream_ok

# Host side: deauthorize and reauthorize the device (drops its config).
dev=$(vm_usb_devices | head -n 1)
reauthorize() {
	echo 0 >"$dev/authorized" && sleep 1 && echo 1 >"$dev/authorized" &&
		vm_wait_devices 1
}
check host-deauthorize-reauthorize reauthorize
check stream-after-reauthorize stream_ok

# Host side: the cable goes away (the hub port is switched off and on).
# dummy_hcd's soft_connect cannot reconnect on 6.1 (enumeration then fails
# with -EPROTO), so the port is the way to unplug.
port=$(readlink -f "$dev/port")
replug() {
	echo 1 >"$port/disable" && vm_wait_devices 0 && sleep 1 &&
		echo 0 >"$port/disable" && vm_wait_devices 1
}
check host-unplug-replug replug
check stream-after-replug stream_ok

# Device side: unbind the gadget from its UDC and bind it back.
rebind_gadget() {
	local g
	g=$(vm_emu_gadget_dir "$udc") || { echo "no gadget bound to $udc"; return 1; }
	echo "" >"$g/UDC" && vm_wait_devices 0 && sleep 1 &&
		echo "$udc" >"$g/UDC" && vm_wait_devices 1
}
check device-unbind-rebind rebind_gadget
check stream-after-rebind stream_ok

# Again and again: an unbind queues UNBIND on ep0 and then takes
# FunctionFS's mutex, which an emulator sleeping in read(ep0) would hold
# (emulator/ep0.c); a lost race hangs the write to UDC. Busy CPUs make
# the writer lose it more often.
rebind_repeatedly() {
	local i=0 ret=0 hogs=""
	for _ in 1 2; do
		(while :; do :; done) &
		hogs="$hogs $!"
	done
	while [ $i -lt 12 ]; do
		rebind_gadget || { echo "rebind $i failed"; ret=1; break; }
		i=$((i + 1))
	done
	# shellcheck disable=SC2086 # a list of pids
	kill $hogs
	return $ret
}
check device-unbind-rebind-repeatedly rebind_repeatedly
check stream-after-rebinds stream_ok

# The host vanishes in the middle of a stream.
unplug_mid_stream() {
	usb-probe stream --size 1280x800 --fps 60 --frames 600 --report-only \
		>/dev/null 2>&1 &
	local probe=$!
	sleep 3
	echo 1 >"$port/disable"
	# usb-probe fails here by design: its device went away.
	wait $probe
	vm_wait_devices 0 && sleep 1 &&
		echo 0 >"$port/disable" && vm_wait_devices 1
}
check unplug-mid-stream unplug_mid_stream
check emulator-survived vm_emu_running rb
check stream-after-mid-stream-unplug stream_ok
check emulator-stops-cleanly vm_emu_stop rb

vm_usb_teardown
