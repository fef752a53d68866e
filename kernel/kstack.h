/* kstack.h — kernel stacks, each with an unmapped guard below it.
 *
 * Stacks live in the kernel's stack area, the 4 MiB region right above the
 * copy slot, mapped with 4 KiB pages (docs/memory.md).  Running off a
 * stack's bottom touches the guard and faults instead of writing into
 * whatever lies below; the fault then names the thread (trap.c).
 */
#ifndef BOUNCE_KSTACK_H
#define BOUNCE_KSTACK_H

#include <stdint.h>

/* Larger than any single kernel stack frame (musl's decfloat, 8.3 KiB, and
 * fmt_fp, 7.5 KiB, are the largest; the kernel has no alloca or VLA), so no
 * frame can step over the guard into a stack below. */
#define KSTACK_GUARD (4 * 4096u)

extern uint32_t kstack_table[1024]; /* the area's page table (kvm.c installs it) */

uint32_t kstack_alloc(uint32_t size);            /* lowest address of a new stack, 0 if none */
void kstack_free(uint32_t lo, uint32_t size);
uint32_t kstack_used(uint32_t lo, uint32_t size); /* high-water mark in bytes since kstack_alloc */
void kstack_reset_mark(uint32_t lo);             /* forget it (call on that stack) */

#endif
