/* lk_ipc.c — k.ipc: endpoints and the messages queued in them
 * (kernel/ipc.h, docs/ipc.md). */
#include "lua.h"
#include "lauxlib.h"

#include "ipc.h"
#include "lk.h"

#define MAX_LISTED 64

static int endpoints(lua_State *L)
{
	static struct ipc_ep_info eps[MAX_LISTED];
	int n = ipc_endpoints(eps, MAX_LISTED);
	lua_createtable(L, n, 0);
	for (int i = 0; i < n && i < MAX_LISTED; i++) {
		lua_createtable(L, 0, 5);
		lk_setint(L, "id", eps[i].id);
		lk_setint(L, "owner", eps[i].owner);
		lk_setint(L, "queued", eps[i].queued);
		lk_setint(L, "waiting", eps[i].waiting);
		lk_setint(L, "receivers", eps[i].receivers);
		lua_rawseti(L, -2, i + 1);
	}
	return 1;
}

static int queue(lua_State *L)
{
	struct ipc_queued q[IPC_QUEUE];
	int n = ipc_queue(lk_checku32(L, 1), q, IPC_QUEUE);
	if (n < 0) {
		lua_pushnil(L);
		lua_pushliteral(L, "no such endpoint");
		return 2;
	}
	lua_createtable(L, n, 0);
	for (int i = 0; i < n; i++) {
		lua_createtable(L, 0, 5);
		lk_setint(L, "id", q[i].id);
		lk_setint(L, "from", q[i].sender);
		lk_setint(L, "tag", q[i].tag);
		lk_setbool(L, "call", q[i].flags & IPC_CALLED);
		lk_setint(L, "caps", q[i].ncaps);
		lua_rawseti(L, -2, i + 1);
	}
	return 1;
}

static const struct kfunc ipc_funcs[] = {
	{ "endpoints", endpoints, "k.ipc.endpoints() -> {{id=, owner=, queued=, waiting=, receivers=}, ...}" },
	{ "queue", queue, "k.ipc.queue(id) -> {{id=, from=, tag=, call=, caps=}, ...} waiting in endpoint id, or nil and why" },
	{ NULL, NULL, NULL },
};

void lk_open_ipc(lua_State *L)
{
	lk_register(L, "ipc", ipc_funcs);
}
