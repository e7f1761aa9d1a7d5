# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=dash
# Runtime power management of palmvein.ko: with no handle open the sensor
# autosuspends, an open handle resumes it and keeps it awake, the driver's
# resume sends every control again, and streaming works after resume with
# the restored settings on the wire (the metadata carries the device's gain).
# System suspend is not tested here: dummy_hcd suspends the emulated device
# together with its host, the FunctionFS firmware stops answering, and the
# TCG guest did not come back from s2idle with pm_test=devices.
# vm-timeout: 300

vm_require_emulator

# runtime_status STATE: wait up to 10 s for the USB device's runtime PM state
runtime_status() {
	local i=0
	while [ "$(cat "$dev/power/runtime_status")" != "$1" ]; do
		i=$((i + 1))
		if [ $i -gt 100 ]; then
			echo "runtime_status $(cat "$dev/power/runtime_status"), wanted $1"
			grep . "$dev"/power/* "$dev"/*:1.0/power/* 2>/dev/null
			return 1
		fi
		sleep 0.1
	done
}

autosuspend_on() {
	echo 0 >"$dev/power/autosuspend_delay_ms" &&
		echo auto >"$dev/power/control"
}

# gain_on_wire: the gain of streamed frames, from the metadata (offset 20)
gain_on_wire() {
	local f=$VM_RUN/pm-meta.raw
	v4l2-ctl -d "$meta" --stream-mmap --stream-count=3 --stream-to="$f" ||
		return 1
	od -An -tu2 -j 20 -N 2 "$f" | tr -d ' '
}

# gain_is VALUE: streamed frames carry this gain
gain_is() {
	local g
	g=$(gain_on_wire) || return 1
	echo "gain on the wire: $g"
	[ "$g" = "$1" ]
}

# open_keeps_awake: while a handle is open the sensor stays active
open_keeps_awake() {
	local pid rc=0
	drv-capture -E -d "$video" -n 1000 -w 30 >/dev/null 2>&1 &
	pid=$!
	runtime_status active || rc=1
	sleep 2
	[ "$(cat "$dev/power/runtime_status")" = active ] || rc=1
	kill "$pid"
	wait "$pid" 2>/dev/null
	return $rc
}

# High speed: dummy_hcd's SuperSpeed root hub cannot suspend a port.
check setup vm_usb_setup
check driver-loads vm_load_module palmvein
check enumerates vm_emu_up pm "$(vm_first_udc)" 1 --speed high --serial PV-76
check nodes vm_v4l_wait 20 PV-76 metadata
video=$(vm_v4l_find PV-76)
meta=$(vm_v4l_find PV-76 metadata)
dev=$(vm_usb_devices | head -n 1)

check set-mode v4l2-ctl -d "$video" -v width=640,height=480,pixelformat=GREY -p 30
check set-controls v4l2-ctl -d "$video" -c gain=48,nir_850nm_mode=1,nir_850nm_intensity=77
check autosuspend-enable autosuspend_on
check autosuspends runtime_status suspended
check open-keeps-awake open_keeps_awake
check suspends-again runtime_status suspended
check controls-kept sh -c "v4l2-ctl -d $video -C gain,nir_850nm_intensity | tr '\n' ' ' |
	grep -q 'gain: 48 nir_850nm_intensity: 77'"
check suspends-after-read runtime_status suspended
check gain-restored-on-wire gain_is 48
check streams-after-resume drv-capture -d "$video" -m "$meta" -n 20 -w 60
check runtime-pm-off sh -c "echo on >$dev/power/control"
check emulator-stops vm_emu_stop pm
check driver-unloads vm_unload_module palmvein
vm_usb_teardown
