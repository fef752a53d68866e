/* t_cap — descriptors: the spawn quota, memory blocks (allocate, map,
 * split, merge, unmap, close, refund), allocation rights made from a page
 * (counted descriptors: create, split, merge), fork, and every error
 * path (docs/capabilities.md).
 */
#include "user.h"

#define VA 0xA0000000u

static struct cap_info info(int fd)
{
	struct cap_info ci = { 0, 0, 0, 0 };
	cap_info(fd, &ci);
	return ci;
}

static void memory_blocks(void)
{
	struct cap_info q = info(0);
	ok(q.type == CAPT_QUOTA && q.count == CAP_SPAWN_QUOTA, "fd 0 is the spawn quota: %u pages", q.count);
	int m = cap_alloc(0, 2);
	struct cap_info mi = info(m);
	ok(m > 0 && mi.type == CAPT_MEMORY && mi.order == 2 && mi.rights == (CAP_READ | CAP_WRITE),
	   "allocate 4 pages: fd %d order %u rights %u", m, mi.order, mi.rights);
	ok(info(0).count == CAP_SPAWN_QUOTA - 4, "the quota paid 4 pages");
	ok(cap_alloc(0, 11) == -EINVAL, "order 11: EINVAL");
	ok(cap_alloc(m, 0) == -EBADF, "allocate against a memory descriptor: EBADF");
	ok(cap_map(m, VA + 1, MAP_WRITE) == -EINVAL && cap_map(m, VA, 0x80) == -EINVAL,
	   "map at an unaligned address or with unknown flags: EINVAL");
	ok(cap_map(m, VA, MAP_WRITE) == 0, "map it writable");
	volatile uint32_t *p = (uint32_t *)VA;
	ok(p[0] == 0 && p[3 * 1024 + 1023] == 0, "it comes zeroed");
	for (int i = 0; i < 4; i++)
		p[i * 1024] = 0xC0DE0000 + i;
	ok(cap_map(m, VA, 0) == -EEXIST, "map over itself: EEXIST");
	ok(cap_unmap(m, VA + 4096) == -EINVAL, "unmap where it is not mapped: EINVAL");

	int hi = cap_split(m, 0);
	ok(hi > 0 && info(m).order == 1 && info(hi).order == 1, "split into two halves of 2 pages");
	ok(p[0] == 0xC0DE0000 && p[3 * 1024] == 0xC0DE0003, "the mapping is unchanged");
	int lo0 = cap_split(m, 0), lo1 = m;
	ok(lo0 > 0 && info(lo1).order == 0, "split the lower half again");
	ok(cap_split(lo1, 0) == -EINVAL, "split an order-0 block: EINVAL");
	ok(cap_split(hi, 1) == -EINVAL, "split a block with a count: EINVAL");
	ok(cap_merge(lo0, hi) == -EINVAL, "merge an order-0 block with an order-1 block: EINVAL");
	int other = cap_alloc(0, 0);
	ok(cap_merge(lo0, other) == -EINVAL, "merge blocks that are not buddies: EINVAL");
	ok(cap_merge(lo0, lo0) == -EINVAL, "merge a block with itself: EINVAL");
	ok(cap_merge(lo1, lo0) == 0 && info(lo1).order == 1 && info(lo0).type == 0,
	   "merge the buddies back: order 1, the second descriptor is gone");
	ok(cap_merge(hi, lo1) == 0 && info(hi).order == 2, "merge the halves: order 2 again");
	m = hi;
	ok(p[1024] == 0xC0DE0001, "still mapped, still the same frames");

	ok(cap_merge(0, m) == -EBUSY, "refund a mapped block to the quota: EBUSY");
	ok(cap_unmap(m, VA) == 0, "unmap it");
	uint32_t before = info(0).count;
	ok(cap_merge(0, m) == 0 && info(0).count == before + 4 && info(m).type == 0,
	   "refund the unmapped block: the quota gets its 4 pages back");
	ok(cap_close(other) == 0 && cap_close(other) == -EBADF, "close, then close again: EBADF");
	ok(cap_info(-1, 0) == -EBADF && cap_info(NCAP, 0) == -EBADF && cap_close(NCAP + 5) == -EBADF,
	   "descriptors out of range: EBADF");
	ok(cap_info(0, (struct cap_info *)0x10) == -EFAULT, "info into a bad buffer: EFAULT");
}

static void counts(void)
{
	uint32_t all = info(0).count;
	ok(cap_split(0, 0) == -EINVAL && cap_split(0, all) == -EINVAL && cap_split(0, 0xFFFFFFFFu) == -EINVAL,
	   "split off nothing, everything or more: EINVAL (no count underflows)");
	int q1 = cap_split(0, 1);
	ok(q1 > 0 && info(q1).count == 1 && info(0).count == all - 1, "split the quota: 1 and %u", all - 1);
	ok(cap_alloc(q1, 1) == -ENOSPC, "allocate 2 pages against a quota of 1: ENOSPC");
	ok(cap_merge(0, q1) == 0 && info(0).count == all, "merge the counts back");

	int fds[NCAP], n = 0, r;
	while ((r = cap_split(0, 1)) >= 0)
		fds[n++] = r;
	ok(r == -EMFILE && n > 0, "split until the table is full: EMFILE after %d", n);
	while (n > 0)
		cap_merge(0, fds[--n]);
	ok(info(0).count == all, "every count merged back");
}

static void slabs(void)
{
	int big = cap_alloc(0, 1), pg = cap_alloc(0, 0), mapped = cap_alloc(0, 0);
	ok(cap_slab(big, SLAB_ENDPOINT) == -EINVAL, "a slab from a 2-page block: EINVAL");
	ok(cap_slab(pg, 99) == -EINVAL, "a slab of an unknown kind: EINVAL");
	ok(cap_slab(0, SLAB_ENDPOINT) == -EBADF, "a slab from the quota: EBADF");
	cap_map(mapped, VA, MAP_WRITE);
	ok(cap_slab(mapped, SLAB_ENDPOINT) == -EBUSY, "a slab from a mapped page: EBUSY");
	ok(cap_slab(pg, SLAB_ENDPOINT) == 0, "a slab from an unmapped page");
	struct cap_info si = info(pg);
	ok(si.type == CAPT_SLAB && si.count >= 2, "an allocation right for %u endpoints", si.count);
	ok(cap_map(pg, VA + 0x10000, 0) == -EBADF, "the slab's page is no longer mappable: EBADF");
	int ep = ep_create(pg);
	ok(ep > 0 && info(ep).type == CAPT_ENDPOINT && info(pg).count == si.count - 1,
	   "create an endpoint: the count goes down by one");
	int part = cap_split(pg, 1);
	ok(part > 0 && info(part).count == 1 && info(pg).count == si.count - 2, "split the count: 1 and the rest");
	int e2 = ep_create(part);
	ok(e2 > 0 && info(part).count == 0, "use up the split-off right");
	ok(ep_create(part) == -ENOSPC, "create from a used-up right: ENOSPC");
	ok(ep_create(big) == -EBADF, "create from a memory descriptor: EBADF");
	ok(cap_merge(pg, part) == 0 && info(pg).count == si.count - 2, "merge the empty count back");

	int pg2 = cap_alloc(0, 0);
	cap_slab(pg2, SLAB_ENDPOINT);
	ok(cap_merge(pg, pg2) == -EINVAL, "merge counts of two different slabs: EINVAL");
	ok(cap_merge(pg, big) == -EINVAL && cap_merge(ep, e2) == -EINVAL, "merge unlike descriptors: EINVAL");
	ok(cap_split(ep, 0) == -EINVAL, "split an endpoint: EINVAL");
	int child = fork(), st = -1;
	if (child == 0) {
		/* counted descriptors stay with the parent; the others are shared */
		exit(info(0).type == 0 && info(pg).type == 0 && info(ep).type == CAPT_ENDPOINT &&
		     info(big).type == CAPT_MEMORY ? 0 : 1);
	}
	ok(wait(child, &st) == child && st == 0, "fork: the child has the parent's descriptors but no counts");
	int fds[] = { big, mapped, pg, pg2, ep, e2 };
	int closed = 0;
	for (unsigned i = 0; i < sizeof fds / sizeof fds[0]; i++)
		closed += cap_close(fds[i]) == 0;
	ok(closed == 6, "close them all");
}

int main(void)
{
	plan(51);
	memory_blocks();
	counts();
	slabs();
	done();
}
