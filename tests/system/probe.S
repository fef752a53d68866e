/*
 * probe.S — a tiny multiboot guest that exercises every event of the
 * instrumentation module with known answers (tests/system/test_boot.py).
 *
 * Linked at 0x100000 (-Ttext) as one writable section; .org pins the
 * addresses the announcements name:
 *   0x103000  the window page (win_code)
 *   0x104000  "kernel" page directory, 0x105000 "user" page directory
 * Both page directories map the first 128 MiB 1:1 with 4 MiB pages.
 *
 * Order: banner on COM1; LIDT; LLDT; INT 0x30 (soft); paging on with the
 * kernel CR3; a stretch at CPL 0 on the user CR3 outside any window
 * (one FLAG cpl0-outside-window); a 102-instruction stretch inside the
 * announced window (FLAG long-transit, no outside flag); shared mode (no
 * flags); then a #GP with error code 0x1234 whose handler exits with 165.
 * Its IDT and GDT are not in the window: the tests switch the tables check
 * off (probe_checks.S fires that one and every other new check).
 */
	.set COM1, 0x3f8
	.set PD_FLAGS, 0x83          /* present+writable+PS */
	.set MARK_PORT, 0x500
	.set EXIT_PORT, 0x501
	.set PD_K, 0x104000
	.set PD_U, 0x105000

	.section .text, "awx"
	.align 4
	.long 0x1BADB002, 0, -0x1BADB002    /* multiboot v1 header */

#include "probe_lib.S"

	.globl _start
_start:
	mov $stack_top, %esp
	mov $COM1+3, %dx              /* 8 data bits, no parity, 1 stop bit */
	mov $3, %al
	out %al, %dx
	say COM1, banner

	mov $gp_handler, %eax          /* IDT gates: 13 (#GP) and 0x30 */
	mov $idt+13*8, %edi
	call set_gate
	mov $soft_handler, %eax
	mov $idt+0x30*8, %edi
	call set_gate
	.globl probe_lidt
probe_lidt:
	lidt idtr
	xor %eax, %eax
	.globl probe_lldt
probe_lldt:
	lldt %ax
	.globl probe_int
probe_int:
	int $0x30
	.globl probe_after_int
probe_after_int:

	mov $PD_K, %edi                /* two 1:1 page directories */
	call fill_pd
	mov $PD_U, %edi
	call fill_pd
	say MARK_PORT, kernel_note
	mov %cr4, %eax
	or $0x10, %eax                 /* PSE: 4 MiB pages */
	mov %eax, %cr4
	mov $PD_K, %eax
	.globl probe_cr3
probe_cr3:
	mov %eax, %cr3
	mov %cr0, %eax
	or $0x80000000, %eax
	mov %eax, %cr0

	/* stretch 1: user CR3, CPL 0, no window announced */
	mov $PD_U, %eax
	mov %eax, %cr3
	.globl probe_outside
probe_outside:
	nop
	nop
	nop
	mov $PD_K, %eax
	mov %eax, %cr3

	/* stretch 2: inside the announced window, 102 instructions */
	say MARK_PORT, window_note
	call win_code

	/* shared layout: nothing is checked */
	say MARK_PORT, shared_note
	mov $PD_U, %eax
	mov %eax, %cr3
	nop
	mov $PD_K, %eax
	mov %eax, %cr3

	say MARK_PORT, done_mark
	mov $0x1234, %ax
	.globl probe_gp
probe_gp:
	mov %ax, %ds                   /* #GP(0x1234): beyond GRUB's GDT */
	hlt

soft_handler:
	iret

gp_handler:
	mov $COM1+5, %dx               /* wait until the UART is empty */
1:	in %dx, %al
	test $0x40, %al
	jz 1b
	mov $EXIT_PORT, %dx
	mov $165, %al
	out %al, %dx
2:	hlt
	jmp 2b

/* eax = handler, edi = gate: 32-bit interrupt gate, selector 0x10 */
set_gate:
	mov %ax, (%edi)
	movw $0x10, 2(%edi)
	movw $0x8e00, 4(%edi)
	shr $16, %eax
	mov %ax, 6(%edi)
	ret


banner:      .asciz "probe: Bounce instrumentation probe\r\n"
kernel_note: .asciz "@kernel cr3=0x104000 idt=0x0 gdt=0x0\n"
window_note: .asciz "@window cr3=0x105000 va=0x103000 pages=1 pa=0x103000\n"
shared_note: .asciz "@mode name=shared\n"
done_mark:   .asciz "probe done\n"
	.align 8
idtr:	.word 256*8-1
	.long idt

	.org 0x3000
	.globl win_code
win_code:
	mov $PD_U, %eax
	mov %eax, %cr3
	.rept 100
	nop
	.endr
	mov $PD_K, %eax
	mov %eax, %cr3
	ret

	.org 0x4000
	.space 0x2000                  /* PD_K and PD_U */
idt:	.space 256*8
	.space 4096
stack_top:
