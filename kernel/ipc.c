/* ipc.c — endpoints, send, receive, call and reply.
 *
 * MINIX's QueueMess without the mapping: a send copies the message in
 * from the sender's address space into the endpoint's queue (in the slab
 * page, so the user paid for it), and wakes a waiting receiver; the
 * receiver, running on its own address space, copies it out before it
 * returns to user mode.  Each message has an id, announced when it is
 * queued and when it is delivered (docs/ipc.md).  Queue work happens with
 * interrupts off: one CPU, so that is the lock.
 */
#include "ipc.h"
#include "copy.h"
#include "debugport.h"
#include "klib.h"
#include "proc.h"
#include "slab.h"

static uint32_t next_msg_id = 1, next_ep_id = 1;

static struct endpoint *ep(struct obj *o) { return (struct endpoint *)o; }

int ipc_sys_create(uint32_t right_fd)
{
	int err, fd;
	struct cap *c = cap_get(right_fd, CAPT_SLAB, 0, &err);
	if (!c)
		return err;
	if (c->count == 0)
		return -ENOSPC;
	if (cap_free_slots(&fd, 1) < 1)
		return -EMFILE;
	struct endpoint *e = slab_alloc(c->obj);
	if (!e)
		return -ENOSPC;
	c->count--;
	e->o = (struct obj){ CAPT_ENDPOINT, 1 };
	e->id = next_ep_id++;
	e->owner = curproc->pid;
	cap_install_at(fd, &e->o, CAP_SEND | CAP_RECV, 0);
	return fd;
}

/* ---- messages in flight ---- */

static struct proc *caller_of(uint32_t id)
{
	for (struct proc *p = proctab; p < proctab + NPROC; p++)
		if (p->state != P_UNUSED && p->ipc_call && p->ipc_call->id == id && !p->ipc_call->done)
			return p;
	return 0;
}

static void fail_call(struct proc *p, int err)
{
	p->ipc_call->done = 1;
	p->ipc_call->err = err;
	wakeup(p->ipc_call);
}

/* A message nobody will receive: its descriptors' references go, and a
 * caller waiting on it learns that no reply will come. */
static void drop_msg(struct kmsg *k)
{
	struct proc *caller = (k->m.flags & IPC_CALLED) ? caller_of(k->m.id) : 0;
	if (caller)
		fail_call(caller, -EPIPE);
	for (uint32_t i = 0; i < k->m.ncaps; i++)
		obj_put(k->cap[i].obj);
}

/* Take message i out of e's queue, keeping the others in order. */
static struct kmsg unqueue(struct endpoint *e, uint32_t i)
{
	struct kmsg k = e->q[(e->head + i) % IPC_QUEUE];
	for (; i + 1 < e->n; i++)
		e->q[(e->head + i) % IPC_QUEUE] = e->q[(e->head + i + 1) % IPC_QUEUE];
	e->n--;
	wakeup(&e->n);
	return k;
}

static void flush(struct endpoint *e)
{
	while (e->n) {
		struct kmsg k = unqueue(e, 0);
		drop_msg(&k);
	}
}

void ep_receivers(struct obj *o, int delta)
{
	struct endpoint *e = ep(o);
	e->receivers += delta;
	if (e->receivers == 0) {
		flush(e);
		wakeup(&e->n); /* blocked senders: EPIPE */
	}
}

void ep_release(struct obj *o)
{
	flush(ep(o));
	slab_free(o);
}

/* A queued message from t, restarting after each drop: dropping one can
 * free endpoints and slabs the walk would be in. */
static int drop_one_from(const struct captab *t)
{
	for (struct endpoint *e = 0; (e = slab_next(SLAB_ENDPOINT, e));)
		for (uint32_t i = 0; i < e->n; i++)
			if (e->q[(e->head + i) % IPC_QUEUE].from == t) {
				struct kmsg k = unqueue(e, i);
				drop_msg(&k);
				return 1;
			}
	return 0;
}

void ipc_table_gone(const struct captab *t)
{
	uint32_t f = irq_save();
	for (struct proc *p = proctab; p < proctab + NPROC; p++)
		if (p->state != P_UNUSED && p->ipc_call && p->ipc_call->replier == t && !p->ipc_call->done)
			fail_call(p, -EPIPE);
	while (drop_one_from(t))
		;
	irq_restore(f);
}

/* ---- sending ---- */

/* The descriptors a message names: held, each once, counted ones moved. */
static int check_caps(const struct kmsg *k)
{
	int err;
	if (k->m.ncaps > IPC_MAXCAPS)
		return -EINVAL;
	for (uint32_t i = 0; i < k->m.ncaps; i++) {
		const struct ipc_cap *ic = &k->m.cap[i];
		struct cap *c = cap_get(ic->fd, 0, 0, &err);
		if (!c)
			return err;
		if (ic->flags & ~IPC_MOVE || (i == 1 && ic->fd == k->m.cap[0].fd))
			return -EINVAL;
		if ((c->obj->type == CAPT_QUOTA || c->obj->type == CAPT_SLAB) && !(ic->flags & IPC_MOVE))
			return -EPERM; /* a copied count would be two */
	}
	return 0;
}

/* The named descriptors into the message: rights only shrink. */
static void take_caps(struct kmsg *k)
{
	int err;
	for (uint32_t i = 0; i < k->m.ncaps; i++) {
		struct cap *c = cap_get(k->m.cap[i].fd, 0, 0, &err);
		k->cap[i] = (struct cap){ c->obj, c->rights & k->m.cap[i].rights, c->count };
		obj_get(c->obj);
		if (k->m.cap[i].flags & IPC_MOVE)
			cap_clear(c);
	}
}

/* Copy the message in, wait for room (or not), take its descriptors and
 * queue it.  call: the caller's reply wait, registered with the queueing. */
static int send(uint32_t fd, uint32_t umsg, uint32_t flags, struct ipc_call *call)
{
	int err;
	struct kmsg k;
	struct cap *c = cap_get(fd, CAPT_ENDPOINT, CAP_SEND, &err);
	if (!c)
		return err;
	if (flags & ~IPC_NONBLOCK)
		return -EINVAL;
	if (copyin(curproc->as, &k.m, umsg, sizeof k.m) < 0)
		return -EFAULT;
	struct endpoint *e = ep(c->obj);
	obj_get(&e->o);
	uint32_t f = irq_save();
	while (e->receivers && e->n == IPC_QUEUE && !(flags & IPC_NONBLOCK) && !curproc->killed)
		sleep_on(&e->n);
	err = !e->receivers ? -EPIPE : e->n < IPC_QUEUE ? check_caps(&k) : (flags & IPC_NONBLOCK) ? -EAGAIN : -EINTR;
	if (err == 0) {
		take_caps(&k);
		k.m.id = next_msg_id++;
		k.m.sender = curproc->pid;
		k.m.flags = call ? IPC_CALLED : 0;
		k.from = curproc->caps;
		if (!e->receivers) { /* the move took the last receive right */
			drop_msg(&k);
			err = -EPIPE;
		} else {
			if (call) {
				*call = (struct ipc_call){ .id = k.m.id };
				curproc->ipc_call = call;
			}
			e->q[(e->head + e->n++) % IPC_QUEUE] = k;
			announce_ipc("ipc_queue", k.m.id, e->id, "from", curproc->pid);
			wakeup(e);
		}
	}
	irq_restore(f);
	obj_put(&e->o);
	return err;
}

int ipc_sys_send(uint32_t fd, uint32_t umsg, uint32_t flags)
{
	return send(fd, umsg, flags, 0);
}

/* ---- receiving ---- */

/* Into the current process: its buffer first, then its table, so a
 * failure (-EFAULT, -EMFILE) leaves the message where it was. */
static int deliver(struct kmsg *k, uint32_t umsg, uint32_t ep_id)
{
	int fds[IPC_MAXCAPS];
	struct ipc_msg out = k->m;
	if (cap_free_slots(fds, k->m.ncaps) < (int)k->m.ncaps)
		return -EMFILE;
	for (uint32_t i = 0; i < IPC_MAXCAPS; i++) /* the sender's fd numbers stay its own */
		out.cap[i] = i < k->m.ncaps ? (struct ipc_cap){ fds[i], k->cap[i].rights, k->m.cap[i].flags }
					    : (struct ipc_cap){ 0, 0, 0 };
	if (copyout(curproc->as, umsg, &out, sizeof out) < 0)
		return -EFAULT;
	for (uint32_t i = 0; i < k->m.ncaps; i++)
		cap_install_at(fds[i], k->cap[i].obj, k->cap[i].rights, k->cap[i].count);
	announce_ipc("ipc_deliver", k->m.id, ep_id, "to", curproc->pid);
	return 0;
}

int ipc_sys_recv(uint32_t fd, uint32_t umsg, uint32_t flags)
{
	int err = 0;
	struct cap *c = cap_get(fd, CAPT_ENDPOINT, CAP_RECV, &err);
	if (!c)
		return err;
	if (flags & ~IPC_NONBLOCK)
		return -EINVAL;
	struct endpoint *e = ep(c->obj);
	obj_get(&e->o);
	uint32_t f = irq_save();
	while (!e->n && !(flags & IPC_NONBLOCK) && !curproc->killed) {
		e->waiting++;
		sleep_on(e);
		e->waiting--;
	}
	if (!e->n)
		err = (flags & IPC_NONBLOCK) ? -EAGAIN : -EINTR;
	else if ((err = deliver(&e->q[e->head], umsg, e->id)) == 0) {
		struct kmsg k = unqueue(e, 0); /* its references are the table's now */
		struct proc *caller = (k.m.flags & IPC_CALLED) ? caller_of(k.m.id) : 0;
		if (caller)
			caller->ipc_call->replier = curproc->caps;
	}
	irq_restore(f);
	obj_put(&e->o);
	return err;
}

/* ---- call and reply ---- */

int ipc_sys_call(uint32_t fd, uint32_t umsg)
{
	struct ipc_call call;
	int err = send(fd, umsg, 0, &call);
	if (err < 0)
		return err;
	uint32_t f = irq_save();
	while (!call.done && !curproc->killed)
		sleep_on(&call);
	curproc->ipc_call = 0;
	if (!call.done)
		err = -EINTR;
	else if (!(err = call.err) && (err = deliver(&call.reply, umsg, 0)) < 0)
		drop_msg(&call.reply);
	irq_restore(f);
	return err;
}

/* Only the process that received call id answers it, once. */
int ipc_sys_reply(uint32_t id, uint32_t umsg)
{
	struct kmsg k;
	int err;
	if (copyin(curproc->as, &k.m, umsg, sizeof k.m) < 0)
		return -EFAULT;
	uint32_t f = irq_save();
	struct proc *caller = caller_of(id);
	if (!caller || caller->ipc_call->replier != curproc->caps || !curproc->caps)
		err = -ESRCH;
	else if ((err = check_caps(&k)) == 0) {
		take_caps(&k);
		k.m.id = id;
		k.m.sender = curproc->pid;
		k.m.flags = 0;
		k.from = curproc->caps;
		caller->ipc_call->reply = k;
		caller->ipc_call->done = 1;
		wakeup(caller->ipc_call);
	}
	irq_restore(f);
	return err;
}

/* ---- the shell's view ---- */

int ipc_endpoints(struct ipc_ep_info *out, int max)
{
	int n = 0;
	uint32_t f = irq_save();
	for (struct endpoint *e = 0; (e = slab_next(SLAB_ENDPOINT, e)); n++)
		if (n < max)
			out[n] = (struct ipc_ep_info){ e->id, e->owner, e->n, e->waiting, e->receivers };
	irq_restore(f);
	return n;
}

int ipc_queue(uint32_t id, struct ipc_queued *out, int max)
{
	int n = -1;
	uint32_t f = irq_save();
	for (struct endpoint *e = 0; (e = slab_next(SLAB_ENDPOINT, e));)
		if (e->id == id) {
			for (n = 0; n < (int)e->n && n < max; n++) {
				const struct ipc_msg *m = &e->q[(e->head + n) % IPC_QUEUE].m;
				out[n] = (struct ipc_queued){ m->id, m->sender, m->tag, m->flags, m->ncaps };
			}
			break;
		}
	irq_restore(f);
	return n;
}
