/* log.c — kprintf, panic and the dmesg ring buffer. */
#include "klib.h"
#include "log.h"
#include "serial.h"
#include "debugport.h"
#include "proc.h"
#include "x86.h"

#define DMESG_SIZE 16384

static struct {
	char buf[DMESG_SIZE];
	uint32_t end; /* bytes ever written; the ring holds the last DMESG_SIZE */
} dmesg;

static void dmesg_append(const char *s, size_t n)
{
	while (n--)
		dmesg.buf[dmesg.end++ % DMESG_SIZE] = *s++;
}

size_t dmesg_read(char *buf, size_t n)
{
	uint32_t start = dmesg.end > DMESG_SIZE ? dmesg.end - DMESG_SIZE : 0;
	size_t len = dmesg.end - start;
	if (len > n)
		start = dmesg.end - (len = n);
	for (size_t i = 0; i < len; i++)
		buf[i] = dmesg.buf[(start + i) % DMESG_SIZE];
	return len;
}

static void vlog(const char *fmt, va_list ap)
{
	char line[256];
	int n = vsnprintf(line, sizeof line, fmt, ap);
	if (n > (int)sizeof line - 1)
		n = sizeof line - 1;
	uint32_t f = read_eflags();
	cli();
	dmesg_append(line, n);
	if (f & EFLAGS_IF)
		sti();
	/* A thread that may sleep queues its message behind earlier output;
	 * anywhere else (interrupts off, panic) it goes out at once, after it. */
	if ((f & EFLAGS_IF) && curproc)
		serial_write(line, n);
	else
		serial_write_sync(line, n);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	va_list ap;
	cli();
	kprintf("\npanic: ");
	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
	kprintf("\n");
	mark("panic");
	machine_exit(PANIC_EXIT_STATUS);
}
