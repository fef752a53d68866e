/* fill4g.c — map every free page of the 4 GiB space with 1024 frames.
 *
 * One 4 MiB source region is mapped normally; then page j of every other
 * region r gets the frame of the source's page j (SYS_map_frames), so
 * 2^20 pages cost 4 MiB of frames plus the page tables.  Page p = r*1024+j
 * keeps its tag at offset 4*r of its page: every (frame, offset) slot
 * belongs to exactly one page, so all tags can live side by side and a
 * wrong frame anywhere shows up as a wrong tag.
 */
#include "user.h"

#define TAG_MARK 0x7A000000u	/* keeps every tag non-zero: page 0's too */

uint32_t fill4g_tag(uint32_t page)
{
	return TAG_MARK | page;
}

volatile uint32_t *fill4g_slot(uint32_t page)
{
	return (volatile uint32_t *)(VA_OF(page) + 4 * (page / REGION_PAGES));
}

int fill4g_mapped(const struct fill4g *f, uint32_t page)
{
	return !own_page(page) && !window_page(&f->w, page);
}

static int region_is_free(const struct fill4g *f, uint32_t r)
{
	uint32_t j;

	for (j = 0; j < REGION_PAGES; j++)
		if (!fill4g_mapped(f, r * REGION_PAGES + j))
			return 0;
	return 1;
}

static void share_run(uint32_t first, uint32_t n, void *arg)
{
	struct fill4g *f = arg;
	uint32_t src = VA_OF(f->src_region * REGION_PAGES + first % REGION_PAGES);
	int err = map_frames(VA_OF(first), n, src, n, 0);

	if (err < 0) {
		diag("map_frames(%#x, %u) = %d", VA_OF(first), n, err);
		f->errors++;
	} else {
		f->mapped += n;
	}
}

void fill4g_map(struct fill4g *f)
{
	uint32_t r;
	int err;

	f->mapped = 0;
	f->errors = 0;
	window(&f->w);
	for (f->src_region = 512; !region_is_free(f, f->src_region); f->src_region++)
		;
	err = map(VA_OF(f->src_region * REGION_PAGES), REGION_PAGES, MAP_WRITE);
	if (err < 0) {
		diag("map(source %#x) = %d", VA_OF(f->src_region * REGION_PAGES), err);
		f->errors++;
		return;
	}
	f->mapped = REGION_PAGES;
	for (r = 0; r < NPAGES_4G / REGION_PAGES; r++) {
		free_runs(r, f->src_region, &f->w, share_run, f);
		if (r % 128 == 127)
			diag("mapped regions 0..%u: %u pages", r, f->mapped);
	}
}

void fill4g_write_tags(const struct fill4g *f)
{
	uint32_t page;

	for (page = 0; page < NPAGES_4G; page++)
		if (fill4g_mapped(f, page))
			*fill4g_slot(page) = fill4g_tag(page);
}

/* Returns how many mapped pages do not hold their own tag. */
uint32_t fill4g_check_tags(const struct fill4g *f)
{
	uint32_t page, bad = 0;

	for (page = 0; page < NPAGES_4G; page++) {
		if (!fill4g_mapped(f, page) || *fill4g_slot(page) == fill4g_tag(page))
			continue;
		if (bad++ < 5)
			diag("page %#x holds %#x", VA_OF(page), *fill4g_slot(page));
	}
	return bad;
}
