/* lfmt.h — Lua's l_sprintf over the kernel's snprintf (see lfmt.c). */
#ifndef BOUNCE_LFMT_H
#define BOUNCE_LFMT_H

#include <stddef.h>

int lfmt_snprintf(char *buf, size_t size, const char *fmt, ...);

#endif
