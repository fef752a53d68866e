/* wait_child — blocks in wait() for a child that never ends, for the
 * shell to kill (tests/system/test_memory.py).  Prints both pids. */
#include "user.h"

int main(void)
{
	int pid = fork();
	if (pid == 0)
		for (;;)
			sleep(1000);
	printf("waiting for %d\n", pid);
	wait(pid, 0);
	printf("wait returned\n");
	return 0;
}
