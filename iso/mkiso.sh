#!/bin/sh
# iso/mkiso.sh OUT.iso "CMDLINE" KERNEL [MODULE...] — a GRUB (BIOS) rescue ISO
# that boots KERNEL with CMDLINE and every MODULE, packed in that order into
# one GRUB module, /boot/modules.tar (iso/mktar.sh): GRUB spends about a
# million instructions on each module it loads, the kernel splits the
# archive into modules named by their file names, less .elf
# (kernel/bootmod.c).  The menu is iso/grub.cfg.in filled in.
# ELF files go on the disc stripped ($STRIP, default strip): GRUB reads every
# section outside the loaded segments, the kernel's debug information too
# (docs/performance.md, "Boot to the shell prompt"); gdb and analysis/ read
# the unstripped files in build/.
set -eu
out=$1 cmdline=$2 kernel=$3
shift 3
here=$(dirname "$0")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/boot/grub" "$dir/mods"
strip=${STRIP:-strip}
# put SRC DEST: copy, stripping an ELF file
put() {
	case $1 in
	*.elf) "$strip" --strip-all -o "$2" "$1" ;;
	*) cp "$1" "$2" ;;
	esac
}
put "$kernel" "$dir/boot/bounce.elf"
for m in "$@"; do
	put "$m" "$dir/mods/$(basename "$m")"
done
if [ $# -gt 0 ]; then
	sh "$here/mktar.sh" "$dir/boot/modules.tar" "$dir/mods" $(for m in "$@"; do basename "$m"; done)
	printf '\tmodule /boot/modules.tar modules.tar\n'
fi > "$dir/modules"
rm -r "$dir/mods"
# awk, not sed: the command line is data, never a pattern (and through the
# environment, not -v, so awk does not read backslashes in it as escapes).
CMDLINE=$cmdline awk -v modules="$dir/modules" '
	/^#/ { next }
	/^@MODULES@$/ { while ((getline line < modules) > 0) print line; next }
	{ i = index($0, "@CMDLINE@"); if (i) $0 = substr($0, 1, i - 1) ENVIRON["CMDLINE"] substr($0, i + 9) }
	{ print }
' "$here/grub.cfg.in" > "$dir/boot/grub/grub.cfg"
rm "$dir/modules"
# Only the GRUB modules the menu needs (normal reads it, multiboot boots
# the kernel; GRUB adds their dependencies), no translations, fonts or
# themes: with every module on the disc GRUB loads ones it does not need
# (the filesystem modules alone, tried in turn on the discs, cost 14 M
# instructions; everything 32 M: docs/performance.md).
set -- --install-modules="normal multiboot" --locales= --fonts= --themes=
grub-mkrescue "$@" -o "$out" "$dir" >/dev/null 2>&1 || {
	echo "mkiso: grub-mkrescue failed for $out" >&2
	grub-mkrescue "$@" -o "$out" "$dir"
	exit 1
}
echo "iso: $out ($cmdline)"
