/* lk_buddy.c — k.buddy: physically contiguous blocks (b_malloc,
 * b_free, b_split, b_coalesce in kernel/buddy.c) and the allocator's state. */
#include <stdio.h>

#include "lua.h"
#include "lauxlib.h"

#include "buddy.h"
#include "mmu.h"
#include "lk.h"
#include "lport.h"

#define MAX_LISTED 256

static int info(lua_State *L)
{
	struct buddy_info bi;
	buddy_info(&bi);
	static uint32_t pa[MAX_LISTED], bytes[MAX_LISTED];
	int n = b_blocks(pa, bytes, MAX_LISTED);
	int verbose = lk_verbose(L);
	char line[96];
	snprintf(line, sizeof line, "%u pages: %u free, %u used; %d b_ blocks\n", (unsigned)bi.total_pages,
		 (unsigned)bi.free_pages, (unsigned)bi.used_pages, n);
	if (verbose)
		lport_puts(line);
	lua_createtable(L, 0, 5);
	lk_setint(L, "total_pages", bi.total_pages);
	lk_setint(L, "free_pages", bi.free_pages);
	lk_setint(L, "used_pages", bi.used_pages);
	lua_createtable(L, BUDDY_MAX_ORDER + 1, 0);
	for (int order = 0; order <= BUDDY_MAX_ORDER; order++) {
		lua_pushinteger(L, bi.free_blocks[order]);
		lua_rawseti(L, -2, order);   /* free_blocks[order], from 0 */
	}
	lua_setfield(L, -2, "free_blocks");
	lua_createtable(L, n < MAX_LISTED ? n : MAX_LISTED, 0);
	for (int i = 0; i < n && i < MAX_LISTED; i++) {
		snprintf(line, sizeof line, "  block 0x%08x %u bytes\n", (unsigned)pa[i], (unsigned)bytes[i]);
		if (verbose)
			lport_puts(line);
		lua_createtable(L, 0, 2);
		lk_setint(L, "pa", pa[i]);
		lk_setint(L, "bytes", bytes[i]);
		lua_rawseti(L, -2, i + 1);
	}
	lua_setfield(L, -2, "blocks");
	return 1;
}

static int alloc(lua_State *L)
{
	lua_Integer bytes = luaL_checkinteger(L, 1);
	luaL_argcheck(L, bytes > 0 && bytes <= (lua_Integer)PGSIZE << BUDDY_MAX_ORDER, 1,
		      "size must be 1 byte .. 4 MiB");
	uint32_t pa = b_malloc((uint32_t)bytes);
	if (pa == 0) {
		lua_pushnil(L);
		lua_pushliteral(L, "no free block that large");
		return 2;
	}
	lua_pushinteger(L, pa);
	return 1;
}

static int bfree(lua_State *L)
{
	uint32_t pa = lk_checkaligned(L, 1, PGSIZE);
	luaL_argcheck(L, b_free(pa) == 0, 1, "not the start of a live b_ block");
	return 0;
}

static int split(lua_State *L)
{
	uint32_t pa = lk_checkaligned(L, 1, PGSIZE);
	lua_Integer n = luaL_checkinteger(L, 2);
	luaL_argcheck(L, n >= 2 && n <= 1 << BUDDY_MAX_ORDER && (n & (n - 1)) == 0, 2,
		      "pieces must be a power of two, 2 .. 1024");
	static uint32_t out[1 << BUDDY_MAX_ORDER];
	int err = b_split(pa, (unsigned)n, out);
	if (err == B_EBLOCK)
		luaL_argerror(L, 1, "not the start of a live b_ block");
	if (err == B_ETOOMANY)
		luaL_argerror(L, 2, "pieces would be smaller than a page");
	luaL_argcheck(L, err == 0, 2, "cannot split into that many");
	lua_createtable(L, (int)n, 0);
	for (lua_Integer i = 0; i < n; i++) {
		lua_pushinteger(L, out[i]);
		lua_rawseti(L, -2, i + 1);
	}
	return 1;
}

static int coalesce(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_Integer n = luaL_len(L, 1);
	luaL_argcheck(L, n >= 2 && n <= 1 << BUDDY_MAX_ORDER, 1, "a list of 2 .. 1024 block addresses");
	static uint32_t pas[1 << BUDDY_MAX_ORDER];
	for (lua_Integer i = 0; i < n; i++) {
		lua_rawgeti(L, 1, i + 1);
		lua_Integer v = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : -1;
		luaL_argcheck(L, v >= 0 && v <= 0xFFFFFFFFLL, 1, "list entries must be physical addresses");
		pas[i] = (uint32_t)v;
		lua_pop(L, 1);
	}
	uint32_t pa = b_coalesce((unsigned)n, pas);
	if (pa == 0) {
		lua_pushnil(L);
		lua_pushliteral(L, "not buddies: equal live blocks tiling one aligned block");
		return 2;
	}
	lua_pushinteger(L, pa);
	return 1;
}

static const struct kfunc buddy_funcs[] = {
	{ "info", info, "k.buddy.info() -> {total_pages=, free_pages=, used_pages=, free_blocks={[order]=n}, blocks={{pa=, bytes=}}}" },
	{ "alloc", alloc, "k.buddy.alloc(bytes) -> pa of a new b_ block (2^k pages), or nil and why" },
	{ "free", bfree, "k.buddy.free(pa) -- free the b_ block starting at pa" },
	{ "split", split, "k.buddy.split(pa, n) -> list of the n equal blocks the block at pa becomes" },
	{ "coalesce", coalesce, "k.buddy.coalesce(list) -> pa of the block the listed buddies merge into, or nil and why" },
	{ NULL, NULL, NULL },
};

void lk_open_buddy(lua_State *L)
{
	lk_register(L, "buddy", buddy_funcs);
	lk_alias(L, "binfo", "buddy", "info");
	lk_alias(L, "bmalloc", "buddy", "alloc");
	lk_alias(L, "bfree", "buddy", "free");
	lk_alias(L, "bsplit", "buddy", "split");
	lk_alias(L, "bcoalesce", "buddy", "coalesce");
}
