/* stdlib.c — the allocation and abort calls Lua's libraries make.
 *
 * lauxlib's default allocator (luaL_newstate, unused by the shell, whose
 * own allocator is in shell/lport.c) still needs realloc and free to link;
 * they go to the kernel heap.
 */
#include <stdlib.h>

#include "heap.h"
#include "log.h"

void *realloc(void *p, size_t n)
{
	return krealloc(p, n);
}

void free(void *p)
{
	kfree(p);
}

void abort(void)
{
	panic("abort() called from the C library");
}
