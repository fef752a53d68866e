/* lmods.c — loading Lua code from the ISO.
 *
 * There is no file system: GRUB loads the files in scripts/lua/ as boot modules,
 * each named by its base name.  dofile and loadfile take such a name (a
 * leading directory is ignored, so "scripts/lua/walk.lua" works too);
 * require("walk") runs "walk.lua" once and caches its result in the
 * registry's _LOADED table, as Lua's package library does.
 *
 * help() reads the scripts' own comments (lmods.h): a script documents
 * itself in its first comment ("-- name.lua — what it does") and each
 * helper it defines in "--- " lines just above the definition.
 */
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "bootmod.h"
#include "lmods.h"
#include "lport.h"

#define DASH " \xe2\x80\x94 "   /* " — " in UTF-8, after the name on a script's first line */
#define DOC "--- "

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

/* The next line in [*p, end) as s, n (without its newline); 0 at the end. */
static int next_line(const char **p, const char *end, const char **s, size_t *n)
{
	if (*p >= end)
		return 0;
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	*s = *p;
	*n = (size_t)((nl ? nl : end) - *p);
	*p = nl ? nl + 1 : end;
	return 1;
}

static int starts(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);
	return n >= k && memcmp(s, prefix, k) == 0;
}

static int is_script(const struct bootmod *m)
{
	size_t n = strlen(m->name);
	return n > 4 && strcmp(m->name + n - 4, ".lua") == 0;
}

/* "name.lua -- <its first comment>", then its helpers' lines, indented. */
static void script_help(const struct bootmod *m)
{
	const char *p = (const char *)m->data, *end = p + m->len, *s;
	size_t n, skip = strlen(m->name) + strlen(DASH);
	int first = 1, summary = 1;
	lport_puts(m->name);
	lport_puts(" --");
	while (next_line(&p, end, &s, &n)) {
		if (summary && starts(s, n, "-- ")) {
			s += 3, n -= 3;
			if (first && n >= skip && memcmp(s, m->name, strlen(m->name)) == 0 &&
			    memcmp(s + strlen(m->name), DASH, strlen(DASH)) == 0)
				s += skip, n -= skip;
			first = 0;
			lport_puts(" ");
			lport_write(s, n);
			continue;
		}
		if (summary)
			lport_puts("\n");
		summary = 0;
		if (starts(s, n, DOC)) {
			lport_puts("  ");
			lport_write(s + strlen(DOC), n - strlen(DOC));
			lport_puts("\n");
		}
	}
	if (summary)
		lport_puts("\n");
}

void lmods_help(void)
{
	lport_puts("Scripts in the ISO: dofile(\"name.lua\") runs one, require(\"name\") runs it once:\n");
	for (int i = 0; i < bootmod_count(); i++)
		if (is_script(bootmod_at(i)))
			script_help(bootmod_at(i));
}

int lmods_doc(const char *name, int line)
{
	const struct bootmod *m = bootmod_find(base_name(name));
	if (m == NULL)
		return 0;
	const char *p = (const char *)m->data, *end = p + m->len, *s, *run = NULL;
	size_t n;
	for (int i = 1; i < line && next_line(&p, end, &s, &n); i++)
		run = !starts(s, n, DOC) ? NULL : run ? run : s;
	if (run == NULL)
		return 0;
	for (p = run; next_line(&p, end, &s, &n) && starts(s, n, DOC);) {
		lport_write(s + strlen(DOC), n - strlen(DOC));
		lport_puts("\n");
	}
	return 1;
}
