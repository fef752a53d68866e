/* stdio.c — a file system that has no files.
 *
 * lauxlib's luaL_loadfilex is linked in although the shell loads files
 * from GRUB modules instead (see shell/lport.c): opening always fails
 * with ENOENT, so Lua reports "cannot open <name>".  Defining the names
 * here keeps musl's real stdio (and its system calls) out of the kernel.
 */
#include <errno.h>
#include <stdio.h>

FILE *const stdin = NULL;
FILE *const stdout = NULL;
FILE *const stderr = NULL;

FILE *fopen(const char *path, const char *mode)
{
	(void)path;
	(void)mode;
	errno = ENOENT;
	return NULL;
}

FILE *freopen(const char *path, const char *mode, FILE *f)
{
	(void)f;
	return fopen(path, mode);
}

int fclose(FILE *f)
{
	(void)f;
	return EOF;
}

size_t fread(void *buf, size_t size, size_t n, FILE *f)
{
	(void)buf;
	(void)size;
	(void)n;
	(void)f;
	return 0;
}

int getc(FILE *f)
{
	(void)f;
	return EOF;
}

int feof(FILE *f)
{
	(void)f;
	return 1;
}

int ferror(FILE *f)
{
	(void)f;
	return 1;
}
