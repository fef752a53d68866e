/* space.c — which pages of the 4 GiB space a program already uses.
 *
 * A program owns its image (user.ld keeps it one run of pages from
 * __image_start to _end) and the 16 stack pages at the top; the window's
 * K pages belong to the kernel.  Everything else is the tests' to map.
 */
#include "user.h"

static uint32_t image_first(void) { return PAGE_OF(__image_start); }
static uint32_t image_last(void)  { return PAGE_OF((uint32_t)_end - 1); }

int own_page(uint32_t page)
{
	return (page >= image_first() && page <= image_last()) ||
	       page >= PAGE_OF(STACK_BOTTOM);
}

uint32_t own_page_count(void)
{
	return image_last() - image_first() + 1 +
	       (NPAGES_4G - PAGE_OF(STACK_BOTTOM));
}

int window_page(const struct window_info *w, uint32_t page)
{
	return w->pages && (page == PAGE_OF(w->va) || page == PAGE_OF(w->code));
}

void free_runs(uint32_t r, uint32_t busy, const struct window_info *w,
	       void (*fn)(uint32_t first, uint32_t n, void *arg), void *arg)
{
	uint32_t page = r * REGION_PAGES, end = page + REGION_PAGES;
	uint32_t first;

	if (r == busy)
		return;
	while (page < end) {
		while (page < end && (own_page(page) || window_page(w, page)))
			page++;
		first = page;
		while (page < end && !own_page(page) && !window_page(w, page))
			page++;
		if (page > first)
			fn(first, page - first, arg);
	}
}
