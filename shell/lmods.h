/* lmods.h — Lua chunks from GRUB modules: dofile, loadfile, require. */
#ifndef BOUNCE_LMODS_H
#define BOUNCE_LMODS_H

#include "lua.h"

void lmods_open(lua_State *L);

#endif
