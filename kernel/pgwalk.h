// Read-only introspection of x86 32-bit non-PAE paging: 4 KiB pages and
// 4 MiB PSE pages (CR4.PSE assumed on). Page tables are read only through
// the caller's read32(pa, ctx), so this runs on the host against fake
// memory and in the kernel against any address space's CR3.

#ifndef BOUNCE_PGWALK_H
#define BOUNCE_PGWALK_H

#include <stddef.h>
#include <stdint.h>

#define PG_P    0x001u  // present
#define PG_W    0x002u  // writable
#define PG_U    0x004u  // user
#define PG_PWT  0x008u  // write-through
#define PG_PCD  0x010u  // cache disable
#define PG_A    0x020u  // accessed
#define PG_D    0x040u  // dirty
#define PG_PS   0x080u  // 4 MiB page (in a PDE)
#define PG_G    0x100u  // global
#define PG_FLAGS 0x1FFu

typedef uint32_t (*pg_read32_fn)(uint32_t pa, void *ctx);

struct pg_walk {
	uint32_t va, pde, pte, pa;      // pte is 0 for a 4 MiB page or no table
	int present, writable, user, large; // writable/user: effective (PDE & PTE)
};

// 0 if va is mapped, -1 if not (out still says how far it got: pde, and
// pte if a table exists).
int pg_walk(uint32_t cr3, uint32_t va, struct pg_walk *out, pg_read32_fn read32, void *ctx);

// A run of mapped pages: pa is the frame of lo, the pages' frames are
// contiguous and their flags equal. flags are the leaf entry's PG_FLAGS
// bits (PG_PS only for 4 MiB pages) with PG_W and PG_U made effective.
struct pg_range { uint32_t lo, hi_incl; uint32_t pa; uint32_t flags; }; // hi inclusive so 0xFFFFFFFF fits

// Call cb for each maximal range of mapped pages in [lo, hi_incl], clipped
// to it; returns 0, or the first non-zero cb result (which stops it).
int pg_ranges(uint32_t cr3, uint32_t lo, uint32_t hi_incl,
	      int (*cb)(const struct pg_range *, void *), void *cbctx,
	      pg_read32_fn read32, void *ctx);

// Seed 002 challenge 2's figures for one address space.
struct pg_info {
	uint32_t pde_present;           // present directory entries
	uint32_t pde_tables;            // ... of which point to page tables
	uint32_t pages_4k, pages_4m;    // present leaf mappings of each size
	uint32_t translation_pages;     // the directory plus its page tables
	// The same for what a user directory entry (PG_U) leads to: a
	// process's own part, without the kernel's entries it shares.
	uint32_t user_4k, user_4m, user_tables;
};
void pg_pageinfo(uint32_t cr3, struct pg_info *out, pg_read32_fn read32, void *ctx);

// Names of the set PG_FLAGS bits, space separated ("P W U A D"), in buf
// (truncated to n - 1 characters). Returns buf.
const char *pg_flag_names(uint32_t flags, char *buf, size_t n);

#endif
