/* lk_as.c — pid arguments of the k library. */
#include "lua.h"
#include "lauxlib.h"

#include "lk_as.h"
#include "proc.h"
#include "vm.h"
#include "x86.h"

struct proc *lk_pidproc(lua_State *L, lua_Integer pid)
{
	struct proc *p = pid > 0 && pid <= 0x7fffffff ? proc_find((int)pid) : NULL;
	if (p == NULL || p->state == P_ZOMBIE)
		luaL_error(L, "no process with pid %I", pid);
	return p;
}

struct as *lk_pidas(lua_State *L, lua_Integer pid)
{
	struct proc *p = lk_pidproc(L, pid);
	if (p->as == NULL)
		luaL_error(L, "pid %I is a kernel thread (no address space of its own)", pid);
	return p->as;
}

struct proc *lk_checkproc(lua_State *L, int arg)
{
	return lk_pidproc(L, luaL_checkinteger(L, arg));
}

struct as *lk_optas(lua_State *L, int arg)
{
	return lua_isnoneornil(L, arg) ? NULL : lk_pidas(L, luaL_checkinteger(L, arg));
}

uint32_t lk_pgdir(struct as *as)
{
	return as ? as->pgdir : rcr3();
}
