/* crt0.S — process entry.
 *
 * The kernel starts a program with %esp at argc, followed by argv[0..argc-1]
 * and a NULL (i386 SysV style).  Align the stack for C, call
 * main(argc, argv), and exit with its result.
 */
	.section .text.start, "ax"
	.globl _start
_start:
	xorl	%ebp, %ebp		/* end of the frame-pointer chain */
	movl	(%esp), %eax		/* argc */
	leal	4(%esp), %edx		/* argv */
	andl	$-16, %esp
	subl	$8, %esp
	pushl	%edx
	pushl	%eax
	call	main
	movl	%eax, (%esp)
	call	exit
	/* exit does not return */

	.section .note.GNU-stack, "", @progbits	/* no executable stack */
