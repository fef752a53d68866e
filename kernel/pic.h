/* pic.h — the two 8259A PICs, remapped to vectors 32..47. */
#ifndef BOUNCE_PIC_H
#define BOUNCE_PIC_H

void pic_init(void);
void pic_unmask(int irq);
void pic_eoi(int irq);
int pic_spurious(int irq); /* IRQ 7/15 that the PIC did not really raise */

#endif
