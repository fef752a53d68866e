/* t_swap_window — the window in a space with no free page.
 *
 * The space is filled as t_4gb_map fills it (1024 frames shared by 2^20
 * pages), but a few regions hold distinct pages of their own instead:
 * frames mapped once, which the pager may write to disk.  Every page is
 * the user's, so each touch of the window leaves the kernel nowhere to
 * move it but onto a page it first pages out (docs/memory.md, "Swap");
 * the page comes back when touched.  1000 touches, then every tag.
 */
#include "user.h"

#define ROUNDS 1000
#define OWN_REGIONS 8		/* regions of distinct pages */

static uint32_t own_region(const struct fill4g *f, int i)
{
	uint32_t r = 300 + (uint32_t)i * 80;	/* spread out, clear of image (256) and stack (1023) */

	while (r == f->src_region || r == PAGE_OF(f->w.va) / REGION_PAGES)
		r++;
	return r;
}

static int make_own(const struct fill4g *f)
{
	int i, err;

	for (i = 0; i < OWN_REGIONS; i++) {
		uint32_t va = VA_OF(own_region(f, i) * REGION_PAGES);

		if ((err = unmap(va, REGION_PAGES)) < 0 || (err = map(va, REGION_PAGES, MAP_WRITE)) < 0)
			return err;
	}
	return 0;
}

int main(void)
{
	struct fill4g f;
	struct window_info w, now;
	uint32_t bad, on_user = 0, moved = 0, r = 12345;
	int i, err;

	skip_all_if_shared();
	plan(4);
	fill4g_map(&f);
	err = make_own(&f);
	/* the window's own page becomes the user's too: a lazy reservation */
	ok(f.errors == 0 && err == 0 && map(f.w.va, 1, MAP_WRITE | MAP_LAZY) == 0,
	   "space full: %u shared pages, %u distinct ones, the window's page reserved (%d)",
	   f.mapped - OWN_REGIONS * REGION_PAGES, OWN_REGIONS * REGION_PAGES, err);
	fill4g_write_tags(&f);
	diag("tags written");
	for (i = 0; i < ROUNDS; i++) {
		window(&w);
		r = r * 1103515245u + 12345u;
		/* a read at a random word of the window: the page is the user's
		 * (perhaps the program's own text, so no writes) */
		(void)((volatile uint32_t *)w.va)[(r >> 8) % (PAGE_SIZE / 4)];
		window(&now);
		moved += now.va != w.va;
		on_user += now.va != f.w.va; /* every other page is the user's */
	}
	ok(moved == ROUNDS, "%d touches moved the window %u times", ROUNDS, moved);
	ok(on_user == ROUNDS, "%u times onto a page of the user's, paged out for it", on_user);
	bad = fill4g_check_tags(&f);
	ok(bad == 0, "all %u tags read back (%u wrong)", f.mapped, bad);
	done();
}
