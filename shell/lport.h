/* lport.h — the kernel's Lua state: allocator with a cap, limits, output. */
#ifndef BOUNCE_LPORT_H
#define BOUNCE_LPORT_H

#include <stddef.h>
#include "lua.h"

#define LPORT_MEMCAP_QUARTERS 3   /* by default Lua may hold 3/4 of the kernel heap */
#define LPORT_DEFAULT_BUDGET 20000000ull   /* VM instructions per chunk (about 30 s of Bochs) */

/* A fresh state with the standard libraries the shell offers, io.write,
 * and loading from GRUB modules (dofile, loadfile, require). */
lua_State *lport_newstate(void);

/* Start counting a new chunk's instructions against the budget. */
void lport_begin_chunk(lua_State *L);

size_t lport_memcap(void);
size_t lport_memused(void);
void lport_set_memcap(size_t bytes);
unsigned long long lport_budget(void);
void lport_set_budget(unsigned long long instructions);  /* 0 = unlimited */

/* Everything the shell prints goes through here: LF becomes CR LF. */
void lport_write(const char *s, size_t n);
void lport_puts(const char *s);
void lport_writef(const char *fmt, const char *arg);
/* Start a new line unless the output is at the start of one. */
void lport_fresh_line(void);

#endif
