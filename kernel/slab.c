/* slab.c — kernel objects in pages the user provides.
 *
 * The page holds a header and an array of objects; the kernel reaches it
 * through its own 1:1 map of RAM.  Once converted the page is no longer
 * memory any descriptor names, so no process can map it.  The slab is
 * referenced by each counted descriptor naming it and by each live
 * object in it; the page returns to the buddy allocator with the last.
 */
#include "slab.h"
#include "buddy.h"
#include "cap.h"
#include "capmem.h"
#include "ipc.h"
#include "klib.h"
#include "mmu.h"

struct slab {
	struct obj o;
	uint32_t kind;      /* SLAB_* */
	uint32_t size;      /* bytes per object */
	uint32_t capacity;  /* objects it can hold (<= 32) */
	uint32_t used;      /* bit i: object i is live */
	struct slab *next;  /* every live slab, for listing */
};

#define SLAB_HDR ROUNDUP(sizeof(struct slab), 16)
_Static_assert((PGSIZE - SLAB_HDR) / sizeof(struct endpoint) >= 1, "an endpoint fits in a slab");

static struct slab *slabs;

static struct slab *sl(const struct obj *o) { return (struct slab *)o; }
uint32_t slab_capacity(const struct obj *o) { return sl(o)->capacity; }
uint32_t slab_pa(const struct obj *o) { return (uint32_t)o; }
static char *object_at(struct slab *s, uint32_t i) { return (char *)s + SLAB_HDR + i * s->size; }

int slab_sys_convert(uint32_t fd, uint32_t kind)
{
	int err;
	struct cap *c = cap_get(fd, CAPT_MEMORY, CAP_WRITE, &err);
	if (!c)
		return err;
	if (kind != SLAB_ENDPOINT)
		return -EINVAL;
	uint32_t pa = capmem_take_page(c, &err);
	if (!pa)
		return err;
	struct slab *s = (struct slab *)pa;
	memset(s, 0, PGSIZE);
	s->o = (struct obj){ CAPT_SLAB, 1 };
	s->kind = kind;
	s->size = sizeof(struct endpoint);
	s->capacity = (PGSIZE - SLAB_HDR) / s->size;
	if (s->capacity > 32)
		s->capacity = 32;
	s->next = slabs;
	slabs = s;
	*c = (struct cap){ &s->o, 0, s->capacity };
	return 0;
}

void slab_release(struct obj *o)
{
	struct slab **pp = &slabs;
	while (*pp != sl(o))
		pp = &(*pp)->next;
	*pp = sl(o)->next;
	page_unref((uint32_t)o);
}

void *slab_alloc(struct obj *o)
{
	struct slab *s = sl(o);
	for (uint32_t i = 0; i < s->capacity; i++)
		if (!(s->used & (1u << i))) {
			s->used |= 1u << i;
			obj_get(o);
			return memset(object_at(s, i), 0, s->size);
		}
	return 0;
}

void slab_free(void *object)
{
	struct slab *s = (struct slab *)ROUNDDOWN((uint32_t)object, PGSIZE);
	s->used &= ~(1u << (((char *)object - object_at(s, 0)) / s->size));
	obj_put(&s->o);
}

void *slab_next(uint32_t kind, const void *prev)
{
	int passed = prev == 0;
	for (struct slab *s = slabs; s; s = s->next) {
		if (s->kind != kind)
			continue;
		for (uint32_t i = 0; i < s->capacity; i++) {
			if (!(s->used & (1u << i)))
				continue;
			if (passed)
				return object_at(s, i);
			passed = object_at(s, i) == prev;
		}
	}
	return 0;
}
