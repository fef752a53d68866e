// ELF32 i386 static executables (ET_EXEC, EM_386): header and program
// header parsing, bounds-checked so a bad or truncated module is refused
// with a message instead of crashing the kernel.

#ifndef BOUNCE_ELF_H
#define BOUNCE_ELF_H

#include <stdint.h>

// One PT_LOAD segment: copy filesz bytes from img + offset to vaddr and
// zero the rest up to memsz. Two segments never share a byte, but they
// may share a page (the loader must merge such pages' permissions).
struct elf_seg {
	uint32_t vaddr, memsz, filesz, offset;
	int writable, exec;
};

// Parse the len-byte image at img. Returns the number of non-empty
// PT_LOAD segments written to segs[0..] (at most max) and sets *entry;
// or -1 with *err set to a message such as "not an ELF file", "not i386",
// "segment outside file", "segments overlap", "segment wraps the address
// space". The entry point must lie in an executable segment.
int elf_parse(const void *img, uint32_t len, uint32_t *entry,
	      struct elf_seg *segs, int max, const char **err);

#endif
