/* lk.c — the k table, help(), and argument checks shared by its parts. */
#include <stdio.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "lk.h"
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

void lk_alias(lua_State *L, const char *name, const char *part, const char *fname)
{
	lua_getglobal(L, "k");
	lua_getfield(L, -1, part);
	lua_getfield(L, -1, fname);
	lua_CFunction f = lua_tocfunction(L, -1);
	/* Its usage line, with the global's name in place of k.part.fname. */
	luaL_getsubtable(L, LUA_REGISTRYINDEX, USAGE_BY_FUNC);
	lua_pushvalue(L, -2);
	lua_gettable(L, -2);
	const char *usage = lua_tostring(L, -1);
	const char *kname = lua_pushfstring(L, "k.%s.%s", part, fname);
	usage = luaL_gsub(L, usage, kname, name);
	lua_pushfstring(L, "%s (prints it)", usage);
	lua_pushboolean(L, 1);                 /* the upvalue lk_verbose reads */
	lua_pushcclosure(L, f, 1);
	lua_pushvalue(L, -1);
	lua_setglobal(L, name);
	lua_pushvalue(L, -2);
	lua_settable(L, -7);                   /* usage[global] = text */
	luaL_getsubtable(L, LUA_REGISTRYINDEX, USAGE_LIST);
	lua_pushvalue(L, -2);
	lua_rawseti(L, -2, luaL_len(L, -2) + 1);
	lua_pop(L, 9);
}

int lk_verbose(lua_State *L)
{
	return lua_toboolean(L, lua_upvalueindex(1));
}

/* help() lists every k function; help(f) shows f's usage. */
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
		return 0;
	}
	luaL_getsubtable(L, LUA_REGISTRYINDEX, USAGE_BY_FUNC);
	lua_pushvalue(L, 1);
	if (lua_gettable(L, -2) != LUA_TSTRING)
		return luaL_argerror(L, 1, "not a function of the k library");
	lport_puts(lua_tostring(L, -1));
	lport_puts("\n");
	return 0;
}

static const struct kfunc help_funcs[] = {
	{ "help", help, "help([f]) -- list the k library, or show the usage of function f" },
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
	lk_open_cap(L);
	lk_open_ipc(L);
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
