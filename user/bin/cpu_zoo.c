/* cpu_zoo — every way a CPL-3 program can poke the CPU's protection.
 *
 *   cpu_zoo SECTION [STEP]
 *
 * Sections: int (every `int n`), gdt (GDT selectors loaded into DS, ES,
 * FS, GS and SS, and far calls and jumps through them), ldt (the same
 * with the TI bit), priv (privileged instructions), io (in
 * and out on the instrumentation's, the UART's and other ports), tf (the
 * trap flag across system calls), iret (forged frames), gate (a call gate
 * the process writes into its own page 0, where a CPU with a non-null
 * LDTR at base 0 would find it).
 * Selectors: every index inside the GDT (from SGDT) and a few past it with
 * all four RPLs, plus every STEP-th selector of the 65536 (STEP 1: all).
 *
 * Attempts run in a thread of this process, one after another; a thread
 * the kernel kills for a fault ends its attempt and the next thread goes
 * on from the one after.  Each attempt's outcome (survived, landed at a
 * far target, or killed with vector v) is checked against the outcome the
 * descriptors imply (kernel/desc.h); at a far target the thread records
 * its CS and EFLAGS, and nothing may ever land at CPL 0.  One TAP line per
 * section; exit 0 iff every attempt went as expected.
 */
#include "user.h"

#define MAXATT      ((32768 + 128) * 7)	/* selectors of one TI, 5 loads + 2 far */
#define STACK       0x58000000u	/* the attempts' thread stack */
#define STACK_PAGES 4u
#define CODE        0x59000000u	/* a page of generated instructions */

#define SURVIVED  0x200			/* the attempt returned */
#define LANDED    0x42			/* exit status at a far target */
#define ALL_DONE  0x77			/* exit status after the last attempt */
#define KILLED(v) (WAIT_KILLED | (v))
#define T_DB 1
#define T_BP 3
#define T_OF 4
#define T_TS 10
#define T_GP 13
#define T_PF 14

/* kernel/desc.h: the GDT every window holds. */
#define GDT_UCODE 3
#define GDT_UDATA 4

static int outcome[MAXATT];
/* Written by the asm below, so not static: the compiler must keep them. */
uint32_t landed_cs[MAXATT], landed_fl[MAXATT];
volatile uint32_t cur, cpl0_ran;
static uint16_t sels[65536];
static uint32_t nsels, natt;
static void (*attempt)(uint32_t i);
static int (*expect)(uint32_t i);
static const char *(*describe)(uint32_t i);
static char text[64];

/* ---- running attempts in threads -------------------------------------------- */

#define STR(x) #x
#define XSTR(x) STR(x)

/* At a far target: record where we landed, end the thread (in asm: the
 * stack may hold a far return frame, and nothing may be assumed). */
void far_landed(void);
asm(".text\n"
    "far_landed:\n"
    "	movl cur, %eax\n"
    "	movw %cs, %cx\n"
    "	movzwl %cx, %ecx\n"
    "	movl %ecx, landed_cs(,%eax,4)\n"
    "	pushfl\n"
    "	popl landed_fl(,%eax,4)\n"
    "	movl $" XSTR(SYS_exit) ", %eax\n"
    "	movl $" XSTR(LANDED) ", %ebx\n"
    "	int $" XSTR(SYSCALL_VECTOR) "\n");

static void runner(void *from)
{
	for (uint32_t i = (uint32_t)from; i < natt; i++) {
		cur = i;
		attempt(i);
		outcome[i] = SURVIVED;
	}
	exit(ALL_DONE);
}

/* Runs attempts 0..n-1; a killed thread's attempt gets its status. */
static void run(uint32_t n)
{
	uint32_t next = 0;
	int st, tid;

	natt = n;
	for (uint32_t i = 0; i < n; i++)
		outcome[i] = -1;
	while (next < n) {
		tid = thread(runner, (void *)(STACK + STACK_PAGES * PAGE_SIZE), (void *)next);
		if (tid < 0 || wait(tid, &st) != tid) {
			printf("# cannot run a thread: %d\n", tid);
			return;
		}
		if (st == ALL_DONE)
			return;
		outcome[cur] = st;
		next = cur + 1;
	}
}

static const char *outcome_text(int o, char *buf, size_t n)
{
	if (o == SURVIVED)
		return "survived";
	if (o == LANDED)
		return "landed";
	if (o >= 0 && (o & WAIT_KILLED))
		snprintf(buf, n, "killed by vector %d", o & 0xFF);
	else
		snprintf(buf, n, "status %#x", o);
	return buf;
}

/* A far target must run at CPL 3 with IOPL 0, VM clear and IF set. */
static int landed_right(uint32_t i)
{
	return (landed_cs[i] & 3) == 3 && !(landed_fl[i] & 0x23000) && (landed_fl[i] & 0x200);
}

/* Checks every attempt; reports the first few that went otherwise. */
static void section(const char *name, uint32_t n)
{
	uint32_t bad = 0, cpl0 = 0;
	char got[32], want[32];

	run(n);
	for (uint32_t i = 0; i < n; i++) {
		int w = expect(i);
		if (outcome[i] == LANDED && (landed_cs[i] & 3) != 3)
			cpl0++;
		if (outcome[i] == w && (w != LANDED || landed_right(i)))
			continue;
		if (bad++ < 12)
			printf("# %s: %s: %s, want %s (cs %#x eflags %#x)\n", name, describe(i),
			       outcome_text(outcome[i], got, sizeof got),
			       outcome_text(w, want, sizeof want), landed_cs[i], landed_fl[i]);
	}
	ok(bad == 0 && cpl0 == 0, "%s: %u attempts as expected (%u otherwise, %u at CPL 0)",
	   name, n, bad, cpl0);
}

/* ---- int n -------------------------------------------------------------------- */

/* mov $SYS_getpid, %eax; int $n; ret — written into the code page. */
static void try_int(uint32_t n)
{
	uint8_t *c = (uint8_t *)CODE;
	c[0] = 0xB8, c[1] = SYS_getpid, c[2] = c[3] = c[4] = 0;
	c[5] = 0xCD, c[6] = (uint8_t)n, c[7] = 0xC3;
	asm volatile("call *%0" : : "r"(CODE) : "eax", "memory");
}

static int expect_int(uint32_t n)
{
	if (n == SYSCALL_VECTOR)
		return SURVIVED;
	if (n == T_BP || n == T_OF)	/* the only other DPL-3 gates */
		return KILLED(n);
	return KILLED(T_GP);		/* DPL 0, or past the IDT's limit */
}

static const char *describe_int(uint32_t n)
{
	snprintf(text, sizeof text, "int $%#x", n);
	return text;
}

/* ---- segment loads, far calls and jumps -------------------------------------------- */

/* Attempts on selector k: 5k..5k+4 load it into DS, ES, FS, GS, SS; then
 * 5·nsels + 2k and 2k+1 lcall and ljmp through it. */
static const char *const seg_names[] = { "ds", "es", "fs", "gs", "ss" };
#define NSEGREG 5

static void load_seg(uint32_t reg, uint32_t sel)
{
	switch (reg) {
	case 0: asm volatile("mov %%ds, %%cx; mov %%ax, %%ds; mov %%cx, %%ds" : : "a"(sel) : "ecx"); break;
	case 1: asm volatile("mov %%es, %%cx; mov %%ax, %%es; mov %%cx, %%es" : : "a"(sel) : "ecx"); break;
	case 2: asm volatile("mov %%fs, %%cx; mov %%ax, %%fs; mov %%cx, %%fs" : : "a"(sel) : "ecx"); break;
	case 3: asm volatile("mov %%gs, %%cx; mov %%ax, %%gs; mov %%cx, %%gs" : : "a"(sel) : "ecx"); break;
	default: asm volatile("mov %%ss, %%cx; mov %%ax, %%ss; mov %%cx, %%ss" : : "a"(sel) : "ecx"); break;
	}
}

static void far_transfer(int jump, uint32_t sel, uint32_t off)
{
	struct { uint32_t off; uint16_t sel; } __attribute__((packed)) ptr = { off, (uint16_t)sel };
	if (jump)
		asm volatile("ljmp *%0" : : "m"(ptr) : "memory");
	else
		asm volatile("lcall *%0" : : "m"(ptr) : "memory");
}

static void try_sel(uint32_t i)
{
	if (i < nsels * NSEGREG)
		load_seg(i % NSEGREG, sels[i / NSEGREG]);
	else
		far_transfer(i % 2, sels[(i - nsels * NSEGREG) / 2], (uint32_t)far_landed);
}

/* At CPL 3, loading a data segment register (or SS) with sel: null loads
 * (SS: #GP); user code (readable) and user data load (SS: user data with
 * RPL 3 only); kernel and system descriptors, indices past the GDT and
 * every LDT selector (the LDT is null) give #GP.  A far call or jump lands
 * only through the user code segment: the GDT has no gates, the kernel's
 * code and the TSSs are DPL 0. */
static int expect_sel(uint32_t i)
{
	int far = i >= nsels * NSEGREG;
	uint32_t sel = far ? sels[(i - nsels * NSEGREG) / 2] : sels[i / NSEGREG], idx = sel >> 3;
	int ss = !far && i % NSEGREG == 4;

	if (sel & 4)
		return KILLED(T_GP);
	if (far)
		return idx == GDT_UCODE ? LANDED : KILLED(T_GP);
	if (idx == 0 || idx == GDT_UCODE)
		return ss ? KILLED(T_GP) : SURVIVED;
	if (idx == GDT_UDATA)
		return !ss || (sel & 3) == 3 ? SURVIVED : KILLED(T_GP);
	return KILLED(T_GP);
}

static const char *describe_sel(uint32_t i)
{
	uint32_t f = i - nsels * NSEGREG;

	if (i < nsels * NSEGREG)
		snprintf(text, sizeof text, "mov %#x to %s", sels[i / NSEGREG], seg_names[i % NSEGREG]);
	else
		snprintf(text, sizeof text, "%s %#x:far_landed", f % 2 ? "ljmp" : "lcall", sels[f / 2]);
	return text;
}

/* Selectors with the TI bit as asked: every GDT index up to two past the
 * GDT's limit (SGDT) with every RPL, then every step-th selector. */
static void pick_selectors(uint32_t step, uint32_t ti)
{
	struct { uint16_t limit; uint32_t base; } __attribute__((packed)) gdtr;
	uint32_t sel, dense;

	asm volatile("sgdt %0" : "=m"(gdtr));
	dense = ((gdtr.limit + 1u) / 8 + 2) * 8;
	nsels = 0;
	for (sel = 0; sel < 65536; sel += sel < dense ? 1 : step)
		if ((sel & 4) == ti)
			sels[nsels++] = sel;
}

/* ---- privileged instructions and ports ------------------------------------------ */

static void p_hlt(void)   { asm volatile("hlt"); }
static void p_cli(void)   { asm volatile("cli"); }
static void p_sti(void)   { asm volatile("sti"); }
static void p_clts(void)  { asm volatile("clts"); }
static void p_wbinvd(void) { asm volatile("wbinvd"); }
static void p_invd(void)  { asm volatile("invd"); }
static void p_invlpg(void) { asm volatile("invlpg (%0)" : : "r"(0x40000000u)); }
static void p_lgdt(void)  { uint64_t d = 0; asm volatile("lgdt %0" : : "m"(d)); }
static void p_lidt(void)  { uint64_t d = 0; asm volatile("lidt %0" : : "m"(d)); }
static void p_lldt(void)  { asm volatile("lldt %w0" : : "r"(0x28)); }
static void p_ltr(void)   { asm volatile("ltr %w0" : : "r"(0x30)); }
static void p_lmsw(void)  { asm volatile("lmsw %w0" : : "r"(1)); }
static void p_rcr0(void)  { uint32_t v; asm volatile("mov %%cr0, %0" : "=r"(v)); }
static void p_rcr2(void)  { uint32_t v; asm volatile("mov %%cr2, %0" : "=r"(v)); }
static void p_rcr3(void)  { uint32_t v; asm volatile("mov %%cr3, %0" : "=r"(v)); }
static void p_rcr4(void)  { uint32_t v; asm volatile("mov %%cr4, %0" : "=r"(v)); }
static void p_wcr0(void)  { asm volatile("mov %0, %%cr0" : : "r"(0x80000011u)); }
static void p_wcr3(void)  { asm volatile("mov %0, %%cr3" : : "r"(0x1000u)); }
static void p_wcr4(void)  { asm volatile("mov %0, %%cr4" : : "r"(0u)); }
static void p_rdr7(void)  { uint32_t v; asm volatile("mov %%dr7, %0" : "=r"(v)); }
static void p_wdr0(void)  { asm volatile("mov %0, %%dr0" : : "r"(0x100000u)); }
static void p_rdmsr(void) { asm volatile("rdmsr" : : "c"(0x10) : "eax", "edx"); }
static void p_wrmsr(void) { asm volatile("wrmsr" : : "c"(0x174), "a"(8), "d"(0)); }
static void p_rdpmc(void) { asm volatile("rdpmc" : : "c"(0) : "eax", "edx"); }
static void p_sysenter(void) { asm volatile("sysenter"); }
static void p_icebp(void) { asm volatile(".byte 0xF1"); }	/* int1: #DB without a DPL check */

/* popf cannot raise IOPL or clear IF at CPL 3: both stay as they were. */
static void p_popf(void)
{
	uint32_t fl;
	asm volatile("pushfl; popl %%eax; orl $0x3000, %%eax; andl $~0x200, %%eax;"
		     "pushl %%eax; popfl; pushfl; popl %0" : "=r"(fl) : : "eax", "cc");
	if ((fl & 0x3000) || !(fl & 0x200))
		asm volatile("ud2");
}

static const struct {
	void (*fn)(void);
	int want;
	const char *name;
} privs[] = {
	{ p_hlt, KILLED(T_GP), "hlt" }, { p_cli, KILLED(T_GP), "cli" }, { p_sti, KILLED(T_GP), "sti" },
	{ p_clts, KILLED(T_GP), "clts" }, { p_wbinvd, KILLED(T_GP), "wbinvd" },
	{ p_invd, KILLED(T_GP), "invd" }, { p_invlpg, KILLED(T_GP), "invlpg" },
	{ p_lgdt, KILLED(T_GP), "lgdt" }, { p_lidt, KILLED(T_GP), "lidt" },
	{ p_lldt, KILLED(T_GP), "lldt" }, { p_ltr, KILLED(T_GP), "ltr" },
	{ p_lmsw, KILLED(T_GP), "lmsw" }, { p_rcr0, KILLED(T_GP), "mov %cr0, r" },
	{ p_rcr2, KILLED(T_GP), "mov %cr2, r" }, { p_rcr3, KILLED(T_GP), "mov %cr3, r" },
	{ p_rcr4, KILLED(T_GP), "mov %cr4, r" }, { p_wcr0, KILLED(T_GP), "mov r, %cr0" },
	{ p_wcr3, KILLED(T_GP), "mov r, %cr3" }, { p_wcr4, KILLED(T_GP), "mov r, %cr4" },
	{ p_rdr7, KILLED(T_GP), "mov %dr7, r" }, { p_wdr0, KILLED(T_GP), "mov r, %dr0" },
	{ p_rdmsr, KILLED(T_GP), "rdmsr" }, { p_wrmsr, KILLED(T_GP), "wrmsr" },
	{ p_rdpmc, KILLED(T_GP), "rdpmc" }, { p_sysenter, KILLED(T_GP), "sysenter" },
	{ p_icebp, KILLED(T_DB), "icebp" }, { p_popf, SURVIVED, "popf IOPL=3 IF=0 (ignored)" },
};
#define NPRIV (sizeof privs / sizeof privs[0])

static void try_priv(uint32_t i)          { privs[i].fn(); }
static int expect_priv(uint32_t i)        { return privs[i].want; }
static const char *describe_priv(uint32_t i) { return privs[i].name; }

/* The instrumentation's ports (0x500-0x504: docs/instrumentation.md), COM1, the PICs, the PIT, the
 * keyboard controller, CMOS, POST and PCI configuration. */
static const uint16_t ports[] = {
	0x500, 0x501, 0x502, 0x503, 0x504, 0x3F8, 0x3F9, 0x3FD, 0x20, 0x21, 0xA0, 0x40, 0x43,
	0x60, 0x64, 0x70, 0x71, 0x80, 0x92, 0xCF8, 0xCFC, 0x8A00, 0xFFFF,
};
#define NPORT (sizeof ports / sizeof ports[0])

static void try_io(uint32_t i)
{
	uint32_t port = ports[i / 6];

	switch (i % 6) {
	case 0: asm volatile("inb %%dx, %%al" : : "d"(port) : "eax"); break;
	case 1: asm volatile("inw %%dx, %%ax" : : "d"(port) : "eax"); break;
	case 2: asm volatile("inl %%dx, %%eax" : : "d"(port) : "eax"); break;
	case 3: asm volatile("outb %%al, %%dx" : : "d"(port), "a"(0x41)); break;
	case 4: asm volatile("outw %%ax, %%dx" : : "d"(port), "a"(0x4141)); break;
	default: asm volatile("outl %%eax, %%dx" : : "d"(port), "a"(0x41414141)); break;
	}
}

/* IOPL is 0 and the TSS has no I/O bitmap: every port access is #GP. */
static int expect_io(uint32_t i) { (void)i; return KILLED(T_GP); }

static const char *describe_io(uint32_t i)
{
	static const char *const ops[] = { "inb", "inw", "inl", "outb", "outw", "outl" };
	snprintf(text, sizeof text, "%s port %#x", ops[i % 6], ports[i / 6]);
	return text;
}

/* ---- the trap flag across system calls ------------------------------------------- */

static void traced_syscall(uint32_t nr, uint32_t a)
{
	asm volatile("pushfl; orl $0x100, (%%esp); popfl; int $0x80; nop"
		     : "+a"(nr) : "b"(a) : "memory", "cc");
}

static void tf_nop(void)     { asm volatile("pushfl; orl $0x100, (%esp); popfl; nop"); }
static void tf_getpid(void)  { traced_syscall(SYS_getpid, 0); }
static void tf_yield(void)   { traced_syscall(SYS_yield, 0); }
static void tf_sleep(void)   { traced_syscall(SYS_sleep, 2); }
static void tf_window(void)  { traced_syscall(SYS_window_move, 0x5A000000u); }
static void tf_bad(void)     { traced_syscall(SYS_window, 0); }	/* EFAULT path */
/* The fault comes before the single-step trap. */
static void tf_fault(void)
{
	asm volatile("pushfl; orl $0x100, (%%esp); popfl; movl $1, (%0)" : : "r"(0x5B000000u));
}

static const struct {
	void (*fn)(void);
	int want;
	const char *name;
} tfs[] = {
	{ tf_nop, KILLED(T_DB), "TF then nop" },
	{ tf_getpid, KILLED(T_DB), "TF across getpid" },
	{ tf_yield, KILLED(T_DB), "TF across yield (a thread switch)" },
	{ tf_sleep, KILLED(T_DB), "TF across sleep(2)" },
	{ tf_window, KILLED(T_DB), "TF across window_move" },
	{ tf_bad, KILLED(T_DB), "TF across window(0) (EFAULT)" },
	{ tf_fault, KILLED(T_PF), "TF, then a page fault" },
};
#define NTF (sizeof tfs / sizeof tfs[0])

static void try_tf(uint32_t i) { tfs[i].fn(); }
/* The kernel's gates clear TF; the first user instruction after the
 * return traps with #DB, which kills the thread. */
static int expect_tf(uint32_t i) { return tfs[i].want; }
static const char *describe_tf(uint32_t i) { return tfs[i].name; }

/* ---- iret with forged frames ------------------------------------------------------- */

/* LDT selectors are the ldt section's: with no LDT they must all be #GP. */
static const struct {
	uint32_t cs, eflags, ss, eip;
	int want;
	const char *name;
} irets[] = {
	{ 0x08, 0x202, 0x23, 0, KILLED(T_GP), "to the kernel's code (RPL 0)" },
	{ 0x0B, 0x202, 0x23, 0, KILLED(T_GP), "to the kernel's code with RPL 3" },
	{ 0x13, 0x202, 0x23, 0, KILLED(T_GP), "to the kernel's data as code" },
	{ 0x2B, 0x202, 0x23, 0, KILLED(T_GP), "to the TSS as code" },
	/* To the same level iret pops no SS:ESP: a forged SS is never loaded. */
	{ 0x1B, 0x202, 0x10, 0, LANDED, "with the kernel's data as SS (not popped)" },
	{ 0x1B, 0x202, 0x00, 0, LANDED, "with a null SS (not popped)" },
	{ 0x3B, 0x202, 0x23, 0, KILLED(T_GP), "past the GDT" },
	{ 0x1B, 0x23002, 0x23, 0, LANDED, "with IOPL 3, VM, IF clear (ignored at CPL 3)" },
	{ 0x1B, 0x202, 0x23, 0x00100000u, KILLED(T_PF), "to the kernel image's address" },
	{ 0x1B, 0x4202, 0x23, 0, KILLED(T_TS), "with NT set: a task return through the TSS link" },
};
#define NIRET (sizeof irets / sizeof irets[0])

static void try_iret(uint32_t i)
{
	uint32_t eip = irets[i].eip ? irets[i].eip : (uint32_t)far_landed;

	if (irets[i].eflags & 0x4000) {	/* NT: iret is a task return */
		asm volatile("pushfl; orl $0x4000, (%%esp); popfl; iret" : : : "memory");
		return;
	}
	asm volatile("movl %%esp, %%ebx;"
		     "pushl %[ss]; pushl %%ebx; pushl %[fl]; pushl %[cs]; pushl %[eip]; iret"
		     : : [ss] "r"(irets[i].ss), [fl] "r"(irets[i].eflags), [cs] "r"(irets[i].cs),
		       [eip] "r"(eip) : "ebx", "memory");
}

static int expect_iret(uint32_t i) { return irets[i].want; }

static const char *describe_iret(uint32_t i)
{
	snprintf(text, sizeof text, "iret %s", irets[i].name);
	return text;
}

/* ---- a call gate in page 0 --------------------------------------------------------- */

/* Where the gate leads: kernel code, CPL 0, under this process's CR3. */
void cpl0_probe(void);
asm(".text\n"
    "cpl0_probe:\n"
    "	cli\n"
    "	movl $1, cpl0_ran\n"
    "	sti\n"
    "	lret\n");

/* A 32-bit call gate (DPL 3) to the kernel's code selector at cpl0_probe,
 * written at LDT index `idx` — page 0, if the CPU reads an LDT at base 0. */
static void write_gate(uint32_t idx)
{
	uint32_t *d = (uint32_t *)(idx * 8), off = (uint32_t)cpl0_probe;
	d[0] = (off & 0xFFFF) | (0x08u << 16);
	d[1] = (off & 0xFFFF0000u) | 0xEC00u;
}

static void try_gate(uint32_t i)
{
	struct { uint32_t off; uint16_t sel; } __attribute__((packed)) ptr = { 0, 0x07 | 8 * i };

	write_gate(i);
	if (i % 2)
		asm volatile("ljmp *%0" : : "m"(ptr) : "memory");
	else
		asm volatile("lcall *%0" : : "m"(ptr) : "memory");
}

/* The LDT is null: the selector is refused before any gate is read. */
static int expect_gate(uint32_t i) { (void)i; return KILLED(T_GP); }

static const char *describe_gate(uint32_t i)
{
	snprintf(text, sizeof text, "%s through an LDT call gate at page 0 + %u",
		 i % 2 ? "ljmp" : "lcall", i * 8);
	return text;
}

static void gate_section(void)
{
	if (map(0, 1, MAP_WRITE) != 0) {
		ok(0, "gate: page 0 could not be mapped");
		return;
	}
	section("gate", 4);
	ok(!cpl0_ran, "gate: nothing ran at CPL 0");
	unmap(0, 1);
}

/* ---- main ------------------------------------------------------------------------- */

#define USE(name) (attempt = try_##name, expect = expect_##name, describe = describe_##name)

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	uint32_t step = arg_decimal(argc, argv, 2, 0);

	if (step == 0)
		step = 1;
	skip_all_if_shared();
	if (map(STACK, STACK_PAGES, MAP_WRITE) != 0 || map(CODE, 1, MAP_WRITE) != 0) {
		printf("cpu_zoo: cannot map its pages\n");
		return 2;
	}
	if (!strcmp(what, "gate")) {
		plan(2);
		USE(gate);
		gate_section();
		done();
	}
	plan(1);
	if (!strcmp(what, "int")) {
		USE(int);
		section(what, 256);
	} else if (!strcmp(what, "gdt") || !strcmp(what, "ldt")) {
		pick_selectors(step, what[0] == 'l' ? 4 : 0);
		USE(sel);
		section(what, nsels * (NSEGREG + 2));
	} else if (!strcmp(what, "priv")) {
		USE(priv);
		section(what, NPRIV);
	} else if (!strcmp(what, "io")) {
		USE(io);
		section(what, NPORT * 6);
	} else if (!strcmp(what, "tf")) {
		USE(tf);
		section(what, NTF);
	} else if (!strcmp(what, "iret")) {
		USE(iret);
		section(what, NIRET);
	} else {
		ok(0, "unknown section '%s'", what);
	}
	done();
}
