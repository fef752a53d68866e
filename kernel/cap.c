/* cap.c — descriptor tables, object references, and the calls that work
 * on any descriptor (info, close, split, merge).  The kinds of object
 * live in capmem.c (memory, quota), slab.c (allocation rights) and ipc.c
 * (endpoints).  docs/capabilities.md. */
#include "cap.h"
#include "capmem.h"
#include "copy.h"
#include "heap.h"
#include "ipc.h"
#include "klib.h"
#include "proc.h"
#include "slab.h"

static int counted(uint32_t type) { return type == CAPT_QUOTA || type == CAPT_SLAB; }

void obj_get(struct obj *o)
{
	o->refs++;
}

void obj_put(struct obj *o)
{
	if (--o->refs > 0)
		return;
	switch (o->type) {
	case CAPT_MEMORY: capmem_release(o); break;
	case CAPT_SLAB: slab_release(o); break;
	case CAPT_ENDPOINT: ep_release(o); break;
	default: break; /* the quota object is static */
	}
}

struct captab *cap_table(struct proc *p)
{
	return p->caps;
}

static struct cap *slot(uint32_t fd)
{
	struct captab *t = curproc->caps;
	return t && fd < NCAP && t->slot[fd].obj ? &t->slot[fd] : 0;
}

struct cap *cap_get(uint32_t fd, uint32_t type, uint32_t rights, int *err)
{
	struct cap *c = slot(fd);
	*err = -EBADF;
	if (!c || (type && c->obj->type != type))
		return 0;
	*err = -EACCES;
	if ((c->rights & rights) != rights)
		return 0;
	*err = 0;
	return c;
}

int cap_free_slots(int *fds, int n)
{
	struct captab *t = curproc->caps;
	int found = 0;
	for (int fd = 0; t && fd < NCAP; fd++)
		if (!t->slot[fd].obj) {
			if (found < n)
				fds[found] = fd;
			found++;
		}
	return found;
}

void cap_install_at(int fd, struct obj *obj, uint32_t rights, uint32_t count)
{
	curproc->caps->slot[fd] = (struct cap){ obj, rights, count };
	if (obj->type == CAPT_ENDPOINT && (rights & CAP_RECV))
		ep_receivers(obj, +1);
}

int cap_install(struct obj *obj, uint32_t rights, uint32_t count)
{
	int fd;
	if (cap_free_slots(&fd, 1) < 1)
		return -EMFILE;
	cap_install_at(fd, obj, rights, count);
	return fd;
}

void cap_clear(struct cap *c)
{
	struct cap old = *c;
	*c = (struct cap){ 0, 0, 0 };
	if (old.obj->type == CAPT_ENDPOINT && (old.rights & CAP_RECV))
		ep_receivers(old.obj, -1);
	obj_put(old.obj);
}

/* ---- process life ---- */

static struct captab *table_new(void)
{
	struct captab *t = kcalloc(1, sizeof *t);
	if (t)
		t->refs = 1;
	return t;
}

int cap_spawn(struct proc *p)
{
	if (!(p->caps = table_new()))
		return -ENOMEM;
	obj_get(&capmem_quota);
	p->caps->slot[0] = (struct cap){ &capmem_quota, 0, CAP_SPAWN_QUOTA };
	return 0;
}

int cap_fork(struct proc *parent, struct proc *child)
{
	if (!(child->caps = table_new()))
		return -ENOMEM;
	for (int fd = 0; parent->caps && fd < NCAP; fd++) {
		struct cap c = parent->caps->slot[fd];
		if (!c.obj || counted(c.obj->type))
			continue;
		obj_get(c.obj);
		child->caps->slot[fd] = c;
		if (c.obj->type == CAPT_ENDPOINT && (c.rights & CAP_RECV))
			ep_receivers(c.obj, +1);
	}
	return 0;
}

void cap_thread(struct proc *parent, struct proc *child)
{
	child->caps = parent->caps;
	if (child->caps)
		child->caps->refs++;
}

/* The last thread gone: close everything, then let ipc.c drop what the
 * process sent and nobody received, and fail calls it was to answer. */
void cap_exit(struct proc *p)
{
	struct captab *t = p->caps;
	p->caps = 0;
	if (!t || --t->refs > 0)
		return;
	for (int fd = 0; fd < NCAP; fd++)
		if (t->slot[fd].obj)
			cap_clear(&t->slot[fd]);
	ipc_table_gone(t);
	kfree(t);
}

/* ---- calls on any descriptor ---- */

int cap_sys_info(uint32_t fd, uint32_t uinfo)
{
	int err;
	struct cap *c = cap_get(fd, 0, 0, &err);
	if (!c)
		return err;
	struct cap_info ci = { c->obj->type, c->rights, c->count,
			       c->obj->type == CAPT_MEMORY ? capmem_order(c->obj) : 0 };
	return copyout(curproc->as, uinfo, &ci, sizeof ci);
}

int cap_sys_close(uint32_t fd)
{
	int err;
	struct cap *c = cap_get(fd, 0, 0, &err);
	if (!c)
		return err;
	cap_clear(c);
	return 0;
}

/* A counted descriptor: X becomes X-k here and k in a new descriptor. */
static int split_count(struct cap *c, uint32_t k)
{
	if (k == 0 || k >= c->count)
		return -EINVAL;
	int fd = cap_install(c->obj, c->rights, k);
	if (fd < 0)
		return fd;
	obj_get(c->obj);
	c->count -= k;
	return fd;
}

int cap_sys_split(uint32_t fd, uint32_t k)
{
	int err;
	struct cap *c = cap_get(fd, 0, 0, &err);
	if (!c)
		return err;
	if (counted(c->obj->type))
		return split_count(c, k);
	if (c->obj->type == CAPT_MEMORY)
		return k ? -EINVAL : capmem_split(c);
	return -EINVAL;
}

/* Two counts of the same kind and pool become one. */
static int merge_count(struct cap *c, struct cap *c2)
{
	uint32_t most = c->obj->type == CAPT_QUOTA ? CAP_QUOTA_MAX : slab_capacity(c->obj);
	if (c->count > most || c2->count > most - c->count)
		return -EOVERFLOW;
	c->count += c2->count;
	cap_clear(c2);
	return 0;
}

int cap_sys_merge(uint32_t fd, uint32_t fd2)
{
	int err;
	struct cap *c = cap_get(fd, 0, 0, &err), *c2;
	if (!c || !(c2 = cap_get(fd2, 0, 0, &err)))
		return err;
	if (c == c2)
		return -EINVAL;
	uint32_t t = c->obj->type, t2 = c2->obj->type;
	if (counted(t) && t == t2 && c->obj == c2->obj)
		return merge_count(c, c2);
	if (t == CAPT_MEMORY && t2 == CAPT_MEMORY)
		return capmem_merge(c, c2);
	if (t == CAPT_QUOTA && t2 == CAPT_MEMORY)
		return capmem_refund(c, c2);
	return -EINVAL;
}
