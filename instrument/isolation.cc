// Isolation checks: what the kernel announced, and a look at every
// instruction, mode change and ring-0 data access once it has announced
// its own CR3 (docs/instrumentation.md lists each FLAG kind).
//
// A "transit" is a run of consecutive instructions at CPL 0 with paging on
// and a CR3 other than the kernel's: the trampoline on its way in or out.
// Every instruction and every data access of a transit must lie in the
// window that address space announced, and so must the IDT, GDT and TSS
// while that CR3 is loaded; a transit longer than BOUNCE_TRANSIT_MAX is
// flagged when it ends. Ring 0 is entered from ring 3 only by an interrupt
// delivery (through a task gate only for the double fault); ring 3 never
// runs under the kernel's CR3 or with a usable LDT; a ring-0 push never
// lands below the bottom of the kernel stack announced last.
//
// The state these checks judge (CPL, CR3, paging, LDTR) changes only at
// events Bochs reports: an interrupt or exception delivery, a far branch
// (IRET, far CALL/JMP/RET, SYSENTER...), a CR0/CR3/CR4 load, a task
// switch, SMM, LLDT, reset. So isolation_step looks at the first
// instruction after each event, and then at every instruction only while
// a transit lasts (bounce_step); the rest run without a call.
//
// The "shared" layout maps the kernel everywhere, so it is not checked.
// BOUNCE_NO_CHECKS (a comma-separated list of check names, or "all")
// switches checks off, to measure what each costs.

#include <stdlib.h>
#include <string.h>

#include <unordered_map>

#include "bounce.h"

#define PAGE_SIZE  4096u
#define CR3_FRAME  0xfffff000u   // ignore the PWT/PCD bits of CR3
#define PUSH_REACH 64u           // a push, call, PUSHA or interrupt frame
                                 // writes at most this far below ESP
#define STACK_SLACK 0x4000u      // ESP this far below the bottom is still
                                 // "on" the announced stack (one big frame,
                                 // like musl's fmt_fp's, can jump 8 KiB)

struct window {
	Bit32u va;
	Bit32u pages;
};

bool isolation_checking;
Bit64u bounce_lin_limit;

// What the linear-access hook passes on (bounce_lin_limit): every access
// while ring 0 runs under a user CR3, or a delivery there (watch); else
// those below the announced stack's bottom while ring 0 may run under the
// kernel's CR3 (stack_watch: from an event until the next look says no).
static bool watch, stack_watch;

static bool kernel_known, shared_mode;
static Bit32u kernel_cr3;
static std::unordered_map<Bit32u, window> windows;

// Checks that can be switched off (BOUNCE_NO_CHECKS), by name.
enum { CHK_TRANSIT = 1, CHK_ENTRY = 2, CHK_TABLES = 4, CHK_ACCESS = 8, CHK_STACK = 16 };
static unsigned checks = ~0u;

// The window last looked up, by CR3 (the one loaded, mostly).
static Bit32u cached_cr3 = 1;   // never a frame address: forces a look-up
static const window *cached;

// The transit under way.
static Bit64u transit_len;
static Bit16u transit_cs;
static Bit32u transit_eip, transit_cr3;
static bool outside_reported, access_reported;

// Mode changes: the CPL of the last instruction, and how ring 0 was
// entered since (an interrupt delivery, and the TR it started with).
static unsigned last_cpl;
static bool via_int;
static unsigned via_vector;
static Bit16u via_tr;
static bool cpl3_kernel_reported;
static bool ldt_reported;       // until the next LLDT

// The kernel stack announced last: [stack_lo, stack_hi).
static Bit32u stack_lo, stack_hi;
static bool stack_reported;
// The user CR3 loaded last: under the kernel's CR3 the entry path still runs
// on that space's window stack, which may lie anywhere, below a stack too.
static Bit32u last_user_cr3 = 1;

static unsigned cpl_of(BX_CPU_C *c)
{
	return c->sregs[BX_SEG_REG_CS].selector.rpl;
}

// eip: the instruction to blame (after execution Bochs has moved on).
static void flag_at(BX_CPU_C *c, Bit32u eip, const char *kind, const char *extra)
{
	trace_event("FLAG", "kind=%s cpl=%u cs=0x%x eip=0x%x cr3=0x%x%s", kind, cpl_of(c),
		c->sregs[BX_SEG_REG_CS].selector.value, eip, (Bit32u) c->cr3 & CR3_FRAME, extra);
}

// Blame the instruction under way.
static void flag(BX_CPU_C *c, const char *kind, const char *extra)
{
	flag_at(c, (Bit32u) c->prev_rip, kind, extra);
}

static Bit64u transit_max(void)
{
	const char *s = getenv("BOUNCE_TRANSIT_MAX");
	return s ? strtoull(s, NULL, 0) : 64;
}

static void read_switches(void)
{
	static const struct { const char *name; unsigned bit; } names[] = {
		{ "transit", CHK_TRANSIT }, { "entry", CHK_ENTRY }, { "tables", CHK_TABLES },
		{ "access", CHK_ACCESS }, { "stack", CHK_STACK }, { "all", ~0u },
	};
	const char *s = getenv("BOUNCE_NO_CHECKS");
	for (unsigned k = 0; s != NULL && k < sizeof names / sizeof names[0]; k++) {
		size_t n = strlen(names[k].name);
		for (const char *p = s; (p = strstr(p, names[k].name)) != NULL; p += n)
			if ((p == s || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
				checks &= ~names[k].bit;
	}
}

static void set_lin_limit(void)
{
	Bit32u lo = isolation_checking && (checks & CHK_STACK) && stack_watch ? stack_lo : 0;
	bounce_lin_limit = watch ? (Bit64u) 1 << 32 : lo;
}

static void update_checking(void)
{
	static bool switches_read;
	if (!switches_read) {
		read_switches();
		switches_read = true;
	}
	isolation_checking = kernel_known && !shared_mode && checks != 0;
	watch = false;
	stack_watch = true;
	bounce_step = isolation_checking;
	set_lin_limit();
}

void isolation_kernel(Bit32u cr3)
{
	kernel_cr3 = cr3 & CR3_FRAME;
	kernel_known = true;
	update_checking();
}

void isolation_window(Bit32u cr3, Bit32u va, Bit32u pages)
{
	window w = { va, pages };
	windows[cr3 & CR3_FRAME] = w;
	cached_cr3 = 1;
}

void isolation_mode(const char *name)
{
	shared_mode = strcmp(name, "shared") == 0;
	update_checking();
}

void isolation_stack(Bit32u lo, Bit32u hi)
{
	stack_lo = lo;
	stack_hi = hi;
	stack_reported = false;
	update_checking();
}

// [laddr, laddr + len) inside the window announced for cr3?
static bool in_window(Bit32u cr3, Bit32u laddr, Bit32u len)
{
	if (cr3 != cached_cr3) {
		auto it = windows.find(cr3);
		cached = (it == windows.end()) ? NULL : &it->second;
		cached_cr3 = cr3;
	}
	if (cached == NULL)
		return false;
	Bit32u size = cached->pages * PAGE_SIZE, off = laddr - cached->va;
	return off < size && len <= size - off;
}

static bool user_cr3_loaded(BX_CPU_C *c)
{
	return isolation_checking && c->cr0.get_PG() &&
	       ((Bit32u) c->cr3 & CR3_FRAME) != kernel_cr3;
}

static void end_transit(void)
{
	static const Bit64u max = transit_max();
	if (transit_len > max && (checks & CHK_TRANSIT))
		trace_event("FLAG", "kind=long-transit cpl=0 cs=0x%x eip=0x%x cr3=0x%x n=" FMT_LL "u",
			transit_cs, transit_eip, transit_cr3, transit_len);
	transit_len = 0;
	outside_reported = false;
	access_reported = false;
}

// Look at the next instruction: what it runs under may have changed.
void isolation_event(void)
{
	bounce_step |= isolation_checking;
	stack_watch = true;
	set_lin_limit();
}

// An interrupt or exception is being delivered (before the switch).
void isolation_delivery(BX_CPU_C *c, unsigned vector)
{
	isolation_event();
	// The delivery pushes at CPL 0, on the stack the TSS names.
	if (user_cr3_loaded(c) && (checks & CHK_ACCESS)) {
		watch = true;
		set_lin_limit();
	}
	via_int = true;
	via_vector = vector;
	via_tr = c->tr.selector.value;
}

// Ring 0 from ring 3: only an interrupt delivery through an interrupt or
// trap gate, or the double fault's task gate.
static void check_entry(BX_CPU_C *c)
{
	char how[48];
	if (!via_int)
		snprintf(how, sizeof how, " how=far");
	else if (c->tr.selector.value != via_tr && via_vector != 8)
		snprintf(how, sizeof how, " how=task vec=%u", via_vector);
	else
		return;
	flag(c, "cpl0-entry", how);
}

static void mode_change(BX_CPU_C *c, unsigned cpl)
{
	if (checks & CHK_ENTRY) {
		if (cpl == 0 && last_cpl == 3)
			check_entry(c);
		if (cpl == 3 && c->ldtr.cache.valid && !ldt_reported) {
			flag(c, "ldt", " how=usable");
			ldt_reported = true;
		}
	}
	last_cpl = cpl;
}

// Called before the first instruction after an event, and before every
// instruction of a transit: bounce_step stays set only while one lasts.
void isolation_step(BX_CPU_C *c)
{
	Bit32u cr3 = (Bit32u) c->cr3 & CR3_FRAME;
	unsigned cpl = cpl_of(c);
	bool paging = c->cr0.get_PG();
	if (cpl != last_cpl)
		mode_change(c, cpl);
	via_int = false;
	bool cpl3_kernel = cpl == 3 && cr3 == kernel_cr3 && paging && (checks & CHK_ENTRY);
	if (cpl3_kernel && !cpl3_kernel_reported)
		flag(c, "cpl3-kernel-cr3", "");
	cpl3_kernel_reported = cpl3_kernel;
	watch = cpl == 0 && cr3 != kernel_cr3 && paging && (checks & CHK_ACCESS);
	stack_watch = cpl == 0 && cr3 == kernel_cr3 && paging;
	set_lin_limit();
	bounce_step = cpl == 0 && cr3 != kernel_cr3 && paging;
	if (!bounce_step) {
		if (transit_len > 0)
			end_transit();
		return;
	}
	Bit16u cs = c->sregs[BX_SEG_REG_CS].selector.value;
	Bit32u eip = (Bit32u) c->prev_rip;
	if (transit_len++ == 0) {
		transit_cs = cs;
		transit_eip = eip;
		transit_cr3 = cr3;
	}
	Bit32u laddr = (Bit32u) c->sregs[BX_SEG_REG_CS].cache.u.segment.base + eip;
	if (in_window(cr3, laddr, 1)) {
		outside_reported = false;
	} else if (!outside_reported && (checks & CHK_TRANSIT)) {
		// once per stretch of consecutive offending instructions
		flag(c, "cpl0-outside-window", "");
		outside_reported = true;
	}
}

static void check_table(BX_CPU_C *c, Bit32u eip, const char *which, Bit32u base, Bit32u limit)
{
	if (in_window((Bit32u) c->cr3 & CR3_FRAME, base, limit + 1))
		return;
	char extra[64];
	snprintf(extra, sizeof extra, " which=%s base=0x%x limit=0x%x", which, base, limit);
	flag_at(c, eip, "table-outside-window", extra);
}

// After a CR3 load, a task switch or a table load (at eip): under a user
// CR3 the CPU must find its IDT, GDT and TSS in that address space's window.
void isolation_tables(BX_CPU_C *c, Bit32u eip)
{
	if (!user_cr3_loaded(c))
		return;
	last_user_cr3 = (Bit32u) c->cr3 & CR3_FRAME;
	if (!(checks & CHK_TABLES))
		return;
	check_table(c, eip, "idt", (Bit32u) c->idtr.base, c->idtr.limit);
	check_table(c, eip, "gdt", (Bit32u) c->gdtr.base, c->gdtr.limit);
	check_table(c, eip, "tr", (Bit32u) c->tr.cache.u.segment.base,
		c->tr.cache.u.segment.limit_scaled);
}

// A ring-0 write under the kernel's CR3 below the announced stack's bottom
// (instrument.cc passes only those), near ESP (so a push, a call or a
// frame, not a write to the heap object that happens to lie below the
// stack), while ESP is on or not far below that stack and not on the last
// window's entry stack. Once per announced stack.
static void check_stack(BX_CPU_C *c, Bit32u lin)
{
	Bit32u esp = c->gen_reg[BX_32BIT_REG_ESP].dword.erx;
	if (stack_reported || lin >= stack_lo || esp > stack_hi ||
	    esp + STACK_SLACK < stack_lo || lin + PUSH_REACH < esp ||
	    in_window(last_user_cr3, esp, 1))
		return;
	char extra[80];
	snprintf(extra, sizeof extra, " addr=0x%x esp=0x%x stack=0x%x-0x%x",
		lin, esp, stack_lo, stack_hi);
	flag(c, "stack-overflow", extra);
	stack_reported = true;
}

// A linear data access that passed instrument.cc's cheap filter
// (bounce_lin_limit): only ring 0 is judged.
void isolation_access(BX_CPU_C *c, Bit32u lin, unsigned len, unsigned rw)
{
	if (!isolation_checking || cpl_of(c) != 0 || rw == BX_EXECUTE || !c->cr0.get_PG())
		return;
	Bit32u cr3 = (Bit32u) c->cr3 & CR3_FRAME;
	if (cr3 == kernel_cr3) {
		if (rw != BX_READ && (checks & CHK_STACK))
			check_stack(c, lin);
		return;
	}
	if (access_reported || !(checks & CHK_ACCESS) || in_window(cr3, lin, len))
		return;
	char extra[48];
	snprintf(extra, sizeof extra, " addr=0x%x len=%u rw=%s", lin, len,
		rw == BX_READ ? "r" : "w");
	flag(c, "data-outside-window", extra);
	access_reported = true;   // once per transit
}

// LLDT (at eip) of anything but the null selector: Bounce never uses an LDT.
void isolation_lldt(BX_CPU_C *c, Bit32u eip)
{
	ldt_reported = false;
	isolation_event();      // the next CPL-3 instruction checks the LDTR
	if (isolation_checking && (checks & CHK_ENTRY) && c->ldtr.cache.valid)
		flag_at(c, eip, "ldt", " how=lldt");
}

void isolation_finish(void)
{
	if (transit_len > 0)
		end_transit();
}
