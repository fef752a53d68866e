/* ipc_pair — a sender and a receiver that sleeps (scripts/lua/ipc_tour.lua).
 *
 * The parent makes an endpoint and forks.  The child sleeps for the ticks
 * given (default 100) before it receives; meanwhile the parent sends one
 * message, which waits in the endpoint's kernel queue (k.ipc.queue shows
 * it) until the child runs and receives it.
 */
#include "user.h"

int main(int argc, char **argv)
{
	uint32_t nap = arg_decimal(argc, argv, 1, 100);
	int right = cap_alloc(0, 0);
	if (right < 0 || cap_slab(right, SLAB_ENDPOINT) < 0)
		return 1;
	int ep = ep_create(right);
	int child = fork();
	if (child == 0) {
		struct ipc_msg m;
		sleep(nap);
		uint32_t t = ticks();
		if (ipc_recv(ep, &m, 0) < 0)
			exit(2);
		printf("receiver %d: woke at tick %u, got message %u from %u: tag %u \"%s\"\n", getpid(), t, m.id,
		       m.sender, m.tag, (char *)m.payload);
		exit(m.tag == 42 ? 0 : 3);
	}
	struct ipc_msg m = { .tag = 42 };
	memcpy(m.payload, "hello through the kernel's queue", 33);
	int r = ipc_send(ep, &m, 0);
	printf("sender %d: sent at tick %u (%d); receiver %d is asleep\n", getpid(), ticks(), r, child);
	int st = -1;
	wait(child, &st);
	return r == 0 && st == 0 ? 0 : 4;
}
