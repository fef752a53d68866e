/* bootmod.c — reading GRUB's multiboot (v1) information block. */
#include "bootmod.h"
#include "klib.h"
#include "log.h"
#include "tar.h"

#define MB_BOOT_MAGIC 0x2BADB002
#define MBI_MEM 0x001
#define MBI_CMDLINE 0x004
#define MBI_MODS 0x008
#define MBI_MMAP 0x040
#define MAX_MODS 64

struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
	uint32_t syms[4], mmap_length, mmap_addr;
};
struct mb_mod { uint32_t start, end, string, reserved; };
struct mb_mmap { uint32_t size; uint64_t addr, len; uint32_t type; } __attribute__((packed));

static struct bootmod mods[MAX_MODS];
static int nmods;

const struct bootmod *bootmod_find(const char *name)
{
	for (int i = 0; i < nmods; i++)
		if (strcmp(mods[i].name, name) == 0)
			return &mods[i];
	return 0;
}

int bootmod_count(void)
{
	return nmods;
}

const struct bootmod *bootmod_at(int i)
{
	return i >= 0 && i < nmods ? &mods[i] : 0;
}

/* A module's name is its command line (what follows the path on its
 * grub.cfg line) up to a blank, less any directory and ".elf": "hello",
 * "/mods/hello.elf" -> "hello"; an archive member's is its file name, cut
 * the same way.  Cut in place: GRUB's string and the archive live in
 * reserved memory. */
static const char *module_name(char *s)
{
	char *space = strchr(s, ' ');
	if (space)
		*space = 0; /* arguments after the path are not part of the name */
	char *base = s;
	for (char *p = s; *p; p++)
		if (*p == '/')
			base = p + 1;
	size_t n = strlen(base);
	if (n > 4 && strcmp(base + n - 4, ".elf") == 0)
		base[n - 4] = 0;
	return base;
}

static void add_module(const char *name, const unsigned char *data, uint32_t len)
{
	if (nmods == MAX_MODS) {
		kprintf("boot: more than %d modules, %s left out\n", MAX_MODS, name);
		return;
	}
	mods[nmods++] = (struct bootmod){ name, data, len };
}

static int is_archive(const char *name)
{
	size_t n = strlen(name);
	return n > 4 && strcmp(name + n - 4, ".tar") == 0;
}

/* A module named *.tar is an archive of modules: iso/mkiso.sh packs every
 * program and script into one, because GRUB spends about a million
 * instructions on each module it loads (docs/performance.md).  Each
 * regular file in it is a module named by its file name. */
static void add_archive(const char *name, char *a, uint32_t len)
{
	struct tar_member m;
	const char *why;
	uint32_t off = 0;
	int r;
	while ((r = tar_next(a, len, &off, &m, &why)) == 1)
		add_module(module_name(m.name), m.data, m.len);
	if (r < 0)
		kprintf("boot: module %s: %s at byte %u, the rest left out\n", name, why, off);
}

static uint32_t max_u32(uint32_t a, uint32_t b) { return a > b ? a : b; }

void bootinfo_parse(uint32_t magic, uint32_t mbi_pa, struct bootinfo *out)
{
	extern char kernel_end[];
	const struct mb_info *mbi = (const struct mb_info *)mbi_pa;
	if (magic != MB_BOOT_MAGIC)
		panic("not started by a multiboot loader (magic 0x%08x)", magic);
	out->cmdline = (mbi->flags & MBI_CMDLINE) ? (const char *)mbi->cmdline : "";
	out->reserved_end = (uint32_t)kernel_end;
	out->ram_top = (mbi->flags & MBI_MEM) ? 0x100000 + mbi->mem_upper * 1024 : 0;
	if (mbi->flags & MBI_MMAP) {
		uint32_t a = mbi->mmap_addr;
		while (a < mbi->mmap_addr + mbi->mmap_length) {
			const struct mb_mmap *e = (const struct mb_mmap *)a;
			if (e->type == 1 && e->addr <= 0x100000 && e->addr + e->len > 0x100000 &&
			    e->addr + e->len <= 0xFFFFFFFFull)
				out->ram_top = (uint32_t)(e->addr + e->len);
			a += e->size + 4;
		}
	}
	const struct mb_mod *m = (mbi->flags & MBI_MODS) ? (const struct mb_mod *)mbi->mods_addr : 0;
	for (uint32_t i = 0; m && i < mbi->mods_count; i++) {
		const char *name = module_name((char *)m[i].string);
		char *data = (char *)m[i].start;
		uint32_t len = m[i].end - m[i].start;
		if (is_archive(name))
			add_archive(name, data, len);
		else
			add_module(name, (const unsigned char *)data, len);
		out->reserved_end = max_u32(out->reserved_end, m[i].end);
		out->reserved_end = max_u32(out->reserved_end, m[i].string + strlen((char *)m[i].string) + 1);
	}
	if (!out->ram_top)
		panic("no memory information from the boot loader");
}
