/*
 * probe_checks.S — a tiny multiboot guest that breaks each isolation
 * invariant of the instrumentation module once, on purpose, with known
 * answers (tests/system/test_instrument.py).  Companion of probe.S.
 *
 * It builds a miniature bouncing kernel: its own GDT, IDT and TSS in a
 * one-page window at 0x103000, a "kernel" page directory (PD_K) and a
 * "user" one (PD_U), both mapping the first 128 MiB 1:1 with user-
 * accessible 4 MiB pages.  Ring 3 is entered through the window (CR3 to
 * PD_U, IRET) and left through INT 0x80 (CR3 back to PD_K): that round
 * trip breaks nothing.  Then, in order, each FLAG below fires once:
 *
 *   ldt how=usable        ring 3 runs with the power-on LDTR (base 0)
 *   ldt how=lldt          LLDT of a real LDT descriptor
 *   user-port port=0x500  ring 3 (IOPL 3) writes "@mode name=shared"
 *   user-port port=0x503  ring 3 writes the user-mark port
 *   cpl3-kernel-cr3       ring 3 runs under PD_K
 *   cpl0-entry how=far    ring 3 reaches ring 0 through a call gate
 *   cpl0-entry how=task   ring 3 reaches ring 0 through a task gate (INT 0x81)
 *   table-outside-window  which=idt, gdt, tr: PD_U loaded with all three
 *                         tables outside the window
 *   data-outside-window   a ring-0 read outside the window under PD_U
 *   stack-overflow        pushes below the announced kernel stack
 *
 * The flags after the forged announcement prove the checks stayed on.  At
 * CPL 0 it writes a user mark full of control bytes.  Exits with 0x5a; a
 * stray #GP exits with 99.
 */
	.set COM1, 0x3f8
	.set PD_FLAGS, 0x87          /* present+writable+user+PS */
	.set MARK_PORT, 0x500
	.set EXIT_PORT, 0x501
	.set UMARK_PORT, 0x503
	.set WIN, 0x103000
	.set WIN_TOP, 0x104000           /* the window's entry stack grows down from here */
	.set PD_K, 0x104000
	.set PD_U, 0x105000
	.set OUT_GDT, 0x106000           /* tables outside the window */
	.set OUT_TSS, 0x106800
	.set OUT_IDT, 0x106900
	.set STACK_LO, 0x108000          /* the announced kernel stack */
	.set USTACK_TOP, 0x10a000
	.set KSTACK_TOP, 0x10b000
	.set KCODE, 0x08
	.set KDATA, 0x10
	.set UCODE, 0x1b
	.set UDATA, 0x23
	.set TSS_SEL, 0x28
	.set GATE_SEL, 0x33              /* call gate, DPL 3 */
	.set LDT_SEL, 0x38
	.set OUT_TSS_SEL, 0x40
	.set TASK_SEL, 0x40              /* via the window GDT: the gate's task */
	.set TASK_STACK, 0x109800
	.set IOPL3, 0x3002               /* EFLAGS: IOPL 3, IF off */

	.section .text, "awx"
	.align 4
	.long 0x1BADB002, 0, -0x1BADB002    /* multiboot v1 header */

#include "probe_lib.S"

	.globl _start
_start:
	mov $KSTACK_TOP, %esp
	mov $COM1+3, %dx              /* 8 data bits, no parity, 1 stop bit */
	mov $3, %al
	out %al, %dx
	say COM1, banner

	mov $PD_K, %edi
	call fill_pd
	mov $PD_U, %edi
	call fill_pd
	mov $win_int80, %eax           /* IDT: INT 0x80 from ring 3, #GP */
	mov $win_idt+0x80*8, %edi
	mov $0xee00, %ecx
	call set_gate
	mov $win_gp, %eax
	mov $win_idt+13*8, %edi
	mov $0x8e00, %ecx
	call set_gate
	movw $TASK_SEL, win_idt+0x81*8+2   /* IDT task gate 0x81, DPL 3 */
	movw $0xe500, win_idt+0x81*8+4
	mov $win_gate_target, %eax     /* GDT call gate to ring 0, DPL 3 */
	mov %ax, win_gdt+GATE_SEL-3
	shr $16, %eax
	mov %ax, win_gdt+GATE_SEL-3+6
	mov $win_gdt, %esi             /* the same GDT outside the window */
	mov $OUT_GDT, %edi
	mov $gdt_end-win_gdt, %ecx
	rep movsb

	lgdt win_gdtr
	ljmp $KCODE, $1f
1:	mov $KDATA, %ax
	mov %ax, %ss
	mov $UDATA, %ax                /* flat and DPL 3: survive IRET to ring 3 */
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %fs
	mov %ax, %gs
	lidt win_idtr
	mov $TSS_SEL, %ax
	ltr %ax

	say MARK_PORT, kernel_note
	say MARK_PORT, window_note
	mov %cr4, %eax
	or $0x10, %eax                 /* PSE: 4 MiB pages */
	mov %eax, %cr4
	mov $PD_K, %eax
	mov %eax, %cr3
	mov %cr0, %eax
	or $0x80000000, %eax
	mov %eax, %cr0

	/* a clean round trip, but with the power-on LDTR */
	mov $user_nop, %eax
	mov $2, %ecx
	call enter_user
	xor %eax, %eax
	lldt %ax                       /* null: no flag */
	mov $LDT_SEL, %ax
	.globl probe_lldt
probe_lldt:
	lldt %ax
	xor %eax, %eax
	lldt %ax

	/* ring 3 at our ports: a forged announcement, a user mark */
	mov $user_ports, %eax
	mov $IOPL3, %ecx
	call enter_user

	/* ring 3 under the kernel's CR3: IRET without loading PD_U */
	mov $user_kernel_cr3, %eax
	mov $2, %ecx
	mov $win_iret, %edx
	call enter

	/* ring 3 into ring 0 through a call gate */
	mov $user_gate, %eax
	mov $2, %ecx
	call enter_user

	/* ring 3 into ring 0 through a task gate */
	mov $user_task_gate, %eax
	mov $2, %ecx
	call enter_user

	/* PD_U with the IDT, GDT and TSS outside the window */
	lgdt out_gdtr
	lidt out_idtr
	mov $OUT_TSS_SEL, %ax
	ltr %ax
	mov $1f, %esi
	jmp win_bounce
1:	lgdt win_gdtr
	lidt win_idtr
	andb $0xfd, win_gdt+TSS_SEL+5  /* not busy: load it again */
	mov $TSS_SEL, %ax
	ltr %ax

	/* a ring-0 read outside the window under PD_U */
	mov $1f, %esi
	jmp win_peek
1:
	/* pushes below the announced stack */
	say MARK_PORT, stack_note
	movl $0, STACK_LO-0x100        /* far from ESP: not a stack write */
	mov %esp, saved_esp
	mov $STACK_LO+8, %esp
	push %eax
	push %eax
	.globl probe_overflow
probe_overflow:
	push %eax                      /* writes STACK_LO-4 */
	push %eax                      /* same stretch: no second flag */
	mov saved_esp, %esp

	mov $umark, %esi               /* a user mark, written at CPL 0 */
	mov $UMARK_PORT, %edx
	mov $umark_end-umark, %ecx
	rep outsb
	say MARK_PORT, done_mark

	mov $COM1+5, %dx               /* wait until the UART is empty */
1:	in %dx, %al
	test $0x40, %al
	jz 1b
	mov $EXIT_PORT, %dx
	mov $0x5a, %al
	out %al, %dx
2:	hlt
	jmp 2b

/* Run ring-3 code at eax with EFLAGS ecx, through the window; it comes
 * back with INT 0x80 (or the call gate), and enter_user returns. */
enter_user:
	mov $win_to_user, %edx
/* the same, through the window code at edx */
enter:
	mov %esp, saved_esp
	mov $WIN_TOP, %esp
	push $UDATA
	push $USTACK_TOP
	push %ecx
	push $UCODE
	push %eax
	jmp *%edx

/* INT 0x80 and the call gate land here, under PD_K again */
back_to_kernel:
	mov saved_esp, %esp
	ret

/* The task gate's task (TR 0x40, PD_K): no nested task to return to. */
	.globl task_entry
task_entry:
	pushf
	andl $~0x4000, (%esp)          /* NT off: the next IRET is a plain one */
	popf
	jmp back_to_kernel

/* ---- ring 3 ---- */
	.globl user_nop
user_nop:
	nop
	int $0x80

	.globl user_ports
user_ports:
	mov $forged, %esi
	mov $MARK_PORT, %dx
1:	lodsb
	test %al, %al
	jz 2f
	.globl user_out_mark
user_out_mark:
	out %al, %dx
	jmp 1b
2:	mov $UMARK_PORT, %dx
	.globl user_out_umark
user_out_umark:
	out %al, %dx
	int $0x80

	.globl user_kernel_cr3
user_kernel_cr3:
	nop
	int $0x80

	.globl user_gate
user_gate:
	lcall $GATE_SEL, $0

	.globl user_task_gate
user_task_gate:
	int $0x81

/* ---- helpers (ring 0, PD_K or paging off) ---- */

/* eax = handler, edi = gate, ecx = type and DPL: selector KCODE */
set_gate:
	mov %ax, (%edi)
	movw $KCODE, 2(%edi)
	mov %cx, 4(%edi)
	shr $16, %eax
	mov %ax, 6(%edi)
	ret


saved_esp:   .long 0
banner:      .asciz "probe: Bounce isolation checks probe\r\n"
kernel_note: .asciz "@kernel cr3=0x104000 idt=0x103500 gdt=0x103400\n"
window_note: .asciz "@window cr3=0x105000 va=0x103000 pages=1 pa=0x103000\n"
stack_note:  .asciz "@stack lo=0x108000 hi=0x109000\n"
forged:      .asciz "@mode name=shared\n"
done_mark:   .asciz "probe done\n"
/* pid 7, 22 bytes: control bytes, a line break and a backslash */
umark:       .byte 7, 0, 0, 0, 22
	.ascii "\r@kernel cr3=0x1000\n\x01\\"
umark_end:
	.align 8
	.word 0
win_gdtr: .word gdt_end-win_gdt-1
	.long win_gdt
	.word 0
win_idtr: .word 0x82*8-1
	.long win_idt
	.word 0
out_gdtr: .word gdt_end-win_gdt-1
	.long OUT_GDT
	.word 0
out_idtr: .word 0x82*8-1
	.long OUT_IDT

/* ---- the window page: trampolines, GDT, TSS, IDT, entry stack ---- */
	.org 0x3000
	.globl win_to_user
win_to_user:                           /* an IRET frame on the entry stack */
	mov $PD_U, %eax
	mov %eax, %cr3
	.globl win_iret
win_iret:
	iret

	.globl win_int80
win_int80:
	mov $PD_K, %eax
	mov %eax, %cr3
	jmp back_to_kernel

	.globl win_gate_target
win_gate_target:
	mov $PD_K, %eax
	mov %eax, %cr3
	jmp back_to_kernel

	.globl win_bounce
win_bounce:                            /* PD_U and back; esi = where next */
	mov $PD_U, %eax
	mov %eax, %cr3
	mov $PD_K, %eax
	mov %eax, %cr3
	jmp *%esi

	.globl win_peek
win_peek:
	mov $PD_U, %eax
	mov %eax, %cr3
	.globl win_peek_load
win_peek_load:
	mov 0x200000, %eax
	mov $PD_K, %eax
	mov %eax, %cr3
	jmp *%esi

win_gp:
	mov $EXIT_PORT, %dx
	mov $99, %al
	out %al, %dx
	hlt

	.org 0x3400
win_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff       /* 0x08 ring-0 code */
	.quad 0x00cf92000000ffff       /* 0x10 ring-0 data */
	.quad 0x00cffa000000ffff       /* 0x18 ring-3 code */
	.quad 0x00cff2000000ffff       /* 0x20 ring-3 data */
	.word 0x67, 0x3480             /* 0x28 TSS at 0x103480 */
	.byte 0x10, 0x89, 0, 0
	.word 0, KCODE, 0xec00, 0      /* 0x30 call gate; offset set at run time */
	.word 0xff, 0x7000             /* 0x38 LDT at 0x107000 */
	.byte 0x10, 0x82, 0, 0
	.word 0x67, 0x6800             /* 0x40 TSS at OUT_TSS */
	.byte 0x10, 0x89, 0, 0
gdt_end:

	.org 0x3480
win_tss:
	.long 0, WIN_TOP, KDATA        /* link, esp0, ss0 */
	.space 0x66-12
	.word 0x68                     /* I/O bitmap base: none */

	.org 0x3500
win_idt:
	.space 0x82*8

	.org 0x4000
	.space 0x2800                  /* PD_K, PD_U, OUT_GDT */
	.org 0x6800                    /* OUT_TSS: the task gate's task */
	.long 0, 0, 0, 0, 0, 0, 0      /* link, esp0-2, ss0-2 */
	.long PD_K, task_entry, 0x2    /* cr3, eip, eflags */
	.long 0, 0, 0, 0, TASK_STACK, 0, 0, 0   /* eax..edi */
	.long UDATA, KCODE, KDATA, UDATA, UDATA, UDATA, 0  /* es cs ss ds fs gs ldt */
	.word 0, 0x68
	.org 0x7000
	.space 0x3000                  /* LDT, stacks */
