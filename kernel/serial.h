/* serial.h — COM1, the console: buffered interrupt-driven output, with a
 * polled path for kernel messages; interrupt-driven input (docs/console.md). */
#ifndef BOUNCE_SERIAL_H
#define BOUNCE_SERIAL_H

#include <stddef.h>

void serial_init(void);
/* Unmask IRQ 4 once the PIC is set up, serving what arrived before. */
void serial_start(void);
/* Queue n bytes; the calling thread sleeps while the ring is full (the
 * UART sends about 11.5 KiB/s).  Returns the bytes queued: fewer than n
 * only if the thread was killed meanwhile.  Pieces of up to 256 bytes
 * are never split by another thread's output.  Without a current thread
 * it is serial_write_sync. */
size_t serial_write(const char *s, size_t n);
/* Send what the ring holds, then n bytes, polling the transmitter with
 * interrupts off: for kernel messages where no thread may sleep (boot,
 * the scheduler, traps, panic). */
void serial_write_sync(const char *s, size_t n);
/* Everything queued is on the wire (before the machine stops). */
void serial_flush(void);
int serial_getc(void);      /* blocks the calling thread until a byte arrives; -1 on Ctrl-C */
/* serial_getc for a line editor: also -1 as soon as another thread's
 * output has gone out over the line being edited (serial_overwritten). */
int serial_getc_edit(void);
int serial_trygetc(void);   /* a byte, or -1 if none is waiting */
int serial_line_start(void); /* the last byte sent was a newline */
void serial_intr(void);     /* IRQ 4 */

/* Set when Ctrl-C (0x03) arrives; the byte itself is not queued.  Whoever
 * acts on it clears it. */
extern volatile int serial_break;
/* Set when another thread's output has gone out while a line was being
 * edited (serial_getc_edit); the editor clears it and redraws. */
extern volatile int serial_overwritten;

#endif
