/* vm.h — user address spaces: one page directory per process, all 4 GiB.
 *
 * Nothing of the kernel is mapped in one except the window.  Frames are
 * reference counted (buddy.h), so fork shares them copy-on-write and
 * map_frames can show one frame at many addresses.
 */
#ifndef BOUNCE_VM_H
#define BOUNCE_VM_H

#include <stdint.h>
#include "mmu.h"
#include "window.h"

struct as {
	uint32_t pgdir;     /* physical address of the page directory (= kernel address) */
	struct window win;
	int refs;           /* threads sharing it */
	uint32_t pages;     /* user pages present (frames mapped with PTE_U) */
	uint32_t tables;    /* page tables allocated */
	uint32_t clock;     /* the pager's hand in this space (pager.c) */
};

struct as *as_create(void);
void as_get(struct as *as);
void as_put(struct as *as);                 /* drops a reference; frees at zero */
struct as *as_fork(struct as *parent);      /* copy-on-write copy, own window at the same place */

uint32_t *as_pte(struct as *as, uint32_t va, int create); /* NULL: no table (or no memory) */
int as_map_page(struct as *as, uint32_t va, uint32_t pa, uint32_t pteflags); /* takes a frame reference */
int as_map(struct as *as, uint32_t va, uint32_t npages, int mapflags);       /* MAP_* from abi.h */
int as_map_frames(struct as *as, uint32_t va, uint32_t npages, uint32_t src, uint32_t nsrc, int mapflags);
int as_unmap(struct as *as, uint32_t va, uint32_t npages);
/* One present user page; only AS_SETFLAGS, never clearing U: -EINVAL;
 * -EBUSY: a change of writability on a frame mapped more than once. */
int as_setflags(struct as *as, uint32_t va, uint32_t set, uint32_t clr);
#define AS_SETFLAGS (PTE_W | PTE_U | PTE_PWT | PTE_PCD | PTE_A | PTE_D)
int as_fault(struct as *as, uint32_t va, uint32_t err); /* 0: resolved, retry the access */
int as_range_ok(uint32_t va, uint32_t npages);           /* aligned, non-empty, no wrap */
void as_tlb_sync(struct as *as, uint32_t va);            /* an entry of as changed or went away */

#endif
