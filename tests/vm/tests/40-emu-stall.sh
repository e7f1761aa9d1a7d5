# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=dash
# Unknown and out-of-range control requests stall, change nothing, and the
# emulator keeps working.
# vm-timeout: 90

vm_require_emulator

check setup vm_usb_setup
check enumerates vm_emu_up st "$(vm_first_udc)" 1
check bad-requests-stall usb-probe stall
check emulator-alive-after-stalls vm_emu_running st
check stream-after-stalls usb-probe stream --size 640x480 --fps 60 \
	--frames 60 --tolerance 10
check emulator-stops-cleanly vm_emu_stop st

vm_usb_teardown
