/* printf.c — formatted output through stb_sprintf.
 *
 * Floating point is compiled out (STB_SPRINTF_NOFLOAT) so user programs
 * never touch the FPU.  printf formats into a small buffer that is
 * flushed to fd 1 with SYS_write whenever it fills.
 */
#include "user.h"

#define STB_SPRINTF_IMPLEMENTATION
#define STB_SPRINTF_STATIC
#define STB_SPRINTF_NOFLOAT
#include <stb_sprintf.h>

static char *flush_to_stdout(const char *buf, void *user, int len)
{
	(void)user;
	write(1, buf, (uint32_t)len);
	return (char *)buf;
}

int vprintf(const char *fmt, va_list ap)
{
	char buf[STB_SPRINTF_MIN];

	return stbsp_vsprintfcb(flush_to_stdout, NULL, buf, fmt, ap);
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return stbsp_vsnprintf(buf, (int)size, fmt, ap);
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
