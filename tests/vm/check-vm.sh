#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The VM tier: the guest tests on each kernel in turn (one boot each, run
# one after the other so the pacing checks get the 2 host CPUs), then one
# combined summary line. Exits non-zero if any kernel's run failed.
#
#   tests/vm/check-vm.sh [--build DIR] [--tests GLOB] KERNEL...
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)

build=build
tests="*"
while [ $# -gt 0 ]; do
	case "$1" in
	--build) build=$2; shift 2 ;;
	--tests) tests=$2; shift 2 ;;
	-*) echo "usage: $0 [--build DIR] [--tests GLOB] KERNEL..." >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || set -- 6.1 6.12

passed=0
failed=0
skipped=0
summaries=()
started=$SECONDS
for kernel in "$@"; do
	rc=0
	summary="$build/vm/$kernel-summary.txt"
	rm -f "$summary"
	"$SCRIPT_DIR/run-vm.sh" --kernel "$kernel" --module --build "$build" \
		--tests "$tests" || rc=$?
	line=$(grep -E '^vm-[^:]*: [0-9]+ passed, [0-9]+ failed' "$summary" 2>/dev/null | tail -n 1) || true
	if [ -z "$line" ]; then
		line="vm-$kernel: no summary (run-vm.sh exited with $rc)"
		failed=$((failed + 1))
	else
		read -r p f s <<<"$(sed -E 's/^[^:]*: ([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?.*/\1 \2 \4/' <<<"$line")"
		passed=$((passed + p))
		failed=$((failed + f))
		skipped=$((skipped + ${s:-0}))
		# A run that failed without failed checks still fails the tier.
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			failed=$((failed + 1))
		fi
	fi
	summaries+=("$line")
done

echo
printf '%s\n' "${summaries[@]}"
echo "check-vm took $((SECONDS - started))s"
echo "vm: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
