/* trap.h — the trap frame and the C side of every interrupt and exception. */
#ifndef BOUNCE_TRAP_H
#define BOUNCE_TRAP_H

#include <stdint.h>

/* What the entry code leaves on the kernel stack: pushal, the data
 * segments, vector and error code, then what the CPU pushed (esp and ss
 * only when the trap came from user mode). */
struct trapframe {
	uint32_t edi, esi, ebp, oesp, ebx, edx, ecx, eax;
	uint32_t gs, fs, es, ds;
	uint32_t trapno, err;
	uint32_t eip, cs, eflags;
	uint32_t esp, ss;
};

static inline int tf_from_user(const struct trapframe *tf) { return (tf->cs & 3) == 3; }

void trap(struct trapframe *tf);
void trap_init_kernel_idt(void);
void trap_init_shared(void); /* the shared layout: users enter through the kernel's IDT */
void trap_dump(const struct trapframe *tf);

/* Entry points in trapentry.S. */
extern uint32_t kernel_vectors[]; /* kernel-mode stubs, vectors 0..47, then 0x80 */
void user_entry(void);            /* where every window jumps after loading the kernel CR3 */
void user_exit(void) __attribute__((noreturn)); /* leave through the window, %esp = trap frame */
void trapret(void);                /* plain iret path (kernel traps; the shared layout) */
void double_fault_kernel(void);   /* task entry of the kernel's double-fault TSS */
void double_fault(void) __attribute__((noreturn));

/* Set by the kernel's copy routines: a page fault at CPL 0 inside
 * [copy_fault_lo, copy_fault_hi) resumes at copy_fault_fixup. */
extern const char copy_fault_lo[], copy_fault_hi[], copy_fault_fixup[];

#endif
