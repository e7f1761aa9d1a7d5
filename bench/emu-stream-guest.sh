# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=dash
# Guest half of `make bench-emu` (bench/emu-stream.sh runs it in the VM):
# streams the emulator through dummy_hcd for palmvein.seconds per run
# (default 20) and prints one "bench:" line per run with achieved fps,
# drops, MB/s and CPU use. 1280x800 8-bit at 60 fps (61 MB/s) runs at super
# speed only: a real high-speed bus carries at most 53 MB/s.
# vm-timeout: 600

vm_require_emulator
seconds=$(vm_cmdline_value palmvein.seconds 20)

# Busy jiffies and all jiffies of the whole machine, from /proc/stat.
cpu_jiffies() {
	awk '/^cpu / { busy = $2 + $3 + $4 + $7 + $8; print busy, busy + $5 + $6 }' /proc/stat
}

# utime + stime of a process, in jiffies (USER_HZ: 100 per second on x86).
proc_jiffies() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# bench_run SPEED WxH FPS: one measured stream; the emulator is running.
bench_run() {
	local speed=$1 size=$2 fps=$3 pid out rc
	local emu0 emu1 busy0 all0 busy1 all1
	pid=$(cat "$VM_RUN/emu-bench.pid")
	emu0=$(proc_jiffies "$pid")
	read -r busy0 all0 <<-EOT
		$(cpu_jiffies)
	EOT
	out=$(usb-probe stream --size "$size" --fps "$fps" --duration "$seconds" \
		--queue 4 --report-only 2>&1)
	rc=$?
	emu1=$(proc_jiffies "$pid")
	read -r busy1 all1 <<-EOT
		$(cpu_jiffies)
	EOT
	echo "$out" | grep -v '^result:'
	out=$(echo "$out" | grep '^result:' | cut -d' ' -f2-)
	echo "bench: speed=$speed $out" \
		"emu_cpu=$(((emu1 - emu0) / seconds))%" \
		"machine_busy=$(((busy1 - busy0) * 100 / (all1 - all0)))%"
	[ $rc -eq 0 ] && [ -n "$out" ] || return 1
	[ "$(vm_result_field "$out" frames)" = "$(vm_result_field "$out" wanted)" ] &&
		[ "$(vm_result_field "$out" gaps)" = 0 ] &&
		[ "$(vm_result_field "$out" dev_dropped)" = 0 ] &&
		[ "$(vm_result_field "$out" bad_crc)" = 0 ] &&
		[ "$(vm_result_field "$out" bad_header)" = 0 ]
}

for speed in high super; do
	if [ $speed = super ]; then
		vm_usb_setup is_super_speed=1 || fail "$speed-setup" "gadget stack"
	else
		vm_usb_setup || fail "$speed-setup" "gadget stack"
	fi
	if ! vm_emu_up bench "$(vm_first_udc)" 1 --speed $speed; then
		fail "$speed-enumerate" "the emulator did not enumerate"
		continue
	fi
	modes="1280x800 60,640x480 120"
	[ $speed = high ] && modes="640x480 120,1280x800 30"
	local_ifs=$IFS
	IFS=,
	for mode in $modes; do
		IFS=$local_ifs
		# shellcheck disable=SC2086 # size and fps
		set -- $mode
		if bench_run $speed "$1" "$2"; then
			pass "$speed-$1-$2fps-no-drops"
		else
			fail "$speed-$1-$2fps-no-drops" "frames were lost or broken"
		fi
	done
	IFS=$local_ifs
	vm_emu_stop bench
	vm_usb_teardown
done
