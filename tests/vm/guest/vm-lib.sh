# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=dash
#
# Shell library of the test VM (busybox ash). Guest tests source it:
#
#   . /usr/lib/palmvein/vm-lib.sh
#
# Results: every check prints exactly one line on the console,
#   PASS: name | FAIL: name: why | SKIP: name: why
# which the host counts. Logs and artifacts go to $VM_OUT (the host's
# BUILD/vm/out/KERNEL/ over 9p, or a tmpfs when the share is missing).

VM_OUT=/out
VM_RUN=/run/palmvein
# tests/vm/data/ of the source tree: scenarios and other inputs of tests
# shellcheck disable=SC2034 # used by the tests that source this file
VM_DATA=/usr/lib/palmvein/data
VM_MODDIR=/lib/modules/$(uname -r)
VM_VID=1209
VM_PID=0001

mkdir -p "$VM_RUN" "$VM_OUT/logs"

# The test currently running, for log file names; init sets it.
vm_test=${vm_test:-adhoc}

# vm_cmdline_value KEY DEFAULT: KEY=value from the kernel command line
# (run-vm.sh --append), or DEFAULT.
vm_cmdline_value() {
	local cmdline arg
	read -r cmdline </proc/cmdline
	for arg in $cmdline; do
		case "$arg" in "$1="*) echo "${arg#*=}"; return 0 ;; esac
	done
	echo "$2"
}

pass() {
	echo "PASS: $1"
	echo "PASS $1" >>"$VM_RUN/results"
}

fail() {
	echo "FAIL: $1: $2"
	echo "FAIL $1" >>"$VM_RUN/results"
}

skip() {
	echo "SKIP: $1: $2"
	echo "SKIP $1" >>"$VM_RUN/results"
}

# check NAME CMD [ARGS...]: PASS when CMD exits 0, else FAIL with the last
# lines of its output. The full output goes to logs/TEST.log.
check() {
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	{
		echo "### $name: $*"
		echo "$out"
		echo "### exit $rc"
	} >>"$VM_OUT/logs/$vm_test.log"
	if [ $rc -eq 0 ]; then
		pass "$name"
	else
		echo "$out" | tail -n 15 | sed 's/^/  | /'
		fail "$name" "$(echo "$out" | grep . | tail -n 1) (exit $rc)"
	fi
	return $rc
}

# check_fails NAME CMD...: PASS when CMD fails (a negative test).
check_fails() {
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	echo "### $name (expect failure): $*
$out
### exit $rc" >>"$VM_OUT/logs/$vm_test.log"
	if [ $rc -ne 0 ]; then
		pass "$name"
		return 0
	fi
	fail "$name" "succeeded but should have failed"
	return 1
}

# ---------------------------------------------------------------------------
# Modules: resolved through the modules.dep that build-initramfs.sh wrote.

vm_module_path() {
	local name
	name=$(echo "$1" | tr - _)
	awk -F: -v n="$name" '
		{ m = $1; sub(/.*\//, "", m); sub(/\.ko.*/, "", m); gsub(/-/, "_", m) }
		m == n { print $1; exit }' "$VM_MODDIR/modules.dep"
}

vm_module_loaded() {
	[ -e "/sys/module/$(echo "$1" | tr - _)/initstate" ]
}

# vm_load_module NAME [PARAM=VALUE...]: insmod NAME after its dependencies,
# unless loaded. Built-in modules succeed without doing anything.
vm_load_module() {
	local name=$1 path deps dep
	shift
	vm_module_loaded "$name" && return 0
	path=$(vm_module_path "$name")
	if [ -z "$path" ]; then
		grep -q "/$(echo "$name" | tr _ -)\.ko$\|/$(echo "$name" | tr - _)\.ko$" \
			"$VM_MODDIR/modules.builtin" 2>/dev/null && return 0
		echo "vm: module $name is not in the initramfs (add it to tests/vm/modules.list)" >&2
		return 1
	fi
	deps=$(grep "^$path:" "$VM_MODDIR/modules.dep" | cut -d: -f2)
	for dep in $deps; do
		vm_load_module "$(basename "$dep" | sed 's/\.ko.*//')" || return 1
	done
	insmod "$VM_MODDIR/$path" "$@"
}

vm_unload_module() {
	vm_module_loaded "$1" || return 0
	rmmod "$(echo "$1" | tr - _)"
}

# ---------------------------------------------------------------------------
# USB gadget stack on dummy_hcd.

vm_mount_configfs() {
	grep -q ' /sys/kernel/config configfs ' /proc/mounts && return 0
	mount -t configfs none /sys/kernel/config
}

# vm_usb_setup [DUMMY_HCD_PARAM...]: the gadget stack with a fresh
# dummy_hcd, e.g. `vm_usb_setup is_super_speed=1 num=2`. Emulators must be
# stopped first (vm_emu_stop_all).
vm_usb_setup() {
	local num=1 arg i
	for arg in "$@"; do
		case "$arg" in num=*) num=${arg#num=} ;; esac
	done
	vm_unload_module dummy_hcd || return 1
	for m in usb-common usbcore udc-core; do
		vm_load_module "$m" || return 1
	done
	vm_load_module dummy_hcd "$@" || return 1
	for m in configfs libcomposite usb_f_fs; do
		vm_load_module "$m" || return 1
	done
	vm_mount_configfs || return 1
	i=0
	while [ "$(vm_udc_names | wc -l)" -lt "$num" ]; do
		i=$((i + 1))
		[ $i -gt 50 ] && { echo "vm: $num UDCs did not appear" >&2; return 1; }
		sleep 0.1
	done
}

vm_usb_teardown() {
	vm_emu_stop_all
	vm_unload_module dummy_hcd
}

vm_udc_names() {
	ls /sys/class/udc 2>/dev/null
}

vm_first_udc() {
	vm_udc_names | head -n 1
}

# ---------------------------------------------------------------------------
# Emulator instances, named by the caller (e.g. "a", "b").

# vm_emu_start ID UDC [palmvein-emu options...]: start in the background;
# its output goes to logs/TEST-emu-ID.log.
vm_emu_start() {
	local id=$1 udc=$2
	shift 2
	if ! command -v palmvein-emu >/dev/null; then
		echo "vm: palmvein-emu is not in the initramfs" >&2
		return 1
	fi
	palmvein-emu --udc "$udc" "$@" >>"$VM_OUT/logs/$vm_test-emu-$id.log" 2>&1 &
	echo $! >"$VM_RUN/emu-$id.pid"
}

# vm_emu_running ID: the instance is still alive.
vm_emu_running() {
	local pid
	pid=$(cat "$VM_RUN/emu-$1.pid" 2>/dev/null) || return 1
	kill -0 "$pid" 2>/dev/null
}

# vm_emu_stop ID: SIGTERM and wait; fails if the emulator needed SIGKILL or
# exited with an error.
vm_emu_stop() {
	local pid i=0 rc
	pid=$(cat "$VM_RUN/emu-$1.pid" 2>/dev/null) || return 0
	rm -f "$VM_RUN/emu-$1.pid"
	kill -TERM "$pid" 2>/dev/null
	while kill -0 "$pid" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 100 ]; then
			echo "vm: emulator $1 ignored SIGTERM for 10 s" >&2
			kill -KILL "$pid"
			wait "$pid" 2>/dev/null
			return 1
		fi
		sleep 0.1
	done
	wait "$pid" 2>/dev/null
	rc=$?
	# 127: not our child (started by another shell); nothing to report.
	[ $rc -eq 127 ] && rc=0
	if [ $rc -ne 0 ]; then
		echo "vm: emulator $1 exited with status $rc" >&2
		tail -n 5 "$VM_OUT/logs/$vm_test-emu-$1.log" >&2
	fi
	return $rc
}

vm_emu_stop_all() {
	local f id
	for f in "$VM_RUN"/emu-*.pid; do
		[ -e "$f" ] || continue
		id=${f##*/emu-}
		vm_emu_stop "${id%.pid}"
	done
	return 0
}

# vm_emu_gadget_dir UDC: the configfs gadget bound to UDC (the emulator
# names its gadget itself).
vm_emu_gadget_dir() {
	local g
	for g in /sys/kernel/config/usb_gadget/*; do
		[ "$(cat "$g/UDC" 2>/dev/null)" = "$1" ] && { echo "$g"; return 0; }
	done
	return 1
}

# ---------------------------------------------------------------------------
# Host side of USB.

# vm_usb_devices: sysfs paths of enumerated palmvein devices.
vm_usb_devices() {
	local d
	for d in /sys/bus/usb/devices/*; do
		[ "$(cat "$d/idVendor" 2>/dev/null)" = "$VM_VID" ] &&
			[ "$(cat "$d/idProduct" 2>/dev/null)" = "$VM_PID" ] && echo "$d"
	done
	return 0
}

# vm_wait_devices COUNT [TIMEOUT_S]: wait until COUNT palmvein devices have
# enumerated (default 10 s).
vm_wait_devices() {
	local want=$1 limit=$((${2:-10} * 10)) i=0
	while [ "$(vm_usb_devices | wc -l)" -ne "$want" ]; do
		i=$((i + 1))
		if [ $i -gt $limit ]; then
			echo "vm: $(vm_usb_devices | wc -l) palmvein devices, wanted $want" >&2
			return 1
		fi
		sleep 0.1
	done
}

# vm_save FILE [NAME]: copy an artifact to the host.
vm_save() {
	cp "$1" "$VM_OUT/${2:-$(basename "$1")}"
}

# ---------------------------------------------------------------------------
# Helpers for tests of the emulated sensor.

# vm_require_emulator: FAIL and end the test when palmvein-emu was not built.
vm_require_emulator() {
	command -v palmvein-emu >/dev/null && return 0
	fail "$vm_test" "palmvein-emu is not in the initramfs (did 'make' build it?)"
	exit 1
}

# vm_emu_up ID UDC COUNT [palmvein-emu options...]: start an instance and
# wait until COUNT palmvein devices have enumerated.
vm_emu_up() {
	local id=$1 udc=$2 count=$3
	shift 3
	vm_emu_start "$id" "$udc" "$@" || return 1
	if ! vm_wait_devices "$count" 20; then
		tail -n 20 "$VM_OUT/logs/$vm_test-emu-$id.log" >&2
		return 1
	fi
}

# vm_result_field LINE KEY: a value from usb-probe's "result:" line.
vm_result_field() {
	echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# ---------------------------------------------------------------------------
# Helpers for tests of palmvein.ko (V4L2 nodes and the driver's counters).

# vm_v4l_find SERIAL [metadata]: the /dev/videoN whose name is
# "palmvein SERIAL" (or "palmvein SERIAL metadata") now; fails when absent.
vm_v4l_find() {
	local want="palmvein $1${2:+ $2}" n
	for n in /sys/class/video4linux/video*; do
		[ "$(cat "$n/name" 2>/dev/null)" = "$want" ] &&
			echo "/dev/${n##*/}" && return 0
	done
	return 1
}

# vm_v4l_wait TIMEOUT_S SERIAL [metadata]: wait up to TIMEOUT_S for the
# node of vm_v4l_find and print it.
vm_v4l_wait() {
	local limit=$(($1 * 10)) i=0
	shift
	while [ $i -lt $limit ]; do
		vm_v4l_find "$@" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	echo "vm: no node for palmvein $*" >&2
	return 1
}

# vm_v4l_node SERIAL [metadata]: wait up to 10 s for the node and print it.
vm_v4l_node() {
	vm_v4l_wait 10 "$@"
}

# vm_v4l_stats NODE: the driver's frame counters of the sensor behind NODE,
# one NAME=VALUE a line.
vm_v4l_stats() {
	local f
	for f in "/sys/class/video4linux/${1##*/}/device/palmvein/"*; do
		echo "${f##*/}=$(cat "$f")"
	done
}

# vm_v4l_stat NODE NAME: one frame counter of the sensor behind NODE.
vm_v4l_stat() {
	cat "/sys/class/video4linux/${1##*/}/device/palmvein/$2"
}
