/* capmem.c — memory descriptors and the memory quota.
 *
 * A block's frames come from buddy_alloc_frames: naturally aligned, each
 * page counted on its own, so the block holds one reference on each page
 * and every mapping one more.  The frames go back to the buddy allocator
 * when the last descriptor and the last mapping have gone, and coalesce
 * into the block again.  Split and merge only change the bookkeeping of
 * who holds which pages, so a block must be held by one descriptor alone
 * to be split or merged (another holder would see its block change).
 */
#include "capmem.h"
#include "debugport.h"
#include "buddy.h"
#include "cap.h"
#include "heap.h"
#include "largepage.h"
#include "klib.h"
#include "mmu.h"
#include "proc.h"
#include "vm.h"

struct memblk {
	struct obj o;
	uint32_t pa;
	uint32_t order;
};

struct obj capmem_quota = { CAPT_QUOTA, 1 }; /* never released */

static struct memblk *blk(const struct obj *o) { return (struct memblk *)o; }
static uint32_t npages(const struct memblk *m) { return 1u << m->order; }

uint32_t capmem_order(const struct obj *o) { return blk(o)->order; }
uint32_t capmem_pa(const struct obj *o) { return blk(o)->pa; }

void capmem_release(struct obj *o)
{
	struct memblk *m = blk(o);
	for (uint32_t i = 0; i < npages(m); i++)
		page_unref(m->pa + i * PGSIZE);
	kfree(m);
}

static struct memblk *memblk_new(uint32_t pa, uint32_t order)
{
	struct memblk *m = kmalloc(sizeof *m);
	if (m)
		*m = (struct memblk){ { CAPT_MEMORY, 1 }, pa, order };
	return m;
}

int capmem_sys_alloc(uint32_t quota_fd, uint32_t order)
{
	int err, fd;
	struct cap *q = cap_get(quota_fd, CAPT_QUOTA, 0, &err);
	if (!q)
		return err;
	if (order > BUDDY_MAX_ORDER)
		return -EINVAL;
	if (q->count < (1u << order))
		return -ENOSPC;
	if (cap_free_slots(&fd, 1) < 1)
		return -EMFILE;
	struct memblk *m = memblk_new(0, order);
	if (!m || !(m->pa = buddy_alloc_frames(order))) {
		kfree(m);
		return -ENOMEM;
	}
	memset((void *)m->pa, 0, npages(m) * PGSIZE); /* no stale bytes reach the user */
	q->count -= npages(m);
	cap_install_at(fd, &m->o, CAP_READ | CAP_WRITE, 0);
	return fd;
}

static int sole(const struct cap *c) { return c->obj->refs == 1; }

int capmem_split(struct cap *c)
{
	struct memblk *m = blk(c->obj), *hi;
	int fd;
	if (m->order == 0)
		return -EINVAL;
	if (!sole(c))
		return -EBUSY;
	if (cap_free_slots(&fd, 1) < 1)
		return -EMFILE;
	if (!(hi = memblk_new(m->pa + (npages(m) / 2) * PGSIZE, m->order - 1)))
		return -ENOMEM;
	m->order--;
	cap_install_at(fd, &hi->o, c->rights, 0);
	return fd;
}

int capmem_merge(struct cap *c, struct cap *c2)
{
	struct memblk *a = blk(c->obj), *b = blk(c2->obj);
	if (!sole(c) || !sole(c2))
		return -EBUSY;
	if (a->order != b->order || a->order >= BUDDY_MAX_ORDER || (a->pa ^ b->pa) != (PGSIZE << a->order))
		return -EINVAL; /* not buddies */
	a->pa = a->pa < b->pa ? a->pa : b->pa;
	a->order++;
	c->rights &= c2->rights;
	*c2 = (struct cap){ 0, 0, 0 }; /* b's page references are a's now */
	kfree(b);
	return 0;
}

static int mapped_nowhere(const struct memblk *m)
{
	for (uint32_t i = 0; i < npages(m); i++)
		if (page_refcount(m->pa + i * PGSIZE) != 1)
			return 0;
	return 1;
}

int capmem_refund(struct cap *quota, struct cap *mem)
{
	struct memblk *m = blk(mem->obj);
	if (!sole(mem) || !mapped_nowhere(m))
		return -EBUSY;
	if (quota->count > CAP_QUOTA_MAX - npages(m))
		return -EOVERFLOW;
	quota->count += npages(m);
	cap_clear(mem);
	return 0;
}

uint32_t capmem_take_page(struct cap *c, int *err)
{
	struct memblk *m = blk(c->obj);
	uint32_t pa = m->pa;
	*err = -EINVAL;
	if (m->order != 0)
		return 0;
	*err = -EBUSY;
	if (!sole(c) || !mapped_nowhere(m))
		return 0;
	*c = (struct cap){ 0, 0, 0 }; /* the frame's reference is the caller's now */
	kfree(m);
	*err = 0;
	return pa;
}

/* The memory block fd names, with the rights asked, if it fits at va in
 * the caller's space; else 0 and the error in *err. */
static struct memblk *block_at(uint32_t fd, uint32_t rights, uint32_t va, int *err)
{
	struct cap *c = cap_get(fd, CAPT_MEMORY, rights, err);
	if (!c)
		return 0;
	struct memblk *m = blk(c->obj);
	if (!as_range_ok(va, npages(m))) {
		*err = -EINVAL;
		return 0;
	}
	return m;
}

int capmem_sys_map(uint32_t fd, uint32_t va, uint32_t flags)
{
	int err;
	if (flags & ~MAP_WRITE)
		return -EINVAL;
	struct memblk *m = block_at(fd, (flags & MAP_WRITE) ? CAP_READ | CAP_WRITE : CAP_READ, va, &err);
	if (!m)
		return err;
	struct as *as = curproc->as;
	if (m->order >= 10 && !(va & (LARGE_PGSIZE - 1)))
		return large_map_block(as, va, m->pa, (flags & MAP_WRITE) ? PTE_W : 0);
	for (uint32_t i = 0; i < npages(m); i++) {
		uint32_t pa = m->pa + i * PGSIZE;
		page_ref(pa);
		if ((err = as_map_page(as, va + i * PGSIZE, pa, (flags & MAP_WRITE) ? PTE_W : 0)) < 0) {
			page_unref(pa);
			if (i)
				as_unmap(as, va, i);
			return err;
		}
	}
	announce_pages(1, as->pgdir, va, npages(m));
	return 0;
}

/* Only where every page shows this block's frame, in order. */
int capmem_sys_unmap(uint32_t fd, uint32_t va)
{
	int err;
	struct memblk *m = block_at(fd, 0, va, &err);
	if (!m)
		return err;
	struct as *as = curproc->as;
	for (uint32_t i = 0; i < npages(m); i++)
		if (large_frame(as, va + i * PGSIZE) != m->pa + i * PGSIZE)
			return -EINVAL;
	return as_unmap(as, va, npages(m));
}
