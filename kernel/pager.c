/* pager.c — user pages out to swap slots and back (docs/memory.md, "Swap").
 *
 * Victims are chosen by a clock (second chance) on the accessed bit, over
 * the user pages of every process in turn: a global clock, since running
 * out of frames is a global event.  The hand is a process (pager_hand)
 * and, within its space, an address (as->clock).  A page the hand finds
 * accessed loses its A bit and is passed over once.
 *
 * A page-out always frees the frame: a victim is a frame mapped once, or
 * one that fork shares read-only or copy-on-write, whose mappings all sit
 * at the same address in parent and children (map_frames makes a
 * copy-on-write source private first), so they are found without a
 * reverse map and all go out to one slot, which counts them.  They come
 * back shared: the first page-in of a slot others still name keeps its
 * frame in the swap cache (swapcache.c), and the others map that frame,
 * copy-on-write or read-only as the page was.  Writable shared frames
 * (map_frames aliases, descriptors) and frames with references that are
 * not such mappings (a descriptor's, fork's alias copies, the swap
 * cache's) are never victims: their sharers would stop seeing each
 * other's writes.  Nor are large pages, page tables or the window.
 *
 * The disk is polled (no sleeping), so nothing else runs while a page
 * goes out or comes in: the entry is rewritten after the transfer.
 */
#include "pager.h"
#include "abi.h"
#include "buddy.h"
#include "copy.h"
#include "debugport.h"
#include "kassert.h"
#include "klib.h"
#include "proc.h"
#include "stats.h"
#include "swapcache.h"
#include "swapslot.h"
#include "trap.h"
#include "vm.h"

#define CLOCK_LAPS 3 /* from mid-space to the top, a lap clearing A bits, a lap finding */
#define PAGER_RESERVE 256 /* frames (1 MiB) */

static int pager_hand; /* the process whose space the global hand is in */
static struct { struct as *as; uint32_t va; } pin;

void pager_pin(struct as *as, uint32_t va)
{
	pin.as = as;
	pin.va = ROUNDDOWN(va, PGSIZE);
}

void pager_unpin(void)
{
	pin.as = 0;
}

/* Pages the fault or system call being served needs: the faulting page,
 * the user's instruction and stack pages, and the region the kernel's
 * copy slot shows (copy.c). */
static int pinned(struct as *as, uint32_t va)
{
	if (as == pin.as && va == pin.va)
		return 1;
	if (curproc && curproc->as == as && curproc->tf && tf_from_user(curproc->tf) &&
	    (va == ROUNDDOWN(curproc->tf->eip, PGSIZE) || va == ROUNDDOWN(curproc->tf->esp, PGSIZE)))
		return 1;
	return copy_slot_shows(as, va);
}

static int maps(struct as *as, uint32_t va, uint32_t pa)
{
	uint32_t *pte = as_pte(as, va, 0);
	return pte && (*pte & (PTE_P | PTE_U)) == (PTE_P | PTE_U) && PTE_ADDR(*pte) == pa;
}

/* The spaces mapping frame pa at va, none pinned there, into out[NPROC]. */
static int sharers(uint32_t va, uint32_t pa, struct as **out)
{
	int n = 0;
	for (struct proc *p = proctab; p < proctab + NPROC; p++) {
		struct as *as = p->as;
		if (p->state == P_UNUSED || !as || !maps(as, va, pa))
			continue;
		int seen = 0; /* threads share a space */
		for (int i = 0; i < n; i++)
			seen |= out[i] == as;
		if (seen)
			continue;
		if (pinned(as, va))
			return 0;
		out[n++] = as;
	}
	return n;
}

/* The mappings to page out with entry e of as at va: all of its frame's,
 * or none (0) if that is not what every reference to it is. */
static int victims(struct as *as, uint32_t va, uint32_t e, struct as **out)
{
	if ((e & (PTE_P | PTE_U)) != (PTE_P | PTE_U) || pinned(as, va))
		return 0;
	uint32_t refs = page_refcount(PTE_ADDR(e));
	if (refs == 1) {
		out[0] = as;
		return 1;
	}
	if ((e & PTE_W) || refs > NPROC)
		return 0; /* an alias */
	return sharers(va, PTE_ADDR(e), out) == (int)refs ? (int)refs : 0;
}

/* The hand goes over as from as->clock to the top of the space, taking A
 * from recently used pages; 1 and *va at the first victim without A. */
static int sweep(struct as *as, uint32_t *va)
{
	struct as *out[NPROC];
	uint32_t *pd = (uint32_t *)as->pgdir;
	for (uint64_t next = as->clock; next < 0x100000000ull; next += PGSIZE) {
		uint32_t a = (uint32_t)next, pde = pd[PDX(a)];
		if ((pde & (PTE_P | PTE_U | PTE_PS)) != (PTE_P | PTE_U)) {
			next = ROUNDDOWN(a, LARGE_PGSIZE) + LARGE_PGSIZE - PGSIZE; /* no table here: on to the next region */
			continue;
		}
		uint32_t *pte = (uint32_t *)PTE_ADDR(pde) + PTX(a);
		if (!(*pte & PTE_P) || !victims(as, a, *pte, out))
			continue;
		if (*pte & PTE_A) {
			*pte &= ~PTE_A;
			as_tlb_sync(as, a);
			continue;
		}
		as->clock = *va = a;
		return 1;
	}
	as->clock = 0;
	return 0;
}

/* The entry of one mapping becomes the slot's. */
static void unmap_to_slot(struct as *as, uint32_t va, int slot)
{
	uint32_t *pte = as_pte(as, va, 0), e = *pte;
	*pte = ((uint32_t)slot << 12) | PTE_SWAP | (e & (PTE_W | PTE_COW));
	as_tlb_sync(as, va);
	page_unref(PTE_ADDR(e));
	as->pages--;
	announce("pageout as=0x%08x va=0x%08x slot=%d", as->pgdir, va, slot);
}

/* The page at va of as, and every other mapping of its frame, out to a
 * fresh slot; the frame is free then. */
static int page_out(struct as *as, uint32_t va)
{
	struct as *out[NPROC];
	int n = victims(as, va, *as_pte(as, va, 0), out);
	KASSERT(n > 0);
	int slot = swap_slot_alloc_below(PAGER_SLOTS); /* the entry could not name more */
	if (slot < 0)
		return slot;
	if (swap_write(slot, (void *)PTE_ADDR(*as_pte(as, va, 0))) < 0) {
		swap_slot_free(slot);
		return -EIO;
	}
	for (int i = 1; i < n; i++)
		swap_slot_ref(slot); /* cannot overflow: n <= NPROC */
	for (int i = 0; i < n; i++)
		unmap_to_slot(out[i], va, slot);
	kstats.pageouts++;
	return 0;
}

int pager_free_va(struct as *as, uint32_t *va)
{
	for (int lap = 0; lap < CLOCK_LAPS; lap++)
		if (sweep(as, va))
			return page_out(as, *va);
	return -ENOMEM;
}

/* The page at va out, if it is one the pager may take (victims): the
 * window's second page, beside one pager_free_va freed. */
int pager_page_out(struct as *as, uint32_t va)
{
	struct as *out[NPROC];
	uint32_t *pte = as_pte(as, va, 0);
	if (!pte || !victims(as, va, *pte, out))
		return -EBUSY;
	return page_out(as, va);
}

/* One victim anywhere: 0, or -ENOMEM if every space is out of victims. */
static int page_out_any(void)
{
	for (int n = 0; n < CLOCK_LAPS * (NPROC + 1); n++) {
		struct proc *p = &proctab[pager_hand];
		uint32_t va;
		if (p->state != P_UNUSED && p->as && sweep(p->as, &va))
			return page_out(p->as, va);
		pager_hand = (pager_hand + 1) % NPROC;
	}
	return -ENOMEM;
}

static uint32_t free_frames(void)
{
	struct buddy_info bi;
	buddy_info(&bi);
	return bi.free_pages;
}

/* One frame freed, or made a victim: a cached frame nobody maps goes
 * first (no disk write); then a victim; then a cached frame still mapped
 * leaves the cache, so its mappings alone hold it and it can go out. */
static int make_room(void)
{
	if (swapcache_shrink(0))
		return 0;
	if (page_out_any() == 0)
		return 0;
	return swapcache_shrink(1) ? 0 : -ENOMEM;
}

/* User pages leave PAGER_RESERVE frames to the kernel's own page_alloc
 * calls (kernel stacks, windows), which do not page anything out. */
uint32_t pager_page_alloc(void)
{
	while (free_frames() <= PAGER_RESERVE)
		if (make_room() < 0)
			break; /* nothing left to page out: dip into the reserve */
	return page_alloc();
}

void pager_slot_unref(int slot)
{
	swap_slot_unref(slot);
	if (swap_slot_refs(slot) == 0)
		swapcache_forget(slot);
}

/* The frame for slot's page: the swap cache's, with a reference for the
 * caller, or a fresh one read from the disk, which the cache keeps if
 * other entries still name the slot.  0 and *err if none. */
static uint32_t slot_frame(int slot, int *err)
{
	uint32_t pa = swapcache_find(slot);
	if (pa) {
		page_ref(pa);
		return pa;
	}
	*err = -ENOMEM;
	if (!(pa = pager_page_alloc()))
		return 0;
	if (swap_read(slot, (void *)pa) < 0) {
		page_unref(pa);
		*err = -EIO;
		return 0;
	}
	if (swap_slot_refs(slot) > 1)
		swapcache_add(slot, pa);
	return pa;
}

int pager_page_in(struct as *as, uint32_t va, uint32_t *pte)
{
	uint32_t e = *pte, pa;
	int slot = pte_slot(e), err;
	if (!(pa = slot_frame(slot, &err))) /* va is not present: never a victim meanwhile */
		return err;
	/* A frame others hold too (the cache, another sharer) comes back
	 * copy-on-write if the page was writable or copy-on-write; a
	 * private one comes back writable. */
	uint32_t w = 0;
	if (e & (PTE_W | PTE_COW))
		w = page_refcount(pa) > 1 ? PTE_COW : PTE_W;
	*pte = pa | w | PTE_A | PTE_P | PTE_U; /* A: the retry needs it */
	as->pages++;
	pager_slot_unref(slot);
	kstats.pageins++;
	announce("pagein as=0x%08x va=0x%08x slot=%d", as->pgdir, va, slot);
	return 0;
}
