#!/bin/sh
# iso/mktar.sh OUT.tar DIR FILE... — the ustar archive of DIR/FILE..., in
# that order, as the kernel reads it (kernel/tar.c): plain ustar headers,
# no owner names or times (the same files give the same bytes), padded
# to 512 bytes only.
set -eu
out=$1 dir=$2
shift 2
tar --format=ustar --blocking-factor=1 --owner=0 --group=0 --numeric-owner \
	--mtime=@0 --mode=a+r,u+w,go-w -C "$dir" -cf "$out" "$@"
