/* swapfill.c — many distinct pages, each with tags of its own.
 *
 * Every page gets two words: its tag at the start and its complement at
 * the end, so a page read back from the wrong slot, a zeroed page or a
 * page of another salt (another process's view) all show up.  Checks go
 * from the last page down: the pages written last are still in memory, so
 * only those the pager wrote out come back (upwards, a sweep larger than
 * memory would make every page fault: slow, and no more to the point).
 */
#include "user.h"

uint32_t swap_tag(uint32_t page, uint32_t salt)
{
	return 0x5A000000u ^ page ^ (salt * 0x9E3779B9u);
}

void swap_write_tags(uint32_t base, uint32_t npages, uint32_t salt)
{
	uint32_t i;

	for (i = 0; i < npages; i++) {
		volatile uint32_t *p = (volatile uint32_t *)(base + i * PAGE_SIZE);
		uint32_t tag = swap_tag(PAGE_OF(p), salt);

		p[0] = tag;
		p[PAGE_SIZE / 4 - 1] = ~tag;
	}
}

int swap_fill(uint32_t base, uint32_t npages, uint32_t salt)
{
	int err = map(base, npages, MAP_WRITE | MAP_LAZY);

	if (err < 0)
		return err;
	swap_write_tags(base, npages, salt);
	return 0;
}

uint32_t swap_check(uint32_t base, uint32_t npages, uint32_t salt)
{
	uint32_t i, bad = 0;

	for (i = npages; i-- > 0;) {
		volatile uint32_t *p = (volatile uint32_t *)(base + i * PAGE_SIZE);
		uint32_t tag = swap_tag(PAGE_OF(p), salt);

		if (p[0] == tag && p[PAGE_SIZE / 4 - 1] == ~tag)
			continue;
		if (bad++ < 5)
			diag("page %#x holds %#x ... %#x, want %#x", (uint32_t)p, p[0],
			     p[PAGE_SIZE / 4 - 1], tag);
	}
	return bad;
}

/* Pages from the lowest 4 MiB region that is not the kernel's (map says
 * EINVAL there) to the top. */
uint32_t swap_user_space(void)
{
	uint32_t r;
	int err = -EINVAL;

	for (r = 0; r < NPAGES_4G / REGION_PAGES && err == -EINVAL; r++)
		if ((err = map(VA_OF(r * REGION_PAGES), 1, MAP_LAZY)) == 0)
			unmap(VA_OF(r * REGION_PAGES), 1);	/* it was free */
	return NPAGES_4G - (r - 1) * REGION_PAGES;
}
