# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=dash
# palmvein.ko binds the emulated sensor: a video and a metadata node with
# the device's formats and controls, v4l2-ctl sets every control and
# captures, and v4l2-compliance (plain, -s, -f) finds 0 failures and
# 0 warnings on both nodes.
# vm-timeout: 900

vm_require_emulator

# compliance ARGS...: v4l2-compliance with 0 failures and 0 warnings
compliance() {
	local out
	out=$(v4l2-compliance "$@" 2>&1)
	echo "$out"
	vm_v4l_stats "$video"
	echo "$out" | grep -q 'Failed: 0, Warnings: 0'
}

# compliance_streaming NODE: v4l2-compliance -s with 0 failures and 0
# warnings, except one: v4l2-compliance warns about every sequence gap, and
# a gap is what the driver must show when the device dropped a frame. The
# emulator drops frames when TCG makes it late (it logs "behind schedule").
# Such warnings pass only if the driver itself dropped no frame meanwhile,
# so every gap is the device's, and they are counted in the log.
compliance_streaming() {
	local out dropped lost warnings gaps
	dropped=$(vm_v4l_stat "$1" frames_dropped)
	lost=$(vm_v4l_stat "$1" frames_lost)
	out=$(v4l2-compliance -d "$1" -s 10 2>&1)
	echo "$out"
	vm_v4l_stats "$1"
	echo "$out" | grep -q 'Failed: 0, Warnings: [0-9]*$' || return 1
	warnings=$(echo "$out" | grep -o 'Warnings: [0-9]*$' | tail -n 1)
	warnings=${warnings#Warnings: }
	gaps=$(echo "$out" | grep -c 'warn: .*got sequence number')
	lost=$(($(vm_v4l_stat "$1" frames_lost) - lost))
	dropped=$(($(vm_v4l_stat "$1" frames_dropped) - dropped))
	echo "warnings=$warnings sequence_gaps=$gaps device_lost=$lost driver_dropped=$dropped"
	[ "$warnings" -eq 0 ] ||
		{ [ "$warnings" -eq "$gaps" ] && [ "$lost" -ge "$gaps" ] &&
			[ "$dropped" -eq 0 ]; }
}

modinfo_alias() {
	local ko
	ko=$(vm_module_path palmvein) || return 1
	modinfo "$ko" | grep -q '^alias: *usb:v1209p0001d\*dc\*dsc\*dp\*icFFisc50ip01in\*' &&
		modinfo "$ko" | grep -q '^description:'
}

formats_listed() {
	local out
	out=$(v4l2-ctl -d "$video" --list-formats-ext) || return 1
	echo "$out"
	echo "$out" | grep -q "'GREY'" && echo "$out" | grep -q "'Y10 '" &&
		echo "$out" | grep -q 'Size: Discrete 1280x800' &&
		echo "$out" | grep -q 'Size: Discrete 640x480' &&
		echo "$out" | grep -q 'Interval: Discrete 0.017s (60.000 fps)'
}

# Every control is listed with the name and range the device reports.
controls_listed() {
	local out
	out=$(v4l2-ctl -d "$video" -L) || return 1
	echo "$out"
	for c in exposure_time_absolute gain nir_850nm_intensity \
		nir_850nm_mode nir_940nm_intensity nir_940nm_mode \
		palm_distance_mm led_temperature_0_1_c faults; do
		echo "$out" | grep -q "^ *$c " || { echo "missing $c"; return 1; }
	done
	echo "$out" | grep -q 'nir_940nm_mode .*default=2' &&
		echo "$out" | grep -q 'gain .*min=16 max=256'
}

# set_get NAME VALUE: set a control and read the same value back
set_get() {
	local got
	v4l2-ctl -d "$video" -c "$1=$2" || return 1
	got=$(v4l2-ctl -d "$video" -C "$1") || return 1
	got=${got##*: }
	[ "${got%% *}" = "$2" ] || { echo "$1: set $2, got '$got'"; return 1; }
}

controls_set() {
	set_get exposure_time_absolute 50 && set_get gain 32 &&
		set_get nir_850nm_intensity 200 && set_get nir_850nm_mode 3 &&
		set_get nir_940nm_intensity 10 && set_get nir_940nm_mode 1 &&
		v4l2-ctl -d "$video" -C palm_distance_mm,led_temperature_0_1_c,faults &&
		! v4l2-ctl -d "$video" -c palm_distance_mm=5 2>/dev/null &&
		v4l2-ctl -d "$video" -c gain=4000 &&
		[ "$(v4l2-ctl -d "$video" -C gain)" = "gain: 256" ] &&
		set_get exposure_time_absolute 40 && set_get gain 16 &&
		set_get nir_850nm_intensity 0 && set_get nir_850nm_mode 0 &&
		set_get nir_940nm_intensity 128 && set_get nir_940nm_mode 2
}

# capture FMT W H N: N frames of FMT at WxH into a file of the right size
capture() {
	local f="$VM_RUN/cap-$2x$3.raw" bpp=1
	[ "$1" = "Y10 " ] && bpp=2
	rm -f "$f"
	v4l2-ctl -d "$video" -v "width=$2,height=$3,pixelformat=$1" \
		--stream-mmap --stream-count="$4" --stream-to="$f" || return 1
	ls -l "$f"
	[ "$(wc -c <"$f")" -eq $(($2 * $3 * bpp * $4)) ]
}

# The metadata node alone streams one struct palmvein_meta (40 bytes) a frame.
meta_capture() {
	local f="$VM_RUN/meta.raw"
	v4l2-ctl -d "$meta" --stream-mmap --stream-count=5 --stream-to="$f" ||
		return 1
	ls -l "$f"
	[ "$(wc -c <"$f")" -eq $((40 * 5)) ]
}

check setup vm_usb_setup is_super_speed=1
check enumerates vm_emu_up cam "$(vm_first_udc)" 1 --speed super --serial PV-70
check driver-loads vm_load_module palmvein
check modinfo-alias modinfo_alias
check video-node vm_v4l_node PV-70
check meta-node vm_v4l_node PV-70 metadata
video=$(vm_v4l_find PV-70)
meta=$(vm_v4l_find PV-70 metadata)

check formats-listed formats_listed
check controls-listed controls_listed
check controls-set controls_set
check capture-grey-1280x800 capture GREY 1280 800 10
check capture-y10-640x480 capture "Y10 " 640 480 5
check capture-meta meta_capture

check compliance-video compliance -d "$video"
# Streaming: a mode the emulator sustains under TCG, since v4l2-compliance
# warns about every sequence gap and gaps are what dropped frames must give.
check slow-mode v4l2-ctl -d "$video" -v width=1280,height=800,pixelformat=GREY -p 15
check compliance-video-streaming compliance_streaming "$video"
check compliance-video-formats compliance -d "$video" -f
check compliance-meta compliance -d "$meta"
check compliance-meta-streaming compliance_streaming "$meta"

check emulator-stops vm_emu_stop cam

# A palm that comes and goes: proximity events reach V4L2_EVENT_CTRL
# subscribers of the distance control, without streaming.
printf 'none\nat 1s palm 3 dist=100\nat 3s none\nwait 1s\nloop\n' \
	>"$VM_RUN/comego.scenario"
check events-enumerates vm_emu_up ev "$(vm_first_udc)" 1 --speed super \
	--serial PV-70 --scenario "$VM_RUN/comego.scenario"
check events-node vm_v4l_node PV-70
check distance-events drv-capture -E -d "$(vm_v4l_find PV-70)" -n 2 -w 60
check events-emulator-stops vm_emu_stop ev
check nodes-gone sh -c "! ls /sys/class/video4linux/video* 2>/dev/null"
check driver-unloads vm_unload_module palmvein
vm_usb_teardown
