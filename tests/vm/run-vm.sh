#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Boots a Debian kernel in QEMU (TCG, never KVM) with the palmvein test
# initramfs and runs the guest tests in one boot. Prints one summary line
# "vm-KERNEL: N passed, N failed[, N skipped]" and exits non-zero when a
# check failed, no summary could be made, the boot timed out, or the guest
# kernel log shows a warning, BUG, Oops, refcount or list corruption.
#
#   tests/vm/run-vm.sh --kernel 6.1|6.12 [--tests GLOB] [--script FILE]
#                      [--module] [--build DIR] [--out DIR] [--label NAME]
#                      [--timeout S] [--smp N] [--append ARGS]
#
# --tests GLOB   run only guest tests whose file name matches (e.g. '20-*')
# --script FILE  run FILE as the only guest test (demo, benchmarks)
# --module       first build palmvein.ko against this kernel's headers
#                (`make module KDIR=...`), when the tree has a driver
# --label NAME   names the logs and the summary (default: the kernel)
# --out DIR      where the guest's /out lands (default BUILD/vm/out/LABEL)
# --append ARGS  more kernel command line, e.g. palmvein.seconds=20 for a
#                script to read from /proc/cmdline
#
# Output: BUILD/vm/LABEL-console.log (whole console), BUILD/vm/LABEL-summary.txt
# (the summary line), and the guest's artifacts (logs/, dmesg.txt, frames)
# in the --out directory.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/../.." && pwd)

log() { echo "run-vm: $*" >&2; }
die() { log "$*"; exit 2; }

# Kernel log lines that fail a run whatever the tests said.
KERNEL_ERRORS='WARNING:|BUG|Oops|refcount_t|use-after-free|list_del corruption'

main() {
	local series="" tests="*" script="" build=build timeout=900 smp=2 label=""
	local out="" module=0 append=""
	while [ $# -gt 0 ]; do
		case "$1" in
		--append) append=$2; shift 2 ;;
		--module) module=1; shift ;;
		--out) out=$2; shift 2 ;;
		--kernel) series=$2; shift 2 ;;
		--tests) tests=$2; shift 2 ;;
		--script) script=$2; shift 2 ;;
		--build) build=$2; shift 2 ;;
		--timeout) timeout=$2; shift 2 ;;
		--smp) smp=$2; shift 2 ;;
		--label) label=$2; shift 2 ;;
		*) die "unknown argument $1 (see the header of $0)" ;;
		esac
	done
	[ -n "$series" ] || die "--kernel 6.1|6.12 is required"
	build=$(realpath -m "$build")
	label=${label:-$series}
	[ -z "$script" ] || [ -f "$script" ] || die "no such script $script"

	local kit vmdir initrd console
	kit=$("$SCRIPT_DIR/fetch-kernel.sh" --kernel "$series")
	[ "$module" -eq 0 ] || build_module "$build" "$(cat "$kit/kdir")"
	vmdir="$build/vm"
	out=${out:-$vmdir/out/$label}
	initrd="$vmdir/$label-initramfs.cpio"
	console="$vmdir/$label-console.log"
	# One VM at a time per machine: TCG guests on a small shared host starve
	# each other, and the streaming checks measure pacing.
	exec 8>"${PALMVEIN_VM_LOCK:-/tmp/palmvein-vm.lock}"
	if ! flock -n 8; then
		log "waiting for another palmvein VM run on this machine to finish"
		flock 8
	fi
	rm -rf "$out"
	mkdir -p "$out"

	local initramfs_args=(--kit "$kit" --build "$build" --out "$initrd")
	[ -z "$script" ] || initramfs_args+=(--script "$script")
	"$SCRIPT_DIR/build-initramfs.sh" "${initramfs_args[@]}"

	log "booting $(cat "$kit/release") (TCG, $smp CPUs, limit ${timeout}s)"
	local started=$SECONDS rc=0
	timeout -k 10 "$timeout" qemu-system-x86_64 \
		-accel tcg -cpu max -smp "$smp" -m 1G \
		-display none -monitor none -serial stdio -no-reboot -nic none \
		-kernel "$kit/vmlinuz" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 loglevel=4 palmvein.tests=$tests $append" \
		-virtfs "local,path=$out,mount_tag=palmvein_out,security_model=none,id=out" \
		</dev/null 2>&1 | tee "$console" || rc=$?
	log "guest ran $((SECONDS - started))s"

	summarize "$label" "$console" "$rc" "$timeout" | tee "$vmdir/$label-summary.txt"
	return "${PIPESTATUS[0]}"
}

# palmvein.ko for the guest's kernel, from the headers of the same ABI.
build_module() {
	local build=$1 kdir=$2
	if [ ! -f "$REPO_DIR/driver/driver.mk" ]; then
		log "no driver/driver.mk yet: booting without palmvein.ko"
		return
	fi
	log "building palmvein.ko against $kdir"
	"${MAKE:-make}" -C "$REPO_DIR" --no-print-directory module \
		KDIR="$kdir" BUILD="$build" >&2 ||
		die "palmvein.ko does not build against $kdir"
}

# Counts results, scans the kernel log, prints the summary line.
summarize() {
	local label=$1 console=$2 qemu_rc=$3 timeout=$4 problems=0
	local passed failed skipped dmesg
	# The console may carry CRs from the serial line.
	passed=$(tr -d '\r' <"$console" | grep -c '^PASS: ' || true)
	failed=$(tr -d '\r' <"$console" | grep -c '^FAIL: ' || true)
	skipped=$(tr -d '\r' <"$console" | grep -c '^SKIP: ' || true)

	if [ "$qemu_rc" -eq 124 ] || [ "$qemu_rc" -eq 137 ]; then
		log "FAIL: the guest did not finish within ${timeout}s"
		problems=$((problems + 1))
	elif [ "$qemu_rc" -ne 0 ]; then
		log "FAIL: qemu exited with status $qemu_rc"
		problems=$((problems + 1))
	fi
	dmesg=$(tr -d '\r' <"$console" |
		sed -n '/^=== palmvein dmesg begin ===$/,/^=== palmvein dmesg end ===$/p')
	if [ -z "$dmesg" ]; then
		log "FAIL: the guest never dumped its kernel log; scanning the whole console"
		dmesg=$(tr -d '\r' <"$console")
		problems=$((problems + 1))
	fi
	if grep -E "$KERNEL_ERRORS" <<<"$dmesg" >&2; then
		log "FAIL: the guest kernel log has the errors above"
		problems=$((problems + 1))
	fi
	if [ $((passed + failed)) -eq 0 ]; then
		log "FAIL: no test reported a result"
		problems=$((problems + 1))
	fi
	log "console log: $console"
	tr -d '\r' <"$console" | grep '^FAIL: ' >&2 || true
	echo "vm-$label: $passed passed, $((failed + problems)) failed, $skipped skipped"
	[ "$failed" -eq 0 ] && [ "$problems" -eq 0 ]
}

main "$@"
