// Physical memory: a buddy allocator of naturally aligned 2^order-page
// blocks, page reference counts, and JOS-style contiguous "b_" blocks (docs/memory.md).
//
// Physical addresses are uint32_t and never dereferenced here: all
// bookkeeping lives in a metadata array the caller provides, one entry per
// frame, so the allocator runs unchanged in unit tests on the host.
// Physical page 0 is never handed out, because 0 means "none".

#ifndef BOUNCE_BUDDY_H
#define BOUNCE_BUDDY_H

#include <stddef.h>
#include <stdint.h>

#define BUDDY_MAX_ORDER 10          // largest block: 2^10 pages = 4 MiB
#define PAGE_SIZE_BYTES 4096u       // the frame size

// Metadata size for npages frames (give buddy_init that many bytes).
size_t buddy_meta_bytes(uint32_t npages);

// Manage frames [base_pa, base_pa + npages*4096); all start reserved.
// base_pa must be page aligned. Calling it again forgets everything.
void buddy_init(uint32_t base_pa, uint32_t npages, void *meta);

// Make the whole pages inside [lo_pa, hi_pa) free. Pages outside the
// managed range, page 0, and pages already released are ignored.
void buddy_release(uint32_t lo_pa, uint32_t hi_pa);

// 2^order pages, naturally aligned, refcount 1; 0 = none left.
uint32_t buddy_alloc(unsigned order);

// Free a block start as returned by buddy_alloc whose refcount is 1;
// it coalesces with its free buddies. Anything else calls buddy_corrupt.
void buddy_free(uint32_t pa);

uint32_t page_alloc(void);          // = buddy_alloc(0)

// 2^order pages, naturally aligned, each its own refcounted page (refcount
// 1), so each can be mapped and freed alone; 0 = none left. The frames
// coalesce back into the block as the last of them is freed.
uint32_t buddy_alloc_frames(unsigned order);
void     page_ref(uint32_t pa);     // refcount++ (copy-on-write, shared frames)
unsigned page_unref(uint32_t pa);   // refcount--; frees the block at 0; returns the new count
unsigned page_refcount(uint32_t pa); // 0 unless pa starts a buddy_alloc'd block

// pa is a frame this allocator manages: inside the range and released
// (free or allocated), i.e. not a reserved frame such as the kernel image.
int buddy_owns(uint32_t pa);

struct buddy_info {
	uint32_t total_pages;       // pages released to the allocator
	uint32_t free_pages;
	uint32_t used_pages;        // refcounted blocks and b_ blocks
	uint32_t free_blocks[BUDDY_MAX_ORDER + 1]; // free blocks of each order
};
void buddy_info(struct buddy_info *out);

// Seed 002 challenge 4: physically contiguous blocks of any byte size,
// tracked as blocks. They share the allocator with refcounted frames;
// each frame's metadata says which kind of block it heads.

// Round bytes up to 2^k pages (min 1 page, max 4 MiB); 0 = none.
uint32_t b_malloc(uint32_t bytes);

// 0, or -1 if pa is not the start of a live b_ block.
int b_free(uint32_t pa);

// Split the b_ block at pa into n equal b_ blocks, written to out[0..n-1]
// in address order. Returns 0 or:
#define B_ESPLITN   (-1)    // n < 2 or not a power of two
#define B_EBLOCK    (-2)    // pa is not the start of a live b_ block
#define B_ETOOMANY  (-3)    // pieces would be smaller than a page
int b_split(uint32_t pa, unsigned n, uint32_t *out);

// Merge n b_ blocks (any order in pas[]) back into the block they were
// split from. Seed 004's rule: only buddies merge — the n blocks must be
// equal-sized and exactly tile one naturally aligned block of n times
// their size. Returns that block's start, or 0 if they do not.
uint32_t b_coalesce(unsigned n, const uint32_t *pas);

// List live b_ blocks in address order: fills up to max entries and
// returns how many there are in total (may exceed max).
int b_blocks(uint32_t *pa, uint32_t *bytes, int max);

// Defined by the kernel (a panic); called on buddy_free/page_ref/page_unref
// of something that is not a live refcounted block. If it returns, the
// offending call does nothing.
void buddy_corrupt(const char *why, uint32_t pa);

#endif
