/* swapslot.h — swap slots: the disk, after its scratch sectors, cut into
 * 4 KiB slots of SLOT_SECTORS sectors; slot s is sectors
 * DISK_SCRATCH_SECTORS + s * SLOT_SECTORS onwards (docs/disk.md).
 *
 * A slot holds one page that was written out.  It carries a reference
 * count like a frame does: fork shares a swapped page between parent and
 * child, and the page must come back shared, so the slot is free only
 * when the last page-table entry naming it lets go.  The tables (a bitmap
 * of used slots for a fast search, 16-bit counts) come from the heap at
 * boot, sized from disk_sectors(): 2.1 bytes a slot, 4.2 MiB for 8 GiB.
 *
 * The kernel is not preemptible and has one CPU, so none of this locks.
 */
#ifndef BOUNCE_SWAPSLOT_H
#define BOUNCE_SWAPSLOT_H

#include <stdint.h>

#define SLOT_SECTORS 8              /* 4096 / 512 */
#define SWAP_REF_MAX 0xFFFF         /* references one slot can carry */
#define SWAP_SLOTS_MAX (1u << 24)   /* slot numbers fit in 24 bits (64 GiB of swap) */

/* Size the tables from disk_sectors() (no disk: no slots, every
 * allocation fails).  0, or -ENOMEM if the heap cannot hold them (then
 * there are no slots either).  Calling it again forgets every slot. */
int swap_init(void);

/* A free slot, with one reference; -ENOSPC if every slot is taken. */
int swap_slot_alloc(void);
/* The same among the slots numbered below limit (a caller that can name
 * only those: the pager's entries hold 20 bits); -ENOSPC if they are all
 * taken, whatever is free above. */
int swap_slot_alloc_below(uint32_t limit);

/* One more reference to a used slot (a fork copies a swapped entry): 0,
 * or -EOVERFLOW if it already has SWAP_REF_MAX. */
int swap_slot_ref(int slot);

/* Drop one reference; the last one frees the slot. */
void swap_slot_unref(int slot);

/* The owner of an unshared slot lets go (the same as dropping its one
 * reference; named for the common case). */
static inline void swap_slot_free(int slot) { swap_slot_unref(slot); }

/* References to slot (0: free); -EINVAL if there is no such slot. */
int swap_slot_refs(int slot);

uint32_t swap_slots_free(void);
uint32_t swap_slots_total(void);

/* One page to or from a used slot: 0, -EINVAL (no such slot or a free
 * one), or -EIO (the disk's, ata.h). */
int swap_read(int slot, void *page);
int swap_write(int slot, const void *page);

/* Defined by the kernel (a panic): called when a reference is taken or
 * dropped on a slot that is free or does not exist — a kernel bug, never a
 * user's doing.  If it returns, the call does nothing. */
void swap_corrupt(const char *why, int slot);

#endif
