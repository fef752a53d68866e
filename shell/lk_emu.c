/* lk_emu.c — k.emu: the instrumented Bochs's own counters, read live.
 *
 * The emulator counts what the CPU and its MMU did (instructions, CR3
 * loads, TLB flushes, page walks); the kernel asks it through a port only
 * ring 0 may use (kernel/emu.c, docs/instrumentation.md). Elsewhere (QEMU,
 * a plain Bochs) nothing answers: that is an operational fact, not a
 * programming error, so the functions return nil and why. */
#include "lua.h"
#include "lauxlib.h"

#include "emu.h"
#include "lk.h"

static const char NOT_INSTRUMENTED[] = "not running in the instrumented Bochs";

static int query(lua_State *L, struct emu_counters *c)
{
	if (emu_counters(c) == 0)
		return 1;
	lua_pushnil(L);
	lua_pushstring(L, NOT_INSTRUMENTED);
	return 0;
}

static int icount(lua_State *L)
{
	struct emu_counters c;
	if (!query(L, &c))
		return 2;
	lua_pushinteger(L, (lua_Integer)c.instructions);
	return 1;
}

static int counters(lua_State *L)
{
	struct emu_counters c;
	if (!query(L, &c))
		return 2;
	lua_createtable(L, 0, 5);
	lk_setint(L, "instructions", (lua_Integer)c.instructions);
	lk_setint(L, "cr3_loads", (lua_Integer)c.cr3_loads);
	lk_setint(L, "tlb_flushes", (lua_Integer)c.tlb_flushes);
	lk_setint(L, "page_walks", (lua_Integer)c.page_walks);
	lk_setint(L, "pt_reads", (lua_Integer)c.pt_reads);
	return 1;
}

static const struct kfunc emu_funcs[] = {
	{ "icount", icount, "k.emu.icount() -> instructions the emulated CPU retired so far (or nil, why outside our Bochs)" },
	{ "counters", counters, "k.emu.counters() -> {instructions=, cr3_loads=, tlb_flushes=, page_walks=, pt_reads=} "
	  "since power-on (or nil, why outside our Bochs); see scripts/lua/measure.lua" },
	{ NULL, NULL, NULL },
};

void lk_open_emu(lua_State *L)
{
	lk_register(L, "emu", emu_funcs);
}
