/* window_layout.h — where things sit inside a window.
 *
 * A window is two pages in one 4 MiB region (K = 2, docs/window.md): the
 * data page at W and the code page next to it, at W + 4 KiB, or at
 * W - 4 KiB when that does not fit (window.c).  The code page is one frame
 * for every window, read-only; nothing a crossing writes shares a page with
 * code.  The data page:
 *
 *   0x000  IDT, 0x81 gates (vectors 0..0x80)          -> IDTR while in user mode
 *   0x410  GDT, 7 descriptors, same layout as the kernel's
 *   0x450  TSS (esp0 = top of the entry stack)
 *   0x4C0  double-fault TSS (loads the kernel CR3 by task switch)
 *   0x540  window data: what the trampoline needs (struct window_data)
 *   0xC00  entry stack (grows down from 0x1000 = TSS.esp0), also the
 *          double-fault task's
 *
 * and the code page holds the trampoline (window.S) at its start.
 *
 * The trampoline addresses window data relative to %esp, whose value is
 * known exactly at each step, so the code runs unchanged at any address.
 * The GDT's TSS descriptor too: the exit path loads TR with it (asm.h).
 * Shared by C and assembly: numbers only.
 */
#ifndef BOUNCE_WINDOW_LAYOUT_H
#define BOUNCE_WINDOW_LAYOUT_H

#define WINDOW_PAGES 2
#define WIN_IDT 0x000
#define WIN_GDT 0x410
#define WIN_TSS 0x450
#define WIN_DFTSS 0x4C0
#define WIN_DATA 0x540
#define WIN_DATA_END 0xC00 /* the entry stack is below WIN_STACK, above this */
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
#define WD_TO_ALIAS 8      /* C + (w_entry2 - start): the entry's hop to the code frame's 1:1 alias */
#define WD_TO_WINDOW 12    /* the code page + (w_exit2 - start): the exit's hop back to the window */
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
#define WD_EXIT 76         /* where the way out starts: C + w_exit1, or the code page + w_exit2 (window.c) */
#define WD_CVA 80          /* the code page's address beside W */
#define WD_SIZE 84

#endif
