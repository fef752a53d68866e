/* serial.h — COM1: polled output, interrupt-driven input. */
#ifndef BOUNCE_SERIAL_H
#define BOUNCE_SERIAL_H

#include <stddef.h>

void serial_init(void);
void serial_write(const char *s, size_t n);
int serial_getc(void);      /* blocks the calling thread until a byte arrives; -1 on Ctrl-C */
int serial_trygetc(void);   /* a byte, or -1 if none is waiting */
void serial_intr(void);     /* IRQ 4 */

/* Set when Ctrl-C (0x03) arrives; the byte itself is not queued.  Whoever
 * acts on it clears it. */
extern volatile int serial_break;

#endif
