/* lmods.c — loading Lua code from the ISO.
 *
 * There is no file system: GRUB loads the files in scripts/lua/ as boot modules,
 * each named by its base name.  dofile and loadfile take such a name (a
 * leading directory is ignored, so "scripts/lua/walk.lua" works too);
 * require("walk") runs "walk.lua" once and caches its result in the
 * registry's _LOADED table, as Lua's package library does.
 */
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "bootmod.h"
#include "lmods.h"

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* Push the chunk in module `name` (or nil and a message); returns 1 on success. */
static int load_module(lua_State *L, const char *name, const char *mode)
{
	const struct bootmod *m = bootmod_find(base_name(name));
	if (m == NULL) {
		lua_pushnil(L);
		lua_pushfstring(L, "cannot open %s (no such module in the ISO)", name);
		return 0;
	}
	lua_pushfstring(L, "@%s", m->name);
	int status = luaL_loadbufferx(L, (const char *)m->data, m->len, lua_tostring(L, -1), mode);
	lua_remove(L, -2);
	if (status != LUA_OK) {
		lua_pushnil(L);
		lua_insert(L, -2);
		return 0;
	}
	return 1;
}

static int l_loadfile(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	const char *mode = luaL_optstring(L, 2, "bt");
	int env = !lua_isnone(L, 3) ? 3 : 0;
	if (!load_module(L, name, mode))
		return 2;
	if (env) {
		lua_pushvalue(L, env);
		if (!lua_setupvalue(L, -2, 1))
			lua_pop(L, 1);
	}
	return 1;
}

static int l_dofile(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	lua_settop(L, 1);
	if (!load_module(L, name, "bt"))
		return lua_error(L);
	lua_call(L, 0, LUA_MULTRET);
	return lua_gettop(L) - 1;
}

static int l_require(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	lua_settop(L, 1);
	luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
	if (lua_getfield(L, 2, name) != LUA_TNIL)
		return 1;
	lua_pop(L, 1);
	const char *file = lua_pushfstring(L, "%s.lua", name);
	if (!load_module(L, file, "bt"))
		return luaL_error(L, "module '%s' not found: %s", name, lua_tostring(L, -1));
	lua_pushvalue(L, 1);
	lua_call(L, 1, 1);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_pushboolean(L, 1);
	}
	lua_pushvalue(L, -1);
	lua_setfield(L, 2, name);
	return 1;
}

void lmods_open(lua_State *L)
{
	static const luaL_Reg funcs[] = {
		{ "loadfile", l_loadfile },
		{ "dofile", l_dofile },
		{ "require", l_require },
		{ NULL, NULL },
	};
	lua_pushglobaltable(L);
	luaL_setfuncs(L, funcs, 0);
	lua_pop(L, 1);
}
