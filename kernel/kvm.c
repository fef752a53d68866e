/* kvm.c — the kernel's page directory.
 *
 * Physical memory is mapped 1:1 with 4 MiB pages, except the first 4 MiB,
 * which get a page table so that page 0 can stay unmapped and a null
 * pointer in the kernel faults.  Above RAM come the copy slot and the
 * kernel stack area (kstack.c), whose page table leaves a guard below each
 * stack.  The directory itself is static, so its physical address is known
 * before paging is on.
 */
#include "kvm.h"
#include "desc.h"
#include "kstack.h"
#include "klib.h"
#include "log.h"
#include "mmu.h"
#include "x86.h"

uint32_t kernel_pgdir[1024] __attribute__((aligned(4096)));
uint32_t copy_slot_pdx;
enum layout kernel_layout;
static uint32_t low_table[1024] __attribute__((aligned(4096)));
static uint32_t ram_top;

uint32_t kvm_ram_top(void)
{
	return ram_top;
}

/* The stack area: the 4 MiB right above the copy slot. */
uint32_t kstack_area(void)
{
	return (copy_slot_pdx + 1) << 22;
}

uint32_t kvm_end(void)
{
	return kstack_area() + LARGE_PGSIZE;
}

int kvm_phys_ok(uint32_t pa, uint32_t len)
{
	return pa >= PGSIZE && len <= ram_top && pa <= ram_top - len;
}

void kvm_init(uint32_t top, enum layout layout)
{
	kernel_layout = layout;
	if (top > 0x3F800000u)
		top = 0x3F800000u; /* RAM, the slot and the stacks stay below user programs (0x40000000) */
	ram_top = ROUNDUP(top, LARGE_PGSIZE);
	copy_slot_pdx = PDX(ram_top);
	for (uint32_t i = 1; i < 1024; i++)
		low_table[i] = (i * PGSIZE) | PTE_P | PTE_W;
	kernel_pgdir[0] = (uint32_t)low_table | PTE_P | PTE_W;
	for (uint32_t pdx = 1; pdx < PDX(ram_top); pdx++)
		kernel_pgdir[pdx] = (pdx << 22) | PTE_PS | PTE_P | PTE_W;
	kernel_pgdir[PDX(kstack_area())] = (uint32_t)kstack_table | PTE_P | PTE_W;

	dfault_tss_set_cr3((uint32_t)kernel_pgdir);
	lcr4(rcr4() | CR4_PSE);
	lcr3((uint32_t)kernel_pgdir);
	/* The BIOS hands over with the caches off (CD, NW): turn them on. */
	lcr0((rcr0() | CR0_PG | CR0_WP) & ~(CR0_CD | CR0_NW));
}

/* The shared layout: the kernel's entries, supervisor-only, in a user
 * directory.  The copy slot's entry stays per directory (copy.c writes it
 * into whichever directory is loaded); the stack area's page table is the
 * kernel's own, so stacks made later appear in every directory. */
void kvm_share(uint32_t *pgdir)
{
	for (uint32_t pdx = 0; pdx < copy_slot_pdx; pdx++)
		pgdir[pdx] = kernel_pgdir[pdx];
	pgdir[PDX(kstack_area())] = kernel_pgdir[PDX(kstack_area())];
}
