#!/bin/sh
# Run unit-test binaries, show their output, and sum their closing
# "unit: N passed, M failed" lines into one. A binary that crashes, hangs
# (60 s) or prints no closing line counts as one failed test.
passed=0
failed=0
for t in "$@"; do
	echo "== $t"
	out=$(timeout 60 "$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	line=$(printf '%s\n' "$out" | grep -E '^unit: [0-9]+ passed, [0-9]+ failed$' | tail -n 1)
	if [ -z "$line" ]; then
		echo "  FAIL $t: exit status $rc, no closing line"
		failed=$((failed + 1))
		continue
	fi
	p=$(echo "$line" | sed -E 's/unit: ([0-9]+) passed, ([0-9]+) failed/\1/')
	f=$(echo "$line" | sed -E 's/unit: ([0-9]+) passed, ([0-9]+) failed/\2/')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "  FAIL $t: exit status $rc after all tests passed"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
