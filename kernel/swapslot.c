/* swapslot.c — the swap-slot allocator (swapslot.h, docs/disk.md).
 *
 * A bit per slot says "used", so an allocation skips 32 used slots per
 * word it reads; the search starts where the last one ended (next fit), so
 * filling the disk costs about one word read per 32 allocations instead of
 * a rescan from slot 0 each time.  The counts say how many page-table
 * entries share each used slot.
 */
#include "abi.h"
#include "ata.h"
#include "heap.h"
#include "mmu.h"
#include "swapslot.h"

_Static_assert(SLOT_SECTORS * SECTOR_SIZE == PGSIZE, "a slot holds one page");

#define WORD_BITS 32

static uint32_t *used;             /* bit s: slot s is in use (or beyond the end) */
static uint16_t *refs;             /* references of each used slot */
static uint32_t total, nfree;
static uint32_t nwords, hint;      /* bitmap words; where the next search starts */

static int slot_ok(int slot)
{
	return slot >= 0 && (uint32_t)slot < total;
}

static void set_used(uint32_t s, int on)
{
	if (on)
		used[s / WORD_BITS] |= 1u << (s % WORD_BITS);
	else
		used[s / WORD_BITS] &= ~(1u << (s % WORD_BITS));
}

static uint32_t disk_slots(void)
{
	uint32_t sectors = disk_sectors();
	if (sectors <= DISK_SCRATCH_SECTORS)
		return 0;
	uint32_t n = (sectors - DISK_SCRATCH_SECTORS) / SLOT_SECTORS;
	return n < SWAP_SLOTS_MAX ? n : SWAP_SLOTS_MAX;
}

int swap_init(void)
{
	kfree(used);
	kfree(refs);
	used = NULL;
	refs = NULL;
	total = nfree = nwords = hint = 0;
	uint32_t n = disk_slots();
	if (n == 0)
		return 0;
	uint32_t words = (n + WORD_BITS - 1) / WORD_BITS;
	used = kcalloc(words, sizeof *used);
	refs = kcalloc(n, sizeof *refs);
	if (!used || !refs) {
		kfree(used);
		kfree(refs);
		used = NULL;
		refs = NULL;
		return -ENOMEM;
	}
	/* The bits past the last slot read as used, so no search returns them. */
	for (uint32_t s = n; s < words * WORD_BITS; s++)
		set_used(s, 1);
	total = nfree = n;
	nwords = words;
	return 0;
}

int swap_slot_alloc(void)
{
	return swap_slot_alloc_below(total);
}

/* Next fit from hint over the words that hold slots below limit; the
 * lowest free bit of a word is below limit if any of its free bits is. */
int swap_slot_alloc_below(uint32_t limit)
{
	if (limit > total)
		limit = total;
	uint32_t words = (limit + WORD_BITS - 1) / WORD_BITS;
	if (nfree == 0 || words == 0)
		return -ENOSPC;
	for (uint32_t i = 0; i < words; i++) {
		uint32_t w = (hint + i) % words;
		if (used[w] == ~0u)
			continue;
		uint32_t s = w * WORD_BITS + __builtin_ctz(~used[w]);
		if (s >= limit)
			continue;
		set_used(s, 1);
		refs[s] = 1;
		nfree--;
		hint = w;
		return (int)s;
	}
	if (limit == total)
		swap_corrupt("free count says free, bitmap says full", -1);
	return -ENOSPC;
}

int swap_slot_ref(int slot)
{
	if (!slot_ok(slot) || refs[slot] == 0) {
		swap_corrupt("reference to a free slot", slot);
		return -EINVAL;
	}
	if (refs[slot] == SWAP_REF_MAX)
		return -EOVERFLOW;
	refs[slot]++;
	return 0;
}

void swap_slot_unref(int slot)
{
	if (!slot_ok(slot) || refs[slot] == 0) {
		swap_corrupt("release of a free slot", slot);
		return;
	}
	if (--refs[slot] > 0)
		return;
	set_used(slot, 0);
	nfree++;
}

int swap_slot_refs(int slot)
{
	return slot_ok(slot) ? refs[slot] : -EINVAL;
}

uint32_t swap_slots_free(void)
{
	return nfree;
}

uint32_t swap_slots_total(void)
{
	return total;
}

static uint32_t slot_lba(int slot)
{
	return DISK_SCRATCH_SECTORS + (uint32_t)slot * SLOT_SECTORS;
}

int swap_read(int slot, void *page)
{
	if (swap_slot_refs(slot) <= 0)
		return -EINVAL;
	return disk_read(slot_lba(slot), page, SLOT_SECTORS);
}

int swap_write(int slot, const void *page)
{
	if (swap_slot_refs(slot) <= 0)
		return -EINVAL;
	return disk_write(slot_lba(slot), page, SLOT_SECTORS);
}
