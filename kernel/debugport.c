/* debugport.c — markers, announcements and exit for the instrumented emulator. */
#include <stdarg.h>
#include "klib.h"
#include "debugport.h"
#include "proc.h"
#include "serial.h"
#include "x86.h"

static void port_puts(const char *s)
{
	while (*s)
		outb(MARK_PORT, (uint8_t)*s++);
}

/* Interrupts stay off while a line or a user mark is on its way, so that
 * another thread's (once system calls are preemptible) cannot interleave. */
static void port_line(const char *s)
{
	uint32_t f = irq_save();
	port_puts(s);
	outb(MARK_PORT, '\n');
	irq_restore(f);
}

/* Control bytes would end the line (the emulator takes '\r' and '\n' as
 * line breaks) and let the rest start an announcement: they become '?'. */
static void sanitize(char *s)
{
	for (; *s; s++)
		if ((uint8_t)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

void mark(const char *label)
{
	/* A label must not start an announcement or break the line. */
	char buf[128];
	int n = 0;
	if (*label == '@')
		buf[n++] = '_';
	for (; *label && n < (int)sizeof buf - 1; label++)
		buf[n++] = *label;
	buf[n] = 0;
	sanitize(buf);
	port_line(buf);
}

/* A process name may hold any byte: a line break in it would start a
 * second, forged announcement. */
void announce(const char *fmt, ...)
{
	char buf[160];
	va_list ap;
	buf[0] = '@';
	va_start(ap, fmt);
	vsnprintf(buf + 1, sizeof buf - 1, fmt, ap);
	va_end(ap);
	sanitize(buf);
	port_line(buf);
}

/* A user's label goes on its own port, framed by its length, so the
 * emulator logs every byte literally and never parses it. */
void mark_user(int pid, const char *label)
{
	size_t n = strlen(label);
	if (n > UMARK_MAX)
		n = UMARK_MAX;
	uint32_t f = irq_save();
	for (int shift = 0; shift < 32; shift += 8)
		outb(UMARK_PORT, (uint8_t)((uint32_t)pid >> shift));
	outb(UMARK_PORT, (uint8_t)n);
	while (n--)
		outb(UMARK_PORT, (uint8_t)*label++);
	irq_restore(f);
}

static void port_hex(uint32_t v)
{
	port_puts("0x");
	for (int shift = 28; shift >= 0; shift -= 4)
		outb(MARK_PORT, "0123456789abcdef"[(v >> shift) & 0xF]);
}

/* Sent at every window move, so it skips vsnprintf (which cost more than
 * the move itself); the same line announce() would write. */
void announce_window(uint32_t cr3, uint32_t va, unsigned pages, uint32_t pa)
{
	uint32_t f = irq_save();
	port_puts("@window cr3=");
	port_hex(cr3);
	port_puts(" va=");
	port_hex(va);
	port_puts(" pages=");
	outb(MARK_PORT, (uint8_t)('0' + pages));
	port_puts(" pa=");
	port_hex(pa);
	outb(MARK_PORT, '\n');
	irq_restore(f);
}

/* Sent at every thread switch that changes stacks, so it skips vsnprintf;
 * the scheduler calls it with interrupts off. */
void announce_stack(uint32_t lo, uint32_t hi)
{
	static uint32_t last_lo, last_hi;
	if (lo == last_lo && hi == last_hi)
		return;
	last_lo = lo;
	last_hi = hi;
	port_puts("@stack lo=");
	port_hex(lo);
	port_puts(" hi=");
	port_hex(hi);
	outb(MARK_PORT, '\n');
}

static void port_dec(uint32_t v)
{
	char digits[10];
	int n = 0;
	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n > 0)
		outb(MARK_PORT, (uint8_t)digits[--n]);
}

/* n user pages from va were mapped (or unmapped) in the address space
 * with that CR3: what the window view draws as pages in use
 * (docs/analysis.md).  Sent for every map call, so without vsnprintf. */
void announce_pages(int mapped, uint32_t cr3, uint32_t va, uint32_t n)
{
	uint32_t f = irq_save();
	port_puts(mapped ? "@map cr3=" : "@unmap cr3=");
	port_hex(cr3);
	port_puts(" va=");
	port_hex(va);
	port_puts(" pages=");
	port_dec(n);
	outb(MARK_PORT, '\n');
	irq_restore(f);
}

/* Sent for every message queued and delivered (docs/ipc.md), so, like
 * announce_window, without vsnprintf: "@what id=N ep=E dir=PID". */
void announce_ipc(const char *what, uint32_t id, uint32_t ep, const char *dir, uint32_t pid)
{
	outb(MARK_PORT, '@');
	port_puts(what);
	port_puts(" id=");
	port_dec(id);
	port_puts(" ep=");
	port_dec(ep);
	outb(MARK_PORT, ' ');
	port_puts(dir);
	outb(MARK_PORT, '=');
	port_dec(pid);
	outb(MARK_PORT, '\n');
}

void machine_exit(int status)
{
	cli();
	serial_flush(); /* queued console output first */
	outb(EXIT_PORT, (uint8_t)status);
	/* Not under Bochs or QEMU: stop here. */
	for (;;)
		hlt();
}
