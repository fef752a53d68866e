/* t_swap_fork — fork a process whose pages are partly on disk.
 *
 * The parent tags more distinct pages than physical memory holds, so some
 * are in swap slots, and forks: the child shares the slots and the
 * resident frames copy-on-write (docs/memory.md, "Swap").  The child
 * checks every tag, overwrites every SPREAD-th with its own and checks
 * those; the parent, once the child is gone, still sees only its own.
 * Then two processes of that size at once: both children fill, yield to
 * each other while they do, and check.
 */
#include "user.h"

#define HALF (SWAP_PAGES / 2 + 2048)	/* two of these do not fit in memory */
#define SPREAD 16

static void child_views(void)
{
	uint32_t i, bad = swap_check(SWAP_BASE, SWAP_PAGES, 0);

	if (bad)
		exit(1);
	for (i = 0; i < SWAP_PAGES; i += SPREAD)
		swap_write_tags(SWAP_BASE + i * PAGE_SIZE, 1, 1);
	for (i = 0; i < SWAP_PAGES; i += SPREAD)
		bad += swap_check(SWAP_BASE + i * PAGE_SIZE, 1, 1);
	exit(bad ? 2 : 0);
}

static void filler(uint32_t salt)
{
	uint32_t i, step = 4096, bad = 0;

	if (map(SWAP_BASE, HALF, MAP_WRITE | MAP_LAZY) < 0)
		exit(3);
	for (i = 0; i < HALF; i += step) {	/* take turns with the other one */
		swap_write_tags(SWAP_BASE + i * PAGE_SIZE, HALF - i < step ? HALF - i : step, salt);
		yield();
	}
	for (i = 0; i < HALF; i += step) {
		bad += swap_check(SWAP_BASE + i * PAGE_SIZE, HALF - i < step ? HALF - i : step, salt);
		yield();
	}
	exit(bad ? 4 : 0);
}

static int spawn_filler(uint32_t salt)
{
	int pid = fork();

	if (pid == 0)
		filler(salt);
	return pid;
}

int main(void)
{
	int pid, status = -1, a, b, sa = -1, sb = -1, got;

	plan(6);
	ok(swap_fill(SWAP_BASE, SWAP_PAGES, 0) == 0, "%u pages (%u MiB) tagged",
	   SWAP_PAGES, SWAP_PAGES / 256);
	pid = fork();
	if (pid == 0)
		child_views();
	ok(pid > 0, "forked (%d)", pid);
	got = wait(pid, &status);
	ok(got == pid && status == 0,
	   "the child saw every tag of the parent, then only its own (status %#x)", status);
	ok(swap_check(SWAP_BASE, SWAP_PAGES, 0) == 0, "the parent still sees its own tags");
	ok(unmap(SWAP_BASE, SWAP_PAGES) == 0, "the parent lets them go");

	a = spawn_filler(2);
	b = spawn_filler(3);
	wait(a, &sa);
	wait(b, &sb);
	ok(a > 0 && b > 0 && sa == 0 && sb == 0,
	   "two processes of %u pages each at once: both read their tags back (%#x, %#x)",
	   HALF, sa, sb);
	done();
}
