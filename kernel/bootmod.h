/* bootmod.h — the files GRUB loaded with the kernel: user programs (ELF)
 * and Lua scripts, each named by its base name ("hello", "walk.lua").  A
 * module named *.tar stands for the files in it (how the discs carry
 * them: iso/mkiso.sh). */
#ifndef BOUNCE_BOOTMOD_H
#define BOUNCE_BOOTMOD_H

#include <stdint.h>

struct bootmod {
	const char *name;
	const unsigned char *data;
	unsigned len;
};

const struct bootmod *bootmod_find(const char *name);
int bootmod_count(void);
const struct bootmod *bootmod_at(int i);

/* Parsed from the multiboot information at boot. */
struct bootinfo {
	uint32_t ram_top;       /* end of usable RAM above 1 MiB */
	uint32_t reserved_end;  /* end of the kernel image, modules and boot data */
	const char *cmdline;
};
void bootinfo_parse(uint32_t magic, uint32_t mbi_pa, struct bootinfo *out);

#endif
