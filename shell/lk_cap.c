/* lk_cap.c — k.cap: a process's descriptor table (kernel/cap.h,
 * docs/capabilities.md).  A process that is gone is an operational
 * failure (nil and why); a bad argument is a programming error. */
#include "lua.h"
#include "lauxlib.h"

#include "cap.h"
#include "capmem.h"
#include "lk.h"
#include "proc.h"
#include "slab.h"

static const char *type_name(uint32_t type)
{
	switch (type) {
	case CAPT_MEMORY: return "memory";
	case CAPT_QUOTA: return "quota";
	case CAPT_SLAB: return "slab";
	case CAPT_ENDPOINT: return "endpoint";
	default: return "?";
	}
}

/* "rwsr"-style: one letter per right held, '-' for one missing. */
static void push_rights(lua_State *L, uint32_t rights)
{
	char s[5] = { rights & CAP_READ ? 'r' : '-', rights & CAP_WRITE ? 'w' : '-', rights & CAP_SEND ? 's' : '-',
		      rights & CAP_RECV ? 'v' : '-', 0 };
	lua_pushstring(L, s);
}

/* {fd=, type=, rights=, count=, pages=, pa=} */
static void push_cap(lua_State *L, int fd, const struct cap *c)
{
	uint32_t type = c->obj->type;
	lua_createtable(L, 0, 6);
	lk_setint(L, "fd", fd);
	lua_pushstring(L, type_name(type));
	lua_setfield(L, -2, "type");
	push_rights(L, c->rights);
	lua_setfield(L, -2, "rights");
	lk_setint(L, "count", c->count);
	lk_setint(L, "pages", type == CAPT_MEMORY ? 1 << capmem_order(c->obj) : type == CAPT_SLAB ? 1 : 0);
	if (type == CAPT_MEMORY)
		lk_setint(L, "pa", capmem_pa(c->obj));
	else if (type == CAPT_SLAB)
		lk_setint(L, "pa", slab_pa(c->obj));
}

static struct captab *table_of(lua_State *L, int arg)
{
	struct proc *p = proc_find((int)luaL_checkinteger(L, arg));
	return p ? cap_table(p) : 0;
}

static int list(lua_State *L)
{
	struct captab *t = table_of(L, 1);
	if (!t) {
		lua_pushnil(L);
		lua_pushliteral(L, "no such process, or it has no descriptors");
		return 2;
	}
	lua_newtable(L);
	for (int fd = 0, n = 0; fd < NCAP; fd++)
		if (t->slot[fd].obj) {
			push_cap(L, fd, &t->slot[fd]);
			lua_rawseti(L, -2, ++n);
		}
	return 1;
}

static int info(lua_State *L)
{
	struct captab *t = table_of(L, 1);
	lua_Integer fd = luaL_checkinteger(L, 2);
	if (!t || fd < 0 || fd >= NCAP || !t->slot[fd].obj) {
		lua_pushnil(L);
		lua_pushliteral(L, "no such descriptor");
		return 2;
	}
	push_cap(L, (int)fd, &t->slot[fd]);
	return 1;
}

static const struct kfunc cap_funcs[] = {
	{ "list", list, "k.cap.list(pid) -> {{fd=, type=, rights=, count=, pages=, pa=}, ...} (rights: r w s v)" },
	{ "info", info, "k.cap.info(pid, fd) -> {fd=, type=, rights=, count=, pages=, pa=}, or nil and why" },
	{ NULL, NULL, NULL },
};

void lk_open_cap(lua_State *L)
{
	lk_register(L, "cap", cap_funcs);
}
