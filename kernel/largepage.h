/* largepage.h — 4 MiB user pages: map, split, coalesce (docs/memory.md).
 *
 * A large page is a user directory entry with PTE_PS: one entry maps 1024
 * frames, 4 MiB aligned in both spaces.  It holds one reference on each of
 * its 1024 frames, as 1024 small entries would, so a split or a coalesce
 * changes no reference count and a split page's frames can go one by one.
 */
#ifndef BOUNCE_LARGEPAGE_H
#define BOUNCE_LARGEPAGE_H

#include <stdint.h>

struct as;
int large_at(const struct as *as, uint32_t va);   /* va's 4 MiB region is a user large page */
int large_map(struct as *as, uint32_t va, uint32_t npages, int mapflags); /* map with MAP_LARGE */
int large_map_frames(struct as *as, uint32_t va, uint32_t npages, uint32_t src, uint32_t nsrc, int mapflags);
int large_map_block(struct as *as, uint32_t va, uint32_t pa, uint32_t pteflags); /* one more reference on each frame */
int large_split(struct as *as, uint32_t va);      /* 0 (also when va's region is not large) or -ENOMEM */
void large_coalesce(struct as *as, uint32_t va);  /* va's region, if it is whole again */
void large_coalesce_range(struct as *as, uint32_t lo, uint32_t hi_incl);
int large_unmap(struct as *as, uint32_t va, uint32_t npages); /* pages taken off whole (1024 or 0), or -ENOMEM */
void large_release(uint32_t pde);                 /* drop the frame references of a large entry */
int large_fault(struct as *as, uint32_t va, uint32_t err); /* a fault in a large page; 0: retry */
int large_fork(struct as *parent, struct as *child, int pdx); /* 1: shared whole, 0: copy it as a table */
uint32_t large_frame(struct as *as, uint32_t va); /* the frame of user page va, small or large; 0 if none */
int large_find(const struct as *as, uint32_t start, uint32_t *va); /* a page of a large page, after start's region */

#endif
