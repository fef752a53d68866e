/* trapentry.S — kernel-side trap entry and exit.
 *
 * Two ways in:
 *  - from kernel mode, through the kernel's own IDT: a stub pushes the
 *    vector and alltraps builds the trap frame on the current stack; no
 *    address-space switch is needed (the kernel is already home).
 *  - from user mode, through the window (window.S): the window has loaded
 *    the kernel CR3 and jumps to user_entry with %esp on the window's entry
 *    stack (through its 1:1 alias).  user_entry moves the frame to this
 *    thread's kernel stack and joins the same path.
 * Until the kernel data segment is loaded, memory operands use %ss: the
 * user may have left any selector in %ds.
 */
#include "asm.h"

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

/* %esp = the window's frame through its 1:1 alias:
 *   0 ecx, 4 eax, 8 vector, 12 error, 16 eip, 20 cs, 24 eflags, 28 esp, 32 ss
 * Interrupts are off; the kernel's GDT and IDT are loaded.  TR still names
 * the window's TSS (or its double-fault TSS), at W: name the kernel's own
 * instead, so that a task switch from kernel mode saves into kernel memory
 * (the CPU saves the old state at TR's base, under the current CR3). */
	.globl user_entry
user_entry:
	cld /* as in alltraps */
	andb $~TSS_BUSY, %ss:kernel_gdt + SEL_TSS + DESC_TYPE_BYTE
	mov $SEL_TSS, %ax
	ltr %ax
	mov %esp, %eax
	mov %ss:kstack_top, %esp
	pushl %ss:32(%eax)
	pushl %ss:28(%eax)
	pushl %ss:24(%eax)
	pushl %ss:20(%eax)
	pushl %ss:16(%eax)
	pushl %ss:12(%eax)
	pushl %ss:8(%eax)
	push %ds
	push %es
	push %fs
	push %gs
	pushl %ss:4(%eax) /* pushal's order: eax ecx edx ebx esp ebp esi edi */
	pushl %ss:0(%eax)
	push %edx
	push %ebx
	push $0
	push %ebp
	push %esi
	push %edi
	mov $SEL_KDATA, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %fs
	mov %ax, %gs
	push %esp
	call trap
	add $4, %esp
	/* fall through */

/* %esp = a user trap frame on this thread's kernel stack. Copy what the
 * window's exit needs into its frame, restore the rest, and jump to the
 * window's exit path through its 1:1 alias (window.S). */
	.globl user_exit
user_exit:
	cli
	mov window_frame_alias, %eax
	mov TF_ECX(%esp), %edx
	mov %edx, 0(%eax)
	mov TF_EAX(%esp), %edx
	mov %edx, 4(%eax)
	mov TF_EIP(%esp), %edx
	mov %edx, 16(%eax)
	mov TF_CS(%esp), %edx
	mov %edx, 20(%eax)
	mov TF_EFLAGS(%esp), %edx
	mov %edx, 24(%eax)
	mov TF_ESP(%esp), %edx
	mov %edx, 28(%eax)
	mov TF_SS(%esp), %edx
	mov %edx, 32(%eax)
	popal
	pop %gs
	pop %fs
	pop %es
	pop %ds
	mov %ss:window_frame_alias, %esp
	jmp *%ss:window_exit_alias

/* The double-fault task (kernel TSS): print what we can and stop. */
	.globl double_fault_kernel
double_fault_kernel:
	call double_fault
1:	hlt
	jmp 1b
