#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs each Check test binary given as argument; prints one summary line.
set -u
passed=0
failed=0
for t in "$@"; do
	echo "== $t"
	if "$t"; then
		passed=$((passed + 1))
	else
		echo "FAILED: $t"
		failed=$((failed + 1))
	fi
done
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
