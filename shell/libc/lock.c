/* lock.c — musl's internal locks, as no-ops.
 *
 * musl reaches these from strtod's string-as-FILE reader and its stdio
 * exit path.  Its versions use the thread descriptor (%gs); here the
 * only caller is the single shell thread, so there is nothing to lock.
 */
#include <stdio.h>

void __lock(volatile int *l)
{
	(void)l;
}

void __unlock(volatile int *l)
{
	(void)l;
}

int __lockfile(FILE *f)
{
	(void)f;
	return 0;
}

void __unlockfile(FILE *f)
{
	(void)f;
}
