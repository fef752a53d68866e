/* klib.h — the C-library functions the kernel calls.
 *
 * Declarations are musl's headers; the code comes from musl (string
 * functions, linked from $(MUSL_LIB)) and from kernel/printf.c (snprintf
 * and vsnprintf: stb_sprintf under the standard names).
 */
#ifndef BOUNCE_KLIB_H
#define BOUNCE_KLIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <string.h>
#include <stdio.h> /* snprintf, vsnprintf: kernel/printf.c */

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ROUNDUP(x, a) (((x) + (a) - 1) & ~((a) - 1))
#define ROUNDDOWN(x, a) ((x) & ~((a) - 1))

#endif
