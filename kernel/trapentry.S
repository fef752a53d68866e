/* trapentry.S — kernel-side trap entry and exit.
 *
 * Two ways in:
 *  - from kernel mode, through the kernel's own IDT: a stub pushes the
 *    vector and alltraps builds the trap frame on the current stack; no
 *    address-space switch is needed (the kernel is already home).
 *  - from user mode, through the window (window.S): the window has built
 *    the whole trap frame on its entry stack, loaded the kernel CR3 and
 *    jumps to user_entry_w (%esp at W) or user_entry (%esp at the 1:1
 *    alias P).  The frame stays in the window while trap() runs
 *    (docs/window.md, "The frame"), unless the address space has threads:
 *    then the _copy entries move it to this thread's kernel stack.
 * Until the kernel data segment is loaded, memory operands use %ss: the
 * user may have left any selector in %ds.
 */
#include "asm.h"
#include "window_layout.h"

	.text
/* Kernel-mode stubs: vector numbers and a zero where the CPU pushes no error code. */
.macro KSTUB vec
kstub_\vec:
	.if !(\vec == 8 || (\vec >= 10 && \vec <= 14) || \vec == 17 || \vec == 21 || \vec == 29 || \vec == 30)
	pushl $0
	.endif
	pushl $\vec
	jmp alltraps
.endm

.altmacro
.macro KSTUBS from, to
	KSTUB %from
	.if \to-\from
	KSTUBS %(from+1), \to
	.endif
.endm
	KSTUBS 0, 47
	KSTUB 128 /* the system call: only the shared layout takes it here */

	.section .rodata
	.globl kernel_vectors
kernel_vectors:
.macro KVEC n
	.long kstub_\n
.endm
.set i, 0
.rept 48
	KVEC %i
	.set i, i+1
.endr
	KVEC 128
	.text

alltraps:
	cld /* C expects the direction flag clear; a user may have set it */
	push %ds
	push %es
	push %fs
	push %gs
	pushal
	mov $SEL_KDATA, %ax
	mov %ax, %ds
	mov %ax, %es
	push %esp
	call trap
	add $4, %esp
	.globl trapret
trapret:
	popal
	pop %gs
	pop %fs
	pop %es
	pop %ds
	add $8, %esp /* vector, error code */
	iret

/* A window's field, while %esp is at its frame (at W or at P). */
#define WD(f) %ss:(WIN_DATA + (f) - WIN_FRAME)(%esp)

/* The kernel's side of every entry from user mode.  Interrupts are off;
 * the kernel's GDT and IDT are loaded.  TR still names the window's TSS
 * (or its double-fault TSS), at W: name the kernel's own instead, so that
 * a task switch from kernel mode saves into kernel memory (the CPU saves
 * the old state at TR's base, under the current CR3).  The user may have
 * left any selector in %ds and %es. */
.macro KERNEL_SIDE
	cld /* as in alltraps */
	andb $~TSS_BUSY, %ss:kernel_gdt + SEL_TSS + DESC_TYPE_BYTE
	mov $SEL_TSS, %ax
	ltr %ax
	mov $SEL_KDATA, %ax
	mov %ax, %ds
	mov %ax, %es
.endm

/* %esp = W + WIN_FRAME, W still mapped by the transit table (window.S):
 * to the frame's 1:1 address, which stays valid whatever runs next. */
	.globl user_entry_w, user_entry
user_entry_w:
	add WD(WD_DELTA), %esp
/* %esp = the trap frame, in the window, through its 1:1 alias.  trap()
 * runs on the thread's kernel stack below the slot the copying entry
 * would use (kstack_frame): the frame stays where it is. */
user_entry:
	KERNEL_SIDE
	mov %esp, %eax
	mov kstack_frame, %esp
	push %eax
	call trap
	/* fall through */

/* Out through the window: its exit path, %esp at its frame (window.c:
 * window_activate), or first user_exit_copy. */
	.globl user_exit
user_exit:
	cli
	mov window_exit_sp, %esp
	jmp *window_exit_alias

/* The same for an address space with threads: they share the window, so
 * each one's frame lives at the top of its kernel stack (kstack_frame)
 * while it is in the kernel. */
	.globl user_entry_copy_w, user_entry_copy, user_exit_copy
user_entry_copy_w:
	add WD(WD_DELTA), %esp
user_entry_copy:
	KERNEL_SIDE
	mov %esp, %esi
	mov kstack_frame, %esp
	mov %esp, %edi
	mov $WIN_TF_SIZE / 4, %ecx
	rep movsl
	push %esp
	call trap
	jmp user_exit

/* %esp = the window's frame: fill it from this thread's, then the
 * window's exit path. */
user_exit_copy:
	mov kstack_frame, %esi
	mov %esp, %edi
	mov $WIN_TF_SIZE / 4, %ecx
	rep movsl
	jmp *WD(WD_EXIT)

/* The double-fault task (kernel TSS): print what we can and stop. */
	.globl double_fault_kernel
double_fault_kernel:
	call double_fault
1:	hlt
	jmp 1b
