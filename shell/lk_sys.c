/* lk_sys.c — k.mark, k.exit, k.dmesg, k.stats, k.canary, and k.shell (the
 * shell's own limits). */
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "canary.h"
#include "debugport.h"
#include "lk.h"
#include "log.h"
#include "lport.h"
#include "proc.h"
#include "kstack.h"
#include "stats.h"

#define DMESG_MAX 16384

static int k_mark(lua_State *L)
{
	size_t len;
	const char *label = luaL_checklstring(L, 1, &len);
	luaL_argcheck(L, len > 0 && memchr(label, '\n', len) == NULL && strlen(label) == len, 1,
		      "label must be a non-empty single line");
	mark(label);
	return 0;
}

static int k_exit(lua_State *L)
{
	lua_Integer status = luaL_optinteger(L, 1, 0);
	luaL_argcheck(L, status >= 0 && status <= 255, 1, "status must be 0..255");
	machine_exit((int)status);
}

/* Where the last n lines of buf[0, len) start (a final newline ends the
 * last line, it does not start another). */
static size_t last_lines(const char *buf, size_t len, lua_Integer n)
{
	size_t i = len > 0 && buf[len - 1] == '\n' ? len - 1 : len;
	if (n == 0)
		return len;
	while (i > 0) {
		if (buf[i - 1] == '\n' && --n == 0)
			return i;
		i--;
	}
	return 0;
}

static int k_dmesg(lua_State *L)
{
	int all = lua_isnoneornil(L, 1);
	lua_Integer n = luaL_optinteger(L, 1, 0);
	luaL_argcheck(L, n >= 0, 1, "line count must be >= 0");
	char *buf = lua_newuserdatauv(L, DMESG_MAX, 0);
	size_t len = dmesg_read(buf, DMESG_MAX);
	size_t start = all ? 0 : last_lines(buf, len, n);
	lua_pushlstring(L, buf + start, len - start);
	return 1;
}

static int k_stats(lua_State *L)
{
	struct kstats s = kstats;   /* one snapshot, so the fields agree */
	lua_createtable(L, 0, 6);
	lk_setint(L, "entries", s.entries);
	lk_setint(L, "syscalls", s.syscalls);
	lk_setint(L, "cr3_loads", s.cr3_loads);
	lk_setint(L, "window_moves", s.window_moves);
	lk_setint(L, "page_faults", s.page_faults);
	lk_setint(L, "pageouts", s.pageouts);
	lk_setint(L, "pageins", s.pageins);
	lk_setint(L, "ticks", s.ticks);
	return 1;
}

static int canary(lua_State *L)
{
	lua_pushboolean(L, canary_intact());
	return 1;
}

static int stack(lua_State *L)
{
	if (lua_toboolean(L, 1))
		kstack_reset_mark(curproc->kstack);
	lua_pushinteger(L, kstack_used(curproc->kstack, curproc->kstack_size));
	lua_pushinteger(L, curproc->kstack_size);
	return 2;
}

/* Recursion the compiler cannot fold, for the test of the guard. */
static int recurse(volatile uint32_t n)
{
	volatile char frame[512];
	frame[0] = (char)n;
	return n ? recurse(n - 1) + frame[0] : 0;
}

static int overflow(lua_State *L)
{
	lua_pushinteger(L, recurse(UINT32_MAX));
	return 1;
}

static int budget(lua_State *L)
{
	lua_Integer old = (lua_Integer)lport_budget();
	if (!lua_isnoneornil(L, 1)) {
		lua_Integer n = luaL_checkinteger(L, 1);
		luaL_argcheck(L, n >= 0, 1, "budget must be >= 0 (0 = unlimited)");
		lport_set_budget((unsigned long long)n);
	}
	lua_pushinteger(L, old);
	return 1;
}

static int memcap(lua_State *L)
{
	lua_Integer old = (lua_Integer)lport_memcap();
	if (!lua_isnoneornil(L, 1)) {
		lua_Integer n = luaL_checkinteger(L, 1);
		luaL_argcheck(L, n >= 64 * 1024 && n <= 0x7fffffff, 1, "cap must be 64 KiB .. 2 GiB");
		lport_set_memcap((size_t)n);
	}
	lua_pushinteger(L, old);
	return 1;
}

static int memused(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)lport_memused());
	return 1;
}

static const struct kfunc sys_funcs[] = {
	{ "stats", k_stats, "k.stats() -> {entries=, syscalls=, cr3_loads=, window_moves=, page_faults=, pageouts=, pageins=, ticks=}" },
	{ "dmesg", k_dmesg, "k.dmesg([n]) -> the kernel message ring, oldest first (its last n lines)" },
	{ "mark", k_mark, "k.mark(label) -- a MARK event with this label in the instrumentation log" },
	{ "exit", k_exit, "k.exit([status]) -- end the emulation; Bochs exits with status (0..255)" },
	{ "canary", canary, "k.canary() -> true if every copy of the kernel's canary (data, heap) is intact" },
	{ NULL, NULL, NULL },
};

static int shown(lua_State *L)
{
	for (int i = 1; i <= lua_gettop(L); i++)
		lk_shown(L, i);
	return lua_gettop(L);
}

static const struct kfunc shell_funcs[] = {
	{ "budget", budget, "k.shell.budget([n]) -> old budget; VM instructions a chunk may run (0 = unlimited)" },
	{ "memcap", memcap, "k.shell.memcap([bytes]) -> old cap on the memory Lua may hold" },
	{ "memused", memused, "k.shell.memused() -> bytes Lua holds now" },
	{ "stack", stack, "k.shell.stack([reset]) -> used, size: the deepest the shell's kernel stack has been (since a reset), in bytes, and its size" },
	{ "overflow", overflow, "k.shell.overflow() -- recurse in C past the stack's end: the guard stops the kernel (a test of it)" },
	{ "shown", shown, "k.shell.shown(...) -> its arguments, marked as printed: the prompt does not echo them" },
	{ NULL, NULL, NULL },
};

void lk_open_sys(lua_State *L)
{
	lk_register(L, NULL, sys_funcs);
	lk_register(L, "shell", shell_funcs);
}
