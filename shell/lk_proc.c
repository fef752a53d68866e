/* lk_proc.c — k.proc and k.test: user programs from the ISO, run as
 * children of the shell's kernel thread.
 *
 * A process's console output goes to COM1 as it runs and is also kept by
 * the kernel (up to OUTPUT_CAP) until the shell waits for it.  Waiting
 * sleeps tick by tick, so a Ctrl-C stops the wait (the process runs on).
 */
#include <errno.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "bootmod.h"
#include "lk.h"
#include "lk_as.h"
#include "proc.h"
#include "serial.h"
#include "stats.h"
#include "vm.h"

#define SPAWN_MAX_ARGS 16

static const char *state_name(enum procstate s)
{
	switch (s) {
	case P_EMBRYO: return "embryo";
	case P_RUNNABLE: return "runnable";
	case P_RUNNING: return "running";
	case P_SLEEPING: return "sleeping";
	case P_ZOMBIE: return "zombie";
	default: return "unused";
	}
}

static int is_script(const char *name)
{
	size_t n = strlen(name);
	return n >= 4 && strcmp(name + n - 4, ".lua") == 0;
}

static int list(lua_State *L)
{
	lua_newtable(L);
	int n = 0;
	for (struct proc *p = proctab; p < proctab + NPROC; p++) {
		if (p->state == P_UNUSED)
			continue;
		lua_createtable(L, 0, 4);
		lua_pushinteger(L, p->pid);
		lua_setfield(L, -2, "pid");
		lua_pushstring(L, p->name);
		lua_setfield(L, -2, "name");
		lua_pushstring(L, state_name(p->state));
		lua_setfield(L, -2, "state");
		if (p->as) {
			lua_pushinteger(L, p->as->win.va);
			lua_setfield(L, -2, "window");
		}
		lua_rawseti(L, -2, ++n);
	}
	return 1;
}

static int programs(lua_State *L)
{
	lua_newtable(L);
	int n = 0;
	for (int i = 0; i < bootmod_count(); i++) {
		const char *name = bootmod_at(i)->name;
		if (!is_script(name)) {
			lua_pushstring(L, name);
			lua_rawseti(L, -2, ++n);
		}
	}
	return 1;
}

/* Start program `name` with the string arguments from index 2 on; its pid. */
static int spawn_from(lua_State *L, const char *name)
{
	const char *argv[SPAWN_MAX_ARGS];
	int argc = lua_gettop(L);   /* name plus the arguments after it */
	luaL_argcheck(L, argc <= SPAWN_MAX_ARGS, SPAWN_MAX_ARGS + 1, "too many arguments");
	argv[0] = name;
	for (int i = 2; i <= argc; i++)
		argv[i - 1] = luaL_checkstring(L, i);
	const struct bootmod *m = bootmod_find(name);
	luaL_argcheck(L, m != NULL && !is_script(name), 1,
		      lua_pushfstring(L, "no program '%s' in the ISO (see k.proc.programs())", name));
	int err;
	struct proc *p = proc_spawn(name, argc, argv, &err);
	if (p == NULL)
		return luaL_error(L, "cannot start %s: %s", name,
				  err == -ENOMEM ? "out of memory" : err == -EINVAL ? "not a valid program" : "failed");
	return p->pid;
}

static int spawn(lua_State *L)
{
	lua_pushinteger(L, spawn_from(L, luaL_checkstring(L, 1)));
	return 1;
}

/* Sleep tick by tick until child p is a zombie; a Ctrl-C is an error. */
static void await(lua_State *L, struct proc *p)
{
	while (p->state != P_ZOMBIE) {
		if (serial_break) {
			serial_break = 0;
			luaL_error(L, "interrupted (pid %d still runs)", p->pid);
		}
		uint32_t f = irq_save();
		if (p->state != P_ZOMBIE)
			sleep_on(&kstats.ticks);
		irq_restore(f);
	}
}

/* Push the exit status and the output of child p once it ended; reap it. */
static void collect(lua_State *L, struct proc *p)
{
	await(L, p);
	int pid = p->pid, status;
	lua_pushinteger(L, p->xstatus);
	lua_pushlstring(L, p->out ? p->out : "", p->outlen);
	proc_wait(pid, &status);
}

/* A child of the shell, running or already ended (a zombie waits to be
 * collected). */
static struct proc *check_child(lua_State *L, int arg)
{
	lua_Integer pid = luaL_checkinteger(L, arg);
	struct proc *p = pid > 0 && pid <= 0x7fffffff ? proc_find((int)pid) : NULL;
	if (p == NULL)
		luaL_error(L, "no process with pid %I", pid);
	luaL_argcheck(L, p->parent == curproc, arg, "not a process the shell started");
	return p;
}

static int wait(lua_State *L)
{
	collect(L, check_child(L, 1));
	return 2;
}

static int kill(lua_State *L)
{
	struct proc *p = lk_checkproc(L, 1);
	luaL_argcheck(L, proc_kill(p->pid) == 0, 1, "not a user process");
	lua_pushboolean(L, 1);
	return 1;
}

static int kstack(lua_State *L)
{
	lua_pushinteger(L, proc_kstack_peak());
	lua_pushinteger(L, KSTACK_USER);
	return 2;
}

/* k.test.run(name): run a TAP-printing program to its end and count its
 * "ok" and "not ok" lines. */
static int test_run(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	lua_settop(L, 1);
	struct proc *p = proc_find(spawn_from(L, name));
	collect(L, p);
	size_t len;
	const char *out = lua_tolstring(L, -1, &len);
	int passed = 0, failed = 0;
	for (const char *line = out; line < out + len; line = (const char *)memchr(line, '\n', out + len - line) + 1) {
		if (strncmp(line, "ok ", 3) == 0)
			passed++;
		else if (strncmp(line, "not ok ", 7) == 0)
			failed++;
		if (memchr(line, '\n', out + len - line) == NULL)
			break;
	}
	lua_createtable(L, 0, 4);
	lua_pushinteger(L, passed);
	lua_setfield(L, -2, "passed");
	lua_pushinteger(L, failed);
	lua_setfield(L, -2, "failed");
	lua_pushvalue(L, -2);
	lua_setfield(L, -2, "output");
	lua_pushvalue(L, -3);
	lua_setfield(L, -2, "status");
	return 1;
}

static const struct kfunc proc_funcs[] = {
	{ "list", list, "k.proc.list() -> {{pid=, name=, state=, window=}, ...} (window: va, user processes only)" },
	{ "programs", programs, "k.proc.programs() -> names of the user programs in the ISO" },
	{ "spawn", spawn, "k.proc.spawn(name, ...) -> pid of a new process running program name with the string arguments" },
	{ "wait", wait, "k.proc.wait(pid) -> exit status, captured output (pid: one the shell started)" },
	{ "kill", kill, "k.proc.kill(pid) -> true; the process dies on its next way out of the kernel" },
	{ "kstack", kstack, "k.proc.kstack() -> peak, size: most kernel stack any user thread used, in bytes, and the size" },
	{ NULL, NULL, NULL },
};

static const struct kfunc test_funcs[] = {
	{ "run", test_run, "k.test.run(name) -> {passed=, failed=, output=, status=} of a TAP-printing program" },
	{ NULL, NULL, NULL },
};

void lk_open_proc(lua_State *L)
{
	lk_register(L, "proc", proc_funcs);
	lk_register(L, "test", test_funcs);
}
