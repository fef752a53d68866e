/* locale.c — the "C" locale, the only one.
 *
 * musl's strcoll and strerror look up the locale through the thread
 * descriptor (%gs), which the kernel does not set up.
 */
#include <errno.h>
#include <string.h>

int strcoll(const char *a, const char *b)
{
	return strcmp(a, b);
}

/* The only error the shim produces is ENOENT from fopen (stdio.c). */
char *strerror(int e)
{
	return e == ENOENT ? "No such file or directory" : "Unknown error";
}
