/* serial.c — the 16550 UART on COM1.
 *
 * Output polls the transmitter: slow, but never loses a byte and works in
 * any context, even in panic.  Input arrives by interrupt into a ring that
 * the shell thread sleeps on.
 */
#include "serial.h"
#include "proc.h"
#include "x86.h"

#define COM1 0x3F8
#define RX_RING 4096

enum { DATA = 0, IER = 1, FCR = 2, LCR = 3, MCR = 4, LSR = 5 };
#define LSR_DR 0x01
#define LSR_THRE 0x20

volatile int serial_break;
static struct {
	unsigned char buf[RX_RING];
	unsigned head, tail; /* head: next write; tail: next read; free-running */
} rx;

void serial_init(void)
{
	outb(COM1 + IER, 0x00);
	outb(COM1 + LCR, 0x80); /* divisor latch */
	outb(COM1 + DATA, 1);   /* 115200 baud */
	outb(COM1 + IER, 0x00);
	outb(COM1 + LCR, 0x03); /* 8N1 */
	outb(COM1 + FCR, 0xC7); /* FIFOs on, cleared, 14-byte threshold */
	outb(COM1 + MCR, 0x0B); /* DTR, RTS, OUT2 (routes the IRQ to the PIC) */
	outb(COM1 + IER, 0x01); /* interrupt on received data */
}

static void putc_polled(char c)
{
	while (!(inb(COM1 + LSR) & LSR_THRE))
		;
	outb(COM1 + DATA, (uint8_t)c);
}

void serial_write(const char *s, size_t n)
{
	while (n--)
		putc_polled(*s++);
}

void serial_intr(void)
{
	while (inb(COM1 + LSR) & LSR_DR) {
		unsigned char c = inb(COM1 + DATA);
		if (c == 0x03) {
			serial_break = 1;
			continue;
		}
		if (rx.head - rx.tail < RX_RING)
			rx.buf[rx.head++ % RX_RING] = c;
	}
	wakeup(&rx);
}

int serial_trygetc(void)
{
	uint32_t f = irq_save();
	int c = -1;
	if (rx.tail != rx.head)
		c = rx.buf[rx.tail++ % RX_RING];
	irq_restore(f);
	return c;
}

int serial_getc(void)
{
	uint32_t f = irq_save();
	int c = -1;
	while (rx.tail == rx.head && !serial_break)
		sleep_on(&rx);
	if (rx.tail != rx.head)
		c = rx.buf[rx.tail++ % RX_RING];
	irq_restore(f);
	return c;
}
