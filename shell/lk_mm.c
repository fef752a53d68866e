/* lk_mm.c — k.mm: page tables and memory of the kernel's address space or
 * of a process's, inspected through the page-table walker (kernel/pgwalk.c)
 * so that nothing here can fault: memory is read from the frame a walk
 * found, through the kernel's 1:1 map, and an unmapped address is a Lua
 * error.  Writes to a process go through copyout, which honours its
 * protection and copy-on-write sharing.
 */
#include <stdio.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "copy.h"
#include "kvm.h"
#include "largepage.h"
#include "lk.h"
#include "lk_as.h"
#include "lport.h"
#include "mmu.h"
#include "pgwalk.h"
#include "vm.h"

#define DUMP_MAX (64 * 1024)

static uint32_t phys_read32(uint32_t pa, void *ctx)
{
	(void)ctx;
	return kvm_phys_ok(pa, 4) ? *(volatile uint32_t *)(uintptr_t)pa : 0;
}

/* A Lua error whose message shows an address in hex (fmt has one %08x). */
static void address_error(lua_State *L, const char *fmt, uint32_t addr)
{
	char msg[96];
	snprintf(msg, sizeof msg, fmt, (unsigned)addr);
	luaL_error(L, "%s", msg);
}

/* Fill in va's walk in as, or raise "address 0x... is not mapped". */
static void check_mapped(lua_State *L, struct as *as, uint32_t va, struct pg_walk *w)
{
	if (pg_walk(lk_pgdir(as), va, w, phys_read32, NULL) < 0 || !kvm_phys_ok(w->pa, 1))
		address_error(L, "address 0x%08x is not mapped", va);
}

static int walk(lua_State *L)
{
	uint32_t va = lk_checkaddr(L, 1);
	struct as *as = lk_optas(L, 2);
	struct pg_walk w;
	if (pg_walk(lk_pgdir(as), va, &w, phys_read32, NULL) < 0) {
		lua_pushnil(L);
		lua_pushliteral(L, "not mapped");
		return 2;
	}
	lua_createtable(L, 0, 8);
	lk_setint(L, "va", w.va);
	lk_setint(L, "pde", w.pde);
	lk_setint(L, "pte", w.pte);
	lk_setint(L, "pa", w.pa);
	lk_setbool(L, "present", w.present);
	lk_setbool(L, "writable", w.writable);
	lk_setbool(L, "user", w.user);
	lk_setbool(L, "large", w.large);
	return 1;
}

struct ranges {
	lua_State *L;
	int n;
};

static int add_range(const struct pg_range *r, void *ctx)
{
	struct ranges *rs = ctx;
	lua_State *L = rs->L;
	char names[64], line[96];
	pg_flag_names(r->flags, names, sizeof names);
	snprintf(line, sizeof line, "0x%08x-0x%08x -> 0x%08x %s\n", (unsigned)r->lo,
		 (unsigned)r->hi_incl, (unsigned)r->pa, names);
	lport_puts(line);
	lua_createtable(L, 0, 5);
	lk_setint(L, "lo", r->lo);
	lk_setint(L, "hi", r->hi_incl);
	lk_setint(L, "pa", r->pa);
	lk_setint(L, "flags", r->flags);
	lua_pushstring(L, names);
	lua_setfield(L, -2, "names");
	lua_rawseti(L, -2, ++rs->n);
	return 0;
}

static int showmaps(lua_State *L)
{
	uint32_t lo = lk_checkaddr(L, 1), hi = lk_checkaddr(L, 2);
	struct as *as = lk_optas(L, 3);
	luaL_argcheck(L, lo <= hi, 2, "hi must not be below lo");
	lua_newtable(L);
	struct ranges rs = { L, 0 };
	pg_ranges(lk_pgdir(as), lo, hi, add_range, &rs, phys_read32, NULL);
	return 1;
}

/* Flag names a Lua list may hold for setmap. */
static const struct { const char *name; uint32_t bit; } flag_bits[] = {
	{ "W", PTE_W }, { "U", PTE_U }, { "PWT", PTE_PWT }, { "PCD", PTE_PCD },
	{ "A", PTE_A }, { "D", PTE_D },
};

/* The OR of the flags named in list field `key` of the table at arg. */
static uint32_t flag_list(lua_State *L, int arg, const char *key)
{
	uint32_t bits = 0;
	if (lua_getfield(L, arg, key) == LUA_TNIL) {
		lua_pop(L, 1);
		return 0;
	}
	luaL_argcheck(L, lua_istable(L, -1), arg, "set and clr must be lists of flag names");
	for (lua_Integer i = 1; lua_rawgeti(L, -1, i) != LUA_TNIL; i++) {
		const char *name = lua_tostring(L, -1);
		size_t f = 0;
		while (f < sizeof flag_bits / sizeof flag_bits[0] && (!name || strcmp(name, flag_bits[f].name) != 0))
			f++;
		if (f == sizeof flag_bits / sizeof flag_bits[0])
			luaL_argerror(L, arg, lua_pushfstring(L, "unknown flag '%s' (W U PWT PCD A D)",
							      name ? name : luaL_typename(L, -1)));
		bits |= flag_bits[f].bit;
		lua_pop(L, 1);
	}
	lua_pop(L, 2);
	return bits;
}

/* Pages whose writability would change on a shared frame are refused
 * (as_setflags: the only error left once U and the flag names are
 * checked; docs/memory.md) and counted apart. */
static int setmap(lua_State *L)
{
	uint32_t lo = lk_checkaligned(L, 1, PGSIZE), hi = lk_checkaddr(L, 2);
	luaL_checktype(L, 3, LUA_TTABLE);
	luaL_argcheck(L, !lua_isnoneornil(L, 4), 4, "a pid (the kernel's own map is not changed)");
	struct as *as = lk_optas(L, 4);
	luaL_argcheck(L, lo <= hi, 2, "hi must not be below lo");
	uint32_t set = flag_list(L, 3, "set"), clr = flag_list(L, 3, "clr");
	luaL_argcheck(L, !(clr & PTE_U), 3, "U cannot be cleared (it marks the pages whose frames the kernel counts)");
	int changed = 0, refused = 0;
	for (uint32_t va = lo; va <= hi; va += PGSIZE) {
		struct pg_walk w;
		if (pg_walk(as->pgdir, va, &w, phys_read32, NULL) == 0 && w.user && !window_covers(as, va, PGSIZE)) {
			int r = as_setflags(as, va, set, clr);
			changed += r == 0;
			refused += r < 0;
		}
		if (va > 0xFFFFFFFFu - PGSIZE)
			break;
	}
	large_coalesce_range(as, lo, hi); /* a protection made uniform again may make large pages whole */
	lua_pushinteger(L, changed);
	lua_pushinteger(L, refused);
	return 2;
}

/* Copy len bytes at addr into buf: physical, or virtual in as (NULL: the kernel). */
static void read_bytes(lua_State *L, struct as *as, int phys, uint32_t addr, char *buf, uint32_t len)
{
	if (phys) {
		if (!kvm_phys_ok(addr, len))
			address_error(L, "physical range at 0x%08x is outside the RAM the kernel maps", addr);
		memcpy(buf, (const void *)(uintptr_t)addr, len);
		return;
	}
	while (len > 0) {
		struct pg_walk w;
		check_mapped(L, as, addr, &w);
		uint32_t n = PGSIZE - PGOFF(addr);
		if (n > len)
			n = len;
		memcpy(buf, (const void *)(uintptr_t)w.pa, n);
		buf += n;
		addr += n;
		len -= n;
	}
}

static void hexdump(uint32_t addr, const unsigned char *p, uint32_t len)
{
	char line[96];
	for (uint32_t off = 0; off < len; off += 16) {
		int n = snprintf(line, sizeof line, "%08x ", (unsigned)(addr + off));
		for (uint32_t i = off; i < off + 16; i++)
			n += i < len ? snprintf(line + n, sizeof line - n, " %02x", p[i])
				     : snprintf(line + n, sizeof line - n, "   ");
		n += snprintf(line + n, sizeof line - n, "  ");
		for (uint32_t i = off; i < off + 16 && i < len; i++)
			line[n++] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '.';
		line[n++] = '\n';
		lport_write(line, n);
	}
}

static int dumpmem(lua_State *L)
{
	uint32_t addr = lk_checkaddr(L, 1);
	lua_Integer len = luaL_checkinteger(L, 2);
	luaL_argcheck(L, len > 0 && len <= DUMP_MAX, 2, "length must be 1..65536");
	luaL_argcheck(L, addr + (uint64_t)len - 1 <= 0xFFFFFFFFu, 2, "range wraps past 0xffffffff");
	int phys = 0;
	struct as *as = NULL;
	if (!lua_isnoneornil(L, 3)) {
		luaL_checktype(L, 3, LUA_TTABLE);
		lua_getfield(L, 3, "phys");
		phys = lua_toboolean(L, -1);
		if (lua_getfield(L, 3, "pid") != LUA_TNIL) {
			luaL_argcheck(L, lua_isinteger(L, -1), 3, "pid must be an integer");
			as = lk_pidas(L, lua_tointeger(L, -1));
		}
		lua_pop(L, 2);
		luaL_argcheck(L, !(phys && as), 3, "phys and pid exclude each other");
	}
	luaL_Buffer b;
	char *buf = luaL_buffinitsize(L, &b, (size_t)len);
	read_bytes(L, as, phys, addr, buf, (uint32_t)len);
	if (lk_verbose(L))
		hexdump(addr, (const unsigned char *)buf, (uint32_t)len);
	luaL_pushresultsize(&b, (size_t)len);
	return 1;
}

static int read32(lua_State *L)
{
	uint32_t va = lk_checkaligned(L, 1, 4);
	struct as *as = lk_optas(L, 2);
	uint32_t v;
	read_bytes(L, as, 0, va, (char *)&v, 4);
	lua_pushinteger(L, v);
	return 1;
}

static int write32(lua_State *L)
{
	uint32_t va = lk_checkaligned(L, 1, 4), v = lk_checku32(L, 2);
	struct as *as = lk_optas(L, 3);
	struct pg_walk w;
	check_mapped(L, as, va, &w);
	if (as == NULL) {
		luaL_argcheck(L, w.writable, 1, "page is read-only");
		*(volatile uint32_t *)(uintptr_t)va = v;
		return 0;
	}
	luaL_argcheck(L, !window_covers(as, va, 4), 1, "address is in the window (the kernel's page)");
	luaL_argcheck(L, w.user, 1, "page is not a user page");
	if (copyout(as, va, &v, 4) < 0)
		luaL_argerror(L, 1, "page is not writable");
	return 0;
}

static int physread32(lua_State *L)
{
	uint32_t pa = lk_checkaligned(L, 1, 4);
	luaL_argcheck(L, kvm_phys_ok(pa, 4), 1, "outside the RAM the kernel maps");
	lua_pushinteger(L, *(volatile uint32_t *)(uintptr_t)pa);
	return 1;
}

static int physwrite32(lua_State *L)
{
	uint32_t pa = lk_checkaligned(L, 1, 4), v = lk_checku32(L, 2);
	luaL_argcheck(L, kvm_phys_ok(pa, 4), 1, "outside the RAM the kernel maps");
	*(volatile uint32_t *)(uintptr_t)pa = v;
	return 0;
}

/* Seed 002's wording of the figures; for a process also its own part
 * (what its user entries lead to, without the kernel's shared entries). */
static void print_pageinfo(struct as *as, const struct pg_info *info)
{
	char text[400];
	snprintf(text, sizeof text,
		 "page directory 0x%08x (%s)\n"
		 "%u directory entries present, %u of them page tables\n"
		 "%u 4 MiB pages, %u 4 KiB pages\n"
		 "%u pages are used for paging translation\n",
		 (unsigned)lk_pgdir(as), as ? "process" : "kernel", (unsigned)info->pde_present,
		 (unsigned)info->pde_tables, (unsigned)info->pages_4m, (unsigned)info->pages_4k,
		 (unsigned)info->translation_pages);
	lport_puts(text);
	if (!as)
		return;
	snprintf(text, sizeof text, "the process's own: %u 4 MiB pages, %u 4 KiB pages, %u translation pages\n",
		 (unsigned)info->user_4m, (unsigned)info->user_4k, (unsigned)(1 + info->user_tables));
	lport_puts(text);
}

static int pageinfo(lua_State *L)
{
	struct as *as = lk_optas(L, 1);
	struct pg_info info;
	pg_pageinfo(lk_pgdir(as), &info, phys_read32, NULL);
	if (lk_verbose(L))
		print_pageinfo(as, &info);
	lua_createtable(L, 0, 9);
	lk_setint(L, "pgdir", lk_pgdir(as));
	lk_setint(L, "pde_present", info.pde_present);
	lk_setint(L, "pde_tables", info.pde_tables);
	lk_setint(L, "pages_4k", info.pages_4k);
	lk_setint(L, "pages_4m", info.pages_4m);
	lk_setint(L, "translation_pages", info.translation_pages);
	lk_setint(L, "user_4k", info.user_4k);
	lk_setint(L, "user_4m", info.user_4m);
	lk_setint(L, "user_translation", 1 + info.user_tables);
	return 1;
}

static const struct kfunc mm_funcs[] = {
	{ "walk", walk, "k.mm.walk(va [, pid]) -> {va=, pde=, pte=, pa=, present=, writable=, user=, large=} or nil, \"not mapped\"" },
	{ "showmaps", showmaps, "k.mm.showmaps(lo, hi [, pid]) -> list of {lo=, hi=, pa=, flags=, names=} (hi inclusive; also printed)" },
	{ "setmap", setmap, "k.mm.setmap(lo, hi, {set={...}, clr={...}}, pid) -> pages changed, pages refused (W of a shared frame; flags W U PWT PCD A D, U never cleared)" },
	{ "dumpmem", dumpmem, "k.mm.dumpmem(addr, len [, {phys=true | pid=n}]) -> the bytes" },
	{ "pageinfo", pageinfo, "k.mm.pageinfo([pid]) -> {pgdir=, pde_present=, pde_tables=, pages_4k=, pages_4m=, translation_pages=, user_4k=, user_4m=, user_translation=} (user_: what user entries lead to, the directory counted once)" },
	{ "read32", read32, "k.mm.read32(va [, pid]) -> the 32-bit word at va" },
	{ "write32", write32, "k.mm.write32(va, v [, pid]) -- store a 32-bit word at va" },
	{ "physread32", physread32, "k.mm.physread32(pa) -> the 32-bit word at physical pa" },
	{ "physwrite32", physwrite32, "k.mm.physwrite32(pa, v) -- store a 32-bit word at physical pa" },
	{ NULL, NULL, NULL },
};

void lk_open_mm(lua_State *L)
{
	lk_register(L, "mm", mm_funcs);
	lk_alias(L, "pageinfo", "mm", "pageinfo");
	lk_alias(L, "showmaps", "mm", "showmaps");
	lk_alias(L, "setmap", "mm", "setmap");
	lk_alias(L, "dumpmem", "mm", "dumpmem");
}
