/* ipc_hold — queues two messages, each moving a two-page block, to an
 * endpoint only it can receive from, then sleeps without receiving: what
 * k.ipc.endpoints and k.ipc.queue show, and what its death must free
 * (tests/system/test_cap.py). */
#include "user.h"

int main(void)
{
	int right = cap_alloc(0, 0);
	if (right < 0 || cap_slab(right, SLAB_ENDPOINT) < 0)
		return 1;
	int ep = ep_create(right);
	for (unsigned tag = 1; tag <= 2; tag++) {
		struct ipc_msg m = { .tag = tag, .ncaps = 1 };
		m.cap[0] = (struct ipc_cap){ cap_alloc(0, 1), CAP_READ | CAP_WRITE, IPC_MOVE };
		if (ipc_send(ep, &m, IPC_NONBLOCK) < 0)
			return 2;
	}
	printf("ipc_hold: 2 messages queued on fd %d\n", ep);
	sleep(1000000);
	return 0;
}
