/* errno.c — errno for the code musl donates (strtod, libm callers).
 *
 * musl keeps errno in the thread descriptor it reaches through %gs, which
 * the kernel does not set up.  Only the shell's kernel thread runs libc
 * code that touches errno, so one variable serves.
 */
#include <errno.h>

static int errno_value;

int *__errno_location(void)
{
	return &errno_value;
}

/* musl's own sources call it by this internal name. */
int *___errno_location(void) __attribute__((const, alias("__errno_location")));
