/* kvm.h — the kernel's own address space.
 *
 * One page directory for the kernel alone: physical memory mapped 1:1
 * (4 MiB pages where they fit), plus a slot at the top where copyin and
 * copyout borrow a user page-directory entry (MINIX style, docs/memory.md).
 * No user page directory maps any of it; only the window is shared.
 */
#ifndef BOUNCE_KVM_H
#define BOUNCE_KVM_H

#include <stdint.h>

#define COPY_SLOT_PDX 1023 /* the top 4 MiB, above any RAM we map */
#define COPY_SLOT_VA 0xFFC00000u

extern uint32_t kernel_pgdir[1024];

void kvm_init(uint32_t ram_top);
uint32_t kvm_ram_top(void);      /* end of the 1:1 map */
int kvm_phys_ok(uint32_t pa, uint32_t len); /* inside RAM the kernel maps */

#endif
