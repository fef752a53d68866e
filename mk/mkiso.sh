#!/bin/sh
# mkiso.sh OUT.iso "CMDLINE" KERNEL [MODULE...] — a GRUB (BIOS) rescue ISO
# that boots KERNEL with CMDLINE and every MODULE, named by its base name
# (user programs lose their .elf).  GRUB stays off COM1: the serial line
# belongs to the kernel and its shell.
set -eu
out=$1 cmdline=$2 kernel=$3
shift 3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/boot/grub" "$dir/mods"
cp "$kernel" "$dir/boot/bounce.elf"
{
	echo "set timeout=0"
	echo "set default=0"
	echo "menuentry \"Bounce\" {"
	echo "	multiboot /boot/bounce.elf $cmdline"
	for m in "$@"; do
		cp "$m" "$dir/mods/"
		echo "	module /mods/$(basename "$m") $(basename "$m" .elf)"
	done
	echo "}"
} > "$dir/boot/grub/grub.cfg"
grub-mkrescue -o "$out" "$dir" >/dev/null 2>&1 || {
	echo "mkiso: grub-mkrescue failed for $out" >&2
	grub-mkrescue -o "$out" "$dir"
	exit 1
}
echo "iso: $out ($cmdline)"
