/* freepage.c — the free-page search (freepage.h). */
#include "freepage.h"
#include "mmu.h"

#define SPACE_PAGES (1u << 20)

int free_entry(uint32_t e)
{
	return !(e & PTE_P) && (e == 0 || (e & PTE_LAZY));
}

/* Page by page, so the start's own region is scanned on both sides of
 * the start: above it first, below it last. */
int free_page_find(uint32_t cr3, uint32_t start, int npages, pg_read32_fn read32, void *ctx, uint32_t *out)
{
	uint32_t first = start >> 12, pde = 0;
	int run = 0;
	/* npages - 1 more at the end: a run across the start counts too */
	for (uint32_t n = 0; n < SPACE_PAGES + npages - 1; n++) {
		uint32_t va = ((first + n) % SPACE_PAGES) << 12;
		if (n == 0 || PTX(va) == 0) {
			pde = read32(PTE_ADDR(cr3) + PDX(va) * 4, ctx);
			run = 0; /* a run stays within one region (one table) */
		}
		if (!(pde & PTE_P) || (!(pde & PTE_PS) && free_entry(read32(PTE_ADDR(pde) + PTX(va) * 4, ctx)))) {
			if (++run == npages) {
				*out = va - (uint32_t)(npages - 1) * PGSIZE;
				return 0;
			}
		} else {
			run = 0;
		}
	}
	return -1;
}
