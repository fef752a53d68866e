/* t_ipc — messages: send and receive (blocking and not), the bounded
 * queue, descriptors passed by copy and by move with rights that only
 * shrink, a call/reply ping-pong with a forked server, a server killed
 * mid-call, and every error path (docs/ipc.md).
 */
#include "user.h"

#define VA 0xA0000000u
#define PINGS 20

static int endpoint(void)
{
	int right = cap_alloc(0, 0);
	cap_slab(right, SLAB_ENDPOINT);
	int ep = ep_create(right);
	cap_close(right); /* the endpoint keeps its slab */
	return ep;
}

static struct cap_info info(int fd)
{
	struct cap_info ci = { 0, 0, 0, 0 };
	cap_info(fd, &ci);
	return ci;
}

static void queueing(int ep)
{
	/* cap[] past ncaps is the sender's business: it must not reach the receiver */
	struct ipc_msg m = { .tag = 7, .word = { 1, 2 }, .cap = { { 5, CAP_READ, 0 }, { 6, CAP_SEND, 0 } } }, r;
	memcpy(m.payload, "sixty-four bytes of payload travel with every message, verbatim", IPC_PAYLOAD);
	ok(ipc_recv(ep, &r, IPC_NONBLOCK) == -EAGAIN, "receive from an empty queue without blocking: EAGAIN");
	ok(ipc_send(ep, &m, IPC_NONBLOCK) == 0, "send to our own endpoint");
	ok(ipc_recv(ep, (struct ipc_msg *)0x10, 0) == -EFAULT, "receive into a bad buffer: EFAULT");
	ok(ipc_recv(ep, &r, 0) == 0 && r.tag == 7 && r.word[1] == 2 && !memcmp(r.payload, m.payload, IPC_PAYLOAD) &&
		   r.sender == (unsigned)getpid() && r.id != 0 && r.flags == 0,
	   "the message stayed queued; now it arrives whole (id %u)", r.id);
	ok(r.cap[0].fd == 0 && r.cap[0].rights == 0 && r.cap[1].fd == 0,
	   "descriptor slots past ncaps arrive empty (got fd %d, %d)", r.cap[0].fd, r.cap[1].fd);
	int sent = 0;
	while (ipc_send(ep, &m, IPC_NONBLOCK) == 0)
		sent++;
	ok(sent == IPC_QUEUE && ipc_send(ep, &m, IPC_NONBLOCK) == -EAGAIN, "the queue holds %d: then EAGAIN", sent);
	unsigned last = 0, in_order = 1;
	for (int i = 0; i < sent; i++) {
		ipc_recv(ep, &r, 0);
		in_order &= r.id > last;
		last = r.id;
	}
	ok(in_order && ipc_recv(ep, &r, IPC_NONBLOCK) == -EAGAIN, "drained in order");
	ok(ipc_send(ep, (struct ipc_msg *)0x10, 0) == -EFAULT, "send from a bad buffer: EFAULT");
	ok(ipc_send(ep, &m, 0x10) == -EINVAL && ipc_recv(ep, &r, 0x10) == -EINVAL, "unknown flags: EINVAL");
	ok(ipc_send(0, &m, 0) == -EBADF && ipc_recv(NCAP, &r, 0) == -EBADF && ipc_send(-3, &m, 0) == -EBADF,
	   "send on the quota, receive on no descriptor: EBADF");
}

static void passing(int ep)
{
	struct ipc_msg m = { .ncaps = 1 }, r;
	int blk = cap_alloc(0, 0);
	cap_map(blk, VA, MAP_WRITE);
	*(volatile uint32_t *)VA = 0xFEEDF00D;

	m.cap[0] = (struct ipc_cap){ NCAP - 1, CAP_READ, 0 };
	ok(ipc_send(ep, &m, IPC_NONBLOCK) == -EBADF, "pass a descriptor we do not hold: EBADF");
	m.ncaps = 3;
	ok(ipc_send(ep, &m, IPC_NONBLOCK) == -EINVAL, "pass 3 descriptors: EINVAL");
	m.ncaps = 2;
	m.cap[0] = m.cap[1] = (struct ipc_cap){ blk, CAP_READ, IPC_MOVE };
	ok(ipc_send(ep, &m, IPC_NONBLOCK) == -EINVAL, "pass the same descriptor twice: EINVAL");
	m.ncaps = 1;
	m.cap[0] = (struct ipc_cap){ 0, 0, 0 };
	ok(ipc_send(ep, &m, IPC_NONBLOCK) == -EPERM, "copy a counted descriptor (the quota): EPERM");
	m.cap[0] = (struct ipc_cap){ blk, CAP_READ, 0x8 };
	ok(ipc_send(ep, &m, IPC_NONBLOCK) == -EINVAL, "unknown descriptor flags: EINVAL");

	m.cap[0] = (struct ipc_cap){ blk, CAP_READ | CAP_SEND, 0 };
	ok(ipc_send(ep, &m, IPC_NONBLOCK) == 0 && ipc_recv(ep, &r, 0) == 0 && r.ncaps == 1 && r.cap[0].fd != blk,
	   "pass a copy: it arrives as fd %d", r.cap[0].fd);
	int ro = r.cap[0].fd;
	ok(r.cap[0].rights == CAP_READ && info(ro).rights == CAP_READ && info(blk).type == CAPT_MEMORY,
	   "rights only shrink (asked for more than held: got read only); the original stays");
	ok(cap_map(ro, VA + 0x10000, MAP_WRITE) == -EACCES, "map the read-only copy writable: EACCES");
	ok(cap_map(ro, VA + 0x10000, 0) == 0 && *(volatile uint32_t *)(VA + 0x10000) == 0xFEEDF00D,
	   "map it read-only: the same frame");
	ok(cap_merge(0, blk) == -EBUSY, "a block another descriptor shares cannot be refunded: EBUSY");

	/* a copy of ep to move away, keeping ep itself */
	struct ipc_msg c = { .ncaps = 1 };
	c.cap[0] = (struct ipc_cap){ ep, CAP_SEND | CAP_RECV, 0 };
	ipc_send(ep, &c, IPC_NONBLOCK);
	ipc_recv(ep, &r, 0);
	int dup_ep = r.cap[0].fd;
	m.cap[0] = (struct ipc_cap){ dup_ep, CAP_SEND, IPC_MOVE };
	ok(ipc_send(ep, &m, IPC_NONBLOCK) == 0 && info(dup_ep).type == 0, "move a descriptor: the sender's is gone");
	ok(ipc_recv(ep, &r, 0) == 0 && info(r.cap[0].fd).rights == CAP_SEND, "it arrives send-only");
	int send_only = r.cap[0].fd;
	ok(ipc_recv(send_only, &r, IPC_NONBLOCK) == -EACCES, "receive with a send-only descriptor: EACCES");

	int full = 0, fds[NCAP];
	while ((fds[full] = cap_split(0, 1)) >= 0)
		full++;
	m.cap[0] = (struct ipc_cap){ ro, CAP_READ, 0 };
	ok(ipc_send(ep, &m, IPC_NONBLOCK) == 0 && ipc_recv(ep, &r, 0) == -EMFILE,
	   "receive a descriptor into a full table: EMFILE, the message stays");
	while (full > 0)
		cap_merge(0, fds[--full]);
	ok(ipc_recv(ep, &r, 0) == 0 && r.ncaps == 1, "with room, it arrives");
	cap_close(r.cap[0].fd);

	/* the last receive right goes: the queue is dropped, senders get EPIPE */
	int ep2 = endpoint();
	c.cap[0] = (struct ipc_cap){ ep2, CAP_SEND, 0 };
	ipc_send(ep2, &c, IPC_NONBLOCK);
	ipc_recv(ep2, &r, 0);
	int ep2_send = r.cap[0].fd;
	ipc_send(ep2, &c, IPC_NONBLOCK);
	ok(cap_close(ep2) == 0 && ipc_send(ep2_send, &m, IPC_NONBLOCK) == -EPIPE,
	   "no receive right left: send says EPIPE");
	cap_close(ep2_send);
	cap_close(send_only);
	cap_unmap(ro, VA + 0x10000);
	cap_close(ro);
	cap_close(blk);
}

/* The server: answers PINGS calls with word[0] + 1, then exits. */
static void server(int ep)
{
	struct ipc_msg m;
	for (int i = 0; i < PINGS; i++) {
		if (ipc_recv(ep, &m, 0) < 0 || !(m.flags & IPC_CALLED))
			exit(1);
		uint32_t id = m.id;
		m.word[0]++;
		if (ipc_reply(id, &m) < 0 || ipc_reply(id, &m) != -ESRCH)
			exit(2);
	}
	exit(0);
}

static void ping_pong(int ep)
{
	int pid = fork(), st = -1;
	if (pid == 0)
		server(ep);
	struct ipc_msg m = { .word = { 100 } };
	int good = 0;
	for (int i = 0; i < PINGS; i++) {
		uint32_t before = m.word[0];
		good += ipc_call(ep, &m) == 0 && m.word[0] == before + 1 && m.sender == (unsigned)pid;
	}
	ok(good == PINGS, "ping-pong with a forked server: %d of %d calls answered", good, PINGS);
	ok(wait(pid, &st) == pid && st == 0, "the server answered each call once (a second reply: ESRCH)");
	ok(ipc_reply(12345, &m) == -ESRCH, "reply to no call: ESRCH");
	ok(ipc_call(0, &m) == -EBADF, "call on the quota: EBADF");
}

/* The server takes the call and dies without answering. */
static void killed_mid_call(int ep)
{
	int pid = fork(), st = -1;
	if (pid == 0) {
		struct ipc_msg m;
		ipc_recv(ep, &m, 0);
		exit(3);
	}
	struct ipc_msg m = { .tag = 1 };
	int r = ipc_call(ep, &m);
	ok(r == -EPIPE, "the server died holding our call: EPIPE (got %d)", r);
	ok(wait(pid, &st) == pid && st == 3, "and it is reaped");

	/* a call queued while nobody receives: delivered when we do */
	pid = fork();
	if (pid == 0) {
		struct ipc_msg c = { .tag = 2 };
		exit(ipc_call(ep, &c) == 0 && c.word[0] == 9 ? 4 : 5);
	}
	for (int i = 0; i < 100 && (r = ipc_recv(ep, &m, IPC_NONBLOCK)) == -EAGAIN; i++)
		sleep(1);
	ok(r == 0 && m.tag == 2 && (m.flags & IPC_CALLED), "a call queued while we slept arrives");
	m.word[0] = 9;
	ok(ipc_reply(m.id, &m) == 0 && wait(pid, &st) == pid && st == 4, "answered, the caller gets the reply");

	/* a sender that ends before its message is received takes it along */
	pid = fork();
	if (pid == 0) {
		struct ipc_msg c = { .tag = 3 };
		exit(ipc_send(ep, &c, IPC_NONBLOCK) == 0 ? 6 : 7);
	}
	ok(wait(pid, &st) == pid && st == 6 && ipc_recv(ep, &m, IPC_NONBLOCK) == -EAGAIN,
	   "a dead sender's queued message is gone");
}

int main(void)
{
	plan(37);
	int ep = endpoint();
	ok(ep > 0 && info(ep).type == CAPT_ENDPOINT && info(ep).rights == (CAP_SEND | CAP_RECV),
	   "an endpoint from a page: fd %d", ep);
	queueing(ep);
	passing(ep);
	ping_pong(ep);
	killed_mid_call(ep);
	ok(cap_close(ep) == 0 && cap_close(ep) == -EBADF, "close the endpoint; twice: EBADF");
	done();
}
