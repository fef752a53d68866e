/* lk_as.h — naming an address space from Lua: an optional pid argument. */
#ifndef BOUNCE_LK_AS_H
#define BOUNCE_LK_AS_H

#include <stdint.h>
#include "lua.h"

struct as;
struct proc;

/* The live process with this pid, or a Lua error "no process with pid N". */
struct proc *lk_pidproc(lua_State *L, lua_Integer pid);
/* Its address space; a kernel thread is an error. */
struct as *lk_pidas(lua_State *L, lua_Integer pid);
/* The same for the pid argument at arg. */
struct proc *lk_checkproc(lua_State *L, int arg);
/* The address space of the process whose pid is at arg; NULL (the kernel's
 * own) if the argument is absent or nil.  A kernel thread is an error. */
struct as *lk_optas(lua_State *L, int arg);
/* Its page directory's physical address. */
uint32_t lk_pgdir(struct as *as);

#endif
