/* t_fork_cow — fork a process that maps the whole 4 GiB space.
 *
 * The parent fills the space as t_4gb_map does (1024 frames shared by
 * 2^20 pages) and tags every page, then forks.  The child overwrites the
 * tags of a spread of pages and checks it sees its new values and the
 * old tags everywhere else; the parent overwrites a different spread
 * and, after the child exits, checks it sees only its own changes: the
 * two views are separate.  (Each frame is aliased 1024 times, so fork
 * gives the child its own copy of each rather than copy-on-write, which
 * would split aliases: docs/memory.md.)
 */
#include "user.h"

#define SPREAD 64	/* pages each side writes after the fork */

/* The i-th page of a spread: a walk over the space by a large odd stride,
 * `side` 0 or 1 keeping parent's and child's pages apart. */
static uint32_t spread_page(const struct fill4g *f, int side, int i)
{
	uint32_t page = ((uint32_t)(2 * i + side) * 40503u * 257u) % NPAGES_4G;

	while (!fill4g_mapped(f, page))
		page = (page + 2) % NPAGES_4G;
	return page;
}

static uint32_t new_tag(uint32_t page)
{
	return ~fill4g_tag(page);
}

static void write_spread(const struct fill4g *f, int side)
{
	int i;

	for (i = 0; i < SPREAD; i++)
		*fill4g_slot(spread_page(f, side, i)) = new_tag(spread_page(f, side, i));
}

static int in_spread(const struct fill4g *f, int side, uint32_t page)
{
	int i;

	for (i = 0; i < SPREAD; i++)
		if (spread_page(f, side, i) == page)
			return 1;
	return 0;
}

/* Counts pages whose tag is not what `side` should see: its own new tags
 * on its spread, the original tags everywhere else. */
static uint32_t wrong_tags(const struct fill4g *f, int side)
{
	uint32_t page, bad = 0, want;

	for (page = 0; page < NPAGES_4G; page++) {
		if (!fill4g_mapped(f, page))
			continue;
		want = fill4g_tag(page);
		if (*fill4g_slot(page) != want) {
			if (in_spread(f, side, page) && *fill4g_slot(page) == new_tag(page))
				continue;
			if (bad++ < 5)
				diag("side %d: page %#x holds %#x", side, VA_OF(page),
				     *fill4g_slot(page));
		}
	}
	for (page = 0; page < SPREAD; page++)
		bad += *fill4g_slot(spread_page(f, side, (int)page)) !=
		       new_tag(spread_page(f, side, (int)page));
	return bad;
}

int main(void)
{
	struct fill4g f;
	int pid, status = -1;
	uint32_t bad;

	skip_all_if_shared();
	plan(5);
	fill4g_map(&f);
	if (!ok(f.errors == 0, "filled the space: %u pages", f.mapped))
		done();
	fill4g_write_tags(&f);
	ok(fill4g_check_tags(&f) == 0, "all tags in place before fork");

	pid = fork();
	if (pid == 0) {
		write_spread(&f, 1);
		bad = wrong_tags(&f, 1);
		if (bad)
			diag("child: %u pages wrong", bad);
		exit(bad ? 1 : 0);
	}
	ok(pid > 0, "forked child %d from a fully mapped space", pid);
	write_spread(&f, 0);
	ok(wait(pid, &status) == pid && status == 0,
	   "child saw its %d writes and the old tags elsewhere", SPREAD);
	if (status != 0)
		diag("child's status %#x", status);
	bad = wrong_tags(&f, 0);
	ok(bad == 0, "parent saw its %d writes and none of the child's (%u wrong)",
	   SPREAD, bad);
	done();
}
