/* copy.S — the copy loops whose page faults the kernel forgives.
 * A fault between copy_fault_lo and copy_fault_hi is handled by
 * copy_fault() (copy.c): resolved and retried, or resumed at
 * copy_fault_fixup, which returns -EFAULT.  Both loops keep the same two
 * registers pushed so the fixup can unwind either. */
	.text
	.globl copy_fault_lo, copy_fault_hi, copy_fault_fixup, copy_bytes, copy_string

copy_fault_lo:
/* int copy_bytes(void *dst, const void *src, uint32_t n) -> 0 */
copy_bytes:
	push %esi
	push %edi
	mov 12(%esp), %edi
	mov 16(%esp), %esi
	mov 20(%esp), %ecx
	cld
	mov %ecx, %edx
	shr $2, %ecx
	rep movsl
	mov %edx, %ecx
	and $3, %ecx
	rep movsb
	xor %eax, %eax
	pop %edi
	pop %esi
	ret

/* int copy_string(char *dst, const char *src, uint32_t max)
 * -> length without the NUL, or -1 if there is no NUL in max bytes */
copy_string:
	push %esi
	push %edi
	mov 12(%esp), %edi
	mov 16(%esp), %esi
	mov 20(%esp), %ecx
	xor %eax, %eax
1:	cmp %ecx, %eax
	je 3f
	movb (%esi,%eax), %dl
	movb %dl, (%edi,%eax)
	test %dl, %dl
	jz 2f
	inc %eax
	jmp 1b
3:	mov $-1, %eax
2:	pop %edi
	pop %esi
	ret
copy_fault_hi:

copy_fault_fixup:
	mov $-14, %eax /* -EFAULT */
	pop %edi
	pop %esi
	ret
