/* lk_window.c — k.window: where each address space's window page sits,
 * and moving it.  Without a pid, the address space the CPU last ran in
 * user mode (window_current). */
#include <errno.h>

#include "lua.h"
#include "lauxlib.h"

#include "lk.h"
#include "lk_as.h"
#include "proc.h"
#include "stats.h"
#include "vm.h"
#include "window.h"

static struct as *target(lua_State *L, int arg)
{
	struct as *as = lk_optas(L, arg);
	if (as == NULL)
		as = window_current;
	if (as == NULL)
		luaL_error(L, "no user address space has run yet; give a pid");
	return as;
}

static int where(lua_State *L)
{
	lua_pushinteger(L, target(L, 1)->win.va);
	return 1;
}

static int move(lua_State *L)
{
	uint32_t va = lk_checkaddr(L, 1);
	int err = window_move(target(L, 2), va);
	if (err == 0) {
		lua_pushboolean(L, 1);
		return 1;
	}
	lua_pushnil(L);
	lua_pushstring(L, err == -EINVAL ? "address is not page aligned"
			  : err == -EBUSY ? "a user page is mapped there"
			  : "the window cannot move there");
	return 2;
}

/* The lowest pid of a live process running in as, or 0. */
static int pid_of(const struct as *as)
{
	int pid = 0;
	for (struct proc *p = proctab; p < proctab + NPROC; p++)
		if (p->as == as && p->state != P_UNUSED && p->state != P_ZOMBIE &&
		    (pid == 0 || p->pid < pid))
			pid = p->pid;
	return pid;
}

static int info(lua_State *L)
{
	struct as *as = target(L, 1);
	int pid = pid_of(as);
	lua_createtable(L, 0, 11);
	if (pid != 0)
		lk_setint(L, "pid", pid);
	lk_setint(L, "va", as->win.va);
	lk_setint(L, "pa", as->win.pa);
	lk_setint(L, "code", as->win.cva);
	lk_setint(L, "code_pa", window_code_frame);
	lk_setint(L, "cr3", as->pgdir);
	lk_setint(L, "idt", as->win.va + WIN_IDT);
	lk_setint(L, "gdt", as->win.va + WIN_GDT);
	lk_setint(L, "tss", as->win.va + WIN_TSS);
	lk_setint(L, "moves", as->win.moves);
	return 1;
}

static int pages(lua_State *L)
{
	lua_pushinteger(L, WINDOW_PAGES);
	return 1;
}

static int moves(lua_State *L)
{
	lua_pushinteger(L, lua_isnoneornil(L, 1) ? kstats.window_moves : lk_optas(L, 1)->win.moves);
	return 1;
}

static const struct kfunc window_funcs[] = {
	{ "where", where, "k.window.where([pid]) -> va of the window (default: the last address space run)" },
	{ "info", info, "k.window.info([pid]) -> {pid=, va=, pa=, code=, code_pa=, cr3=, idt=, gdt=, tss=, moves=}: where the CPU finds its tables (the data page va, frame pa) and the trampoline (the code page code, frame code_pa) in user mode" },
	{ "move", move, "k.window.move(va [, pid]) -> true, or nil and why" },
	{ "pages", pages, "k.window.pages() -> K, the window's size in pages" },
	{ "moves", moves, "k.window.moves([pid]) -> window moves so far (all, or of pid's address space)" },
	{ NULL, NULL, NULL },
};

void lk_open_window(lua_State *L)
{
	lk_register(L, "window", window_funcs);
}
