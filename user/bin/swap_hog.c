/* swap_hog — more memory than there is (tests/system/test_swap.py).
 *
 * Reserves 1 GiB lazily from SWAP_BASE and writes a tag into every page,
 * counting on the console every 16384 pages.  With memory and swap
 * smaller than that, the kernel kills it at the page it cannot serve
 * (WAIT_KILLED | KILL_NOMEM, a one-line reason on the console); if it
 * gets through it says so and exits 0.
 */
#include "user.h"

#define PAGES (256u * 1024)	/* 1 GiB */

int main(void)
{
	uint32_t i;

	if (map(SWAP_BASE, PAGES, MAP_WRITE | MAP_LAZY) < 0)
		return 1;
	for (i = 0; i < PAGES; i++) {
		*(volatile uint32_t *)(SWAP_BASE + i * PAGE_SIZE) = swap_tag(i, 0);
		if (i % 16384 == 16383)
			printf("swap_hog: %u pages\n", i + 1);
	}
	printf("swap_hog: all %u pages written\n", PAGES);
	return 0;
}
