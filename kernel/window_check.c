/* window_check.c — the window's invariants, asserted in a debug build.
 *
 * Before a thread of an address space runs, its window must be what
 * window.c made it: mapped at W, supervisor only; every present gate a
 * kernel interrupt gate into the window's code (or the double-fault task
 * gate), open to CPL 3 only for the vectors a user may raise; the GDT the
 * kernel's layout with the TSSs inside the window.  A user cannot change
 * any of it (the page is not PTE_U), so a failure means a kernel bug or
 * someone at the shell writing physical memory (docs/diagnostics.md).
 */
#include "kassert.h"
#include "abi.h"
#include "desc.h"
#include "mmu.h"
#include "vm.h"
#include "window.h"

#define DESC_ACCESSED (1ull << 40) /* set by the CPU when a segment is loaded */
#define TSS_BUSY (1ull << 41)      /* set by the CPU when TR is loaded */

static void gates_check(const struct window *w)
{
	const struct gate *idt = (const struct gate *)(w->pa + WIN_IDT);
	for (int vec = 0; vec < NIDT; vec++) {
		const struct gate *g = &idt[vec];
		if (!(g->type_attr & 0x80))
			continue; /* not present: the CPU double-faults, which is handled */
		int dpl = (g->type_attr >> 5) & 3;
		KASSERT(dpl == 0 || vec == SYSCALL_VECTOR || vec == 3 || vec == 4);
		if ((g->type_attr & 0xF) == GATE_TASK) {
			KASSERT(vec == T_DF && g->sel == SEL_DFTSS);
			continue;
		}
		KASSERT((g->type_attr & 0xF) == GATE_INTR && g->sel == SEL_KCODE);
		KASSERT(gate_offset(g) - w->cva < PGSIZE);
	}
}

static void gdt_check(const struct window *w)
{
	const segdesc_t *gdt = (const segdesc_t *)(w->pa + WIN_GDT);
	segdesc_t want[GDT_ENTRIES];
	gdt_fill(want, w->va + WIN_TSS, w->va + WIN_DFTSS);
	for (int i = 0; i < GDT_ENTRIES; i++) {
		segdesc_t cpu = (i == SEL_TSS >> 3 || i == SEL_DFTSS >> 3) ? TSS_BUSY : DESC_ACCESSED;
		KASSERT((gdt[i] & ~cpu) == want[i]);
	}
}

void window_check_invariants(struct as *as)
{
	if (!as->win.pa)
		return;
	const struct window *w = &as->win;
	uint32_t *pte = as_pte(as, w->va, 0), *cpte = as_pte(as, w->cva, 0);
	KASSERT(pte && PTE_ADDR(*pte) == w->pa && (*pte & (PTE_P | PTE_U)) == PTE_P);
	KASSERT(PDX(w->cva) == PDX(w->va) && (w->cva == w->va + PGSIZE || w->cva == w->va - PGSIZE));
	KASSERT(cpte && PTE_ADDR(*cpte) == window_code_frame && (*cpte & (PTE_P | PTE_U | PTE_W)) == PTE_P);
	gates_check(w);
	gdt_check(w);
}
