/* lk_cpu.c — k.cpu: control registers and descriptor-table registers, as
 * the shell's kernel thread sees them (the kernel's own address space). */
#include "lua.h"
#include "lauxlib.h"

#include "lk.h"
#include "x86.h"

static int cr0(lua_State *L) { lua_pushinteger(L, rcr0()); return 1; }
static int cr2(lua_State *L) { lua_pushinteger(L, rcr2()); return 1; }
static int cr3(lua_State *L) { lua_pushinteger(L, rcr3()); return 1; }
static int cr4(lua_State *L) { lua_pushinteger(L, rcr4()); return 1; }

static int push_dtr(lua_State *L, const struct dtr *d)
{
	lua_pushinteger(L, d->base);
	lua_pushinteger(L, d->limit);
	return 2;
}

static int idtr(lua_State *L)
{
	struct dtr d;
	sidt(&d);
	return push_dtr(L, &d);
}

static int gdtr(lua_State *L)
{
	struct dtr d;
	sgdt(&d);
	return push_dtr(L, &d);
}

/* The task register: its selector, and the TSS base from that selector's
 * GDT descriptor (base bits 0-23 in bytes 2-4, 24-31 in byte 7). */
static int tr(lua_State *L)
{
	struct dtr g;
	uint16_t sel = str();
	sgdt(&g);
	const uint8_t *desc = (const uint8_t *)(uintptr_t)(g.base + (sel & ~7u));
	uint32_t base = desc[2] | desc[3] << 8 | desc[4] << 16 | (uint32_t)desc[7] << 24;
	lua_pushinteger(L, sel);
	lua_pushinteger(L, base);
	return 2;
}

static const struct kfunc cpu_funcs[] = {
	{ "cr0", cr0, "k.cpu.cr0() -> CR0" },
	{ "cr2", cr2, "k.cpu.cr2() -> CR2 (the last page-fault address)" },
	{ "cr3", cr3, "k.cpu.cr3() -> CR3 (the kernel's page directory, physical)" },
	{ "cr4", cr4, "k.cpu.cr4() -> CR4" },
	{ "idtr", idtr, "k.cpu.idtr() -> base, limit of the IDT" },
	{ "gdtr", gdtr, "k.cpu.gdtr() -> base, limit of the GDT" },
	{ "tr", tr, "k.cpu.tr() -> selector, base of the TSS" },
	{ NULL, NULL, NULL },
};

void lk_open_cpu(lua_State *L)
{
	lk_register(L, "cpu", cpu_funcs);
}
