/* large_fill — fill the whole space for tests/system/test_large.py, then
 * sleep so the shell can look at the page tables (k.mm.pageinfo) and
 * chase the window through them (k.window.move).
 *
 *   large_fill small TICKS  every free 4 MiB region reserved lazily with
 *                           4 KiB pages: a page table each, no frames
 *   large_fill large TICKS  every free 4 MiB region one large page
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

static uint32_t decimal(const char *s)
{
	uint32_t n = 0;
	while (*s >= '0' && *s <= '9')
		n = n * 10 + (uint32_t)(*s++ - '0');
	return n;
}

static int region_free(uint32_t r, const struct window_info *w)
{
	for (uint32_t p = r * REGION_PAGES; p < (r + 1) * REGION_PAGES; p++)
		if (own_page(p) || window_page(w, p))
			return 0;
	return 1;
}

int main(int argc, char **argv)
{
	struct window_info w;
	uint32_t distinct = 0, aliases = 0, small = 0, src[DISTINCT];
	int large = argc > 1 && strcmp(argv[1], "large") == 0;

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
	sleep(argc > 2 ? decimal(argv[2]) : 1000);
	return 0;
}
