// ELF32 parsing (see elf.h). Every field is copied out with memcpy, so
// the image may sit at any alignment, and every offset is checked
// against len before use, in a form that cannot overflow.

#include <string.h>
#include "elf.h"

struct elf32_ehdr {
	unsigned char ident[16];
	uint16_t type, machine;
	uint32_t version, entry, phoff, shoff, flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf32_phdr {
	uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

_Static_assert(sizeof(struct elf32_ehdr) == 52, "ELF32 header layout");
_Static_assert(sizeof(struct elf32_phdr) == 32, "ELF32 program header layout");

#define ELFCLASS32  1
#define ELFDATA2LSB 1
#define EV_CURRENT  1
#define ET_EXEC     2
#define EM_386      3
#define PT_LOAD     1
#define PF_X        1
#define PF_W        2

// The bytes [off, off + n) lie inside a len-byte image.
static int inside(uint32_t off, uint32_t n, uint32_t len)
{
	return off <= len && n <= len - off;
}

static const char *check_header(const struct elf32_ehdr *eh, uint32_t len)
{
	if (memcmp(eh->ident, "\177ELF", 4) != 0)
		return "not an ELF file";
	if (eh->ident[4] != ELFCLASS32)
		return "not a 32-bit ELF file";
	if (eh->ident[5] != ELFDATA2LSB || eh->version != EV_CURRENT)
		return "not a little-endian ELF version 1 file";
	if (eh->machine != EM_386)
		return "not i386";
	if (eh->type != ET_EXEC)
		return "not a static executable (ET_EXEC)";
	if (eh->phentsize != sizeof(struct elf32_phdr))
		return "bad program header size";
	if (!inside(eh->phoff, (uint32_t)eh->phnum * sizeof(struct elf32_phdr), len))
		return "program headers outside file";
	return 0;
}

static const char *check_segment(const struct elf32_phdr *ph, uint32_t len)
{
	if (ph->filesz > ph->memsz)
		return "segment file size exceeds memory size";
	if (!inside(ph->offset, ph->filesz, len))
		return "segment outside file";
	if (ph->vaddr + (ph->memsz - 1) < ph->vaddr)
		return "segment wraps the address space";
	return 0;
}

// a and b (non-empty, non-wrapping) share at least one byte.
static int overlap(const struct elf_seg *a, const struct elf_seg *b)
{
	uint32_t a_last = a->vaddr + (a->memsz - 1), b_last = b->vaddr + (b->memsz - 1);
	return a->vaddr <= b_last && b->vaddr <= a_last;
}

static int fail(const char **err, const char *why)
{
	*err = why;
	return -1;
}

int elf_parse(const void *img, uint32_t len, uint32_t *entry,
	      struct elf_seg *segs, int max, const char **err)
{
	const unsigned char *bytes = img;
	struct elf32_ehdr eh;
	if (len < sizeof eh)
		return fail(err, "not an ELF file");
	memcpy(&eh, bytes, sizeof eh);
	const char *why = check_header(&eh, len);
	if (why)
		return fail(err, why);
	int n = 0, entry_ok = 0;
	for (uint32_t i = 0; i < eh.phnum; i++) {
		struct elf32_phdr ph;
		memcpy(&ph, bytes + eh.phoff + i * sizeof ph, sizeof ph);
		if (ph.type != PT_LOAD || ph.memsz == 0)
			continue;
		if ((why = check_segment(&ph, len)))
			return fail(err, why);
		if (n == max)
			return fail(err, "too many segments");
		segs[n] = (struct elf_seg){ ph.vaddr, ph.memsz, ph.filesz, ph.offset,
					    (ph.flags & PF_W) != 0, (ph.flags & PF_X) != 0 };
		for (int j = 0; j < n; j++)
			if (overlap(&segs[j], &segs[n]))
				return fail(err, "segments overlap");
		if (segs[n].exec && eh.entry - ph.vaddr < ph.memsz)
			entry_ok = 1;
		n++;
	}
	if (n == 0)
		return fail(err, "no loadable segments");
	if (!entry_ok)
		return fail(err, "entry point outside the program's code");
	*entry = eh.entry;
	return n;
}
