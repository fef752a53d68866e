/* window.S — the trampoline, copied once into the code page every window maps.
 *
 * A user-mode interrupt, exception or system call arrives here, at the
 * window's code page (beside its data page W), with the user's page directory still loaded and %esp
 * on the window's entry stack (TSS.esp0).  The way home:
 *
 *   stub:     push the vector (and a zero error code), jump to w_common
 *   w_common: push the rest of a trap frame (segments, pushal), load the
 *             kernel CR3 and the kernel's GDT and IDT.  The kernel
 *             directory's entry for W's region holds a "transit" table
 *             that maps both window pages to their frames, so the next
 *             instruction is found.  Then one of two ways (docs/window.md, "The bounce"):
 *   - W outside everything the kernel maps: the transit table stays in
 *     the kernel's directory while this address space is the running one
 *     (window.c), so nothing is left to undo: jump to the kernel
 *     (user_entry_w, trapentry.S).
 *   - W in a region the kernel maps: hop to w_entry2 through the code
 *     frame's 1:1 alias C (and %esp to the data frame's, P), give the
 *     kernel directory its own entry for W back, flush both window pages
 *     and the page that entry was written through, and jump to the
 *     kernel (user_entry).
 * The trap frame stays where it was built; the kernel finds it at P.
 *
 * A double fault in user mode takes the same way: the window's IDT sends
 * it to the double-fault task (WIN_DFTSS), which starts at vector 8's stub
 * with the kernel CR3 and %esp = W + WIN_DF_ESP, so that once the CPU has
 * pushed the error code %esp is where every entry has it.  There is one
 * crossing, whatever came in.
 *
 * The way back runs the same steps in reverse: w_exit1 (at C, only when W
 * lies in a region the kernel maps) puts the transit table in, and
 * w_exit2 (in the window) loads the window's tables and TR, the user's CR3, the
 * registers, and irets.  Every data reference is %esp-relative: %esp is
 * W + WIN_FRAME or P + WIN_FRAME at each step, and every jump goes through
 * a data field, so the code needs no relocation when the window moves, and
 * it runs the same above or below the data page.  Memory operands through other
 * registers carry %ss: the user may have left any selector in %ds.
 */
#include "asm.h"
#include "window_layout.h"

#define PG(off) ((off) - WIN_FRAME)(%esp)  /* a byte of the window page */
#define D(f) PG(WIN_DATA + (f))            /* a field of the window data */

	.section .rodata.window, "a"
	.globl window_tpl_start, window_tpl_end, window_stub_offsets
	.globl window_tpl_entry2, window_tpl_exit1, window_tpl_exit2

window_tpl_start:
.macro WSTUB vec
wstub_\vec:
	.if !(\vec == 8 || (\vec >= 10 && \vec <= 14) || \vec == 17 || \vec == 21 || \vec == 29 || \vec == 30)
	pushl $0
	.endif
	pushl $\vec
	jmp w_common
.endm
.altmacro
.set v, 0
.rept 48
	WSTUB %v
	.set v, v+1
.endr
	WSTUB 128

w_common:
	push %ds
	push %es
	push %fs
	push %gs
	pushal
	mov D(WD_KCR3), %eax /* (a double fault's task switch has loaded it already) */
	mov %eax, %cr3
	lgdt D(WD_KGDT)
	lidt D(WD_KIDT)
	jmp *D(WD_TO_ALIAS) /* user_entry_w, or P + w_entry2 */

window_tpl_entry2:
	add D(WD_DELTA), %esp
	mov D(WD_SAVED_PDE), %eax
	mov D(WD_PDE_SLOT_T), %ecx
	mov %eax, %ss:(%ecx)
	invlpg %ss:(%ecx) /* an alias of the directory if the transit table made one */
	mov D(WD_WVA), %eax
	invlpg %ss:(%eax)
	mov D(WD_CVA), %eax
	invlpg %ss:(%eax)
	jmp *D(WD_KENTRY)

window_tpl_exit1:
	mov D(WD_PDE_SLOT), %ecx
	mov %ss:(%ecx), %eax
	mov %eax, D(WD_SAVED_PDE)
	mov D(WD_TRANSIT_PDE), %eax
	mov %eax, %ss:(%ecx)
	mov D(WD_WVA), %eax
	invlpg %ss:(%eax)
	mov D(WD_CVA), %eax
	invlpg %ss:(%eax)
	sub D(WD_DELTA), %esp
	jmp *D(WD_TO_WINDOW)

window_tpl_exit2:
	lgdt D(WD_WGDT)
	lidt D(WD_WIDT)
	andb $~TSS_BUSY, PG(WIN_GDT + SEL_TSS + DESC_TYPE_BYTE)
	mov $SEL_TSS, %ax
	ltr %ax /* TR names the window's TSS only while the window is mapped at W */
	mov D(WD_UCR3), %eax
	mov %eax, %cr3
	popal
	pop %gs
	pop %fs
	pop %es
	pop %ds
	add $8, %esp
	iret

window_tpl_end:

/* Each vector's stub, as an offset from window_tpl_start (0 = no stub). */
	.p2align 2
window_stub_offsets:
.macro WOFF vec
	.long wstub_\vec - window_tpl_start
.endm
.set v, 0
.rept 48
	WOFF %v
	.set v, v+1
.endr
	WOFF 128
