/* vm.c — user address spaces.
 *
 * A user page directory maps user pages (PTE_U) and the window (no
 * PTE_U) and nothing else.  The kernel edits these tables through its 1:1
 * map of physical memory; it never runs on them except in the window.
 * In the bounce layout changes need no TLB flush: each return to user
 * mode reloads CR3.  In the shared layout the kernel runs on the very
 * directory it edits, so a changed or removed entry is flushed (tlb_sync).
 */
#include "vm.h"
#include "abi.h"
#include "buddy.h"
#include "debugport.h"
#include "heap.h"
#include "kassert.h"
#include "klib.h"
#include "kvm.h"
#include "largepage.h"
#include "mmu.h"
#include "pager.h"
#include "window.h"
#include "x86.h"

static uint32_t *pgdir_of(struct as *as) { return (uint32_t *)as->pgdir; }

static int running_shared(struct as *as)
{
	return kernel_layout == LAYOUT_SHARED && rcr3() == as->pgdir;
}

/* An entry of as changed or went away. */
void as_tlb_sync(struct as *as, uint32_t va)
{
	if (running_shared(as))
		invlpg(va);
}

/* Frames for user pages and tables page others out when none is free. */
static uint32_t zeroed_page(void)
{
	uint32_t pa = pager_page_alloc();
	if (pa)
		memset((void *)pa, 0, PGSIZE);
	return pa;
}

/* Aligned, non-empty, not wrapping; in the shared layout also clear of
 * the kernel's range, which every user directory maps there. */
int as_range_ok(uint32_t va, uint32_t npages)
{
	if (va & (PGSIZE - 1) || npages == 0 || npages > 0x100000)
		return 0;
	if ((uint64_t)va + (uint64_t)npages * PGSIZE > 0x100000000ull)
		return 0;
	return kernel_layout == LAYOUT_BOUNCE || va >= kvm_end();
}

/* An address space with an empty user part, and its window at va (in the
 * shared layout: the kernel's range instead). */
static struct as *as_alloc(uint32_t window_va, uint32_t code_va)
{
	struct as *as = kcalloc(1, sizeof *as);
	if (!as)
		return 0;
	as->refs = 1;
	if (!(as->pgdir = zeroed_page()))
		goto fail;
	if (kernel_layout == LAYOUT_SHARED)
		kvm_share(pgdir_of(as));
	else if (window_create(as, window_va, code_va) < 0)
		goto fail;
	return as;
fail:
	as_put(as);
	return 0;
}

struct as *as_create(void)
{
	return as_alloc(WINDOW_INITIAL_VA, WINDOW_INITIAL_VA + PGSIZE);
}

void as_get(struct as *as)
{
	as->refs++;
}

/* The user's entry under the window goes: the frame of a page it parked
 * on (a large page's, docs/memory.md) or the slot of a paged-out page.
 * 1 if it was a present page. */
static int drop_covered(uint32_t *covered)
{
	uint32_t e = *covered;
	*covered = 0;
	if (e & PTE_P) {
		page_unref(PTE_ADDR(e));
		return 1;
	}
	pager_drop(e);
	return 0;
}

static void as_free_tables(struct as *as)
{
	uint32_t *pd = pgdir_of(as);
	for (int i = 0; i < 1024; i++) {
		if ((pd[i] & (PTE_P | PTE_U)) != (PTE_P | PTE_U))
			continue; /* empty, or the kernel's (shared layout) */
		if (pd[i] & PTE_PS) {
			large_release(pd[i]);
			continue;
		}
		uint32_t *pt = (uint32_t *)PTE_ADDR(pd[i]);
		for (int j = 0; j < 1024; j++)
			if ((pt[j] & (PTE_P | PTE_U)) == (PTE_P | PTE_U))
				page_unref(PTE_ADDR(pt[j]));
			else
				pager_drop(pt[j]);
		page_unref(PTE_ADDR(pd[i]));
	}
	drop_covered(&as->win.covered[0]);
	drop_covered(&as->win.covered[1]);
}

void as_put(struct as *as)
{
	if (--as->refs > 0)
		return;
	if (as->pgdir) {
		as_free_tables(as);
		page_unref(as->pgdir);
	}
	window_destroy(as);
	kfree(as);
}

uint32_t *as_pte(struct as *as, uint32_t va, int create)
{
	uint32_t *pde = &pgdir_of(as)[PDX(va)];
	if (large_at(as, va) && (!create || large_split(as, va) < 0))
		return 0; /* a large page has no table, until split */
	if ((*pde & (PTE_P | PTE_U)) == PTE_P)
		return 0; /* the kernel's own entry (shared layout) */
	if (!(*pde & PTE_P)) {
		uint32_t pt;
		if (!create || !(pt = zeroed_page()))
			return 0;
		*pde = pt | PTE_P | PTE_W | PTE_U;
		as->tables++;
	}
	return (uint32_t *)PTE_ADDR(*pde) + PTX(va);
}

/* Mapping over the window moves the window out of the way first. */
static uint32_t *pte_for_mapping(struct as *as, uint32_t va, int *err)
{
	if (window_covers(as, va, PGSIZE) && (*err = window_relocate(as)) < 0)
		return 0;
	uint32_t *pte = as_pte(as, va, 1);
	*err = pte ? 0 : -ENOMEM;
	return pte;
}

int as_map_page(struct as *as, uint32_t va, uint32_t pa, uint32_t pteflags)
{
	int err;
	uint32_t *pte = pte_for_mapping(as, va, &err);
	if (!pte)
		return err;
	if (*pte & (PTE_P | PTE_SWAP))
		return -EEXIST;
	KASSERT(page_refcount(pa) > 0); /* never map a free frame: the caller holds a reference */
	*pte = pa | pteflags | PTE_P | PTE_U;
	as->pages++;
	return 0;
}

/* The user has this page: present, paged out, or reserved for a lazy fill. */
static int user_owned(const uint32_t *pte)
{
	return pte && (((*pte & (PTE_P | PTE_U)) == (PTE_P | PTE_U)) || pte_swapped(*pte) || (*pte & PTE_LAZY));
}

static uint32_t pte_flags(int mapflags)
{
	return (mapflags & MAP_WRITE) ? PTE_W : 0;
}

/* A lazy reservation is only a note in a not-present entry; the window may
 * keep sitting on one (it is still free for the user to touch). */
static int reserve_page(struct as *as, uint32_t va, int mapflags)
{
	if (window_covers(as, va, PGSIZE)) {
		uint32_t *c = window_covered(as, va);
		if (*c)
			return (mapflags & MAP_SKIP) ? 0 : -EEXIST;
		*c = PTE_LAZY | pte_flags(mapflags);
		return 0;
	}
	uint32_t *pte = as_pte(as, va, 1);
	if (!pte)
		return -ENOMEM;
	if (*pte)
		return (mapflags & MAP_SKIP) ? 0 : -EEXIST;
	*pte = PTE_LAZY | pte_flags(mapflags);
	return 0;
}

static int map_one(struct as *as, uint32_t va, int mapflags)
{
	if (large_at(as, va))
		return (mapflags & MAP_SKIP) ? 0 : -EEXIST;
	if (mapflags & MAP_LAZY)
		return reserve_page(as, va, mapflags);
	if (user_owned(as_pte(as, va, 0)) || (window_covers(as, va, PGSIZE) && *window_covered(as, va)))
		return (mapflags & MAP_SKIP) ? 0 : -EEXIST;
	uint32_t pa = zeroed_page();
	if (!pa)
		return -ENOMEM;
	int err = as_map_page(as, va, pa, pte_flags(mapflags));
	if (err < 0)
		page_unref(pa);
	return err;
}

/* The emulator's log learns which pages a call mapped, the first n of
 * those asked for: the window view draws them (docs/analysis.md). */
static int announce_mapped(struct as *as, uint32_t va, uint32_t n, int err)
{
	if (n)
		announce_pages(1, as->pgdir, va, n);
	return err;
}

int as_map(struct as *as, uint32_t va, uint32_t npages, int mapflags)
{
	if (mapflags & MAP_LARGE)
		return large_map(as, va, npages, mapflags); /* announces each large page */
	if (!as_range_ok(va, npages) || (mapflags & ~(MAP_WRITE | MAP_LAZY | MAP_SKIP)))
		return -EINVAL;
	for (uint32_t i = 0; i < npages; i++) {
		int err = map_one(as, va + i * PGSIZE, mapflags);
		if (err < 0)
			return announce_mapped(as, va, i, err);
	}
	large_coalesce_range(as, va, va + (npages - 1) * PGSIZE); /* it may have filled a region */
	return announce_mapped(as, va, npages, 0);
}

/* A write to a shared page: copy it unless we are its last user. */
static int break_cow(struct as *as, uint32_t va, uint32_t *pte)
{
	uint32_t old = PTE_ADDR(*pte);
	if (page_refcount(old) > 1) {
		pager_pin(as, va); /* a copy-on-write page is a victim, but not this one */
		uint32_t pa = pager_page_alloc();
		pager_unpin();
		if (!pa)
			return -ENOMEM;
		memcpy((void *)pa, (void *)old, PGSIZE);
		unsigned left = page_unref(old);
		KASSERT(left > 0); /* still mapped by another: not freed */
		*pte = pa | (*pte & 0xFFF);
	}
	*pte = (*pte | PTE_W) & ~PTE_COW;
	as_tlb_sync(as, va);
	return 0;
}

/* The entry of present user page va, made private first if it was
 * copy-on-write: a copy-on-write frame stays mapped at one place in an
 * address space, since breaking it changes one entry and would split
 * aliases of it (docs/memory.md). */
static uint32_t *alias_source(struct as *as, uint32_t va, int *err)
{
	if ((*err = large_split(as, va)) < 0)
		return 0;
	uint32_t *pte = as_pte(as, va, 0);
	*err = -EFAULT;
	if (pte && pte_swapped(*pte) && (*err = pager_page_in(as, va, pte)) < 0)
		return 0;
	if (!pte || (*pte & (PTE_P | PTE_U)) != (PTE_P | PTE_U))
		return 0;
	if ((*pte & PTE_COW) && (*err = break_cow(as, va, pte)) < 0)
		return 0;
	return pte;
}

int as_map_frames(struct as *as, uint32_t va, uint32_t npages, uint32_t src, uint32_t nsrc, int mapflags)
{
	if (mapflags & MAP_LARGE)
		return large_map_frames(as, va, npages, src, nsrc, mapflags);
	if (!as_range_ok(va, npages) || !as_range_ok(src, nsrc) || (mapflags & ~MAP_SKIP))
		return -EINVAL;
	for (uint32_t i = 0; i < npages; i++) {
		uint32_t dst = va + i * PGSIZE, *source, spte;
		int err;
		if (!(source = alias_source(as, src + (i % nsrc) * PGSIZE, &err)))
			return announce_mapped(as, va, i, err);
		spte = *source;
		if (large_at(as, dst) || user_owned(as_pte(as, dst, 0))) {
			if (mapflags & MAP_SKIP)
				continue;
			return announce_mapped(as, va, i, -EEXIST);
		}
		page_ref(PTE_ADDR(spte));
		err = as_map_page(as, dst, PTE_ADDR(spte), spte & PTE_W);
		if (err < 0) {
			page_unref(PTE_ADDR(spte));
			return announce_mapped(as, va, i, err);
		}
	}
	return announce_mapped(as, va, npages, 0);
}

int as_unmap(struct as *as, uint32_t va, uint32_t npages)
{
	if (!as_range_ok(va, npages))
		return -EINVAL;
	as->win.full = 0; /* a page is free again for the window */
	for (uint32_t i = 0; i < npages; i++) {
		uint32_t a = va + i * PGSIZE;
		int whole = large_unmap(as, a, npages - i);
		if (whole < 0)
			return whole;
		if (whole) {
			i += whole - 1;
			continue;
		}
		if (window_covers(as, a, PGSIZE)) {
			as->pages -= drop_covered(window_covered(as, a));
			continue;
		}
		uint32_t *pte = as_pte(as, a, 0);
		if (!pte)
			continue;
		if (*pte & PTE_P) {
			page_unref(PTE_ADDR(*pte));
			as->pages--;
		}
		pager_drop(*pte);
		*pte = 0;
		as_tlb_sync(as, a);
	}
	announce_pages(0, as->pgdir, va, npages);
	return 0;
}

/* The shell's k.mm.setmap (docs/memory.md).  U stays: it is how the
 * kernel tells a user page, whose frame it counts, from the window's.
 * Writability (W, or copy-on-write, which counts as writable) changes only
 * on a frame mapped once: on a shared one it would let one mapping write
 * what others see, or split aliases at the next fork. */
int as_setflags(struct as *as, uint32_t va, uint32_t set, uint32_t clr)
{
	if (large_split(as, va) < 0)
		return -ENOMEM;
	uint32_t *pte = as_pte(as, va, 0);
	if (!pte || (*pte & (PTE_P | PTE_U)) != (PTE_P | PTE_U))
		return -EFAULT;
	if (((set | clr) & ~AS_SETFLAGS) || (clr & PTE_U))
		return -EINVAL;
	uint32_t e = (*pte | (set & ~PTE_W)) & ~(clr & ~PTE_W);
	int was_w = (e & (PTE_W | PTE_COW)) != 0, now_w = (was_w || (set & PTE_W)) && !(clr & PTE_W);
	if (now_w != was_w) {
		if (page_refcount(PTE_ADDR(e)) > 1)
			return -EBUSY;
		e = (e & ~(PTE_W | PTE_COW)) | (now_w ? PTE_W : 0);
	}
	*pte = e;
	as_tlb_sync(as, va);
	return 0;
}

int as_fault(struct as *as, uint32_t va, uint32_t err)
{
	if (window_covers(as, va, 1))
		return window_relocate(as);
	if (large_at(as, va))
		return large_fault(as, va, err);
	uint32_t *pte = as_pte(as, va, 0);
	if (!pte)
		return -EFAULT;
	if (!(*pte & PTE_P) && (*pte & PTE_LAZY)) {
		uint32_t pa = zeroed_page();
		if (!pa)
			return -ENOMEM;
		*pte = pa | (*pte & PTE_W) | PTE_A | PTE_P | PTE_U; /* A: the retry needs it */
		as->pages++;
		return 0;
	}
	if (pte_swapped(*pte))
		return pager_page_in(as, va, pte);
	if ((*pte & PTE_P) && (err & PFERR_W) && (*pte & PTE_COW))
		return break_cow(as, va, pte);
	return -EFAULT;
}

/* The child's copies of the parent's aliased frames: a frame the parent
 * maps at several places (map_frames) is writable, not copy-on-write,
 * and has more than one reference.  Copy-on-write would break such a
 * frame one entry at a time and split the aliases, so the child gets its
 * own copy at fork, once, shared by all its aliases.  An open-addressing
 * table {parent's frame, copy}; it holds one reference to each copy
 * until the fork ends. */
struct alias_copies {
	uint32_t cap;
	uint32_t (*slot)[2];
};

static int aliased(uint32_t e)
{
	return (e & (PTE_W | PTE_COW)) == PTE_W && page_refcount(PTE_ADDR(e)) > 1;
}

/* Room for every frame the parent could alias, at most half full. */
static int alias_copies_init(struct alias_copies *c, const struct as *parent)
{
	struct buddy_info bi;
	buddy_info(&bi);
	uint32_t most = parent->pages / 2 < bi.used_pages ? parent->pages / 2 : bi.used_pages;
	for (c->cap = 16; c->cap < 2 * most; c->cap *= 2)
		;
	c->slot = kcalloc(c->cap, sizeof *c->slot);
	return c->slot ? 0 : -ENOMEM;
}

/* The child's copy of frame, made at first sight; 0 if out of memory. */
static uint32_t alias_copy(struct alias_copies *c, const struct as *parent, uint32_t frame)
{
	if (!c->slot && alias_copies_init(c, parent) < 0)
		return 0;
	for (uint32_t k = (frame >> 12) * 2654435761u;; k++) {
		uint32_t *s = c->slot[k & (c->cap - 1)];
		if (s[0] == frame)
			return s[1];
		if (s[0] == 0) {
			if (!(s[1] = pager_page_alloc()))
				return 0;
			memcpy((void *)s[1], (void *)frame, PGSIZE);
			s[0] = frame;
			return s[1];
		}
	}
}

static void alias_copies_free(struct alias_copies *c)
{
	for (uint32_t i = 0; c->slot && i < c->cap; i++)
		if (c->slot[i][0])
			page_unref(c->slot[i][1]);
	kfree(c->slot);
}

/* The child's entry for the parent's present user entry e: aliased
 * frames are copied (above); other writable and copy-on-write pages
 * become shared copy-on-write pages in both; read-only pages are simply
 * shared.  0 if out of memory. */
static uint32_t fork_entry(struct as *parent, uint32_t *pe, struct alias_copies *c)
{
	uint32_t e = *pe;
	if (aliased(e)) {
		uint32_t pa = alias_copy(c, parent, PTE_ADDR(e));
		if (!pa)
			return 0;
		e = pa | (e & 0xFFF);
	} else if (e & (PTE_W | PTE_COW)) {
		e = *pe = (e & ~PTE_W) | PTE_COW;
	}
	page_ref(PTE_ADDR(e));
	return e;
}

/* What the parent's window page covers goes under the child's window page
 * at the same address (page 0 data, 1 code). */
static int fork_covered(struct as *parent, struct as *child, int page, struct alias_copies *c)
{
	uint32_t parked = parent->win.covered[page];
	if ((parked & PTE_P) && !(parked = fork_entry(parent, &parent->win.covered[page], c)))
		return -ENOMEM;
	if (pager_share(parked) < 0)
		return -ENOMEM;
	child->win.covered[page] = parked;
	child->pages += (parked & PTE_P) != 0;
	return 0;
}

/* The parent's entries of one table into the child's.  The window's two
 * entries, if they are in this table, are copied with the rest, as any
 * supervisor entry, and put right afterwards: no entry is compared with
 * the window's (a test per entry was 160,000 of a bouncing fork's 495,000
 * instructions, 76,000 of a shared one's 382,000). */
static int fork_entries(struct as *parent, struct as *child, uint32_t *ppt, uint32_t *cpt,
			struct alias_copies *c)
{
	for (int i = 0; i < 1024; i++) {
		uint32_t e = ppt[i];
		if ((e & (PTE_P | PTE_U)) == (PTE_P | PTE_U)) {
			if (!(e = fork_entry(parent, &ppt[i], c)))
				return -ENOMEM;
			child->pages++;
		} else if (pager_share(e) < 0) {
			return -ENOMEM;
		}
		cpt[i] = e;
	}
	return 0;
}

static int fork_table(struct as *parent, struct as *child, int pdx, struct alias_copies *c)
{
	uint32_t *ppt = (uint32_t *)PTE_ADDR(pgdir_of(parent)[pdx]);
	uint32_t *cpt = as_pte(child, PGADDR(pdx, 0), 1);
	if (!cpt)
		return -ENOMEM;
	if (!window_covers(parent, PGADDR(pdx, 0), LARGE_PGSIZE))
		return fork_entries(parent, child, ppt, cpt, c);
	/* The child's window sits at the same two places as the parent's. */
	uint32_t *data = &cpt[PTX(parent->win.va)], *code = &cpt[PTX(parent->win.cva)];
	uint32_t child_data = *data, child_code = *code;
	int err = fork_entries(parent, child, ppt, cpt, c);
	*data = child_data, *code = child_code;
	if (err < 0 || fork_covered(parent, child, 0, c) < 0 || fork_covered(parent, child, 1, c) < 0)
		return -ENOMEM;
	return 0;
}

struct as *as_fork(struct as *parent)
{
	struct alias_copies copies = { 0, 0 };
	struct as *child = as_alloc(parent->win.va, parent->win.cva);
	if (!child)
		return 0;
	child->win.moves = parent->win.moves;
	for (int pdx = 0; pdx < 1024; pdx++) {
		uint32_t pde = pgdir_of(parent)[pdx];
		int r = 0;
		if ((pde & (PTE_P | PTE_U)) == (PTE_P | PTE_U) && (r = large_fork(parent, child, pdx)) == 0)
			r = fork_table(parent, child, pdx, &copies);
		if (r < 0) {
			as_put(child);
			child = 0;
			break;
		}
	}
	alias_copies_free(&copies);
	if (running_shared(parent))
		lcr3(parent->pgdir); /* its writable pages just became copy-on-write */
	return child;
}
