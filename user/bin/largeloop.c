/* largeloop — the small-vs-large page loop of `make bench` (analysis/tlb.py):
 * maps 64 MiB at 0x80000000 with 4 KiB pages or with 4 MiB pages, touches
 * every 4 KiB page once (not measured: the shell takes the difference of R
 * rounds and 0), then r rounds each writing one byte in every 4 KiB page,
 * with no system call in the loop.  16,384 small pages overflow any TLB, so
 * each round walks the page tables again; 16 large pages fit.
 *
 *     largeloop small|large R      exit status 1 if the map failed
 */
#include "user.h"

#define BASE 0x80000000u
#define BYTES (64u << 20)

static void touch(uint32_t round)
{
	for (uint32_t off = 0; off < BYTES; off += PAGE_SIZE)
		*(volatile char *)(BASE + off) = (char)round;
}

int main(int argc, char **argv)
{
	int large = argc > 1 && strcmp(argv[1], "large") == 0;
	uint32_t r = arg_decimal(argc, argv, 2, 1);
	if (map(BASE, BYTES / PAGE_SIZE, MAP_WRITE | (large ? MAP_LARGE : 0)) < 0)
		return 1;
	touch(0);
	for (uint32_t i = 0; i < r; i++)
		touch(i);
	return 0;
}
