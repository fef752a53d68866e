/* ipc.h — endpoints and messages, queued by the kernel (docs/ipc.md).
 *
 * The kernel never works in two address spaces at once: a sender's
 * message is copied in (from the sender's space) into the endpoint's
 * bounded queue; the receiver copies it out into its own buffer when it
 * runs, before it returns to user mode.  Descriptors travel as object
 * references held by the queued message.
 */
#ifndef BOUNCE_IPC_H
#define BOUNCE_IPC_H

#include <stdint.h>
#include "abi.h"
#include "cap.h"

struct kmsg {
	struct ipc_msg m;             /* as the sender wrote it, id and sender filled in */
	struct cap cap[IPC_MAXCAPS];  /* the descriptors it carries, with their references */
	const struct captab *from;    /* the sending process (its table) */
};

struct endpoint {                 /* lives in a slab (slab.c) */
	struct obj o;
	uint32_t id;
	int owner;                    /* pid of its creator */
	uint32_t receivers;           /* CAP_RECV descriptors in tables */
	uint32_t waiting;             /* threads asleep in receive */
	uint32_t head, n;             /* the queue: q[head], ... n of them */
	struct kmsg q[IPC_QUEUE];
};

/* A caller waiting for its reply, on its own kernel stack (proc->ipc_call). */
struct ipc_call {
	uint32_t id;                  /* the call's message id */
	const struct captab *replier; /* who received the call; 0 until then */
	int done, err;
	struct kmsg reply;
};

void ep_release(struct obj *o);
void ep_receivers(struct obj *o, int delta); /* none left: the queue is dropped, senders get EPIPE */
void ipc_table_gone(const struct captab *t); /* its queued messages go; calls it owed fail */

int ipc_sys_create(uint32_t right_fd);
int ipc_sys_send(uint32_t fd, uint32_t umsg, uint32_t flags);
int ipc_sys_recv(uint32_t fd, uint32_t umsg, uint32_t flags);
int ipc_sys_call(uint32_t fd, uint32_t umsg);
int ipc_sys_reply(uint32_t id, uint32_t umsg);

/* For the shell: a snapshot, taken with interrupts off. */
struct ipc_ep_info { uint32_t id; int owner; uint32_t queued, waiting, receivers; };
struct ipc_queued { uint32_t id, sender, tag, flags, ncaps; };
int ipc_endpoints(struct ipc_ep_info *out, int max);           /* how many exist */
int ipc_queue(uint32_t id, struct ipc_queued *out, int max);   /* -1: no such endpoint */

#endif
