/* cap.h — descriptor tables: small integers naming kernel objects.
 *
 * A descriptor is {object, rights, count}: the object is reference
 * counted (every descriptor naming it, every message carrying it, and for
 * a slab every object made from it holds one reference); the count is
 * only for counted descriptors (a quota, a slab's allocation right).  The
 * threads of a process share one table.  docs/capabilities.md.
 */
#ifndef BOUNCE_CAP_H
#define BOUNCE_CAP_H

#include <stdint.h>
#include "abi.h"

struct proc;

struct obj {
	uint32_t type;   /* CAPT_* */
	uint32_t refs;
};

struct cap {
	struct obj *obj; /* 0: a free slot */
	uint32_t rights;
	uint32_t count;
};

struct captab {
	int refs;        /* threads sharing it */
	struct cap slot[NCAP];
};

/* Process life: spawn gets a table with the spawn quota at fd 0; fork
 * copies the parent's table but for counted descriptors (an allocation
 * right copied would be two); threads share it.  0 or -ENOMEM. */
int cap_spawn(struct proc *p);
int cap_fork(struct proc *parent, struct proc *child);
void cap_thread(struct proc *parent, struct proc *child);
void cap_exit(struct proc *p);   /* drops p's table reference */

/* The descriptor fd of the current process if it has the type (0: any)
 * and all the rights; 0 and *err (-EBADF, -EACCES) otherwise. */
struct cap *cap_get(uint32_t fd, uint32_t type, uint32_t rights, int *err);

/* Put {obj, rights, count} into a free slot of the current table, taking
 * over the caller's object reference: the fd, or -EMFILE. */
int cap_install(struct obj *obj, uint32_t rights, uint32_t count);
int cap_free_slots(int *fds, int n);  /* the first n free fds; how many exist */
void cap_install_at(int fd, struct obj *obj, uint32_t rights, uint32_t count);
void cap_clear(struct cap *c);   /* empties the slot, dropping its reference */

void obj_get(struct obj *o);
void obj_put(struct obj *o);     /* the object goes when the last reference does */

struct captab *cap_table(struct proc *p); /* for the shell; may be 0 */

/* System calls on any descriptor. */
int cap_sys_info(uint32_t fd, uint32_t uinfo);
int cap_sys_close(uint32_t fd);
int cap_sys_split(uint32_t fd, uint32_t k);
int cap_sys_merge(uint32_t fd, uint32_t fd2);

#endif
