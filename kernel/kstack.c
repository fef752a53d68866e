/* kstack.c — kernel stacks in the stack area, each above an unmapped guard.
 *
 * The area is one page table's worth of addresses (4 MiB).  A stack takes
 * KSTACK_GUARD / PGSIZE unmapped pages and then its own pages, each a frame
 * of its own: the kernel reaches its stacks only through these addresses,
 * never as physical ones.  New stacks are filled with a pattern so that the
 * deepest point a stack ever reached can be read back (kstack_used).
 */
#include "kstack.h"
#include "buddy.h"
#include "klib.h"
#include "kvm.h"
#include "mmu.h"
#include "proc.h"
#include "x86.h"

#define AREA_PAGES 1024
#define GUARD_PAGES (KSTACK_GUARD / PGSIZE)
#define FILL 0x5CA1AB1Eu

uint32_t kstack_table[1024] __attribute__((aligned(4096)));
static uint8_t taken[AREA_PAGES]; /* a stack's page or a guard page */

static uint32_t page_va(uint32_t i)
{
	return kstack_area() + i * PGSIZE;
}

/* First fit: the first run of n untaken pages. */
static int find_run(uint32_t n)
{
	for (uint32_t i = 0, run = 0; i < AREA_PAGES; i++) {
		run = taken[i] ? 0 : run + 1;
		if (run == n)
			return i + 1 - n;
	}
	return -1;
}

static void unmap(uint32_t first, uint32_t n)
{
	for (uint32_t i = first; i < first + n; i++) {
		if (kstack_table[i] & PTE_P)
			buddy_free(PTE_ADDR(kstack_table[i]));
		kstack_table[i] = 0;
		invlpg(page_va(i));
	}
}

uint32_t kstack_alloc(uint32_t size)
{
	uint32_t n = size / PGSIZE;
	int at = find_run(GUARD_PAGES + n);
	if (size % PGSIZE || !n || at < 0)
		return 0;
	uint32_t first = at + GUARD_PAGES;
	for (uint32_t i = first; i < first + n; i++) {
		uint32_t pa = page_alloc();
		if (!pa) {
			unmap(first, i - first);
			return 0;
		}
		kstack_table[i] = pa | PTE_P | PTE_W;
	}
	memset(taken + at, 1, GUARD_PAGES + n);
	uint32_t *w = (uint32_t *)page_va(first);
	for (uint32_t i = 0; i < size / 4; i++)
		w[i] = FILL;
	return page_va(first);
}

void kstack_free(uint32_t lo, uint32_t size)
{
	uint32_t first = (lo - kstack_area()) / PGSIZE;
	unmap(first, size / PGSIZE);
	memset(taken + first - GUARD_PAGES, 0, GUARD_PAGES + size / PGSIZE);
}

uint32_t kstack_used(uint32_t lo, uint32_t size)
{
	const uint32_t *w = (const uint32_t *)lo;
	uint32_t i = 0;
	while (i < size / 4 && w[i] == FILL)
		i++;
	return size - i * 4;
}

/* Start measuring again: the pattern back below the live part of the
 * stack the caller runs on (a margin below this frame stays as it is).
 * Interrupts stay off meanwhile: a handler would push its frames into the
 * very region being filled. */
void kstack_reset_mark(uint32_t lo)
{
	uint32_t *w = (uint32_t *)lo, below = (uint32_t)__builtin_frame_address(0) - 1024;
	uint32_t f = irq_save();
	for (uint32_t i = 0; lo + i * 4 < below; i++)
		w[i] = FILL;
	irq_restore(f);
}
