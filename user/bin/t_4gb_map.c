/* t_4gb_map — map every page of the 4 GiB space but the window's.
 *
 * 1024 frames cover 2^20 pages (see fill4g.c).  The kernel accepting
 * every run (no EEXIST) shows nothing of its own is mapped in this space
 * but the window; every page gets its own tag, and reading them all back
 * proves each page maps the frame it should.
 */
#include "user.h"

#define PROBES 64

/* Every page but the window's is the user's now, so the window has
 * nowhere to go: probe pages spread over the whole space. */
static int full_everywhere(const struct fill4g *f)
{
	uint32_t i, page;

	for (i = 0; i < PROBES; i++) {
		page = (i * (NPAGES_4G / PROBES) + i * 977u) % NPAGES_4G;
		if (window_page(&f->w, page))
			continue;
		if (window_move(VA_OF(page)) != -EBUSY)
			return 0;
	}
	return 1;
}

int main(void)
{
	struct fill4g f;
	struct window_info after;
	uint32_t expect, bad, t0;

	skip_all_if_shared();
	plan(7);
	fill4g_map(&f);
	ok(f.w.pages >= 1 && f.w.va % PAGE_SIZE == 0,
	   "window at %#x, %u page(s)", f.w.va, f.w.pages);
	ok(f.errors == 0, "every map_frames call succeeded (%d failed)", f.errors);
	expect = NPAGES_4G - f.w.pages - own_page_count();
	ok(f.mapped == expect, "mapped %u pages = 2^20 - K(%u) - own(%u)",
	   f.mapped, f.w.pages, own_page_count());
	if (f.errors)
		done();		/* touching a page that failed to map would kill us */

	diag("writing %u tags", f.mapped);
	fill4g_write_tags(&f);
	diag("reading them back");
	bad = fill4g_check_tags(&f);
	ok(bad == 0, "all %u tags read back (%u wrong)", f.mapped, bad);

	window(&after);
	ok(after.va == f.w.va, "window still at %#x after touching every other page",
	   after.va);
	ok(full_everywhere(&f), "the space is full: window_move to %d pages "
	   "spread over it all give EBUSY", PROBES);
	t0 = ticks();
	sleep(1);
	ok(ticks() > t0 && getpid() > 0, "timer and system calls still work");
	done();
}
