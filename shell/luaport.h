/* luaport.h — Bounce's local configuration of Lua 5.4, force-included
 * (gcc -include) ahead of every Lua source file, so the upstream tree stays
 * untouched.  It reads luaconf.h first and then overrides what differs in
 * the kernel: no locale, no stdio, musl's exact printf for numbers.
 */
#ifndef BOUNCE_LUAPORT_H
#define BOUNCE_LUAPORT_H

#include <stddef.h>
#include "luaconf.h"

/* luaconf.h gives Lua's own files these short names only when it sees
 * LUA_CORE or LUA_LIB, which those files define after this header ran. */
#define l_likely(x) luai_likely(x)
#define l_unlikely(x) luai_unlikely(x)

/* Number formatting (tostring, string.format including %a, %p) uses
 * musl's printf, renamed musl_snprintf by mk/lua.mk.  It is exact as
 * glibc's is, so the output equals host lua5.4's.  The kernel's stb_sprintf
 * would not do: it rounds ties away from zero ("%.0f" of 2.5 gives 3),
 * stops after 17 significant digits, ignores '#', spells "Inf"/"NaN" and
 * has a lossy %a.  (Lua's own %a, the obvious way
 * around the last, rejects "%.3a" and writes subnormals unlike glibc;
 * musl's exact %a makes it unnecessary.) */
#undef l_sprintf
#define l_sprintf(s, sz, f, i) musl_snprintf((s), (sz), (f), (i))
int musl_snprintf(char *buf, size_t size, const char *fmt, ...);

/* The "C" locale, always. */
#undef lua_getlocaledecpoint
#define lua_getlocaledecpoint() '.'

/* print() and Lua's error/warning messages go to the serial console. */
#define lua_writestring(s, l) lport_write((s), (l))
#define lua_writeline() lport_write("\n", 1)
#define lua_writestringerror(s, p) lport_writef((s), (p))
void lport_write(const char *s, size_t n);
void lport_writef(const char *fmt, const char *arg);

#endif
