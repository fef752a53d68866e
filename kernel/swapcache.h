/* swapcache.h — slot -> frame for swapped pages that come back shared
 * (docs/memory.md, "Swap").
 *
 * When a process reads back a slot other entries still name (fork shared
 * the swapped page), the frame is remembered here with a reference of its
 * own, and the other sharers map that frame instead of reading a private
 * copy.  An entry goes when its slot's last reference goes, when a newer
 * slot takes its place in the table, or when the pager needs frames.
 */
#ifndef BOUNCE_SWAPCACHE_H
#define BOUNCE_SWAPCACHE_H

#include <stdint.h>

#define SWAPCACHE_SIZE 1024 /* entries: 8 KiB, at most 4 MiB of frames held */

/* The frame holding slot's page, or 0 if it is not cached. */
uint32_t swapcache_find(int slot);
/* Remember slot -> pa; the cache takes a reference to pa. */
void swapcache_add(int slot, uint32_t pa);
/* The slot is free: forget its frame, if cached. */
void swapcache_forget(int slot);
/* Memory is short: drop one entry.  With mapped = 0 only one whose frame
 * nobody maps (dropping it frees the frame); with mapped = 1 any (its
 * frame can then be paged out).  1 if one was dropped. */
int swapcache_shrink(int mapped);

#endif
