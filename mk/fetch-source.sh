#!/bin/sh
# fetch-source.sh SRCPKG ORIGFILE SHA256 SUITE OUTDIR
#
# Fetch one Debian source tarball (ORIGFILE of source package SRCPKG in
# SUITE) into OUTDIR and check it against the pinned SHA256.
#
# apt runs with a private configuration under build/apt/SUITE/: its own
# sources list holding one deb-src line and its own lists and cache, so the
# machine's apt state is never touched. The archive URI in that line comes
# from the machine's own apt sources at run time; no mirror host is written
# in this repository. Nothing happens when OUTDIR already holds a verified
# copy.
set -eu

[ $# -eq 5 ] || { echo "usage: $0 SRCPKG ORIGFILE SHA256 SUITE OUTDIR" >&2; exit 2; }
pkg=$1 orig=$2 want=$3 suite=$4 outdir=$5
aptdir=$PWD/build/apt/$suite

sha256() { sha256sum "$1" | cut -d' ' -f1; }

die() { echo "fetch-source: $*" >&2; exit 1; }

# The machine's Debian archive: the first "deb" entry whose suite is this
# release's own codename (not -updates or -security), from either the
# one-line sources.list or deb822 *.sources files. Prints "URI KEYRING".
archive_of_machine() {
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	[ -n "$codename" ] || die "cannot read VERSION_CODENAME from /etc/os-release"
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" |
			awk -v want="$codename" '$1 == "deb" && $3 == want { print $2, "-"; exit }'
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk -v want="$codename" '
			function flush() {
				if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " want " "))
					{ print uris, (key == "" ? "-" : key); found = 1; exit }
				types = uris = suites = key = ""
			}
			/^[ \t]*#/ { next }
			/^[ \t]*$/ { flush(); next }
			{
				field = $1; sub(/:$/, "", field)
				$1 = ""; sub(/^ +/, "")
				if (field == "Types") types = $0
				else if (field == "URIs") uris = $1
				else if (field == "Suites") suites = $0
				else if (field == "Signed-By") key = $1
			}
			END { if (!found) flush() }' "$f"
	done | head -n 1
}

# Write the private sources list and run "apt-get update" on it once.
setup_apt() {
	[ -f "$aptdir/updated" ] && return 0
	set -- $(archive_of_machine)
	[ $# -ge 1 ] || die "no Debian archive found in /etc/apt/sources.list{,.d/*.sources}"
	uri=$1 key=${2:--}
	opts=""
	[ "$key" != "-" ] && opts="[signed-by=$key] "
	mkdir -p "$aptdir/lists/partial" "$aptdir/cache/archives/partial"
	echo "deb-src ${opts}$uri $suite main" > "$aptdir/sources.list"
	echo "fetch-source: apt-get update for deb-src $suite (private lists in $aptdir)"
	apt_private update -qq || die "apt-get update failed for deb-src $suite (see above)"
	touch "$aptdir/updated"
}

apt_private() {
	apt-get \
		-o Dir::Etc::SourceList="$aptdir/sources.list" \
		-o Dir::Etc::SourceParts=/nonexistent \
		-o Dir::State::Lists="$aptdir/lists" \
		-o Dir::Cache="$aptdir/cache" \
		-o APT::Sandbox::User=root \
		"$@"
}

verify() {
	got=$(sha256 "$outdir/$orig")
	[ "$got" = "$want" ] && return 0
	mv "$outdir/$orig" "$outdir/$orig.bad"
	die "checksum mismatch for $orig: expected $want got $got (moved to $outdir/$orig.bad)"
}

if [ -f "$outdir/$orig" ] && [ "$(sha256 "$outdir/$orig")" = "$want" ]; then
	exit 0
fi
# One apt at a time per suite: "make -j" fetches lua5.4 and musl (both
# bookworm) at once, and they share the private lists and download folder.
mkdir -p "$aptdir"
exec 9>"$aptdir/lock"
flock 9
setup_apt
echo "fetch-source: downloading $orig ($pkg, $suite)"
# apt-get source downloads into the current directory: use a scratch one
# and keep only the pinned tarball. The .dsc of some packages cannot be
# had, so apt's status is not the verdict: the tarball's checksum is.
dl=$aptdir/download
rm -rf "$dl" && mkdir -p "$dl" "$outdir"
(cd "$dl" && apt_private source --download-only -qq "$pkg") ||
	echo "fetch-source: apt-get source reported errors; checking for $orig anyway"
[ -f "$dl/$orig" ] || die "apt-get source $pkg ($suite) did not yield $orig"
mv "$dl/$orig" "$outdir/$orig"
rm -rf "$dl"
verify
echo "fetch-source: $orig verified"
