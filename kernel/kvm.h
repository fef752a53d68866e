/* kvm.h — the kernel's own address space.
 *
 * One page directory for the kernel alone: physical memory mapped 1:1
 * (4 MiB pages where they fit), plus a slot right above RAM where copyin
 * and copyout borrow a user page-directory entry (MINIX style,
 * docs/memory.md), and above the slot the kernel stacks with their guards.  In the bounce layout no user page directory maps any
 * of it; only the window is shared.  In the shared layout (mode=shared,
 * the conventional design kept for comparison) every user directory maps
 * this whole range supervisor-only and the kernel runs on it.
 */
#ifndef BOUNCE_KVM_H
#define BOUNCE_KVM_H

#include <stdint.h>

enum layout { LAYOUT_BOUNCE, LAYOUT_SHARED };
extern enum layout kernel_layout;

extern uint32_t kernel_pgdir[1024];
extern uint32_t copy_slot_pdx; /* the 4 MiB just above RAM */

void kvm_init(uint32_t ram_top, enum layout layout);
uint32_t kvm_ram_top(void);      /* end of the 1:1 map */
uint32_t kstack_area(void);      /* the 4 MiB of kernel stacks, above the slot (kstack.c) */
uint32_t kvm_end(void);          /* end of everything the kernel maps (RAM, the slot, the stacks) */
int kvm_phys_ok(uint32_t pa, uint32_t len); /* inside RAM the kernel maps */
void kvm_share(uint32_t *pgdir); /* shared layout: put the kernel's range into a user directory */

#endif
