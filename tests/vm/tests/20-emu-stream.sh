# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=dash
# 300 frames through usbfs: valid headers and CRCs, no sequence gap the
# device did not count as a drop, the device's frame clock within 5 % of
# the mode's, and, when nothing was dropped, host- and device-side rates
# within 5 % too, at high and super speed. The pass/fail tier uses rates a
# TCG guest sustains on an idle host (60 and 30 fps); a starved emulator
# drops and counts frames, which is not judged. The top rates (1280x800 at 60 fps,
# 640x480 at 120 fps) are measured by `make bench-emu`, which reports
# numbers rather than judging a shared machine's timing. One frame of each
# link is kept as PGM.
# vm-timeout: 240

vm_require_emulator

check hs-setup vm_usb_setup
check hs-enumerates vm_emu_up hs "$(vm_first_udc)" 1 --speed high
check hs-stream-640x480-60fps usb-probe stream --size 640x480 --fps 60 \
	--frames 300 --tolerance 5 --save "$VM_OUT/hs-640x480.pgm"
check hs-stream-640x480-y10-60fps usb-probe stream --size 640x480 --y10 \
	--fps 60 --frames 120 --tolerance 5
check hs-stop vm_emu_stop hs

check ss-setup vm_usb_setup is_super_speed=1
check ss-enumerates vm_emu_up ss "$(vm_first_udc)" 1 --speed super
check ss-stream-1280x800-30fps usb-probe stream --size 1280x800 --fps 30 \
	--frames 300 --tolerance 5 --save "$VM_OUT/ss-1280x800.pgm"
check ss-stream-1280x800-y10-30fps usb-probe stream --size 1280x800 --y10 \
	--fps 30 --frames 60 --tolerance 5
check ss-stop vm_emu_stop ss

check pgm-saved sh -c "head -c 2 '$VM_OUT/ss-1280x800.pgm' | grep -q P5"

vm_usb_teardown
