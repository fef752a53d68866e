/* probe_lib.S — helpers both probe guests include (tests/system/probe.S,
 * probe_checks.S), after their multiboot header.  The includer sets COM1
 * and PD_FLAGS.  The code goes to a section of its own, so the include
 * leaves the includer's own text where it was. */

/* print STR on COM1 or a debug port (clobbers eax, edx, esi) */
.macro say port, str
	mov $\str, %esi
	mov $\port, %edx
	call puts
.endm

	.pushsection .text.probe_lib, "ax"

/* edi = page directory: 32 entries of 4 MiB with PD_FLAGS (PS among them) */
fill_pd:
	mov $PD_FLAGS, %eax
	mov $32, %ecx
1:	mov %eax, (%edi)
	add $0x400000, %eax
	add $4, %edi
	loop 1b
	ret

/* esi = string, edx = port; COM1 output waits for the transmitter */
puts:
	lodsb
	test %al, %al
	jz 3f
	cmp $COM1, %dx
	jne 2f
	mov %al, %ah
	add $5, %dx
1:	in %dx, %al
	test $0x20, %al
	jz 1b
	sub $5, %dx
	mov %ah, %al
2:	out %al, %dx
	jmp puts
3:	ret
	.popsection
