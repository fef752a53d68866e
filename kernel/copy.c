/* copy.c — copyin, copyout, copyinstr through the kernel's copy slot. */
#include "copy.h"
#include "abi.h"
#include "klib.h"
#include "kvm.h"
#include "mmu.h"
#include "trap.h"
#include "vm.h"
#include "window.h"
#include "x86.h"

int copy_bytes(void *dst, const void *src, uint32_t n);
int copy_string(char *dst, const char *src, uint32_t max);

/* Which user region the slot shows, for the fault handler. */
static struct as *slot_as;
static uint32_t slot_region;

/* Show the user's 4 MiB region around uva in the slot; the kernel address
 * of uva, or 0 if the user has nothing there. */
static uint32_t *slot_entry(void)
{
	return (uint32_t *)rcr3() + copy_slot_pdx; /* the kernel's own, or (shared layout) the running process's */
}

static uint32_t slot_open(struct as *as, uint32_t uva)
{
	uint32_t pde = ((uint32_t *)as->pgdir)[PDX(uva)];
	if ((pde & (PTE_P | PTE_U)) != (PTE_P | PTE_U))
		return 0; /* nothing there, or the kernel's own entry (shared layout) */
	slot_as = as;
	slot_region = uva & ~(LARGE_PGSIZE - 1);
	*slot_entry() = pde;
	return (copy_slot_pdx << 22) + (uva - slot_region);
}

/* Forget what the TLB learnt through the slot, so the next use (perhaps of
 * another address space) cannot see stale translations. */
static void slot_close(uint32_t kva, uint32_t n)
{
	uint32_t pages = (PGOFF(kva) + n + PGSIZE - 1) / PGSIZE; /* kva + n may wrap to 0 */
	for (uint32_t i = 0; i < pages; i++)
		invlpg(ROUNDDOWN(kva, PGSIZE) + i * PGSIZE);
	*slot_entry() = 0;
	slot_as = 0;
}

static int user_range_ok(struct as *as, uint32_t uva, uint32_t n)
{
	if (n && uva + (n - 1) < uva)
		return 0; /* wraps past 0xFFFFFFFF */
	return !window_covers(as, uva, n);
}

/* Copy n bytes between kernel memory and user memory, chunk by 4 MiB region. */
static int copy_user(struct as *as, uint32_t uva, char *kbuf, uint32_t n, int to_user)
{
	if (!user_range_ok(as, uva, n))
		return -EFAULT;
	while (n) {
		uint32_t chunk = LARGE_PGSIZE - (uva & (LARGE_PGSIZE - 1));
		if (chunk > n)
			chunk = n;
		uint32_t kva = slot_open(as, uva);
		int r = kva ? (to_user ? copy_bytes((void *)kva, kbuf, chunk) : copy_bytes(kbuf, (void *)kva, chunk))
			    : -EFAULT;
		if (kva)
			slot_close(kva, chunk);
		if (r < 0)
			return r;
		uva += chunk, kbuf += chunk, n -= chunk;
	}
	return 0;
}

int copyin(struct as *as, void *dst, uint32_t usrc, uint32_t n)
{
	return copy_user(as, usrc, dst, n, 0);
}

int copyout(struct as *as, uint32_t udst, const void *src, uint32_t n)
{
	return copy_user(as, udst, (char *)src, n, 1);
}

/* How many bytes from uva a string may be read in one go: up to the end of
 * uva's 4 MiB region (never past 0xFFFFFFFF) and left, but not into the
 * window; 0 if uva is in the window.  Only the bytes up to the NUL are
 * read, so a string ending just below the window is fine. */
static uint32_t string_chunk(struct as *as, uint32_t uva, uint32_t left)
{
	uint32_t n = LARGE_PGSIZE - (uva & (LARGE_PGSIZE - 1));
	if (n > left)
		n = left;
	if (window_covers(as, uva, n))
		n = window_first(&as->win) > uva ? window_first(&as->win) - uva : 0;
	return n;
}

int copyinstr(struct as *as, char *dst, uint32_t usrc, uint32_t max)
{
	for (uint32_t done = 0; done < max;) {
		uint32_t uva = usrc + done;
		if (uva < usrc)
			return -EFAULT; /* ran past 0xFFFFFFFF without a NUL */
		uint32_t chunk = string_chunk(as, uva, max - done);
		uint32_t kva = chunk ? slot_open(as, uva) : 0;
		int r = kva ? copy_string(dst + done, (char *)kva, chunk) : -EFAULT;
		if (kva)
			slot_close(kva, chunk);
		if (r == -EFAULT)
			return r;
		if (r >= 0)
			return done + r;
		done += chunk;
	}
	return -EINVAL;
}

/* The pager leaves these pages alone: the slot's translations of them may
 * be in the TLB, and the copy needs them. */
int copy_slot_shows(const struct as *as, uint32_t va)
{
	return slot_as == as && ROUNDDOWN(va, LARGE_PGSIZE) == slot_region;
}

/* A page fault at CPL 0: ours if it hit the slot inside a copy loop.
 * Lazy and copy-on-write pages are made real and the copy retried;
 * anything else ends the copy with -EFAULT. */
int copy_fault(struct trapframe *tf, uint32_t cr2)
{
	if (tf->eip < (uint32_t)copy_fault_lo || tf->eip >= (uint32_t)copy_fault_hi)
		return 0;
	if (slot_as && PDX(cr2) == copy_slot_pdx &&
	    as_fault(slot_as, slot_region + (cr2 - (copy_slot_pdx << 22)), tf->err | PFERR_U) == 0) {
		*slot_entry() = ((uint32_t *)slot_as->pgdir)[PDX(slot_region)]; /* a large page may have been split */
		invlpg(cr2);
		return 1;
	}
	tf->eip = (uint32_t)copy_fault_fixup;
	return 1;
}
