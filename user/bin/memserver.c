/* memserver — a memory server and two clients (docs/capabilities.md).
 *
 * The server (the parent) holds the memory quota and answers calls on
 * its endpoint: "2^order pages, please" gets a fresh memory descriptor,
 * moved to the caller in the reply.  Client A maps it writable, fills it,
 * and passes a read-only copy to client B in a call on a second
 * endpoint; B maps that copy read-only, checks A's bytes, cannot map it
 * writable, and answers with the count of bad words.
 * Exits 0 if all of that held.
 */
#include "user.h"

#define VA_A 0xA0000000u
#define VA_B 0xB0000000u
#define ORDER 2
#define REQ 1

static int endpoint(void)
{
	int right = cap_alloc(0, 0);
	cap_slab(right, SLAB_ENDPOINT);
	return ep_create(right);
}

static void client_a(int srv, int pass)
{
	struct ipc_msg m = { .tag = REQ, .word = { ORDER } };
	if (ipc_call(srv, &m) < 0 || m.ncaps != 1)
		exit(10);
	int blk = m.cap[0].fd;
	if (cap_map(blk, VA_A, MAP_WRITE) < 0)
		exit(11);
	for (uint32_t i = 0; i < (1u << ORDER) * 1024; i++)
		((volatile uint32_t *)VA_A)[i] = 0xA0000000u + i;
	printf("client A %d: got fd %d (%u pages) from the server, filled it at %#x\n", getpid(), blk, 1u << ORDER,
	       VA_A);
	/* a call, not a send: a message whose sender has ended is dropped */
	struct ipc_msg p = { .ncaps = 1 };
	p.cap[0] = (struct ipc_cap){ blk, CAP_READ, 0 };
	exit(ipc_call(pass, &p) == 0 && p.word[0] == 0 ? 0 : 12);
}

static void client_b(int pass)
{
	struct ipc_msg m;
	if (ipc_recv(pass, &m, 0) < 0 || m.ncaps != 1)
		exit(20);
	int blk = m.cap[0].fd;
	if (cap_map(blk, VA_B, MAP_WRITE) != -EACCES || cap_map(blk, VA_B, 0) < 0)
		exit(21);
	uint32_t bad = 0;
	for (uint32_t i = 0; i < (1u << ORDER) * 1024; i++)
		bad += ((volatile uint32_t *)VA_B)[i] != 0xA0000000u + i;
	printf("client B %d: got a read-only copy as fd %d from pid %u, mapped at %#x: %u words differ\n", getpid(), blk,
	       m.sender, VA_B, bad);
	struct ipc_msg r = { .word = { bad } };
	exit(ipc_reply(m.id, &r) == 0 && !bad ? 0 : 22);
}

int main(void)
{
	int srv = endpoint(), pass = endpoint();
	int a = fork();
	if (a == 0)
		client_a(srv, pass);
	int b = fork();
	if (b == 0)
		client_b(pass);
	struct ipc_msg m;
	if (ipc_recv(srv, &m, 0) < 0 || m.tag != REQ || !(m.flags & IPC_CALLED))
		return 1;
	uint32_t id = m.id;
	int blk = cap_alloc(0, m.word[0]);
	struct ipc_msg r = { .ncaps = 1 };
	r.cap[0] = (struct ipc_cap){ blk, CAP_READ | CAP_WRITE, IPC_MOVE };
	printf("server %d: pid %u asks for 2^%u pages: fd %d, moved to it\n", getpid(), m.sender, m.word[0], blk);
	if (ipc_reply(id, &r) < 0)
		return 2;
	int sa = -1, sb = -1;
	wait(a, &sa);
	wait(b, &sb);
	printf("memserver: client A status %d, client B status %d\n", sa, sb);
	return sa == 0 && sb == 0 ? 0 : 3;
}
