/* tlbtouch — the TLB experiment of `make bench` (analysis/tlb.py): r rounds,
 * each touching n distinct pages and then making one null system call.
 * Bouncing, every call empties the TLB (two CR3 loads), so each round walks
 * the n pages again; in the shared layout they stay in the TLB while they fit.
 *
 *     tlbtouch N R         N <= 1024 pages; all N are touched once first
 */
#include "user.h"

#define MAX_PAGES 1024
#define PAGE 4096

static volatile char pages[MAX_PAGES][PAGE] __attribute__((aligned(PAGE)));

/* A write alone: Bochs's TLB entry from a read walk does not allow writes
 * (docs/instrumentation.md), so a read-modify-write would walk twice. */
static void touch(uint32_t n, uint32_t round)
{
	for (uint32_t p = 0; p < n; p++)
		pages[p][0] = (char)round;
}

int main(int argc, char **argv)
{
	uint32_t n = arg_decimal(argc, argv, 1, 1);
	uint32_t r = arg_decimal(argc, argv, 2, 1);
	if (n > MAX_PAGES)
		return 2;
	/* The first touch is not measured (it sets the pages' accessed and
	 * dirty bits; the loader mapped them). The call after it starts the
	 * first round as every other one starts, after a call: without it that
	 * round would find its pages still in the TLB, and the figure would
	 * fall by N / R walks (docs/performance.md). */
	touch(n, 0);
	getpid();
	for (uint32_t i = 0; i < r; i++) {
		touch(n, i);
		getpid();
	}
	return 0;
}
