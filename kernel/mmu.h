/* mmu.h — x86 32-bit paging: entry bits and address arithmetic. */
#ifndef BOUNCE_MMU_H
#define BOUNCE_MMU_H

#include <stdint.h>

#define PGSIZE 4096u
#define LARGE_PGSIZE (4096u * 1024u)
#define PDX(va) ((uint32_t)(va) >> 22)
#define PTX(va) (((uint32_t)(va) >> 12) & 0x3FF)
#define PGADDR(pdx, ptx) (((uint32_t)(pdx) << 22) | ((uint32_t)(ptx) << 12))
#define PTE_ADDR(e) ((e) & ~0xFFFu)
#define PGOFF(va) ((uint32_t)(va) & 0xFFF)

#define PTE_P 0x001
#define PTE_W 0x002
#define PTE_U 0x004
#define PTE_PWT 0x008
#define PTE_PCD 0x010
#define PTE_A 0x020
#define PTE_D 0x040
#define PTE_PS 0x080
#define PTE_G 0x100
#define PTE_COW 0x200  /* software: shared, copy on the first write */
#define PTE_LAZY 0x400 /* software, with P clear: reserved, zero-filled on first touch */
#define PTE_SWAP 0x800 /* software, with P clear: paged out, the swap slot in bits 12..31 (pager.h) */

/* Page-fault error code bits. */
#define PFERR_P 0x1 /* protection violation (else not present) */
#define PFERR_W 0x2 /* write */
#define PFERR_U 0x4 /* from user mode */

#endif
