/* lk_disk.c — k.disk: the swap disk, seen from the shell (docs/disk.md).
 *
 * Reading any sector is harmless and shows what the pager wrote (a
 * swapped page is 8 sectors from DISK_SCRATCH_SECTORS + 8 * slot).
 * Writing is limited to the scratch sectors in front of the swap area: a
 * shell that could overwrite a slot could change a process's memory
 * behind the pager's back.  No disk, or a disk error, is an operational
 * fact: nil and why.  A sector that is not there is the caller's mistake:
 * an error. */
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "ata.h"
#include "lk.h"
#include "swapslot.h"

#define READ_MAX 128                /* sectors one k.disk.read may return (64 KiB) */

/* nil and why: there is no disk, or the drive failed (ata.h: -EIO). */
static int disk_failed(lua_State *L)
{
	lua_pushnil(L);
	lua_pushstring(L, disk_sectors() == 0 ? "no disk" : "disk I/O error");
	return 2;
}

static int info(lua_State *L)
{
	if (disk_sectors() == 0)
		return disk_failed(L);
	lua_createtable(L, 0, 4);
	lk_setint(L, "sectors", disk_sectors());
	lk_setint(L, "scratch", DISK_SCRATCH_SECTORS);
	lk_setint(L, "slots", swap_slots_total());
	lk_setint(L, "slots_free", swap_slots_free());
	return 1;
}

/* The sectors [lba, lba + count) must lie in [0, end): else a Lua error. */
static void check_range(lua_State *L, uint32_t lba, uint32_t count, uint32_t end, const char *what)
{
	if (lba >= end || count > end - lba)
		luaL_argerror(L, 1, lua_pushfstring(L, "%s: sectors from %I, %d of them, are not in 0..%I",
						    what, (lua_Integer)lba, (int)count, (lua_Integer)end - 1));
}

static int disk_read_l(lua_State *L)
{
	uint32_t lba = lk_checku32(L, 1);
	lua_Integer count = luaL_optinteger(L, 2, 1);
	luaL_argcheck(L, count >= 1 && count <= READ_MAX, 2, "count must be 1..128");
	if (disk_sectors() != 0)
		check_range(L, lba, (uint32_t)count, disk_sectors(), "the disk");
	luaL_Buffer b;
	char *p = luaL_buffinitsize(L, &b, (size_t)count * SECTOR_SIZE);
	if (disk_read(lba, p, (uint32_t)count) < 0)
		return disk_failed(L);
	luaL_pushresultsize(&b, (size_t)count * SECTOR_SIZE);
	return 1;
}

static int disk_write_l(lua_State *L)
{
	static char buf[DISK_SCRATCH_SECTORS * SECTOR_SIZE];
	uint32_t lba = lk_checku32(L, 1);
	size_t len;
	const char *data = luaL_checklstring(L, 2, &len);
	uint32_t count = len ? (len + SECTOR_SIZE - 1) / SECTOR_SIZE : 1;
	check_range(L, lba, count, DISK_SCRATCH_SECTORS, "k.disk.write only writes the scratch sectors (the rest is swap)");
	memset(buf, 0, count * SECTOR_SIZE);
	memcpy(buf, data, len);
	if (disk_write(lba, buf, count) < 0)
		return disk_failed(L);
	lua_pushboolean(L, 1);
	return 1;
}

static const struct kfunc disk_funcs[] = {
	{ "info", info, "k.disk.info() -> {sectors=, scratch=, slots=, slots_free=} of the swap disk "
	  "(or nil, \"no disk\")" },
	{ "read", disk_read_l, "k.disk.read(lba [, count]) -> count (1..128, default 1) sectors from lba, "
	  "as a string (or nil, why)" },
	{ "write", disk_write_l, "k.disk.write(lba, data) -> true: data, zero-padded to whole sectors, "
	  "into the scratch sectors 0..7 from lba (or nil, why)" },
	{ NULL, NULL, NULL },
};

void lk_open_disk(lua_State *L)
{
	lk_register(L, "disk", disk_funcs);
}
