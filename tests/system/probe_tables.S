/* probe_tables.S — descriptor-table loads as the module logs them without
 * an after-execution hook (docs/instrumentation.md, "What the hooks cost"):
 * an LGDT and an LIDT back to back, each logged once it has retired, with
 * its own icount; then an LTR that faults (#GP(0x1238): beyond GRUB's GDT),
 * which must log only its exception; the handler exits with 166.
 * GRUB's protected mode, paging off; built and run by test_speed.py. */
	.set EXIT_PORT, 0x501

	.section .text, "awx"
	.align 4
	.long 0x1BADB002, 0, -0x1BADB002    /* multiboot v1 header */

	.globl _start, probe_lgdt, probe_lidt, probe_ltr, gp_handler
_start:
	mov $stack_top, %esp
	mov $gp_handler, %eax          /* IDT gate 13: 32-bit interrupt gate */
	mov %ax, idt+13*8
	movw $0x10, idt+13*8+2
	movw $0x8e00, idt+13*8+4
	shr $16, %eax
	mov %ax, idt+13*8+6
	sgdt gdtr                      /* GRUB's GDT, loaded again below */
probe_lgdt:
	lgdt gdtr
probe_lidt:
	lidt idtr
	mov $0x1238, %ax
probe_ltr:
	ltr %ax
	hlt

gp_handler:
	mov $EXIT_PORT, %dx
	mov $166, %al
	out %al, %dx
1:	hlt
	jmp 1b

	.align 8
idt:	.space 14*8
idtr:	.word 14*8-1
	.long idt
gdtr:	.word 0
	.long 0
	.align 16
	.space 4096
stack_top:
