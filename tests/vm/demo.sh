# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=dash
# `make demo`: the emulated sensor on dummy_hcd, seen from the USB host.
# Shows the device as lsusb would, its device info, a few seconds of frames
# with header and CRC checks, and saves frames to BUILD/demo/ as PGM.
# Then palmvein.ko drives the same sensor through V4L2 with v4l2-ctl.
# Later issues extend it (daemon, palmctl).
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

# v4l_capture NODE W H N NAME: N frames through V4L2, the last kept as PGM
v4l_capture() {
	local raw="$VM_RUN/$5.raw" size=$(($2 * $3))
	v4l2-ctl -d "$1" -v "width=$2,height=$3,pixelformat=GREY" \
		--stream-mmap --stream-count="$4" --stream-to="$raw" || return 1
	[ "$(wc -c <"$raw")" -eq $((size * $4)) ] || return 1
	{ printf 'P5\n%d %d\n255\n' "$2" "$3"; tail -c "$size" "$raw"; } \
		>"$VM_OUT/$5.pgm"
}

section "palmvein.ko: the same sensor as a V4L2 device"
check driver-loads vm_load_module palmvein
video=$(vm_v4l_node PV-DEMO-0001)
check video-node test -n "$video"
v4l2-ctl -d "$video" --info
v4l2-ctl -d "$video" --list-formats-ext | grep -E "'|Size|Interval" | head -12

section "Controls, as v4l2-ctl -L lists them"
v4l2-ctl -d "$video" -L

section "NIR 940 nm strobed at 180/255, 850 nm off, 4 ms exposure"
check set-illumination v4l2-ctl -d "$video" \
	-c nir_850nm_mode=0,nir_940nm_mode=2,nir_940nm_intensity=180 \
	-c exposure_time_absolute=40
v4l2-ctl -d "$video" -C nir_850nm_mode,nir_940nm_mode,exposure_time_absolute,palm_distance_mm

section "Capturing 30 frames of 1280x800 through V4L2 (--stream-mmap)"
check v4l2-capture v4l_capture "$video" 1280 800 30 v4l2-1280x800
check driver-unloads vm_unload_module palmvein

check emulator-stops-cleanly vm_emu_stop demo
vm_usb_teardown
