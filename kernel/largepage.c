/* largepage.c — 4 MiB user pages (largepage.h, docs/memory.md).
 *
 * vm.c and window.c call in here at the few places where a large entry
 * differs from a page table: mapping, unmapping, protecting or aliasing
 * part of one, a fault in one, fork, and the window going into one or
 * leaving a region.  Everywhere else a large page is split first and is
 * then an ordinary page table.
 */
#include "largepage.h"
#include "abi.h"
#include "buddy.h"
#include "debugport.h"
#include "klib.h"
#include "mmu.h"
#include "vm.h"

#define LARGE_FRAME(e) ((e) & ~(LARGE_PGSIZE - 1))
#define REGION(va) ((va) & ~(LARGE_PGSIZE - 1))
/* What a split keeps in each small entry and a coalesce wants equal in
 * all of them (A and D may differ: they are or-ed together). */
#define LARGE_KEEP (PTE_P | PTE_W | PTE_U | PTE_PWT | PTE_PCD | PTE_COW)

static uint32_t *pde_of(const struct as *as, uint32_t va)
{
	return (uint32_t *)as->pgdir + PDX(va);
}

static int is_large(uint32_t pde)
{
	return (pde & (PTE_P | PTE_U | PTE_PS)) == (PTE_P | PTE_U | PTE_PS);
}

int large_at(const struct as *as, uint32_t va)
{
	return is_large(*pde_of(as, va));
}

static void frames_ref(uint32_t pa)
{
	for (uint32_t i = 0; i < 1024; i++)
		page_ref(pa + i * PGSIZE);
}

void large_release(uint32_t pde)
{
	for (uint32_t i = 0; i < 1024; i++)
		page_unref(LARGE_FRAME(pde) + i * PGSIZE);
}

/* Nothing of the user's or the window's in va's region.  An empty page
 * table left there (by unmap) is freed: the large entry replaces it. */
static int region_free(struct as *as, uint32_t va)
{
	uint32_t *pde = pde_of(as, va);
	if (!*pde)
		return 1;
	if ((*pde & (PTE_P | PTE_U | PTE_PS)) != (PTE_P | PTE_U) || window_covers(as, REGION(va), LARGE_PGSIZE))
		return 0;
	const uint32_t *pt = (const uint32_t *)PTE_ADDR(*pde);
	for (int i = 0; i < 1024; i++)
		if (pt[i])
			return 0;
	page_unref(PTE_ADDR(*pde));
	*pde = 0;
	as->tables--;
	return 1;
}

/* A large entry in free region va for frames the caller holds 1024
 * references to; the emulator's log hears of it as of map's small pages
 * (docs/analysis.md). */
static void install(struct as *as, uint32_t va, uint32_t pa, uint32_t pteflags)
{
	*pde_of(as, va) = pa | (pteflags & (PTE_W | PTE_COW)) | PTE_P | PTE_U | PTE_PS;
	as->pages += 1024;
	announce_pages(1, as->pgdir, va, 1024);
}

int large_map_block(struct as *as, uint32_t va, uint32_t pa, uint32_t pteflags)
{
	if (!region_free(as, va))
		return -EEXIST;
	frames_ref(pa);
	install(as, va, pa, pteflags);
	return 0;
}

static int large_range_ok(uint32_t va, uint32_t npages)
{
	return !(va & (LARGE_PGSIZE - 1)) && npages % 1024 == 0 && as_range_ok(va, npages);
}

/* Large pages are always eager (a lazy one would want a 4 MiB block at
 * the first touch of any of its bytes). */
int large_map(struct as *as, uint32_t va, uint32_t npages, int mapflags)
{
	if (!large_range_ok(va, npages) || (mapflags & ~(MAP_LARGE | MAP_WRITE | MAP_SKIP)))
		return -EINVAL;
	for (uint32_t r = 0; r < npages / 1024; r++) {
		uint32_t at = va + r * LARGE_PGSIZE, pa;
		if (!region_free(as, at)) {
			if (mapflags & MAP_SKIP)
				continue;
			return -EEXIST;
		}
		if (!(pa = buddy_alloc_frames(10)))
			return -ENOMEM;
		memset((void *)pa, 0, LARGE_PGSIZE);
		install(as, at, pa, (mapflags & MAP_WRITE) ? PTE_W : 0);
	}
	return 0;
}

/* A copy-on-write large page made private without copying, when nobody
 * else holds its frames any more; -EBUSY if someone does. */
static int unshare(struct as *as, uint32_t va)
{
	uint32_t *pde = pde_of(as, va);
	if (!(*pde & PTE_COW))
		return 0;
	for (uint32_t i = 0; i < 1024; i++)
		if (page_refcount(LARGE_FRAME(*pde) + i * PGSIZE) != 1)
			return -EBUSY;
	*pde = (*pde | PTE_W) & ~PTE_COW;
	as_tlb_sync(as, va);
	return 0;
}

/* The large variant of map_frames: each 4 MiB region of va shows the
 * frames of a large page of src (which must be one, and private). */
int large_map_frames(struct as *as, uint32_t va, uint32_t npages, uint32_t src, uint32_t nsrc, int mapflags)
{
	if (!large_range_ok(va, npages) || !large_range_ok(src, nsrc) || (mapflags & ~(MAP_LARGE | MAP_SKIP)))
		return -EINVAL;
	for (uint32_t r = 0; r < npages / 1024; r++) {
		uint32_t at = va + r * LARGE_PGSIZE, from = src + (r % (nsrc / 1024)) * LARGE_PGSIZE;
		int err;
		if (!large_at(as, from))
			return -EFAULT;
		if ((err = unshare(as, from)) < 0)
			return err;
		err = large_map_block(as, at, LARGE_FRAME(*pde_of(as, from)), *pde_of(as, from));
		if (err == -EEXIST && (mapflags & MAP_SKIP))
			continue;
		if (err < 0)
			return err;
	}
	return 0;
}

int large_split(struct as *as, uint32_t va)
{
	uint32_t *pde = pde_of(as, va), pt;
	if (!is_large(*pde))
		return 0;
	if (!(pt = page_alloc()))
		return -ENOMEM;
	uint32_t *e = (uint32_t *)pt, flags = *pde & (LARGE_KEEP | PTE_A | PTE_D);
	for (uint32_t i = 0; i < 1024; i++)
		e[i] = (LARGE_FRAME(*pde) + i * PGSIZE) | flags;
	*pde = pt | PTE_P | PTE_W | PTE_U;
	as->tables++;
	as_tlb_sync(as, va);
	announce("split as=0x%08x va=0x%08x", as->pgdir, REGION(va));
	return 0;
}

/* Whole again: 1024 present user entries, one 4 MiB-aligned run of
 * frames, the same protection, and every frame held as often as the
 * first (so none is also mapped alone elsewhere, which a large entry
 * could not express).  Stops at the first entry that breaks the run, so
 * a table of scattered frames costs a look at two entries. */
static uint32_t whole(const uint32_t *pt)
{
	uint32_t first = PTE_ADDR(pt[0]), keep = pt[0] & LARGE_KEEP, ad = 0;
	if ((keep & (PTE_P | PTE_U)) != (PTE_P | PTE_U) || LARGE_FRAME(first) != first)
		return 0; /* before the count: every window move asks about an empty table */
	unsigned refs = page_refcount(first);
	for (uint32_t i = 0; i < 1024; i++) {
		if (pt[i] != ((first + i * PGSIZE) | keep | (pt[i] & (PTE_A | PTE_D))))
			return 0;
		if (page_refcount(first + i * PGSIZE) != refs)
			return 0;
		ad |= pt[i] & (PTE_A | PTE_D);
	}
	return first | keep | ad | PTE_PS;
}

void large_coalesce(struct as *as, uint32_t va)
{
	uint32_t *pde = pde_of(as, va), large;
	if ((*pde & (PTE_P | PTE_U | PTE_PS)) != (PTE_P | PTE_U) || window_covers(as, REGION(va), LARGE_PGSIZE))
		return;
	uint32_t pt = PTE_ADDR(*pde);
	if (!(large = whole((const uint32_t *)pt)))
		return;
	*pde = large;
	page_unref(pt);
	as->tables--;
	as_tlb_sync(as, va);
	announce("coalesce as=0x%08x va=0x%08x", as->pgdir, REGION(va));
}

void large_coalesce_range(struct as *as, uint32_t lo, uint32_t hi_incl)
{
	for (uint32_t pdx = PDX(lo); pdx <= PDX(hi_incl); pdx++)
		large_coalesce(as, PGADDR(pdx, 0));
}

/* Unmapping from va: a large page unmapped whole goes at once; one
 * unmapped in part is split first. */
int large_unmap(struct as *as, uint32_t va, uint32_t npages)
{
	uint32_t *pde = pde_of(as, va);
	if (!is_large(*pde))
		return 0;
	if (va != REGION(va) || npages < 1024)
		return large_split(as, va);
	large_release(*pde);
	*pde = 0;
	as->pages -= 1024;
	as_tlb_sync(as, va);
	return 1024;
}

/* A write to a copy-on-write large page: private without a copy if no
 * one else holds it; else split, and the retried write faults again on
 * one small copy-on-write page, which is copied alone. */
int large_fault(struct as *as, uint32_t va, uint32_t err)
{
	if (!(err & PFERR_W) || !(*pde_of(as, va) & PTE_COW))
		return -EFAULT;
	if (unshare(as, va) == 0)
		return 0;
	return large_split(as, va);
}

/* Fork shares a large page copy-on-write as a whole, unless it is
 * writable and its frames are also held elsewhere (a capability block, a
 * large alias): such aliased frames are copied for the child page by page
 * (vm.c), so it is split first. */
int large_fork(struct as *parent, struct as *child, int pdx)
{
	uint32_t va = PGADDR(pdx, 0), *pde = pde_of(parent, va);
	if (!is_large(*pde))
		return 0;
	if ((*pde & (PTE_W | PTE_COW)) == PTE_W) {
		for (uint32_t i = 0; i < 1024; i++)
			if (page_refcount(LARGE_FRAME(*pde) + i * PGSIZE) > 1)
				return large_split(parent, va);
		*pde = (*pde & ~PTE_W) | PTE_COW;
	}
	frames_ref(LARGE_FRAME(*pde));
	*pde_of(child, va) = *pde;
	child->pages += 1024;
	return 1;
}

uint32_t large_frame(struct as *as, uint32_t va)
{
	uint32_t pde = *pde_of(as, va);
	if (is_large(pde))
		return LARGE_FRAME(pde) + PTX(va) * PGSIZE;
	const uint32_t *pte = as_pte(as, va, 0);
	return pte && (*pte & (PTE_P | PTE_U)) == (PTE_P | PTE_U) ? PTE_ADDR(*pte) : 0;
}

int large_find(const struct as *as, uint32_t start, uint32_t *va)
{
	for (uint32_t n = 1; n <= 1024; n++) {
		uint32_t pdx = (PDX(start) + n) % 1024;
		if (is_large(((const uint32_t *)as->pgdir)[pdx])) {
			*va = PGADDR(pdx, PTX(start));
			return 0;
		}
	}
	return -1;
}
