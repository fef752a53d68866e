/* t_swap_fill — more distinct pages than physical memory holds.
 *
 * SWAP_PAGES lazily reserved pages, each written with tags of its own,
 * are more than the free frames: the kernel pages some out to swap slots
 * on the way (docs/memory.md, "Swap"), and reading every tag back pages
 * them in again.  Then the pages are unmapped and mapped again, which
 * must give zeroed pages: the slots were dropped with the entries.
 * In the shared layout the space the user may fill is smaller (the
 * kernel's range is not the user's): the first diagnostic says how big.
 */
#include "user.h"

int main(void)
{
	uint32_t t0 = ticks(), bad, space;
	int err;

	plan(4);
	space = swap_user_space();
	diag("the space a user may fill: %u pages from %#x to the top", space,
	     VA_OF(NPAGES_4G - space));
	err = swap_fill(SWAP_BASE, SWAP_PAGES, 0);
	ok(err == 0, "%u distinct pages (%u MiB) mapped and tagged (%d)",
	   SWAP_PAGES, SWAP_PAGES / 256, err);
	bad = swap_check(SWAP_BASE, SWAP_PAGES, 0);
	ok(bad == 0, "all %u pages read back with their tags (%u wrong)", SWAP_PAGES, bad);
	diag("%u ticks", ticks() - t0);
	ok(unmap(SWAP_BASE, SWAP_PAGES) == 0 && map(SWAP_BASE, 1, MAP_WRITE) == 0 &&
	   *(volatile uint32_t *)SWAP_BASE == 0, "unmapped and mapped again: zeroed");
	bad = swap_check(SWAP_BASE, 1, 0);
	ok(bad == 1, "the old tag is gone");
	done();
}
