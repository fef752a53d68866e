/* t_no_kernel_bytes — no kernel byte is visible from user mode.
 *
 * The kernel plants a random canary word in its own data and tells us
 * its value (SYS_canary).  We scan, at every byte offset, all memory
 * this process has mapped — the program image, the whole stack, 4 MiB
 * mapped eagerly and 4 MiB reserved lazily — and must never find it.
 * The canary is kept only XOR-masked in memory so the scan cannot find
 * our own copy.  Then the window's address is reserved and read, again
 * and again: each read must give the user's zeroed page, never the
 * window's IDT/GDT/TSS/code, and must leave the window elsewhere.
 */
#include "user.h"

#define MASK 0x5EC2E7A5u
#define EAGER 0x60000000u	/* 4 MiB mapped up front */
#define LAZY  0x60400000u	/* 4 MiB reserved, zero-filled by the scan */
#define WINDOW_READS 32

static uint32_t hidden;		/* canary ^ MASK */
static volatile uint32_t mask = MASK;

/* Counts byte offsets in the n bytes at lo where the canary starts. */
static uint32_t canary_hits(uint32_t lo, uint32_t n)
{
	uint32_t a, hits = 0, word;

	for (a = lo; a - lo <= n - 4; a++) {
		word = *(volatile uint32_t *)a;	/* x86 allows unaligned loads */
		if ((word ^ mask) == hidden) {
			if (hits++ < 5)
				diag("canary found at %#x", a);
		}
	}
	return hits;
}

static int all_zero(uint32_t va, uint32_t pages)
{
	const volatile uint32_t *p = (const volatile uint32_t *)va;
	uint32_t i;

	for (i = 0; i < pages * PAGE_SIZE / 4; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

/* Reserves the window's pages and reads them; returns 1 if the reads saw
 * a zeroed, canary-free page and the window moved away. */
static int read_window_address(void)
{
	struct window_info w, after;

	window(&w);
	if (map(w.va, w.pages, MAP_LAZY | MAP_WRITE) != 0)
		return 0;
	if (!all_zero(w.va, w.pages) ||
	    canary_hits(w.va, w.pages * PAGE_SIZE) != 0)
		return 0;
	window(&after);
	if (after.va == w.va)
		return 0;
	return unmap(w.va, w.pages) == 0;
}

int main(void)
{
	uint32_t hits, image_end = ((uint32_t)_end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	int i, good = 0;

	skip_all_if_shared();
	plan(8);
	hidden = canary() ^ mask;
	ok((hidden ^ mask) != 0 && (hidden ^ mask) != 0xFFFFFFFFu,
	   "the kernel has a canary");
	ok((canary() ^ mask) == hidden, "the canary is stable");
	ok(map(EAGER, REGION_PAGES, MAP_WRITE) == 0 &&
	   map(LAZY, REGION_PAGES, MAP_LAZY | MAP_WRITE) == 0,
	   "mapped 4 MiB eagerly at %#x and 4 MiB lazily at %#x", EAGER, LAZY);

	hits = canary_hits((uint32_t)__image_start, image_end - (uint32_t)__image_start);
	ok(hits == 0, "not in the program image [%#x, %#x) (%u hits)",
	   (uint32_t)__image_start, image_end, hits);
	hits = canary_hits(STACK_BOTTOM, 0u - STACK_BOTTOM);
	ok(hits == 0, "not in the 64 KiB stack (%u hits)", hits);
	hits = canary_hits(EAGER, REGION_PAGES * PAGE_SIZE);
	ok(hits == 0, "not in 4 MiB of freshly mapped pages (%u hits)", hits);
	hits = canary_hits(LAZY, REGION_PAGES * PAGE_SIZE);
	ok(hits == 0 && all_zero(LAZY, REGION_PAGES),
	   "not in 4 MiB of lazily reserved pages, all zero (%u hits)", hits);

	for (i = 0; i < WINDOW_READS; i++)
		good += read_window_address();
	ok(good == WINDOW_READS,
	   "%d of %d reads of the window's address gave the user's zero page and moved it",
	   good, WINDOW_READS);
	done();
}
