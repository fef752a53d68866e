#!/bin/sh
# report-shot.sh REPORT.html OUT.png — a screenshot of the whole page.
#
# Headless Chromium's --screenshot captures the window, so the window is
# made as tall as the page: a first run dumps the DOM, where the report's
# load handler has written the page's height (data-height on <html>).
# Each run gets a throw-away profile and no network chatter.
set -u
report=$1 out=$2
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
chrome() {
	timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--hide-scrollbars --user-data-dir="$profile" "$@" "file://$report" 2>>"$profile.log"
}
height=$(chrome --window-size=1280,1000 --dump-dom | sed -n 's/.*<html[^>]* data-height="\([0-9]*\)".*/\1/p' | head -n 1)
if [ -z "$height" ]; then
	cat "$profile.log" >&2; rm -f "$profile.log"
	echo "report-shot: $report does not give its height (made by an older analysis? run make analyze again)" >&2
	exit 1
fi
rm -f "$out"
chrome --window-size=1280,"$height" --screenshot="$out" >/dev/null
rc=$?
if [ $rc -ne 0 ] || [ ! -s "$out" ]; then
	cat "$profile.log" >&2; rm -f "$profile.log"
	echo "report-shot: chromium failed (status $rc)" >&2
	exit 1
fi
rm -f "$profile.log"
echo "$out (1280x$height)"
