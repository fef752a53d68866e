/* slab.h — allocation rights: a one-page memory block the user gives up
 * becomes a slab of kernel objects of one kind, named by a counted
 * descriptor ("may make X more").  docs/capabilities.md. */
#ifndef BOUNCE_SLAB_H
#define BOUNCE_SLAB_H

#include <stdint.h>

struct obj;

int slab_sys_convert(uint32_t fd, uint32_t kind); /* SYS_cap_slab */
uint32_t slab_capacity(const struct obj *o);
uint32_t slab_pa(const struct obj *o);
void slab_release(struct obj *o);  /* no right and no object left: the page goes back */

/* An object's memory in slab o (which it keeps referenced); 0 if full. */
void *slab_alloc(struct obj *o);
void slab_free(void *object);
/* The live object of kind after prev (0: the first); 0 after the last. */
void *slab_next(uint32_t kind, const void *prev);

#endif
