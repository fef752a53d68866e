/* serial.c — the 16550 UART on COM1: the console (docs/console.md).
 *
 * Output is buffered: serial_write queues bytes in a ring and the UART's
 * "transmitter empty" interrupt moves them into its 16-byte FIFO.  The
 * emulated line is slow (about 11.5 KiB/s), so a writer that finds the
 * ring full sleeps until the interrupt has drained it to half: the clock,
 * the shell and kill go on meanwhile.  Where no thread can sleep (boot,
 * the scheduler, interrupts off, panic) serial_write_sync polls the
 * transmitter instead, after sending what the ring holds, so a kernel
 * message keeps its place in the output.
 *
 * Input arrives by interrupt into a ring that the shell thread sleeps on.
 */
#include "serial.h"
#include "desc.h"
#include "pic.h"
#include "proc.h"
#include "x86.h"

#define COM1 0x3F8
#define RX_RING 4096
#define TX_RING 2048
#define TX_LOW (TX_RING / 2) /* wake writers once the ring has drained to this */
#define TX_RESERVE 512       /* only kernel threads (the shell) fill the last of the ring */
#define TX_PIECE 256         /* queued whole, never split by another writer's bytes */
#define UART_FIFO 16

_Static_assert(TX_RING - TX_RESERVE - TX_LOW >= TX_PIECE, "a woken user writer finds room for a piece");

enum { DATA = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6 };
#define IER_RX 0x01
#define IER_TX 0x02
#define IIR_NONE 0x01 /* no interrupt pending */
#define LSR_DR 0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40 /* FIFO and shift register empty: the last byte is on the wire */

volatile int serial_break;
volatile int serial_overwritten;
static struct {
	unsigned char buf[RX_RING];
	unsigned head, tail; /* head: next write; tail: next read; free-running */
	struct proc *editor; /* the thread editing a line (serial_getc_edit), or NULL */
} rx;
static struct {
	unsigned char buf[TX_RING];
	unsigned head, tail;
	int irq_on;          /* IER_TX is set: an interrupt will come when the FIFO is empty */
	int waiting;         /* threads asleep for room */
	int kernel_waiting;  /* of which kernel threads: user output waits behind them */
	int line_start;      /* the last byte queued was a newline */
	int overwrote;       /* another thread's bytes went over a line being edited */
} tx = { .line_start = 1 };

#define RX_QUIET 1000 /* LSR reads with no byte: longer than one byte at 115200 baud (87 us) */

static void rx_take(void);

/* Take what was typed before boot, until the line has been quiet for a
 * while: turning the FIFOs on clears them, and without FIFOs the UART
 * (QEMU's, a real one) holds one byte and delivers the next only after
 * that one is read. */
static void rx_take_early(void)
{
	for (int quiet = 0; quiet < RX_QUIET; quiet++)
		if (inb(COM1 + LSR) & LSR_DR) {
			rx_take();
			quiet = 0;
		}
}

void serial_init(void)
{
	outb(COM1 + IER, 0x00);
	outb(COM1 + LCR, 0x80); /* divisor latch */
	outb(COM1 + DATA, 1);   /* 115200 baud */
	outb(COM1 + IER, 0x00);
	outb(COM1 + LCR, 0x03); /* 8N1 */
	rx_take_early();
	outb(COM1 + FCR, 0xC7); /* FIFOs on, cleared, 14-byte threshold */
	outb(COM1 + MCR, 0x0B); /* DTR, RTS, OUT2 (routes the IRQ to the PIC) */
	outb(COM1 + IER, IER_RX);
}

/* ---- output ---- (callers hold interrupts off) */

/* n bytes (n > 0) are on their way: note where the line stands, and
 * whether they are someone else's output over a line being edited. */
static void tx_note(const char *s, size_t n)
{
	tx.line_start = s[n - 1] == '\n';
	if (rx.editor && rx.editor != curproc)
		tx.overwrote = 1;
}

/* Once such output has all been handed to the UART, tell the editor, so
 * that it redraws its line once after the output rather than between
 * every two pieces of a long write. */
static void tx_settle(void)
{
	if (!tx.overwrote || tx.tail != tx.head)
		return;
	tx.overwrote = 0;
	if (rx.editor) {
		serial_overwritten = 1;
		wakeup(&rx);
	}
}

int serial_line_start(void)
{
	return tx.line_start;
}

static void tx_irq(int on)
{
	if (on != tx.irq_on)
		outb(COM1 + IER, IER_RX | (on ? IER_TX : 0));
	tx.irq_on = on;
}

/* Refill the UART's FIFO from the ring if it is empty; ask for an
 * interrupt while the ring holds more. */
static void tx_push(void)
{
	if (inb(COM1 + LSR) & LSR_THRE)
		for (int i = 0; i < UART_FIFO && tx.tail != tx.head; i++)
			outb(COM1 + DATA, tx.buf[tx.tail++ % TX_RING]);
	tx_irq(tx.tail != tx.head);
	if (tx.waiting && tx.head - tx.tail <= TX_LOW)
		wakeup(&tx);
	tx_settle();
}

static void putc_polled(char c)
{
	while (!(inb(COM1 + LSR) & LSR_THRE))
		;
	outb(COM1 + DATA, (uint8_t)c);
}

static void tx_drain_polled(void)
{
	while (tx.tail != tx.head)
		putc_polled(tx.buf[tx.tail++ % TX_RING]);
	tx_irq(0);
	if (tx.waiting)
		wakeup(&tx);
}

/* Free bytes p may fill: a user process leaves TX_RESERVE for the shell
 * and never gets ahead of a kernel thread waiting for room, so the
 * shell's output is never cut by a process's. */
static unsigned tx_room(const struct proc *p)
{
	unsigned used = tx.head - tx.tail, limit = TX_RING;
	if (p->as) {
		if (tx.kernel_waiting)
			return 0;
		limit -= TX_RESERVE;
	}
	return used < limit ? limit - used : 0;
}

static void tx_wait(const struct proc *p)
{
	int kernel = !p->as;
	tx.waiting++;
	tx.kernel_waiting += kernel;
	sleep_on(&tx);
	tx.waiting--;
	tx.kernel_waiting -= kernel;
}

size_t serial_write(const char *s, size_t n)
{
	struct proc *p = curproc;
	size_t done = 0;
	if (!p) {
		serial_write_sync(s, n);
		return n;
	}
	uint32_t f = irq_save();
	while (done < n && !p->killed) {
		size_t piece = n - done < TX_PIECE ? n - done : TX_PIECE;
		if (tx_room(p) < piece) {
			tx_wait(p);
			continue;
		}
		for (size_t i = 0; i < piece; i++)
			tx.buf[tx.head++ % TX_RING] = s[done + i];
		tx_note(s + done, piece);
		done += piece;
		tx_push();
	}
	irq_restore(f);
	return done;
}

void serial_write_sync(const char *s, size_t n)
{
	uint32_t f = irq_save();
	tx_drain_polled();
	if (n > 0)
		tx_note(s, n);
	while (n--)
		putc_polled(*s++);
	tx_settle();
	irq_restore(f);
}

void serial_flush(void)
{
	uint32_t f = irq_save();
	tx_drain_polled();
	while (!(inb(COM1 + LSR) & LSR_TEMT))
		;
	irq_restore(f);
}

/* ---- interrupt and input ---- */

static void rx_take(void)
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

/* IRQ 4 is edge-triggered: serve every cause until the UART has none
 * left, or its line stays high and no further edge comes.  Reading IIR
 * clears "transmitter empty", LSR a line error, MSR a modem change. */
void serial_intr(void)
{
	while (!(inb(COM1 + IIR) & IIR_NONE)) {
		inb(COM1 + LSR);
		inb(COM1 + MSR);
		rx_take();
		tx_push();
	}
}

/* Let IRQ 4 through.  Bytes typed before this moment (the UART's receive
 * interrupt is on from serial_init) already raised the line while the PIC
 * masked it, and that edge is gone: serve them now, or the line stays
 * high and no interrupt ever comes again. */
void serial_start(void)
{
	uint32_t f = irq_save();
	pic_unmask(IRQ_COM1);
	serial_intr();
	irq_restore(f);
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

static int getc_until(const volatile int *also)
{
	uint32_t f = irq_save();
	int c = -1;
	while (rx.tail == rx.head && !serial_break && !*also)
		sleep_on(&rx);
	if (rx.tail != rx.head)
		c = rx.buf[rx.tail++ % RX_RING];
	irq_restore(f);
	return c;
}

int serial_getc(void)
{
	static const int never;
	return getc_until(&never);
}

int serial_getc_edit(void)
{
	rx.editor = curproc;
	int c = getc_until(&serial_overwritten);
	rx.editor = NULL;
	return c;
}
