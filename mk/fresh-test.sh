#!/bin/sh
# fresh-test.sh ROOT — `make test` on a machine that has nothing but Debian.
#
# Builds a minimal Debian root with mmdebstrap (variant minbase, plus make,
# the one tool a newcomer needs to type "make test"), from the machine's own
# apt sources (no host name is written here), copies a clean clone of the
# committed tree into it and runs `make test` there, as root, with a clean
# environment. Whatever the Makefile forgets to install fails here.
set -eu

[ $# -eq 1 ] || { echo "usage: $0 ROOT" >&2; exit 2; }
root=$1
repo=$(pwd)
start=$(date +%s)

say() { echo "fresh-test: $*"; }
die() { echo "fresh-test: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (mmdebstrap and chroot)"
command -v mmdebstrap >/dev/null || sh mk/install-deps.sh mmdebstrap

codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ -n "$codename" ] || die "cannot read VERSION_CODENAME from /etc/os-release"

# The machine's apt sources for this release: every active sources file
# that names the codename (third-party repositories, with keys the new
# root lacks, are left out).
sources=""
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
	[ -r "$f" ] && sed 's/#.*//' "$f" | grep -qw "$codename" && sources="$sources $f"
done
[ -n "$sources" ] || die "no apt sources for $codename in /etc/apt"

# Only /proc and a private devpts instance (the tests drive the shell on
# pseudo-terminals) are mounted; mmdebstrap made the device nodes. Neither
# reaches the host's files, so a root left behind by a killed run is safe
# to delete.
umount_all() {
	for m in dev/pts proc; do
		mountpoint -q "$root/$m" 2>/dev/null && umount -l "$root/$m"
	done
	return 0
}
trap umount_all EXIT INT TERM

umount_all
rm -rf "$root"
mkdir -p "$(dirname "$root")"
say "mmdebstrap $codename (minbase + make) into $root"
# shellcheck disable=SC2086
mmdebstrap --quiet --variant=minbase --include=make "$codename" "$root" $sources \
	|| die "mmdebstrap failed"

say "copying a clean clone of $(git -C "$repo" rev-parse --short HEAD) to $root/root/bounce"
git clone --quiet --no-hardlinks "$repo" "$root/root/bounce"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
mount -t proc proc "$root/proc"
mkdir -p "$root/dev/pts"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$root/dev/pts"
ln -sf pts/ptmx "$root/dev/ptmx"

say "make test inside the fresh root"
status=0
chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	sh -c 'cd /root/bounce && make test' || status=$?
end=$(date +%s)
say "make test in a fresh root: exit $status after $(( (end - start) / 60 )) min $(( (end - start) % 60 )) s in all"
exit $status
