/* t_large_pages — 4 MiB pages for users (docs/memory.md, "Large pages").
 *
 * Maps two large pages with MAP_LARGE, tags every 4 KiB page in them, and
 * checks the tags survive what splits and coalesces them: the window
 * moved into one and touched out again (bounce layout only: the shared
 * layout has no window), a partial unmap, a fork whose child writes, and
 * a large alias (map_frames with MAP_LARGE); and an order-10 capability
 * block mapped at a 4 MiB-aligned address.  That a mapping is large shows
 * where the window may go: it parks on a page of a large page, while a
 * small page is EBUSY.  The kernel's @split and
 * @coalesce announcements and k.mm.pageinfo show the splits themselves
 * (tests/system/test_large.py); here only what the user can see counts.
 */
#include "user.h"

#define A 0xC0000000u		/* two large pages; above the shared layout's kernel range */
#define B 0xC1000000u		/* a large alias of A's first */
#define C 0xC2000000u		/* an order-10 capability block */
#define NTAG 2048u		/* A's pages */
#define CHILD_WRITES 16

static volatile uint32_t *page_at(uint32_t base, uint32_t i)
{
	return (volatile uint32_t *)(base + VA_OF(i));
}

static uint32_t tag_of(uint32_t i) { return 0x1A260000u ^ (i * 2654435761u); }

static void write_tags(void)
{
	for (uint32_t i = 0; i < NTAG; i++)
		*page_at(A, i) = tag_of(i);
}

/* Pages of A whose tag is wrong, page skip (a page the caller changed) apart. */
static uint32_t bad_tags(uint32_t skip)
{
	uint32_t bad = 0;
	for (uint32_t i = 0; i < NTAG; i++)
		bad += i != skip && *page_at(A, i) != tag_of(i);
	return bad;
}

static uint32_t child_page(int k) { return (uint32_t)k * 61 + 3; }

/* The child writes its own tags to some pages of the first large page
 * (copy-on-write) and checks those and every other: 0 if all is right.
 * First the kernel writes into it (a system call's result): the fault in
 * the copy splits the large page under the kernel's feet. */
static int child(void)
{
	struct window_info *in_large = (struct window_info *)(A + VA_OF(77) + 8), w;
	uint32_t bad = 0;

	if (window(in_large) != 0 || window(&w) != 0 || in_large->va != w.va)
		return 2;	/* the tags are at offset 0: window() wrote beside them */
	for (int k = 0; k < CHILD_WRITES; k++)
		*page_at(A, child_page(k)) = ~tag_of(child_page(k));
	for (uint32_t i = 0; i < NTAG; i++) {
		int mine = 0;
		for (int k = 0; k < CHILD_WRITES; k++)
			mine |= child_page(k) == i;
		bad += *page_at(A, i) != (mine ? ~tag_of(i) : tag_of(i));
	}
	return bad != 0;
}

static void window_tests(void)
{
	struct window_info w0, w;
	uint32_t inside = A + 0x123000;

	window(&w0);
	ok(window_move(inside) == 0, "window_move into a large page is allowed");
	window(&w);
	ok(w.va == inside, "the window sits at %#x, inside the large page", w.va);
	ok(*page_at(A, PAGE_OF(inside - A)) == tag_of(PAGE_OF(inside - A)),
	   "touching the page under the window brings it back, tag intact");
	window(&w);
	ok(w.va != inside, "the touch moved the window away (to %#x)", w.va);
	ok(bad_tags(~0u) == 0, "every tag intact after the split and the coalesce");
	ok(window_move(A + 0x200000) == 0 && window_move(w0.va) == 0,
	   "coalesced again: the window parks in it once more, then goes back to %#x", w0.va);
}

/* An order-10 block (the whole spawn quota) maps as one large page. */
static void cap_tests(int shared)
{
	struct window_info w0;
	int m = cap_alloc(0, 10), pid, status = -1;

	window(&w0);
	ok(m > 0 && cap_map(m, C, MAP_WRITE) == 0, "an order-10 block maps at %#x", C);
	*page_at(C, 1000) = 0xCA9u;
	if (shared)
		skip("the shared layout has no window");
	else
		ok(window_move(C + VA_OF(3)) == 0 && window_move(w0.va) == 0,
		   "the window may park in it: a large page");
	pid = fork();
	if (pid == 0) {
		*page_at(C, 1000) = 1;
		exit(*page_at(C, 1000) != 1);
	}
	if (pid > 0 && wait(pid, &status) != pid)
		status = -1;
	ok(pid > 0 && status == 0 && *page_at(C, 1000) == 0xCA9u,
	   "fork: the block is aliased (the descriptor holds it too), so the child got its own copy");
	*page_at(C, 1001) = 5;	/* still the block's own frame: cap_unmap checks */
	ok(*page_at(C, 1000) == 0xCA9u && cap_unmap(m, C) == 0 && cap_close(m) == 0,
	   "its data stayed, a write after the fork went to the block; cap_unmap takes it off whole");
}

int main(void)
{
	struct window_info w;
	int shared = window(&w) == 0 && w.pages == 0, pid, status = -1;
	uint32_t hole = 1024 + 7;

	plan(27);
	ok(map(A + PAGE_SIZE, 1024, MAP_LARGE | MAP_WRITE) == -EINVAL, "an unaligned large map is refused");
	ok(map(A, 1000, MAP_LARGE | MAP_WRITE) == -EINVAL, "a large map of 1000 pages is refused");
	ok(map(A, 1024, MAP_LARGE | MAP_LAZY) == -EINVAL, "large pages are never lazy");
	ok(map(A, NTAG, MAP_LARGE | MAP_WRITE) == 0, "map two large pages at %#x", A);
	ok(map(A, 1024, MAP_LARGE | MAP_WRITE) == -EEXIST && map(A + VA_OF(5), 1, MAP_WRITE) == -EEXIST,
	   "mapping over a large page, large or small, is refused");
	ok(*page_at(A, 1500) == 0, "a large page starts zeroed");
	write_tags();
	ok(bad_tags(~0u) == 0, "every 4 KiB page of both holds its tag");

	if (shared) {
		for (int i = 0; i < 6; i++)
			skip("the shared layout has no window");
	} else {
		window_tests();
	}

	ok(unmap(A + VA_OF(hole), 1) == 0, "unmap one page of the second large page");
	if (shared)
		skip("the shared layout has no window");
	else
		ok(window_move(A + VA_OF(1024 + 9)) == -EBUSY,
		   "the split large page is small pages now: the window may not park there");
	ok(map(A + VA_OF(hole), 1, MAP_WRITE) == 0 && *page_at(A, hole) == 0,
	   "that page alone is free again: a new zeroed page maps there");
	ok(bad_tags(hole) == 0, "the other 2047 tags are intact");
	*page_at(A, hole) = tag_of(hole);

	pid = fork();
	if (pid == 0)
		exit(child());
	if (pid > 0 && wait(pid, &status) != pid)
		status = -1;
	ok(pid > 0 && status == 0, "the forked child saw its own writes and every other tag (status %#x)", status);
	ok(bad_tags(~0u) == 0, "the parent's tags are untouched by the child's writes");
	*page_at(A, 0) = 0xFEEDu;
	ok(*page_at(A, 0) == 0xFEEDu && bad_tags(0) == 0, "the parent writes its large page after the fork");
	*page_at(A, 0) = tag_of(0);

	ok(map_frames(B, 1024, A, 1024, MAP_LARGE) == 0, "a large alias of the first large page");
	*page_at(B, 9) = 0xA11A5u;
	ok(*page_at(A, 9) == 0xA11A5u && *page_at(B, 700) == tag_of(700), "the alias shows the same frames");
	ok(unmap(A, NTAG) == 0 && unmap(B, 1024) == 0 && map(A, 1024, MAP_LARGE | MAP_WRITE) == 0,
	   "unmap both whole; the space maps large again");
	cap_tests(shared);
	done();
}
