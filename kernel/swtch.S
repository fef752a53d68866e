/* swtch.S — void swtch(struct context **save, struct context *next)
 * Save the callee-saved registers on this stack, record where, and resume
 * the stack next points at (xv6's switch, unchanged in spirit). */
	.text
	.globl swtch
swtch:
	mov 4(%esp), %eax
	mov 8(%esp), %edx
	push %ebp
	push %ebx
	push %esi
	push %edi
	mov %esp, (%eax)
	mov %edx, %esp
	pop %edi
	pop %esi
	pop %ebx
	pop %ebp
	ret
