# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=dash
# End-to-end integrity through palmvein.ko: every good frame is byte-identical
# to `palmvein-emu --render` of the same scene, settings and noise variant
# (GREY and Y10, power-up and changed controls), and every frame the
# emulator corrupts or truncates is flagged V4L2_BUF_FLAG_ERROR, never
# delivered as good (tests/vm/drv-capture.c does the judging).
# vm-timeout: 900

vm_require_emulator

# The scene in front of the sensor, as a scenario and as --render options.
scene=$VM_RUN/palm3.scenario
echo "palm 3 rot=20 dist=80" >"$scene"
variants=8

# render_refs NAME OPTIONS...: the reference frame of every noise variant
render_refs() {
	local name=$1 v=0
	shift
	while [ $v -lt $variants ]; do
		palmvein-emu --render 3 --rot 20 --dist 80 "$@" --variant $v \
			-o "$VM_RUN/$name-$v.pgm" || return 1
		v=$((v + 1))
	done
}

# identical NAME FRAMES: frames of the current settings match the references
identical() {
	drv-capture -d "$video" -m "$meta" -n "$2" -w 120 \
		-r "$VM_RUN/$1-%u.pgm" -k $variants
}

check setup vm_usb_setup is_super_speed=1
check driver-loads vm_load_module palmvein
check enumerates vm_emu_up cam "$(vm_first_udc)" 1 --speed super \
	--serial PV-72 --scenario "$scene" --variants $variants
check nodes vm_v4l_node PV-72 metadata
video=$(vm_v4l_find PV-72)
meta=$(vm_v4l_find PV-72 metadata)

# Power-up state: the driver's control defaults are the device's.
check grey-mode v4l2-ctl -d "$video" -v width=1280,height=800,pixelformat=GREY -p 15
check grey-refs render_refs grey
check grey-identical identical grey 30

check y10-mode v4l2-ctl -d "$video" -v "width=640,height=480,pixelformat=Y10 " -p 30
check y10-refs render_refs y10 --bits 10 --size 640x480
check y10-identical identical y10 30

# Changed controls reach the device: 850 nm on at 200, 6 ms, gain 2.0x.
check set-controls v4l2-ctl -d "$video" \
	-c nir_850nm_mode=1,nir_850nm_intensity=200,exposure_time_absolute=60,gain=32
# The comparison can fail: the power-up references no longer match.
check_fails stale-refs-differ identical y10 5
check lit-refs render_refs lit --bits 10 --size 640x480 --led850 200 \
	--exposure 6000 --gain 32
check lit-identical identical lit 30
check emulator-stops vm_emu_stop cam

# Fault injection: 640x480 GREY at 30 fps, every 7th frame corrupted and
# every 11th truncated; the good ones in between still match.
check injecting-enumerates vm_emu_up bad "$(vm_first_udc)" 1 --speed super \
	--serial PV-72 --scenario "$scene" --variants $variants \
	--corrupt-every 7 --truncate-every 11
check injecting-nodes vm_v4l_node PV-72 metadata
video=$(vm_v4l_find PV-72)
meta=$(vm_v4l_find PV-72 metadata)
check injecting-mode v4l2-ctl -d "$video" -v width=640,height=480,pixelformat=GREY -p 30
check injecting-refs render_refs bad --size 640x480
check injected-flagged drv-capture -d "$video" -m "$meta" -n 80 -w 120 \
	-r "$VM_RUN/bad-%u.pgm" -k $variants -c 7 -t 11
check injected-counted sh -c "cat /sys/class/video4linux/${video##*/}/device/palmvein/* &&
	[ \$(cat /sys/class/video4linux/${video##*/}/device/palmvein/payload_crc_errors) -ge 1 ] &&
	[ \$(cat /sys/class/video4linux/${video##*/}/device/palmvein/length_errors) -ge 1 ]"
check injecting-stops vm_emu_stop bad

check driver-unloads vm_unload_module palmvein
vm_usb_teardown
