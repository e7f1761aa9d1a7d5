# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=dash
# The emulated sensor enumerates with the protocol's descriptors at high and
# at super speed, answers GET_INFO, and stops cleanly on SIGTERM.
# vm-timeout: 120

vm_require_emulator

check hs-setup vm_usb_setup
check hs-enumerates vm_emu_up hs "$(vm_first_udc)" 1 --serial PV-HS --speed high
check hs-descriptors usb-probe descriptors --speed high
check hs-device-info usb-probe info --expect-serial PV-HS
check hs-emulator-stops-cleanly vm_emu_stop hs
check hs-device-gone vm_wait_devices 0

check ss-setup vm_usb_setup is_super_speed=1
check ss-enumerates vm_emu_up ss "$(vm_first_udc)" 1 --serial PV-SS --speed super
check ss-descriptors usb-probe descriptors --speed super
check ss-device-info usb-probe info --expect-serial PV-SS
check ss-emulator-stops-cleanly vm_emu_stop ss

vm_usb_teardown
