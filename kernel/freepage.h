/* freepage.h — finding a free page in an address space, for the window.
 *
 * Pure: page tables are read only through the caller's read32 (as in
 * pgwalk.h), so the same search runs in the kernel and on the host
 * against fake memory (tests/unit/test_freepage.c).
 */
#ifndef BOUNCE_FREEPAGE_H
#define BOUNCE_FREEPAGE_H

#include <stdint.h>
#include "pgwalk.h"

/* The first run of npages free pages within one 4 MiB region, whose last
 * page lies at or after start, going up and wrapping around past
 * 0xFFFFFFFF back to start: every page of the space is looked at once.
 * A page is free if no table covers it or its entry is 0 or only a lazy
 * reservation (PTE_LAZY, not present).  0 and *va (the run's first
 * page), or -1 if there is none. */
/* A free entry: 0, or only a lazy reservation. */
int free_entry(uint32_t e);
int free_page_find(uint32_t cr3, uint32_t start, int npages, pg_read32_fn read32, void *ctx, uint32_t *va);

#endif
