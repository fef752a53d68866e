/* desc.c — the kernel's GDT, IDT and its two TSSs (boot and double fault). */
#include "desc.h"
#include "trap.h"
#include "klib.h"

segdesc_t kernel_gdt[GDT_ENTRIES];
struct gate kernel_idt[NIDT];
const struct dtr kernel_gdt_desc = { sizeof kernel_gdt - 1, (uint32_t)kernel_gdt };
const struct dtr kernel_idt_desc = { sizeof kernel_idt - 1, (uint32_t)kernel_idt };

static struct tss boot_tss;    /* TR whenever the kernel runs (trapentry.S: user_entry) */
static struct tss dfault_tss;  /* double faults in kernel mode */
static uint8_t dfault_stack[4096] __attribute__((aligned(16)));

static segdesc_t seg(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
	return (uint64_t)(limit & 0xFFFF) | ((uint64_t)(base & 0xFFFFFF) << 16) |
	       ((uint64_t)access << 40) | ((uint64_t)((limit >> 16) & 0xF) << 48) |
	       ((uint64_t)(flags & 0xF) << 52) | ((uint64_t)(base >> 24) << 56);
}

/* 4 GiB, 32-bit, page granular. */
segdesc_t seg_flat(int code, int dpl)
{
	return seg(0, 0xFFFFF, 0x92 | (code ? 0x08 : 0) | (dpl << 5), 0xC);
}

segdesc_t seg_tss(uint32_t base, int busy)
{
	return seg(base, sizeof(struct tss) - 1, busy ? 0x8B : 0x89, 0x0);
}

void gdt_fill(segdesc_t *gdt, uint32_t tss_base, uint32_t dftss_base)
{
	gdt[0] = 0;
	gdt[SEL_KCODE >> 3] = seg_flat(1, 0);
	gdt[SEL_KDATA >> 3] = seg_flat(0, 0);
	gdt[SEL_UCODE >> 3] = seg_flat(1, 3);
	gdt[SEL_UDATA >> 3] = seg_flat(0, 3);
	gdt[SEL_TSS >> 3] = seg_tss(tss_base, 0);
	gdt[SEL_DFTSS >> 3] = seg_tss(dftss_base, 0);
}

void gate_set(struct gate *g, uint32_t off, uint16_t sel, int type, int dpl)
{
	g->off_lo = type == GATE_TASK ? 0 : off & 0xFFFF;
	g->off_hi = type == GATE_TASK ? 0 : off >> 16;
	g->sel = sel;
	g->zero = 0;
	g->type_attr = 0x80 | (dpl << 5) | type;
}

uint32_t gate_offset(const struct gate *g)
{
	return g->off_lo | ((uint32_t)g->off_hi << 16);
}

static void dfault_tss_init(void)
{
	memset(&dfault_tss, 0, sizeof dfault_tss);
	dfault_tss.eip = (uint32_t)double_fault_kernel;
	dfault_tss.esp = (uint32_t)dfault_stack + sizeof dfault_stack;
	dfault_tss.cs = SEL_KCODE;
	dfault_tss.ss = dfault_tss.ds = dfault_tss.es = SEL_KDATA;
	dfault_tss.eflags = 0x2;
	dfault_tss.iomap = sizeof(struct tss);
	/* cr3 is filled in once the kernel directory exists (kvm_init). */
}

void kernel_tss_set_esp0(uint32_t esp0)
{
	boot_tss.esp0 = esp0;
}

void dfault_tss_set_cr3(uint32_t cr3)
{
	dfault_tss.cr3 = cr3;
}

void desc_init(void)
{
	dfault_tss_init();
	boot_tss.ss0 = SEL_KDATA;
	boot_tss.iomap = sizeof(struct tss);
	gdt_fill(kernel_gdt, (uint32_t)&boot_tss, (uint32_t)&dfault_tss);
	lgdt(&kernel_gdt_desc);
	__asm__ volatile("ljmp %0, $1f\n1:\n"
			 "mov %1, %%ax\n"
			 "mov %%ax, %%ds\n mov %%ax, %%es\n mov %%ax, %%ss\n"
			 "mov %%ax, %%fs\n mov %%ax, %%gs\n"
			 : : "i"(SEL_KCODE), "i"(SEL_KDATA) : "eax", "memory");
	ltr(SEL_TSS);
	/* The power-on LDTR (base 0, limit 0xFFFF) would read descriptors,
	 * call gates included, from a user's page 0: no LDT, ever. */
	lldt(0);
	trap_init_kernel_idt();
	lidt(&kernel_idt_desc);
}
