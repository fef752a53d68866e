/* lport.c — one Lua state living in the kernel.
 *
 * Memory comes from the kernel heap through an allocator that counts what
 * Lua holds and refuses to go past a cap: Lua then raises its ordinary
 * "not enough memory" error (after an emergency collection), and the
 * kernel never sees the shortage.  A count hook runs every HOOK_EVERY VM
 * instructions: it lets the scheduler run user processes, turns a Ctrl-C
 * from the serial line into an "interrupted" error and enforces the
 * per-chunk instruction budget.
 */
#include <stdio.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"
#include "lualib.h"

#include "heap.h"
#include "klib.h"
#include "log.h"
#include "lport.h"
#include "lmods.h"
#include "proc.h"
#include "serial.h"

#define HOOK_EVERY 1000

static struct {
	size_t used, cap;
	unsigned long long budget, executed;
} lim = { 0, 0, LPORT_DEFAULT_BUDGET, 0 };

static void *alloc(void *ud, void *p, size_t osize, size_t nsize)
{
	(void)ud;
	size_t old = p ? osize : 0;   /* for a new block osize is a type tag */
	if (nsize == 0) {
		kfree(p);
		lim.used -= old;
		return NULL;
	}
	if (nsize > old && lim.used - old + nsize > lim.cap)
		return NULL;
	void *q = krealloc(p, nsize);
	if (q)
		lim.used = lim.used - old + nsize;
	return q;
}

/* Why the running chunk must stop, once it must: from then on the hook
 * runs at every instruction and raises this error each time, so a chunk
 * that catches it with pcall still cannot go on (its next instruction
 * outside the pcall raises it again). */
static char stop_reason[64];

static void count_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	if (stop_reason[0] == '\0') {
		if (lua_gethookcount(L) != HOOK_EVERY)   /* a coroutine left stopping by an old chunk */
			lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_EVERY);
		sched_preempt_point();
		lim.executed += HOOK_EVERY;
		if (serial_break) {
			serial_break = 0;
			snprintf(stop_reason, sizeof stop_reason, "interrupted");
		} else if (lim.budget != 0 && lim.executed > lim.budget) {
			snprintf(stop_reason, sizeof stop_reason, "instruction budget exceeded (%llu)", lim.budget);
		} else {
			return;
		}
		lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
	}
	luaL_error(L, "%s", stop_reason);
}

static int panic_handler(lua_State *L)
{
	panic("Lua: unprotected error: %s", lua_tostring(L, -1));
}

static int at_line_start = 1;   /* the last byte written was a newline */

void lport_fresh_line(void)
{
	if (!at_line_start)
		lport_write("\n", 1);
}

void lport_write(const char *s, size_t n)
{
	const char *end = s + n;
	if (n > 0)
		at_line_start = s[n - 1] == '\n';
	while (s < end) {
		const char *nl = memchr(s, '\n', end - s);
		if (nl == NULL) {
			serial_write(s, end - s);
			return;
		}
		serial_write(s, nl - s);
		serial_write("\r\n", 2);
		s = nl + 1;
	}
}

void lport_puts(const char *s)
{
	lport_write(s, strlen(s));
}

/* Lua's own error and warning messages: one "%s"-style argument. */
void lport_writef(const char *fmt, const char *arg)
{
	char msg[512];
	snprintf(msg, sizeof msg, fmt, arg);
	lport_puts(msg);
}

/* io.write(...): strings and numbers, no separators, no newline. */
static int io_write(lua_State *L)
{
	int n = lua_gettop(L);
	for (int i = 1; i <= n; i++) {
		size_t len;
		const char *s = luaL_checklstring(L, i, &len);
		lport_write(s, len);
	}
	return 0;
}

static void open_libs(lua_State *L)
{
	static const luaL_Reg libs[] = {
		{ LUA_GNAME, luaopen_base },
		{ LUA_COLIBNAME, luaopen_coroutine },
		{ LUA_TABLIBNAME, luaopen_table },
		{ LUA_STRLIBNAME, luaopen_string },
		{ LUA_MATHLIBNAME, luaopen_math },
		{ LUA_UTF8LIBNAME, luaopen_utf8 },
		{ NULL, NULL },
	};
	for (const luaL_Reg *lib = libs; lib->func; lib++) {
		luaL_requiref(L, lib->name, lib->func, 1);
		lua_pop(L, 1);
	}
	static const luaL_Reg io[] = { { "write", io_write }, { NULL, NULL } };
	luaL_newlib(L, io);
	lua_setglobal(L, "io");
	lmods_open(L);
}

lua_State *lport_newstate(void)
{
	struct heap_info heap;
	heap_info(&heap);
	/* The arena is the heap less a header; the heap is whole MiB, so the
	 * cap is an exact share of it.  The rest stays for the kernel. */
	lim.cap = ROUNDUP(heap.arena, (size_t)1 << 20) / 4 * LPORT_MEMCAP_QUARTERS;
	lua_State *L = lua_newstate(alloc, NULL);
	if (L == NULL)
		panic("Lua: cannot create a state");
	lua_atpanic(L, panic_handler);
	lport_begin_chunk(L);
	open_libs(L);
	return L;
}

void lport_begin_chunk(lua_State *L)
{
	lim.executed = 0;
	stop_reason[0] = '\0';
	/* Restart the hook's countdown too: a chunk shorter than HOOK_EVERY
	 * instructions then never reaches a preemption point, so what it
	 * observes of the processes stays consistent. */
	lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_EVERY);
}

size_t lport_memcap(void) { return lim.cap; }
size_t lport_memused(void) { return lim.used; }
void lport_set_memcap(size_t bytes) { lim.cap = bytes; }
unsigned long long lport_budget(void) { return lim.budget; }
void lport_set_budget(unsigned long long instructions) { lim.budget = instructions; }
