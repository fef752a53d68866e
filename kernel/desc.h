/* desc.h — segment selectors, descriptors, gates and the TSS.
 *
 * The kernel's GDT and the GDT inside every window have the same layout, so
 * a selector means the same thing whichever table is loaded.
 */
#ifndef BOUNCE_DESC_H
#define BOUNCE_DESC_H

#include <stdint.h>
#include "x86.h"

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UCODE 0x1B
#define SEL_UDATA 0x23
#define SEL_TSS 0x28   /* the kernel's TSS; in a window's GDT, the window's */
#define SEL_DFTSS 0x30 /* the double-fault task */
#define GDT_ENTRIES 7

#define NIDT 0x81 /* vectors 0..0x80: exceptions, IRQs, the system call */
#define T_DF 8
#define T_PF 14
#define T_IRQ0 32
#define IRQ_TIMER 0
#define IRQ_COM1 4

typedef uint64_t segdesc_t;

struct gate {
	uint16_t off_lo, sel;
	uint8_t zero, type_attr;
	uint16_t off_hi;
};

struct tss {
	uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2;
	uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint32_t es, cs, ss, ds, fs, gs, ldt;
	uint16_t trap, iomap;
};

segdesc_t seg_flat(int code, int dpl);
segdesc_t seg_tss(uint32_t base, int busy);
void gdt_fill(segdesc_t *gdt, uint32_t tss_base, uint32_t dftss_base);

#define GATE_INTR 0xE
#define GATE_TASK 0x5
void gate_set(struct gate *g, uint32_t off, uint16_t sel, int type, int dpl);
uint32_t gate_offset(const struct gate *g);

/* Moving a window changes only offsets and bases: rewrite just those.
 * Inline, because a move rewrites 49 gates and a call per gate was half
 * of its cost (docs/performance.md, "Window move"). */
static inline void gate_set_offset(struct gate *g, uint32_t off)
{
	g->off_lo = off & 0xFFFF;
	g->off_hi = off >> 16;
}

static inline void seg_set_base(segdesc_t *d, uint32_t base)
{
	*d = (*d & ~0xFF0000FFFFFF0000ull) | ((uint64_t)(base & 0xFFFFFF) << 16) | ((uint64_t)(base >> 24) << 56);
}

/* The kernel's own tables, loaded while the kernel runs. */
extern segdesc_t kernel_gdt[GDT_ENTRIES];
extern struct gate kernel_idt[NIDT];
extern const struct dtr kernel_gdt_desc, kernel_idt_desc;

void desc_init(void);
void dfault_tss_set_cr3(uint32_t cr3);
void kernel_tss_set_esp0(uint32_t esp0); /* the shared layout's stack switch */

#endif
