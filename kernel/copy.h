/* copy.h — moving bytes between the kernel and a user address space.
 *
 * MINIX style (docs/memory.md): the kernel borrows the user's page-directory
 * entry into a slot of its own directory, copies, and catches a page fault
 * in the copy instead of checking first.  A bad pointer gives -EFAULT;
 * lazy and copy-on-write pages are resolved on the way.  Works on any
 * address space, running or not.
 */
#ifndef BOUNCE_COPY_H
#define BOUNCE_COPY_H

#include <stdint.h>

struct as;
struct trapframe;

int copyin(struct as *as, void *dst, uint32_t usrc, uint32_t n);
int copyout(struct as *as, uint32_t udst, const void *src, uint32_t n);
int copyinstr(struct as *as, char *dst, uint32_t usrc, uint32_t max); /* length, -EFAULT or -EINVAL (too long) */
int copy_fault(struct trapframe *tf, uint32_t cr2); /* trap.c: 1 if it was ours */
int copy_slot_shows(const struct as *as, uint32_t va); /* a copy is under way through va's region */

#endif
