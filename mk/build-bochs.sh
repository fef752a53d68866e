#!/bin/sh
# build-bochs.sh DIR LABEL — run Bochs's own make (-j2) in the configured
# build directory DIR. The full output goes to DIR/make.log; the terminal
# gets one progress line per 25 compiled files, and the log's tail on failure.
set -u
dir=$1 label=$2
# Bochs's make is a separate build: do not inherit our make's jobserver.
unset MAKEFLAGS MFLAGS MAKELEVEL
log=$dir/make.log
echo "$label: make -j2 in $dir (log: $log)"
start=$(date +%s)
{ make -C "$dir" -j2 bochs 2>&1; echo "exit=$?"; } | tee "$log" |
	awk -v label="$label" '/^(g\+\+|gcc|cc|c\+\+) .* -c / { n++; if (n % 25 == 0) printf "%s: %d files compiled\n", label, n; fflush() }'
status=$(tail -n 1 "$log" | sed -n 's/^exit=//p')
if [ "$status" != 0 ]; then
	echo "$label: build FAILED; last lines of $log:" >&2
	tail -n 30 "$log" >&2
	exit 1
fi
echo "$label: built $dir/bochs in $(( $(date +%s) - start )) s"
