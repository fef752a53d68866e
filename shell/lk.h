/* lk.h — the k library: Lua's window onto the kernel.
 *
 * Each part (k.cpu, k.mm, ...) lives in its own lk_<part>.c and lists its
 * functions in a kfunc table, like a luaL_Reg with a usage line that
 * help() prints.
 */
#ifndef BOUNCE_LK_H
#define BOUNCE_LK_H

#include <stdint.h>
#include "lua.h"

struct kfunc {
	const char *name;
	lua_CFunction func;
	const char *usage;   /* "k.cpu.cr3() -> CR3": call form, then what it gives */
};

/* The k table, help(), and the teaching globals; leaves nothing on the stack. */
void lk_open(lua_State *L);

/* k[part][name] = func for each entry (part NULL: k[name]); records usage for help. */
void lk_register(lua_State *L, const char *part, const struct kfunc *funcs);

/* Make global `name` a printing variant of k[part][fname] (the JOS-style
 * monitor commands, docs/shell.md): the same C function, for which lk_verbose is true,
 * whose results are marked shown. */
void lk_alias(lua_State *L, const char *name, const char *part, const char *fname);
int lk_verbose(lua_State *L);
/* Record usage text for help(f), listed with the k library. */
void lk_describe(lua_State *L, const char *global, const char *usage);

/* Values a line at the prompt has already printed (registry[LK_SHOWN] is a
 * set the REPL renews for each line): the prompt does not echo them. */
#define LK_SHOWN "k.shown"
void lk_shown(lua_State *L, int idx);

/* Argument checks that raise clear Lua errors. */
uint32_t lk_checkaddr(lua_State *L, int arg);            /* an address: integer in [0, 0xffffffff] */
uint32_t lk_checkaligned(lua_State *L, int arg, uint32_t align);
uint32_t lk_checku32(lua_State *L, int arg);

/* t[k] = v for the table on top of the stack. */
void lk_setint(lua_State *L, const char *k, lua_Integer v);
void lk_setbool(lua_State *L, const char *k, int v);

/* Each part's opener, called by lk_open. */
void lk_open_cpu(lua_State *L);
void lk_open_sys(lua_State *L);
void lk_open_mm(lua_State *L);
void lk_open_window(lua_State *L);
void lk_open_proc(lua_State *L);
void lk_open_buddy(lua_State *L);
void lk_open_emu(lua_State *L);
void lk_open_cap(lua_State *L);
void lk_open_ipc(lua_State *L);
void lk_open_disk(lua_State *L);

#endif
