/* window_layout.h — where things sit inside a window page (K = 1).
 *
 *   0x000  IDT, 0x81 gates (vectors 0..0x80)          -> IDTR while in user mode
 *   0x410  GDT, 7 descriptors, same layout as the kernel's
 *   0x450  TSS (esp0 = top of the entry stack)
 *   0x4C0  double-fault TSS (loads the kernel CR3 by task switch)
 *   0x540  window data: what the trampoline needs (struct window_data)
 *   0x600  trampoline code, copied from window.S
 *   0xC00  entry stack (grows down from 0x1000 = TSS.esp0), also the
 *          double-fault task's
 *
 * The trampoline addresses window data relative to %esp, whose value is
 * known exactly at each step, so the code runs unchanged at any address.
 * The GDT's TSS descriptor too: the exit path loads TR with it (asm.h).
 * Shared by C and assembly: numbers only.
 */
#ifndef BOUNCE_WINDOW_LAYOUT_H
#define BOUNCE_WINDOW_LAYOUT_H

#define WINDOW_PAGES 1
#define WIN_IDT 0x000
#define WIN_GDT 0x410
#define WIN_TSS 0x450
#define WIN_DFTSS 0x4C0
#define WIN_DATA 0x540
#define WIN_CODE 0x600
#define WIN_CODE_END 0xC00
#define WIN_STACK 0x1000
/* What the CPU pushes on the entry stack: ss esp eflags cs eip err. */
#define WIN_CPU_FRAME 24
/* A whole trap frame (struct trapframe): the CPU's part, the stub's
 * vector, then w_common's ds es fs gs and pushal. */
#define WIN_TF_SIZE 76
/* %esp while the trampoline runs: at the trap frame it has built. */
#define WIN_FRAME (WIN_STACK - WIN_TF_SIZE)
/* The double-fault task's initial %esp: the CPU pushes the error code
 * into the err slot of an entry frame, so the DF joins the entry path
 * through its stub with %esp where every entry has it (window.S). */
#define WIN_DF_ESP (WIN_STACK - WIN_CPU_FRAME + 4)

/* struct window_data field offsets */
#define WD_KCR3 0
#define WD_UCR3 4
#define WD_TO_ALIAS 8      /* P + (w_entry2 - start): the entry's hop to the 1:1 alias */
#define WD_TO_WINDOW 12    /* W + (w_exit2 - start): the exit's hop back to W */
#define WD_DELTA 16        /* P - W */
#define WD_PDE_SLOT 20     /* &kernel_pgdir[W >> 22] */
#define WD_TRANSIT_PDE 24  /* PDE of the transit table (W -> P) */
#define WD_SAVED_PDE 28    /* the kernel PDE the transit one replaced */
#define WD_WVA 32          /* W */
#define WD_KENTRY 36       /* user_entry */
#define WD_KGDT 42         /* pseudo-descriptors, 2 bytes into an 8-byte slot */
#define WD_KIDT 50
#define WD_WGDT 58
#define WD_WIDT 66
#define WD_PDE_SLOT_T 72   /* the same kernel PDE, as seen while the transit table is in place */
#define WD_EXIT 76         /* where the way out starts: P + w_exit1, or W + w_exit2 (window.c) */
#define WD_SIZE 80

#endif
