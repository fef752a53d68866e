/* lk.c — the k table, help(), and argument checks shared by its parts. */
#include <stdio.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "lk.h"
#include "lmods.h"
#include "lport.h"

/* Registry keys: the usage text of each k function (function -> string),
 * and the same usage lines in registration order, for help(). */
static const char USAGE_BY_FUNC[] = "k.usage";
static const char USAGE_LIST[] = "k.usage.list";

void lk_register(lua_State *L, const char *part, const struct kfunc *funcs)
{
	lua_getglobal(L, "k");
	if (part != NULL) {
		luaL_getsubtable(L, -1, part);
		lua_remove(L, -2);
	}
	luaL_getsubtable(L, LUA_REGISTRYINDEX, USAGE_BY_FUNC);
	luaL_getsubtable(L, LUA_REGISTRYINDEX, USAGE_LIST);
	for (const struct kfunc *f = funcs; f->name != NULL; f++) {
		lua_pushcfunction(L, f->func);
		lua_pushvalue(L, -1);
		lua_setfield(L, -5, f->name);          /* part[name] = func */
		lua_pushstring(L, f->usage);
		lua_settable(L, -4);                   /* usage[func] = text */
		lua_pushstring(L, f->usage);
		lua_rawseti(L, -2, luaL_len(L, -2) + 1);
	}
	lua_pop(L, 3);
}

/* usage[func] = text, and text listed, for the function on top. */
static void describe(lua_State *L, const char *usage)
{
	luaL_getsubtable(L, LUA_REGISTRYINDEX, USAGE_BY_FUNC);
	lua_pushvalue(L, -2);
	lua_pushstring(L, usage);
	lua_settable(L, -3);
	luaL_getsubtable(L, LUA_REGISTRYINDEX, USAGE_LIST);
	lua_pushstring(L, usage);
	lua_rawseti(L, -2, luaL_len(L, -2) + 1);
	lua_pop(L, 2);
}

void lk_describe(lua_State *L, const char *global, const char *usage)
{
	lua_getglobal(L, global);
	describe(L, usage);
	lua_pop(L, 1);
}

void lk_shown(lua_State *L, int idx)
{
	idx = lua_absindex(L, idx);
	if (lua_isnil(L, idx) || (lua_type(L, idx) == LUA_TNUMBER && lua_tonumber(L, idx) != lua_tonumber(L, idx)))
		return;                            /* not a table key */
	if (lua_getfield(L, LUA_REGISTRYINDEX, LK_SHOWN) == LUA_TTABLE) {
		lua_pushvalue(L, idx);
		lua_pushboolean(L, 1);
		lua_rawset(L, -3);
	}
	lua_pop(L, 1);
}

/* A monitor-style global: the k function (upvalue 2) run with lk_verbose
 * true (upvalue 1) in this same call, so its errors name the global; its
 * results, printed, are marked shown. */
static int printing_call(lua_State *L)
{
	int n = lua_tocfunction(L, lua_upvalueindex(2))(L);
	for (int i = lua_gettop(L) - n + 1; i <= lua_gettop(L); i++)
		lk_shown(L, i);
	return n;
}

void lk_alias(lua_State *L, const char *name, const char *part, const char *fname)
{
	lua_getglobal(L, "k");
	lua_getfield(L, -1, part);
	lua_getfield(L, -1, fname);
	/* Its usage line: the k function's call form under the global's name,
	 * then the k function's name instead of its description again. */
	luaL_getsubtable(L, LUA_REGISTRYINDEX, USAGE_BY_FUNC);
	lua_pushvalue(L, -2);
	lua_gettable(L, -2);
	const char *usage = lua_tostring(L, -1);
	const char *kname = lua_pushfstring(L, "k.%s.%s", part, fname);
	const char *gives = strstr(usage, " -> ");
	const char *does = strstr(usage, " -- ");
	int returns = gives != NULL && (does == NULL || gives < does);
	const char *desc = returns ? gives : does;
	lua_pushlstring(L, usage, desc ? (size_t)(desc - usage) : strlen(usage));
	const char *call = luaL_gsub(L, lua_tostring(L, -1), kname, name);
	lua_pushfstring(L, returns ? "%s -> %s's results, printed" : "%s -- %s, printed", call, kname);
	lua_pushboolean(L, 1);                 /* the upvalue lk_verbose reads */
	lua_pushvalue(L, -8);                  /* k.part.fname */
	lua_pushcclosure(L, printing_call, 2);
	lua_pushvalue(L, -1);
	lua_setglobal(L, name);
	describe(L, lua_tostring(L, -2));
	lua_pop(L, 10);
}

int lk_verbose(lua_State *L)
{
	return lua_toboolean(L, lua_upvalueindex(1));
}

/* The value a name such as "k.mm.walk" leads to from the globals (raw gets:
 * asking for help runs no metamethod), replacing the name at idx. */
static void resolve(lua_State *L, int idx)
{
	const char *name = lua_tostring(L, idx);
	lua_pushglobaltable(L);
	for (const char *part = name; lua_istable(L, -1);) {
		size_t n = strcspn(part, ".:");
		lua_pushlstring(L, part, n);
		lua_rawget(L, -2);
		lua_remove(L, -2);
		if (part[n] == '\0') {
			if (lua_isnil(L, -1))
				break;
			lua_replace(L, idx);
			return;
		}
		part += n + 1;
	}
	luaL_error(L, "no function named %s", name);
}

/* help() lists every k function, the loaders and the scripts' helpers;
 * help(f) shows f's usage, help("k.mm.walk") that of the function named. */
static int help(lua_State *L)
{
	if (lua_isnone(L, 1)) {
		luaL_getsubtable(L, LUA_REGISTRYINDEX, USAGE_LIST);
		lua_Integer n = luaL_len(L, -1);
		for (lua_Integer i = 1; i <= n; i++) {
			lua_rawgeti(L, -1, i);
			lport_puts(lua_tostring(L, -1));
			lport_puts("\n");
			lua_pop(L, 1);
		}
		lmods_help();
		return 0;
	}
	if (lua_type(L, 1) == LUA_TSTRING)
		resolve(L, 1);
	luaL_getsubtable(L, LUA_REGISTRYINDEX, USAGE_BY_FUNC);
	lua_pushvalue(L, 1);
	if (lua_gettable(L, -2) == LUA_TSTRING) {
		lport_puts(lua_tostring(L, -1));
		lport_puts("\n");
		return 0;
	}
	lua_Debug ar;
	lua_pushvalue(L, 1);
	if (lua_isfunction(L, 1) && lua_getinfo(L, ">S", &ar) && ar.source[0] == '@' &&
	    lmods_doc(ar.source + 1, ar.linedefined))
		return 0;
	return luaL_argerror(L, 1, "not a function of the k library or of a script");
}

static const struct kfunc help_funcs[] = {
	{ "help", help, "help([f]) -- list the k library and the scripts, or show the usage of function f (or of the function named f, as in \"k.mm.walk\")" },
	{ NULL, NULL, NULL },
};

void lk_open(lua_State *L)
{
	lua_newtable(L);
	lua_setglobal(L, "k");
	lk_register(L, NULL, help_funcs);
	lua_pushcfunction(L, help);   /* the same (light) function as k.help */
	lua_setglobal(L, "help");
	lk_open_cpu(L);
	lk_open_sys(L);
	lk_open_mm(L);
	lk_open_window(L);
	lk_open_proc(L);
	lk_open_buddy(L);
	lk_open_emu(L);
	lk_open_cap(L);
	lk_open_ipc(L);
	lk_open_disk(L);
	lk_describe(L, "dofile", "dofile(name) -> the results of running scripts/lua/<name> from the ISO");
	lk_describe(L, "loadfile", "loadfile(name [, mode [, env]]) -> that script compiled, as a function (or nil and why)");
	lk_describe(L, "require", "require(name) -> the result of running <name>.lua once (kept in _LOADED)");
}

uint32_t lk_checku32(lua_State *L, int arg)
{
	lua_Integer v = luaL_checkinteger(L, arg);
	if (v < 0 || v > 0xffffffffLL)
		luaL_argerror(L, arg, lua_pushfstring(L, "%I is out of range (0 to 0xffffffff)", v));
	return (uint32_t)v;
}

uint32_t lk_checkaddr(lua_State *L, int arg)
{
	return lk_checku32(L, arg);
}

uint32_t lk_checkaligned(lua_State *L, int arg, uint32_t align)
{
	uint32_t v = lk_checku32(L, arg);
	if (v % align != 0) {
		char msg[64];
		snprintf(msg, sizeof msg, "address 0x%08x is not %u-byte aligned", (unsigned)v, (unsigned)align);
		luaL_argerror(L, arg, msg);
	}
	return v;
}

void lk_setint(lua_State *L, const char *k, lua_Integer v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, k);
}

void lk_setbool(lua_State *L, const char *k, int v)
{
	lua_pushboolean(L, v);
	lua_setfield(L, -2, k);
}
