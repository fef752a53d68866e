/* swap_share — swapped pages shared by fork come back shared
 * (tests/system/test_swap.py).
 *
 * Tags SWAP_PAGES distinct pages, more than memory holds, so the lowest
 * go out to swap slots (docs/memory.md, "Swap"); forks, and parent and
 * child both read the lowest SHARED pages back.  Each then logs
 * "swap_share: read" (or "swap_share: bad tags") and sleeps, so the shell
 * can compare the frames the two map there with k.mm.walk, and kill them.
 */
#include "user.h"

#define SHARED 1024

int main(void)
{
	uint32_t bad;

	if (swap_fill(SWAP_BASE, SWAP_PAGES, 0) < 0)
		return 1;
	fork();
	bad = swap_check(SWAP_BASE, SHARED, 0);
	klog(bad ? "swap_share: bad tags" : "swap_share: read");
	for (;;)
		sleep(1000);
}
