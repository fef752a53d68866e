#!/bin/sh
# install-deps.sh PKG... — apt-get install the Debian packages that are missing.
# Prints what it installs; fails with a clear message when one cannot be had.
set -u
missing=""
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing Debian packages:$missing"
if [ "$(id -u)" != 0 ]; then
	echo "deps: not root; install these yourself: apt-get install$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || { echo "deps: apt-get update failed" >&2; exit 1; }
for p in $missing; do
	apt-get install -y -qq --no-install-recommends "$p" >/dev/null 2>&1 || {
		echo "deps: cannot install Debian package '$p' (apt-get install $p failed)" >&2
		exit 1
	}
done
echo "deps: done"
