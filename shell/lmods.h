/* lmods.h — Lua chunks from GRUB modules: dofile, loadfile, require. */
#ifndef BOUNCE_LMODS_H
#define BOUNCE_LMODS_H

#include "lua.h"

void lmods_open(lua_State *L);

/* Help from the scripts' own comments: each script's first comment (after
 * "name.lua — "), and its "--- " lines, which document the helpers it
 * defines.  lmods_help lists them all; lmods_doc prints the "--- " lines
 * just above line `line` of script `name` (0 if there are none). */
void lmods_help(void);
int lmods_doc(const char *name, int line);

#endif
