# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=dash
# Power management of palmvein.ko. Runtime PM: with no handle open the
# sensor autosuspends, an open handle resumes it and keeps it awake, the
# driver's resume sends every control again, and streaming works after
# resume with the restored settings on the wire (the metadata carries the
# device's gain). System suspend (s2idle with pm_test=devices, so the VM
# wakes by itself) while streaming: the stream goes on after resume.
# vm-timeout: 300

vm_require_emulator

drv_node() {
	local want="palmvein $1${2:+ $2}" n
	for n in /sys/class/video4linux/video*; do
		[ "$(cat "$n/name" 2>/dev/null)" = "$want" ] &&
			echo "/dev/${n##*/}" && return 0
	done
	return 1
}

drv_wait_node() {
	local i=0
	while [ $i -lt 200 ]; do
		drv_node "$@" >/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# runtime_status STATE: wait up to 10 s for the USB device's runtime PM state
runtime_status() {
	local i=0
	while [ "$(cat "$dev/power/runtime_status")" != "$1" ]; do
		i=$((i + 1))
		[ $i -gt 100 ] &&
			{ echo "runtime_status $(cat "$dev/power/runtime_status"), wanted $1"; return 1; }
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

# stats_of NODE NAME: a frame counter of the sensor behind NODE
stats_of() {
	cat "/sys/class/video4linux/${1##*/}/device/palmvein/$2"
}

# frames_flow: the good frame counter moves within 10 s
frames_flow() {
	local before i=0
	before=$(stats_of "$video" frames_good)
	while [ "$(stats_of "$video" frames_good)" = "$before" ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && { echo "no frames"; return 1; }
		sleep 0.1
	done
}

system_suspend_streaming() {
	local pid rc=0
	drv-capture -d "$video" -m "$meta" -n 1000000 -w 600 \
		>"$VM_RUN/suspend.log" 2>&1 &
	pid=$!
	frames_flow || rc=1
	echo devices >/sys/power/pm_test &&
		echo freeze >/sys/power/state || rc=1
	echo none >/sys/power/pm_test
	frames_flow || rc=1
	kill -0 "$pid" || { cat "$VM_RUN/suspend.log"; rc=1; }
	kill "$pid"
	wait "$pid" 2>/dev/null
	cat "$VM_RUN/suspend.log"
	return $rc
}

check setup vm_usb_setup is_super_speed=1
check driver-loads vm_load_module palmvein
check enumerates vm_emu_up pm "$(vm_first_udc)" 1 --speed super --serial PV-76
check nodes drv_wait_node PV-76 metadata
video=$(drv_node PV-76)
meta=$(drv_node PV-76 metadata)
dev=$(vm_usb_devices | head -n 1)

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
if [ -w /sys/power/pm_test ] && grep -q freeze /sys/power/state; then
	check system-suspend-while-streaming system_suspend_streaming
else
	skip system-suspend-while-streaming "kernel has no pm_test or s2idle"
fi
check emulator-stops vm_emu_stop pm
check driver-unloads vm_unload_module palmvein
vm_usb_teardown
