/* pager.h — user pages out to swap slots and back (docs/memory.md, "Swap").
 *
 * A page that is out is a not-present entry with PTE_SWAP set and its
 * swap slot in the frame-number bits; W and COW stay where they were, so
 * the page comes back with the protection it had.  Page tables, the
 * window and kernel pages always stay resident.
 */
#ifndef BOUNCE_PAGER_H
#define BOUNCE_PAGER_H

#include <stdint.h>
#include "abi.h"
#include "mmu.h"
#include "swapslot.h"

struct as;

#define PAGER_SLOTS (1u << 20) /* slot numbers an entry can hold: 4 GiB of swap */

static inline int pte_swapped(uint32_t e) { return (e & (PTE_P | PTE_SWAP)) == PTE_SWAP; }
static inline int pte_slot(uint32_t e) { return (int)(e >> 12); }

/* A frame for user memory of as: page_alloc, and if none is free, pages
 * out victims of any process (the clock) until one is.  0 if nothing
 * could be freed (out of memory, out of swap). */
uint32_t pager_page_alloc(void);
/* Page out a victim of as alone, leaving its virtual page for the window
 * (window_relocate in a full space): 0 and *va, or -ENOMEM/-ENOSPC/-EIO. */
int pager_free_va(struct as *as, uint32_t *va);
int pager_page_out(struct as *as, uint32_t va); /* 0, -EBUSY (not a page it may take), -ENOSPC, -EIO */
/* The swapped page at va (entry *pte) back into a frame: 0 or -ENOMEM/-EIO. */
int pager_page_in(struct as *as, uint32_t va, uint32_t *pte);
/* One reference to slot goes; with the last, its swap-cache entry. */
void pager_slot_unref(int slot);
/* The slot an entry holds, if any, is dropped (unmap, free).  Inline:
 * freeing and forking a space call these for every entry. */
static inline void pager_drop(uint32_t e)
{
	if (pte_swapped(e))
		pager_slot_unref(pte_slot(e));
}

/* Fork: the child's entry shares the slot; 0 or -ENOMEM (too many sharers). */
static inline int pager_share(uint32_t e)
{
	return pte_swapped(e) && swap_slot_ref(pte_slot(e)) < 0 ? -ENOMEM : 0;
}

/* While a fault is served, the page it needs is never a victim. */
void pager_pin(struct as *as, uint32_t va);
void pager_unpin(void);

#endif
