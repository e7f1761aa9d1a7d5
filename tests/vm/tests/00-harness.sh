# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=dash
# The VM itself: the right kernel, the gadget stack on dummy_hcd at both
# speeds, configfs gadgets, the share to the host and the v4l tools.
# vm-timeout: 60

check kernel-matches-kit test "$(uname -r)" = "$(cat /etc/palmvein-kernel)"

check host-share-writable sh -c 'echo ok >/out/share-probe && grep -q ok /out/share-probe'

check gadget-stack-high-speed vm_usb_setup
check udc-present test -e /sys/class/udc/dummy_udc.0
check dummy-hcd-high-speed-bus sh -c 'grep -q 480 /sys/bus/usb/devices/usb1/speed'

check gadget-stack-super-speed vm_usb_setup is_super_speed=1 num=2
check two-udcs test "$(vm_udc_names | wc -l)" -eq 2
check dummy-hcd-super-speed-bus sh -c 'grep -q 5000 /sys/bus/usb/devices/usb2/speed'

configfs_gadget() {
	local g=/sys/kernel/config/usb_gadget/vm-probe
	mkdir "$g" && echo 0x1209 >"$g/idVendor" &&
		mkdir "$g/functions/ffs.vm-probe" &&
		rmdir "$g/functions/ffs.vm-probe" && rmdir "$g"
}
check configfs-ffs-function configfs_gadget

check usb-teardown vm_usb_teardown

check v4l2-ctl-runs v4l2-ctl --version
check v4l2-compliance-runs v4l2-compliance --version
