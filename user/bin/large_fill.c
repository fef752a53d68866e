/* large_fill — fill the whole space for tests/system/test_large.py, then
 * sleep so the shell can look at the page tables (k.mm.pageinfo) and
 * chase the window through them (k.window.move).
 *
 *   large_fill small TICKS  every free 4 MiB region reserved lazily with
 *                           4 KiB pages: a page table each, no frames
 *   large_fill large TICKS  every free 4 MiB region one large page
 *   large_fill full TICKS   the same, then every page left in the other
 *                           regions (image, stack, window) a small page of
 *                           its own, so no page is free; then it touches
 *                           the window TOUCHES times: each touch faults, and
 *                           the window, with no free page to go to, parks
 *                           in the next large page (splitting it; the one
 *                           it left coalesces again)
 *
 * "Free" regions hold none of the program's own pages and not the window
 * (that region stays small pages); in the shared layout the kernel's
 * range is not the user's either (map refuses it).  4 GiB of distinct
 * large pages do not fit in the emulators' 512 MiB, so the first DISTINCT
 * regions get large pages of their own and the others are large aliases
 * of those (map_frames with MAP_LARGE): every region is still one 4 MiB
 * directory entry, which is what the translation figures count.  The
 * line it prints says how many of each.
 */
#include "user.h"

#define DISTINCT 16
#define TOUCHES 50

static int region_free(uint32_t r, const struct window_info *w)
{
	for (uint32_t p = r * REGION_PAGES; p < (r + 1) * REGION_PAGES; p++)
		if (own_page(p) || window_page(w, p))
			return 0;
	return 1;
}

/* Every page of the regions large pages could not have, mapped small;
 * how many pages map refused. */
static uint32_t fill_the_rest(void)
{
	uint32_t refused = 0;
	for (uint32_t r = 0; r < NPAGES_4G / REGION_PAGES; r++)
		refused += map(VA_OF(r * REGION_PAGES), REGION_PAGES, MAP_WRITE | MAP_SKIP) < 0;
	return refused;
}

/* Read the page under the window TOUCHES times: each read faults and moves
 * the window on.  How many moves went to another 4 MiB region. */
static uint32_t touch_the_window(void)
{
	struct window_info w, after;
	uint32_t hops = 0;
	for (int i = 0; i < TOUCHES; i++) {
		window(&w);
		(void)*(volatile uint32_t *)w.va;
		window(&after);
		hops += (after.va >> 22) != (w.va >> 22);
	}
	return hops;
}

int main(int argc, char **argv)
{
	struct window_info w;
	uint32_t distinct = 0, aliases = 0, small = 0, src[DISTINCT];
	int full = argc > 1 && strcmp(argv[1], "full") == 0;
	int large = full || (argc > 1 && strcmp(argv[1], "large") == 0);

	window(&w);
	for (uint32_t r = 0; r < NPAGES_4G / REGION_PAGES; r++) {
		uint32_t va = VA_OF(r * REGION_PAGES);
		if (!region_free(r, &w))
			continue;
		if (!large)
			small += map(va, REGION_PAGES, MAP_LAZY | MAP_WRITE) == 0;
		else if (distinct < DISTINCT && map(va, REGION_PAGES, MAP_LARGE | MAP_WRITE) == 0)
			src[distinct++] = va;
		else if (distinct)
			aliases += map_frames(va, REGION_PAGES, src[r % distinct], REGION_PAGES, MAP_LARGE) == 0;
	}
	printf("large_fill: %u small regions, %u large pages (%u distinct, %u aliases)\n",
	       small, distinct + aliases, distinct, aliases);
	if (full) {
		uint32_t refused = fill_the_rest();
		printf("large_fill: the rest mapped small (%u regions refused); %u of %d touches of the "
		       "window moved it to another region\n", refused, w.pages ? touch_the_window() : 0, TOUCHES);
	}
	sleep(arg_decimal(argc, argv, 2, 1000));
	return 0;
}
