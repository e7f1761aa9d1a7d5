# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=dash
# palmvein.ko survives the hostile cases: 50 unplug/replug cycles while
# streaming, unplug while a handle is open and while controls are being set,
# the emulator dying mid-stream, rmmod while streaming, and two sensors
# streaming at once. The harness fails the run on any WARNING, BUG, Oops or
# refcount/use-after-free report in the kernel log.
# vm-timeout: 900

vm_require_emulator

# drv_wait_gone SERIAL: wait up to 10 s until the sensor's nodes are gone
drv_wait_gone() {
	local i=0
	while vm_v4l_find "$1" >/dev/null || vm_v4l_find "$1" metadata >/dev/null; do
		i=$((i + 1))
		[ $i -gt 100 ] && { echo "nodes of $1 still there"; return 1; }
		sleep 0.1
	done
}

# wait_exit PID: wait up to 10 s for a background process to end
wait_exit() {
	local i=0
	while kill -0 "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 100 ] && { echo "process $1 still running"; return 1; }
		sleep 0.1
	done
}

# stream_bg SERIAL LOG: stream from the sensor in the background; PID in $bg
stream_bg() {
	drv-capture -d "$(vm_v4l_find "$1")" -m "$(vm_v4l_find "$1" metadata)" \
		-n 1000000 -w 3600 >"$2" 2>&1 &
	bg=$!
}

# streaming SERIAL: frames are flowing (good frame counter moves)
streaming() {
	local node before i=0
	node=$(vm_v4l_find "$1")
	before=$(vm_v4l_stat "$node" frames_good) || return 1
	while [ "$(vm_v4l_stat "$node" frames_good 2>/dev/null)" = "$before" ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && { echo "no frames from $1"; return 1; }
		sleep 0.1
	done
}

# replug_cycles N: unplug (authorized=0) and replug the sensor N times while
# a client streams; the client must see the device go, the nodes must go,
# and the replugged sensor must stream again.
replug_cycles() {
	local n=0 dev log=$VM_RUN/replug.log
	while [ $n -lt "$1" ]; do
		vm_v4l_wait 20 PV-74 metadata || return 1
		stream_bg PV-74 "$log"
		streaming PV-74 || { kill "$bg"; return 1; }
		dev=$(vm_usb_devices | head -n 1)
		echo 0 >"$dev/authorized" || return 1
		wait_exit "$bg" || return 1
		grep -q 'device gone\|No such device' "$log" ||
			{ cat "$log"; return 1; }
		drv_wait_gone PV-74 || return 1
		echo 1 >"$dev/authorized" || return 1
		n=$((n + 1))
	done
	echo "$n cycles"
	vm_v4l_wait 20 PV-74 metadata
}

# unplug_open: a client waiting for an event with the node open sees the
# unplug: poll reports an error, ioctls get ENODEV, the node goes away.
unplug_open() {
	local dev pid
	dev=$(vm_usb_devices | head -n 1)
	drv-capture -E -d "$(vm_v4l_find PV-74)" -n 1000 -w 60 \
		>"$VM_RUN/open.log" 2>&1 &
	pid=$!
	sleep 1
	kill -0 "$pid" || { cat "$VM_RUN/open.log"; return 1; }
	echo 0 >"$dev/authorized"
	drv_wait_gone PV-74 || return 1
	wait_exit "$pid" || return 1
	cat "$VM_RUN/open.log"
	grep -q '^device gone: ENODEV' "$VM_RUN/open.log" || return 1
	echo 1 >"$dev/authorized"
	vm_v4l_wait 20 PV-74 metadata
}

# unplug_ctrl: unplug while a client sets controls in a loop
unplug_ctrl() {
	local dev pid node
	dev=$(vm_usb_devices | head -n 1)
	node=$(vm_v4l_find PV-74)
	sh -c "while v4l2-ctl -d $node -c gain=32 -c gain=16 -C palm_distance_mm; do :; done" \
		>/dev/null 2>&1 &
	pid=$!
	sleep 1
	echo 0 >"$dev/authorized"
	drv_wait_gone PV-74 || return 1
	wait_exit "$pid" || return 1
	echo 1 >"$dev/authorized"
	vm_v4l_wait 20 PV-74 metadata
}

# emulator_dies: the device vanishes mid-stream (UDC unbound by its exit)
emulator_dies() {
	stream_bg PV-74 "$VM_RUN/dies.log"
	streaming PV-74 || return 1
	vm_emu_stop cam || return 1
	wait_exit "$bg" || return 1
	drv_wait_gone PV-74
}

# rmmod_streaming: rmmod while a client streams is refused cleanly and the
# stream goes on; once the client has gone, rmmod works.
rmmod_streaming() {
	stream_bg PV-74 "$VM_RUN/rmmod.log"
	streaming PV-74 || return 1
	if rmmod palmvein; then
		echo "rmmod succeeded under an open handle"
	fi
	if grep -q '^palmvein ' /proc/modules; then
		streaming PV-74 || return 1
		kill "$bg"
		wait_exit "$bg" || return 1
		rmmod palmvein || return 1
	fi
	drv_wait_gone PV-74 || return 1
	! grep -q '^palmvein ' /proc/modules
}

# two_sensors: both stream at once, each frame checked
two_sensors() {
	local a b rc=0
	drv-capture -d "$(vm_v4l_find PV-A)" -m "$(vm_v4l_find PV-A metadata)" \
		-n 60 -w 120 >"$VM_RUN/a.log" 2>&1 &
	a=$!
	drv-capture -d "$(vm_v4l_find PV-B)" -m "$(vm_v4l_find PV-B metadata)" \
		-n 60 -w 120 >"$VM_RUN/b.log" 2>&1 &
	b=$!
	wait "$a" || rc=1
	wait "$b" || rc=1
	cat "$VM_RUN/a.log" "$VM_RUN/b.log"
	return $rc
}

check setup vm_usb_setup is_super_speed=1
check driver-loads vm_load_module palmvein
check enumerates vm_emu_up cam "$(vm_first_udc)" 1 --speed super \
	--serial PV-74
check nodes vm_v4l_wait 20 PV-74 metadata
check set-mode v4l2-ctl -d "$(vm_v4l_find PV-74)" -v width=640,height=480,pixelformat=GREY -p 30

check replug-50-while-streaming replug_cycles 50
check unplug-while-open unplug_open
check unplug-during-controls unplug_ctrl
check streams-after-replug drv-capture -d "$(vm_v4l_find PV-74)" \
	-m "$(vm_v4l_find PV-74 metadata)" -n 30 -w 60
check rmmod-while-streaming rmmod_streaming
check driver-reloads vm_load_module palmvein
check nodes-after-reload vm_v4l_wait 20 PV-74 metadata
check emulator-dies-mid-stream emulator_dies

check two-setup vm_usb_setup is_super_speed=1 num=2
check two-enumerate-a vm_emu_up a "$(vm_udc_names | sed -n 1p)" 1 \
	--speed super --serial PV-A
check two-enumerate-b vm_emu_up b "$(vm_udc_names | sed -n 2p)" 2 \
	--speed super --serial PV-B
check two-nodes-a vm_v4l_wait 20 PV-A metadata
check two-nodes-b vm_v4l_wait 20 PV-B metadata
check two-mode-a v4l2-ctl -d "$(vm_v4l_find PV-A)" -v width=640,height=480,pixelformat=GREY -p 30
check two-mode-b v4l2-ctl -d "$(vm_v4l_find PV-B)" -v width=640,height=480,pixelformat=GREY -p 30
check two-stream-at-once two_sensors

check driver-unloads vm_unload_module palmvein
vm_usb_teardown
