/* debugport.c — markers, announcements and exit for the instrumented emulator. */
#include <stdarg.h>
#include "klib.h"
#include "debugport.h"
#include "x86.h"

static void port_line(const char *s)
{
	while (*s)
		outb(MARK_PORT, (uint8_t)*s++);
	outb(MARK_PORT, '\n');
}

void mark(const char *label)
{
	/* A label must not start an announcement or break the line. */
	char buf[128];
	int n = 0;
	if (*label == '@')
		buf[n++] = '_';
	for (; *label && n < (int)sizeof buf - 1; label++)
		buf[n++] = (*label == '\n') ? ' ' : *label;
	buf[n] = 0;
	port_line(buf);
}

void announce(const char *fmt, ...)
{
	char buf[160];
	va_list ap;
	buf[0] = '@';
	va_start(ap, fmt);
	vsnprintf(buf + 1, sizeof buf - 1, fmt, ap);
	va_end(ap);
	port_line(buf);
}

void machine_exit(int status)
{
	cli();
	outb(EXIT_PORT, (uint8_t)status);
	/* Not under Bochs or QEMU: stop here. */
	for (;;)
		hlt();
}
