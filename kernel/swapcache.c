/* swapcache.c — slot -> frame for swapped pages that come back shared
 * (docs/memory.md, "Swap").
 *
 * A direct-mapped table indexed by slot number: slots are handed out
 * from the bottom up, so the pages of one fork's shared region land in
 * different entries.  A collision drops the older entry; its sharers
 * then read private copies, which is correct, only not shared.  One CPU,
 * no preemption: no locks.
 */
#include "swapcache.h"
#include "buddy.h"

static struct {
	int slot;
	uint32_t pa; /* 0: empty (frame 0 is never a user page) */
} cache[SWAPCACHE_SIZE];
static unsigned used;        /* entries held: a shrink of an empty cache costs nothing */
static unsigned shrink_hand; /* where the last shrink stopped */

static unsigned index_of(int slot)
{
	return (unsigned)slot % SWAPCACHE_SIZE;
}

static void drop(unsigned i)
{
	page_unref(cache[i].pa);
	cache[i].pa = 0;
	used--;
}

uint32_t swapcache_find(int slot)
{
	unsigned i = index_of(slot);
	return cache[i].pa && cache[i].slot == slot ? cache[i].pa : 0;
}

void swapcache_add(int slot, uint32_t pa)
{
	unsigned i = index_of(slot);
	if (cache[i].pa)
		drop(i);
	page_ref(pa);
	cache[i].slot = slot;
	cache[i].pa = pa;
	used++;
}

void swapcache_forget(int slot)
{
	if (swapcache_find(slot))
		drop(index_of(slot));
}

int swapcache_shrink(int mapped)
{
	for (unsigned n = 0; used && n < SWAPCACHE_SIZE; n++) {
		unsigned i = shrink_hand++ % SWAPCACHE_SIZE;
		if (cache[i].pa && (mapped || page_refcount(cache[i].pa) == 1)) {
			drop(i);
			return 1;
		}
	}
	return 0;
}
