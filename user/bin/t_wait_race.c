/* t_wait_race — wait never loses a child's status.
 *
 * The main thread waits with its status pointer on a page a second thread
 * unmaps while it sleeps.  When the child ends the status cannot be
 * stored: wait says -EFAULT and leaves the child to be waited for again,
 * and with the page back the next wait gets it (docs/syscalls.md).
 */
#include "user.h"

#define STATUS_PAGE 0x94000000u
#define STACK       0x95000000u
#define STACK_PAGES 2

static void unmapper(void *arg)
{
	(void)arg;
	sleep(2);	/* the main thread is asleep in wait by now */
	exit(unmap(STATUS_PAGE, 1) == 0 ? 0 : 1);
}

int main(void)
{
	int *status = (int *)STATUS_PAGE, st = -1;

	plan(5);
	ok(map(STATUS_PAGE, 1, MAP_WRITE) == 0 && map(STACK, STACK_PAGES, MAP_WRITE) == 0,
	   "status page and a thread stack mapped");
	int child = fork();
	if (child == 0) {
		sleep(10);
		exit(42);
	}
	int tid = thread(unmapper, (void *)(STACK + STACK_PAGES * PAGE_SIZE), 0);
	int r = wait(child, status);
	ok(r == -EFAULT, "the status page went away during the wait: EFAULT (got %d)", r);
	ok(wait(tid, &st) == tid && st == 0, "the other thread unmapped it");
	ok(map(STATUS_PAGE, 1, MAP_WRITE) == 0, "status page mapped again");
	r = wait(child, status);
	ok(r == child && *status == 42, "the child is still there to wait for: pid %d status %d", r, *status);
	done();
}
