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

/* A process's line: tagged with its pid, every byte outside printable
 * ASCII (and the backslash) as \xNN, so one call is one line of the ring
 * and cannot forge a kernel message.  Not for the console: a process that
 * logs does not slow or interleave with anyone's output. */
void dmesg_user(int pid, const char *s, size_t n, int cut)
{
	static const char hex[] = "0123456789abcdef";
	char tag[24];
	uint32_t f = irq_save();
	dmesg_append(tag, snprintf(tag, sizeof tag, "[pid %d] ", pid));
	for (; n--; s++) {
		unsigned char c = *s;
		if (c >= 0x20 && c < 0x7F && c != '\\') {
			dmesg_append(s, 1);
			continue;
		}
		char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };
		dmesg_append(e, 4);
	}
	if (cut)
		dmesg_append(" [cut]", 6);
	dmesg_append("\n", 1);
	irq_restore(f);
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
