/* time.c — no clocks for Lua.
 *
 * Lua seeds its string hashes, math.random and table.sort's pivot choice
 * from time() and clock().  Constants keep every emulator run reproducible
 * (and musl's versions would make system calls).
 */
#include <time.h>

time_t time(time_t *t)
{
	if (t)
		*t = 0;
	return 0;
}

clock_t clock(void)
{
	return 0;
}
