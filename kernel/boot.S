/* boot.S — multiboot (v1) entry.
 *
 * GRUB leaves us in 32-bit protected mode, paging off, with %eax = the
 * multiboot magic and %ebx = the physical address of its information block.
 * We only need a stack before C can run.
 */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003 /* modules page-aligned, memory info */

	.section .multiboot, "a"
	.align 4
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)

	.section .bss
	.align 16
boot_stack:
	.space 16384
boot_stack_top:

	.text
	.globl _start
_start:
	cli
	mov $boot_stack_top, %esp
	xor %ebp, %ebp
	push %ebx /* multiboot info */
	push %eax /* magic */
	call kmain
1:	hlt
	jmp 1b
