/* crt0.S — process entry.
 *
 * The kernel starts a program with %esp at argc, followed by argv[0..argc-1]
 * and a NULL (i386 SysV style).  Keep argv[0] as __progname (TAP output
 * names its program with it), align the stack for C, call
 * main(argc, argv), and exit with its result.
 */
	.section .text.start, "ax"
	.globl _start
_start:
	xorl	%ebp, %ebp		/* end of the frame-pointer chain */
	movl	(%esp), %eax		/* argc */
	leal	4(%esp), %edx		/* argv */
	movl	(%edx), %ecx
	movl	%ecx, __progname
	andl	$-16, %esp
	subl	$8, %esp
	pushl	%edx
	pushl	%eax
	call	main
	movl	%eax, (%esp)
	call	exit
	/* exit does not return */

	.bss
	.globl	__progname
	.p2align 2
__progname:
	.long	0

	.section .note.GNU-stack, "", @progbits	/* no executable stack */
