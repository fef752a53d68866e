/* swap_full — the whole 4 GiB space of distinct pages, through swap.
 *
 * Maps every page the program does not already use (its image, stack and
 * the window) with a page of its own, lowest first, writes tags into each
 * (swapfill.c) and reads them all back, top down.  Nearly all of it goes
 * out to swap slots and comes back (docs/memory.md, "Swap").  A full run
 * is about 2x10^10 instructions, so it is not in the 4 GiB suite (whose
 * programs, and only they, are named t_*: run_4gb_tests.lua runs them all): `make
 * swap-full` runs it; an argument (pages, decimal) stops the fill early,
 * as tests/system/test_swap.py does.  Every 64 Ki pages it says how far
 * it got.  In the shared layout the kernel's range is not the user's: the
 * first diagnostic says how big the space is.
 */
#include "user.h"

#define PROGRESS (64u * 1024)

struct full {
	struct window_info w;
	uint32_t limit;		/* pages to fill */
	uint32_t done;		/* pages filled or checked so far */
	uint32_t end;		/* one past the highest page filled */
	uint32_t bad;
	int err;
	const char *what;
};

/* Counts n more pages, saying so at each multiple of PROGRESS. */
static void advance(struct full *f, uint32_t n)
{
	if ((f->done + n) / PROGRESS != f->done / PROGRESS)
		printf("swap_full: %u pages %s (tick %u)\n",
		       (f->done + n) / PROGRESS * PROGRESS, f->what, ticks());
	f->done += n;
}

static void fill_run(uint32_t first, uint32_t n, void *arg)
{
	struct full *f = arg;

	if (f->err || f->done >= f->limit)
		return;
	if (n > f->limit - f->done)
		n = f->limit - f->done;
	if ((f->err = map(VA_OF(first), n, MAP_WRITE | MAP_LAZY)) < 0) {
		diag("map(%#x, %u) = %d", VA_OF(first), n, f->err);
		return;
	}
	for (uint32_t i = 0; i < n; i += 1024) {
		uint32_t k = n - i < 1024 ? n - i : 1024;
		swap_write_tags(VA_OF(first + i), k, 0);
		advance(f, k);
	}
	f->end = first + n;
}

static void check_run(uint32_t first, uint32_t n, void *arg)
{
	struct full *f = arg;

	if (first >= f->end)
		return;
	if (n > f->end - first)
		n = f->end - first;
	f->bad += swap_check(VA_OF(first), n, 0);
	advance(f, n);
}

int main(int argc, char **argv)
{
	struct full f = { .limit = arg_decimal(argc, argv, 1, NPAGES_4G) };
	uint32_t space = swap_user_space(), r0 = (NPAGES_4G - space) / REGION_PAGES;
	uint32_t t0 = ticks(), filled, r;

	plan(2);
	window(&f.w);
	diag("the space a user may fill: %u pages from %#x to the top; filling %u at most",
	     space, VA_OF(r0 * REGION_PAGES), f.limit);
	f.what = "tagged";
	for (r = r0; r < NPAGES_4G / REGION_PAGES; r++)
		free_runs(r, ~0u, &f.w, fill_run, &f);
	filled = f.done;
	ok(f.err == 0 && (filled == f.limit || f.limit >= space - own_page_count()),
	   "%u distinct pages (%u MiB) mapped and tagged (%d)", filled, filled / 256, f.err);
	diag("%u ticks", ticks() - t0);
	f.done = 0;
	f.what = "checked";
	for (r = NPAGES_4G / REGION_PAGES; r-- > r0;)
		free_runs(r, ~0u, &f.w, check_run, &f);
	ok(f.bad == 0 && f.done == filled, "all %u pages read back with their tags (%u wrong)",
	   f.done, f.bad);
	diag("%u ticks", ticks() - t0);
	done();
}
