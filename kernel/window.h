/* window.h — the window: the two pages of the kernel a user address space maps.
 *
 * Its data page holds the IDT, GDT and TSS the CPU uses in user mode, the
 * trampoline's data and the entry stack; the code page beside it, the
 * trampoline that switches to the kernel's page directory and back (one
 * read-only frame for all windows).  Each address space has its own
 * window, at an address of its own, and it floats: when the user touches
 * or maps either page the kernel moves it (docs/window.md).
 */
#ifndef BOUNCE_WINDOW_H
#define BOUNCE_WINDOW_H

#include <stdint.h>
#include "kassert.h"
#include "window_layout.h"

#define WINDOW_INITIAL_VA 0xF0000000u /* an arbitrary fixed point to start from (docs/window.md) */

struct window {
	uint32_t va;       /* W: where its data page sits in the user address space */
	uint32_t cva;      /* where its code page sits: W + 4 KiB, or W - 4 KiB */
	uint32_t pa;       /* P: its data frame, also its 1:1 address in the kernel */
	uint32_t transit;  /* the transit page table: both pages and aliases while crossing over */
	uint16_t transit_ptx[5]; /* its entries in use (transit_build) */
	int ntransit;
	uint32_t moves;
	uint32_t covered[WINDOW_PAGES]; /* the user's PTEs under the data and the code page (0,
	                      a lazy reservation, a paged-out page, or a page of a large page) */
	int kstack_frames; /* entries move the frame to the thread's kernel stack (threads) */
	int full;          /* no free page was found, and none has been freed since */
};

/* The window's lower page: W, or the code page below it. */
static inline uint32_t window_first(const struct window *w)
{
	return w->va < w->cva ? w->va : w->cva;
}

struct as;
void window_init(void);                       /* boot, bounce layout: the code page's frame */
int window_create(struct as *as, uint32_t va, uint32_t cva); /* data at va, code at cva */
void window_destroy(struct as *as);
int window_move(struct as *as, uint32_t va);  /* 0, -EINVAL (unaligned) or -EBUSY (a user page is there) */
int window_relocate(struct as *as);           /* to a free page, else one the pager frees; -ENOMEM/-ENOSPC/-EIO */
int window_covers(const struct as *as, uint32_t va, uint32_t len); /* either page */
uint32_t *window_covered(struct as *as, uint32_t va); /* the user's entry under va, a window page */
void window_activate(struct as *as);          /* the scheduler is about to run a thread of as */
struct trapframe;
/* Where an entry leaves the trap frame (P + WIN_FRAME), or 0 if it moves
 * it to the thread's kernel stack instead (or there is no window). */
struct trapframe *window_frame(struct as *as);
void window_frames_to_kstack(struct as *as);  /* as gets a second thread */
void window_announce(const struct as *as);
void window_check_invariants(struct as *as);  /* window_check.c */
/* Debug build: the window's invariants hold.  Nothing at all otherwise:
 * the scheduler calls it on every switch. */
static inline void window_check(struct as *as)
{
	if (KDEBUG_ON)
		window_check_invariants(as);
}
void window_double_fault(struct as *as, struct trapframe *tf); /* the state it interrupted, into tf */

/* Read by trapentry.S: %esp for the running address space's exit path
 * (its window frame, at W or P) and where that path starts; the trap-frame
 * slot at the top of the running thread's kernel stack (proc.c). */
extern uint32_t window_exit_sp, window_exit_alias, kstack_frame;
extern struct as *window_current;
extern uint32_t window_code_frame; /* C: the code page's frame, every window's */

#endif
