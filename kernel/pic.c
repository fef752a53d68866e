/* pic.c — 8259A programming: remap, mask, acknowledge. */
#include "pic.h"
#include "desc.h"
#include "x86.h"

#define PIC1 0x20
#define PIC2 0xA0

static uint16_t mask = 0xFFFF & ~(1 << 2); /* the cascade stays open */

static void pic_write_mask(void)
{
	outb(PIC1 + 1, mask & 0xFF);
	outb(PIC2 + 1, mask >> 8);
}

void pic_init(void)
{
	outb(PIC1, 0x11); /* ICW1: edge, cascade, ICW4 */
	outb(PIC2, 0x11);
	outb(PIC1 + 1, T_IRQ0);
	outb(PIC2 + 1, T_IRQ0 + 8);
	outb(PIC1 + 1, 1 << 2); /* slave on IRQ 2 */
	outb(PIC2 + 1, 2);
	outb(PIC1 + 1, 0x01); /* 8086 mode */
	outb(PIC2 + 1, 0x01);
	pic_write_mask();
}

void pic_unmask(int irq)
{
	mask &= ~(1 << irq);
	pic_write_mask();
}

void pic_eoi(int irq)
{
	if (irq >= 8)
		outb(PIC2, 0x20);
	outb(PIC1, 0x20);
}

int pic_spurious(int irq)
{
	if (irq != 7 && irq != 15)
		return 0;
	outb(irq == 7 ? PIC1 : PIC2, 0x0B); /* read the in-service register */
	if (inb(irq == 7 ? PIC1 : PIC2) & 0x80)
		return 0;
	if (irq == 15)
		outb(PIC1, 0x20); /* the master did see the cascade */
	return 1;
}
