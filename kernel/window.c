/* window.c — building, placing and moving windows.
 *
 * A window is two pages (window_layout.h): its own data page at W and the
 * code page beside it, one read-only frame shared by every window.  The
 * data page's contents depend on where the two sit in three ways: the IDT
 * gates point at the stubs in the code page, the GDT's TSS descriptors and
 * the TSSs point into the data page, and the trampoline's data records
 * both addresses.  window_place() rewrites exactly those; the code itself
 * is position independent.
 */
#include "window.h"
#include "abi.h"
#include "buddy.h"
#include "debugport.h"
#include "desc.h"
#include "freepage.h"
#include "klib.h"
#include "kvm.h"
#include "largepage.h"
#include "log.h"
#include "mmu.h"
#include "pager.h"
#include "stats.h"
#include "trap.h"
#include "vm.h"

extern const char window_tpl_start[], window_tpl_end[];
extern const char window_tpl_entry2[], window_tpl_exit1[], window_tpl_exit2[];
extern const uint32_t window_stub_offsets[49]; /* vectors 0..47, then 0x80 */
/* The kernel's side of an entry (trapentry.S), %esp at W or at P. */
void user_entry_w(void), user_entry_copy_w(void), user_entry_copy(void), user_exit_copy(void);

uint32_t window_exit_sp, window_exit_alias, kstack_frame;
struct as *window_current;
/* The window whose transit table the kernel's directory holds while the
 * kernel runs (see transit_stays), or none. */
static struct window *transit_left;

struct window_data {
	uint32_t kcr3, ucr3, to_alias, to_window, delta, pde_slot, transit_pde, saved_pde;
	uint32_t wva, kentry;
	struct { uint16_t pad; struct dtr d; } __attribute__((packed)) kgdt, kidt, wgdt, widt;
	uint32_t pde_slot_t, exit, cva;
};

_Static_assert(__builtin_offsetof(struct window_data, to_alias) == WD_TO_ALIAS, "layout");
_Static_assert(__builtin_offsetof(struct window_data, kentry) == WD_KENTRY, "layout");
_Static_assert(__builtin_offsetof(struct window_data, kgdt) + 2 == WD_KGDT, "layout");
_Static_assert(__builtin_offsetof(struct window_data, widt) + 2 == WD_WIDT, "layout");
_Static_assert(__builtin_offsetof(struct window_data, pde_slot_t) == WD_PDE_SLOT_T, "layout");
_Static_assert(__builtin_offsetof(struct window_data, exit) == WD_EXIT, "layout");
_Static_assert(__builtin_offsetof(struct window_data, cva) == WD_CVA, "layout");
_Static_assert(sizeof(struct window_data) == WD_SIZE, "layout");
_Static_assert(WIN_DATA + WD_SIZE <= WIN_DATA_END, "window data overlaps the entry stack");
_Static_assert(WIN_IDT + NIDT * 8 <= WIN_GDT, "IDT overlaps the GDT");
_Static_assert(WIN_GDT + GDT_ENTRIES * 8 <= WIN_TSS, "GDT overlaps the TSS");
_Static_assert(WIN_TSS + sizeof(struct tss) <= WIN_DFTSS && WIN_DFTSS + sizeof(struct tss) <= WIN_DATA, "TSSs");
_Static_assert(WIN_DATA_END <= WIN_FRAME, "the entry stack overlaps the window data");
/* The double fault's error code, stub 8's vector, w_common's segments and pushal. */
_Static_assert(WIN_DF_ESP - 4 - 4 - 16 - 32 == WIN_FRAME, "a double fault reaches w_common with another %esp");

#define TPL_OFF(sym) ((uint32_t)((sym) - window_tpl_start))

static inline char *wbase(const struct window *w) { return (char *)w->pa; }
static inline struct window_data *wdata(const struct window *w) { return (struct window_data *)(wbase(w) + WIN_DATA); }
static inline struct gate *widt(const struct window *w) { return (struct gate *)(wbase(w) + WIN_IDT); }
static inline segdesc_t *wgdt(const struct window *w) { return (segdesc_t *)(wbase(w) + WIN_GDT); }
static inline struct tss *wtss(const struct window *w, uint32_t off) { return (struct tss *)(wbase(w) + off); }

/* C: the frame holding the trampoline, one for every window.  Filled at
 * boot and never written again, so no crossing writes a page the CPU
 * executes (docs/window.md, "K = 1 or K = 2"). */
uint32_t window_code_frame;

void window_init(void)
{
	uint32_t n = window_tpl_end - window_tpl_start;
	if (n > PGSIZE)
		panic("window: trampoline (%d bytes) does not fit", (int)n);
	if (!(window_code_frame = page_alloc()))
		panic("window: no frame for the code page");
	memset((void *)window_code_frame, 0, PGSIZE);
	memcpy((void *)window_code_frame, window_tpl_start, n);
}

/* The window's entries in a user page table: supervisor only, the code
 * page read-only too. */
static uint32_t data_pte(const struct window *w) { return w->pa | PTE_P | PTE_W; }
static uint32_t code_pte(void) { return window_code_frame | PTE_P; }

/* May the code page go at cva, beside the data page at va?  One transit
 * table shows both pages and both frames' 1:1 aliases, so both must lie
 * in one region, and no address may need two frames there: va the code
 * frame's alias, or cva the data frame's. */
static int code_fits(const struct window *w, uint32_t va, uint32_t cva)
{
	return PDX(cva) == PDX(va) && cva != va && va != window_code_frame && cva != w->pa;
}

static int stub_vector(int i) { return i < 48 ? i : SYSCALL_VECTOR; }

/* Vectors a user may raise with int: the system call, int3 and into. */
static int user_may_raise(int vec) { return vec == SYSCALL_VECTOR || vec == 3 || vec == 4; }

/* One entry of the transit table, unless it has that one already (the
 * same frame: code_fits refused two frames at one address). */
static void transit_set(struct window *w, uint32_t at, uint32_t pte)
{
	uint32_t *t = (uint32_t *)w->transit;
	if (t[PTX(at)])
		return;
	t[PTX(at)] = pte;
	w->transit_ptx[w->ntransit++] = PTX(at);
}

/* The transit table stands in for the kernel's entry for W's 4 MiB region
 * while the CPU crosses over.  The crossing touches both window pages, the
 * frames' 1:1 aliases P and C (the hop runs there), and the kernel page
 * directory (to put the real entry back).  It maps those of them that lie
 * in W's region; should the kernel directory's page be taken, the
 * directory is shown at a neighbouring page instead.  Returns the address
 * through which the crossing reaches the kernel's entry for W. */
static uint32_t transit_build(struct window *w, uint32_t va, uint32_t cva)
{
	uint32_t *t = (uint32_t *)w->transit;
	uint32_t kdir = (uint32_t)kernel_pgdir, slot = kdir + PDX(va) * 4;

	for (int i = 0; i < w->ntransit; i++)
		t[w->transit_ptx[i]] = 0;
	w->ntransit = 0;
	transit_set(w, va, data_pte(w));
	transit_set(w, cva, code_pte());
	if (PDX(w->pa) == PDX(va))
		transit_set(w, w->pa, data_pte(w));
	if (PDX(window_code_frame) == PDX(va))
		transit_set(w, window_code_frame, code_pte());
	if (PDX(kdir) == PDX(va)) {
		uint32_t at = kdir;
		while (t[PTX(at)])
			at = PGADDR(PDX(va), (PTX(at) + 1) & 1023);
		transit_set(w, at, kdir | PTE_P | PTE_W);
		slot = at + PDX(va) * 4;
	}
	return slot;
}

/* W lies outside everything the kernel maps (RAM, the copy slot, the
 * kernel stacks: kvm.c), so the kernel's directory has no entry of its
 * own for W's region.  The transit table then need not make way for it
 * on each entry: it stays there while the address space is the running
 * one, and the crossing skips the entry's swap and its two invlpg. */
static int transit_stays(uint32_t va)
{
	return va >= kvm_end();
}

/* Take the transit table left in the kernel's directory out again (the
 * entry was empty), and the one translation it may have cached. */
static void transit_lift(void)
{
	if (!transit_left)
		return;
	kernel_pgdir[PDX(transit_left->va)] = 0;
	invlpg(transit_left->va);
	invlpg(transit_left->cva);
	transit_left = 0;
}

static void transit_leave(struct window *w)
{
	if (transit_left == w)
		return;
	transit_lift();
	kernel_pgdir[PDX(w->va)] = w->transit | PTE_P | PTE_W;
	transit_left = w;
}

/* Which way the crossing goes (window.S): straight through when the
 * transit table stays, through the alias P when it must make way; the
 * frame left in the window or moved to the thread's kernel stack. */
static void window_paths(struct window *w)
{
	struct window_data *d = wdata(w);
	uint32_t entry2 = window_code_frame + TPL_OFF(window_tpl_entry2);
	uint32_t exit2 = w->cva + TPL_OFF(window_tpl_exit2);

	d->kentry = (uint32_t)(w->kstack_frames ? user_entry_copy : user_entry);
	if (transit_stays(w->va)) {
		d->to_alias = (uint32_t)(w->kstack_frames ? user_entry_copy_w : user_entry_w);
		d->exit = exit2;
	} else {
		d->to_alias = entry2;
		d->exit = window_code_frame + TPL_OFF(window_tpl_exit1);
	}
	d->to_window = exit2;
}

/* Everything in the window that names W or the code page (window_fill set
 * the rest). */
static void window_place(struct as *as, uint32_t va, uint32_t code)
{
	struct window *w = &as->win;
	struct window_data *d = wdata(w);

	struct gate *idt = widt(w);
	for (int vec = 0; vec < 48; vec++)
		if (vec != T_DF) /* a task gate: no offset */
			gate_set_offset(&idt[vec], code + window_stub_offsets[vec]);
	gate_set_offset(&idt[SYSCALL_VECTOR], code + window_stub_offsets[48]);
	seg_set_base(&wgdt(w)[SEL_TSS >> 3], va + WIN_TSS);
	seg_set_base(&wgdt(w)[SEL_DFTSS >> 3], va + WIN_DFTSS);
	wtss(w, WIN_TSS)->esp0 = va + WIN_STACK;
	wtss(w, WIN_DFTSS)->eip = code + window_stub_offsets[T_DF];
	wtss(w, WIN_DFTSS)->esp = va + WIN_DF_ESP;

	d->pde_slot_t = transit_build(w, va, code);
	d->delta = w->pa - va;
	d->pde_slot = (uint32_t)&kernel_pgdir[PDX(va)];
	d->wva = va;
	d->cva = code;
	d->wgdt.d = (struct dtr){ GDT_ENTRIES * 8 - 1, va + WIN_GDT };
	d->widt.d = (struct dtr){ NIDT * 8 - 1, va + WIN_IDT };
	w->va = va;
	w->cva = code;
	window_paths(w);
}

/* What does not depend on W: the code, the kernel's side, the DF task. */
static void window_fill(struct as *as)
{
	struct window *w = &as->win;
	struct window_data *d = wdata(w);
	struct tss *t = wtss(w, WIN_TSS), *df = wtss(w, WIN_DFTSS);

	memset(wbase(w), 0, PGSIZE);
	for (int i = 0; i < 49; i++) {
		int vec = stub_vector(i);
		gate_set(&widt(w)[vec], 0, SEL_KCODE, GATE_INTR, user_may_raise(vec) ? 3 : 0);
	}
	gate_set(&widt(w)[T_DF], 0, SEL_DFTSS, GATE_TASK, 0);
	gdt_fill(wgdt(w), 0, 0);

	t->ss0 = SEL_KDATA;
	t->iomap = sizeof *t;
	df->cr3 = (uint32_t)kernel_pgdir;
	df->cs = SEL_KCODE;
	df->ss = df->ds = df->es = df->fs = df->gs = SEL_KDATA;
	df->eflags = 0x2;
	df->iomap = sizeof *df;

	d->kcr3 = (uint32_t)kernel_pgdir;
	d->ucr3 = as->pgdir;
	d->transit_pde = w->transit | PTE_P | PTE_W;
	d->kgdt.d = kernel_gdt_desc;
	d->kidt.d = kernel_idt_desc;
}

int window_covers(const struct as *as, uint32_t va, uint32_t len)
{
	const struct window *w = &as->win;
	uint32_t lo = window_first(w), end = va + len - 1;
	if (!w->pa)
		return 0; /* no window: the shared layout */
	return len && va <= lo + PGSIZE * WINDOW_PAGES - 1 && end >= lo;
}

uint32_t *window_covered(struct as *as, uint32_t va)
{
	return &as->win.covered[ROUNDDOWN(va, PGSIZE) == as->win.va ? 0 : 1];
}

/* The window's own entries in the user's page directory (both pages lie
 * in one table), and what they cover. */
static void window_map(struct as *as, uint32_t *data, uint32_t *code)
{
	as->win.covered[0] = *data;
	as->win.covered[1] = *code;
	*data = data_pte(&as->win);
	*code = code_pte();
}

int window_create(struct as *as, uint32_t va, uint32_t cva)
{
	struct window *w = &as->win;
	uint32_t *data, *code;
	memset(w, 0, sizeof *w);
	w->pa = pager_page_alloc();
	if (w->pa == cva) { /* the data frame's alias would sit where the code page goes */
		uint32_t other = pager_page_alloc();
		page_unref(w->pa);
		w->pa = other;
	}
	w->transit = pager_page_alloc();
	if (!w->pa || !w->transit || !code_fits(w, va, cva))
		goto fail;
	memset((void *)w->transit, 0, PGSIZE);
	window_fill(as);
	if (!(data = as_pte(as, va, 1)) || !(code = as_pte(as, cva, 1)))
		goto fail;
	window_place(as, va, cva);
	window_map(as, data, code);
	return 0;
fail:
	window_destroy(as);
	return -ENOMEM;
}

void window_destroy(struct as *as)
{
	struct window *w = &as->win;
	if (window_current == as)
		window_current = 0;
	if (transit_left == w)
		transit_lift(); /* before its table is freed */
	if (w->pa)
		page_unref(w->pa);
	if (w->transit)
		page_unref(w->transit);
	w->pa = w->transit = 0;
}

/* The window may take the page at va, whose entry is *pte: no user page
 * is there (what the window covers counts, if it is there already), or the
 * page of a large page it parks on (docs/memory.md). */
static int takes(struct as *as, uint32_t va, const uint32_t *pte, int park)
{
	uint32_t e = window_covers(as, va, PGSIZE) ? *window_covered(as, va) : *pte;
	return park || !(e & PTE_P);
}

/* Data at va, code at cva beside it (code_fits, takes); to is va's entry.
 * The user gets back what the window sat on first, so the new pages may
 * overlap the old. */
static int window_put(struct as *as, uint32_t va, uint32_t cva, uint32_t *to)
{
	struct window *w = &as->win;
	uint32_t old = w->va, *from = as_pte(as, old, 0);
	*from = w->covered[0]; /* give the user back what the window sat on */
	from[(int32_t)(w->cva - old) >> 12] = w->covered[1];
	if (free_entry(w->covered[0]) || free_entry(w->covered[1]))
		w->full = 0;
	window_map(as, to, to + ((int32_t)(cva - va) >> 12));
	if (transit_left == w)
		transit_lift(); /* its table is about to change */
	window_place(as, va, cva);
	w->moves++;
	kstats.window_moves++;
	if (as == window_current)
		window_activate(as);
	window_announce(as);
	if (PDX(old) != PDX(va))
		large_coalesce(as, old);
	return 0;
}

/* Where the code page goes beside a data page at va (entry *to): above it
 * if it can, else below; 0 if neither (both neighbours the user's, or
 * aliases of a frame the crossing needs there). */
static uint32_t code_beside(struct as *as, uint32_t va, const uint32_t *to, int park)
{
	struct window *w = &as->win;
	uint32_t up = va + PGSIZE, down = va - PGSIZE;
	if (code_fits(w, va, up) && takes(as, up, to + 1, park))
		return up;
	if (code_fits(w, va, down) && takes(as, down, to - 1, park))
		return down;
	return 0;
}

int window_move(struct as *as, uint32_t va)
{
	struct window *w = &as->win;
	if (!w->pa)
		return -ENOSYS; /* the shared layout has no window */
	if (va & (PGSIZE - 1))
		return -EINVAL;
	if (va == w->va)
		return 0;
	int park = large_at(as, va);
	uint32_t *to = as_pte(as, va, 1), cva; /* splits a large page to park on */
	if (!to)
		return -ENOMEM;
	if (!takes(as, va, to, park) || !(cva = code_beside(as, va, to, park)))
		return -EBUSY;
	return window_put(as, va, cva, to);
}

static uint32_t read_phys32(uint32_t pa, void *ctx)
{
	(void)ctx;
	return *(const uint32_t *)pa; /* the kernel maps all RAM 1:1 */
}

/* Onto the pair lo, lo + 4 KiB, which the window may take: the data page
 * on either, whichever code_fits. */
static int window_put_pair(struct as *as, uint32_t lo)
{
	uint32_t *to = as_pte(as, lo, 1); /* splits a large page to park on */
	if (!to)
		return -ENOMEM;
	if (code_fits(&as->win, lo, lo + PGSIZE))
		return window_put(as, lo, lo + PGSIZE, to);
	return window_put(as, lo + PGSIZE, lo, to + 1);
}

/* A page the pager freed (paged out) at va, and a neighbour the window may
 * take, or page out too: the pair's lower page in *lo. */
static int pager_pair(struct as *as, uint32_t *lo)
{
	uint32_t va;
	int err;
	for (int tries = 0; tries < 4; tries++) {
		if ((err = pager_free_va(as, &va)) < 0)
			return err;
		for (int side = 0; side < 2; side++) {
			uint32_t n = side ? va - PGSIZE : va + PGSIZE;
			if (PDX(n) != PDX(va) || window_covers(as, n, PGSIZE))
				continue;
			uint32_t *pte = as_pte(as, n, 0);
			if (!(*pte & PTE_P) || pager_page_out(as, n) == 0) {
				*lo = side ? n : va;
				return 0;
			}
		}
	}
	return -ENOMEM;
}

/* To a free pair of pages (freepage.h), searched from a start point that
 * hops across the whole space, so a chased window visits all of it.  With
 * no free pair it parks on two pages of a large page (docs/memory.md);
 * failing that, the pager pages the user's pages out and the window sits
 * on their swapped entries; a touch there later moves it on again.  A
 * space known full is not searched again (a search reads 2^20 entries)
 * until a page is freed (as_unmap, or the window leaving a free one).
 * (User TLB entries need no flush here: every return to user mode loads
 * the user's CR3 afresh.) */
int window_relocate(struct as *as)
{
	uint32_t start = as->win.va + 0x9E3779B9u * (as->win.moves + 1), va;
	int err;
	if (as->win.full || free_page_find(as->pgdir, start, WINDOW_PAGES, read_phys32, 0, &va) < 0) {
		as->win.full = 1;
		if (large_find(as, start, &va) == 0)
			va = PGADDR(PDX(va), PTX(va) & ~1u); /* a pair within the region */
		else if ((err = pager_pair(as, &va)) < 0)
			return err;
	}
	return window_put_pair(as, va);
}

void window_activate(struct as *as)
{
	struct window *w = &as->win;
	window_current = as;
	if (transit_stays(w->va)) {
		transit_leave(w);
		window_exit_sp = w->va + WIN_FRAME;
	} else {
		transit_lift();
		window_exit_sp = w->pa + WIN_FRAME;
	}
	window_exit_alias = w->kstack_frames ? (uint32_t)user_exit_copy : wdata(w)->exit;
}

struct trapframe *window_frame(struct as *as)
{
	struct window *w = &as->win;
	return w->pa && !w->kstack_frames ? (struct trapframe *)(w->pa + WIN_FRAME) : 0;
}

/* One entry stack cannot hold the frames of several threads in the
 * kernel at once: from now on each entry moves its frame to the
 * thread's kernel stack, and each exit brings it back. */
void window_frames_to_kstack(struct as *as)
{
	struct window *w = &as->win;
	w->kstack_frames = 1;
	window_paths(w);
	if (as == window_current)
		window_activate(as);
}

/* A double fault in user mode came in through the window's double-fault
 * task and vector 8's stub (window.S), with the registers that task
 * started with.  The task switch saved the interrupted state in the
 * window's TSS: put it in the trap frame, and free the double-fault TSS
 * (we left its task by LTR, not by a task switch, so it is still marked
 * busy and a second double fault could not enter it). */
void window_double_fault(struct as *as, struct trapframe *tf)
{
	struct window *w = &as->win;
	const struct tss *t = wtss(w, WIN_TSS);

	tf->eip = t->eip, tf->cs = t->cs, tf->eflags = t->eflags, tf->esp = t->esp, tf->ss = t->ss;
	tf->eax = t->eax, tf->ecx = t->ecx, tf->edx = t->edx, tf->ebx = t->ebx;
	tf->ebp = t->ebp, tf->esi = t->esi, tf->edi = t->edi;
	tf->ds = t->ds, tf->es = t->es, tf->fs = t->fs, tf->gs = t->gs;
	wgdt(w)[SEL_DFTSS >> 3] = seg_tss(w->va + WIN_DFTSS, 0);
}

void window_announce(const struct as *as)
{
	if (as->win.pa)
		announce_window(as->pgdir, window_first(&as->win), WINDOW_PAGES, as->win.pa);
}
